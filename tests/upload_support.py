"""Helpers shared by the upload tests: files, the CLI, the journal."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result

from bulk_loader.cli import cli
from bulk_loader.spec import iso_utc_ms

HEADERS = ["Customer ID", "Schedule Date Time", "Name"]
ROOT = Path(__file__).resolve().parent.parent


def iso_in(hours: float) -> str:
    return iso_utc_ms(datetime.now(UTC) + timedelta(hours=hours))


def write_csv(path: Path, rows: Iterable[Sequence[Any]], headers: Sequence[str] = HEADERS) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(headers)
        w.writerows(rows)
    return path


def valid_rows(n: int, start: int = 10_000_000, scheduled_every: int = 3) -> list[list[Any]]:
    """n valid rows; every `scheduled_every`-th has a call time 1-48 h ahead."""
    out: list[list[Any]] = []
    for i in range(n):
        sched = iso_in(1 + i % 48) if scheduled_every and i % scheduled_every == 0 else ""
        out.append([start + i, sched, f"name {i}"])
    return out


def env_for(sim: Any, **override: str) -> dict[str, str]:
    env = {
        "BULK_LOADER_USERNAME": sim.config.username,
        "BULK_LOADER_ACTION_TOKEN": sim.config.action_token,
        "BULK_LOADER_DATA_TOKEN": sim.config.data_token,
        "BULK_LOADER_CONFIG": "/nonexistent/bulk-loader.toml",
    }
    env.update(override)
    return env


def upload(sim: Any, file: Path, journal: Path, *args: str, env: dict[str, str] | None = None,
           campaign: int = 125) -> Result:
    """`bulk-loader upload` through click's runner, progress off."""
    argv = ["upload", str(file), "--campaign", str(campaign), "--base-url", sim.base_url,
            "--journal", str(journal), "--quiet", *args]
    return CliRunner().invoke(cli, argv, env=env or env_for(sim), catch_exceptions=False)


def upload_argv(base_url: str, file: Path, journal: Path, *args: str,
                campaign: int = 125) -> list[str]:
    return [sys.executable, "-m", "bulk_loader", "upload", str(file), "--campaign",
            str(campaign), "--base-url", base_url, "--journal", str(journal), *args]


def spawn(argv: list[str], env: dict[str, str]) -> subprocess.Popen[str]:
    path = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p)
    full = {**os.environ, **env, "PYTHONPATH": path}
    return subprocess.Popen(argv, env=full, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, cwd=ROOT)


def read_csv(path: Path) -> list[list[str]]:
    with open(path, newline="", encoding="utf-8-sig") as f:  # the failures file has a BOM
        return list(csv.reader(f))


def free_port() -> int:
    """A port nothing listens on now (the kernel's pick, released at once)."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])
