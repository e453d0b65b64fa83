"""A v1 batch kept in columns (the upload's hot path) is the same batch as its V1Records: the same
body bytes, the same records when a refusal splits it."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bulk_loader.api.campaigns_v1.client import encode_batch
from bulk_loader.api.campaigns_v1.columns import RecordColumns
from bulk_loader.api.campaigns_v1.validate import V1Record

RECORD = st.tuples(
    st.text(min_size=1, max_size=32),
    st.none() | st.just("2026-12-20T10:00:00.000Z"),
    st.none() | st.sampled_from(["HIGH", "MEDIUM", "LOW"]),
    st.none() | st.integers(-(2**63), 2**63 - 1) | st.floats(allow_nan=False,
                                                             allow_infinity=False))


@settings(deadline=None)
@given(st.lists(RECORD, min_size=1, max_size=100), st.booleans())
def test_columns_encode_to_the_bytes_of_their_records(records: list[tuple[str, str | None,
                                                                          str | None,
                                                                          int | float | None]],
                                                      no_fields: bool) -> None:
    ids, schedules, priorities, ranks = (list(c) for c in zip(*records, strict=True))
    if no_fields:  # a chunk stored without priority and rank: the columns are absent
        priorities = ranks = [None] * len(ids)
    objects = [V1Record(*r) for r in zip(ids, schedules, priorities, ranks, strict=True)]
    columns = RecordColumns(ids, schedules, None if no_fields else priorities,
                            None if no_fields else ranks)
    assert encode_batch(columns) == encode_batch(objects)
    assert list(columns) == objects
    assert [columns[i] for i in range(len(columns))] == objects
    assert columns[1:3] == objects[1:3]


def test_number_ids_are_sent_as_their_text() -> None:
    columns = RecordColumns([10003629, "00123"])
    assert encode_batch(columns) == b'{"records":[{"crmRecordId":"10003629"},' \
                                    b'{"crmRecordId":"00123"}]}'


def test_a_column_of_another_length_is_refused() -> None:
    with pytest.raises(ValueError, match="^a column holds 1 values for 2 ids$"):
        RecordColumns(["a", "b"], ["2026-12-20T10:00:00.000Z"])
