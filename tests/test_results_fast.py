"""The byte-level fast paths over a stored chunk (results CSV lines, decoding) against plain code."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from bulk_loader import spec
from bulk_loader.journal import encode_records
from bulk_loader.reports import fast_lines

BASE = datetime(2026, 11, 27, tzinfo=UTC)
TIMES = st.one_of(st.none(), st.integers(0, 7 * 86_400_000).map(
    lambda ms: spec.iso_utc_ms(BASE + timedelta(milliseconds=ms))))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(2, 10**7), st.integers(1, 2**63 - 1), TIMES),
                min_size=1, max_size=30),
       st.sampled_from(["accepted", "deleted", "pending", "failed", "rejected", "null"]),
       st.sampled_from(["", "200", "204"]))
def test_fast_lines_equal_the_csv_module(records: list[tuple[int, int, str | None]],
                                         outcome: str, status: str) -> None:
    rows, ids, times = (list(x) for x in zip(*records, strict=True))
    stored = encode_records(rows, ids, times).encode()
    got = fast_lines(stored, f",{outcome},{status}".encode()).decode()
    want = io.StringIO()
    w = csv.writer(want, lineterminator="\n")
    for row, cid, when in records:
        w.writerow((row, cid, when or "", outcome, status, ""))
    assert got == want.getvalue()


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(2, 10**7), st.integers(1, 2**63 - 1), TIMES),
                max_size=30))
def test_stored_chunks_decode_to_what_was_stored(records: list[tuple[int, int, str | None]]) -> None:
    from bulk_loader.journal import make_chunk

    rows = [r[0] for r in records]
    ids = [r[1] for r in records]
    times = [r[2] for r in records]
    for stored in (encode_records(rows, ids, times), encode_records(rows, ids, times).encode()):
        ch = make_chunk(7, "pending", stored)
        assert (ch.rows, ch.ids, ch.schedules) == (rows, ids, times)
