"""The words of a report for a campaign manager: outcome groups, reasons in plain words, advice.

Outcome names live here once, in the order reports show them, each with its group (a success, not
a failure, a failure to fix, still open) and what it needs from the reader. An outcome this module
does not know yet (a new one from another part of the tool) is shown after the known ones, as
still open, never dropped and never counted as a success.

Reasons: the vendor's per-record messages (spec.py, verbatim) and the validator's are shown beside
a short phrase in plain words ("not in the CRM" for "The customer-id has not been found.").
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from bulk_loader import spec
from bulk_loader.states import FAILED_STATES

SUCCESS, NOT_A_FAILURE, FAILURE, OPEN = "success", "not a failure", "failure", "open"


@dataclass(frozen=True)
class OutcomeWords:
    name: str
    group: str
    needs: str


OUTCOMES: tuple[OutcomeWords, ...] = (
    OutcomeWords("accepted", SUCCESS, "nothing: the record is in the campaign"),
    OutcomeWords("deleted", SUCCESS, "nothing: the record was removed"),
    OutcomeWords("already-present", NOT_A_FAILURE,
                 "nothing: the record was already in the campaign before this run"),
    OutcomeWords("absent", NOT_A_FAILURE, "nothing: the record was not in the campaign"),
    OutcomeWords("rejected", FAILURE,
                 "look at the reason: fix the id or the date in the failures file and feed it "
                 "back (`bulk-loader upload FILE.failures.csv ...`)"),
    OutcomeWords("invalid", FAILURE,
                 "fix the cell named in the reason (id or date) and feed the failures file back"),
    OutcomeWords("failed", FAILURE,
                 "the server did not take it (errors, time-outs): re-run the same command later"),
    OutcomeWords("busy", OPEN, "being offered to an agent: re-run the delete later"),
    OutcomeWords("pending", OPEN, "not sent yet: re-run the same command to finish the run"),
    OutcomeWords("in_flight", OPEN,
                 "sent when the run stopped, answer unknown: re-run the same command"),
)
BY_NAME: Mapping[str, OutcomeWords] = {o.name: o for o in OUTCOMES}
ORDER = tuple(o.name for o in OUTCOMES)
# One definition of "failed" (states.py), behind the failures file and the report's sheet alike;
# the words above must file exactly those outcomes under FAILURE.
FAILURES: tuple[str, ...] = FAILED_STATES
if {o.name for o in OUTCOMES if o.group == FAILURE} != set(FAILED_STATES):
    raise AssertionError("reports/_words.py files other outcomes under FAILURE than FAILED_STATES")
OPEN_OUTCOMES = tuple(o.name for o in OUTCOMES if o.group == OPEN)


def words(outcome: str) -> OutcomeWords:
    return BY_NAME.get(outcome) or OutcomeWords(outcome, OPEN, "look at the message")


def ordered(counts: Mapping[str, int]) -> list[tuple[str, int]]:
    """Counts in the reports' order; unknown outcomes after the known ones, by name."""
    rank = {name: i for i, name in enumerate(ORDER)}
    return sorted(((k, n) for k, n in counts.items() if n),
                  key=lambda kv: (rank.get(kv[0], len(rank)), kv[0]))


_OUTSIDE = spec.MSG_OUTSIDE_SCHEDULE.split("{start}")[0]
_FEED = "and feed the failures file back"
_FIX_TIME = "fix the date and time in the failures file and feed it back"
_FIX_ID = "fix the customer id in the failures file and feed it back"
# (message prefix, plain words, what to do); first match wins.
PLAIN: tuple[tuple[str, str, str], ...] = (
    (spec.MSG_NOT_FOUND, "not in the CRM",
     f"add the customers to the Contact Center CRM (or correct the ids), then {_FEED[4:]}"),
    (spec.MSG_DUPLICATE, "already in the campaign", "nothing: the record is already there"),
    (spec.MSG_PAST, "call time already past", f"give a future call time {_FEED}"),
    (spec.MSG_TOO_FAR, "call time more than 7 days ahead",
     "send these again at most 7 days before their call time"),
    (_OUTSIDE, "call time outside the campaign's hours",
     f"move the call time inside the campaign's schedule {_FEED}"),
    (spec.MSG_BAD_ISO + ": a date needs", "date without a time of day", _FIX_TIME),
    (spec.MSG_BAD_ISO + ": a time needs", "time without a date", _FIX_TIME),
    (spec.MSG_BAD_ISO, "call time unreadable", _FIX_TIME),
    (spec.MSG_BAD_ID + ": the cell is empty", "customer id missing", _FIX_ID),
    (spec.MSG_BAD_ID, "customer id is not a number", _FIX_ID),
    ("duplicate of an earlier row", "same id twice in the file",
     "nothing: the first row was sent; remove the repeats from the source file"),
    ("duplicate of row", "same id twice in the file",
     "nothing: the first row was sent; remove the repeats from the source file"),
    ("schedule-date-time has no time zone", "call time without a time zone",
     "feed the failures file back with --timezone ZONE or --timezone-column NAME, or give the "
     "times an offset (the same file again needs --new-run: its run is finished)"),
    ("The campaign already holds the maximum", "campaign full",
     "remove records from the campaign (bulk-loader delete) before sending more"),
)
UNKNOWN_TODO = ("see the message: a server error clears by re-running the same command; "
                f"otherwise fix the row {_FEED}")


def _match(message: str | None) -> tuple[str, str]:
    text = message or ""
    for prefix, phrase, todo in PLAIN:
        if text.startswith(prefix):
            return phrase, todo
    return text or "(no message)", UNKNOWN_TODO


def plain(message: str | None) -> str:
    """A reason in plain words; the message itself when no phrase is known for it."""
    return _match(message)[0]


def reason_rows(reasons: Iterable[tuple[str, int]]) -> list[tuple[str, str, int]]:
    """(plain words, the message as given, count), for the top-reasons table."""
    return [(plain(message), message or "(no message)", n) for message, n in reasons]


def needs_rows(counts: Mapping[str, int],
               reasons: Iterable[tuple[str, int]] = ()) -> list[tuple[str, str, int]]:
    """(group, what it needs, records): each top reason of the failures, the failures beyond
    them, and every outcome that is neither a success nor a failure (already present, open)."""
    out: list[tuple[str, str, int]] = []
    merged: dict[str, list[Any]] = {}
    for message, n in reasons:
        phrase, todo = _match(message)
        merged.setdefault(phrase, [todo, 0])[1] += n
    for phrase, (todo, n) in merged.items():
        out.append((phrase, todo, n))
    rest = sum(n for name, n in counts.items() if words(name).group == FAILURE) - \
        sum(n for _, _, n in out)
    if rest > 0:
        out.append(("other failures" if out else "failures", UNKNOWN_TODO, rest))
    for name, n in ordered(counts):
        if words(name).group not in (SUCCESS, FAILURE):
            out.append((name, words(name).needs, n))
    return out
