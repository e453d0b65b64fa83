"""One resumable-run lifecycle, shared by upload and delete: each is a specialisation (`Stages`).

    outcome = await live(stages)          # inside any event loop
    outcome = run_sync(live(stages))      # from plain code: the sync wrappers

The stages, in order, with the hook each kind fills in:

1. **find**: a finished run of the same key reprints its summary and sends nothing
   (`earlier`, `finished`).
2. **preflight**: when the back end `can_view`, the campaign is read and checked before a run
   is created, so a wrong campaign leaves no trace (`preflight`). Without `can_view` there is
   nothing to read: the preflight is skipped and the send's **first batch goes alone**
   (`first_batch_alone` reaches `send`), so a campaign that refuses records refuses one batch.
3. **create** or resume the run (`create`), then **lock** it: one process per run
   (journal.lock_run), for the rest of the lifecycle (`whole_run` adds the kind's own context,
   e.g. upload's relaxed GC).
4. **load** (phase 1): a run still `loading` journals every record before anything is sent
   (`load`; it may end the run here, e.g. a file with no rows). A run past loading is resumed
   (`resume`).
5. **confirm** (`confirm`): delete asks before sending; it may end the run here.
6. **send** (phase 2): the open chunks, intent before send and outcome after (`send`).
7. **finish**: the early end (`outcome.early_end`: stopped, dead server, interrupted), the
   state, the summary, the outputs (`finish`).

Exceptions pass through untouched: the CLI maps them to exit codes.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any, Protocol, TypeVar

from bulk_loader.api import Capabilities
from bulk_loader.errors import UsageError
from bulk_loader.journal import Journal, Run
from bulk_loader.outcome import RunOutcome

T = TypeVar("T")


class Stages(Protocol):
    """What upload and delete each fill in; see the module docstring for the order."""

    journal_path: Path
    capabilities: Capabilities

    def earlier(self, journal: Journal) -> Run | None: ...

    def finished(self, journal: Journal, run: Run, *, locked: bool) -> RunOutcome: ...

    async def preflight(self) -> Any: ...

    def create(self, journal: Journal) -> Run: ...

    def whole_run(self) -> AbstractContextManager[Any]: ...

    def load(self, journal: Journal, run: Run, info: Any) -> RunOutcome | None: ...

    def resume(self, journal: Journal, run: Run) -> None: ...

    def confirm(self, journal: Journal, run: Run, resumed: bool) -> RunOutcome | None: ...

    async def send(self, journal: Journal, run: Run, *, first_batch_alone: bool) -> Any: ...

    def finish(self, journal: Journal, run: Run, sent: Any, resumed: bool) -> RunOutcome: ...


def check_sizes(chunk_size: int, concurrency: int) -> None:
    """What upload and delete both refuse before anything is read or sent."""
    if chunk_size < 1:
        raise UsageError(f"chunk_size must be at least 1 (got {chunk_size})", param="chunk_size")
    if concurrency < 1:
        raise UsageError(f"concurrency must be at least 1 (got {concurrency})",
                         param="concurrency")


async def live(stages: Stages) -> RunOutcome:
    """Find or create the run, preflight, lock, load, send, finish."""
    with Journal.open(stages.journal_path) as journal:
        earlier = stages.earlier(journal)
        if earlier is not None and earlier.state == "completed":
            return stages.finished(journal, earlier, locked=False)
        can_view = stages.capabilities.can_view
        # The branch of v1 Decision 5: no status to read, so the first batch is the preflight.
        info = await stages.preflight() if can_view else None
        run = stages.create(journal)
        with journal.lock_run(run), stages.whole_run():
            run = journal.refresh(run)
            if run.state == "completed":
                return stages.finished(journal, run, locked=True)
            resumed = run.state != "loading"  # a load cut short starts over: not a resume
            if run.state == "loading":
                ended = stages.load(journal, run, info)
                if ended is not None:
                    return ended
            else:
                stages.resume(journal, run)
            run = journal.refresh(run)
            ended = stages.confirm(journal, run, resumed)
            if ended is not None:
                return ended
            sent = await stages.send(journal, run, first_batch_alone=not can_view)
            return stages.finish(journal, run, sent, resumed)


def run_sync(coro: Coroutine[Any, Any, T]) -> T:
    """Run an async core from plain code, as `asyncio.run` does but without its Ctrl-C
    handler: a Ctrl-C while a file is read or a preflight waits raises KeyboardInterrupt
    where it lands, as before the cores were async; during a send, runs/_interrupt.py's
    handler takes over. The caller's current event loop, if it had set one, is its current
    loop again afterwards."""
    previous = _current_loop()
    loop = asyncio.new_event_loop()
    try:
        asyncio.set_event_loop(loop)
        return loop.run_until_complete(coro)
    finally:
        try:
            _cancel_all(loop)
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.run_until_complete(loop.shutdown_default_executor())
        finally:
            asyncio.set_event_loop(previous)
            loop.close()


def _current_loop() -> asyncio.AbstractEventLoop | None:
    """The loop the caller set, read without making one (`get_event_loop` would make one)."""
    local = getattr(asyncio.get_event_loop_policy(), "_local", None)
    loop = getattr(local, "_loop", None)
    return loop if isinstance(loop, asyncio.AbstractEventLoop) and not loop.is_closed() else None


def _cancel_all(loop: asyncio.AbstractEventLoop) -> None:
    tasks = asyncio.all_tasks(loop)
    if not tasks:
        return
    for task in tasks:
        task.cancel()
    loop.run_until_complete(asyncio.gather(*tasks, return_exceptions=True))
