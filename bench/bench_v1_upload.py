"""`bulk-loader upload --api campaigns-v1` end to end, the uploader and the v1 simulator in
separate processes.

1,000,000 records (id, call time 20 days ahead on every fourth, priority, rank) through the CLI
to `bulk-loader simulate --api campaigns-v1` with no added latency: client CPU (user+sys of the
uploader process alone, from wait4) per record and per request, peak RSS (bench/peak.py) and
wall. The v1 API takes at most 100 records a request, so a run makes 10 times the requests of
a legacy run of chunks of 1,000 (bench_upload): the cost per request is the figure to watch. A
dry run of the same file beside it shows what reading and validating cost.

`BENCH_V1_UPLOAD_N` overrides the 1,000,000 (a smoke run: `BENCH_V1_UPLOAD_N=5000 python -m
bench.bench_v1_upload`). Run: python -m bench.run_all bench_v1_upload
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bench.bench_upload import measured, start_simulator, stop
from bulk_loader.simulator.campaigns_v1.config import DEFAULT_KEY, RUNNING_ID

N = int(os.environ.get("BENCH_V1_UPLOAD_N", "1000000"))
CONCURRENCY = 4
V1_ENV = {"BULK_LOADER_API_KEY": DEFAULT_KEY, "BULK_LOADER_TENANT": "demo"}


def write_csv(path: Path, n: int) -> None:
    """n valid rows: ids v1-00000000 up, every 4th called 20 days ahead, priorities in turn."""
    base = datetime.now(UTC).replace(microsecond=0) + timedelta(days=20)
    times = [(base + timedelta(hours=h)).strftime("%Y-%m-%dT%H:%M:%SZ") for h in range(48)]
    priorities = ("HIGH", "MEDIUM", "LOW")
    with open(path, "w", encoding="utf-8") as f:
        f.write("Customer ID,Schedule Date Time,Priority,Rank\n")
        step = 100_000
        for lo in range(0, n, step):
            f.write("".join(
                f"v1-{i:08d},{times[i % 48] if i % 4 == 0 else ''},{priorities[i % 3]},{i}\n"
                for i in range(lo, min(n, lo + step))))


def argv(base_url: str, file: Path, journal: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "bulk_loader", "upload", str(file), "--api", "campaigns-v1",
            "--site", "US1", "--base-url", base_url, "--campaign", RUNNING_ID, "--journal",
            str(journal), "--concurrency", str(CONCURRENCY), "--quiet", "--json", *extra]


def sim_stats(base_url: str) -> dict[str, Any]:
    """The v1 simulator's own counters (its stats page, no auth)."""
    with urllib.request.urlopen(f"{base_url}/__simulator/campaigns-v1/stats", timeout=30) as r:
        stats: dict[str, Any] = json.loads(r.read())
    return stats


def main(n: int = N) -> str:
    os.environ.update(V1_ENV)  # the children inherit them (bench_upload's measured)
    with tempfile.TemporaryDirectory() as tmp:
        file = Path(tmp) / "v1.csv"
        write_csv(file, n)
        proc, base_url = start_simulator(0, "--api", "campaigns-v1")
        try:
            dry = measured(argv(base_url, file, Path(tmp) / "dry.sqlite", "--dry-run"))
            run = measured(argv(base_url, file, Path(tmp) / "j.sqlite"))
            stats = sim_stats(base_url)
        finally:
            stop(proc)
        assert run["rc"] == 0, f"the upload exited {run['rc']}"
    assert stats["records_added"] == n, stats
    requests = int(stats["by_route"]["add"])
    cpu = run["cpu"]
    return "\n".join([
        "## Campaigns API v1 upload (bench/bench_v1_upload.py)",
        "",
        f"`bulk-loader upload --api campaigns-v1` of {n:,} records (id, call time on every "
        f"fourth, priority, rank) to the v1 simulator in another process, batches of 100, "
        f"concurrency {CONCURRENCY}, no added latency. Client CPU = user+sys of the uploader "
        "alone. Command: `python -m bench.run_all bench_v1_upload`.",
        "",
        "| run | records | requests | client CPU | CPU / record | CPU / request | peak RSS | "
        "wall |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
        f"| upload | {n:,} | {requests:,} | {cpu:.1f} s | {cpu / n * 1e6:.1f} µs | "
        f"{cpu / requests * 1e6:.0f} µs | {run['rss_mb']:.0f} MB | {run['wall']:.1f} s |",
        f"| dry run (read + validate) | {n:,} | 0 | {dry['cpu']:.1f} s | "
        f"{dry['cpu'] / n * 1e6:.1f} µs | - | {dry['rss_mb']:.0f} MB | {dry['wall']:.1f} s |",
    ])


if __name__ == "__main__":
    print(main())
