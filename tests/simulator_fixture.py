"""`running_simulator(**config)`: the simulator on a free 127.0.0.1 port, in a background thread.

The app runs on its own event loop in its own thread, so sync tests (CliRunner) and async tests
(their own loop) both talk to it over real HTTP. Overrides are SimulatorConfig fields:

    with running_simulator(seed=1, fault_rate=0.2, retry_after_s=0) as sim:
        sim.base_url                     # "http://127.0.0.1:PORT"
        sim.records(125)                 # {customer_id: "2026-..Z" or None}
        sim.stats()                      # counters, same as GET /__simulator/stats
        sim.advance(3600)                # move the simulated clock (lifecycle, past/7-day checks)
        sim.set_campaign_status(125, 3)  # the test's own hand: e.g. run a stopped campaign again
        sim.credentials                  # bulk_loader.config.Credentials for the demo tenant
        sim.auth("action")               # {"Authorization": "Basic ..."} for raw aiohttp calls
        await sim.call("POST", path, body=[...])   # -> (status, json, headers), raw HTTP
"""

from __future__ import annotations

import asyncio
import base64
import threading
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any, TypeVar

import aiohttp
import orjson
from aiohttp import web

from bulk_loader.config import Credentials
from bulk_loader.simulator import SimulatorConfig, SimulatorState, make_app, state_of
from bulk_loader.simulator.ingest import format_ms

T = TypeVar("T")


class OnLoop:
    """A simulator app served from a loop in a thread (`serving`): its address, a way to touch
    its state between requests, and one raw HTTP call. Both simulators' fixtures build on it."""

    def __init__(self, loop: asyncio.AbstractEventLoop, port: int) -> None:
        self.loop = loop
        self.port = port
        self.base_url = f"http://127.0.0.1:{port}"

    def _call(self, fn: Callable[[], T]) -> T:
        """Run `fn` on the simulator's loop, so it never sees a request half-applied."""
        async def run() -> T:
            return fn()
        return asyncio.run_coroutine_threadsafe(run(), self.loop).result(timeout=60)

    @staticmethod
    async def _raw(method: str, url: str, headers: dict[str, str],
                   data: bytes | None) -> tuple[int, Any, dict[str, str]]:
        """(status, the body parsed as JSON, else as text, or None when empty; headers)."""
        async with aiohttp.ClientSession() as http, http.request(
                method, url, data=data, headers=headers) as resp:
            content = await resp.read()
            try:
                parsed = orjson.loads(content) if content else None
            except orjson.JSONDecodeError:
                parsed = content.decode("utf-8", "replace")
            return resp.status, parsed, dict(resp.headers)


class RunningSimulator(OnLoop):
    def __init__(self, config: SimulatorConfig, app: web.Application,
                 loop: asyncio.AbstractEventLoop, port: int) -> None:
        super().__init__(loop, port)
        self.config = config
        self.app = app
        self.state: SimulatorState = state_of(app)

    def records(self, campaign_id: int) -> dict[int, str | None]:
        return self._call(lambda: self.state.snapshot(campaign_id))

    def stats(self) -> dict[str, Any]:
        return self._call(self.state.stats)

    def advance(self, seconds: float) -> None:
        self._call(lambda: self.state.clock.advance(seconds))

    def set_now(self, when: datetime) -> None:
        self._call(lambda: self.state.clock.set_ms(int(when.timestamp() * 1000)))

    def set_campaign_status(self, campaign_id: int, status: int) -> None:
        """Set a campaign's status code directly (e.g. back to 3 after a stop): the test's own
        hand on the simulator, beyond what the API allows (STOPPED is final there)."""
        self._call(lambda: self.state.set_status(campaign_id, status))

    def now_ms(self) -> int:
        return self.state.clock.now_ms()

    def window(self, campaign_id: int) -> tuple[str, str] | None:
        """The campaign's schedule window as the API formats it, or None."""
        assert self.config.campaigns is not None
        w = self.config.campaigns[campaign_id].window_ms
        return (format_ms(w[0]), format_ms(w[1])) if w else None

    @property
    def credentials(self) -> Credentials:
        return Credentials(self.config.username, self.config.action_token, self.config.data_token)

    def auth(self, kind: str = "action") -> dict[str, str]:
        token = self.config.action_token if kind == "action" else self.config.data_token
        raw = f"{self.config.username}:{token}".encode()
        return {"Authorization": "Basic " + base64.b64encode(raw).decode()}

    def url(self, path: str) -> str:
        return self.base_url + path

    async def call(self, method: str, path: str, *, token: str | None = "action",
                   body: Any = None, raw: bytes | None = None) -> tuple[int, Any, dict[str, str]]:
        """One raw HTTP call: (status, parsed JSON body or None, headers). token: action|data|None."""
        headers = {"Content-Type": "application/json"}
        if token is not None:
            headers.update(self.auth(token))
        data = raw if raw is not None else (orjson.dumps(body) if body is not None else None)
        return await self._raw(method, self.url(path), headers, data)


@contextmanager
def serving(app: web.Application, name: str) -> Iterator[tuple[asyncio.AbstractEventLoop, int]]:
    """Serve `app` on 127.0.0.1 (a free port) from a loop in a thread: (that loop, the port)."""
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, name=name, daemon=True)
    thread.start()
    runner = web.AppRunner(app, shutdown_timeout=1.0, access_log=None)

    def on_loop(coro: Awaitable[T]) -> T:
        return asyncio.run_coroutine_threadsafe(coro, loop).result(timeout=60)  # type: ignore[arg-type]

    async def start() -> int:
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        return int(runner.addresses[0][1])

    try:
        yield loop, on_loop(start())
    finally:
        try:
            on_loop(runner.cleanup())
        finally:
            loop.call_soon_threadsafe(loop.stop)
            thread.join(timeout=10)
            loop.close()


@contextmanager
def running_simulator(**overrides: Any) -> Iterator[RunningSimulator]:
    config = SimulatorConfig(**overrides)
    app = make_app(config)
    with serving(app, "simulator") as (loop, port):
        yield RunningSimulator(config, app, loop, port)
