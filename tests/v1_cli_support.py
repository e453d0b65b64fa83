"""Running the CLI against the Campaigns API v1 simulator: its environment and a profile file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result

from bulk_loader.cli import cli

# Variables a developer's shell might hold, cleared so each test says what it uses.
CLEARED = ("BULK_LOADER_API", "BULK_LOADER_SITE", "BULK_LOADER_CAMPAIGN", "BULK_LOADER_BASE_URL",
           "BULK_LOADER_PLATFORM", "BULK_LOADER_PROFILE", "BULK_LOADER_API_KEY",
           "BULK_LOADER_TENANT")


def v1_env(sim: Any | None = None, **more: str | None) -> dict[str, str | None]:
    env: dict[str, str | None] = {name: None for name in CLEARED}
    env["BULK_LOADER_CONFIG"] = "/nonexistent/bulk-loader.toml"
    if sim is not None:
        env["BULK_LOADER_API_KEY"] = sim.config.api_key
        env["BULK_LOADER_TENANT"] = sim.config.tenant
    env.update(more)
    return env


def run_v1(env: dict[str, str | None], *argv: str) -> Result:
    return CliRunner().invoke(cli, list(argv), env=env, catch_exceptions=False)


def v1_args(sim: Any, campaign: str, *more: str) -> list[str]:
    """--api campaigns-v1 --site US1 --base-url SIM --campaign UUID, then `more`."""
    return ["--api", "campaigns-v1", "--site", "US1", "--base-url", sim.base_url,
            "--campaign", campaign, *more]


def write_profile(path: Path, name: str, table: dict[str, Any]) -> Path:
    lines = [f"[{name}]"]
    for key, value in table.items():
        lines.append(f"{key} = {value!r}".replace("'", '"'))
    path.write_text("\n".join(lines) + "\n")
    path.chmod(0o600)
    return path
