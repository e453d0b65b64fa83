"""View (records.json), delete, campaign status and its change; the lifecycle over time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import aiohttp
import ijson
import orjson

from bulk_loader import spec
from bulk_loader.simulator.lifecycle import OUTCOMES, mix, record_state
from bulk_loader.simulator.store import FIRST_RECORD_ID, NO_SCHEDULE
from tests.simulator_fixture import RunningSimulator, running_simulator

ADD = spec.ADD_PATH.format(campaign_id=125)
VIEW = spec.RECORDS_PATH.format(campaign_id=125)
FIELDS = {"campaign-name", "campaign-id", "record-id", "phone-list", "status", "status-code",
          "ext-trans-data", "disposition-code"}


async def view(sim: RunningSimulator, campaign: int = 125) -> list[dict[str, Any]]:
    status, body, headers = await sim.call(
        "GET", spec.RECORDS_PATH.format(campaign_id=campaign), token="data")
    assert status == 200 and headers["Content-Type"].startswith("application/json")
    return body["records"]["record"]


async def test_view_fields_and_codes(simulator: RunningSimulator) -> None:
    await simulator.call("POST", ADD, body=[{"customer-id": 10_000_000 + i} for i in range(50)])
    records = await view(simulator)
    assert len(records) == 50
    for rec in records:
        assert set(rec) == FIELDS
        assert rec["campaign-id"] == 125 and rec["campaign-name"] == "Demo Callbacks"
        assert rec["status"] in spec.RECORD_STATUS
        assert rec["status-code"] in spec.STATUS_CODE
        assert rec["disposition-code"] in spec.DISPOSITION_CODE
    assert [r["record-id"] for r in records] == list(range(FIRST_RECORD_ID, FIRST_RECORD_ID + 50))
    assert all(r["status"] == 0 for r in records)  # just added: New


async def test_view_of_empty_and_unknown_campaign(simulator: RunningSimulator) -> None:
    assert await view(simulator, 126) == []
    assert await view(simulator, 127) == []  # not dynamic: viewable, never filled
    status, body, _ = await simulator.call(
        "GET", spec.RECORDS_PATH.format(campaign_id=5), token="data")
    assert (status, body) == (404, {"message": "Campaign 5 not found."})


async def test_view_is_streamed_in_pieces_and_parses_as_a_stream() -> None:
    with running_simulator(view_piece=100, max_chunk=10_000) as sim:
        await sim.call("POST", ADD, body=[{"customer-id": 10_000_000 + i} for i in range(2_500)])
        await sim.call("DELETE", spec.DELETE_PATH.format(campaign_id=125, customer_id=10_000_007))
        async with aiohttp.ClientSession() as http, http.get(
                sim.url(VIEW), headers=sim.auth("data")) as resp:
            assert resp.headers.get("Transfer-Encoding") == "chunked"
            assert "Content-Length" not in resp.headers
            ids = [rec["record-id"] async for rec in
                   ijson.items_async(resp.content, "records.record.item")]
    assert len(ids) == 2_499 and FIRST_RECORD_ID + 7 not in ids


async def test_lifecycle_progresses_with_simulated_time() -> None:
    with running_simulator(seed=7, stage_seconds=10) as sim:
        later = spec.iso_utc_ms(datetime.now(UTC) + timedelta(hours=1))
        body = [{"customer-id": 10_000_000 + i} for i in range(300)]
        body.append({"customer-id": 11_000_000, "schedule-date-time": later})
        await sim.call("POST", ADD, body=body)
        seen = [[r["status"] for r in await view(sim)]]
        for _ in range(3):
            sim.advance(10)
            seen.append([r["status"] for r in await view(sim)])
        sim.advance(7200)
        final = await view(sim)
    assert set(seen[0][:300]) == {0} and seen[0][300] == 4  # New; the scheduled one waits
    # Statuses never go back, and over time records pass through Queued and Accepted.
    for before, after in zip(seen, seen[1:], strict=False):
        assert all(b <= a for b, a in zip(before[:300], after[:300], strict=True))
    assert {1, 2} <= set().union(*(set(s[:300]) for s in seen))
    assert {r["status"] for r in final} == {3}
    assert len({(r["status-code"], r["disposition-code"]) for r in final}) >= 4


async def test_lifecycle_is_deterministic_from_seed() -> None:
    async def final_view(seed: int) -> list[Any]:
        with running_simulator(seed=seed, stage_seconds=1) as sim:
            await sim.call("POST", ADD, body=[{"customer-id": 10_000_000 + i} for i in range(40)])
            sim.advance(60)
            return await view(sim)

    assert await final_view(3) == await final_view(3)
    assert await final_view(3) != await final_view(4)


def test_record_state_pure() -> None:
    h = mix(1, 10_000_000)
    assert record_state(h, 0, NO_SCHEDULE, 0, 1000) == (0, 0, 1000)
    assert record_state(h, 0, 5000, 4999, 1000) == (4, 0, 1000)
    assert record_state(h, 0, 5000, 5000, 1000)[0] == 0
    assert record_state(h, 0, NO_SCHEDULE, 10**9, 1000)[0] == 3
    assert OUTCOMES[-1][0] == 100


async def test_delete_then_404(simulator: RunningSimulator) -> None:
    await simulator.call("POST", ADD, body=[{"customer-id": 10_000_001}, {"customer-id": 10_000_002}])
    path = spec.DELETE_PATH.format(campaign_id=125, customer_id=10_000_001)
    status, body, _ = await simulator.call("DELETE", path)
    assert (status, body) == (204, None)
    assert simulator.records(125) == {10_000_002: None}
    status, body, _ = await simulator.call("DELETE", path)
    assert (status, body) == (404, {"message": "The customer has not been located."})
    for odd in ("abc", "5"):
        status, _, _ = await simulator.call(
            "DELETE", spec.DELETE_PATH.format(campaign_id=125, customer_id=odd))
        assert status == 404
    # Deleted, it can be added again (with a new record-id).
    status, answer, _ = await simulator.call("POST", ADD, body=[{"customer-id": 10_000_001}])
    assert answer[0]["http-status"] == 200
    assert simulator.stats()["records_deleted"] == 1


async def test_delete_on_non_dynamic_and_unknown_campaign(simulator: RunningSimulator) -> None:
    status, body, _ = await simulator.call(
        "DELETE", spec.DELETE_PATH.format(campaign_id=127, customer_id=10_000_001))
    assert (status, body) == (400, {"message": "This is not a dynamic campaign."})
    status, _, _ = await simulator.call(
        "DELETE", spec.DELETE_PATH.format(campaign_id=128, customer_id=10_000_001))
    assert status == 404


async def test_campaign_status(simulator: RunningSimulator) -> None:
    await simulator.call("POST", ADD, body=[{"customer-id": 10_000_001}])
    status, body, _ = await simulator.call(
        "GET", spec.CAMPAIGN_STATUS_PATH.format(campaign_id=125), token="data")
    assert status == 200
    assert body == {"campaign": {
        "campaign-name": "Demo Callbacks", "campaign-id": 125, "enabled": "Y", "status": 3,
        "no-of-records": 1, "start-time": "", "end-time": "", "timezone": "America/New_York",
        "dynamic-campaign": "Y", "sequential": "N"}}
    _, body, _ = await simulator.call(
        "GET", spec.CAMPAIGN_STATUS_PATH.format(campaign_id=126), token="data")
    assert (body["campaign"]["start-time"], body["campaign"]["end-time"]) == simulator.window(126)
    _, body, _ = await simulator.call(
        "GET", spec.CAMPAIGN_STATUS_PATH.format(campaign_id=127), token="data")
    assert body["campaign"]["dynamic-campaign"] == "N"


async def change(sim: RunningSimulator, payload: Any) -> tuple[int, Any]:
    status, body, _ = await sim.call("POST", spec.CAMPAIGN_CHANGE_PATH.format(campaign_id=125),
                                     body=payload)
    return status, body


async def campaign(sim: RunningSimulator) -> dict[str, Any]:
    _, body, _ = await sim.call("GET", spec.CAMPAIGN_STATUS_PATH.format(campaign_id=125),
                                token="data")
    return dict(body["campaign"])


async def test_campaign_status_change(simulator: RunningSimulator) -> None:
    await simulator.call("POST", ADD, body=[{"customer-id": 10_000_001}])
    ok = (200, {"message": "Campaign status changed."})
    assert await change(simulator, {"status": "PAUSED"}) == ok
    assert (await campaign(simulator))["status"] == 8
    assert await change(simulator, {"status": "PURGED"}) == ok
    assert (await campaign(simulator))["no-of-records"] == 0
    assert await change(simulator, {"status": "RUNNING"}) == ok
    assert await change(simulator, {"status": "STOPPED"}) == ok
    assert (await campaign(simulator))["status"] == 5
    assert await change(simulator, {"status": "RUNNING"}) == (
        400, {"message": "Campaign 125 is stopped; its status cannot change."})
    assert await change(simulator, {"status": "GO"}) == (
        400, {"message": "status must be one of RUNNING, PAUSED, PURGED, STOPPED."})
    assert orjson.dumps(await change(simulator, ["x"]))  # a 400, not a crash
