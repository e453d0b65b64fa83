"""A chunk's records as the JSON text stored in chunk_records.records, for either API.

Legacy runs store `[[row, id, schedule], ...]` with integer ids: their values hold no brackets,
so deleting every bracket leaves one flat array (`row, id, schedule, row, ...`), half the cost of
decoding a thousand small arrays and transposing them (the sender's hot path).

Campaigns API v1 runs store string ids (1-32 characters, any text, so "00123" and "123" are two
records and a bracket may be part of an id) and, when the chunk has any, each record's priority
and rank, so that a resume resends identical records: `[[row, "id", schedule], ...]` or
`[[row, "id", schedule, priority, rank], ...]`. The format tells itself: a JSON string where the
first id sits. Those chunks are decoded as plain JSON.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import orjson

RECORD_FIELDS = ("priority", "rank")  # the v1 per-record fields, in stored order
Decoded = tuple[list[int], list[Any], list[str | None], dict[str, list[Any]] | None]


def encode_records(rows: Sequence[int], ids: Sequence[Any], schedules: Sequence[str | None],
                   fields: Mapping[str, Sequence[Any]] | None = None) -> str:
    """A chunk's records as stored. `fields` (v1: priority, rank) are kept only when a record of
    the chunk has one; results.fast_lines relies on legacy chunks holding ints and our own
    `...sssZ` text."""
    if fields and any(v is not None for name in RECORD_FIELDS for v in fields.get(name) or ()):
        n = len(rows)
        extra = [fields.get(name) or [None] * n for name in RECORD_FIELDS]
        return orjson.dumps(list(zip(rows, ids, schedules, *extra, strict=True))).decode()
    return orjson.dumps(list(zip(rows, ids, schedules, strict=True))).decode()


def text_ids(raw: bytes) -> bool:
    """Do these stored records carry string ids (a Campaigns API v1 run)?"""
    comma = raw.find(b",")
    return comma > 0 and raw[comma + 1:comma + 2] == b'"'


def decode_records(records: bytes | str) -> Decoded:
    """(rows, ids, schedules, fields or None) of a chunk's stored JSON."""
    raw = records if isinstance(records, bytes) else records.encode()
    if not text_ids(raw):
        flat = orjson.loads(b"[" + raw.translate(None, b"[]") + b"]")
        return flat[0::3], flat[1::3], flat[2::3], None
    recs = orjson.loads(raw)
    rows = [r[0] for r in recs]
    ids = [r[1] for r in recs]
    schedules = [r[2] for r in recs]
    if len(recs[0]) < 5:
        return rows, ids, schedules, None
    return rows, ids, schedules, {"priority": [r[3] for r in recs], "rank": [r[4] for r in recs]}
