"""Add records (docs/contract.md section 1): every row of the message table and each whole-request error."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from bulk_loader import spec
from bulk_loader.simulator.ingest import MSG_CAMPAIGN_FULL
from tests.simulator_fixture import RunningSimulator, running_simulator

ADD = spec.ADD_PATH.format(campaign_id=125)
IN_CRM = 10_000_100


def iso(delta: timedelta) -> str:
    return spec.iso_utc_ms(datetime.now(UTC) + delta)


async def add(sim: RunningSimulator, records: list[Any], campaign: int = 125) -> list[Any]:
    status, body, _ = await sim.call("POST", spec.ADD_PATH.format(campaign_id=campaign),
                                     body=records)
    assert status == 207
    assert isinstance(body, list) and len(body) == len(records)
    return body


async def test_added_without_and_with_schedule(simulator: RunningSimulator) -> None:
    when = iso(timedelta(days=2))
    answer = await add(simulator, [{"customer-id": IN_CRM},
                                   {"customer-id": IN_CRM + 1, "schedule-date-time": when}])
    assert answer == [{"customer-id": IN_CRM, "http-status": 200},
                      {"customer-id": IN_CRM + 1, "schedule-date-time": when, "http-status": 200}]
    assert simulator.records(125) == {IN_CRM: None, IN_CRM + 1: when}


async def test_duplicate_customer_already_in_campaign(simulator: RunningSimulator) -> None:
    await add(simulator, [{"customer-id": IN_CRM}])
    answer = await add(simulator, [{"customer-id": IN_CRM}])
    assert answer == [{"customer-id": IN_CRM, "http-status": 400, "message": "Duplicate customer"}]


async def test_duplicate_within_one_request_first_wins(simulator: RunningSimulator) -> None:
    answer = await add(simulator, [{"customer-id": IN_CRM}, {"customer-id": IN_CRM}])
    assert [a["http-status"] for a in answer] == [200, 400]
    assert answer[1]["message"] == spec.MSG_DUPLICATE


@pytest.mark.parametrize("bad", ["2016-08-29T 09:00:00.000Z", "2016-08-29", "tomorrow", "", 5])
async def test_invalid_schedule_format(simulator: RunningSimulator, bad: Any) -> None:
    answer = await add(simulator, [{"customer-id": IN_CRM, "schedule-date-time": bad}])
    assert answer == [{"customer-id": IN_CRM, "schedule-date-time": bad, "http-status": 400,
                       "message": "Invalid schedule-date-time format - please use ISO 8601 format"}]


@pytest.mark.parametrize("bad", [None, True, 1.5, -3, 0, "abc", "10000100", [1]])
async def test_invalid_customer_id(simulator: RunningSimulator, bad: Any) -> None:
    answer = await add(simulator, [{"customer-id": bad}])
    assert answer == [{"customer-id": bad, "http-status": 400, "message": "Invalid customer-id"}]


async def test_missing_customer_id_and_non_object_items(simulator: RunningSimulator) -> None:
    answer = await add(simulator, [{}, 10000200, "x"])
    assert all(a == {"customer-id": None, "http-status": 400, "message": spec.MSG_BAD_ID}
               for a in answer[1:])
    assert answer[0] == {"customer-id": None, "http-status": 400, "message": spec.MSG_BAD_ID}


async def test_numeric_string_accepted_when_configured() -> None:
    with running_simulator(accept_numeric_strings=True) as sim:
        answer = await add(sim, [{"customer-id": "10000100"}])
        assert answer == [{"customer-id": "10000100", "http-status": 200}]
        assert sim.records(125) == {10000100: None}


async def test_not_in_crm(simulator: RunningSimulator) -> None:
    answer = await add(simulator, [{"customer-id": 9_999_999}, {"customer-id": 16_000_000}])
    assert [(a["http-status"], a["message"]) for a in answer] == [
        (404, "The customer-id has not been found.")] * 2


async def test_crm_from_file(tmp_path: Any) -> None:
    crm = tmp_path / "crm.csv"
    crm.write_text("ACCOUNTNUM\n42\n\n777\n", encoding="utf-8")
    with running_simulator(crm_file=crm) as sim:
        answer = await add(sim, [{"customer-id": 42}, {"customer-id": 43}, {"customer-id": 777}])
        assert [a["http-status"] for a in answer] == [200, 404, 200]


async def test_schedule_in_the_past(simulator: RunningSimulator) -> None:
    answer = await add(simulator, [{"customer-id": IN_CRM,
                                    "schedule-date-time": iso(-timedelta(minutes=5))}])
    assert answer[0]["message"] == "The subject schedule-date-time is in the past."
    assert answer[0]["http-status"] == 400


async def test_outside_campaign_schedule(simulator: RunningSimulator) -> None:
    window = simulator.window(126)
    assert window is not None
    answer = await add(simulator, [
        {"customer-id": IN_CRM, "schedule-date-time": iso(timedelta(days=5))},
        {"customer-id": IN_CRM + 1, "schedule-date-time": iso(timedelta(days=1))}], campaign=126)
    start, end = window
    assert answer[0]["http-status"] == 400
    assert answer[0]["message"] == ("The subject schedule-date-time is outside the campaign "
                                    f"schedule from {start} to {end}.")
    assert start.endswith("Z") and len(start) == len("2016-08-27T09:00:00.000Z")
    assert answer[1]["http-status"] == 200


async def test_more_than_seven_days_ahead(simulator: RunningSimulator) -> None:
    answer = await add(simulator, [
        {"customer-id": IN_CRM, "schedule-date-time": iso(timedelta(days=7, minutes=5))},
        {"customer-id": IN_CRM + 1, "schedule-date-time": iso(timedelta(days=6, hours=23))}])
    assert (answer[0]["http-status"], answer[0]["message"]) == (
        400, "The subject schedule-date-time must be within 7 days ahead of a future period.")
    assert answer[1]["http-status"] == 200


async def test_offset_and_naive_times(simulator: RunningSimulator) -> None:
    later = datetime.now(UTC) + timedelta(days=1)
    with_offset = later.astimezone(timezone(timedelta(hours=2))).isoformat(timespec="milliseconds")
    naive = later.replace(tzinfo=None).isoformat(timespec="seconds")
    answer = await add(simulator, [{"customer-id": IN_CRM, "schedule-date-time": with_offset},
                                   {"customer-id": IN_CRM + 1, "schedule-date-time": naive}])
    assert [a["http-status"] for a in answer] == [200, 200]
    stored = simulator.records(125)
    assert stored[IN_CRM] == spec.iso_utc_ms(later)
    assert stored[IN_CRM + 1] == spec.iso_utc_ms(later.replace(microsecond=0))


async def test_check_order_id_before_iso_before_crm_before_duplicate(
        simulator: RunningSimulator) -> None:
    await add(simulator, [{"customer-id": IN_CRM}])
    past = iso(-timedelta(days=1))
    answer = await add(simulator, [
        {"customer-id": None, "schedule-date-time": "bad"},
        {"customer-id": 5, "schedule-date-time": "bad"},
        {"customer-id": 5, "schedule-date-time": past},
        {"customer-id": IN_CRM, "schedule-date-time": past},
    ])
    assert [a["message"] for a in answer] == [spec.MSG_BAD_ID, spec.MSG_BAD_ISO,
                                              spec.MSG_NOT_FOUND, spec.MSG_DUPLICATE]


async def test_past_checked_before_window() -> None:
    with running_simulator() as sim:
        answer = await add(sim, [{"customer-id": IN_CRM,
                                  "schedule-date-time": iso(-timedelta(hours=1))}], campaign=126)
        assert answer[0]["message"] == spec.MSG_PAST


async def test_campaign_cap_per_record_message() -> None:
    with running_simulator(max_records=2) as sim:
        answer = await add(sim, [{"customer-id": IN_CRM + i} for i in range(3)])
        assert [a["http-status"] for a in answer] == [200, 200, 400]
        assert answer[2]["message"] == MSG_CAMPAIGN_FULL.format(limit=2)
        assert MSG_CAMPAIGN_FULL.format(limit=spec.MAX_RECORDS) == (
            "The campaign already holds the maximum of 5,000,000 records.")


async def test_empty_array_answers_empty_207(simulator: RunningSimulator) -> None:
    assert await add(simulator, []) == []


# Whole-request errors: JSON {"message": ...}, nothing stored.

async def test_body_not_json(simulator: RunningSimulator) -> None:
    status, body, _ = await simulator.call("POST", ADD, raw=b"{not json")
    assert (status, body) == (400, {"message": "The request body is not valid JSON."})


@pytest.mark.parametrize("payload", [{"customer-id": IN_CRM}, 7, "x", None])
async def test_body_not_an_array(simulator: RunningSimulator, payload: Any) -> None:
    raw = b"null" if payload is None else None
    status, body, _ = await simulator.call("POST", ADD, body=payload, raw=raw)
    assert status == 400
    assert body == {"message": "The request body must be a JSON array of customer records."}
    assert simulator.records(125) == {}


async def test_too_many_records_413() -> None:
    with running_simulator(max_chunk=3) as sim:
        status, body, _ = await sim.call(
            "POST", ADD, body=[{"customer-id": IN_CRM + i} for i in range(4)])
        assert (status, body) == (413, {"message": "Too many records in one request: 4 "
                                                   "(at most 3)."})
        assert sim.records(125) == {}
        assert len(await add(sim, [{"customer-id": IN_CRM + i} for i in range(3)])) == 3


async def test_unknown_campaign_404(simulator: RunningSimulator) -> None:
    status, body, _ = await simulator.call("POST", spec.ADD_PATH.format(campaign_id=999),
                                           body=[{"customer-id": IN_CRM}])
    assert (status, body) == (404, {"message": "Campaign 999 not found."})


async def test_non_dynamic_campaign_refused(simulator: RunningSimulator) -> None:
    status, body, _ = await simulator.call("POST", spec.ADD_PATH.format(campaign_id=127),
                                           body=[{"customer-id": IN_CRM}])
    assert (status, body) == (400, {"message": "This is not a dynamic campaign."})
    assert simulator.records(127) == {}


async def test_stats_count_records(simulator: RunningSimulator) -> None:
    await add(simulator, [{"customer-id": IN_CRM}, {"customer-id": 1}])
    stats = simulator.stats()
    assert (stats["records_received"], stats["records_added"], stats["records_rejected"]) == (
        2, 1, 1)
    assert stats["by_status"]["207"] == 1
