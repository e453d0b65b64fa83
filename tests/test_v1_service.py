"""The Campaigns API v1 as a CampaignService, against the v1 simulator over real HTTP: one
RecordOutcome per record from all-or-nothing batches, duplicates flagged, campaign-level stops."""

from __future__ import annotations

import asyncio
from collections import Counter

import pytest

from bulk_loader.api import AddResult, CampaignService, RecordBatch, RetryPolicy
from bulk_loader.api.campaigns_v1 import CampaignRefused, CampaignsV1Service
from bulk_loader.errors import EXIT_CAMPAIGN, AuthError, UsageError
from bulk_loader.simulator.campaigns_v1 import V1Campaign
from tests.simulator_v1_fixture import RUNNING_ID, RunningV1Simulator, running_v1_simulator

QUICK = RetryPolicy(max_attempts=8, base_delay=0.001, max_delay=0.01)
OTHER_ID = "44444444-4444-4444-8444-444444444444"


def service(sim: RunningV1Simulator) -> CampaignsV1Service:
    return CampaignsV1Service("US1", sim.auth, base_url=sim.base_url, concurrency=4, retry=QUICK)


def adds(sim: RunningV1Simulator) -> int:
    return int(sim.stats()["by_route"].get("add", 0))


def batch(ids: list[str]) -> RecordBatch:
    return RecordBatch(ids, [None] * len(ids), {"priority": ["LOW"] * len(ids),
                                                "rank": list(range(len(ids)))})


def test_the_service_declares_atomic_batches_of_100_without_view_or_delete() -> None:
    caps = CampaignsV1Service.capabilities
    assert (caps.name, caps.largest_batch, caps.atomic_batches, caps.can_view,
            caps.can_delete) == ("campaigns-v1", 100, True, False, False)
    assert caps.record_fields == {"priority", "rank"}


@pytest.mark.parametrize("success_status", [200, 201])
async def test_a_batch_accepted_at_once_has_no_per_record_outcomes(success_status: int) -> None:
    ids = [f"s{i:03d}" for i in range(100)]
    with running_v1_simulator(success_status=success_status) as sim:
        async with service(sim) as s:
            assert isinstance(s, CampaignService)
            result = await s.add_batch(RUNNING_ID, batch(ids))
        assert result == AddResult(1, False, None)
        held = sim.records(RUNNING_ID)
    assert set(held) == set(ids)
    assert held["s007"][:2] == ("LOW", 7)


@pytest.mark.parametrize("duplicate_status", [409, 400])
async def test_five_present_among_2000_are_duplicates_at_one_or_two_requests_each(
        duplicate_status: int) -> None:
    present = ["c-0007", "c-0450", "c-0451", "c-1234", "c-1999"]
    ids = [f"c-{i:04d}" for i in range(2000)]
    with running_v1_simulator(duplicate_status=duplicate_status) as sim:
        async with service(sim) as s:
            await s.add_batch(RUNNING_ID, RecordBatch(present))
            before = adds(sim)
            results = await asyncio.gather(*(s.add_batch(RUNNING_ID, batch(ids[i:i + 100]))
                                             for i in range(0, 2000, 100)))
        assert adds(sim) - before == 20 + 5
        outcomes = [o for r, lo in zip(results, range(0, 2000, 100), strict=True)
                    for o in r.expand(ids[lo:lo + 100])]
        assert [o.customer_id for o in outcomes] == ids
        dups = {o.customer_id: o for o in outcomes if o.duplicate}
        assert set(dups) == set(present)
        for crm, o in dups.items():
            assert (o.http_status, o.resent) == (duplicate_status, False)
            assert o.message == f"Campaign already contains record for Id: {crm}"
        assert Counter(o.http_status for o in outcomes if not o.duplicate) == {200: 1995}
        assert len(sim.records(RUNNING_ID)) == 2000


async def test_a_record_only_the_server_refuses_is_refused_with_the_vendors_words() -> None:
    ids = [f"ok-{i}" for i in range(100)]
    ids[37] = "x" * 33  # the service sends what it is given; the server alone refuses it
    with running_v1_simulator() as sim:
        async with service(sim) as s:
            result = await s.add_batch(RUNNING_ID, RecordBatch(ids))
        assert adds(sim) == 2
        assert result.outcomes is not None
        bad = result.outcomes[37]
        assert (bad.customer_id, bad.http_status, bad.duplicate) == ("x" * 33, 400, False)
        assert bad.message == "crmRecordId: size must be between 1 and 32"
        assert sum(1 for o in result.outcomes if o.http_status == 200) == 99
        assert len(sim.records(RUNNING_ID)) == 99


@pytest.mark.parametrize("campaign", [
    V1Campaign(OTHER_ID, "COMPLETE"), V1Campaign(OTHER_ID, "BUILDING"),
    V1Campaign(OTHER_ID, "RUNNING", enabled=False)], ids=["complete", "building", "disabled"])
async def test_a_campaign_that_refuses_records_raises_exit_4_and_splits_nothing(
        campaign: V1Campaign) -> None:
    with running_v1_simulator(campaigns={OTHER_ID: campaign}) as sim:
        async with service(sim) as s:
            with pytest.raises(CampaignRefused) as caught:
                await s.add_batch(OTHER_ID, RecordBatch([f"r{i}" for i in range(100)]))
        assert adds(sim) == 1
    assert caught.value.exit_code == EXIT_CAMPAIGN
    assert caught.value.maybe_taken is False


async def test_a_wrong_key_names_the_api_key_and_never_its_value() -> None:
    with running_v1_simulator() as sim:
        wrong = type(sim.auth)("eght_not_the_right_key", sim.auth.tenant)
        s = CampaignsV1Service("US1", wrong, base_url=sim.base_url, retry=QUICK)
        async with s:
            with pytest.raises(AuthError) as caught:
                await s.add_batch(RUNNING_ID, RecordBatch(["a"]))
    assert "the API key" in str(caught.value)
    assert "eght_not_the_right_key" not in str(caught.value)


async def test_delete_and_reads_are_refused_with_one_sentence() -> None:
    with running_v1_simulator() as sim:
        async with service(sim) as s:
            with pytest.raises(UsageError, match="no endpoint to delete a record"):
                await s.delete_record(RUNNING_ID, "a")
            with pytest.raises(UsageError, match="no endpoint to read a campaign"):
                await s.status(RUNNING_ID)
