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

from bulk_loader import spec

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
FAILURES = tuple(o.name for o in OUTCOMES if o.group == FAILURE)
OPEN_OUTCOMES = tuple(o.name for o in OUTCOMES if o.group == OPEN)


def words(outcome: str) -> OutcomeWords:
    return BY_NAME.get(outcome) or OutcomeWords(outcome, OPEN, "look at the message")


def ordered(counts: Mapping[str, int]) -> list[tuple[str, int]]:
    """Counts in the reports' order; unknown outcomes after the known ones, by name."""
    rank = {name: i for i, name in enumerate(ORDER)}
    return sorted(((k, n) for k, n in counts.items() if n),
                  key=lambda kv: (rank.get(kv[0], len(rank)), kv[0]))


def needs_rows(counts: Mapping[str, int]) -> list[tuple[str, int, str]]:
    """(outcome, records, what it needs) for every outcome that is not a plain success."""
    return [(name, n, words(name).needs) for name, n in ordered(counts)
            if words(name).group != SUCCESS]


_OUTSIDE = spec.MSG_OUTSIDE_SCHEDULE.split("{start}")[0]
PLAIN: tuple[tuple[str, str], ...] = (  # (message prefix, plain words); first match wins
    (spec.MSG_NOT_FOUND, "not in the CRM"),
    (spec.MSG_DUPLICATE, "already in the campaign"),
    (spec.MSG_PAST, "call time already past"),
    (spec.MSG_TOO_FAR, "call time more than 7 days ahead"),
    (_OUTSIDE, "call time outside the campaign's hours"),
    (spec.MSG_BAD_ISO + ": a date needs", "date without a time of day"),
    (spec.MSG_BAD_ISO + ": a time needs", "time without a date"),
    (spec.MSG_BAD_ISO, "call time unreadable"),
    (spec.MSG_BAD_ID + ": the cell is empty", "customer id missing"),
    (spec.MSG_BAD_ID, "customer id is not a number"),
    ("duplicate of an earlier row", "same id twice in the file"),
    ("duplicate of row", "same id twice in the file"),
    ("schedule-date-time has no time zone", "call time without a time zone"),
    ("The campaign already holds the maximum", "campaign full"),
)


def plain(message: str | None) -> str:
    """A reason in plain words; the message itself when no phrase is known for it."""
    text = message or ""
    for prefix, phrase in PLAIN:
        if text.startswith(prefix):
            return phrase
    return text or "(no message)"


def reason_rows(reasons: Iterable[tuple[str, int]]) -> list[tuple[str, str, int]]:
    """(plain words, the message as given, count), for the top-reasons table."""
    return [(plain(message), message or "(no message)", n) for message, n in reasons]
