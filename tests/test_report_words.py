"""report_words: outcome order and groups, reasons in plain words, what each group needs."""

from __future__ import annotations

from bulk_loader import spec
from bulk_loader.reports import UNKNOWN_TODO, needs_rows, ordered, plain


def test_outcomes_in_report_order_with_unknown_ones_last() -> None:
    counts = {"zzz-new": 1, "pending": 2, "accepted": 5, "already-present": 3, "rejected": 0}
    assert ordered(counts) == [("accepted", 5), ("already-present", 3), ("pending", 2),
                               ("zzz-new", 1)]


def test_plain_words_beside_the_vendor_messages() -> None:
    assert plain(spec.MSG_NOT_FOUND) == "not in the CRM"
    outside = spec.MSG_OUTSIDE_SCHEDULE.format(start="2026-11-30T09:00:00.000Z",
                                               end="2026-12-01T17:00:00.000Z")
    assert plain(outside) == "call time outside the campaign's hours"
    assert plain("duplicate of row 17") == "same id twice in the file"
    assert plain("HTTP 500: Internal server error.") == "HTTP 500: Internal server error."
    assert plain(None) == "(no message)"


def test_needs_by_reason_then_the_rest_and_open_outcomes() -> None:
    counts = {"accepted": 90, "rejected": 6, "failed": 2, "already-present": 4, "pending": 3}
    reasons = [(spec.MSG_PAST, 4), (spec.MSG_TOO_FAR, 1)]  # the top reasons: 5 of 8 failures
    assert needs_rows(counts, reasons) == [
        ("call time already past", "give a future call time and feed the failures file back", 4),
        ("call time more than 7 days ahead",
         "send these again at most 7 days before their call time", 1),
        ("other failures", UNKNOWN_TODO, 3),
        ("already-present", "nothing: the record was already in the campaign before this run",
         4),
        ("pending", "not sent yet: re-run the same command to finish the run", 3),
    ]
    assert needs_rows({"accepted": 9}) == []
