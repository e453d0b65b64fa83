"""Helpers for the delete / records / runs / report tests: seeding the simulator, the CLI."""

from __future__ import annotations

import asyncio
from typing import Any

from click.testing import CliRunner, Result

from bulk_loader.cli import cli

SEED_CHUNK = 10_000


def env_for(sim: Any) -> dict[str, str]:
    return {
        "BULK_LOADER_USERNAME": sim.config.username,
        "BULK_LOADER_ACTION_TOKEN": sim.config.action_token,
        "BULK_LOADER_DATA_TOKEN": sim.config.data_token,
        "BULK_LOADER_CONFIG": "/nonexistent/bulk-loader.toml",
    }


def seed(sim: Any, campaign: int, first: int, count: int) -> None:
    """Put customer ids first..first+count-1 into the campaign through the real POST API."""

    async def go() -> None:
        for start in range(first, first + count, SEED_CHUNK):
            stop = min(first + count, start + SEED_CHUNK)
            body = [{"customer-id": i} for i in range(start, stop)]
            status, answer, _ = await sim.call(
                "POST", f"/api/tstats/campaigns/{campaign}/customers", body=body)
            assert status == 207 and all(e["http-status"] == 200 for e in answer), status

    asyncio.run(go())


def run_cli(sim: Any, *argv: str, input: str | None = None) -> Result:
    return CliRunner().invoke(cli, list(argv), env=env_for(sim), input=input,
                              catch_exceptions=False)
