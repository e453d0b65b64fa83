"""Synchronous access to a campaign's records and status, for the writers (which are sync).

The client is async; the writers (csv, openpyxl) are not. Rather than a thread and a queue, the
records generator owns a private event loop and advances the client's stream a batch at a time:
one loop round trip per few thousand records, so the bridge costs nothing measurable, and the
memory held is one batch.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from typing import Any

from bulk_loader.api import CampaignService, ServiceConfig, open_service, require
from bulk_loader.config import Credentials

BATCH = 2000


async def _take(agen: AsyncIterator[dict[str, Any]], n: int) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    async for item in agen:
        out.append(item)
        if len(out) >= n:
            break
    return out


def stream_records(
    base_url: str, credentials: Credentials, campaign_id: int, *, batch: int = BATCH,
    timeout: float = 60.0,
) -> Iterator[dict[str, Any]]:
    """Every record of the campaign, as the API's dicts, parsed as a stream."""
    loop = asyncio.new_event_loop()
    client = _service(base_url, credentials, timeout)
    agen: AsyncIterator[dict[str, Any]] | None = None
    try:
        loop.run_until_complete(client.__aenter__())
        agen = aiter(client.iter_records(campaign_id))
        while True:
            chunk = loop.run_until_complete(_take(agen, batch))
            if not chunk:
                return
            yield from chunk
            if len(chunk) < batch:
                return
    finally:
        try:
            aclose = getattr(agen, "aclose", None)
            if aclose is not None:
                loop.run_until_complete(aclose())
            loop.run_until_complete(client.__aexit__(None, None, None))
        finally:
            loop.close()


def _service(base_url: str, credentials: Credentials, timeout: float) -> CampaignService:
    service = open_service(ServiceConfig(base_url, credentials, concurrency=1, timeout=timeout))
    require(service.capabilities, "view", "reading a campaign")
    return service


def campaign_status(base_url: str, credentials: Credentials, campaign_id: int,
                    timeout: float = 60.0) -> Any:
    """The campaign's status as the back end reads it (legacy: `CampaignInfo`)."""
    async def run() -> Any:
        async with _service(base_url, credentials, timeout) as client:
            return await client.status(campaign_id)

    return asyncio.run(run())
