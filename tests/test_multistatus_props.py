"""Property tests (hypothesis) for matching a 207 answer to what was sent (docs/contract.md Decision 4).

`match_answer` is checked against a small reference written here: a dict keyed by customer-id,
built with a plain loop, so that matching is by id and never by position, whatever shape the
answer takes (in order, reordered, missing, unknown or duplicated entries, odd spellings).
"""

from __future__ import annotations

from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bulk_loader import spec
from bulk_loader.api import RecordOutcome
from bulk_loader.api.vcc import (
    all_added,
    match_answer,
    parse_multistatus,
)
from bulk_loader.errors import BadResponse

MESSAGES_400 = [
    spec.MSG_DUPLICATE,
    spec.MSG_BAD_ISO,
    spec.MSG_BAD_ID,
    spec.MSG_PAST,
    spec.MSG_OUTSIDE_SCHEDULE.format(start="09:00", end="17:00"),
    spec.MSG_TOO_FAR,
]
STATUSES = [200, 200, 200, 400, 404, 429, 500, 503]
UNTOUCHED = RecordOutcome(-1, -1, "untouched", -1)
ATTEMPTS, RESENT = 3, True


# -- the reference ------------------------------------------------------------------------------
def _ref_int(value: object) -> int | None:
    """A whole number as JSON may spell it: 7, 7.0, "7", " 7 " (ASCII digits). Not true/false."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        s = value.strip()
        if s and all(c in "0123456789" for c in s):
            return int(s)
    return None


def _ref_text(message: object) -> str | None:
    return message if message is None or isinstance(message, str) else str(message)


def reference(
    ids: list[int], positions: list[int], entries: list[Any]
) -> dict[int, set[RecordOutcome | None]]:
    """position -> the results the answer allows for it (None = send again). More than one only
    when the answer gives the same id twice with different contents."""
    answers: dict[int, set[tuple[int, str | None]]] = {}
    for entry in entries:
        if type(entry) is not dict:
            continue
        cid = _ref_int(entry.get("customer-id"))
        status = _ref_int(entry.get("http-status"))
        if cid is None or status is None:
            continue
        answers.setdefault(cid, set()).add((status, _ref_text(entry.get("message"))))
    allowed: dict[int, set[RecordOutcome | None]] = {}
    for i in positions:
        results: set[RecordOutcome | None] = set()
        for status, message in answers.get(ids[i], set()):
            if status == 429 or status >= 500:
                results.add(None)
            else:
                results.add(RecordOutcome(ids[i], status, message, ATTEMPTS, RESENT,
                                          message == spec.MSG_DUPLICATE))
        allowed[i] = results or {None}
    return allowed


def check(ids: list[int], positions: list[int] | range, entries: list[Any]) -> None:
    out: list[RecordOutcome | None] = [UNTOUCHED] * len(ids)
    again = match_answer(ids, positions, entries, ATTEMPTS, RESENT, out)
    allowed = reference(ids, list(positions), entries)
    if isinstance(positions, range) and all_added(ids, entries):
        # The client's no-objects shortcut may only claim what matching would conclude.
        assert all(allowed[i] == {RecordOutcome(ids[i], 200, None, ATTEMPTS, RESENT)}
                   for i in positions)
    for i in range(len(ids)):
        if i not in allowed:
            assert out[i] is UNTOUCHED, f"position {i} was not sent but was changed"
            continue
        got = out[i]
        assert got in allowed[i], f"position {i} (id {ids[i]}): got {got}, allowed {allowed[i]}"
        if got is not None:
            assert type(got) is RecordOutcome
            assert type(got.customer_id) is int and type(got.http_status) is int
    expected_again = [i for i in positions if out[i] is None]
    assert sorted(again) == expected_again and len(set(again)) == len(again)


# -- generated answers --------------------------------------------------------------------------
JUNK = st.one_of(
    st.none(), st.booleans(), st.integers(-5, 5), st.text(max_size=4),
    st.lists(st.integers(), max_size=2), st.just({}),
)


def id_spelling(cid: int) -> st.SearchStrategy[Any]:
    return st.sampled_from([cid, cid, cid, str(cid), f" {cid} ", f"00{cid}", float(cid)])


@st.composite
def entry_for(draw: st.DrawFn, cid: int) -> Any:
    status = draw(st.sampled_from(STATUSES))
    entry: dict[str, Any] = {"customer-id": draw(id_spelling(cid))}
    entry["http-status"] = draw(
        st.sampled_from([status, status, status, float(status), str(status)])
    )
    if status == 400:
        entry["message"] = draw(st.sampled_from(MESSAGES_400))
    elif status == 404:
        entry["message"] = spec.MSG_NOT_FOUND
    elif draw(st.integers(0, 4)) == 0:
        entry["message"] = draw(st.sampled_from([None, "", "Too many requests", 7]))
    return entry


@st.composite
def cases(draw: st.DrawFn) -> tuple[list[int], list[int] | range, list[Any]]:
    ids = draw(st.lists(st.integers(1, 60), min_size=1, max_size=50, unique=True))
    if draw(st.booleans()):
        positions: list[int] | range = range(len(ids))
    else:
        positions = sorted(draw(st.sets(st.sampled_from(range(len(ids))), min_size=1)))
    sent = [ids[i] for i in positions]
    entries: list[Any] = [
        draw(entry_for(cid)) for cid in sent if draw(st.integers(0, 9)) > 0  # ~10% missing
    ]
    if draw(st.booleans()):
        entries = list(draw(st.permutations(entries)))
    extras = draw(st.lists(st.one_of(
        st.integers(61, 99).flatmap(entry_for),  # an id never sent
        st.sampled_from(ids).flatmap(entry_for),  # an id sent (or in the chunk): a duplicate
        JUNK,  # not an object at all
        st.fixed_dictionaries({"customer-id": JUNK, "http-status": st.sampled_from(STATUSES)}),
        st.fixed_dictionaries({"customer-id": st.sampled_from(ids)}),  # no http-status
        st.fixed_dictionaries({"http-status": st.just(200)}),  # no customer-id
    ), max_size=4))
    for extra in extras:
        entries.insert(draw(st.integers(0, len(entries))), extra)
    return ids, positions, entries


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases())
def test_matches_reference(case: tuple[list[int], list[int] | range, list[Any]]) -> None:
    check(*case)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(1, 60), min_size=1, max_size=50, unique=True), st.data())
def test_in_order_answers_with_one_entry_spoiled(ids: list[int], data: st.DataObject) -> None:
    """The fast path's shape (all sent ids, in order, all 200) with one entry changed."""
    entries: list[Any] = [{"customer-id": c, "http-status": 200} for c in ids]
    k = data.draw(st.integers(0, len(ids) - 1))
    entries[k] = data.draw(st.one_of(
        JUNK,
        st.fixed_dictionaries({"customer-id": JUNK, "http-status": st.just(200)}),
        st.fixed_dictionaries({"customer-id": st.just(ids[k]), "http-status": JUNK}),
        st.integers(1, 99).map(lambda c: {"customer-id": c, "http-status": 200}),
    ))
    check(ids, range(len(ids)), entries)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(1, 10**12), min_size=1, max_size=50, unique=True), st.data())
def test_all_added_only_for_every_id_in_order_with_200(ids: list[int],
                                                       data: st.DataObject) -> None:
    entries: list[Any] = [{"customer-id": c, "http-status": 200} for c in ids]
    if data.draw(st.booleans()):
        entries[0]["message"] = None  # an explicit null message is no message
    assert all_added(ids, entries)
    k = data.draw(st.integers(0, len(ids) - 1))
    spoiled = data.draw(st.sampled_from(["status", "message", "id", "drop", "swap", "bool"]))
    if spoiled == "status":
        entries[k]["http-status"] = data.draw(st.sampled_from([201, 400, 409, 500, "200", None]))
    elif spoiled == "message":
        entries[k]["message"] = data.draw(st.sampled_from(["", "note", 0]))
    elif spoiled == "id":
        entries[k]["customer-id"] = data.draw(st.sampled_from([str(ids[k]), ids[k] + 10**13]))
    elif spoiled == "drop":
        del entries[k]
    elif spoiled == "bool" or len(ids) == 1:
        entries[k]["customer-id"] = True
    else:
        entries.reverse()  # two or more distinct ids: the order changes
    assert not all_added(ids, entries)


ODD_TEXT = st.one_of(
    st.text(max_size=3),
    st.text(st.characters(categories=["N", "Zs"]), min_size=1, max_size=3),  # e.g. "²", "٧"
)


@given(st.lists(st.integers(1, 10**12), min_size=1, max_size=20, unique=True),
       st.lists(ODD_TEXT, min_size=1, max_size=3))
def test_unreadable_ids_never_raise(ids: list[int], spellings: list[str]) -> None:
    """Entries that cannot be read are left out (index_entries), never an exception. Only that is
    checked: which non-ASCII digits count as digits is not part of the contract."""
    entries: list[Any] = [{"customer-id": s, "http-status": 200} for s in spellings]
    entries += [{"customer-id": c, "http-status": s} for c, s in zip(ids, spellings, strict=False)]
    out: list[RecordOutcome | None] = [UNTOUCHED] * len(ids)
    again = match_answer(ids, range(len(ids)), entries, ATTEMPTS, RESENT, out)
    assert sorted(again) == [i for i, o in enumerate(out) if o is None]
    assert UNTOUCHED not in out


@given(st.one_of(st.none(), st.booleans(), st.integers(-(2**63), 2**63 - 1), st.text(),
                 st.dictionaries(st.text(max_size=5), st.integers(-5, 5), max_size=3)))
def test_an_answer_that_is_not_an_array_is_a_failed_request(value: object) -> None:
    with pytest.raises(BadResponse):
        parse_multistatus(orjson.dumps(value))


@given(st.binary(max_size=20).filter(lambda b: not b.strip().startswith(b"[")))
def test_an_answer_that_is_not_json_is_a_failed_request(body: bytes) -> None:
    with pytest.raises(BadResponse):
        parse_multistatus(body)


# -- examples -----------------------------------------------------------------------------------
IDS = [101, 102, 103, 104, 105]


def _all_200(ids: list[int]) -> list[Any]:
    return [{"customer-id": c, "http-status": 200} for c in ids]


def test_in_order_all_200_is_all_added() -> None:
    out: list[RecordOutcome | None] = [None] * len(IDS)
    assert match_answer(IDS, range(len(IDS)), _all_200(IDS), 1, False, out) == []
    assert out == [RecordOutcome(c, 200, None, 1, False) for c in IDS]


def test_one_entry_missing_is_sent_again_not_accepted() -> None:
    out: list[RecordOutcome | None] = [None] * len(IDS)
    entries = _all_200(IDS)
    del entries[2]
    assert match_answer(IDS, range(len(IDS)), entries, 1, False, out) == [2]
    assert out[2] is None
    assert [o.customer_id for o in out if o is not None] == [101, 102, 104, 105]


def test_one_entry_replaced_by_an_unknown_id_is_sent_again() -> None:
    out: list[RecordOutcome | None] = [None] * len(IDS)
    entries = _all_200(IDS)
    entries[2] = {"customer-id": 999, "http-status": 200}
    assert match_answer(IDS, range(len(IDS)), entries, 1, False, out) == [2]
    assert out[2] is None


def test_reordered_answer_is_matched_by_id() -> None:
    out: list[RecordOutcome | None] = [None] * len(IDS)
    entries = _all_200(IDS)[::-1]
    entries[0] = {"customer-id": 105, "http-status": 400, "message": spec.MSG_DUPLICATE}
    assert match_answer(IDS, range(len(IDS)), entries, 2, True, out) == []
    assert out[4] == RecordOutcome(105, 400, spec.MSG_DUPLICATE, 2, True, duplicate=True)
    assert out[:4] == [RecordOutcome(c, 200, None, 2, True) for c in IDS[:4]]


def test_in_order_with_a_server_error_sends_that_one_again() -> None:
    out: list[RecordOutcome | None] = [None] * len(IDS)
    entries = _all_200(IDS)
    entries[1] = {"customer-id": 102, "http-status": 500}
    entries[3] = {"customer-id": 104, "http-status": 404, "message": spec.MSG_NOT_FOUND}
    assert match_answer(IDS, range(len(IDS)), entries, 1, False, out) == [1]
    assert out[1] is None
    assert out[3] == RecordOutcome(104, 404, spec.MSG_NOT_FOUND, 1, False)


def test_in_order_for_a_subset_of_positions() -> None:
    out: list[RecordOutcome | None] = [UNTOUCHED] * len(IDS)
    assert match_answer(IDS, [1, 3], _all_200([102, 104]), 1, False, out) == []
    assert out == [UNTOUCHED, RecordOutcome(102, 200, None, 1, False), UNTOUCHED,
                   RecordOutcome(104, 200, None, 1, False), UNTOUCHED]


def test_json_true_is_not_customer_id_1() -> None:
    """`true == 1` in Python, but true is not a customer-id: index_entries leaves such an entry
    out, so the in-order check must not accept it either."""
    for entries in ([{"customer-id": True, "http-status": 200}],
                    [{"customer-id": True, "http-status": 200}, {"customer-id": 7, "http-status": 1}]):
        check([1, 7][: len(entries)], range(len(entries)), entries)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.integers(1, 2**63 - 1), st.none(), st.booleans(),
                          st.text(max_size=4), st.sampled_from(["1,2", ",", '"', "[1]"]),
                          st.lists(st.integers(0, 9), max_size=3),
                          st.floats(allow_nan=False, allow_infinity=False)),
                max_size=20),
       st.data())
def test_build_body_is_byte_for_byte_the_plain_dicts(ids: list[Any], data: st.DataObject) -> None:
    """The comma-widening shortcut for ids-only bodies writes exactly what the dicts give."""
    from bulk_loader.api.vcc import build_body

    schedules = data.draw(st.one_of(
        st.none(),
        st.just([None] * len(ids)),
        st.lists(st.one_of(st.none(), st.just(""), st.just("2030-01-01T00:00:00.000Z")),
                 min_size=len(ids), max_size=len(ids))))
    positions = data.draw(st.one_of(st.none(), st.lists(st.integers(0, max(len(ids) - 1, 0)),
                                                         max_size=len(ids)).filter(lambda p: bool(ids) or not p)))
    chosen = range(len(ids)) if positions is None else positions
    want = orjson.dumps([
        {"customer-id": ids[i], "schedule-date-time": schedules[i]}
        if schedules is not None and schedules[i] else {"customer-id": ids[i]}
        for i in chosen])
    assert build_body(ids, schedules, positions) == want
