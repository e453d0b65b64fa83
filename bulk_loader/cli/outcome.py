"""The end of `upload` and `delete`: print the summary (or JSON) and exit with the run's code."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Iterator
from typing import Any, NoReturn

import click

from bulk_loader.cli.say import say
from bulk_loader.errors import EXIT_INTERNAL, BulkLoaderError
from bulk_loader.failure import translate


@contextlib.contextmanager
def json_errors(as_json: bool) -> Iterator[None]:
    """With --json, a refused run still prints one JSON object; the CLI then prints the error."""
    try:
        yield
    except BulkLoaderError as exc:
        if as_json:
            click.echo(json.dumps({"error": str(exc), "exit_code": exc.exit_code}))
        raise
    except Exception as exc:
        if as_json:  # a full disk, a damaged journal, or a bug (exit 5): still one JSON object
            known = translate(exc, "the journal or an output file")
            click.echo(json.dumps({"error": str(known or exc),
                                   "exit_code": known.exit_code if known else EXIT_INTERNAL}))
        raise


def finish(summary: dict[str, Any], exit_code: int, as_json: bool,
           text: Callable[[dict[str, Any]], str]) -> NoReturn:
    """A run that stopped early says why as one `error:` sentence on stderr, like a refused one;
    the summary (counts, paths) still goes to stdout."""
    if as_json:
        click.echo(json.dumps(summary))
    elif summary.get("state") == "stopped" and summary.get("message"):
        say(text({**summary, "message": None}))
        say(f"error: {summary['message']}", err=True)
    else:
        say(text(summary))
    click.get_current_context().exit(exit_code)
