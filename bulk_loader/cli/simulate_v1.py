"""`bulk-loader simulate --api campaigns-v1|both`: the options and start-up lines of the v1 simulator.

Kept beside cli/simulate.py so that the legacy command's own options stay as they were; faults,
latency, seed and tenant are shared by both APIs (docs/simulator.md).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click
from aiohttp import web

from bulk_loader.errors import UsageError
from bulk_loader.simulator import SimulatorConfig, make_app
from bulk_loader.simulator.campaigns_v1 import V1Config, add_v1_routes, make_v1_app
from bulk_loader.simulator.campaigns_v1.app import STATS_PATH
from bulk_loader.simulator.campaigns_v1.config import DEFAULT_KEY, DEFAULT_NO_PRODUCT_KEY

APIS = ("legacy", "campaigns-v1", "both")
F = TypeVar("F", bound=Callable[..., Any])

_OPTIONS = [
    click.option("--api", type=click.Choice(APIS), default="legacy", show_default=True,
                 help="Which API to serve: the legacy one, the Campaigns API v1, or both."),
    click.option("--v1-api-key", envvar="BULK_LOADER_SIM_API_KEY", default=DEFAULT_KEY,
                 show_default=True, help="The v1 API key (must start with eght_)."),
    click.option("--v1-no-product-key", envvar="BULK_LOADER_SIM_NO_PRODUCT_KEY",
                 default=DEFAULT_NO_PRODUCT_KEY, show_default=True,
                 help="A v1 key that is valid but lacks the API product (answered 403)."),
    click.option("--v1-duplicate-status", type=click.Choice(["409", "400"]), default="409",
                 show_default=True, help="How v1 refuses an id the campaign already holds."),
    click.option("--v1-success-status", type=click.Choice(["200", "201"]), default="200",
                 show_default=True, help="The v1 status of an added batch."),
    click.option("--v1-field-errors", type=click.Choice(["indexed", "plain"]),
                 default="indexed", show_default=True,
                 help="v1 field errors name records[i].field (indexed) or only the field."),
    click.option("--v1-transient-seconds", type=click.FloatRange(0), default=5.0,
                 show_default=True, help="How long a v1 campaign stays BUILDING or STARTING."),
    click.option("--v1-rate-limit", type=click.FloatRange(0), default=0.0, show_default=True,
                 help="v1 requests per second before 429 (0 = no limit)."),
]


def v1_options(f: F) -> F:
    for option in reversed(_OPTIONS):
        f = option(f)
    return f


def v1_config(legacy: SimulatorConfig, opts: dict[str, Any]) -> V1Config:
    """The v1 simulator's config: its own options, faults and tenant shared with the legacy one."""
    try:
        return V1Config(
            tenant=legacy.username, api_key=opts["v1_api_key"],
            no_product_key=opts["v1_no_product_key"] or None,
            duplicate_status=int(opts["v1_duplicate_status"]),
            success_status=int(opts["v1_success_status"]),
            indexed_field_errors=opts["v1_field_errors"] == "indexed",
            transient_seconds=opts["v1_transient_seconds"], rate_limit=opts["v1_rate_limit"],
            seed=legacy.seed, latency_ms=legacy.latency_ms, jitter_ms=legacy.jitter_ms,
            fault_rate=legacy.fault_rate, fault_kinds=legacy.fault_kinds,
            retry_after_s=legacy.retry_after_s, slow_ms=legacy.slow_ms,
            drop_after_commit_rate=legacy.drop_after_commit_rate)
    except ValueError as exc:
        raise UsageError(str(exc)) from exc


def build_app(api: str, legacy: SimulatorConfig, v1: V1Config) -> web.Application:
    if api == "campaigns-v1":
        if legacy.state_path:
            raise UsageError("--state keeps the legacy API's records; the Campaigns API v1 "
                             "simulator keeps its records in memory only (use --api both to "
                             "serve both)")
        return make_v1_app(v1)
    app = make_app(legacy)
    if api == "both":
        add_v1_routes(app, v1)
    return app


def v1_banner(base_url: str, v1: V1Config) -> None:
    """The v1 defaults, printed at start: they are the simulator's, not secrets."""
    click.echo(f"  campaigns-v1 at {base_url}/cc/US1/campaigns/v1 (sites US1, US2, UK3):"
               f" tenant {v1.tenant}, API key {v1.api_key}")
    click.echo(f"  export BULK_LOADER_TENANT={v1.tenant} BULK_LOADER_API_KEY={v1.api_key}")
    shown = ", ".join(f"{c.campaign_id} {c.state}" for c in v1.campaigns.values())
    click.echo(f"  v1 campaigns: {shown}; key without the product: {v1.no_product_key};"
               f" stats at {base_url}{STATS_PATH}")
