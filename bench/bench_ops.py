"""`records` of a 1M-record campaign and `report --reconcile` of a 1M-record run.

The simulator runs in its own process; a 1M-row CSV is uploaded with `bulk-loader upload` (which
fills the campaign and makes the 1M-record run), then each measured command runs as a subprocess
and is timed with wait4: wall, CPU (user+sys) and peak RSS of that one process.

`BENCH_OPS_N` overrides the 1,000,000 (for a quick look). Run: python -m bench.run_all bench_ops
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench import peak
from bench.bench_upload import _env, start_simulator, stop, write_csv

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out" / "ops"


def cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "bulk_loader", *args]


def measured(argv: list[str]) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        peak_file = Path(tmp) / "peak"
        started = time.perf_counter()
        proc = subprocess.Popen(peak.wrap(argv, peak_file), env=_env(),
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        err = proc.stderr.read().decode() if proc.stderr else ""
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            raise RuntimeError(f"{' '.join(argv[2:5])} exited {proc.returncode}: {err[-500:]}")
        return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime,
                "rss_mb": peak.read(peak_file)}


def row(what: str, m: dict[str, float], n: int, out: Path | None) -> str:
    size = f"{out.stat().st_size / 1e6:,.0f} MB" if out is not None and out.exists() else "-"
    return (f"| {what} | {n:,} | {m['wall']:.1f} s | {m['cpu']:.1f} s | {n / m['wall']:,.0f} | "
            f"{m['rss_mb']:.0f} MB | {size} |")


def one_size(n: int) -> list[str]:
    """Fill a fresh simulator with n records (one upload = one n-record run), time each case."""
    shutil.rmtree(OUT, ignore_errors=True)
    OUT.mkdir(parents=True)
    data, journal = OUT / "customers.csv", OUT / "journal.sqlite"
    write_csv(data, n)
    sim, url = start_simulator(0)
    lines = []
    try:
        up = subprocess.run(cli("upload", str(data), "--campaign", "125", "--base-url", url,
                                "--journal", str(journal), "--quiet"),
                            env=_env(), capture_output=True, text=True)
        if up.returncode != 0:
            raise RuntimeError(f"upload failed: {up.stdout[-300:]} {up.stderr[-300:]}")
        endpoint = ["--campaign", "125", "--base-url", url]
        report = ["report", "upload-1", "--journal", str(journal)]
        cases = [
            ("`records` (summary only)", cli("records", *endpoint), None),
            ("`records --output .csv`", cli("records", *endpoint, "--output",
                                            str(OUT / "records.csv")), OUT / "records.csv"),
            ("`report --output .csv` (no reconcile)",
             cli(*report, "--output", str(OUT / "plain.csv")), OUT / "plain.csv"),
            ("`report --reconcile --output .csv`",
             cli(*report, "--reconcile", "--output", str(OUT / "report.csv")),
             OUT / "report.csv"),
            ("`report --reconcile --output .xlsx`",
             cli(*report, "--reconcile", "--output", str(OUT / "report.xlsx")),
             OUT / "report.xlsx"),
        ]
        for what, argv, out in cases:
            lines.append(row(what, measured(argv), n, out))
    finally:
        stop(sim)
    return lines


def main() -> str:
    n = int(os.environ.get("BENCH_OPS_N", "1000000"))
    lines = one_size(n // 10) + one_size(n)
    head = [
        f"## Ops: records and reports ({n:,} records)",
        "",
        "A campaign on the local simulator (no added latency), filled by one `bulk-loader "
        "upload` (default chunk size), which is also the run reported on. Each command runs as "
        "its own process; CPU and peak RSS are that process's (wait4); records/s = records / "
        "wall. Two sizes, 10x apart, show whether memory grows with the data. The 2 cores "
        "are shared with other work, so wall times are noisy.",
        "",
        "| command | records | wall | CPU | records/s | peak RSS | output |",
        "|---|---|---|---|---|---|---|",
    ]
    notes = [
        "",
        "- `report --reconcile` streams the campaign's records into a temporary SQLite file "
        "and walks the journal in row order with batched lookups: neither side is held in "
        "memory. The vendor's records view names no customer id, so the simulator's records "
        "are compared by count (one-by-one matching is used when records carry `customer-id`). Its temporary file's page cache is capped at 16 MB: the only memory that grows from 100k to 1M (fills up).",
        "- The XLSX report has Results (every row), Failures and Campaign (every campaign "
        "record) sheets up to 250,000 rows each, written by XlsxWriter in constant-memory mode; "
        "past that the per-row results go to a CSV beside the workbook and the campaign's "
        "records are counted, not listed (bench_report has the 1M and 5M figures).",
    ]
    return "\n".join(head + lines + notes)


if __name__ == "__main__":
    print(main())
