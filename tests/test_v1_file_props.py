"""The v1 file loop's validator (api/campaigns_v1/file.py V1Validator) agrees with the one-row
rules (validate.RowRules) on every row's verdict, values and reasons, whatever the batch holds; and among rows that pass, an
id seen before is a duplicate naming the first row that passed with it."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from bulk_loader.api.campaigns_v1 import RowRules, V1Record, V1Validator
from bulk_loader.model import Batch

IDS = st.one_of(st.none(), st.sampled_from(["A", " A ", "b", "CRM-1", "", "  ", "x" * 33]),
                st.integers(0, 5), st.floats(allow_nan=True, allow_infinity=True))
TIMES = st.one_of(st.none(), st.sampled_from(["", "2026-12-01 10:00", "2026-12-01T10:00:00Z",
                                              "2026-13-01T10:00:00Z", "soon",
                                              "2026-07-01T10:00:00+02:00"]))
PRIORITIES = st.one_of(st.none(), st.sampled_from(["", "high", "LOW", " Medium ", "urgent"]))
RANKS = st.one_of(st.none(), st.sampled_from(["", "1", "2.5", "nan", "1e999", "-3", "x"]),
                  st.integers(-5, 5), st.floats(allow_nan=True, allow_infinity=True),
                  st.booleans())  # True == 1 as a dict key: the verdicts must not mix them
ROWS = st.lists(st.tuples(IDS, TIMES, PRIORITIES, RANKS), max_size=30)
ZONE = ZoneInfo("Europe/London")


@settings(deadline=None, max_examples=200)
@given(ROWS)
def test_the_file_validator_agrees_with_the_row_rules(rows: list[tuple[object, ...]]) -> None:
    validator = V1Validator(ZONE)
    validator.priority_at, validator.rank_at = 2, 3
    numbers = list(range(2, len(rows) + 2))
    out = validator.validate(Batch(numbers, [r[0] for r in rows], [r[1] for r in rows],
                                   [list(r) for r in rows]))
    rules = RowRules(ZONE)
    expected: list[tuple[int, V1Record]] = []
    first: dict[str, int] = {}
    bad: dict[int, str] = {}
    for row, (crm_id, when, priority, rank) in zip(numbers, rows, strict=True):
        verdict = rules.row(crm_id, when, priority, rank)
        if isinstance(verdict, list):
            bad[row] = "; ".join(verdict)
        elif verdict.crm_id in first:
            bad[row] = f"duplicate of row {first[verdict.crm_id]}"
        else:
            first[verdict.crm_id] = row
            expected.append((row, verdict))
    got = [(row, V1Record(i, s, p, r)) for row, i, s, p, r in zip(
        out.rows, out.crm_ids, out.schedules, out.priorities, out.ranks, strict=True)]
    assert got == expected
    assert {b.row: b.reason for b in out.invalid}.keys() == bad.keys()
    for b in out.invalid:
        # The same reasons; the file loop's time reason adds the --date-format hint, as the
        # legacy `validate` does, so each row rule's reason is compared up to its first dash.
        for reason in bad[b.row].split("; "):
            assert reason.split(" (got ")[0].split(" - ")[0] in b.reason
    assert validator.summary().valid == len(expected)
    assert validator.summary().invalid == len(bad)
