"""CampaignClient against the simulator over real HTTP on 127.0.0.1."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bulk_loader import spec
from bulk_loader.api.vcc import CampaignClient, RetryPolicy, preflight
from bulk_loader.config import Credentials
from bulk_loader.errors import AuthError, CampaignNotFound, CampaignNotUsable
from tests.client_support import use_virtual_clock
from tests.simulator_fixture import RunningSimulator, running_simulator

FAST = RetryPolicy(max_attempts=8, base_delay=0.001, max_delay=0.01)
FIRST = 10_000_000


@asynccontextmanager
async def client(sim: RunningSimulator, virtual_clock: bool = False,
                 **kw: Any) -> AsyncIterator[CampaignClient]:
    kw.setdefault("retry", FAST)
    creds = kw.pop("credentials", sim.credentials)
    c = CampaignClient(sim.base_url, creds, **kw)
    c.waits = []  # type: ignore[attr-defined]
    if virtual_clock:
        use_virtual_clock(c)
    async with c:
        yield c


def iso(sim: RunningSimulator, delta: timedelta) -> str:
    return spec.iso_utc_ms(datetime.fromtimestamp(sim.now_ms() / 1000, UTC) + delta)


async def test_happy_path_and_records_land() -> None:
    with running_simulator() as sim:
        ids = list(range(FIRST, FIRST + 1000))
        sched = [iso(sim, timedelta(days=1)) if i % 2 else None for i in range(1000)]
        async with client(sim) as c:
            info = await preflight(c, 125)
            out = await c.add_records(125, ids, sched)
            after = await c.campaign_status(125)
        assert info.dynamic and info.enabled and info.timezone == "America/New_York"
        assert [o.customer_id for o in out] == ids
        assert {(o.http_status, o.message, o.attempts, o.resent) for o in out} == {
            (200, None, 1, False)}
        assert sim.records(125) == dict(zip(ids, sched, strict=True))
        assert after.record_count == 1000 and c.stats.requests == 3


async def test_every_per_record_outcome() -> None:
    with running_simulator() as sim:
        window = sim.window(126)
        assert window is not None
        cases: list[tuple[Any, str | None, int, str | None]] = [
            (FIRST + 1, None, 200, None),
            (FIRST + 2, iso(sim, timedelta(hours=2)), 200, None),
            (FIRST + 3, "2016-08-29T 09:00:00.000Z", 400, spec.MSG_BAD_ISO),
            (None, None, 400, spec.MSG_BAD_ID),
            (9, None, 404, spec.MSG_NOT_FOUND),
            (FIRST + 4, iso(sim, timedelta(hours=-1)), 400, spec.MSG_PAST),
            (FIRST + 5, iso(sim, timedelta(days=8)), 400, spec.MSG_TOO_FAR),
        ]
        async with client(sim) as c:
            out = await c.add_records(125, [x[0] for x in cases], [x[1] for x in cases])
            again = await c.add_records(125, [FIRST + 1])
            outside = await c.add_records(126, [FIRST + 6], [iso(sim, timedelta(days=5))])
        assert [(o.http_status, o.message) for o in out] == [(x[2], x[3]) for x in cases]
        assert again[0][1:3] == (400, spec.MSG_DUPLICATE)
        assert outside[0][1:3] == (400, spec.MSG_OUTSIDE_SCHEDULE.format(start=window[0],
                                                                         end=window[1]))


async def test_whole_request_errors() -> None:
    with running_simulator() as sim:
        bad = Credentials("demo", "wrong-action-token", "wrong-data-token")
        async with client(sim, credentials=bad) as c:
            with pytest.raises(AuthError, match=r"^the action token was refused \(HTTP 401\)"):
                await c.add_records(125, [FIRST])
            with pytest.raises(AuthError, match=r"^the data token was refused \(HTTP 401\)") as e:
                await c.campaign_status(125)
            assert "wrong" not in str(e.value)
        async with client(sim) as c:
            with pytest.raises(CampaignNotFound, match="campaign 999 was not found"):
                await c.add_records(999, [FIRST])
            with pytest.raises(CampaignNotFound):
                await preflight(c, 999)
            with pytest.raises(CampaignNotUsable, match="not a dynamic campaign"):
                await c.add_records(127, [FIRST])
            with pytest.raises(CampaignNotUsable, match='campaign 127 \\("Demo Static List"\\)'):
                await preflight(c, 127)
        assert sim.records(125) == {} and sim.records(127) == {}


async def test_413_is_split_until_chunks_fit() -> None:
    with running_simulator(max_chunk=10) as sim:
        ids = list(range(FIRST, FIRST + 25))
        async with client(sim) as c:
            out = await c.add_records(125, ids)
        assert all(o.http_status == 200 for o in out)
        assert set(sim.records(125)) == set(ids)
        assert c.stats.splits == 3  # 25 -> 12 + 13 -> 6 + 6 + 6 + 7
        assert sim.stats()["by_status"]["413"] == 3


async def test_429_and_503_honour_retry_after_and_throttle() -> None:
    with running_simulator(seed=3, fault_rate=0.3, fault_kinds=("429", "503"),
                           retry_after_s=2) as sim:
        ids = list(range(FIRST, FIRST + 2000))
        async with client(sim, virtual_clock=True, concurrency=4) as c:
            chunks = [ids[i:i + 100] for i in range(0, 2000, 100)]
            results = await asyncio.gather(*(c.add_records(125, ch) for ch in chunks))
        faults = sim.stats()["faults"]
        assert faults["429"] > 0 and faults["503"] > 0
        assert all(o.http_status == 200 for out in results for o in out)
        assert len(sim.records(125)) == 2000
        assert c.stats.throttled == faults["429"]
        assert c.stats.limit < 4  # halved, and recovery is slow
        assert c.waits and all(w >= 2.0 for w in c.waits)  # every wait honoured Retry-After


async def test_dropped_connections_and_server_errors_are_retried() -> None:
    with running_simulator(seed=5, fault_rate=0.3, fault_kinds=("drop", "500")) as sim:
        ids = list(range(FIRST, FIRST + 3000))
        async with client(sim) as c:
            chunks = [ids[i:i + 100] for i in range(0, 3000, 100)]
            results = await asyncio.gather(*(c.add_records(125, ch) for ch in chunks))
        assert all(o.http_status == 200 for out in results for o in out)
        assert len(sim.records(125)) == 3000
        assert c.stats.network_errors == sim.stats()["faults"]["drop"] > 0
        assert c.stats.server_errors == sim.stats()["faults"]["500"] > 0


async def test_answer_lost_after_commit_marks_duplicates_as_resent() -> None:
    with running_simulator(seed=2, drop_after_commit_rate=0.5) as sim:
        ids = list(range(FIRST, FIRST + 400))
        async with client(sim) as c:
            chunks = [ids[i:i + 50] for i in range(0, 400, 50)]
            results = [o for ch in chunks for o in await c.add_records(125, ch)]
        dups = [o for o in results if o.http_status == 400]
        assert dups and all(o.message == spec.MSG_DUPLICATE and o.resent for o in dups)
        assert all(o.http_status == 200 or o in dups for o in results)
        assert len(sim.records(125)) == 400


async def test_retries_run_out_as_failed_outcomes() -> None:
    with running_simulator(fault_rate=1.0, fault_kinds=("500",)) as sim:
        async with client(sim, retry=RetryPolicy(max_attempts=3, base_delay=0.001,
                                                 max_delay=0.001)) as c:
            out = await c.add_records(125, [FIRST, FIRST + 1])
        assert [o[1:] for o in out] == [
            (None, "the server answered HTTP 500 (Internal server error.)", 3, True, False)] * 2


async def test_delete_with_the_action_token() -> None:
    with running_simulator() as sim:
        async with client(sim) as c:
            await c.add_records(125, [FIRST, FIRST + 1])
            gone = await c.delete_record(125, FIRST)
            absent = await c.delete_record(125, FIRST + 7)
            with pytest.raises(CampaignNotFound):
                await c.delete_record(999, FIRST)
            with pytest.raises(CampaignNotUsable):
                await c.delete_record(127, FIRST)
        assert gone[1:3] == (204, None)
        assert absent[1] == 404 and absent[2] == "The customer has not been located."
        assert c.delete_token_kind == "action" and c.notices == []
        assert set(sim.records(125)) == {FIRST + 1}


async def test_delete_falls_back_to_the_data_token() -> None:
    with running_simulator(delete_token="data") as sim:
        notes: list[str] = []
        async with client(sim, on_notice=notes.append, concurrency=4) as c:
            await c.add_records(125, list(range(FIRST, FIRST + 20)))
            outs = await asyncio.gather(*(c.delete_record(125, FIRST + i) for i in range(20)))
        assert all(o.http_status == 204 for o in outs)
        assert sim.records(125) == {}
        assert c.delete_token_kind == "data"
        assert notes == ["DELETE accepted the data token; using it for the rest of the run"]
        # Each concurrent first wave may have tried the action token once; never more.
        assert sim.stats()["auth_failures"] <= 4


async def test_one_token_serves_every_call() -> None:
    with running_simulator(data_token="demo-action", delete_token="data") as sim:
        only = Credentials("demo", "demo-action", None)
        async with client(sim, credentials=only) as c:
            await c.campaign_status(125)
            await c.add_records(125, [FIRST])
            out = await c.delete_record(125, FIRST)
        assert out.http_status == 204 and c.notices == []


async def test_campaign_status_window_and_change() -> None:
    with running_simulator() as sim:
        async with client(sim) as c:
            info = await c.campaign_status(126)
            msg = await c.set_campaign_status(125, "PAUSED")
            paused = await c.campaign_status(125)
        w = sim.window(126)
        assert w is not None and info.window is not None
        assert (spec.iso_utc_ms(info.window[0]), spec.iso_utc_ms(info.window[1])) == w
        assert info.timezone == "Europe/London" and info.tzinfo is not None
        assert msg == spec.MSG_STATUS_CHANGED and paused.status_name == "Manual Paused"


async def test_iter_records_streams_100k() -> None:
    with running_simulator() as sim:
        n = 100_000
        async with client(sim, concurrency=4) as c:
            ids = list(range(FIRST, FIRST + n))
            outs = await asyncio.gather(*(c.add_records(125, ids[i:i + 5000])
                                          for i in range(0, n, 5000)))
            assert sum(o.http_status == 200 for out in outs for o in out) == n
            seen = 0
            first: dict[str, Any] = {}
            async for rec in c.iter_records(125):
                if not seen:
                    first = rec
                seen += 1
            empty = [r async for r in c.iter_records(126)]
        assert seen == n and empty == []
        assert set(first) >= {"campaign-id", "record-id", "status", "status-code",
                              "disposition-code", "phone-list"}
        assert first["campaign-id"] == 125


async def test_iter_records_retries_before_the_first_record() -> None:
    with running_simulator(seed=1, fault_rate=0.6, fault_kinds=("503", "drop", "500")) as sim:
        async with client(sim, virtual_clock=True) as c:
            await c.add_records(125, list(range(FIRST, FIRST + 50)))
            counts = [len([r async for r in c.iter_records(125)]) for _ in range(6)]
        assert counts == [50] * 6
        assert sim.stats()["by_route"]["view"] > 6  # some listings were retried


async def test_timeouts_are_retried_and_late_commits_read_as_resent() -> None:
    # "slow" answers after 400 ms, the client gives up after 150 ms; the server still stores
    # those records, so the retry may meet "Duplicate customer" -- flagged resent.
    with running_simulator(seed=4, fault_rate=0.3, fault_kinds=("slow",), slow_ms=400) as sim:
        ids = list(range(FIRST, FIRST + 600))
        async with client(sim, timeout=0.15) as c:
            outs = [o for i in range(0, 600, 100) for o in await c.add_records(125, ids[i:i + 100])]
        assert c.stats.network_errors > 0
        assert all(o.http_status == 200 or (o.message == spec.MSG_DUPLICATE and o.resent)
                   for o in outs)
        assert len(sim.records(125)) == 600


async def test_connection_refused_ends_as_failed_outcomes() -> None:
    with running_simulator() as sim:
        dead = sim.base_url  # the port is free again once the simulator stops
    async with CampaignClient(dead, Credentials("demo", "a", "d"),
                              retry=RetryPolicy(max_attempts=2, base_delay=0.001)) as c:
        out = await c.add_records(125, [FIRST])
    assert out[0].http_status is None and out[0].attempts == 2
    assert out[0].message == f"cannot connect to 127.0.0.1:{dead.rsplit(':', 1)[1]} (connection refused)"
    assert not out[0].resent  # never reached the server
