"""`make demo`: the main job, end to end, against a local simulator.

1. Regenerate sample_data/ with call times relative to now.
2. Start `bulk-loader simulate` on a free port.
3. Upload sample_data/customers.csv to campaign 125 through the real CLI.
4. Write an XLSX report of the run and show the campaign.
5. Upload a short file to a campaign of the newer Campaigns API v1 (the same simulator serves
   both APIs), say where everything is, and stop the simulator.
"""

from __future__ import annotations

import csv
import os
import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

OUT = Path("demo_output")
DEMO_ENV = {
    "BULK_LOADER_USERNAME": "demo",
    "BULK_LOADER_ACTION_TOKEN": "demo-action",
    "BULK_LOADER_DATA_TOKEN": "demo-data",
    # The v1 simulator's key and tenant (not secret: it prints them at start).
    "BULK_LOADER_API_KEY": "eght_demo_campaigns_key",
    "BULK_LOADER_TENANT": "demo",
}
V1_CAMPAIGN = "7c9e6679-7425-40de-944b-e07fc1f90ae7"  # the v1 simulator's RUNNING campaign
V1_ROWS = 250


def write_v1_sample(path: Path) -> None:
    """A short file for the Campaigns API v1: text ids, priority, rank, call times 20 days
    ahead (no 7-day rule there); one row with a priority the API does not know."""
    when = datetime.now(UTC).replace(microsecond=0) + timedelta(days=20)
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["Customer ID", "Schedule Date Time", "Priority", "Rank"])
        for i in range(V1_ROWS):
            at = (when + timedelta(minutes=i)).strftime("%Y-%m-%dT%H:%M:%SZ") if i % 3 else ""
            priority = "URGENT" if i == 17 else ("HIGH", "MEDIUM", "LOW")[i % 3]
            w.writerow([f"CRM-{i:05d}", at, priority, i + 1])


def cli(*args: str, env: dict[str, str]) -> int:
    print(f"\n$ bulk-loader {' '.join(args)}", flush=True)
    return subprocess.call([sys.executable, "-m", "bulk_loader", *args], env=env)


def start_simulator(env: dict[str, str]) -> tuple[subprocess.Popen[str], str]:
    sim = subprocess.Popen(
        [sys.executable, "-m", "bulk_loader", "simulate", "--port", "0", "--latency-ms", "60",
         "--api", "both"],
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
        write_v1_sample(Path("sample_data/customers-v1.csv"))
        v1_code = cli("upload", "sample_data/customers-v1.csv", "--api", "campaigns-v1",
                      "--site", "US1", "--base-url", base_url, "--campaign", V1_CAMPAIGN,
                      "--results", str(OUT / "results-v1.csv"), env=env)
    finally:
        sim.terminate()
        sim.wait(timeout=10)
    print(
        f"\nDemo finished (upload exit code {code}: 1 means some rows were refused, as planned;"
        f" Campaigns API v1 upload exit code {v1_code}: one row's priority is invalid).\n"
        f"  results:  {OUT / 'results.csv'} (one line per input row)\n"
        f"  v1:       {OUT / 'results-v1.csv'} (the upload to the Campaigns API v1)\n"
        f"  report:   {OUT / 'report.xlsx'} (open in Excel)\n"
        f"  journal:  {OUT / 'journal.sqlite'} (query with sqlite-utils or Datasette)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
