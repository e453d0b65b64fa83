"""`hostile(handler)`: a local aiohttp server with one misbehaviour, on a free 127.0.0.1 port.

It runs in its own thread with its own loop (like simulator_fixture), counts every request it
gets, and answers each with `handler(request)`. For the tests that prove the client stays
bounded and loud when a server redirects, hangs, asks to wait a day, floods or injects
terminal control sequences.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from aiohttp import web

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass
class Hostile:
    base_url: str = ""
    requests: list[str] = field(default_factory=list)  # "METHOD /path", in order


@contextmanager
def hostile(handler: Handler) -> Iterator[Hostile]:
    info = Hostile()
    loop = asyncio.new_event_loop()
    ready = threading.Event()
    runner_box: list[web.AppRunner] = []

    async def any_request(request: web.Request) -> web.StreamResponse:
        info.requests.append(f"{request.method} {request.path}")
        await request.read()
        return await handler(request)

    async def start() -> None:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", any_request)
        runner = web.AppRunner(app, handle_signals=False, shutdown_timeout=0.1)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = runner.addresses[0][1]
        info.base_url = f"http://127.0.0.1:{port}"
        runner_box.append(runner)
        ready.set()

    def serve() -> None:
        asyncio.set_event_loop(loop)
        loop.run_until_complete(start())
        loop.run_forever()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    ready.wait(10)
    try:
        yield info
    finally:
        async def stop() -> None:
            await runner_box[0].cleanup()
            for task in asyncio.all_tasks():  # handlers still hanging: end them quietly
                if task is not asyncio.current_task():
                    task.cancel()

        asyncio.run_coroutine_threadsafe(stop(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
