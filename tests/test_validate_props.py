"""Property tests (hypothesis) for id and date normalisation and for the duplicate table."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from zoneinfo import ZoneInfo

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from bulk_loader.validation import (
    ID_NOT_POSITIVE_INT,
    ID_TOO_LONG,
    ScheduleParser,
    SeenIds,
    canonical,
    parse_id,
    parse_ids,
)

IDS = st.integers(min_value=1, max_value=10**18 - 1)


@given(IDS, st.sampled_from(["{}", " {} ", "{}.0", "{}.000", "+{}", "00{}"]))
def test_every_spelling_of_an_id_is_that_id(n: int, spelling: str) -> None:
    assert parse_id(spelling.format(n)) == n


@given(IDS)
def test_exact_scientific_notation(n: int) -> None:
    assert parse_id(format(Decimal(n), "E")) == n  # e.g. 1.0003629E+7, all digits kept
    assert parse_id(n) == n


@given(st.integers(min_value=1, max_value=2**53))
def test_whole_floats(n: int) -> None:
    assert parse_id(float(n)) == n


@given(st.integers(max_value=0))
def test_zero_and_negatives(n: int) -> None:
    assert str(parse_id(str(n))).startswith(ID_NOT_POSITIVE_INT)


@given(st.integers(min_value=10**18, max_value=10**40))
def test_too_many_digits(n: int) -> None:
    assert str(parse_id(str(n))).startswith(ID_TOO_LONG)


@given(IDS, st.integers(min_value=1, max_value=9))
def test_fractions(n: int, tenth: int) -> None:
    assert str(parse_id(f"{n}.{tenth}")).startswith(ID_NOT_POSITIVE_INT)


@given(st.lists(st.one_of(IDS.map(str), IDS, st.text(max_size=6)), max_size=40))
def test_batch_path_equals_value_by_value(raw: list[object]) -> None:
    ids, bad = parse_ids(raw)
    for i, value in enumerate(raw):
        expected = parse_id(value)
        if isinstance(expected, int):
            assert ids[i] == expected and i not in bad
        else:
            assert bad[i] == expected


MOMENTS = st.datetimes(min_value=datetime(1900, 1, 2), max_value=datetime(2200, 1, 1)).map(
    lambda d: d.replace(microsecond=d.microsecond // 1000 * 1000))
OFFSETS = st.integers(min_value=-14 * 60, max_value=14 * 60).map(
    lambda m: timezone(timedelta(minutes=m)))


@given(MOMENTS, OFFSETS, st.sampled_from(["T", " "]))
def test_iso_with_an_offset_normalises_to_utc(moment: datetime, zone: timezone, sep: str) -> None:
    aware = moment.replace(tzinfo=zone)
    text = aware.isoformat(sep=sep, timespec="milliseconds")
    value, reason = ScheduleParser(None).parse(text)
    assert reason is None and value == canonical(aware)
    assert datetime.fromisoformat(value.replace("Z", "+00:00")) == aware


@given(MOMENTS)
def test_canonical_values_are_fixed_points(moment: datetime) -> None:
    text = canonical(moment.replace(tzinfo=UTC))
    assert ScheduleParser(None).parse(text) == (text, None)
    assert len(text) == 24 and text.endswith("Z")


@settings(max_examples=200)
@given(MOMENTS, st.sampled_from(["Europe/London", "America/New_York", "Asia/Kolkata", "UTC"]))
def test_naive_values_are_read_in_the_zone(moment: datetime, name: str) -> None:
    # Text has no fold: a repeated hour written out reads as its first occurrence (fold=0).
    moment = moment.replace(fold=0)
    zone = ZoneInfo(name)
    value, reason = ScheduleParser(zone).parse(moment.isoformat(timespec="milliseconds"))
    if reason is None:
        assert value == canonical(moment.replace(tzinfo=zone))
    else:
        assert "does not exist in" in reason  # only a daylight-saving gap may refuse it
        assert moment.replace(tzinfo=zone).astimezone(UTC).astimezone(zone).replace(
            tzinfo=None) != moment


@given(st.lists(st.lists(st.integers(min_value=1, max_value=60), max_size=25), max_size=12))
def test_seen_ids_matches_a_dict(batches: list[list[int]]) -> None:
    table = SeenIds(bits=3, max_bits=7)
    model: dict[int, int] = {}
    row = 2
    for ids in batches:
        dup, first = table.add(np.array(ids, np.int64),
                               np.arange(row, row + len(ids), dtype=np.int64))
        for k, value in enumerate(ids):
            if value in model:
                assert dup[k] and first[k] == model[value]
            else:
                assert not dup[k]
                model[value] = row + k
        row += len(ids)
