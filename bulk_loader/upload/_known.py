"""An upload meets the campaign's earlier records (docs/contract.md Decision 14): `already-present`,
`--skip-known` and `--reschedule`.

- A "Duplicate customer" answer is this run's own record (accepted, confirmed on resume or on
  retry) only when this run's earlier request for it may have reached the server *and* the
  journal does not know another run as its holder. Every other duplicate is `already-present`,
  naming the earlier run when the journal knows it. `own_duplicates` settles that on the journal
  thread, just before the chunk's answer is written.
- `--skip-known`: ids the journal knows are in the campaign (added by an earlier run, not removed
  since) are not sent; they are reported already-present.
- `--reschedule`: a known id whose call time in the file differs from the one the journal holds
  is deleted, then added with the new time. The delete's outcome is journaled (holdings.release)
  before the add goes out, and the chunk is in_flight throughout, so a kill -9 between the two
  resumes with the add: the holder is then gone and the id is simply sent.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bulk_loader import spec
from bulk_loader.journal import Journal, OutcomeRow, Run, holdings
from bulk_loader.states import ALREADY

CONFIRMED_PREFIX = "Duplicate customer: accepted (confirmed on"
NOT_OURS = "Duplicate customer: already in the campaign, not added by this run"
Holders = dict[Any, tuple[int, str, str | None]]


def already_by(run_id: str) -> str:
    return f"Duplicate customer: already in the campaign, added by {run_id}"


def skipped_by(run_id: str) -> str:
    return f"already in the campaign, added by {run_id}: not sent (--skip-known)"


def own_duplicates(journal: Journal, run: Run, notes: list[OutcomeRow]) -> int:
    """Rewrite, in place, the duplicates of `notes` that another run of this journal holds as
    already-present naming that run; returns how many confirmed duplicates stay ours."""
    dups = [n for n in notes if n[5] == NOT_OURS or (n[3] == "accepted" and n[5] is not None
                                                     and n[5].startswith(CONFIRMED_PREFIX))]
    if not dups:
        return 0
    held = holdings.holders(journal.conn, journal.scope(run, own_too=False),
                           [n[1] for n in dups])
    confirmed = 0
    for i, n in enumerate(notes):
        if n not in dups:
            continue
        holder = held.get(n[1])
        if holder is not None and holder[0] != run.seq:
            notes[i] = (n[0], n[1], n[2], ALREADY, n[4], already_by(holder[1]), n[6])
        elif n[3] == "accepted":
            confirmed += 1
    return confirmed


@dataclass
class Plan:
    """What to do with a chunk's known ids before it is sent."""

    skip: dict[int, OutcomeRow] = field(default_factory=dict)  # position -> already-present
    move: dict[int, tuple[str, str | None]] = field(default_factory=dict)  # pos -> (run, old)


def plan(run: Run, rows: list[int], ids: list[Any], schedules: list[str | None],
         known: Holders, *, skip_known: bool, reschedule: bool) -> Plan:
    """Which positions --skip-known leaves out and which --reschedule moves."""
    out = Plan()
    if not known:  # the usual chunk: no per-record loop on the hot path
        return out
    for i, cid in enumerate(ids):
        holder = known.get(cid)
        if holder is None or holder[0] == run.seq:
            continue
        if reschedule and holder[2] != schedules[i]:
            out.move[i] = (holder[1], holder[2])
        elif skip_known:
            out.skip[i] = (rows[i], cid, schedules[i], ALREADY, None, skipped_by(holder[1]), 0)
    return out


def moved_note(row: int, cid: Any, schedule: str | None, attempts: int, earlier: str,
               old: str | None) -> OutcomeRow:
    when = old or "no call time"
    return (row, cid, schedule, "accepted", 200,
            f"rescheduled: the callback of {earlier} ({when}) was deleted and this one added",
            attempts)


def not_moved_note(row: int, cid: Any, schedule: str | None, status: int | None,
                   message: str | None, attempts: int, earlier: str,
                   old: str | None) -> OutcomeRow:
    """A reschedule whose delete did not go through: the earlier callback stays."""
    when = old or "no call time"
    if message == spec.MSG_DELETE_BUSY:
        why = "the customer is being offered to an agent (The customer is not available for " \
              "deletion.)"
    else:
        why = f"the delete of the earlier callback failed ({message or 'no answer'})"
    # This run is finished once answered, so the same command would say "already finished".
    text = (f"not rescheduled: {why}; the callback of {earlier} ({when}) stays; to move it, "
            "re-run later with --reschedule --new-run")
    return (row, cid, schedule, "failed" if status is None else "rejected", status, text,
            attempts)
