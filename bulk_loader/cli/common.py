"""Options that several commands share, so each is spelled and documented once."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])

def default_journal() -> Path:
    """$BULK_LOADER_JOURNAL, else the platform's data folder (platformdirs: on Linux
    $XDG_DATA_HOME/bulk-loader/journal.sqlite, ~/.local/share by default)."""
    import platformdirs

    fallback = platformdirs.user_data_path("bulk-loader", appauthor=False) / "journal.sqlite"
    return Path(os.environ.get("BULK_LOADER_JOURNAL") or fallback).expanduser()


def _stack(*decorators: Callable[[F], F]) -> Callable[[F], F]:
    def apply(f: F) -> F:
        for d in reversed(decorators):
            f = d(f)
        return f

    return apply


file_options = _stack(
    click.option("--sheet", help="Excel sheet name or 0-based index (default: the first)."),
    click.option("--id-column", help="Header of the customer-id column, if not auto-detected."),
    click.option("--schedule-column", help="Header of the schedule column, if not auto-detected."),
    click.option("--encoding", help="Force the CSV encoding (default: detected)."),
    click.option("--delimiter", help="Force the CSV delimiter (default: detected among , ; tab |)."),
    click.option("--timezone", "timezone_name",
                 help="Zone for schedule times without an offset: IANA (Europe/London) or fixed POSIX (EST5EST)."),
)

endpoint_options = _stack(
    click.option("--platform", help="8x8 CC platform prefix, e.g. na12 (https://vcc-na12.8x8.com)."),
    click.option("--base-url", help="API root instead of --platform (the simulator, tests)."),
    click.option("--profile", help="Profile in the config file (credentials; for upload, the "
                                   "whole job)."),
    click.option("--config", "config_file", type=click.Path(dir_okay=False),
                 help="Config file (default: $BULK_LOADER_CONFIG or "
                      "$XDG_CONFIG_HOME/bulk-loader/config.toml)."),
)

journal_option = click.option(
    "--journal", type=click.Path(dir_okay=False, path_type=Path), default=None,
    help="SQLite journal (default: $BULK_LOADER_JOURNAL or "
         "$XDG_DATA_HOME/bulk-loader/journal.sqlite).",
)


def _finite(ctx: click.Context, param: click.Parameter, value: float) -> float:
    if value != value:  # NaN passes FloatRange's bounds; timedelta would then raise
        raise click.BadParameter("must be a number of seconds", ctx, param)
    return value


clock_skew_option = click.option(
    "--clock-skew", type=click.FloatRange(0, 3600), default=60, show_default=True,
    callback=_finite,
    help="Seconds of tolerance for this machine's clock in the 7-day window check.")



timeout_option = click.option(
    "--timeout", type=click.FloatRange(0.1, 3600), default=60, show_default=True,
    callback=_finite, help="Seconds to wait for each answer before counting it as lost.")
