"""Removing records: a delete run journaled like an upload, so kill -9 and re-run loses nothing.

A delete run (kind 'delete') holds its customer ids in journal chunks, as an upload does. Each
chunk's intent is journaled (in_flight) before its DELETEs go out and its outcomes after they all
came back; a chunk found in_flight on resume is sent again. DELETE is idempotent, so the only
trace of a resend is a 404 where the first attempt had already removed the record: such a 404 is
journaled as deleted, "confirmed on resume" (docs/contract.md Decision 7's reasoning, applied to deletes).

Outcomes: 204 (any 2xx) deleted; 404 absent (already not in the campaign); 400 "not available
for deletion" busy (being offered to an agent, Decision 13: kept open, tried again by the next
run of the same command); another 4xx rejected; no answer after the retries failed. Deleted and
absent both count as done, reported apart, and end the holding of the id (journal/holdings.py).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence

from bulk_loader import spec
from bulk_loader.api import CampaignService, RecordOutcome
from bulk_loader.errors import EXIT_OK, EXIT_SOME_FAILED, TerminalError
from bulk_loader.journal import (
    OPEN_CHUNK_STATES,
    Chunk,
    Journal,
    JournalThread,
    OutcomeRow,
    Run,
    holdings,
)
from bulk_loader.runs import ChunkSender, dead_reason, limit_for
from bulk_loader.states import BUSY, FAILED_STATES

OK_STATE = "deleted"
NOTE_CONFIRMED = "deleted (confirmed on resume: not found when sent again)"
NOT_DONE = (*FAILED_STATES, *OPEN_CHUNK_STATES)
GONE = (OK_STATE, "absent")  # states after which the id is no longer in the campaign
CHUNK_SIZE = 250  # records per journal chunk: one commit per 250 DELETEs


def classify(
    outcome: RecordOutcome, row: int, schedule: str | None, resent_chunk: bool
) -> OutcomeRow | None:
    """The outcome row to journal for one DELETE answer; None for a plain 204 (the chunk's state)."""
    status, cid = outcome.http_status, outcome.customer_id
    if status == 204:
        return None
    if status is not None and 200 <= status < 300:
        return (row, cid, schedule, OK_STATE, status, outcome.message, outcome.attempts)
    if status == 404:
        if resent_chunk or outcome.resent:
            return (row, cid, schedule, OK_STATE, 404, NOTE_CONFIRMED, outcome.attempts)
        msg = outcome.message or "not in the campaign"
        return (row, cid, schedule, "absent", 404, msg, outcome.attempts)
    if status == 400 and outcome.message == spec.MSG_DELETE_BUSY:
        return (row, cid, schedule, BUSY, status, outcome.message, outcome.attempts)
    state = "failed" if status is None else "rejected"
    return (row, cid, schedule, state, status, outcome.message, outcome.attempts)


def release_gone(journal: Journal, run: Run, ids: Sequence[object],
                 rows: Sequence[int], notes: Sequence[OutcomeRow]) -> None:
    """End the holding of the ids this chunk removed (deleted or found absent)."""
    kept = {n[0] for n in notes if n[3] not in GONE}
    gone = [cid for cid, row in zip(ids, rows, strict=True) if row not in kept]
    holdings.release(journal.conn, journal.scope(run), run.seq, gone)


def finish_delete_chunk(journal: Journal, run: Run, chunk: Chunk, notes: list[OutcomeRow],
                        attempts: int) -> None:
    """On the journal thread, one commit: the chunk's answers and the holdings they end."""
    with journal.transaction():
        journal.finish_chunk(run, chunk.chunk, OK_STATE, 204, attempts, notes)
        release_gone(journal, run, chunk.ids, chunk.rows, notes)


async def _delete_chunk(
    client: CampaignService, campaign_id: int, chunk: Chunk
) -> list[RecordOutcome]:
    """Each DELETE waits for a place at the client's adaptive limiter, so a chunk is not a burst.
    A terminal error is raised once every DELETE of the chunk has ended; its `maybe_taken`
    says whether any of them may have removed a record (Decision 14: else the chunk took
    nothing and goes back to pending)."""
    answers = await asyncio.gather(*(client.delete_record(campaign_id, c) for c in chunk.ids),
                                   return_exceptions=True)
    errors = [a for a in answers if isinstance(a, BaseException)]
    if not errors:
        return answers  # type: ignore[return-value]  # no exception: all RecordOutcome
    terminal = next((e for e in errors if isinstance(e, TerminalError)), None)
    if terminal is None:
        raise errors[0]
    terminal.maybe_taken = (len(errors) < len(answers)
                            or any(isinstance(e, TerminalError) and e.maybe_taken for e in errors))
    raise terminal


def outcome_rows(chunk: Chunk, outcomes: Sequence[RecordOutcome]) -> tuple[list[OutcomeRow], int]:
    """(outcome rows to journal, attempts of the plain 204s) for one chunk's answers."""
    resent = chunk.state == "in_flight"
    rows: list[OutcomeRow] = []
    attempts = 1
    for row, sched, outcome in zip(chunk.rows, chunk.schedules, outcomes, strict=True):
        out = classify(outcome, row, sched, resent)
        if out is None:
            attempts = max(attempts, outcome.attempts)
        else:
            rows.append(out)
    return rows, attempts


_Answer = tuple[Chunk, list[OutcomeRow], int, str | None]  # chunk, rows, attempts, dead reason


class _Deletes:
    """Delete's kind of chunk for the shared sender (runs/_sender.py)."""

    def __init__(self, jt: JournalThread, run: Run, client: CampaignService, campaign_id: int,
                 stop: asyncio.Event,
                 on_chunk: Callable[[int, Sequence[OutcomeRow]], None] | None) -> None:
        self.jt, self.journal, self.run = jt, jt.journal, run
        self.client, self.campaign_id = client, campaign_id
        self.stop, self.on_chunk = stop, on_chunk
        self.stopped_by: TerminalError | None = None

    def commit(self, ready: list[_Answer], next_chunk: Chunk | None) -> None:
        for chunk, rows, attempts, _ in ready:
            finish_delete_chunk(self.journal, self.run, chunk, rows, attempts)
        if next_chunk is not None:
            self.journal.mark_in_flight(self.run, next_chunk.chunk)

    async def send(self, chunk: Chunk, known: object) -> _Answer | None:
        try:
            outcomes = await _delete_chunk(self.client, self.campaign_id, chunk)
        except TerminalError as exc:
            # Never sent before and nothing of it may have been taken: back to pending.
            if not exc.maybe_taken and chunk.state != "in_flight":
                await self.jt.call(self.journal.unmark_in_flight, self.run, chunk.chunk)
            if self.stopped_by is None:
                self.stopped_by = exc
            self.stop.set()
            return None
        rows, attempts = outcome_rows(chunk, outcomes)
        return chunk, rows, attempts, dead_reason(outcomes)

    def dead(self, done: _Answer) -> str | None:
        return done[3]

    def count(self, done: _Answer) -> None:
        if self.on_chunk is not None:
            self.on_chunk(len(done[0].ids), done[1])


async def send_deletes(
    jt: JournalThread,
    run: Run,
    client: CampaignService,
    campaign_id: int,
    *,
    stop: asyncio.Event,
    window: int = 2,
    on_chunk: Callable[[int, Sequence[OutcomeRow]], None] | None = None,
) -> str | None:
    """Send every open chunk of `run`, `window` chunks at a time, until done or `stop` is set,
    through the sender upload uses too (runs/_sender.py): a chunk is durably in_flight before
    its first DELETE leaves, and its answers are journaled with the intent of the next.

    A terminal API error (auth, unknown campaign) stops the run: the chunks then in flight
    finish, and the error is raised once they are journaled; a chunk it refused whole, never
    sent before, goes back to pending. Returns None, or the breaker's sentence if a dead server
    stopped the run (runs/_breaker.py): its unanswered chunks stay in_flight.
    """
    kind = _Deletes(jt, run, client, campaign_id, stop, on_chunk)
    sender: ChunkSender[_Answer] = ChunkSender(jt, run, kind, workers=window, stop=stop,
                                               breaker_limit=limit_for(window))
    dead = await sender.send_all()
    if kind.stopped_by is not None:
        raise kind.stopped_by
    return dead


def exit_code_for(counts: dict[str, int]) -> int:
    """0 when every record is deleted or absent; 1 when some failed, were rejected or invalid."""
    return EXIT_SOME_FAILED if any(counts.get(s) for s in NOT_DONE) else EXIT_OK
