"""State with `state_path`: a restarted simulator keeps every campaign's records and statuses."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from bulk_loader import spec
from bulk_loader.simulator.store import FIRST_RECORD_ID
from tests.simulator_fixture import RunningSimulator, running_simulator


def add_path(campaign: int) -> str:
    return spec.ADD_PATH.format(campaign_id=campaign)


async def record_ids(sim: RunningSimulator) -> list[int]:
    _, body, _ = await sim.call("GET", spec.RECORDS_PATH.format(campaign_id=125), token="data")
    return [r["record-id"] for r in body["records"]["record"]]


async def test_state_survives_restart(tmp_path: Path) -> None:
    state = tmp_path / "sim.sqlite"
    when = spec.iso_utc_ms(datetime.now(UTC) + timedelta(days=1))
    with running_simulator(state_path=state) as sim:
        await sim.call("POST", add_path(125), body=[{"customer-id": 10_000_000 + i}
                                                    for i in range(5)])
        await sim.call("POST", add_path(126), body=[{"customer-id": 12_000_000,
                                                     "schedule-date-time": when}])
        await sim.call("DELETE", spec.DELETE_PATH.format(campaign_id=125, customer_id=10_000_002))
        await sim.call("POST", spec.CAMPAIGN_CHANGE_PATH.format(campaign_id=126),
                       body={"status": "PAUSED"})
        before_125, before_126 = sim.records(125), sim.records(126)
        ids_before = await record_ids(sim)

    with running_simulator(state_path=state) as sim:
        assert sim.records(125) == before_125 and len(before_125) == 4
        assert sim.records(126) == before_126 == {12_000_000: when}
        assert await record_ids(sim) == ids_before
        _, body, _ = await sim.call("POST", add_path(125), body=[{"customer-id": 10_000_001},
                                                                 {"customer-id": 10_000_009}])
        assert [a["http-status"] for a in body] == [400, 200]
        assert (await record_ids(sim))[-1] == FIRST_RECORD_ID + 5  # the numbering continues
        _, camp, _ = await sim.call("GET", spec.CAMPAIGN_STATUS_PATH.format(campaign_id=126),
                                    token="data")
        assert camp["campaign"]["status"] == 8 and camp["campaign"]["no-of-records"] == 1


async def test_purge_is_persisted(tmp_path: Path) -> None:
    state = tmp_path / "sim.sqlite"
    with running_simulator(state_path=state) as sim:
        await sim.call("POST", add_path(125), body=[{"customer-id": 10_000_001}])
        await sim.call("POST", spec.CAMPAIGN_CHANGE_PATH.format(campaign_id=125),
                       body={"status": "PURGED"})
    with running_simulator(state_path=state) as sim:
        assert sim.records(125) == {}


async def test_in_memory_state_starts_empty() -> None:
    with running_simulator() as sim:
        await sim.call("POST", add_path(125), body=[{"customer-id": 10_000_001}])
    with running_simulator() as sim:
        assert sim.records(125) == {}
