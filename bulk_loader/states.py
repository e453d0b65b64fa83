"""One vocabulary of states: runs, chunks and record outcomes, and the named sets of them.

The journal stores these words, the JSON summaries and reports print them, and `runs --state`
filters by them. They used to be bare strings and eight separate tuples in as many files, two of
which once disagreed on what "failed" means; every module now names its set here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final, Literal

# A run's life: loading -> sending -> completed | stopped | interrupted | declined | failed.
RunState = Literal["loading", "sending", "completed", "stopped", "interrupted", "declined", "failed"]
RUN_STATES: Final[tuple[RunState, ...]] = (
    "loading", "sending", "completed", "stopped", "interrupted", "declined", "failed")
FINISHED_RUN_STATES: Final[tuple[RunState, ...]] = ("completed", "failed")
STOP_STATES: Final[tuple[RunState, ...]] = ("stopped", "interrupted")
# Run states that stamp `finished_at`: the run no longer sends (it may be resumed later).
ENDED_RUN_STATES: Final[tuple[RunState, ...]] = ("completed", "failed", "stopped", "interrupted")

# A chunk not yet answered: never sent, or sent with no answer journaled (resent on resume).
ChunkState = Literal["pending", "in_flight"]
OPEN_CHUNK_STATES: Final[tuple[ChunkState, ...]] = ("pending", "in_flight")


def count_open(counts: Mapping[str, int]) -> int:
    """Records still to send (pending or in flight) in a run's per-state counts."""
    return sum(counts.get(s, 0) for s in OPEN_CHUNK_STATES)


# What happened to one record (the journal's outcomes, then the results and reports).
Outcome = Literal["accepted", "already-present", "rejected", "invalid", "failed",
                  "deleted", "absent", "busy", "left"]
ALREADY: Final = "already-present"
BUSY: Final = "busy"  # delete: the record is being offered to an agent; tried again later
LEFT: Final = "left"  # delete: an undo's record that is not that run's to delete, with the reason
# A row that needs a look: the failures file, the results' failed count, the report's sheet.
FAILED_STATES: Final[tuple[Outcome, ...]] = ("rejected", "invalid", "failed")
# An upload that is done with a record: the campaign took it.
DONE_UPLOAD_STATES: Final[tuple[Outcome, ...]] = ("accepted",)
# A delete that is done with a record: it is gone, or was not there.
DONE_DELETE_STATES: Final[tuple[Outcome, ...]] = ("deleted", "absent")
# A run of either kind is done with a record: the campaign answered it as the run wished.
DONE_STATES: Final[tuple[Outcome, ...]] = (*DONE_UPLOAD_STATES, *DONE_DELETE_STATES)
# What a delete run may take out of an upload: accepted (incl. confirmed on resume) is ours.
DELETABLE_STATES: Final[tuple[Outcome, ...]] = ("accepted", "already-present")
# What an upload's and a delete's summaries count, in their printed order.
UPLOAD_OUTCOMES: Final[tuple[str, ...]] = ("accepted", "rejected", "invalid", "failed", "pending")
DELETE_OUTCOMES: Final[tuple[str, ...]] = (
    "deleted", "absent", "busy", "left", "rejected", "invalid", "failed", "pending")
# The order in which `runs` lists a run's per-state counts (others follow, by name).
COUNTS_ORDER: Final[tuple[str, ...]] = (*DONE_STATES, *FAILED_STATES, *OPEN_CHUNK_STATES)
# What a period report charts per day for the uploads started that day: the campaign's answers
# (failed and pending records got none; a delete's records are counted apart).
DAY_OUTCOMES: Final[tuple[Outcome, ...]] = ("accepted", "already-present", "rejected", "invalid")

# How the isolation of an all-or-nothing batch (the Campaigns API v1,
# api/campaigns_v1/isolate.py) settles one record of an add: every one is an Outcome (a
# refused batch is taken apart until each refusal is a record's own: none is "rejected").
IsolatedOutcome = Literal["accepted", "already-present", "invalid", "failed"]
# What that service's refusal names a record as: in the campaign already, or its own fields.
PickedOutcome = Literal["already-present", "invalid"]
