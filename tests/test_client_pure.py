"""The client's pure parts: retry timing, the adaptive limiter, body/answer codecs, campaign info."""

from __future__ import annotations

import asyncio
import random
from datetime import UTC, datetime, timedelta

import orjson
import pytest

from bulk_loader.api import AdaptiveLimiter, RecordOutcome, RetryPolicy, parse_retry_after
from bulk_loader.api.vcc import (
    build_body,
    index_entries,
    match_answer,
    parse_campaign,
    parse_multistatus,
    resolve_timezone,
)
from bulk_loader.errors import BadResponse


def test_backoff_full_jitter_bounds() -> None:
    p = RetryPolicy(base_delay=1.0, max_delay=8.0, rng=random.Random(3))
    for failures, ceiling in [(1, 1.0), (2, 2.0), (3, 4.0), (4, 8.0), (10, 8.0)]:
        draws = [p.backoff(failures) for _ in range(200)]
        assert all(0.0 <= d <= ceiling for d in draws)
        assert max(draws) > ceiling * 0.8  # really spread over the range
    assert p.delay(1, 30.0) == 30.0
    assert RetryPolicy(max_retry_after=5).delay(1, 3600) <= 5.0
    with pytest.raises(ValueError):
        RetryPolicy(max_attempts=0)


def test_parse_retry_after() -> None:
    now = datetime(2026, 1, 1, 12, 0, 0, tzinfo=UTC)
    assert parse_retry_after("120") == 120.0
    assert parse_retry_after(" 1.5 ") == 1.5
    assert parse_retry_after("Thu, 01 Jan 2026 12:00:30 GMT", now) == 30.0
    assert parse_retry_after("Thu, 01 Jan 2026 11:00:00 GMT", now) == 0.0
    assert parse_retry_after("-4") == 0.0
    for bad in (None, "", "soon", "nan"):
        assert parse_retry_after(bad) is None


async def test_limiter_caps_in_flight_and_halves_once_per_burst() -> None:
    lim = AdaptiveLimiter(4, recover_successes=2, recover_seconds=0.0)
    peak = 0

    async def work(throttle: bool) -> None:
        nonlocal peak
        async with lim.slot() as s:
            peak = max(peak, lim.stats.in_flight)
            await asyncio.sleep(0.01)
            if throttle:
                s.throttled()
            else:
                s.ok = True

    await asyncio.gather(*(work(False) for _ in range(12)))
    assert peak == 4 and lim.stats.in_flight == 0
    # Four 429s from requests sent in the same window count as one signal: 4 -> 2, not 4 -> 1.
    await asyncio.gather(*(work(True) for _ in range(4)))
    assert lim.limit == 2
    await asyncio.gather(*(work(True) for _ in range(2)))
    assert lim.limit == 1
    peak = 0
    await asyncio.gather(*(work(False) for _ in range(3)))
    assert peak == 1
    # Slow recovery: +1 per run of 2 successes, never above the configured 4.
    for _ in range(20):
        await work(False)
    assert lim.limit == 4


async def test_limiter_recovery_waits_for_time() -> None:
    lim = AdaptiveLimiter(2, recover_successes=1, recover_seconds=3600.0)
    async with lim.slot() as s:
        s.throttled()
    for _ in range(10):
        async with lim.slot() as s:
            s.ok = True
    assert lim.limit == 1


async def test_limiter_hold_delays_new_requests() -> None:
    lim = AdaptiveLimiter(2)
    now = [100.0]
    slept: list[float] = []

    async def fake_sleep(s: float) -> None:
        slept.append(s)
        now[0] += s

    lim._clock = lambda: now[0]
    lim._sleep = fake_sleep  # type: ignore[assignment]
    lim.hold(5.0)
    async with lim.slot():
        pass
    assert slept == [5.0]


async def test_limiter_cancelled_waiter_passes_its_place_on() -> None:
    lim = AdaptiveLimiter(1)
    gate = asyncio.Event()

    async def holder() -> None:
        async with lim.slot():
            await gate.wait()

    async def waiter() -> None:
        async with lim.slot():
            pass

    h = asyncio.create_task(holder())
    await asyncio.sleep(0)
    w1, w2 = asyncio.create_task(waiter()), asyncio.create_task(waiter())
    await asyncio.sleep(0)
    gate.set()
    w1.cancel()
    await asyncio.wait_for(asyncio.gather(h, w2), 2)
    assert lim.stats.in_flight == 0


def test_build_body() -> None:
    assert orjson.loads(build_body([1, 2], None, None)) == [{"customer-id": 1}, {"customer-id": 2}]
    body = build_body([1, 2, 3], ["2030-01-01T00:00:00.000Z", None, ""], [2, 0])
    assert orjson.loads(body) == [
        {"customer-id": 3},
        {"customer-id": 1, "schedule-date-time": "2030-01-01T00:00:00.000Z"},
    ]


def test_parse_multistatus_tolerates_odd_entries() -> None:
    body = orjson.dumps([
        {"customer-id": 1, "http-status": 200},
        {"customer-id": "2", "http-status": "400", "message": "Duplicate customer"},
        {"customer-id": None, "http-status": 400, "message": "Invalid customer-id"},
        {"http-status": 200},
        "junk",
        {"customer-id": 3, "http-status": 404, "message": 7},
    ])
    assert index_entries(parse_multistatus(body)) == {
        1: (200, None), 2: (400, "Duplicate customer"), None: (400, "Invalid customer-id"),
        3: (404, "7")}
    for bad in (b"{}", b"null", b"not json", b'"[]"'):
        with pytest.raises(BadResponse):
            parse_multistatus(bad)


def test_resolve_timezone() -> None:
    assert resolve_timezone("America/New_York") is not None
    est = resolve_timezone("EST5EST")
    assert est is not None and est.utcoffset(None) == timedelta(hours=-5)
    ist = resolve_timezone("IST-5:30")
    assert ist is not None and ist.utcoffset(None) == timedelta(hours=5, minutes=30)
    assert resolve_timezone("CST6CDT") is not None  # in the tz database
    assert resolve_timezone("XYZ6ABC") is None  # a DST rule we cannot know
    assert resolve_timezone("") is None and resolve_timezone("Not/AZone") is None


def test_parse_campaign_window_in_campaign_zone() -> None:
    body = orjson.dumps({"campaign": {
        "campaign-name": "W", "campaign-id": "9", "enabled": "N", "status": "4",
        "no-of-records": 0, "start-time": "2030-03-01T09:00:00", "end-time": "2030-03-04T09:00:00Z",
        "timezone": "Europe/London", "dynamic-campaign": "Y"}})
    info = parse_campaign(body, 9)
    assert info.campaign_id == 9 and info.dynamic is True and info.enabled is False
    assert info.status_name == "Schedule Running"
    assert info.start == datetime(2030, 3, 1, 9, tzinfo=UTC)  # London is UTC+0 in March
    assert info.window == (info.start, info.end)
    with pytest.raises(BadResponse):
        parse_campaign(b'{"campaign": {"start-time": "yesterday"}}', 9)
    with pytest.raises(BadResponse):
        parse_campaign(b"[]", 9)


def test_match_answer_in_order_reordered_and_odd() -> None:
    ids = [10, 11, 12, 13]
    in_order = [{"customer-id": c, "http-status": 200} for c in ids]
    in_order[2] = {"customer-id": 12, "http-status": 503}
    out: list[RecordOutcome | None] = [None] * 4
    assert match_answer(ids, range(4), in_order, 1, False, out) == [2]
    assert out[0] == (10, 200, None, 1, False, False) and out[2] is None
    # Same entries, other order, one swapped for an id never sent and one as a string.
    odd = [{"customer-id": "13", "http-status": 400, "message": "Duplicate customer"},
           {"customer-id": 99, "http-status": 200},
           {"customer-id": 10, "http-status": 200}, {"customer-id": 11, "http-status": "404"}]
    out = [RecordOutcome(0, 0, None, 0)] * 4  # stale values must not survive
    assert match_answer(ids, [0, 1, 2, 3], odd, 2, True, out) == [2]
    assert out == [(10, 200, None, 2, True, False), (11, 404, None, 2, True, False), None,
                   (13, 400, "Duplicate customer", 2, True, True)]
    out = [None] * 4
    assert match_answer(ids, [1, 3], [{"customer-id": 13, "http-status": 200},
                                      {"customer-id": 11, "http-status": 200}], 1, False, out) == []
    assert out == [None, (11, 200, None, 1, False, False), None, (13, 200, None, 1, False, False)]
