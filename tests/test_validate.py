"""The validator on hand-made batches: every reason, exactly as a user reads it."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from bulk_loader import spec
from bulk_loader.errors import InputFileError
from bulk_loader.model import Batch
from bulk_loader.readers import RowProblem
from bulk_loader.validation import (
    SeenIds,
    Validator,
    parse_id,
    parse_ids,
    reason_key,
    send_time_reason,
)

NOW = datetime(2030, 1, 1, 12, 0, tzinfo=UTC)


def batch(ids: list[Any], schedules: list[Any] | None = None, first_row: int = 2) -> Batch:
    rows = list(range(first_row, first_row + len(ids)))
    schedules = schedules if schedules is not None else [None] * len(ids)
    return Batch(rows, ids, schedules, [(i, s) for i, s in zip(ids, schedules, strict=True)])


def one(value: Any, schedule: Any = None, **kwargs: Any) -> tuple[list[Any], dict[int, str]]:
    v = Validator(now=lambda: NOW, **kwargs)
    out = v.validate(batch([value], [schedule]))
    return list(zip(out.ids, out.schedules, strict=True)), {b.row: b.reason for b in out.invalid}


@pytest.mark.parametrize("raw", ["10003629", " 10003629 ", "10003629.0", "1.0003629E7",
                                 "+10003629", "0010003629", 10003629, 10003629.0])
def test_accepted_ids(raw: Any) -> None:
    assert one(raw) == ([(10003629, None)], {})


@pytest.mark.parametrize(("raw", "reason"), [
    ("", "Invalid customer-id: the cell is empty"),
    ("   ", "Invalid customer-id: the cell is empty"),
    (None, "Invalid customer-id: the cell is empty"),
    ("0", "Invalid customer-id: must be a positive integer (got '0')"),
    ("-5", "Invalid customer-id: must be a positive integer (got '-5')"),
    ("10003629.5", "Invalid customer-id: must be a positive integer, not a number with a fractional part (got '10003629.5')"),
    ("10O3629", "Invalid customer-id: must be a positive integer (got '10O3629')"),
    ("1_000", "Invalid customer-id: must be a positive integer (got '1_000')"),
    ("١٢٣", "Invalid customer-id: must be a positive integer (got '١٢٣')"),
    ("1234567890123456789", "Invalid customer-id: more than 18 digits (got '1234567890123456789')"),
    ("1E30", "Invalid customer-id: more than 18 digits (got '1E30')"),
    ("nan", "Invalid customer-id: must be a positive integer (got 'nan')"),
    (True, "Invalid customer-id: must be a positive integer (got 'TRUE')"),
    (10003629.5, "Invalid customer-id: must be a positive integer, not a number with a fractional part (got '10003629.5')"),
    (-3, "Invalid customer-id: must be a positive integer (got '-3')"),
    (RowProblem("row has 4 fields"), "row has 4 fields"),
    ("x" * 60, "Invalid customer-id: must be a positive integer (got '" + "x" * 37 + "...')"),
])
def test_rejected_ids(raw: Any, reason: str) -> None:
    assert one(raw) == ([], {2: reason})


def test_id_fast_path_agrees_with_the_slow_one() -> None:
    raw = ["10003629", "20", "999999999999999999"]
    ids, bad = parse_ids(raw)
    assert ids.tolist() == [parse_id(r) for r in raw] and bad == {}
    ids, bad = parse_ids([*raw, "0"])
    assert bad == {3: "Invalid customer-id: must be a positive integer (got '0')"}


@pytest.mark.parametrize(("raw", "utc"), [
    ("2030-01-02T09:00:00.000Z", "2030-01-02T09:00:00.000Z"),
    ("2030-01-02T09:00:00Z", "2030-01-02T09:00:00.000Z"),
    ("2030-01-02T09:00Z", "2030-01-02T09:00:00.000Z"),
    ("2030-01-02 09:00:00.1234567+02:00", "2030-01-02T07:00:00.123Z"),
    ("2030-01-02T09:00:00-0530", "2030-01-02T14:30:00.000Z"),
    ("2030-01-02t09:00:00+01", "2030-01-02T08:00:00.000Z"),
    (" 2030-01-02T09:00:00,5z ", "2030-01-02T09:00:00.500Z"),
])
def test_accepted_schedules(raw: str, utc: str) -> None:
    assert one(10000001, raw) == ([(10000001, utc)], {})


def test_schedules_without_an_offset_use_the_time_zone() -> None:
    zone = ZoneInfo("America/New_York")
    assert one(10000001, "2030-01-02T09:00:00", timezone=zone)[0] == [
        (10000001, "2030-01-02T14:00:00.000Z")]
    assert one(10000001, datetime(2030, 1, 2, 9), timezone=zone)[0] == [
        (10000001, "2030-01-02T14:00:00.000Z")]
    assert one(10000001, date(2030, 1, 2), timezone=zone)[1] == {  # as a CSV date does
        2: "Invalid schedule-date-time format - please use ISO 8601 format: a date needs a time "
           "of day (got '2030-01-02')"}


BAD = "Invalid schedule-date-time format - please use ISO 8601 format"
NOT_ISO = (f"{BAD} such as 2026-12-01T14:30:00Z or 2026-12-01 14:30; for another layout name it "
           "with --date-format (strptime syntax, e.g. --date-format '%d/%m/%Y %H:%M')")
SERIAL = (f"{BAD}: this is an Excel date serial number (days since 1899-12-30, here "
          "2023-03-15 12:00), not a date-time; format the column in Excel as a date and time "
          "(yyyy-mm-dd hh:mm) or as Text, and export again")


@pytest.mark.parametrize(("raw", "reason"), [
    ("2016-08-29T 09:00:00.000Z", f"{NOT_ISO} (got '2016-08-29T 09:00:00.000Z')"),
    ("2030-01-02", f"{BAD}: a date needs a time of day (got '2030-01-02')"),
    ("2030-02-30T09:00:00Z", f"{BAD}: no such date or time (got '2030-02-30T09:00:00Z')"),
    ("2030-02-30", f"{BAD}: no such date or time (got '2030-02-30')"),
    ("2030-01-02T24:00:00Z", f"{BAD}: no such date or time (got '2030-01-02T24:00:00Z')"),
    ("2030-01-02T09:00:00+25:00", f"{BAD}: no such date or time (got '2030-01-02T09:00:00+25:00')"),
    ("tomorrow 9am", f"{NOT_ISO} (got 'tomorrow 9am')"),
    ("02/01/2030 09:00", f"{NOT_ISO} (got '02/01/2030 09:00')"),
    (45000.5, f"{SERIAL} (got '45000.5')"),
    ("45000.5", f"{SERIAL} (got '45000.5')"),
    ("2030-01-02T09:00:00", "schedule-date-time has no time zone: pass --timezone (an IANA name "
     "such as Europe/London) or write an offset such as Z (got '2030-01-02T09:00:00')"),
])
def test_rejected_schedules(raw: Any, reason: str) -> None:
    assert one(10000001, raw) == ([], {2: reason})


def test_a_time_in_the_dst_gap() -> None:
    v = Validator(now=lambda: datetime(2030, 3, 30, tzinfo=UTC), timezone=ZoneInfo("Europe/London"))
    out = v.validate(batch([10000001], ["2030-03-31T01:30:00"]))
    assert out.invalid[0].reason == ("schedule-date-time does not exist in Europe/London: the "
                                     "clocks go forward over it (got '2030-03-31T01:30:00')")


def at(delta: timedelta) -> str:
    from bulk_loader.validation import canonical

    return canonical(NOW + delta)


def test_windows_with_the_clock_skew_margin() -> None:
    minute, week = timedelta(minutes=1), timedelta(days=7)
    values = [at(-minute), at(timedelta(seconds=59)), at(timedelta(seconds=61)),
              at(week - timedelta(seconds=61)), at(week - timedelta(seconds=59)), at(week + minute)]
    v = Validator(now=lambda: NOW)
    out = v.validate(batch(list(range(10000001, 10000007)), values))
    assert {b.row: b.reason for b in out.invalid} == {
        2: f"{spec.MSG_PAST} (got '{values[0]}')",
        3: f"{spec.MSG_PAST} (got '{values[1]}')",
        6: f"{spec.MSG_TOO_FAR} (got '{values[4]}')",
        7: f"{spec.MSG_TOO_FAR} (got '{values[5]}')"}
    assert out.rows == [4, 5]
    no_skew = Validator(now=lambda: NOW, clock_skew=timedelta(0))
    assert no_skew.validate(batch([1, 2], values[1:3])).invalid == []


def test_campaign_window_uses_the_server_message() -> None:
    start, end = NOW + timedelta(days=1), NOW + timedelta(days=2)
    v = Validator(now=lambda: NOW, window=(start, end))
    inside, before = at(timedelta(days=1, hours=1)), at(timedelta(hours=3))
    out = v.validate(batch([1, 2], [inside, before]))
    assert [b.reason for b in out.invalid] == [
        "The subject schedule-date-time is outside the campaign schedule from "
        f"2030-01-02T12:00:00.000Z to 2030-01-03T12:00:00.000Z. (got '{before}')"]


def test_duplicates_name_the_first_valid_row() -> None:
    v = Validator(now=lambda: NOW)
    first = v.validate(batch(["7", "8", "0", "9"], first_row=2))
    assert first.rows == [2, 3, 5]
    second = v.validate(batch(["8", "5", "5", "9", "5"], first_row=6))
    assert {b.row: b.reason for b in second.invalid} == {
        6: "duplicate of row 3", 8: "duplicate of row 7", 9: "duplicate of row 5",
        10: "duplicate of row 7"}
    third = v.validate(batch(["5", "5"], first_row=20))
    assert [b.reason for b in third.invalid] == ["duplicate of row 7", "duplicate of row 7"]


def test_an_invalid_first_copy_does_not_make_a_duplicate() -> None:
    v = Validator(now=lambda: NOW)
    out = v.validate(batch(["7", "7"], ["2016-08-29T 09:00:00.000Z", None]))
    assert out.rows == [3] and len(out.invalid) == 1


def test_summary_and_cap() -> None:
    v = Validator(now=lambda: NOW, max_records=3)
    v.validate(batch(["1", "2", "x", "1"], [at(timedelta(hours=1)), None, None, None]))
    v.validate(batch(["3", "4"], first_row=10))
    s = v.summary()
    assert (s.rows, s.valid, s.invalid, s.with_schedule, s.without_schedule) == (6, 4, 2, 1, 3)
    assert dict(s.by_reason) == {"Invalid customer-id: must be a positive integer": 1,
                                 "duplicate of an earlier row": 1}
    assert v.over_cap
    with pytest.raises(InputFileError, match=r"^the file holds 4 valid records, more than the 3 "
                       "one upload may hold; split it into files of at most 3 records.$"):
        v.check_cap()


def test_send_time_reason() -> None:
    later = NOW + timedelta(days=3)
    assert send_time_reason(None, later) is None
    assert send_time_reason(at(timedelta(days=4)), later) is None
    assert send_time_reason(at(timedelta(days=1)), later) == spec.MSG_PAST
    assert send_time_reason(at(timedelta(days=3, seconds=30)), later) == spec.MSG_PAST
    assert send_time_reason(at(timedelta(days=11)), later) == spec.MSG_TOO_FAR


def test_reason_key() -> None:
    assert reason_key("duplicate of row 12") == "duplicate of an earlier row"
    assert reason_key(f"{spec.MSG_PAST} (got 'x')") == spec.MSG_PAST


def test_seen_ids_grows_and_matches_a_dict() -> None:
    rng = np.random.default_rng(7)
    table = SeenIds(bits=4, max_bits=13)
    model: dict[int, int] = {}
    row = 1
    for _ in range(60):
        ids = rng.integers(1, 3000, size=int(rng.integers(0, 120)), dtype=np.int64)
        rows = np.arange(row, row + len(ids), dtype=np.int64)
        row += len(ids)
        dup, first = table.add(ids, rows)
        for k, (i, r) in enumerate(zip(ids.tolist(), rows.tolist(), strict=True)):
            if i in model:
                assert dup[k] and first[k] == model[i]
            else:
                assert not dup[k]
                model[i] = r
    assert table.count == len(model)


def test_a_full_table_only_looks_up() -> None:
    table = SeenIds(bits=2, max_bits=3)  # 8 slots: full past 5 ids
    table.add(np.arange(1, 6, dtype=np.int64), np.arange(2, 7, dtype=np.int64))
    dup, first = table.add(np.array([3, 9, 9], np.int64), np.array([7, 8, 9], np.int64))
    assert table.full and dup.tolist() == [True, False, True] and first.tolist() == [4, 0, 8]
    dup, _ = table.add(np.array([9], np.int64), np.array([10], np.int64))
    assert dup.tolist() == [False]  # not recorded once full
