"""The Campaigns API v1 simulator over real HTTP: headers, media type, batches, states, faults."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from bulk_loader.simulator.campaigns_v1 import V1Campaign
from tests.simulator_v1_fixture import READY_ID, RUNNING_ID, running_v1_simulator

BUILDING_ID = "11111111-1111-4111-8111-111111111111"
DISABLED_ID = "22222222-2222-4222-8222-222222222222"
STATIC_ID = "33333333-3333-4333-8333-333333333333"


def recs(*ids: str, **fields: Any) -> dict[str, Any]:
    return {"records": [{"crmRecordId": i, **fields} for i in ids]}


def problem_fields(body: dict[str, Any]) -> set[str]:
    return set(body) - {"errors", "isDynamic"}


async def test_an_added_batch_answers_each_record_with_its_fields() -> None:
    with running_v1_simulator() as sim:
        status, body, headers = await sim.call("POST", sim.url(RUNNING_ID) + "/records", body={
            "records": [{"crmRecordId": "CRM-1", "priority": "LOW", "rank": 7,
                         "scheduleAt": "2026-12-20T10:00:00+02:00"}, {"crmRecordId": "CRM-2"}]})
        assert status == 200
        assert headers["Content-Type"].startswith("application/vnd.campaigns.v1+json")
        first, second = body["records"]
        assert {k: first[k] for k in ("type", "crmRecordId", "priority", "rank",
                                      "nextAttemptAfter", "retryCount", "state")} == {
            "type": "DYNAMIC", "crmRecordId": "CRM-1", "priority": "LOW", "rank": 7,
            "nextAttemptAfter": "2026-12-20T10:00:00+02:00", "retryCount": 0, "state": "PENDING"}
        assert second["priority"] == "HIGH" and second["rank"] == 1  # defaults: HIGH, group size + 1
        assert len(first["id"]) == 36 and first["id"] != second["id"]
        assert sim.records(RUNNING_ID)["CRM-1"] == ("LOW", 7, "2026-12-20T10:00:00+02:00")


@pytest.mark.parametrize("status", [200, 201])
async def test_the_success_status_is_the_configured_one(status: int) -> None:
    with running_v1_simulator(success_status=status) as sim:
        got, body, _ = await sim.call("POST", sim.url(RUNNING_ID) + "/records", body=recs("a"))
        assert got == status and body["records"][0]["crmRecordId"] == "a"


@pytest.mark.parametrize(("status", "title"), [(409, "Conflict"), (400, "Validation failed")])
async def test_an_id_already_in_the_campaign_refuses_the_whole_batch(status: int, title: str) -> None:
    with running_v1_simulator(duplicate_status=status) as sim:
        url = sim.url(RUNNING_ID) + "/records"
        assert (await sim.call("POST", url, body=recs("CRM-12345")))[0] == 200
        got, body, headers = await sim.call("POST", url, body=recs("new-1", "CRM-12345", "new-2"))
        assert (got, body["title"], body["status"]) == (status, title, status)
        assert body["detail"] == "Campaign already contains record for Id: CRM-12345"
        assert body["instance"] == f"/cc/US1/campaigns/v1/{RUNNING_ID}/records"
        assert body["time"].endswith("Z") and "errors" not in body
        assert headers["Content-Type"].startswith("application/problem+json")
        assert set(sim.records(RUNNING_ID)) == {"CRM-12345"}  # all or nothing


async def test_a_field_error_names_the_record_index_and_stores_nothing() -> None:
    with running_v1_simulator() as sim:
        batch = recs(*[f"r{i}" for i in range(5)])
        batch["records"][3]["crmRecordId"] = "x" * 33
        batch["records"][1]["scheduleAt"] = "2026-12-20 10:00"
        status, body, _ = await sim.call("POST", sim.url(RUNNING_ID) + "/records", body=batch)
        assert (status, body["title"]) == (400, "Validation failed")
        assert body["errors"] == [
            {"field": "records[1].scheduleAt", "code": "InvalidFormat",
             "message": "must be an ISO 8601 date-time with an offset"},
            {"field": "records[3].crmRecordId", "code": "Size",
             "message": "size must be between 1 and 32"}]
        assert problem_fields(body) == {"title", "status", "detail", "instance", "time"}
        assert sim.records(RUNNING_ID) == {}


async def test_plain_field_errors_name_only_the_field_as_the_vendors_example() -> None:
    with running_v1_simulator(indexed_field_errors=False) as sim:
        status, body, _ = await sim.call("POST", sim.url(RUNNING_ID) + "/records",
                                         body=recs("a", " ", "c"))
        assert status == 400
        assert body["errors"] == [{"field": "crmRecordId", "code": "NotBlank",
                                   "message": "must not be blank"}]


@pytest.mark.parametrize(("body", "field"), [
    ({"records": []}, "records"), (recs(*[str(i) for i in range(101)]), "records"),
    ({"nothing": 1}, "records"), (recs("a", "b", "a"), "records[2].crmRecordId"),
    (recs("a", priority="URGENT"), "records[0].priority"),
    (recs("a", rank="high"), "records[0].rank"), (recs("a", scheduleAt="2026-12-20"), "records[0].scheduleAt"),
])
async def test_a_bad_batch_is_a_validation_problem_naming_the_field(body: Any, field: str) -> None:
    with running_v1_simulator() as sim:
        status, answer, _ = await sim.call("POST", sim.url(RUNNING_ID) + "/records", body=body)
        assert (status, answer["title"]) == (400, "Validation failed")
        assert answer["errors"][0]["field"] == field
        assert sim.records(RUNNING_ID) == {}


@pytest.mark.parametrize(("headers", "status"), [
    ({"X-API-Key": ""}, 401), ({"X-API-Key": "demo-action"}, 401),
    ({"X-API-Key": "eght_not_this_one"}, 401), ({"X-API-Key": "eght_demo_key_without_product"}, 403),
    ({"X-8x8-Tenant": "someone-else"}, 404), ({"Content-Type": "application/json"}, 415),
])
async def test_headers_and_media_type_are_enforced(headers: dict[str, str], status: int) -> None:
    with running_v1_simulator() as sim:
        got, body, _ = await sim.call("POST", sim.url(RUNNING_ID) + "/records", body=recs("a"),
                                      headers=headers)
        assert (got, body["status"]) == (status, status)
        assert problem_fields(body) == {"title", "status", "detail", "instance", "time"}
        assert sim.records(RUNNING_ID) == {}


async def test_wrong_site_and_unknown_campaign_are_404() -> None:
    with running_v1_simulator() as sim:
        assert (await sim.call("POST", sim.url(RUNNING_ID, "EU9") + "/records",
                               body=recs("a")))[0] == 404
        assert (await sim.call("POST", sim.url(RUNNING_ID, "UK3") + "/records",
                               body=recs("a")))[0] == 200
        status, body, _ = await sim.call("PATCH", sim.url(BUILDING_ID), body={"action": "BUILD"})
        assert status == 404 and body["detail"] == f"Campaign {BUILDING_ID} not found."


async def test_campaigns_in_refusing_states_disabled_or_static_refuse_adds() -> None:
    campaigns = {c.campaign_id: c for c in (
        V1Campaign(RUNNING_ID, "COMPLETE"), V1Campaign(BUILDING_ID, "BUILDING"),
        V1Campaign(DISABLED_ID, "RUNNING", enabled=False), V1Campaign(STATIC_ID, dynamic=False))}
    with running_v1_simulator(campaigns=campaigns) as sim:
        answers = {c: await sim.call("POST", sim.url(c) + "/records", body=recs("a"))
                   for c in campaigns}
        assert {c: a[0] for c, a in answers.items()} == {
            RUNNING_ID: 409, BUILDING_ID: 409, DISABLED_ID: 409, STATIC_ID: 400}
        assert "state COMPLETE" in answers[RUNNING_ID][1]["detail"]
        assert "disabled" in answers[DISABLED_ID][1]["detail"]
        assert answers[STATIC_ID][1]["title"] == "Invalid Operation"
        assert answers[STATIC_ID][1]["isDynamic"] is False
        assert sim.stats()["records_added"] == 0


async def test_the_state_machine_moves_through_transient_states_on_the_clock() -> None:
    with running_v1_simulator(transient_seconds=10) as sim:
        url = sim.url(READY_ID)
        status, body, _ = await sim.call("PATCH", url, body={"action": "BUILD"})
        assert (status, body["state"], body["displayStatus"]) == (200, "BUILDING", "Building")
        assert "lastBuildTime" in body and "startedTime" not in body  # unknown: omitted
        assert (await sim.call("POST", url + "/records", body=recs("a")))[0] == 409
        sim.advance(11)
        assert sim.state_of(READY_ID) == "READY"
        status, body, _ = await sim.call("PATCH", url, body={"action": "START"})
        assert body["state"] == "STARTING"
        status, body, _ = await sim.call("PATCH", url, body={"action": "PAUSE"})
        assert status == 409
        assert body["detail"] == "Action PAUSE is not valid for a campaign in state STARTING"
        sim.advance(11)
        assert (await sim.call("POST", url + "/records", body=recs("a")))[0] == 200
        status, body, _ = await sim.call("PATCH", url, body={"action": "PAUSE"})
        assert (body["state"], body["recordCount"]) == ("PAUSED", 1)
        assert body["recordCounts"] == [{"type": "DYNAMIC", "state": "PENDING", "count": 1}]
        status, body, _ = await sim.call("PATCH", url, body={"action": "PURGE"})
        assert (status, body["state"]) == (200, "PAUSED") and "lastPurgedTime" in body


async def test_a_disabled_campaign_accepts_only_build_and_reset() -> None:
    campaigns = {READY_ID: V1Campaign(READY_ID, "READY", enabled=False)}
    with running_v1_simulator(campaigns=campaigns, transient_seconds=0) as sim:
        url = sim.url(READY_ID)
        status, body, _ = await sim.call("PATCH", url, body={"action": "START"})
        assert status == 409 and "disabled" in body["detail"]
        status, body, _ = await sim.call("PATCH", url, body={"action": "BUILD", "enabled": True})
        assert (status, body["state"]) == (200, "READY")  # zero transient time: built at once
        status, body, _ = await sim.call("PATCH", url, body={"action": "START"})
        assert (status, body["state"]) == (200, "RUNNING")


@pytest.mark.parametrize("body", [{"action": "LAUNCH"}, {}, {"action": "START", "enabled": "yes"},
                                  {"action": "PAUSE", "buildOnStart": True}])
async def test_a_bad_state_change_body_is_400(body: dict[str, Any]) -> None:
    with running_v1_simulator() as sim:
        status, answer, _ = await sim.call("PATCH", sim.url(RUNNING_ID), body=body)
        assert (status, answer["status"]) == (400, 400)
        assert sim.state_of(RUNNING_ID) == "RUNNING"


async def test_faults_answer_before_anything_is_stored() -> None:
    with running_v1_simulator(fault_rate=1.0, fault_kinds=("503",), retry_after_s=7) as sim:
        status, body, headers = await sim.call("POST", sim.url(RUNNING_ID) + "/records",
                                               body=recs("a"))
        assert (status, body["title"], headers["Retry-After"]) == (503, "Service Unavailable", "7")
        assert sim.records(RUNNING_ID) == {}
        assert sim.stats()["faults"]["503"] == 1


async def test_the_rate_limit_answers_429_with_retry_after() -> None:
    with running_v1_simulator(rate_limit=2) as sim:
        answers = await asyncio.gather(*(
            sim.call("POST", sim.url(RUNNING_ID) + "/records", body=recs(f"r{i}"))
            for i in range(20)))
        refused = [a for a in answers if a[0] == 429]
        assert refused and all(a[2]["Retry-After"] == "1" for a in refused)
        assert len(sim.records(RUNNING_ID)) == 20 - len(refused)
        assert sim.stats()["rate_limited"] == len(refused)


def _start(*args: str) -> tuple[subprocess.Popen[str], list[str]]:
    proc = subprocess.Popen([sys.executable, "-m", "bulk_loader", "simulate", "--port", "0", *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=dict(os.environ))
    assert proc.stdout is not None
    lines = [proc.stdout.readline() for _ in range(4)]
    return proc, lines


def _stop(proc: subprocess.Popen[str]) -> None:
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=20)
    assert proc.returncode == 0 and "Traceback" not in err
    assert out.rstrip().endswith("Simulator stopped.")


@pytest.mark.parametrize("api", ["campaigns-v1", "both"])
async def test_simulate_api_prints_the_v1_defaults_and_serves_them(api: str) -> None:
    proc, lines = _start("--api", api, "--v1-success-status", "201")
    try:
        base = lines[0].split()[-1]
        assert lines[0].startswith("Simulator listening on http://127.0.0.1:")
        assert "tenant demo, API key eght_demo_campaigns_key" in lines[1]
        assert f"{RUNNING_ID} RUNNING, {READY_ID} READY" in lines[3]
        async with aiohttp.ClientSession() as http:
            async with http.post(f"{base}/cc/US2/campaigns/v1/{RUNNING_ID}/records",
                                 data=b'{"records":[{"crmRecordId":"a"}]}', headers={
                                     "X-API-Key": "eght_demo_campaigns_key",
                                     "X-8x8-Tenant": "demo",
                                     "Content-Type": "application/vnd.campaigns.v1+json"}) as resp:
                assert resp.status == 201
            async with http.get(f"{base}/__simulator/stats") as resp:
                assert resp.status == (200 if api == "both" else 404)
    finally:
        _stop(proc)


@pytest.mark.parametrize(("args", "message"), [
    (("--v1-api-key", "demo"), "the simulator's API key must start with eght_"),
    (("--state", "s.sqlite"), "--state keeps the legacy API's records; the Campaigns API v1 "
                              "simulator keeps its records in memory only"),
])
def test_simulate_refuses_bad_v1_options_in_one_sentence(args: tuple[str, ...], message: str,
                                                         tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "bulk_loader", "simulate", "--port", "0",
                             "--api", "campaigns-v1", *args],
                            capture_output=True, text=True, timeout=30, cwd=tmp_path)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""
    assert not (tmp_path / "s.sqlite").exists()
