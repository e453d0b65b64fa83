"""Ctrl-C during a send, shared by upload and delete.

First Ctrl-C: set `stop` (the sender finishes the requests in flight, then stops). Second: quit at
once; the journal is consistent at every instant and in_flight chunks are sent again on resume.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
from collections.abc import Callable, Iterator

from bulk_loader.errors import EXIT_INTERRUPTED
from bulk_loader.outcome import RESUME_HINT


@contextlib.contextmanager
def ctrl_c(stop: asyncio.Event, notice: Callable[[str], None], what: str) -> Iterator[None]:
    """`what` names the work being finished, e.g. "requests" or "deletes"."""
    loop = asyncio.get_running_loop()

    def on_sigint() -> None:
        if stop.is_set():
            notice(f"quitting now; nothing is lost: {RESUME_HINT}.")
            os._exit(EXIT_INTERRUPTED)
        notice(f"stopping: waiting for the {what} in flight (Ctrl-C again to quit at once)")
        stop.set()

    try:
        loop.add_signal_handler(signal.SIGINT, on_sigint)
        installed = True
    except (RuntimeError, ValueError, NotImplementedError):
        installed = False  # not the main thread: Ctrl-C keeps its default behaviour
    try:
        yield
    finally:
        if installed:
            loop.remove_signal_handler(signal.SIGINT)
