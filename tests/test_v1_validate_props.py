"""Local rules for the Campaigns API v1 (Decision 4), as properties; and whatever they accept, the
v1 simulator's own checks accept too."""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import orjson
from hypothesis import given, settings
from hypothesis import strategies as st

from bulk_loader.api.campaigns_v1.validate import (
    ID_EMPTY,
    ID_NOT_TEXT,
    ID_TOO_LONG,
    PRIORITY_BAD,
    RANK_BAD,
    RowRules,
    UniqueIds,
    V1Record,
    check_id,
    check_priority,
    check_rank,
)
from bulk_loader.simulator.campaigns_v1.rules import check_body
from bulk_loader.validation import canonical

SPACES = st.text(" \t", max_size=3)
EXCEL_SCIENTIFIC = re.compile(r"[0-9](?:\.[0-9]+)?E\+[0-9]{2,3}")  # refused: Excel's display
INNER = st.text(min_size=1, max_size=32).filter(
    lambda s: s.strip() == s and s != "" and not EXCEL_SCIENTIFIC.fullmatch(s))


@settings(deadline=None)
@given(INNER, SPACES, SPACES)
def test_an_id_of_1_to_32_characters_is_kept_trimmed(text: str, left: str, right: str) -> None:
    assert check_id(left + text + right) == (text, None)


@settings(deadline=None)
@given(st.text(min_size=33, max_size=80).filter(lambda s: len(s.strip()) > 32))
def test_a_longer_id_is_refused_saying_how_long(text: str) -> None:
    value, reason = check_id(text)
    assert value is None and reason is not None
    assert reason.startswith(f"{ID_TOO_LONG} (got {len(text.strip())}: ")


@settings(deadline=None)
@given(st.one_of(st.none(), SPACES))
def test_an_empty_id_is_refused(value: str | None) -> None:
    assert check_id(value) == (None, ID_EMPTY)


@settings(deadline=None)
@given(st.integers(-(10**31) + 1, 10**31))  # at most 32 characters
def test_a_number_cell_id_is_read_as_its_digits(number: int) -> None:
    assert check_id(number) == (str(number), None)
    if abs(number) < 2**53:
        assert check_id(float(number)) == (str(number), None)


@settings(deadline=None)
@given(st.floats().filter(lambda f: not (math.isfinite(f) and f.is_integer())))
def test_a_fractional_or_infinite_id_is_refused(number: float) -> None:
    value, reason = check_id(number)
    assert value is None and reason is not None and reason.startswith(ID_NOT_TEXT)


@settings(deadline=None)
@given(st.sampled_from(["HIGH", "MEDIUM", "LOW"]), st.data(), SPACES)
def test_priority_in_any_case_is_sent_upper_case(word: str, data: st.DataObject,
                                                 pad: str) -> None:
    mixed = "".join(c.lower() if data.draw(st.booleans()) else c for c in word)
    assert check_priority(pad + mixed + pad) == (word, None)


@settings(deadline=None)
@given(st.text(min_size=1).filter(lambda s: s.strip() and s.strip().upper() not in
                                  ("HIGH", "MEDIUM", "LOW")))
def test_any_other_priority_is_refused(text: str) -> None:
    value, reason = check_priority(text)
    assert value is None and reason is not None and reason.startswith(PRIORITY_BAD)


@settings(deadline=None)
@given(st.floats(allow_nan=False, allow_infinity=False))
def test_a_finite_rank_is_kept_as_the_same_number(number: float) -> None:
    for given_as in (number, repr(number)):
        value, reason = check_rank(given_as)
        assert reason is None and value == number


@settings(deadline=None)
@given(st.sampled_from([math.nan, math.inf, -math.inf, "nan", "inf", "1e999", "ten", True, "1_0"]))
def test_a_rank_that_is_not_a_finite_number_is_refused(value: object) -> None:
    number, reason = check_rank(value)
    assert number is None and reason is not None and reason.startswith(RANK_BAD)


@settings(deadline=None)
@given(st.datetimes(min_value=datetime(1980, 1, 1), max_value=datetime(2200, 1, 1),
                    timezones=st.timezones()))
def test_an_aware_time_is_sent_as_the_same_instant_in_utc_without_a_7_day_rule(
        when: datetime) -> None:
    value, reason = RowRules(None).schedule(when.isoformat())
    assert reason is None and value == canonical(when)


def test_a_naive_time_gets_the_zone_and_without_one_is_refused_naming_scheduleAt() -> None:
    far = datetime.now(UTC) + timedelta(days=20)  # no 7-day rule
    naive = far.replace(tzinfo=None).strftime("%Y-%m-%d %H:%M")
    zone = ZoneInfo("America/New_York")
    value, reason = RowRules(zone).schedule(naive)
    expected = datetime.strptime(naive, "%Y-%m-%d %H:%M").replace(tzinfo=zone)
    assert reason is None and value == canonical(expected)
    value, reason = RowRules(None).schedule(naive)
    assert value is None and reason is not None
    assert reason.startswith("scheduleAt has no time zone: pass --timezone")
    assert RowRules(None).schedule("2026-02-30T10:00Z")[1] == (
        "Invalid scheduleAt format - please use ISO 8601 format: no such date or time "
        "(got '2026-02-30T10:00Z')")


def test_a_row_lists_every_reason_it_is_invalid() -> None:
    assert RowRules(None).row(" ", "tomorrow", "urgent", "x") == [
        ID_EMPTY, "Invalid scheduleAt format - please use ISO 8601 format (got 'tomorrow')",
        "priority must be HIGH, MEDIUM or LOW (got 'urgent')", "rank must be a finite number (got 'x')"]
    assert RowRules(None).row(" A-1 ", "", "low", "2.0") == V1Record("A-1", None, "LOW", 2)


ROW = st.tuples(
    st.one_of(INNER, st.integers(0, 10**12)),
    st.one_of(st.just(""), st.datetimes(min_value=datetime(2000, 1, 1), timezones=st.timezones())
              .map(datetime.isoformat), st.datetimes(min_value=datetime(2000, 1, 1))),
    st.sampled_from(["", "high", "Medium", "LOW", None]),
    st.one_of(st.none(), st.floats(allow_nan=False, allow_infinity=False), st.integers(),
              st.integers(2**63, 10**400).map(str)),
)


@settings(max_examples=200, deadline=None)
@given(st.lists(ROW, min_size=1, max_size=20))
def test_what_the_local_rules_accept_the_simulator_accepts(rows: list[tuple]) -> None:
    rules = RowRules(ZoneInfo("Europe/London"))
    records, seen = [], set()
    for row in rows:
        record = rules.row(*row)
        if isinstance(record, V1Record) and record.crm_id not in seen:
            seen.add(record.crm_id)
            records.append(record.as_json())
    if records:  # through JSON, as the client sends them
        accepted, errors = check_body(orjson.loads(orjson.dumps({"records": records})))
        assert errors == [] and len(accepted) == len(records)


@settings(deadline=None)
@given(st.lists(st.lists(st.sampled_from(["a", "b", "c", "D", "e" * 32, "ü"]), max_size=12),
                max_size=4))
def test_unique_ids_name_the_first_row_across_batches(batches: list[list[str]]) -> None:
    unique, first_row, row = UniqueIds(), {}, 1
    for batch in batches:
        rows = list(range(row, row + len(batch)))
        for crm, r in zip(batch, rows, strict=True):
            first_row.setdefault(crm, r)
        # within a batch a later copy names the first copy of this batch
        expected = [first_row[crm] if first_row[crm] != r else None
                    for crm, r in zip(batch, rows, strict=True)]
        assert unique.first_rows(batch, rows) == expected
        row += len(batch)


@settings(deadline=None)
@given(st.integers(-(10**300), 10**300))
def test_any_whole_rank_can_be_sent_as_json(number: int) -> None:
    value, reason = check_rank(str(number))
    assert reason is None and value is not None
    assert orjson.loads(orjson.dumps({"rank": value}))["rank"] == value
    assert value == number if -(2**63) <= number < 2**63 else value == float(number)


def test_a_rank_beyond_the_largest_float_is_refused() -> None:
    assert check_rank(str(10**400))[1] == RANK_BAD + f" (got '{str(10**400)[:37]}...')"
