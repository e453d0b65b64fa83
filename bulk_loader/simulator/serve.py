"""Run the simulator until SIGTERM/SIGINT: the engine of `bulk-loader simulate`."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Callable

from aiohttp import web

from bulk_loader.simulator.app import make_app
from bulk_loader.simulator.config import SimulatorConfig


async def serve(config: SimulatorConfig, host: str, port: int,
                on_ready: Callable[[str], None], app: web.Application | None = None) -> None:
    """Serve `app` (default: make_app(config)) on host:port (0 = a free port); `on_ready(base_url)`
    once it listens."""
    runner = web.AppRunner(app if app is not None else make_app(config), access_log=None,
                           shutdown_timeout=2.0)
    await runner.setup()
    try:
        site = web.TCPSite(runner, host, port)
        await site.start()
        bound = runner.addresses[0]
        shown = f"[{bound[0]}]" if ":" in str(bound[0]) else str(bound[0])
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        on_ready(f"http://{shown}:{bound[1]}")
        await stop.wait()
    finally:
        await runner.cleanup()
