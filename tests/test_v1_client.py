"""The Campaigns API v1 client against the v1 simulator over real HTTP: per-record outcomes from
all-or-nothing batches, campaign-level stops, auth, retries."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Sequence
from functools import partial

import pytest

from bulk_loader.api import RetryPolicy
from bulk_loader.api.campaigns_v1 import (
    ApiKeyAuth,
    CampaignRefused,
    CampaignsV1Client,
    RecordResult,
    RequestRefused,
    V1Record,
    isolate,
    judge_add,
)
from bulk_loader.api.campaigns_v1.endpoint import base_url
from bulk_loader.api.campaigns_v1.isolate import Accepted, Failed, Named, Unnamed
from bulk_loader.api.vcc import Reply
from bulk_loader.errors import EXIT_CAMPAIGN, AuthError, CampaignNotFound, ConfigError, UsageError
from bulk_loader.simulator.campaigns_v1 import V1Campaign
from tests.simulator_v1_fixture import (
    READY_ID,
    RUNNING_ID,
    RunningV1Simulator,
    running_v1_simulator,
)

QUICK = RetryPolicy(max_attempts=8, base_delay=0.001, max_delay=0.01)
OTHER_ID = "44444444-4444-4444-8444-444444444444"


def client(sim: RunningV1Simulator, auth: ApiKeyAuth | None = None,
           retry: RetryPolicy = QUICK) -> CampaignsV1Client:
    return CampaignsV1Client("US1", auth or sim.auth, base_url=sim.base_url, concurrency=4,
                             retry=retry)


def adds(sim: RunningV1Simulator) -> int:
    return int(sim.stats()["by_route"].get("add", 0))


async def add_records(c: CampaignsV1Client, campaign: str,
                      records: Sequence[V1Record]) -> list[RecordResult]:
    """One result per record, as the service isolates a batch (no second path in the client)."""
    return await isolate(records, partial(c.add_batch, campaign))


async def send_all(c: CampaignsV1Client, campaign: str,
                   records: Sequence[V1Record]) -> list[RecordResult]:
    batches = [records[i:i + 100] for i in range(0, len(records), 100)]
    results = await asyncio.gather(*(add_records(c, campaign, b) for b in batches))
    return [r for batch in results for r in batch]


@pytest.mark.parametrize("duplicate_status", [409, 400])
async def test_five_ids_already_present_among_2000_cost_one_extra_request_each(
        duplicate_status: int) -> None:
    present = ["c-0007", "c-0450", "c-0451", "c-1234", "c-1999"]
    records = [V1Record(f"c-{i:04d}", priority="MEDIUM", rank=i) for i in range(2000)]
    with running_v1_simulator(duplicate_status=duplicate_status) as sim:
        async with client(sim) as c:
            await add_records(c, RUNNING_ID, [V1Record(i, priority="LOW") for i in present])
            before = adds(sim)
            results = await send_all(c, RUNNING_ID, records)
        assert adds(sim) - before == 20 + 5  # one request per batch, one more per present id
        by_id = {r.crm_id: res for r, res in zip(records, results, strict=True)}
        assert Counter(res.outcome for res in results) == {"accepted": 1995, "already-present": 5}
        for crm in present:
            res = by_id[crm]
            assert (res.outcome, res.status, res.resent) == (
                "already-present", duplicate_status, False)
            assert res.detail == f"Campaign already contains record for Id: {crm}"
        # The simulator names the first present id of a batch: c-0451 rides along once more.
        assert {crm: by_id[crm].requests for crm in present} == {
            "c-0007": 1, "c-0450": 1, "c-0451": 2, "c-1234": 1, "c-1999": 1}
        held = sim.records(RUNNING_ID)
        assert set(held) == {r.crm_id for r in records}
        assert held["c-0007"][0] == "LOW" and held["c-0008"][:2] == ("MEDIUM", 8)


@pytest.mark.parametrize("success_status", [200, 201])
async def test_both_success_codes_mean_accepted(success_status: int) -> None:
    with running_v1_simulator(success_status=success_status) as sim:
        async with client(sim) as c:
            results = await add_records(c, RUNNING_ID, [V1Record(f"s{i}") for i in range(100)])
        assert {(r.outcome, r.status, r.requests) for r in results} == {
            ("accepted", success_status, 1)}
        assert len(sim.records(RUNNING_ID)) == 100


async def test_a_record_only_the_server_refuses_is_taken_out_by_its_index() -> None:
    # The client sends what it is given: a 33-character id is refused by the server alone.
    records = [V1Record(f"ok-{i}") for i in range(100)]
    records[37] = V1Record("x" * 33)
    with running_v1_simulator() as sim:
        async with client(sim) as c:
            results = await add_records(c, RUNNING_ID, records)
        assert adds(sim) == 2  # refused once, resent at once without it
        bad = results[37]
        assert (bad.outcome, bad.status, bad.requests) == ("invalid", 400, 1)
        assert bad.detail == "crmRecordId: size must be between 1 and 32"
        assert Counter(r.outcome for r in results) == {"accepted": 99, "invalid": 1}
        assert len(sim.records(RUNNING_ID)) == 99


async def test_a_refusal_naming_no_record_is_halved_down_to_the_bad_one() -> None:
    records = [V1Record(f"h-{i}") for i in range(100)]
    records[61] = V1Record("h-61", schedule_at="2026-02-30T10:00:00Z")  # no such day
    with running_v1_simulator(indexed_field_errors=False) as sim:
        async with client(sim) as c:
            results = await add_records(c, RUNNING_ID, records)
        assert Counter(r.outcome for r in results) == {"accepted": 99, "invalid": 1}
        assert results[61].detail == "scheduleAt: must be an ISO 8601 date-time with an offset"
        # One request, then two per halving level on the bad record's side: 100 -> 1 is 7 levels.
        assert 1 + 2 * 6 <= adds(sim) <= 1 + 2 * 7
        assert set(sim.records(RUNNING_ID)) == {r.crm_id for r in records} - {"h-61"}


@pytest.mark.parametrize("campaign", [
    V1Campaign(OTHER_ID, "COMPLETE"), V1Campaign(OTHER_ID, "BUILDING"),
    V1Campaign(OTHER_ID, "RUNNING", enabled=False)], ids=["complete", "building", "disabled"])
async def test_a_campaign_that_refuses_records_stops_without_splitting(campaign: V1Campaign) -> None:
    with running_v1_simulator(campaigns={OTHER_ID: campaign}) as sim:
        async with client(sim) as c:
            with pytest.raises(CampaignRefused) as caught:
                await add_records(c, OTHER_ID, [V1Record(f"r{i}") for i in range(100)])
        assert adds(sim) == 1
        assert caught.value.status == 409 and caught.value.exit_code == EXIT_CAMPAIGN == 4
        assert str(caught.value).startswith(f"campaign {OTHER_ID} refuses records (HTTP 409: ")
        assert sim.records(OTHER_ID) == {}


async def test_a_static_campaign_is_a_campaign_level_stop_too() -> None:
    with running_v1_simulator(campaigns={OTHER_ID: V1Campaign(OTHER_ID, dynamic=False)}) as sim:
        async with client(sim) as c:
            with pytest.raises(CampaignRefused, match="Invalid Operation"):
                await add_records(c, OTHER_ID, [V1Record("a"), V1Record("b")])
        assert adds(sim) == 1


async def test_a_wrong_key_is_401_and_the_message_names_the_api_key_never_its_value() -> None:
    with running_v1_simulator() as sim:
        wrong = ApiKeyAuth("eght_secret_but_wrong_123", sim.config.tenant)
        async with client(sim, wrong) as c:
            with pytest.raises(AuthError) as caught:
                await add_records(c, RUNNING_ID, [V1Record("a")])
        message = str(caught.value)
        assert message.startswith("the API key was refused (HTTP 401")
        assert "BULK_LOADER_API_KEY" in message and "eght_secret" not in message
        assert "eght_secret" not in repr(wrong) and "eght_secret" not in str(wrong)
        assert adds(sim) == 1


async def test_a_key_without_the_product_is_403_saying_what_to_attach() -> None:
    with running_v1_simulator() as sim:
        auth = ApiKeyAuth(sim.config.no_product_key or "", sim.config.tenant)
        async with client(sim, auth) as c:
            with pytest.raises(AuthError, match="HTTP 403.*Contact Center Campaigns API product"):
                await c.change_state(RUNNING_ID, "PAUSE")
        assert sim.state_of(RUNNING_ID) == "RUNNING"


async def test_a_wrong_tenant_is_404_naming_site_and_tenant() -> None:
    with running_v1_simulator() as sim:
        async with client(sim, ApiKeyAuth(sim.config.api_key, "other")) as c:
            with pytest.raises(CampaignNotFound, match=r"site \(US1\) and the tenant"):
                await add_records(c, RUNNING_ID, [V1Record("a")])


async def test_a_fault_soak_leaves_the_campaign_exact_and_flags_possible_own_duplicates() -> None:
    records = [V1Record(f"f-{i}") for i in range(1000)]
    with running_v1_simulator(fault_rate=0.3, fault_kinds=("429", "503", "500", "drop"),
                              drop_after_commit_rate=0.2, retry_after_s=0, seed=5) as sim:
        async with client(sim, retry=RetryPolicy(max_attempts=30, base_delay=0.001,
                                                 max_delay=0.01)) as c:
            results = await send_all(c, RUNNING_ID, records)
        assert set(sim.records(RUNNING_ID)) == {r.crm_id for r in records}
        outcomes = Counter(r.outcome for r in results)
        assert set(outcomes) <= {"accepted", "already-present"}
        # Every "already present" comes from an answer lost after the server stored the batch:
        # the run's own record, which the caller's ownership rule turns into accepted.
        assert all(r.resent for r in results if r.outcome == "already-present")
        assert sim.stats()["faults"]["drop_after_commit"] > 0
        assert outcomes["already-present"] > 0


async def test_retries_that_run_out_leave_records_failed_not_lost() -> None:
    with running_v1_simulator(fault_rate=1.0, fault_kinds=("500",)) as sim:
        async with client(sim, retry=RetryPolicy(max_attempts=3, base_delay=0.001)) as c:
            results = await add_records(c, RUNNING_ID, [V1Record("a"), V1Record("b")])
            assert c.stats.requests == 3 and c.stats.server_errors == 3
        assert {(r.outcome, r.status, r.requests, r.resent) for r in results} == {
            ("failed", None, 1, True)}
        assert results[0].detail is not None and "HTTP 500" in results[0].detail


async def test_change_state_returns_the_campaign_and_a_409_names_action_and_state() -> None:
    with running_v1_simulator(transient_seconds=0) as sim:
        async with client(sim) as c:
            await add_records(c, READY_ID, [V1Record("a"), V1Record("b")])
            campaign = await c.change_state(READY_ID, "START")
            assert (campaign.state, campaign.display_status, campaign.record_count) == (
                "RUNNING", "Running", 2)
            assert campaign.record_counts == ({"type": "DYNAMIC", "state": "PENDING", "count": 2},)
            with pytest.raises(CampaignRefused) as caught:
                await c.change_state(READY_ID, "RESUME")
            assert str(caught.value) == (
                f"campaign {READY_ID} refused RESUME (HTTP 409: Conflict: Action RESUME is not "
                "valid for a campaign in state RUNNING)")
            with pytest.raises(UsageError, match="must be one of BUILD, RESET"):
                await c.change_state(READY_ID, "LAUNCH")


def test_the_base_url_comes_from_the_site_and_keeps_its_path_under_an_override() -> None:
    assert base_url("us2") == "https://api.8x8.com/cc/US2/campaigns/v1"
    assert base_url("UK3", "http://127.0.0.1:9000/") == "http://127.0.0.1:9000/cc/UK3/campaigns/v1"
    with pytest.raises(UsageError, match=r"^site must be one of US1, US2, UK3 \(got 'EU1'\)"):
        base_url("EU1")
    with pytest.raises(UsageError, match="must use https unless it points at this machine"):
        base_url("US1", "http://example.com")


def test_credentials_are_checked_without_showing_the_key() -> None:
    with pytest.raises(ConfigError, match="the API key must start with eght_") as caught:
        ApiKeyAuth("sk_live_abcdef", "acme")
    assert "sk_live" not in str(caught.value)
    with pytest.raises(ConfigError, match="no tenant is configured"):
        ApiKeyAuth("eght_x", " ")
    assert ApiKeyAuth("eght_abc", "acme").headers()["Content-Type"] == (
        "application/vnd.campaigns.v1+json")


def test_odd_answers_are_judged_safely() -> None:
    records = [V1Record("a"), V1Record("b")]
    no_array = judge_add(RUNNING_ID, records, Reply(200, b"{}", None), False, "US1")
    assert isinstance(no_array, Failed) and no_array.resent  # stored or not: unknown
    stranger = judge_add(RUNNING_ID, records, Reply(
        400, b'{"detail":"Campaign already contains record for Id: zz"}', None), False, "US1")
    assert isinstance(stranger, Unnamed)  # names an id not sent: halve instead
    html = judge_add(RUNNING_ID, records, Reply(400, b"<html>Bad</html>", None), False, "US1")
    assert isinstance(html, Unnamed) and html.detail == "<html>Bad</html>"
    other_2xx = judge_add(RUNNING_ID, records, Reply(202, b'{"records":[]}', None), False, "US1")
    assert other_2xx == Accepted(202, False)
    with pytest.raises(RequestRefused) as caught:
        judge_add(RUNNING_ID, records, Reply(415, b'{"title":"Unsupported Media Type","status":415,'
                  b'"detail":"nope","instance":"/cc/US1/x","time":"2026-04-22T10:30:00Z"}', None),
                  False, "US1")
    assert str(caught.value) == (
        "a batch of 2 records was refused (HTTP 415: Unsupported Media Type: nope); if it "
        "persists, quote instance /cc/US1/x, time 2026-04-22T10:30:00Z to 8x8 support")
    spaced = judge_add(RUNNING_ID, records, Reply(
        409, b'{"detail":"Campaign already contains record for Id: b "}', None), True, "US1")
    assert isinstance(spaced, Named) and spaced.picks[0].index == 1 and spaced.resent
