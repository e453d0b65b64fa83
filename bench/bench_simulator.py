"""Simulator ingest speed: records/s absorbed in 1,000-record add requests, state in memory.

The simulator runs as `python -m bulk_loader simulate --port 0` in a subprocess; this process
drives it with aiohttp at concurrency 6 with pre-encoded bodies, so the client's own cost is as
small as it can be -- but it still shares the 2 cores with the server (and with other agents).
"""

from __future__ import annotations

import asyncio
import base64
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiohttp
import orjson

from bulk_loader.spec import iso_utc_ms

CHUNK = 1_000
CONCURRENCY = 6
AUTH = {"Authorization": "Basic " + base64.b64encode(b"demo:demo-action").decode(),
        "Content-Type": "application/json"}


def bodies(first_id: int, requests: int, with_schedule: bool) -> list[bytes]:
    when = iso_utc_ms(datetime.now(UTC) + timedelta(days=1))
    out = []
    for r in range(requests):
        base = first_id + r * CHUNK
        recs: list[dict[str, object]] = (
            [{"customer-id": base + i, "schedule-date-time": when} for i in range(CHUNK)]
            if with_schedule else [{"customer-id": base + i} for i in range(CHUNK)])
        out.append(orjson.dumps(recs))
    return out


async def drive(base_url: str, payloads: list[bytes]) -> tuple[float, int]:
    url = f"{base_url}/api/tstats/campaigns/125/customers"
    queue = list(reversed(payloads))
    added = 0

    async def worker(http: aiohttp.ClientSession) -> None:
        nonlocal added
        while queue:
            body = queue.pop()
            async with http.post(url, data=body, headers=AUTH) as resp:
                raw = await resp.read()
                assert resp.status == 207, resp.status
                added += raw.count(b'"http-status":200')

    connector = aiohttp.TCPConnector(limit=CONCURRENCY)
    async with aiohttp.ClientSession(connector=connector) as http:
        started = time.perf_counter()
        await asyncio.gather(*(worker(http) for _ in range(CONCURRENCY)))
        return time.perf_counter() - started, added


def start_simulator(*args: str) -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen([sys.executable, "-m", "bulk_loader", "simulate", "--port", "0", *args],
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    line = proc.stdout.readline()
    assert line.startswith("Simulator listening on "), line
    return proc, line.split()[-1]


def measure(label: str, with_schedule: bool, requests: int, *args: str) -> str:
    proc, base_url = start_simulator(*args)
    try:
        payloads = bodies(10_000_000, requests, with_schedule)
        took, added = asyncio.run(drive(base_url, payloads))
        assert added == requests * CHUNK, added
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    return f"| {label} | {added:,} | {took:.2f} s | {added / took:,.0f} |"


def main() -> str:
    with tempfile.TemporaryDirectory() as tmp:
        rows = [
            measure("in memory, ids only", False, 1_000),
            measure("in memory, ids + schedule", True, 1_000),
            measure("--state FILE (SQLite), ids + schedule", True, 200,
                    "--state", str(Path(tmp) / "state.sqlite")),
        ]
    return "\n".join([
        "## Simulator ingest (bench/bench_simulator.py)",
        "",
        f"{CHUNK:,}-record adds, {CONCURRENCY} concurrent requests from an "
        "aiohttp client in another process on the same 2 shared cores (so the client's cost is "
        "in the figure). Target: >= 300,000 records/s in memory. Other agents share the CPU: "
        "figures are noisy. Command: `python -m bench.run_all bench_simulator`.",
        "",
        "| records | added | time | records/s |",
        "|---|---:|---:|---:|",
        *rows,
    ])


if __name__ == "__main__":
    print(main())
