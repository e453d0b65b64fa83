"""`bulk-loader delete` as a library call: find or create the run, load it, confirm, send, sum up.

    outcome = run_delete(DeleteOptions(campaign_id=125, endpoint=..., credentials=...,
                                       journal_path=..., file=Path("optouts.csv")))   # or source_run="upload-3"
    outcome = await run_delete_async(opts)   # the same, inside a running event loop
    outcome.summary, outcome.exit_code

A delete run is keyed like an upload: (file sha256, campaign, endpoint) for a file, and (source
run, campaign, endpoint) for `--run`. The same command again resumes it; a finished run prints its
summary and sends nothing; `new_run` starts afresh. The run follows the lifecycle it shares with
upload (runs/_lifecycle.py); `DeleteStages` fills in its stages.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any, Final

from bulk_loader.api import (
    CampaignService,
    Capabilities,
    ServiceConfig,
    capabilities_of,
    open_service,
    require,
)
from bulk_loader.delete._busy import retry_busy
from bulk_loader.delete._load import (
    LEFT,
    file_key,
    find_existing,
    find_or_create,
    load_from_file,
    load_from_run,
    source_run_for,
)
from bulk_loader.delete._options import DeleteOptions, DeleteOutcome
from bulk_loader.delete._send import BUSY, exit_code_for, send_deletes
from bulk_loader.delete._summary import build_summary
from bulk_loader.errors import (
    EXIT_STOPPED,
    EXIT_USAGE,
    BulkLoaderError,
    TerminalError,
    UsageError,
)
from bulk_loader.journal import OPEN_CHUNK_STATES, Journal, JournalThread, Run
from bulk_loader.outcome import early_end
from bulk_loader.runs import (
    Progress,
    Tally,
    check_sizes,
    ctrl_c,
    live,
    process_guard,
    restores_process,
    run_sync,
)
from bulk_loader.states import RunState, count_open

DECLINED: Final = "declined"  # asked, the user said no: resumable, nothing sent in that invocation




@restores_process  # a library caller's GC, signal handlers and csv limit are put back after
def run_delete(opts: DeleteOptions) -> DeleteOutcome:
    """`run_delete_async` from plain code (no event loop running)."""
    return run_sync(run_delete_async(opts))


async def run_delete_async(opts: DeleteOptions) -> DeleteOutcome:
    """The delete's core; works inside a running event loop (a library caller's own)."""
    started = time.monotonic()
    if (opts.file is None) == (opts.source_run is None):
        raise UsageError("give exactly one of file (customer ids) or source_run (an upload's "
                         "run id)", param=("file", "source_run"))
    check_sizes(opts.chunk_size, opts.concurrency)
    with process_guard():
        return await live(DeleteStages(opts, started))


class DeleteStages:
    """The delete's stages of the shared lifecycle (runs/_lifecycle.py)."""

    def __init__(self, opts: DeleteOptions, started: float) -> None:
        self.opts = opts
        self.started = started
        self.journal_path = opts.journal_path
        self.capabilities: Capabilities = capabilities_of(_config(opts, 1).api)
        require(self.capabilities, "delete", "delete")
        self.sha = file_key(opts)
        self.source: Run | None = None
        self.name: str | None = None
        self.to_send = 0

    def earlier(self, journal: Journal) -> Run | None:
        self.source = source_run_for(journal, self.opts) if self.opts.source_run else None
        return find_existing(journal, self.opts, self.sha)

    def finished(self, journal: Journal, run: Run, *, locked: bool) -> DeleteOutcome:
        return _finished(run)

    async def preflight(self) -> str | None:
        self.name = await _preflight(self.opts)  # before creating a run: no trace if wrong
        return self.name

    def create(self, journal: Journal) -> Run:
        return find_or_create(journal, self.opts, self.sha)

    def whole_run(self) -> AbstractContextManager[Any]:
        return contextlib.nullcontext()

    def load(self, journal: Journal, run: Run, info: Any) -> DeleteOutcome | None:
        """Phase 1: the ids to delete, from a file or from an earlier run, journaled."""
        journal.reset_run_records(run)
        try:
            if self.source is not None:
                load_from_run(journal, run, self.source, self.opts.chunk_size)
            else:
                assert self.opts.file is not None
                load_from_file(journal, run, self.opts.file, self.opts.reader,
                               self.opts.chunk_size)
        except BulkLoaderError as exc:
            journal.reset_run_records(run)
            journal.set_state(run, "failed", exit_code=exc.exit_code,
                              summary={"run_id": run.run_id, "state": "failed",
                                       "exit_code": exc.exit_code, "error": str(exc)})
            raise
        journal.set_state(run, "sending")
        return None

    def resume(self, journal: Journal, run: Run) -> None:
        return None  # a delete run resumes as it was loaded

    def confirm(self, journal: Journal, run: Run, resumed: bool) -> DeleteOutcome | None:
        """Asked once the count is known; a no leaves the run open (declined, exit 2)."""
        opts = self.opts
        counts = journal.counts(run)
        self.to_send = to_send = count_open(counts) + counts.get(BUSY, 0)
        if to_send:
            where = f"campaign {opts.campaign_id}" + (f' ("{self.name}")' if self.name else "")
            done = sum(n for s, n in counts.items()
                       if s not in (*OPEN_CHUNK_STATES, "invalid", BUSY, LEFT))
            text = (f"Delete {to_send:,} records from {where} at {opts.endpoint}?"
                    + (f" (resuming {run.run_id}: {done:,} already done)" if done else ""))
            if not opts.confirm(text):
                journal.set_state(run, DECLINED, exit_code=EXIT_USAGE)
                summary = build_summary(journal, run, DECLINED, EXIT_USAGE, Tally(),
                                        self.started, resumed,
                                        "nothing was deleted: the confirmation was declined.")
                return DeleteOutcome(summary, EXIT_USAGE)
        journal.set_state(run, "sending")
        return None

    async def send(self, journal: Journal, run: Run, *, first_batch_alone: bool) -> _Sent:
        if not self.to_send:
            return _Sent(Tally())
        return await _send(self.opts, journal, run, self.to_send)

    def finish(self, journal: Journal, run: Run, sent: _Sent, resumed: bool) -> DeleteOutcome:
        return _finish(journal, run, sent, self.started, resumed)


async def _preflight(opts: DeleteOptions) -> str | None:
    """The campaign exists, takes deletes (not stopped, dynamic, enabled: Decision 12) and the
    data token reads it; returns its name for the prompt."""
    if not opts.preflight:
        return None
    async with _service(opts, concurrency=4) as client:
        return getattr(await client.preflight(opts.campaign_id, deletes=True), "name", None)


def _config(opts: DeleteOptions, concurrency: int) -> ServiceConfig:
    return ServiceConfig(opts.endpoint, opts.credentials, concurrency=concurrency,
                         retry=opts.retry, timeout=opts.timeout, on_notice=opts.notice)


def _service(opts: DeleteOptions, *, concurrency: int) -> CampaignService:
    return open_service(_config(opts, concurrency))


def _finished(run: Run) -> DeleteOutcome:
    summary = dict(run.summary or {})
    summary["note"] = (f"run {run.run_id} already finished on {run.finished_at}; nothing was "
                       "sent (use --new-run to delete again)")
    return DeleteOutcome(summary, run.exit_code if run.exit_code is not None else 0)


@dataclass
class _Sent:
    tally: Tally
    stopped_by: TerminalError | None = None
    interrupted: bool = False
    signal_name: str | None = None  # Ctrl-C or SIGTERM, when `interrupted`
    interrupt_code: int = 130
    dead_server: str | None = None  # the breaker's sentence (runs/_breaker.py)


async def _send(opts: DeleteOptions, journal: Journal, run: Run, total: int) -> _Sent:
    tally = Tally()
    stop = asyncio.Event()
    progress = Progress(opts.progress)
    progress.start_deleting(total)

    def on_chunk(size: int, rows: Any) -> None:
        tally.add_chunk(size, rows, "deleted")
        progress.counted(tally.done, deleted=tally.deleted, absent=tally.absent,
                         failed=tally.failed)

    client = _service(opts, concurrency=opts.concurrency)
    client.stop = stop  # Ctrl-C cuts a backoff or Retry-After wait at once
    sent = _Sent(tally)
    try:
        async with client, JournalThread(journal) as jt:
            with ctrl_c(stop, opts.notice, "deletes") as caught:
                try:
                    await retry_busy(jt, run, client, opts.campaign_id, stop=stop,
                                     on_page=on_chunk)
                    sent.dead_server = await send_deletes(
                        jt, run, client, opts.campaign_id, stop=stop,
                        window=2 + opts.concurrency // opts.chunk_size, on_chunk=on_chunk)
                except TerminalError as exc:
                    if not getattr(exc, "cut", False):  # a wait cut by Ctrl-C: interrupted
                        sent.stopped_by = exc
            sent.signal_name, sent.interrupt_code = caught.name, caught.exit_code
    finally:
        progress.close()
    sent.interrupted = stop.is_set() and sent.stopped_by is None and sent.dead_server is None
    return sent


def _finish(journal: Journal, run: Run, sent: _Sent, started: float,
            resumed: bool) -> DeleteOutcome:
    counts = journal.counts(run)
    pending = count_open(counts)
    tally, message = sent.tally, None
    busy = counts.get(BUSY, 0)
    cut = sent.stopped_by is not None or sent.dead_server is not None or sent.interrupted
    # A run cut short names every record still to delete, busy ones included.
    ended = early_end(pending + (busy if cut else 0), "deleted", stopped_by=sent.stopped_by,
                      dead_server=sent.dead_server, interrupted=sent.interrupted,
                      interrupt_code=sent.interrupt_code, signal_name=sent.signal_name)
    state: RunState
    if ended is not None:
        state, code, message = ended
    elif busy:  # Decision 13: open, and the same command later deletes them
        state, code, message = "stopped", EXIT_STOPPED, busy_sentence(busy)
    else:
        state, code = "completed", exit_code_for(counts)
    summary = build_summary(journal, run, state, code, tally, started, resumed, message)
    journal.set_state(run, state, exit_code=code, summary=summary)
    return DeleteOutcome(summary, code)


def busy_sentence(n: int) -> str:
    return (f"{n:,} records are being offered to agents; run the same command later to delete "
            "them")

