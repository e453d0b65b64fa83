"""Client CPU per record and per request: CampaignsV1Client.add_batch, isolated as the service
does (isolate.py), against the v1 simulator.

The simulator runs as `python -m bulk_loader simulate --api campaigns-v1 --port 0` in a
subprocess, so this process's user+sys CPU (getrusage) is the client's alone: building V1Record
bodies, HTTP, judging answers, isolating refused batches. The v1 API takes at most 100 records a
request (the legacy client sends 1,000-10,000), so the cost per request matters as much as the
cost per record. A second pass puts 1 id in 1,000 in the campaign first, so isolation is measured
too (one extra request per present id). Shared 2-core machine: wall times are noisy.

    python -m bench.run_all bench_v1_client      # 200,000 records, into BENCHMARKS.md
    python -m bench.bench_v1_client 5000         # a smoke run, printed only
"""

from __future__ import annotations

import asyncio
import gc
import resource
import sys
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from functools import partial

from bench.bench_simulator import start_simulator
from bulk_loader.api import RetryPolicy
from bulk_loader.api.campaigns_v1 import (
    ApiKeyAuth,
    CampaignsV1Client,
    RecordResult,
    V1Record,
    isolate,
)
from bulk_loader.simulator.campaigns_v1.config import DEFAULT_KEY, READY_ID, RUNNING_ID
from bulk_loader.spec import iso_utc_ms

RECORDS = 200_000
BATCH = 100
CONCURRENCY = 4
AUTH = ApiKeyAuth(DEFAULT_KEY, "demo")


def cpu() -> float:
    u = resource.getrusage(resource.RUSAGE_SELF)
    return u.ru_utime + u.ru_stime


async def add_records(client: CampaignsV1Client, campaign: str,
                      records: list[V1Record]) -> list[RecordResult]:
    """One result per record: the batch, isolated when refused, as the service sends it."""
    return await isolate(records, partial(client.add_batch, campaign))


def make_records(prefix: str, n: int) -> list[V1Record]:
    when = iso_utc_ms(datetime.now(UTC) + timedelta(days=20))
    priorities = ("HIGH", "MEDIUM", "LOW")
    return [V1Record(f"{prefix}-{i:08d}", when, priorities[i % 3], i) for i in range(n)]


async def push(base_url: str, campaign: str, records: list[V1Record],
               present: list[V1Record]) -> tuple[float, float, int, Counter[str]]:
    """(client CPU s, wall s, requests, outcomes) for `records`, after `present` were added."""
    batches = [records[i:i + BATCH] for i in range(0, len(records), BATCH)]
    batches.reverse()
    outcomes: Counter[str] = Counter()
    async with CampaignsV1Client("US1", AUTH, base_url=base_url, concurrency=CONCURRENCY,
                                 retry=RetryPolicy()) as client:
        for i in range(0, len(present), BATCH):
            await add_records(client, campaign, present[i:i + BATCH])
        before = client.stats.requests

        async def worker() -> None:
            while batches:
                results = await add_records(client, campaign, batches.pop())
                outcomes.update(r.outcome for r in results)

        gc.freeze()  # as the uploader does after start-up
        c0, t0 = cpu(), time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))
        return cpu() - c0, time.perf_counter() - t0, client.stats.requests - before, outcomes


def row(label: str, n: int, took: float, wall: float, requests: int) -> str:
    return (f"| {label} | {n:,} | {requests:,} | {took / n * 1e6:.1f} µs | "
            f"{took / requests * 1e6:.0f} µs | {wall:.2f} s | {n / wall:,.0f} |")


def main(records: int = RECORDS) -> str:
    proc, base_url = start_simulator("--api", "campaigns-v1")
    rows = []
    try:
        fresh = make_records("new", records)
        took, wall, requests, outcomes = asyncio.run(push(base_url, RUNNING_ID, fresh, []))
        assert outcomes == {"accepted": records}, outcomes
        rows.append(row("all new", records, took, wall, requests))
        mixed = make_records("mix", records)
        present = mixed[::1000]
        took, wall, requests, outcomes = asyncio.run(push(base_url, READY_ID, mixed, present))
        assert outcomes == {"accepted": records - len(present),
                            "already-present": len(present)}, outcomes
        rows.append(row("1 in 1,000 already present", records, took, wall, requests))
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    return "\n".join([
        "## Campaigns API v1 client (bench/bench_v1_client.py)",
        "",
        f"CampaignsV1Client.add_batch (isolated as the service does) against the v1 simulator in a subprocess: {BATCH}-record "
        f"batches (the API's maximum), {CONCURRENCY} batches in flight, records with id, "
        "scheduleAt, priority and rank. Client CPU = user+sys of this process only. Command: "
        "`python -m bench.run_all bench_v1_client`.",
        "",
        "| pass | records | requests | client CPU / record | client CPU / request | wall | "
        "records/s |",
        "|---|---:|---:|---:|---:|---:|---:|",
        *rows,
    ])


if __name__ == "__main__":
    print(main(int(sys.argv[1]) if len(sys.argv) > 1 else RECORDS))
