"""Process-wide settings a run may change, put back as they were when the run returns.

A library caller's process is not ours: an upload freezes the start-up objects out of the
collector (`gc.freeze()`), raises the collector's thresholds (runs/_gc_relax.py), installs Ctrl-C
and SIGTERM handlers for the send (runs/_interrupt.py) and widens the csv module's field limit
for a read (readers/_csv.py). Each of those puts itself back; `restores_process` is the guard
around a whole run that makes sure of it, even on an exception: after `upload()` or `delete()`
returns, the collector, the signal handlers and the csv limit are what the caller had.

`gc.unfreeze()` unfreezes everything, the caller's frozen objects too, and nothing unfreezes
only some: so a run freezes (`freeze_startup`) only when the caller had frozen nothing, and a
caller that froze its own objects keeps them frozen and its freeze count unchanged (the run then
goes without the trick).
"""

from __future__ import annotations

import contextlib
import csv
import functools
import gc
import signal
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from typing import Any, ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")
_SIGNALS = (signal.SIGINT, signal.SIGTERM)
# May the run freeze? Only inside a guard whose caller had frozen nothing (see the docstring).
_MAY_FREEZE: ContextVar[bool] = ContextVar("may_freeze", default=False)


def freeze_startup() -> None:
    """Keep the collector from walking objects that never die (start-up, the loaded run)
    again and again, when the guard can put that back."""
    if _MAY_FREEZE.get():
        gc.collect()
        gc.freeze()


@contextlib.contextmanager
def process_guard() -> Iterator[None]:
    """Snapshot the collector, SIGINT/SIGTERM handlers and csv field limit; restore them after."""
    enabled, thresholds, frozen = gc.isenabled(), gc.get_threshold(), gc.get_freeze_count()
    handlers: dict[signal.Signals, Any] = {s: signal.getsignal(s) for s in _SIGNALS}
    field_limit = csv.field_size_limit()
    may_freeze = _MAY_FREEZE.set(frozen == 0)
    try:
        yield
    finally:
        _MAY_FREEZE.reset(may_freeze)
        if frozen == 0 and gc.get_freeze_count():
            gc.unfreeze()  # the run's frozen objects go back to the collector's care
        gc.set_threshold(*thresholds)
        (gc.enable if enabled else gc.disable)()
        for sig, handler in handlers.items():
            if handler is not None and signal.getsignal(sig) is not handler:
                with contextlib.suppress(ValueError, TypeError):  # not the main thread
                    signal.signal(sig, handler)
        csv.field_size_limit(field_limit)


def restores_process(func: Callable[P, R]) -> Callable[P, R]:
    """Run `func` inside `process_guard` (upload's and delete's library entries)."""
    @functools.wraps(func)
    def guarded(*args: P.args, **kwargs: P.kwargs) -> R:
        with process_guard():
            return func(*args, **kwargs)
    return guarded
