"""Ownership of records whose answer was lost (docs/contract.md Decision 14), on the paths a
review found that dropped it: a terminal error after an ambiguous attempt, a split half
cancelled while its request was out, and the lone first chunk sent twice in one pass."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import orjson
import pytest

from bulk_loader import spec
from bulk_loader.api import V1, RecordBatch, RetryPolicy, ServiceConfig, open_service
from bulk_loader.api.campaigns_v1 import ApiKeyAuth
from bulk_loader.api.campaigns_v1.endpoint import base_url
from bulk_loader.api.campaigns_v1.service import CampaignsV1Service
from bulk_loader.api.vcc import CampaignClient, Reply
from bulk_loader.config import Credentials
from bulk_loader.errors import (
    CampaignRefused,
    RequestTimeout,
    TerminalError,
    UsageError,
    WaitTooLong,
)
from bulk_loader.journal import Journal
from bulk_loader.upload import UploadOptions, run_upload
from tests.simulator_v1_fixture import RUNNING_ID, running_v1_simulator
from tests.v1_upload_support import v1_rows, v1_upload, write_v1_csv

FAST = RetryPolicy(max_attempts=3, base_delay=0.01, max_delay=0.01)


@pytest.mark.parametrize("seed", [1, 5])
def test_a_record_stored_before_a_too_long_retry_after_is_confirmed_by_the_next_run(
        tmp_path: Path, seed: int) -> None:
    """Stored, answer dropped, then a 429 asking for 200 s: the run stops and keeps the chunk in
    flight, so the next run confirms the record as its own instead of "already present"."""
    f = write_v1_csv(tmp_path / "one.csv", v1_rows(1))
    journal = tmp_path / "j.sqlite"
    with running_v1_simulator(seed=seed, fault_rate=0.5, fault_kinds=("429",),
                              retry_after_s=200, drop_after_commit_rate=1.0) as sim:
        first, s1 = v1_upload(sim, RUNNING_ID, f, journal)
        assert first.exit_code == 3, first.output
        assert len(sim.records(RUNNING_ID)) == 1  # the server took it; the answer was lost
        with Journal.open(journal) as j:
            assert s1 is not None
            assert j.counts(j.get_run(s1["run_id"])) == {"in_flight": 1}
        sim.config.fault_rate = sim.config.drop_after_commit_rate = 0.0
        second, s2 = v1_upload(sim, RUNNING_ID, f, journal)
    assert second.exit_code == 0, second.output
    assert s2 is not None
    assert s2["counts"]["accepted"] == 1 and s2["counts"]["already_present"] == 0


def _fake_v1() -> CampaignsV1Service:
    return CampaignsV1Service("US1", ApiKeyAuth("eght_x_secretsecret", "t"),
                              base_url="http://127.0.0.1:9", retry=FAST)


@pytest.mark.parametrize("second", [
    (409, {"status": 409, "title": "Conflict", "detail": "Campaign is not in a valid state"}, None),
    (401, {"status": 401, "title": "Unauthorized"}, None),
    (429, {}, "9999"),
])
async def test_a_refusal_after_a_timed_out_attempt_says_the_batch_may_be_taken(
        second: tuple[int, dict[str, object], str | None]) -> None:
    """The simulator cannot time out and then refuse the campaign: a faked transport does."""

    service = _fake_v1()
    calls = 0

    async def fake(method: str, url: str, what: str, body: bytes) -> Reply:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise RequestTimeout("timed out")
        return Reply(second[0], orjson.dumps(second[1]), second[2])

    service.client._send_once = fake  # type: ignore[method-assign]
    async with service:
        with pytest.raises(TerminalError) as caught:
            await service.add_batch("u-1", RecordBatch(["a", "b"], [None, None], {}))
    assert caught.value.maybe_taken is True
    assert isinstance(caught.value, WaitTooLong) == (second[0] == 429)


async def test_a_half_cancelled_by_its_siblings_refusal_may_be_taken() -> None:
    """Half A's campaign refusal cancels half B, whose request the server already holds."""

    service = _fake_v1()
    reached: list[int] = []

    async def fake(method: str, url: str, what: str, body: bytes) -> Reply:
        n = len(orjson.loads(body)["records"])
        if n == 4:
            return Reply(400, orjson.dumps({"status": 400, "title": "Bad Request",
                                            "detail": "one record is bad"}), None)
        if b'"a"' in body:
            await asyncio.sleep(0.05)
            return Reply(409, orjson.dumps({"status": 409, "title": "Conflict",
                                            "detail": "Campaign is not running"}), None)
        reached.append(n)
        await asyncio.sleep(5)
        return Reply(201, b'{"records":[]}', None)

    service.client._send_once = fake  # type: ignore[method-assign]
    async with service:
        with pytest.raises(CampaignRefused) as caught:
            await service.add_batch("u", RecordBatch(["a", "b", "c", "d"], [None] * 4, {}))
    assert reached == [2]
    assert caught.value.maybe_taken is True


async def test_a_legacy_half_cancelled_by_its_siblings_refusal_may_be_taken() -> None:
    """The legacy add splits the same way; half B is out when half A meets a stopped campaign."""

    client = CampaignClient("http://127.0.0.1:9", Credentials("u", "a", "d"), retry=FAST)
    reached: list[int] = []

    def fake_send_once(method: str, path: str, kind: str, what: str, body: bytes,
                       cap: int = 0) -> object:
        async def go() -> Reply:
            ids = [r["customer-id"] for r in orjson.loads(body)]
            if len(ids) == 4:
                return Reply(400, orjson.dumps({"message": "bad"}), None)
            if 1 in ids:
                await asyncio.sleep(0.05)
                return Reply(409, orjson.dumps({"message": spec.MSG_ADD_STOPPED}), None)
            reached.append(len(ids))
            await asyncio.sleep(5)
            return Reply(200, b"[]", None)
        return go

    client._send_once = fake_send_once  # type: ignore[assignment,method-assign]
    async with client:
        with pytest.raises(TerminalError) as caught:
            await client.add_chunk(7, [1, 2, 3, 4])
    assert reached == [2]
    assert caught.value.maybe_taken is True


@pytest.mark.parametrize("seed", [7, 8, 10])
def test_a_lone_first_chunk_whose_answer_was_lost_is_not_sent_again_in_the_same_pass(
        tmp_path: Path, seed: int) -> None:
    """Dropped connections on 300 records in 3 chunks, one at a time: whatever the drops, the
    exit code and the lost count agree with what the journal holds in flight."""
    f = write_v1_csv(tmp_path / "f.csv", v1_rows(300, every=0))
    journal = tmp_path / "j.sqlite"
    with running_v1_simulator(seed=seed, fault_rate=0.7, fault_kinds=("drop",)) as sim:
        opts = UploadOptions(
            file=f, campaign_id=RUNNING_ID, endpoint=base_url("US1", sim.base_url),
            credentials=None, journal_path=journal, api="campaigns-v1", site="US1",
            auth=sim.auth, concurrency=1, chunk_size=100, timeout=2.0,
            retry=RetryPolicy(max_attempts=2, base_delay=0.01, max_delay=0.01),
            results=tmp_path / "r.csv")
        out = run_upload(opts)
        held = len(sim.records(RUNNING_ID))
    with Journal.open(journal) as j:
        counts = j.counts(j.get_run(out.summary["run_id"]))
    in_flight = counts.get("in_flight", 0)
    assert counts.get("accepted", 0) + in_flight + counts.get("failed", 0) == 300, counts
    assert counts.get("already-present", 0) == 0
    assert held >= counts.get("accepted", 0)
    if in_flight:
        assert out.exit_code == 3
        assert f"the answers for {in_flight:,} records were lost" in out.summary["message"]
    else:
        assert out.exit_code == (1 if counts.get("failed") else 0), out.summary


def _v1_opts(tmp_path: Path, sim: object, **more: object) -> UploadOptions:
    f = tmp_path / "f.csv"
    if not f.exists():  # written once: its call times follow the clock, a rewrite is a new file
        write_v1_csv(f, v1_rows(3))
    base = {"file": f, "campaign_id": RUNNING_ID, "credentials": None,
            "endpoint": base_url("US1", sim.base_url),  # type: ignore[attr-defined]
            "journal_path": tmp_path / "j.sqlite", "api": "campaigns-v1", "site": "US1",
            "auth": sim.auth, "retry": FAST, "results": tmp_path / "r.csv"}  # type: ignore[attr-defined]
    base.update(more)
    return UploadOptions(**base)  # type: ignore[arg-type]


def test_a_library_caller_naming_no_known_api_is_refused_before_anything_is_read(
        tmp_path: Path) -> None:
    with running_v1_simulator() as sim:
        with pytest.raises(UsageError) as caught:
            run_upload(_v1_opts(tmp_path, sim, api="campaigns_v1"))
        assert sim.records(RUNNING_ID) == {}
    assert caught.value.param == "api"
    assert str(caught.value) == "api must be legacy or campaigns-v1 (got 'campaigns_v1')"
    assert not (tmp_path / "j.sqlite").exists()


def test_a_stopped_v1_run_is_not_resumed_through_the_legacy_api(tmp_path: Path) -> None:
    with running_v1_simulator(fault_rate=1.0, fault_kinds=("429",), retry_after_s=200) as sim:
        first = run_upload(_v1_opts(tmp_path, sim))
        assert first.exit_code == 3
        with pytest.raises(UsageError) as caught:
            run_upload(_v1_opts(tmp_path, sim, api="legacy", preflight=False))
        assert sim.records(RUNNING_ID) == {}
    assert caught.value.param == "api"
    assert str(caught.value) == (
        f"run {first.summary['run_id']} was started with --api campaigns-v1, not legacy; run it "
        "again with --api campaigns-v1, or add --new-run to start a new run")


async def test_a_v1_service_from_the_factory_tells_its_caller_of_a_long_wait() -> None:
    heard: list[str] = []
    with running_v1_simulator(fault_rate=1.0, fault_kinds=("429",), retry_after_s=11) as sim:
        service = open_service(ServiceConfig(
            base_url("US1", sim.base_url), sim.auth, api=V1, on_notice=heard.append,
            retry=RetryPolicy(max_attempts=2, base_delay=0.01, max_delay=0.01)))
        slept: list[float] = []

        async def no_sleep(seconds: float) -> None:
            slept.append(seconds)

        ahead = [0.0]  # the limiter's hold passes on a virtual clock

        async def no_hold(seconds: float) -> None:
            ahead[0] += seconds

        service.client._sleep = no_sleep  # type: ignore[attr-defined]
        service.limiter._sleep = no_hold  # type: ignore[attr-defined]
        service.limiter._clock = lambda: time.monotonic() + ahead[0]  # type: ignore[attr-defined]
        async with service:
            result = await service.add_batch(RUNNING_ID, RecordBatch(["a"], [None], {}))
    assert result.outcomes is not None and result.outcomes[0].http_status is None
    assert slept == [11]
    assert len(heard) == 1 and heard[0].startswith("waiting 11 s, until ")
    assert "as the server asked (Retry-After) after: a batch of 1 records was answered HTTP " \
        "429 (" in heard[0]


async def test_a_lone_record_refused_as_a_duplicate_spelt_otherwise_is_already_present() -> None:
    """The simulator keeps ids as sent; a server that names the id trimmed or in another case
    is faked. In a batch that id names none of the records (halve); alone, it names the one."""
    service = _fake_v1()

    async def fake(method: str, url: str, what: str, body: bytes) -> Reply:
        ids = [r["crmRecordId"] for r in orjson.loads(body)["records"]]
        if "x-2" in ids:
            return Reply(409, orjson.dumps({
                "status": 409, "title": "Conflict",
                "detail": "Campaign already contains record for Id: X-2"}), None)
        return Reply(201, orjson.dumps({"records": [{"crmRecordId": i} for i in ids]}), None)

    service.client._send_once = fake  # type: ignore[method-assign]
    async with service:
        result = await service.add_batch("u", RecordBatch(["x-1", "x-2"], [None, None], {}))
    assert result.outcomes is not None
    first, second = result.outcomes
    assert (first.http_status, first.duplicate) == (201, False)
    assert (second.http_status, second.duplicate, second.message) == (
        409, True, "Campaign already contains record for Id: X-2")
