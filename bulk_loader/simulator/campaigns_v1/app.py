"""The v1 simulator as an aiohttp application, alone or added to the legacy simulator's app.

Its routes live under `/cc/{site}/campaigns/v1`, which no legacy route uses, so both APIs can be
served by one app on one port (`bulk-loader simulate --api both`).
"""

from __future__ import annotations

from aiohttp import web

from bulk_loader.simulator.campaigns_v1 import handlers
from bulk_loader.simulator.campaigns_v1.config import V1Config
from bulk_loader.simulator.campaigns_v1.state import V1State
from bulk_loader.simulator.handlers import refusals

BASE = "/cc/{site}/campaigns/v1"
STATS_PATH = "/__simulator/campaigns-v1/stats"


def add_v1_routes(app: web.Application, config: V1Config | None = None) -> V1State:
    """Serve the v1 API from `app` (which must use the `refusals` middleware)."""
    state = V1State(config or V1Config())
    app[handlers.V1_KEY] = state
    app.router.add_patch(BASE + "/{campaign_id}", handlers.change_state)
    app.router.add_post(BASE + "/{campaign_id}/records", handlers.add_records)
    app.router.add_route("*", BASE + "/{campaign_id}", handlers.wrong_method("PATCH"))
    app.router.add_route("*", BASE + "/{campaign_id}/records", handlers.wrong_method("POST"))
    app.router.add_get(STATS_PATH, handlers.stats)
    return state


def make_v1_app(config: V1Config | None = None) -> web.Application:
    app = web.Application(middlewares=[refusals])
    add_v1_routes(app, config)
    return app


def v1_state_of(app: web.Application) -> V1State:
    return app[handlers.V1_KEY]
