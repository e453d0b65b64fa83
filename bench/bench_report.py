"""The XLSX report of a 1M- and a 5M-record run (target: a 5M-record run's workbook in 60 s), and
the two XLSX writers side by side on the same rows.

The run is written straight into a journal with the journal's own API (an upload of 5M records
would take minutes before anything is measured): chunks of 1,000, 2% of the records rejected as
not in the CRM (so the Failures sheet has 100,000 rows at 5M), each record with a call time. The
campaign is filled on the simulator (its own process) with the same number of records by direct
POSTs, for `--reconcile`. Each report runs as its own process, timed with wait4 (wall, CPU, peak
RSS); the workbook's sheets are listed.

Writers: openpyxl's write-only mode (with lxml) against XlsxWriter's constant_memory mode, one
after the other in this process, on the same 200,000 Results-shaped rows.

`BENCH_REPORT_SIZES` (default "1000000,5000000") sets the run sizes; `BENCH_REPORT_WRITER_N`
(default 200000) the writers' rows. Run: python -m bench.run_all bench_report
"""

from __future__ import annotations

import asyncio
import os
import resource
import shutil
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
import orjson

from bench.bench_ops import cli, measured
from bench.bench_upload import start_simulator, stop
from bulk_loader.journal import Journal, encode_records
from bulk_loader.spec import iso_utc_ms

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out" / "report"
CHUNK = 1_000
REJECT_EVERY = 50  # 2% rejected
FIRST = 10_000_000


def build_run(journal_path: Path, n: int, endpoint: str) -> None:
    """One completed upload run of n records on campaign 125, written through the journal API."""
    base = datetime.now(UTC) + timedelta(days=1)
    with Journal.open(journal_path) as j:
        run = j.create_run("upload", file_path="/bench/customers.csv", file_sha256="bench",
                           campaign_id=125, endpoint=endpoint, settings={"timezone": None})
        with j.relaxed_sync(), j.transaction():
            for c, start in enumerate(range(0, n, CHUNK)):
                idx = range(start, min(n, start + CHUNK))
                rows = [i + 2 for i in idx]
                ids = [FIRST + i for i in idx]
                times = [iso_utc_ms(base + timedelta(minutes=i % 600)) for i in idx]
                j.add_chunk(run, c, rows, ids, times, encoded=encode_records(rows, ids, times))
                bad = [(rows[k], ids[k], times[k], "rejected", 404,
                        "The customer-id has not been found.", 1)
                       for k in range(len(rows)) if (start + k) % REJECT_EVERY == 7]
                j.finish_chunk(run, c, "accepted", 200, 1, bad, fresh=True)
            j.add_rows_count(run, n)
        j.set_state(run, "completed", exit_code=1)


def fill_campaign(base_url: str, n: int) -> None:
    """n records in campaign 125 through the real POST API, 10,000 a request, 4 at a time."""
    import base64

    auth = "Basic " + base64.b64encode(b"demo:demo-action").decode()
    headers = {"Authorization": auth, "Content-Type": "application/json"}
    url = f"{base_url}/api/tstats/campaigns/125/customers"

    async def go() -> None:
        async with aiohttp.ClientSession() as http:
            sem = asyncio.Semaphore(4)

            async def one(start: int) -> None:
                body = orjson.dumps([{"customer-id": FIRST + i}
                                     for i in range(start, min(n, start + 10_000))])
                async with sem, http.post(url, data=body, headers=headers) as resp:
                    await resp.read()

            await asyncio.gather(*(one(s) for s in range(0, n, 10_000)))

    asyncio.run(go())


def _writer_rows(n: int) -> Iterator[tuple[Any, ...]]:
    base = datetime(2026, 12, 1, 9)
    for i in range(n):
        bad = i % REJECT_EVERY == 7
        yield (i + 2, FIRST + i, base + timedelta(minutes=i % 600),
               "rejected" if bad else "accepted", 404 if bad else 200,
               "The customer-id has not been found." if bad else None, 1, None)


def writers(n: int) -> list[str]:
    """openpyxl write-only against XlsxWriter constant_memory, same rows, same window."""
    from openpyxl import Workbook

    from bulk_loader.reports import DataSheet, XlsxReport

    headers = ("row", "customer-id", "schedule", "outcome", "http-status", "message",
               "attempts", "deleted-by")
    lines = []
    for name in ("openpyxl write-only", "XlsxWriter constant_memory (report_xlsx)"):
        before = resource.getrusage(resource.RUSAGE_SELF)
        started = time.perf_counter()
        path = OUT / f"writer-{name.split()[0]}.xlsx"
        if name.startswith("openpyxl"):
            wb = Workbook(write_only=True)
            ws = wb.create_sheet("Results")
            ws.append(list(headers))
            for row in _writer_rows(n):
                ws.append(list(row))
            wb.save(path)
        else:
            with open(path, "wb") as handle:
                report = XlsxReport(handle)
                report.add_sheet(DataSheet("Results", headers, _writer_rows(n)))
                report.close()
        wall = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_SELF)
        cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
        lines.append(f"| {name} | {n:,} | {wall:.1f} s | {cpu:.1f} s | "
                     f"{wall / n * 1e6:.0f} µs | {path.stat().st_size / 1e6:.0f} MB |")
    return lines


def one_size(n: int) -> list[str]:
    shutil.rmtree(OUT / "run", ignore_errors=True)
    (OUT / "run").mkdir(parents=True)
    journal = OUT / "run" / "journal.sqlite"
    sim, url = start_simulator(0)
    lines = []
    try:
        build_run(journal, n, url)
        fill_campaign(url, n)
        for what, extra in (("`report --output .xlsx`", ()),
                            ("`report --reconcile --output .xlsx`", ("--reconcile",))):
            out = OUT / "run" / f"report{'-r' if extra else ''}.xlsx"
            m = measured(cli("report", "upload-1", "--journal", str(journal), "--output",
                             str(out), *extra))
            beside = sorted(p.name for p in out.parent.glob(f"{out.stem}.*.csv"))
            lines.append(f"| {what} | {n:,} | {m['wall']:.1f} s | {m['cpu']:.1f} s | "
                         f"{m['rss_mb']:.0f} MB | {out.stat().st_size / 1e6:.0f} MB | "
                         f"{', '.join(beside) or '-'} |")
    finally:
        stop(sim)
    return lines


def main() -> str:
    OUT.mkdir(parents=True, exist_ok=True)
    sizes = [int(s) for s in os.environ.get("BENCH_REPORT_SIZES", "1000000,5000000").split(",")]
    writer_n = int(os.environ.get("BENCH_REPORT_WRITER_N", "200000"))
    runs = [line for n in sizes for line in one_size(n)]
    head = [
        "## Reports: the XLSX of a large run",
        "",
        "A completed upload run written straight into a journal (2% of its records rejected: "
        "the Failures sheet), the campaign filled on the simulator with as many records. Each "
        "report is its own process (wait4: wall, CPU, peak RSS). Past 250,000 rows "
        "(report_run.RESULTS_SHEET_MAX) the per-row results go to a CSV beside the workbook and "
        "the campaign's records are counted, not listed, both named in its Summary; the "
        "workbook keeps the Summary, its charts, every failure and the campaign's breakdown. "
        "Target: 60 s at 5M.",
        "",
        "| command | records | wall | CPU | peak RSS | workbook | CSV beside it |",
        "|---|---|---|---|---|---|---|",
        *runs,
        "",
        "XLSX writers on the same Results-shaped rows (ints, a date-time, text), one after the "
        "other in one process:",
        "",
        "| writer | rows | wall | CPU | per row | file |",
        "|---|---|---|---|---|---|",
        *writers(writer_n),
    ]
    return "\n".join(head)


if __name__ == "__main__":
    print(main())
