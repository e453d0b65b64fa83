"""The last line of defence: an error nobody expected becomes one sentence and exit 5.

A crash must never look like a result: exit 1 means "finished, some rows need a look", which a
cron job does not page on. So anything that escapes a command (a bug, a library surprise) is
printed as one sentence on stderr with EXIT_INTERNAL, and its traceback goes to
`record_traceback` (stderr with `--debug`); an upload's `--log-file` also gets it, as a `crash`
event (cli/job_outputs.py). A full disk or a damaged journal met outside the
modules that translate them is still told as what it is (failure.translate).
"""

from __future__ import annotations

import contextlib
import os
import sys
import traceback

import click

from bulk_loader.cli import flags
from bulk_loader.errors import EXIT_INTERNAL, BulkLoaderError
from bulk_loader.failure import translate
from bulk_loader.safe_text import safe

DEBUG = {"on": False}  # set by `bulk-loader --debug`


def record_traceback(exc: BaseException) -> None:
    """Where the traceback of an unexpected error goes: stderr with --debug, else nowhere."""
    if DEBUG["on"]:
        click.echo("".join(traceback.format_exception(exc)).rstrip(), err=True)


def unexpected(exc: Exception) -> int:
    """Tell the user about `exc` in one sentence and return the exit code to end with."""
    known = translate(exc, "the journal or an output file")
    if known is not None:
        record_traceback(exc)
        return report(known)
    record_traceback(exc)
    what = safe(f"{type(exc).__name__}: {exc}")[:300]
    hint = "" if DEBUG["on"] else "; run again with `bulk-loader --debug ...` for the traceback"
    click.echo(f"error: unexpected internal error ({what}){hint}. Nothing that was journaled "
               "is lost; please report this.", err=True)
    return EXIT_INTERNAL


def quiet_stdout() -> None:
    """Point stdout at /dev/null: the reader of a pipe left, and Python's final flush of stdout
    must not raise a second BrokenPipeError on the way out."""
    with contextlib.suppress(OSError, ValueError):  # no real file behind stdout: a test runner
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def report(exc: BulkLoaderError) -> int:
    click.echo(f"error: {safe(flags.message(exc))}", err=True)
    return exc.exit_code
