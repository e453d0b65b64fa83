"""Faults for rehearsal: each kind answers as documented, is counted, and leaves state alone."""

from __future__ import annotations

import aiohttp
import pytest

from bulk_loader import spec
from bulk_loader.simulator import SimulatorConfig
from bulk_loader.simulator.faults import FaultPlan
from tests.simulator_fixture import RunningSimulator, running_simulator

ADD = spec.ADD_PATH.format(campaign_id=125)
BODY = [{"customer-id": 10_000_001}, {"customer-id": 10_000_002}]


@pytest.mark.parametrize(("kind", "status", "retry_after"), [
    ("429", 429, "0"), ("503", 503, "0"), ("500", 500, None)])
async def test_status_faults_before_state(kind: str, status: int, retry_after: str | None) -> None:
    with running_simulator(fault_rate=1.0, fault_kinds=(kind,), retry_after_s=0) as sim:
        got, body, headers = await sim.call("POST", ADD, body=BODY)
        assert got == status and isinstance(body["message"], str)
        assert headers.get("Retry-After") == retry_after
        assert sim.records(125) == {}
        stats = sim.stats()
        assert stats["faults"][kind] == 1 and stats["faults_total"] == 1
        assert stats["by_status"][str(status)] == 1


async def test_dropped_connection_before_state() -> None:
    with running_simulator(fault_rate=1.0, fault_kinds=("drop",)) as sim:
        with pytest.raises(aiohttp.ServerDisconnectedError):
            await sim.call("POST", ADD, body=BODY)
        assert sim.records(125) == {}
        assert sim.stats()["faults"]["drop"] == 1


async def test_slow_answer_then_normal() -> None:
    with running_simulator(fault_rate=1.0, fault_kinds=("slow",), slow_ms=200) as sim:
        status, body, _ = await sim.call("POST", ADD, body=BODY)
        assert status == 207 and [a["http-status"] for a in body] == [200, 200]
        assert sim.stats()["faults"]["slow"] == 1


async def test_drop_after_commit_stores_then_loses_the_answer() -> None:
    with running_simulator(drop_after_commit_rate=1.0) as sim:
        with pytest.raises(aiohttp.ServerDisconnectedError):
            await sim.call("POST", ADD, body=BODY)
        assert sim.records(125) == {10_000_001: None, 10_000_002: None}
        assert sim.stats()["faults"]["drop_after_commit"] == 1
    with running_simulator(drop_after_commit_rate=0.5, seed=2) as sim:
        # The resend of a chunk whose answer was lost: `Duplicate customer` (Decision 7).
        for _ in range(20):
            try:
                status, body, _ = await sim.call("POST", ADD, body=BODY)
                break
            except aiohttp.ServerDisconnectedError:
                continue
        assert status == 207
        assert {a["message"] for a in body if a["http-status"] != 200} <= {spec.MSG_DUPLICATE}


async def test_nothing_added_drops_nothing_after_commit() -> None:
    with running_simulator(drop_after_commit_rate=1.0) as sim:
        status, body, _ = await sim.call("POST", ADD, body=[{"customer-id": 1}])
        assert status == 207 and body[0]["http-status"] == 404


async def test_fault_mix_is_seeded_and_counted() -> None:
    async def run(seed: int) -> list[int]:
        outcomes = []
        with running_simulator(fault_rate=0.5, seed=seed, retry_after_s=0, slow_ms=1,
                               fault_kinds=("429", "503", "500", "drop", "slow")) as sim:
            for _ in range(40):
                try:
                    # POST: aiohttp's client silently retries a dropped GET once.
                    status, _, _ = await sim.call("POST", ADD, body=[])
                except aiohttp.ServerDisconnectedError:
                    status = 0
                outcomes.append(status)
            stats = sim.stats()
        faults = stats["faults"]
        assert stats["faults_total"] == sum(faults.values())
        assert faults["429"] == outcomes.count(429) and faults["503"] == outcomes.count(503)
        assert faults["500"] == outcomes.count(500) and faults["drop"] == outcomes.count(0)
        assert stats["requests"] == 40
        return outcomes

    first = await run(11)
    assert first == await run(11)
    assert {429, 503, 500, 0, 207} <= set(first)


async def test_latency_answers_normally(simulator: RunningSimulator) -> None:
    with running_simulator(latency_ms=20, jitter_ms=10) as sim:
        status, _, _ = await sim.call("POST", ADD, body=BODY)
        assert status == 207


def test_latency_draws_stay_in_range() -> None:
    plan = FaultPlan(SimulatorConfig(latency_ms=100, jitter_ms=30, seed=5))
    draws = [plan.delay_s() for _ in range(500)]
    assert min(draws) >= 0.07 and max(draws) <= 0.13 and len(set(draws)) > 100
    assert FaultPlan(SimulatorConfig()).before() is None


def test_config_rejects_unknown_fault_kind() -> None:
    with pytest.raises(ValueError, match="unknown fault kinds"):
        SimulatorConfig(fault_kinds=("boom",))
