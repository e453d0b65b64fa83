"""Two overlapping nights on one campaign, and the undo of the second (docs/contract.md Decision 14).

Night 1 uploads N records; night 2 uploads N records of which the first half are night 1's. The
first run after night 1 that needs to know whose record is whose copies night 1's accepted chunks
into the journal's holdings (holdings.catch_up, once): here night 2, at its first duplicate. Then
night 2 again with `--skip-known` (a new run of the same file: known ids are not sent), and the
undo of night 2 (`delete --run`, which deletes only its N/2 records and lists the others as left).
Each command runs as its own process against the simulator (its own process, no latency); wall,
CPU (user+sys) and peak RSS are that process's (wait4).

`BENCH_NIGHTS_N` overrides the 1,000,000 (for a quick look). Run:
python -m bench.run_all bench_nights
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

from bench.bench_ops import cli, measured
from bench.bench_upload import _env, start_simulator, stop

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out" / "nights"


def write_ids(path: Path, first: int, n: int) -> None:
    with open(path, "w", encoding="utf-8") as f:
        f.write("Customer ID\n")
        step = 100_000
        for lo in range(first, first + n, step):
            f.write("".join(f"{10_000_000 + i}\n" for i in range(lo, min(first + n, lo + step))))


def run_json(argv: list[str]) -> dict[str, object]:
    done = subprocess.run(argv, env=_env(), capture_output=True, text=True)
    return json.loads(done.stdout.splitlines()[-1]) if done.stdout else {"error": done.stderr}


def main() -> str:
    n = int(os.environ.get("BENCH_NIGHTS_N", "1000000"))
    shutil.rmtree(OUT, ignore_errors=True)
    OUT.mkdir(parents=True)
    night1, night2, journal = OUT / "night1.csv", OUT / "night2.csv", OUT / "journal.sqlite"
    write_ids(night1, 0, n)
    write_ids(night2, n // 2, n)
    # Records stay New for the whole bench: none is being offered to an agent (busy) when the
    # undo deletes it, which would stop the undo with exit 3 (Decision 13).
    sim, url = start_simulator(0, "--stage-seconds", "1000000")
    common = ["--campaign", "125", "--base-url", url, "--journal", str(journal)]
    rows = []
    try:
        cases = [
            ("night 1: upload", cli("upload", str(night1), *common, "--quiet", "--json")),
            ("night 2: upload, half already present (copies night 1's holdings first)",
             cli("upload", str(night2), *common, "--quiet", "--json")),
            ("night 2 again: `--new-run --skip-known`",
             cli("upload", str(night2), *common, "--quiet", "--json", "--new-run",
                 "--skip-known")),
            ("undo of night 2: `delete --run upload-2`",
             cli("delete", "--run", "upload-2", *common, "--yes", "--quiet", "--json")),
        ]
        for what, argv in cases:
            m = measured(argv)
            rows.append(f"| {what} | {m['wall']:.1f} s | {m['cpu']:.1f} s | "
                        f"{m['rss_mb']:.0f} MB |")
        last = run_json(cli("upload", str(night2), *common, "--quiet", "--json", "--new-run",
                            "--skip-known"))
    finally:
        stop(sim)
    head = [
        f"## Nights: overlapping uploads and an undo ({n:,} records a night)",
        "",
        __doc__.split("\n\n")[1].replace("\n", " "),
        "",
        "| command | wall | CPU | peak RSS |",
        "|---|---|---|---|",
    ]
    counts = last.get("counts", {}) if isinstance(last, dict) else {}
    notes = ["", f"A third `--skip-known` run of night 2 afterwards: {counts} (night 2's own "
             "records, undone, are sent again; night 1's are not sent)."]
    return "\n".join(head + rows + notes)


if __name__ == "__main__":
    print(main())
