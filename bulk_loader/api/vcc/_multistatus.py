"""The add-records exchange as data: the request body, and the 207 answer matched by customer-id
(docs/contract.md Decision 4). Pure logic, no I/O; hot path (one call per chunk), so kept lean.

An answer `Duplicate customer` sets `RecordOutcome.duplicate` (api/_service.py): the legacy
API's way of saying the campaign already holds the id; whose it is, upload decides.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import repeat
from operator import contains, itemgetter, methodcaller
from types import NoneType
from typing import Any

import orjson

from bulk_loader.api._service import RecordOutcome
from bulk_loader.errors import BadResponse
from bulk_loader.spec import MSG_DUPLICATE


def _ids_only(ids: Sequence[Any]) -> bytes:
    """`[{"customer-id":1},...]` byte for byte as orjson writes it from dicts, without a dict per
    record: the ids' own array with each comma widened (4x faster). Only where no id is text or
    a container, whose commas are not separators."""
    inner = orjson.dumps(ids if type(ids) is list else list(ids))[1:-1]
    if not inner or any(c in inner for c in (b'"', b"[", b"{")):
        return orjson.dumps([{"customer-id": c} for c in ids])
    return b'[{"customer-id":' + inner.replace(b",", b'},{"customer-id":') + b"}]"


def build_body(
    ids: Sequence[int], schedules: Sequence[str | None] | None, positions: Sequence[int] | None
) -> bytes:
    """The JSON array for the records at `positions` (None = all), `schedule-date-time` only if set."""
    if schedules is not None and not any(schedules):
        schedules = None  # a file without call times: the fast form below
    if positions is None:
        if schedules is None:
            return _ids_only(ids)
        return orjson.dumps(
            [
                {"customer-id": c, "schedule-date-time": s} if s else {"customer-id": c}
                for c, s in zip(ids, schedules, strict=True)
            ]
        )
    if schedules is None:
        return _ids_only([ids[i] for i in positions])
    return orjson.dumps(
        [
            {"customer-id": ids[i], "schedule-date-time": schedules[i]}
            if schedules[i]
            else {"customer-id": ids[i]}
            for i in positions
        ]
    )


def _as_int(value: object) -> int | None:
    if type(value) is int:
        return value
    if isinstance(value, str):
        text = value.strip()
        # isdigit() is true for "²" too, which int() refuses: ASCII decimals only.
        return int(text) if text.isascii() and text.isdecimal() else None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None


def parse_multistatus(body: bytes) -> list[Any]:
    """The 207 answer's entries; an answer that is not a JSON array raises BadResponse."""
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise BadResponse("the answer to a records request was not valid JSON") from exc
    if not isinstance(data, list):
        raise BadResponse(
            f"the answer to a records request was a JSON {type(data).__name__}, not an array"
        )
    return data


def index_entries(entries: list[Any]) -> dict[Any, tuple[int, str | None]]:
    """customer-id -> (http-status, message). Entries that cannot be read are left out, so the
    caller retries those records."""
    found: dict[Any, tuple[int, str | None]] = {}
    for entry in entries:
        if type(entry) is not dict:
            continue
        cid = entry.get("customer-id", ...)  # ... = absent, unlike an explicit null
        status = entry.get("http-status")
        if type(cid) is not int:
            # "123" -> 123; anything else is kept as sent back (null, "abc"), so that a record
            # the caller sent that way still finds its answer.
            as_int = _as_int(cid)
            if as_int is not None:
                cid = as_int
            elif type(cid) not in (str, NoneType):
                continue
        if type(status) is not int:
            status = _as_int(status)
        if status is None:
            continue
        found[cid] = (status, _text(entry.get("message")))
    return found


def _text(message: object) -> str | None:
    return message if message is None or type(message) is str else str(message)


def _retry_status(status: int) -> bool:
    """A per-record 429/5xx is the server's trouble, not the record's: send it again."""
    return status >= 500 or status == 429


_new = tuple.__new__  # RecordOutcome without its Python-level __new__: the hot loop's main cost
_CID = itemgetter("customer-id")
_STATUS = itemgetter("http-status")
_MESSAGE = methodcaller("get", "message")
_STR_OR_NONE = frozenset({str, NoneType})


def _in_order(
    sent: list[Any], entries: list[Any]
) -> tuple[list[Any], list[Any]] | None:
    """(statuses, messages) when the answer lists exactly the ids sent, in the order sent, else
    None. Whole-list passes in C (map/==/count) instead of a Python loop per entry."""
    try:
        cids = list(map(_CID, entries))
        # == alone would take JSON true for id 1: the types must be plain ints too.
        if cids != sent or set(map(type, cids)) != {int}:
            return None
        statuses = list(map(_STATUS, entries))
        if any(map(contains, entries, repeat("message"))):
            messages = list(map(_MESSAGE, entries))
        else:  # the usual answer: no entry carries a message (cheaper than reading each)
            messages = [None] * len(entries)
    except (LookupError, TypeError, AttributeError):  # an entry that is not a usable object
        return None
    return statuses, messages


def all_added(ids: list[Any], entries: list[Any]) -> bool:
    """Does the answer add every id sent, as the usual 207 does: the ids in the order sent, each
    200 with no message? Whole-list passes only, so an all-added chunk costs no per-record object."""
    return match_answer(ids, range(len(ids)), entries, 0, False, [None] * len(ids),
                        lazy=True) is None


def match_answer(
    ids: Sequence[Any],
    positions: Sequence[int],
    entries: list[Any],
    attempts: int,
    resent: bool,
    out: list[RecordOutcome | None],
    lazy: bool = False,
) -> list[int] | None:
    """Fill out[i] for each position the answer settles; return the positions to send again.

    Matched by customer-id (Decision 4). The fast path checks that the answer lists the same ids
    in the order sent (one list comparison); any other shape goes through a lookup by id.
    `lazy`: when every position was added (200, no message), return None and leave `out` alone.
    """
    n = len(positions)
    full = type(positions) is range and positions == range(len(ids))
    if len(entries) == n:
        sent = (ids if type(ids) is list else list(ids)) if full else [ids[i] for i in positions]
        found = _in_order(sent, entries)
        if found is not None:
            statuses, messages = found
            if statuses.count(200) == n and messages.count(None) == n:
                # The common case: all added. 200.0 counts as 200, as index_entries reads it.
                if lazy:
                    return None
                made = map(_new, repeat(RecordOutcome),
                           zip(sent, repeat(200), repeat(None), repeat(attempts), repeat(resent),
                               repeat(False)))
                if full:
                    out[:] = made
                else:
                    for i, o in zip(positions, made, strict=True):
                        out[i] = o
                return []
            if set(map(type, statuses)) == {int}:
                if not set(map(type, messages)) <= _STR_OR_NONE:
                    messages = [_text(m) for m in messages]
                missing: list[int] = []
                for i, cid, status, message in zip(positions, sent, statuses, messages, strict=True):
                    if _retry_status(status):
                        missing.append(i)
                        out[i] = None
                    else:
                        out[i] = _new(RecordOutcome, (cid, status, message, attempts, resent,
                                                      message == MSG_DUPLICATE))
                return missing
    get = index_entries(entries).get
    missing = []
    for i in positions:
        cid = ids[i]
        hit = get(cid)
        if hit is None or _retry_status(hit[0]):
            missing.append(i)
            out[i] = None
        else:
            out[i] = _new(RecordOutcome, (cid, hit[0], hit[1], attempts, resent,
                                          hit[1] == MSG_DUPLICATE))
    return missing
