"""The end of `upload` and `delete`: print the summary (or JSON) and exit with the run's code."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, datetime
from typing import Any, NoReturn

import click

from bulk_loader.cli import flags
from bulk_loader.cli.say import say
from bulk_loader.errors import EXIT_INTERNAL, EXIT_INTERRUPTED, BulkLoaderError
from bulk_loader.failure import translate
from bulk_loader.states import STOP_STATES
from bulk_loader.summaries import ErrorSummary


@contextlib.contextmanager
def json_errors(as_json: bool) -> Iterator[None]:
    """With --json, a refused or interrupted run still prints one JSON object (a nightly job
    appends it to its log); the CLI then prints the sentence on stderr."""
    try:
        yield
    except BulkLoaderError as exc:
        if as_json:
            _json_error(flags.message(exc), exc.exit_code)
        raise
    except KeyboardInterrupt as exc:  # Ctrl-C or SIGTERM outside a send (reading, preflight)
        if as_json:
            from bulk_loader.runs import EXIT_TERMINATED, Terminated

            term = isinstance(exc, Terminated)
            _json_error(f"interrupted by {'SIGTERM' if term else 'Ctrl-C'}; nothing was lost",
                        EXIT_TERMINATED if term else EXIT_INTERRUPTED)
        raise
    except Exception as exc:
        if as_json:  # a full disk, a damaged journal, or a bug (exit 5): still one JSON object
            known = translate(exc, "the journal or an output file")
            _json_error(str(known or exc), known.exit_code if known else EXIT_INTERNAL)
        raise


def _json_error(message: str, code: int) -> None:
    from bulk_loader import __version__
    from bulk_loader.upload import iso_utc

    doc = ErrorSummary(error=message, exit_code=code, finished_at=iso_utc(datetime.now(UTC)),
                       version=__version__)  # docs/summaries.md
    click.echo(json.dumps(doc))




def stop_reason(summary: Mapping[str, Any]) -> str | None:
    """The one line a stopped or interrupted run writes on stderr, else None."""
    message = summary.get("message")
    if summary.get("state") not in STOP_STATES or not message:
        return None
    return f"error: {message}" if summary.get("state") == "stopped" else str(message)


def finish(summary: Mapping[str, Any], exit_code: int, as_json: bool,
           text: Callable[[Mapping[str, Any]], str]) -> NoReturn:
    """A run that stopped early says why as one sentence on stderr, like a refused one, whatever
    --json and --quiet say (a nightly job mails stderr); the summary still goes to stdout."""
    reason = stop_reason(summary)
    if as_json:
        click.echo(json.dumps(summary))
    elif reason:
        say(text({**summary, "message": None}))
    else:
        say(text(summary))
    if reason:
        say(reason, err=True)
    click.get_current_context().exit(exit_code)
