"""Ctrl-C and SIGTERM during a send, shared by upload and delete.

SIGTERM is what systemd, `timeout`, `docker stop` and Kubernetes send; it is handled exactly like
Ctrl-C so that a nightly job stopped by its supervisor is as resumable as one stopped by hand.
First signal: set `stop` (the sender finishes the requests in flight, then stops; the run exits
130 for Ctrl-C, 143 for SIGTERM). Second: quit at once; the journal is consistent at every
instant and in_flight chunks are sent again on resume.

Outside a send (reading the file, the preflight), `install_sigterm` makes SIGTERM raise
`Terminated`, a KeyboardInterrupt, so every cleanup that Ctrl-C runs runs for it too.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from types import FrameType
from typing import Any

from bulk_loader.errors import EXIT_INTERRUPTED
from bulk_loader.outcome import RESUME_HINT

EXIT_TERMINATED = 143  # 128 + SIGTERM, what shells and supervisors expect
_NAMES = {signal.SIGINT: "Ctrl-C", signal.SIGTERM: "SIGTERM"}
_CODES = {signal.SIGINT: EXIT_INTERRUPTED, signal.SIGTERM: EXIT_TERMINATED}


class Terminated(KeyboardInterrupt):
    """SIGTERM outside a send: unwinds like Ctrl-C; the CLI exits 143."""


def _raise_terminated(signum: int, frame: FrameType | None) -> None:
    raise Terminated()


def install_sigterm() -> None:
    """From now on SIGTERM unwinds like Ctrl-C (main thread only; elsewhere a no-op)."""
    with contextlib.suppress(ValueError):
        signal.signal(signal.SIGTERM, _raise_terminated)


@dataclass
class Caught:
    """Which signal stopped the send, if any, and so the exit code of the interrupted run."""

    name: str | None = None
    exit_code: int = EXIT_INTERRUPTED


def _say(text: str) -> None:
    """A stop's reason reaches stderr even under --quiet (nightly mail needs it)."""
    print(text, file=sys.stderr, flush=True)


@contextlib.contextmanager
def ctrl_c(stop: asyncio.Event, notice: Callable[[str], None], what: str) -> Iterator[Caught]:
    """`what` names the work being finished, e.g. "requests" or "deletes"."""
    loop = asyncio.get_running_loop()
    caught = Caught()

    def on_signal(sig: signal.Signals) -> None:
        if stop.is_set():
            _say(f"quitting now; nothing is lost: {RESUME_HINT}.")
            os._exit(caught.exit_code if caught.name else _CODES[sig])
        caught.name, caught.exit_code = _NAMES[sig], _CODES[sig]
        notice(f"stopping: waiting for the {what} in flight ({caught.name} again to quit at "
               "once)")
        stop.set()

    previous: dict[signal.Signals, Any] = {}
    for sig in _NAMES:
        try:
            previous[sig] = signal.getsignal(sig)
            loop.add_signal_handler(sig, on_signal, sig)
        except (RuntimeError, ValueError, NotImplementedError):
            previous.pop(sig, None)  # not the main thread: the default behaviour stays
    try:
        yield caught
    finally:
        for sig, handler in previous.items():
            loop.remove_signal_handler(sig)
            # asyncio leaves SIGTERM at SIG_DFL: put back the handler that was there before.
            with contextlib.suppress(ValueError, TypeError):
                signal.signal(sig, handler)
