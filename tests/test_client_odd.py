"""Narrow odd-answer cases the simulator does not produce on demand.

A scripted aiohttp server on 127.0.0.1 plays each odd answer over real HTTP (aioresponses 0.7.9
cannot build responses for aiohttp 3.14). Everything ordinary is tested against the simulator
(test_client_http.py).
"""

from __future__ import annotations

import asyncio
import base64
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import orjson
import pytest
from aiohttp import web

from bulk_loader.api.vcc import CampaignClient, RetryPolicy, preflight
from bulk_loader.config import Credentials
from bulk_loader.errors import (
    AuthError,
    CampaignNotFound,
    CampaignNotUsable,
    ConnectionFailed,
    WaitTooLong,
)
from tests.client_support import serving, use_virtual_clock

CREDS = Credentials("demo", "secret-action-xyz", "secret-data-xyz")
FAST = RetryPolicy(max_attempts=4, base_delay=0.0, max_delay=0.0)
DATA_AUTH = "Basic " + base64.b64encode(b"demo:secret-data-xyz").decode()

Answer = tuple[int, bytes, dict[str, str]]
Handler = Callable[[str, str, bytes, Any], Answer]


@asynccontextmanager
async def scripted(handler: Handler) -> AsyncIterator[str]:
    """Serve `handler(method, path, body, headers) -> (status, body, headers)` on a free port."""

    async def route(request: web.Request) -> web.Response:
        body = await request.read()
        status, out, headers = handler(request.method, request.path, body, request.headers)
        return web.Response(status=status, body=out, headers=headers,
                            content_type="application/json")

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", route)
    async with serving(app) as base:
        yield base


def seq(*answers: tuple[Any, ...]) -> Handler:
    """Answer in turn; the last answer repeats. Each is (status, body[, headers])."""
    todo = list(answers)

    def handler(method: str, path: str, body: bytes, headers: Any) -> Answer:
        a = todo.pop(0) if len(todo) > 1 else todo[0]
        return (a[0], a[1], a[2] if len(a) > 2 else {})

    return handler


@asynccontextmanager
async def client(handler: Handler, **kw: Any) -> AsyncIterator[CampaignClient]:
    kw.setdefault("retry", FAST)
    async with scripted(handler) as base:
        c = CampaignClient(base, CREDS, **kw)
        use_virtual_clock(c)
        async with c:
            yield c


def ok_entries(records: list[dict[str, Any]]) -> bytes:
    return orjson.dumps([{"customer-id": r["customer-id"], "http-status": 200} for r in records])


async def test_207_out_of_order_with_missing_entry_retries_only_the_missing() -> None:
    calls: list[list[int]] = []

    def answer(method: str, path: str, body: bytes, headers: Any) -> Answer:
        recs = orjson.loads(body)
        calls.append([r["customer-id"] for r in recs])
        entries = [{"customer-id": r["customer-id"], "http-status": 200} for r in recs]
        if len(calls) == 1:
            entries.reverse()
            entries = [e for e in entries if e["customer-id"] != 10000002]
            entries[0] = {"customer-id": 10000003, "http-status": 400, "message": "Duplicate customer"}
        return 207, orjson.dumps(entries), {}

    async with client(answer) as c:
        out = await c.add_records(125, [10000001, 10000002, 10000003],
                                  [None, "2030-01-01T00:00:00.000Z", None])
    assert calls == [[10000001, 10000002, 10000003], [10000002]]
    assert [o.customer_id for o in out] == [10000001, 10000002, 10000003]
    assert [(o.http_status, o.message, o.attempts) for o in out] == [
        (200, None, 1), (200, None, 2), (400, "Duplicate customer", 1)]
    assert out[1].resent and not out[0].resent
    assert c.stats.bad_answers == 1 and c.stats.retries == 1


async def test_schedule_sent_only_when_set() -> None:
    bodies: list[Any] = []

    def answer(method: str, path: str, body: bytes, headers: Any) -> Answer:
        bodies.append(orjson.loads(body))
        assert path == "/api/tstats/campaigns/125/customers" and method == "POST"
        assert headers["Content-Type"] == "application/json"
        return 207, ok_entries(bodies[-1]), {}

    async with client(answer) as c:
        await c.add_records(125, [1, 2], ["2030-01-01T00:00:00.000Z", None])
    assert bodies == [[{"customer-id": 1, "schedule-date-time": "2030-01-01T00:00:00.000Z"},
                       {"customer-id": 2}]]


@pytest.mark.parametrize("body", [b'{"customer-id": 1, "http-status": 200}', b"<html>oops</html>", b""])
async def test_body_not_an_array_is_a_failed_attempt(body: bytes) -> None:
    async with client(seq((207, body), (207, b'[{"customer-id": 1, "http-status": 200}]'))) as c:
        out = await c.add_records(125, [1])
    assert out[0].http_status == 200 and out[0].attempts == 2 and out[0].resent
    assert c.stats.bad_answers == 1


async def test_add_chunk_makes_no_outcome_objects_when_all_were_added() -> None:
    ok = b'[{"customer-id": 1, "http-status": 200}, {"customer-id": 2, "http-status": 200}]'
    async with client(seq((207, ok))) as c:
        whole = await c.add_chunk(125, [1, 2])
    assert (whole.outcomes, whole.attempts, whole.resent) == (None, 1, False)
    assert whole.expand([1, 2]) == [(1, 200, None, 1, False, False),
                                    (2, 200, None, 1, False, False)]
    # A dropped answer, then all added: one object-free result that says it was resent.
    async with client(seq((207, b"<html>oops</html>"), (207, ok))) as c:
        again = await c.add_chunk(125, [1, 2])
    assert (again.outcomes, again.attempts, again.resent) == (None, 2, True)
    mixed = b'[{"customer-id": 1, "http-status": 200}, {"customer-id": 2, "http-status": 400,' \
            b' "message": "Duplicate customer"}]'
    async with client(seq((207, mixed))) as c:
        part = await c.add_chunk(125, [1, 2])
    assert part.outcomes == [(1, 200, None, 1, False, False),
                             (2, 400, "Duplicate customer", 1, False, True)]


async def test_retry_after_honoured_and_limit_halved() -> None:
    script = seq((429, b'{"message": "slow down"}', {"Retry-After": "7"}),
                 (503, b"", {"Retry-After": "3"}),
                 (207, b'[{"customer-id": 1, "http-status": 200}]'))
    async with client(script, concurrency=8) as c:
        out = await c.add_records(125, [1])
    assert c.waits == [7.0, 3.0]  # backoff is 0 here, so the waits are the server's
    assert out[0] == (1, 200, None, 3, False, False)  # 429/503 refuse before acting: not "resent"
    assert c.stats.throttled == 1 and c.stats.limit == 4


async def test_retry_after_over_the_cap_stops_instead_of_waiting() -> None:
    policy = RetryPolicy(max_attempts=3, base_delay=0, max_delay=0, max_retry_after=60)
    script = seq((429, b"", {"Retry-After": "86400"}), (207, b'[{"customer-id": 1, "http-status": 200}]'))
    async with client(script, retry=policy) as c:
        with pytest.raises(WaitTooLong, match="asked to wait 86,400 s .* more than the 60 s"):
            await c.add_records(125, [1])
    assert c.waits == []


async def test_retry_after_at_the_cap_is_waited() -> None:
    policy = RetryPolicy(max_attempts=3, base_delay=0, max_delay=0, max_retry_after=60)
    script = seq((429, b"", {"Retry-After": "60"}), (207, b'[{"customer-id": 1, "http-status": 200}]'))
    async with client(script, retry=policy) as c:
        await c.add_records(125, [1])
    assert c.waits == [60.0]


async def test_retries_exhausted_gives_failed_outcomes_with_last_error() -> None:
    async with client(seq((502, b'{"message": "bad gateway"}'))) as c:
        out = await c.add_records(125, [5, 6])
    assert [(o.http_status, o.attempts, o.resent) for o in out] == [(None, 4, True)] * 2
    assert out[0].message == "the server answered HTTP 502 (bad gateway)"
    assert c.stats.requests == 4 and c.stats.retries == 3


def bisecting_server(bad: set[int], status: int, max_len: int | None = None) -> Any:
    sizes: list[int] = []

    def answer(method: str, path: str, body: bytes, headers: Any) -> Answer:
        recs = orjson.loads(body)
        sizes.append(len(recs))
        ids = {r["customer-id"] for r in recs}
        if (ids & bad) or (max_len is not None and len(recs) > max_len):
            return status, orjson.dumps({"message": "request refused"}), {}
        return 207, ok_entries(recs), {}

    answer.sizes = sizes  # type: ignore[attr-defined]
    return answer


async def test_400_bisection_isolates_one_bad_record() -> None:
    ids = list(range(1000, 1016))
    server = bisecting_server({1011}, 400)
    async with client(server) as c:
        out = await c.add_records(125, ids)
    bad = [o for o in out if o.http_status != 200]
    assert bad == [(1011, 400, "request refused", 5, False, False)]  # 16, 8, 4, 2, 1
    assert [o.customer_id for o in out] == ids
    assert c.stats.splits == 4
    assert len(server.sizes) == 1 + 2 * 4


async def test_413_bisection_until_the_body_fits() -> None:
    server = bisecting_server(set(), 413, max_len=3)
    async with client(server) as c:
        out = await c.add_records(125, list(range(1, 11)))
    assert all(o.http_status == 200 for o in out)
    assert server.sizes[0] == 10 and max(server.sizes[1:]) <= 5


async def test_single_record_413_is_its_outcome() -> None:
    async with client(seq((413, b"Payload Too Large"))) as c:
        out = await c.add_records(125, [1, 2])
    assert [(o.http_status, o.message, o.attempts) for o in out] == [(413, "Payload Too Large", 2)] * 2


async def test_per_record_5xx_is_retried() -> None:
    script = seq((207, b'[{"customer-id": 1, "http-status": 500, "message": "x"},'
                       b'{"customer-id": 2, "http-status": 404, "message": "nf"}]'),
                 (207, b'[{"customer-id": 1, "http-status": 200}]'))
    async with client(script) as c:
        out = await c.add_records(125, [1, 2])
    assert out == [(1, 200, None, 2, True, False), (2, 404, "nf", 1, False, False)]


async def test_401_names_the_kind_never_the_token() -> None:
    async with client(seq((401, b""))) as c:
        with pytest.raises(AuthError) as err:
            await c.add_records(125, [1])
    assert str(err.value).startswith("the action token was refused (HTTP 401)")
    assert "secret" not in str(err.value)


async def test_404_for_the_campaign_and_not_dynamic_refusal() -> None:
    script = seq((404, b'{"message": "Campaign not found"}'),
                 (400, b'{"message": "Campaign 125 is not a dynamic campaign"}'))
    async with client(script) as c:
        with pytest.raises(CampaignNotFound):
            await c.add_records(125, [1])
        with pytest.raises(CampaignNotUsable):
            await c.add_records(125, [1])


async def test_delete_falls_back_to_data_token_once_and_keeps_it() -> None:
    used: list[str] = []

    def answer(method: str, path: str, body: bytes, headers: Any) -> Answer:
        auth = headers["Authorization"]
        used.append("data" if auth == DATA_AUTH else "action")
        return (204 if auth == DATA_AUTH else 401), b"", {}

    notes: list[str] = []
    async with client(answer, on_notice=notes.append) as c:
        first = await c.delete_record(125, 10000001)
        second = await c.delete_record(125, 10000002)
    assert used == ["action", "data", "data"]
    assert first.http_status == 204 and second.http_status == 204
    assert c.delete_token_kind == "data"
    assert notes == ["DELETE accepted the data token; using it for the rest of the run"]


async def test_delete_neither_token_accepted() -> None:
    async with client(seq((401, b""))) as c:
        with pytest.raises(AuthError, match="neither the action token nor the data token"):
            await c.delete_record(125, 1)


async def test_campaign_status_and_preflight() -> None:
    camp = {"campaign-name": "My Callbacks", "campaign-id": 6561, "enabled": "Y", "status": 3,
            "no-of-records": 18, "start-time": "", "end-time": "2030-01-02T03:04:05.000Z",
            "timezone": "EST5EST", "dynamic-campaign": "N", "sequential": "N"}
    async with client(seq((200, orjson.dumps({"campaign": camp})))) as c:
        info = await c.campaign_status(6561)
        with pytest.raises(CampaignNotUsable,
                           match='campaign 6561 \\("My Callbacks"\\) is not a dynamic'):
            await preflight(c, 6561)
    assert (info.dynamic, info.enabled, info.status_name, info.record_count) == (
        False, True, "Manual Running", 18)
    assert info.start is None and info.end is not None and info.end.utcoffset() is not None
    assert info.tzinfo is not None and info.tzinfo.utcoffset(None).total_seconds() == -5 * 3600


@asynccontextmanager
async def streaming(plays: list[str]) -> AsyncIterator[str]:
    """records.json answers in turn: 'busy' (503), 'cut' (one record, then the connection drops),
    'ok' (two records), 'junk' (not JSON)."""
    todo = list(plays)

    async def route(request: web.Request) -> web.StreamResponse:
        play = todo.pop(0)
        if play == "busy":
            return web.Response(status=503, headers={"Retry-After": "1"})
        resp = web.StreamResponse(status=200)
        await resp.prepare(request)
        if play == "junk":
            await resp.write(b"<html>maintenance</html>")
        elif play == "cut":
            await resp.write(b'{"records":{"record":[{"record-id":1},')
            await asyncio.sleep(0.05)
            assert request.transport is not None
            request.transport.close()
            return resp
        else:
            await resp.write(b'{"records":{"record":[{"record-id":1},')
            await resp.write(b'{"record-id":2, "x": 1.5}]}}')
        await resp.write_eof()
        return resp

    app = web.Application()
    app.router.add_get("/api/stats/campaigns/125/records.json", route)
    async with serving(app, shutdown_timeout=0.5) as base:
        yield base


async def test_iter_records_retries_until_the_first_record_only() -> None:
    async with streaming(["busy", "junk", "ok", "cut"]) as base, CampaignClient(
        base, CREDS, retry=FAST
    ) as c:
        c.limiter._sleep = c._sleep = _no_sleep  # type: ignore[method-assign]
        got = [r async for r in c.iter_records(125)]
        assert got == [{"record-id": 1}, {"record-id": 2, "x": 1.5}]
        assert c.stats.retries == 2
        seen = []
        with pytest.raises(ConnectionFailed):
            async for r in c.iter_records(125):
                seen.append(r)
        assert seen == [{"record-id": 1}]  # a failure after the first record is not retried


async def _no_sleep(s: float) -> None:
    await asyncio.sleep(0)
