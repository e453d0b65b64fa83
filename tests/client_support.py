"""Test helpers shared by the client tests."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from aiohttp import web

from bulk_loader.api.vcc import CampaignClient


def use_virtual_clock(c: CampaignClient) -> None:
    """Backoff and Retry-After waits are recorded in c.waits, not slept."""
    c.waits = []  # type: ignore[attr-defined]
    now = [0.0]

    async def fake_sleep(s: float) -> None:
        c.waits.append(s)  # type: ignore[attr-defined]
        now[0] += s
        await asyncio.sleep(0)

    c._sleep = c.limiter._sleep = fake_sleep  # type: ignore[method-assign]
    c.limiter._clock = lambda: now[0]


@asynccontextmanager
async def serving(app: web.Application, **runner_kw: float) -> AsyncIterator[str]:
    """Serve `app` on a free port of 127.0.0.1; yields its base URL."""
    runner = web.AppRunner(app, **runner_kw)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        yield f"http://127.0.0.1:{runner.addresses[0][1]}"
    finally:
        await runner.cleanup()
