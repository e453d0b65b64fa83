"""`bulk-loader simulate`: a local stand-in for the 8x8 API (docs/simulator.md)."""

from __future__ import annotations

import asyncio
import errno
import sqlite3
import sys
from typing import Any

import click

from bulk_loader.cli.simulate_v1 import build_app, v1_banner, v1_config, v1_options
from bulk_loader.errors import UsageError
from bulk_loader.simulator.config import DELETE_TOKENS, FAULT_KINDS, SimulatorConfig


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8088, show_default=True, type=click.IntRange(0, 65535),
              help="Port to listen on; 0 picks a free one.")
@click.option("--state", "state_path", type=click.Path(dir_okay=False),
              help="SQLite file that keeps every campaign's records across restarts.")
@click.option("--seed", default=0, show_default=True, type=int,
              help="Seed of the record lifecycle and of the faults.")
@click.option("--latency-ms", default=0.0, show_default=True, type=float)
@click.option("--jitter-ms", default=0.0, show_default=True, type=float)
@click.option("--fault-rate", default=0.0, show_default=True, type=click.FloatRange(0, 1),
              help="Share of requests that fail (429, 503, 500, dropped, slow).")
@click.option("--fault-kinds", default=",".join(FAULT_KINDS), show_default=True,
              help="Comma-separated kinds the faults are drawn from.")
@click.option("--retry-after", "retry_after_s", default=1, show_default=True, type=int,
              help="Retry-After seconds of 429 and 503.")
@click.option("--slow-ms", default=2000.0, show_default=True, type=float,
              help="Extra delay of a 'slow' fault.")
@click.option("--drop-after-commit-rate", default=0.0, show_default=True,
              type=click.FloatRange(0, 1),
              help="Share of adds whose connection drops after the records were stored.")
@click.option("--max-chunk", default=10_000, show_default=True, type=click.IntRange(1),
              help="Most records one add request may hold (more: 413).")
@click.option("--stage-seconds", default=30.0, show_default=True, type=float,
              help="About how long a record stays New, Queued and Accepted.")
@click.option("--crm-file", type=click.Path(exists=True, dir_okay=False),
              help="Known customer ids, one per line (default: 10000000-15999999).")
@click.option("--delete-token", type=click.Choice(DELETE_TOKENS), default="action",
              show_default=True, help="Which token DELETE accepts.")
@click.option("--rate-limit", default=0.0, show_default=True, type=click.FloatRange(min=0),
              help="Requests per second per tenant (token bucket); beyond it 429 with "
                   "Retry-After. 0 = no limit.")
@click.option("--tenant", envvar="BULK_LOADER_SIM_TENANT", default="demo", show_default=True)
@click.option("--action-token", envvar="BULK_LOADER_SIM_ACTION_TOKEN", default="demo-action",
              show_default=True)
@click.option("--data-token", envvar="BULK_LOADER_SIM_DATA_TOKEN", default="demo-data",
              show_default=True)
@v1_options
def simulate(host: str, port: int, state_path: str | None, seed: int, latency_ms: float,
             jitter_ms: float, fault_rate: float, fault_kinds: str, retry_after_s: int,
             slow_ms: float, drop_after_commit_rate: float, max_chunk: int,
             stage_seconds: float, crm_file: str | None, delete_token: str, rate_limit: float,
             tenant: str, action_token: str, data_token: str, api: str,
             **v1_opts: Any) -> None:
    """Run a local 8x8 Dynamic Campaigns API simulator until Ctrl-C.

    Campaigns: 125 dynamic, 126 dynamic with a 3-day window, 127 not dynamic.
    With --api campaigns-v1 (or both): the Campaigns API v1 on /cc/{site}/campaigns/v1.
    The credentials are a simulator's: they are printed because they are not secret.
    """
    from bulk_loader.simulator.serve import serve

    kinds = tuple(k.strip() for k in fault_kinds.split(",") if k.strip())
    try:
        config = SimulatorConfig(
            username=tenant, action_token=action_token, data_token=data_token,
            delete_token=delete_token, crm_file=crm_file, max_chunk=max_chunk, seed=seed,
            stage_seconds=stage_seconds, latency_ms=latency_ms, jitter_ms=jitter_ms,
            fault_rate=fault_rate, fault_kinds=kinds, retry_after_s=retry_after_s,
            slow_ms=slow_ms, drop_after_commit_rate=drop_after_commit_rate,
            state_path=state_path, rate_limit=rate_limit)
    except ValueError as exc:
        raise UsageError(str(exc)) from exc
    v1 = v1_config(config, v1_opts)

    def ready(base_url: str) -> None:
        click.echo(f"Simulator listening on {base_url}")
        if api != "legacy":
            v1_banner(base_url, v1)
            if api == "campaigns-v1":
                click.echo("  Ctrl-C stops.")
                sys.stdout.flush()
                return
        click.echo(f"  username {tenant}, action token {action_token}, data token {data_token}")
        click.echo(f"  export BULK_LOADER_USERNAME={tenant} BULK_LOADER_ACTION_TOKEN={action_token}"
                   f" BULK_LOADER_DATA_TOKEN={data_token}")
        click.echo("  campaigns: 125 dynamic, 126 dynamic (3-day window), 127 not dynamic;"
                   f" stats at {base_url}/__simulator/stats. Ctrl-C stops.")
        sys.stdout.flush()  # scripts wait for the first line

    try:
        asyncio.run(serve(config, host, port, ready, build_app(api, config, v1)))
    except sqlite3.Error as exc:
        raise UsageError(f"cannot use the state file {state_path}: {exc}") from exc
    except ValueError as exc:  # a CRM file or state that the store refuses when it loads
        raise UsageError(str(exc)) from exc
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise UsageError(f"port {port} on {host} is already in use; "
                             "pick another with --port (0 = any free port)") from exc
        raise UsageError(f"cannot listen on {host}:{port}: {exc.strerror}") from exc
    click.echo("Simulator stopped.")
