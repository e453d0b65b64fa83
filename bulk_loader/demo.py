"""`make demo`: the main job, end to end, against a local simulator.

1. Regenerate sample_data/ with call times relative to now.
2. Start `bulk-loader simulate` on a free port.
3. Upload sample_data/customers.csv to campaign 125 through the real CLI.
4. Write an XLSX report of the run, say where everything is, and stop the simulator.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

OUT = Path("demo_output")
DEMO_ENV = {
    "BULK_LOADER_USERNAME": "demo",
    "BULK_LOADER_ACTION_TOKEN": "demo-action",
    "BULK_LOADER_DATA_TOKEN": "demo-data",
}


def cli(*args: str, env: dict[str, str]) -> int:
    print(f"\n$ bulk-loader {' '.join(args)}", flush=True)
    return subprocess.call([sys.executable, "-m", "bulk_loader", *args], env=env)


def start_simulator(env: dict[str, str]) -> tuple[subprocess.Popen[str], str]:
    sim = subprocess.Popen(
        [sys.executable, "-m", "bulk_loader", "simulate", "--port", "0", "--latency-ms", "60"],
        stdout=subprocess.PIPE, text=True, env=env,
    )
    assert sim.stdout is not None
    for line in sim.stdout:
        print(f"  [simulator] {line.rstrip()}", flush=True)
        found = re.search(r"listening on (http://\S+)", line)
        if found:
            return sim, found.group(1)
    raise SystemExit("the simulator did not start; see its output above")


def main() -> int:
    env = {**os.environ, **DEMO_ENV, "BULK_LOADER_JOURNAL": str(OUT / "journal.sqlite")}
    OUT.mkdir(exist_ok=True)
    cli("sample", "--out", "sample_data", env=env)
    sim, base_url = start_simulator(env)
    try:
        # Small chunks and a little simulated latency, so the progress bar has time to show.
        code = cli("upload", "sample_data/customers.csv", "--campaign", "125",
                   "--base-url", base_url, "--chunk-size", "100",
                   "--results", str(OUT / "results.csv"), env=env)
        cli("report", "--latest", "--output", str(OUT / "report.xlsx"), env=env)
        cli("campaign", "--campaign", "125", "--base-url", base_url, env=env)
    finally:
        sim.terminate()
        sim.wait(timeout=10)
    print(
        f"\nDemo finished (upload exit code {code}: 1 means some rows were refused, as planned).\n"
        f"  results:  {OUT / 'results.csv'} (one line per input row)\n"
        f"  report:   {OUT / 'report.xlsx'} (open in Excel)\n"
        f"  journal:  {OUT / 'journal.sqlite'} (query with sqlite-utils or Datasette)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
