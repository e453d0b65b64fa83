"""Upload phase 2: send the journal's open chunks concurrently, intent before send, outcome after.

The intent-send-outcome protocol itself is runs/_sender.py's, shared with delete; `Sender` is
the upload's kind of chunk. For each chunk a sender: writes the chunk `in_flight` and waits for
that commit; re-checks the 7-day window against the clock now (Decision 6); posts it; journals
every outcome (in the same commit as the intent of its next chunk). So every chunk that may have reached the server without
its answer being journaled is `in_flight`, and a resume sends exactly those again (Decision 7):
at most `concurrency` of them, plus the chunks a dead server left unanswered (runs/_breaker.py).
"""

from __future__ import annotations

import asyncio
import operator
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bulk_loader import spec
from bulk_loader.api import CampaignService, RecordBatch, RecordOutcome
from bulk_loader.errors import TerminalError
from bulk_loader.journal import Chunk, JournalThread, OutcomeRow, Run, holdings
from bulk_loader.runs import ChunkSender, Tally, dead_reason, limit_for
from bulk_loader.upload import _known as upload_known
from bulk_loader.validation import send_time_reason

_STATUS = operator.itemgetter(1)
_ATTEMPTS = operator.itemgetter(3)
CONFIRMED_ON_RESUME = "Duplicate customer: accepted (confirmed on resume)"
CONFIRMED_ON_RETRY = "Duplicate customer: accepted (confirmed on retry)"
LOST = "lost"  # classify's mark for a record whose answer was lost: its chunk stays in_flight


@dataclass(slots=True)
class _Done:
    """A chunk answered, not yet journaled."""

    chunk: int
    notes: list[OutcomeRow]
    ok: int
    ok_attempts: int | None
    confirmed: int
    dead: str | None = None  # no record got an answer: the last error (breaker.dead_reason)
    fresh: bool = False  # first sent by this invocation: no outcome rows of an earlier one
    skipped: int = 0  # already-present, not sent (--skip-known)
    lost: int = 0  # records whose answer was lost after their request may have reached the server


@dataclass
class SendResult:
    tally: Tally
    stopped_by: TerminalError | None = None
    interrupted: bool = False
    dead_server: str | None = None  # the breaker's sentence when a dead server stopped the run
    http: dict[str, int] = field(default_factory=dict)  # the client's counters
    signal_name: str | None = None  # Ctrl-C or SIGTERM, when `interrupted`
    interrupt_code: int = 130
    lost: int = 0  # records kept in flight: their answers were lost (Decision 14)


def classify(outcomes: list[RecordOutcome], rows: list[int], schedules: list[str | None],
             was_in_flight: bool) -> tuple[list[OutcomeRow], int, int, int]:
    """Per-record outcome rows for what is not a plain 200, plus (ok_count, ok_attempts, dups)."""
    if outcomes and set(map(_STATUS, outcomes)) == {200}:  # the common case, at C speed
        return [], len(outcomes), max(map(_ATTEMPTS, outcomes)), 0
    notes: list[OutcomeRow] = []
    ok = ok_attempts = confirmed = 0
    for o, row, sch in zip(outcomes, rows, schedules, strict=True):
        status = o.http_status
        if status == 200 or (status is not None and 200 <= status < 300 and o.message is None):
            ok += 1
            if o.attempts > ok_attempts:
                ok_attempts = o.attempts
            continue
        if status is None and o.resent:
            # An attempt may have reached the server (a dropped answer, a timeout, a 5xx): the
            # record may be in the campaign, so it is no final failure (Decision 14): LOST.
            state, message = LOST, o.message
        elif status is None:  # no attempt reached the server
            state, message = "failed", o.message
        elif 200 <= status < 300:
            state, message = "accepted", o.message
        elif o.duplicate and (was_in_flight or o.resent):
            # Ours, unless the journal knows another holder (upload_known.own_duplicates).
            state = "accepted"
            message = CONFIRMED_ON_RESUME if was_in_flight else CONFIRMED_ON_RETRY
            confirmed += 1
        elif o.duplicate:  # this run never sent it before: not ours
            state, message = upload_known.ALREADY, upload_known.NOT_OURS
        else:
            state, message = "rejected", o.message
        notes.append((row, o.customer_id, sch, state, status, message, o.attempts))
    return notes, ok, ok_attempts, confirmed


class Sender:
    def __init__(self, jt: JournalThread, run: Run, client: CampaignService,
                 campaign_id: int | str, *,
                 concurrency: int, now: Callable[[], datetime], clock_skew: timedelta,
                 on_progress: Callable[[Tally], None] | None = None,
                 skip_known: bool = False, reschedule: bool = False,
                 first_batch_alone: bool = False, seven_days: bool = True) -> None:
        """`seven_days`: the legacy API's 7-day window is checked again when sending (the
        Campaigns API v1 has no such rule, its Decision 4)."""
        self.jt = jt
        self.journal = jt.journal
        self.run = run
        self.client = client
        self.campaign_id = campaign_id
        self.concurrency = concurrency
        self.now = now
        self.clock_skew = clock_skew
        self.on_progress = on_progress
        self.skip_known = skip_known
        self.reschedule = reschedule
        self.stop = asyncio.Event()
        self.tally = Tally()
        self.stopped_by: TerminalError | None = None
        self.seven_days = seven_days
        # A back end that cannot be read before the run (no `can_view`): its first chunk goes
        # alone, as the preflight, before the others (runs/_lifecycle.py).
        self.first_batch_alone = first_batch_alone

    async def send_all(self) -> SendResult:
        sender: ChunkSender[_Done] = ChunkSender(
            self.jt, self.run, self, workers=self.concurrency, stop=self.stop,
            breaker_limit=limit_for(self.concurrency))
        dead = await sender.send_all(first_alone=self.first_batch_alone)
        interrupted = self.stop.is_set() and self.stopped_by is None and dead is None
        return SendResult(self.tally, self.stopped_by, interrupted, dead, lost=self.tally.lost)

    async def send(self, ch: Chunk, known: upload_known.Holders) -> _Done | None:
        """`ChunkKind.send`: the chunk's intent is durable; None when a terminal error stopped
        the run (kept in `stopped_by`)."""
        return await self._send_chunk(ch, self._late(ch), known)

    def dead(self, done: _Done) -> str | None:
        return done.dead

    def commit(self, ready: list[_Done], next_chunk: Chunk | None) -> upload_known.Holders:
        """`ChunkKind.commit`: runs on the journal thread, inside one transaction. Returns the
        holders of the next chunk's ids when --skip-known or --reschedule needs them."""
        for done in ready:
            if done.lost:  # left in_flight: a re-run resends it and confirms its duplicates
                continue
            if done.notes:
                done.confirmed = upload_known.own_duplicates(self.journal, self.run, done.notes)
            self.journal.finish_chunk(self.run, done.chunk, "accepted", 200, done.ok_attempts,
                                      done.notes, fresh=done.fresh)
        if next_chunk is None:
            return {}
        self.journal.mark_in_flight(self.run, next_chunk.chunk)
        if next_chunk.ids and (self.skip_known or self.reschedule):
            return holdings.holders(self.journal.conn, self._scope(), next_chunk.ids)
        return {}

    def _scope(self) -> int:
        """Other runs' holdings: this run's own are not copied while it sends (Journal.scope)."""
        return self.journal.scope(self.run, own_too=False)

    def _unmark(self, chunk: int) -> None:
        self.journal.unmark_in_flight(self.run, chunk)

    def _release(self, ids: list[int]) -> None:
        holdings.release(self.journal.conn, self._scope(), self.run.seq, ids)

    def _released(self, ids: list[int]) -> upload_known.Holders:
        return holdings.released_by(self.journal.conn, self._scope(),
                                    self.run.seq, ids)

    def count(self, done: _Done) -> None:
        t = self.tally
        if done.lost:
            t.lost += done.lost
            if self.on_progress is not None:
                self.on_progress(t)
            return
        t.accepted += done.ok
        t.confirmed += done.confirmed
        t.skipped += done.skipped
        for n in done.notes:
            t.add(n[3])
        if self.on_progress is not None:
            self.on_progress(t)

    def _late(self, ch: Chunk) -> list[tuple[int, str]]:
        """(position, server's message) of records whose call time has left the 7-day window
        by now (Decision 6).

        Times are our own `...sssZ` UTC strings, so they order as text: a chunk whose earliest
        and latest time sit well inside the window needs no per-record check at all."""
        scheduled = [s for s in ch.schedules if s] if self.seven_days else []
        if not scheduled:
            return []
        now = self.now()
        inner_lo = spec.iso_utc_ms(now + self.clock_skew)
        inner_hi = spec.iso_utc_ms(now + timedelta(days=spec.MAX_DAYS_AHEAD) - self.clock_skew)
        if min(scheduled) >= inner_lo and max(scheduled) <= inner_hi:
            return []
        found = []
        for i, s in enumerate(ch.schedules):
            if s and not inner_lo <= s <= inner_hi:
                reason = send_time_reason(s, now, self.clock_skew)
                if reason is not None:
                    found.append((i, reason))
        return found

    async def _send_chunk(self, ch: Chunk, late_at: list[tuple[int, str]],
                          known: upload_known.Holders) -> _Done | None:
        """Post the chunk (its intent is already durable); None if a terminal error stopped us."""
        was_in_flight = ch.state == "in_flight"
        rows, ids, schedules, fields = ch.rows, ch.ids, ch.schedules, ch.fields
        left: dict[int, OutcomeRow] = {
            i: (rows[i], ids[i], schedules[i], "invalid", None, reason, 0) for i, reason in late_at}
        plan = upload_known.plan(self.run, rows, ids, schedules, known,
                                 skip_known=self.skip_known, reschedule=self.reschedule)
        for i, note in plan.skip.items():
            left.setdefault(i, note)
        for i in [i for i in plan.move if i in left]:  # too late to send: keep the old one
            del plan.move[i]
        moved: dict[int, tuple[str, str | None]] = {}
        if self.reschedule and was_in_flight:  # killed between a reschedule's delete and add
            gone = await self.jt.call(self._released, ids)
            moved = {i: (gone[c][1], gone[c][2]) for i, c in enumerate(ids)
                     if c in gone and i not in left and i not in plan.move}
        try:
            if plan.move:
                moved.update(await self._unschedule(ch, plan.move, left))
            if left:
                keep = [i for i in range(len(rows)) if i not in left]
                moved = {keep.index(i): v for i, v in moved.items()}
                rows = [rows[i] for i in keep]
                ids = [ids[i] for i in keep]
                schedules = [schedules[i] for i in keep]
                if fields is not None:
                    fields = {k: [v[i] for i in keep] for k, v in fields.items()}
            answer = await self.client.add_batch(self.campaign_id,
                                                 RecordBatch(ids, schedules, fields or {}))
        except TerminalError as exc:
            # Leave the chunk in_flight: part of it may have been taken before the refusal.
            # A wait cut by Ctrl-C is no refusal: the run is interrupted, not stopped.
            if self.stopped_by is None and not getattr(exc, "cut", False):
                self.stopped_by = exc
            self.stop.set()
            # Refused as a whole and never sent before: it took nothing (Decision 14).
            if not was_in_flight and not exc.maybe_taken and not plan.move:
                await self.jt.call(self._unmark, ch.chunk)
            return None
        early = sorted(left.values())
        fresh = not was_in_flight
        skipped = len(plan.skip)
        if answer.outcomes is None:  # all added by one request
            notes = [upload_known.moved_note(rows[i], ids[i], schedules[i], answer.attempts,
                                             *moved[i]) for i in sorted(moved)]
            return _Done(ch.chunk, sorted(early + notes), len(ids) - len(notes), answer.attempts,
                         0, fresh=fresh, skipped=skipped)
        outcomes = answer.outcomes
        notes, ok, ok_attempts, confirmed = classify(outcomes, rows, schedules, was_in_flight)
        for i in sorted(moved):
            if outcomes[i].http_status == 200:
                notes.append(upload_known.moved_note(rows[i], ids[i], schedules[i],
                                                     outcomes[i].attempts, *moved[i]))
                ok -= 1
        lost = sum(1 for n in notes if n[3] == LOST)
        return _Done(ch.chunk, sorted(early + notes), ok, ok_attempts or None,
                     confirmed, dead_reason(outcomes), fresh=fresh, skipped=skipped, lost=lost)

    async def _unschedule(self, ch: Chunk, move: dict[int, tuple[str, str | None]],
                          left: dict[int, OutcomeRow]) -> dict[int, tuple[str, str | None]]:
        """--reschedule, step 1: delete the earlier callbacks and journal that before the add.
        Returns the positions whose delete went through (204, or 404: already gone); the others
        get a note in `left` and keep their earlier callback."""
        order = sorted(move)
        answers = await asyncio.gather(
            *(self.client.delete_record(self.campaign_id, ch.ids[i]) for i in order))
        gone: dict[int, tuple[str, str | None]] = {}
        for i, o in zip(order, answers, strict=True):
            status = o.http_status
            if status is not None and (200 <= status < 300 or status == 404):
                gone[i] = move[i]
            else:
                left[i] = upload_known.not_moved_note(ch.rows[i], ch.ids[i], ch.schedules[i],
                                                      status, o.message, o.attempts, *move[i])
        if gone:
            await self.jt.call(self._release, [ch.ids[i] for i in gone])
        return gone
