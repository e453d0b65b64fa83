"""The end of `upload` and `delete`: print the summary (or JSON) and exit with the run's code."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any, NoReturn

import click

from bulk_loader.errors import BulkLoaderError


@contextlib.contextmanager
def json_errors(as_json: bool) -> Iterator[None]:
    """With --json, a refused run still prints one JSON object; the CLI then prints the error."""
    try:
        yield
    except BulkLoaderError as exc:
        if as_json:
            from bulk_loader import __version__
            from bulk_loader.upload_summary import iso_utc

            click.echo(json.dumps({"error": str(exc), "exit_code": exc.exit_code,
                                   "finished_at": iso_utc(datetime.now(UTC)),
                                   "version": __version__}))
        raise


STOP_STATES = ("stopped", "interrupted")


def stop_reason(summary: dict[str, Any]) -> str | None:
    """The one line a stopped or interrupted run writes on stderr, else None."""
    message = summary.get("message")
    if summary.get("state") not in STOP_STATES or not message:
        return None
    return f"error: {message}" if summary.get("state") == "stopped" else str(message)


def finish(summary: dict[str, Any], exit_code: int, as_json: bool,
           text: Callable[[dict[str, Any]], str]) -> NoReturn:
    """A run that stopped early says why as one sentence on stderr, like a refused one, whatever
    --json and --quiet say (a nightly job mails stderr); the summary still goes to stdout."""
    reason = stop_reason(summary)
    if as_json:
        click.echo(json.dumps(summary))
    elif reason:
        click.echo(text({**summary, "message": None}))
    else:
        click.echo(text(summary))
    if reason:
        click.echo(reason, err=True)
    click.get_current_context().exit(exit_code)
