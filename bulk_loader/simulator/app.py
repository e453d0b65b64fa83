"""`make_app(config)`: the simulator as an aiohttp application."""

from __future__ import annotations

from aiohttp import web

from bulk_loader import spec
from bulk_loader.simulator import handlers
from bulk_loader.simulator.config import SimulatorConfig
from bulk_loader.simulator.state import SimulatorState

CID = "{campaign_id:[0-9]+}"


def _path(template: str) -> str:
    return template.replace("{campaign_id}", CID)


def make_app(config: SimulatorConfig | None = None) -> web.Application:
    state = SimulatorState(config or SimulatorConfig())
    # A full chunk of 10,000 records with schedules is ~0.7 MB; leave room for bigger --max-chunk
    # so that the simulator's own 413 (by record count) answers, not aiohttp's byte limit.
    app = web.Application(middlewares=[handlers.refusals], client_max_size=max(64, state.config.max_chunk // 1000) * 2**20)
    app[handlers.STATE_KEY] = state
    r = app.router
    r.add_post(_path(spec.ADD_PATH), handlers.add_records)
    r.add_delete(_path(spec.DELETE_PATH), handlers.delete_record)
    r.add_get(_path(spec.RECORDS_PATH), handlers.view_records)
    r.add_get(_path(spec.CAMPAIGN_STATUS_PATH), handlers.campaign_status)
    r.add_post(_path(spec.CAMPAIGN_CHANGE_PATH), handlers.change_status)
    r.add_patch(_path(spec.CAMPAIGN_CHANGE_PATH), handlers.change_status)
    r.add_get("/__simulator/stats", handlers.stats)

    async def _close(_app: web.Application) -> None:
        state.close()

    app.on_cleanup.append(_close)
    return app


def state_of(app: web.Application) -> SimulatorState:
    return app[handlers.STATE_KEY]
