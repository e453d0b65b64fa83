"""The probe's floor, measured beside the real upload: the least a client can do for the same job.

    python -m bench.upload_floor FILE BASE_URL    (credentials from BULK_LOADER_* as for upload)

A bare csv.reader over the file, int() per id, one orjson body per 1,000 records, posted with one
aiohttp session, 4 requests in flight, to the same simulator; each 207 answer parsed with orjson.
No validation, no journal, no retries, no results file. gc.freeze() after start-up, as the probe
did. bench_upload runs it in the same rounds as the upload, so both see the same machine noise.
"""

from __future__ import annotations

import asyncio
import base64
import csv
import gc
import os
import sys
from collections.abc import Iterator

import aiohttp
import orjson

from bulk_loader import spec

CHUNK = 1000
IN_FLIGHT = 4


def bodies(path: str) -> Iterator[bytes]:
    with open(path, newline="", encoding="utf-8") as f:
        rows = csv.reader(f)
        next(rows)
        chunk: list[dict[str, object]] = []
        for cid, when in rows:
            chunk.append({"customer-id": int(cid), "schedule-date-time": when} if when
                         else {"customer-id": int(cid)})
            if len(chunk) == CHUNK:
                yield orjson.dumps(chunk)
                chunk = []
        if chunk:
            yield orjson.dumps(chunk)


async def post_all(path: str, base_url: str) -> int:
    raw = f"{os.environ['BULK_LOADER_USERNAME']}:{os.environ['BULK_LOADER_ACTION_TOKEN']}"
    headers = {"Authorization": "Basic " + base64.b64encode(raw.encode()).decode(),
               "Content-Type": "application/json"}
    url = base_url.rstrip("/") + spec.ADD_PATH.format(campaign_id=125)
    added = 0
    async with aiohttp.ClientSession(headers=headers) as session:

        async def post(body: bytes) -> int:
            async with session.post(url, data=body) as reply:
                return sum(e["http-status"] == 200 for e in orjson.loads(await reply.read()))

        pending: set[asyncio.Task[int]] = set()
        for body in bodies(path):
            if len(pending) >= IN_FLIGHT:
                done, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
                added += sum(t.result() for t in done)
            pending.add(asyncio.create_task(post(body)))
        added += sum(await asyncio.gather(*pending))
    return added


def main() -> None:
    gc.collect()
    gc.freeze()
    print(asyncio.run(post_all(sys.argv[1], sys.argv[2])))


if __name__ == "__main__":
    main()
