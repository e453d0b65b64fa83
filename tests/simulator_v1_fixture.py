"""`running_v1_simulator(**config)`: the Campaigns API v1 simulator on a free 127.0.0.1 port.

Like tests/simulator_fixture.py, the app runs on its own loop in a background thread, so sync and
async tests both talk to it over real HTTP. Overrides are V1Config fields:

    with running_v1_simulator(duplicate_status=400, success_status=201) as sim:
        sim.base_url                   # "http://127.0.0.1:PORT" (the client adds /cc/{site}/...)
        sim.url(RUNNING_ID)            # ".../cc/US1/campaigns/v1/<id>"
        sim.records(RUNNING_ID)        # {crmRecordId: (priority, rank, nextAttemptAfter)}
        sim.state_of(RUNNING_ID)       # "RUNNING" (transient states settled first)
        sim.stats()                    # counters, as GET /__simulator/campaigns-v1/stats
        sim.advance(10)                # move the simulated clock (BUILDING -> READY ...)
        sim.auth                       # ApiKeyAuth of the default key and tenant
        await sim.call("POST", path, body={...})   # -> (status, json, headers), raw HTTP
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import orjson
from aiohttp import web

from bulk_loader.api.campaigns_v1 import ApiKeyAuth
from bulk_loader.simulator.campaigns_v1 import V1Config, V1State, make_v1_app, v1_state_of
from bulk_loader.simulator.campaigns_v1.config import READY_ID, RUNNING_ID
from tests.simulator_fixture import OnLoop, serving

T = TypeVar("T")
MEDIA = "application/vnd.campaigns.v1+json"
__all__ = ["READY_ID", "RUNNING_ID", "RunningV1Simulator", "running_v1_simulator"]


class RunningV1Simulator(OnLoop):
    def __init__(self, config: V1Config, app: web.Application, loop: asyncio.AbstractEventLoop,
                 port: int) -> None:
        super().__init__(loop, port)
        self.config = config
        self.state: V1State = v1_state_of(app)

    def url(self, campaign_id: str, site: str = "US1") -> str:
        return f"{self.base_url}/cc/{site}/campaigns/v1/{campaign_id}"

    def records(self, campaign_id: str) -> dict[str, tuple[str, float | int, str]]:
        return self._call(lambda: self.state.records(campaign_id))

    def state_of(self, campaign_id: str) -> str:
        def read() -> str:
            run = self.state.run(campaign_id)
            assert run is not None
            return run.state
        return self._call(read)

    def stats(self) -> dict[str, Any]:
        return self._call(self.state.stats)

    def advance(self, seconds: float) -> None:
        self._call(lambda: self.state.clock.advance(seconds))

    @property
    def auth(self) -> ApiKeyAuth:
        return ApiKeyAuth(self.config.api_key, self.config.tenant)

    async def call(self, method: str, url: str, *, body: Any = None,
                   headers: dict[str, str] | None = None) -> tuple[int, Any, dict[str, str]]:
        """One raw request with the default key, tenant and media type unless `headers` replace
        them: (status, parsed JSON or None, headers)."""
        sent = {"X-API-Key": self.config.api_key, "X-8x8-Tenant": self.config.tenant,
                "Content-Type": MEDIA, **(headers or {})}
        data = orjson.dumps(body) if body is not None else None
        return await self._raw(method, url, sent, data)


@contextmanager
def running_v1_simulator(**overrides: Any) -> Iterator[RunningV1Simulator]:
    config = V1Config(**overrides)
    app = make_v1_app(config)
    with serving(app, "simulator-v1") as (loop, port):
        yield RunningV1Simulator(config, app, loop, port)
