"""Helpers of the Campaigns API v1 upload tests: files with priority and rank, the CLI, the env."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result

from bulk_loader.cli import cli
from tests.upload_support import write_csv
from tests.v1_cli_support import v1_env

V1_HEADERS = ["Customer ID", "Schedule Date Time", "Priority", "Rank"]
PRIORITIES = ("HIGH", "MEDIUM", "LOW")


def v1_rows(n: int, *, prefix: str = "c-", days: float = 20, every: int = 3) -> list[list[Any]]:
    """n valid rows: ids `c-00000`..., every `every`-th called `days` days ahead (whole seconds,
    UTC), priorities in turn, ranks 1.. (every fifth left to the API's default)."""
    base = datetime.now(UTC).replace(microsecond=0) + timedelta(days=days)
    out: list[list[Any]] = []
    for i in range(n):
        when = (base + timedelta(minutes=i)).strftime("%Y-%m-%dT%H:%M:%SZ") \
            if every and i % every == 0 else ""
        rank = "" if i % 5 == 4 else i + 1
        out.append([f"{prefix}{i:05d}", when, PRIORITIES[i % 3], rank])
    return out


def write_v1_csv(path: Path, rows: Sequence[Sequence[Any]]) -> Path:
    return write_csv(path, rows, V1_HEADERS)


def expected_store(rows: Sequence[Sequence[Any]]) -> dict[str, tuple[str, Any, str | None]]:
    """What the simulator should hold: {id: (priority, rank, nextAttemptAfter)}; a row without a
    rank or call time is checked only for its priority (the server picks those)."""
    return {str(r[0]): (str(r[2]), r[3] if r[3] != "" else None, r[1] or None) for r in rows}


def matches(held: dict[str, tuple[str, Any, str]],
            want: dict[str, tuple[str, Any, str | None]]) -> bool:
    if set(held) != set(want):
        return False
    for crm, (priority, rank, when) in want.items():
        got = held[crm]
        if got[0] != priority or (rank is not None and got[1] != rank):
            return False
        if when is not None and _instant(got[2]) != _instant(when):
            return False
    return True


def _instant(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def v1_upload_args(sim: Any, campaign: str, file: Path, journal: Path, *more: str) -> list[str]:
    return ["upload", str(file), "--api", "campaigns-v1", "--site", "US1", "--base-url",
            sim.base_url, "--campaign", campaign, "--journal", str(journal), "--quiet",
            "--json", *more]


def v1_upload(sim: Any, campaign: str, file: Path, journal: Path, *more: str,
              env: dict[str, str | None] | None = None) -> tuple[Result, dict[str, Any] | None]:
    """The CLI in-process; (result, the --json summary when stdout holds one)."""
    result = CliRunner().invoke(cli, v1_upload_args(sim, campaign, file, journal, *more),
                                env=env or v1_env(sim), catch_exceptions=False)
    try:
        summary = json.loads(result.stdout)
    except ValueError:
        summary = None
    return result, summary


def v1_upload_argv(sim: Any, campaign: str, file: Path, journal: Path, *more: str) -> list[str]:
    """The same command for a subprocess."""
    return [sys.executable, "-m", "bulk_loader",
            *v1_upload_args(sim, campaign, file, journal, *more)]


def subprocess_env(sim: Any) -> dict[str, str]:
    return {k: v for k, v in v1_env(sim).items() if v is not None}
