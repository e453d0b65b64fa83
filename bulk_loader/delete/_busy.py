"""Busy deletes tried again (docs/contract.md Decision 13).

A record being offered to an agent refuses deletion ("The customer is not available for
deletion."); if the agent rejects the call it is queued again and can then be deleted. Such a
record is journaled `busy`, the delete run stays open (exit 3), and the next run of the same
command comes here first: it sends the DELETE again for the busy records only, in pages, and
writes each page's answers in one commit (holdings end with them). Records still busy stay busy.
A 404 now means the record is no longer in the campaign (the agent's call completed it, or an
earlier try of ours went through with its answer lost): `absent`, done either way.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence

from bulk_loader.api import CampaignService, RecordOutcome
from bulk_loader.delete._send import BUSY, GONE, classify
from bulk_loader.journal import (
    Journal,
    JournalThread,
    OutcomeRow,
    Record,
    Run,
    holdings,
    records_in_state,
)

PAGE = 250


def _page(journal: Journal, run: Run, after: int) -> list[Record]:
    """The next PAGE busy records after row `after`, in row order."""
    return records_in_state(journal, run, BUSY, after, PAGE)


def _note(rec: Record, o: RecordOutcome) -> OutcomeRow | None:
    """The record's new outcome row; None for a plain 204 (it takes its chunk's state)."""
    note = classify(o, rec.row, rec.schedule, False)
    if note is not None and note[3] == "deleted" and note[4] == 404:
        return (note[0], note[1], note[2], "absent", 404, "not in the campaign", note[6])
    return note


def _settle(journal: Journal, run: Run, page: Sequence[Record],
            notes: Sequence[OutcomeRow | None]) -> None:
    """One commit: the new outcome of each record, and the holdings that end."""
    rows: list[OutcomeRow] = []
    gone = []
    for rec, note in zip(page, notes, strict=True):
        if note is None:
            rows.append((rec.row, rec.customer_id, rec.schedule, None, 204, None, None))  # type: ignore[arg-type]
            gone.append(rec.customer_id)
            continue
        rows.append(note)
        if note[3] in GONE:
            gone.append(rec.customer_id)
    journal.settle_outcomes(run, rows)
    holdings.release(journal.conn, journal.scope(run), run.seq, gone)


async def retry_busy(jt: JournalThread, run: Run, client: CampaignService, campaign_id: int, *,
                     stop: asyncio.Event,
                     on_page: Callable[[int, Sequence[OutcomeRow]], None] | None = None) -> None:
    """Send the DELETE again for every busy record of `run`, until done or `stop` is set. A
    terminal API error propagates; the records not yet answered stay busy."""
    journal = jt.journal
    after = -(1 << 62)
    while not stop.is_set():
        page = await jt.call(_page, journal, run, after)
        if not page:
            return
        after = page[-1].row
        outcomes = await asyncio.gather(
            *(client.delete_record(campaign_id, rec.customer_id) for rec in page))
        notes = [_note(rec, o) for rec, o in zip(page, outcomes, strict=True)]
        await jt.call(_settle, journal, run, page, notes)
        if on_page is not None:
            on_page(len(page), [n for n in notes if n is not None])
