"""--retry-for rides out a server that is not there yet; --max-rate paces a run under the
simulator's --rate-limit budget; `runs` filters by campaign, time and state."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from bulk_loader.api import RatePacer, RetryPolicy
from bulk_loader.cli import cli
from bulk_loader.errors import UsageError
from bulk_loader.reports import since_iso
from bulk_loader.runs import Patience, parse_duration
from bulk_loader.simulator.rate_limit import TenantBuckets
from bulk_loader.upload import UploadOptions, run_upload
from tests.simulator_fixture import RunningSimulator, running_simulator
from tests.test_dead_server import heal
from tests.upload_support import (
    ROOT,
    env_for,
    free_port,
    spawn,
    upload,
    upload_argv,
    valid_rows,
    write_csv,
)


@pytest.mark.parametrize(("text", "seconds"), [("15m", 900), ("2h", 7200), ("1h30m", 5400),
                                               ("90s", 90), ("45", 45), ("", 0)])
def test_durations_read_as_people_write_them(text: str, seconds: float) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["15 minutes", "m", "-5m", "8d"])
def test_a_bad_duration_is_one_sentence(text: str) -> None:
    with pytest.raises(UsageError, match="retry_for must be"):
        parse_duration(text)


def test_patience_backs_off_and_never_waits_past_the_deadline() -> None:
    now = [0.0]
    p = Patience(10, clock=lambda: now[0])
    waits = []
    while (w := p.next_wait()) is not None:
        waits.append(w)
        now[0] += w
    assert waits[0] <= 1 and waits[2] > waits[0] and abs(sum(waits) - 10) < 1e-9
    assert Patience(0).next_wait() is None


def test_retry_for_rides_out_a_simulator_that_starts_five_seconds_late(tmp_path: Path) -> None:
    rows = valid_rows(500)
    f = write_csv(tmp_path / "c.csv", rows)
    port = free_port()
    with running_simulator() as sim:
        env = env_for(sim)
    proc = spawn(upload_argv(f"http://127.0.0.1:{port}", f, tmp_path / "j.sqlite",
                             "--retry-for", "2m", "--quiet", "--json", "--chunk-size", "50"), env)
    started: list[subprocess.Popen[str]] = []

    def start_late() -> None:
        started.append(subprocess.Popen(
            [sys.executable, "-m", "bulk_loader", "simulate", "--port", str(port)],
            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))

    timer = threading.Timer(5.0, start_late)
    timer.start()
    try:
        out, err = proc.communicate(timeout=150)
        assert proc.returncode == 0, err
        summary = json.loads(out)
        assert summary["counts"]["accepted"] == 500 and summary["sent_this_time"] == 500
    finally:
        timer.cancel()
        for p in started:
            p.terminate()
            p.wait(timeout=10)


def test_retry_for_rides_out_a_server_that_dies_mid_run(tmp_path: Path) -> None:
    """Every request fails until the breaker trips; while the run waits, the server heals; the
    next pass resends the held chunks and finishes. Library level, for a fast retry policy."""
    rows = valid_rows(200)
    f = write_csv(tmp_path / "c.csv", rows)
    waiting = threading.Event()
    notices: list[str] = []

    def notice(text: str) -> None:
        notices.append(text)
        if "trying again in" in text:
            waiting.set()

    with running_simulator(fault_rate=1.0, fault_kinds=("500",)) as sim:
        opts = UploadOptions(
            file=f, campaign_id=125, endpoint=sim.base_url, credentials=sim.credentials,
            journal_path=tmp_path / "j.sqlite", chunk_size=10, concurrency=2, preflight=False,
            retry=RetryPolicy(max_attempts=2, base_delay=0.01, max_delay=0.02), retry_for=60,
            notice=notice)
        outcome: list[Any] = []
        worker = threading.Thread(target=lambda: outcome.append(run_upload(opts)))
        worker.start()
        assert waiting.wait(30), notices
        heal(sim)
        worker.join(60)
        assert outcome and outcome[0].exit_code == 0, notices
        assert sim.records(125) == {int(r[0]): (r[1] or None) for r in rows}
    assert any(n.startswith("the server did not answer for 3 chunks in a row") for n in notices)
    summary = outcome[0].summary
    assert summary["counts"]["accepted"] == 200 and summary["counts"]["failed"] == 0


def test_without_retry_for_a_dead_server_stops_at_once(tmp_path: Path) -> None:
    with running_simulator(fault_rate=1.0, fault_kinds=("500",)) as sim:
        opts = UploadOptions(
            file=write_csv(tmp_path / "c.csv", valid_rows(50)), campaign_id=125,
            endpoint=sim.base_url, credentials=sim.credentials,
            journal_path=tmp_path / "j.sqlite", chunk_size=10, concurrency=2, preflight=False,
            retry=RetryPolicy(max_attempts=2, base_delay=0.01, max_delay=0.02),
            notice=lambda text: None)
        out = run_upload(opts)
    assert out.exit_code == 3 and out.summary["message"].startswith("stopped: the server did")


def test_simulator_rate_limit_answers_429_with_retry_after(tmp_path: Path) -> None:
    import asyncio

    async def burst(sim: RunningSimulator) -> list[tuple[int, str | None]]:
        calls = [sim.call("GET", _status_path(), token="data") for _ in range(8)]
        return [(status, headers.get("Retry-After")) for status, _, headers in
                await asyncio.gather(*calls)]

    with running_simulator(rate_limit=2) as sim:
        got = asyncio.run(burst(sim))
        limited = sim.stats()["rate_limited"]
    ok = [g for g in got if g[0] == 200]
    refused = [g for g in got if g[0] != 200]
    assert 2 <= len(ok) <= 3  # the bucket's 2 tokens, and at most one refilled meanwhile
    assert refused == [(429, "1")] * len(refused) and limited == len(refused)


def _status_path() -> str:
    from bulk_loader.spec import CAMPAIGN_STATUS_PATH

    return CAMPAIGN_STATUS_PATH.format(campaign_id=125)


def test_tenant_buckets_refill_at_the_rate_and_keep_tenants_apart() -> None:
    now = [0.0]
    b = TenantBuckets(2, clock=lambda: now[0])
    assert [b.take("acme") is None for _ in range(3)] == [True, True, False]
    assert b.take("other") is None  # a tenant of its own
    now[0] += 0.5
    assert b.take("acme") is None and b.take("acme") is not None


async def test_pacer_spaces_requests_evenly_on_a_virtual_clock() -> None:
    now = [0.0]
    starts = []

    async def sleep(s: float) -> None:
        now[0] += s

    pacer = RatePacer(20, clock=lambda: now[0], sleep=sleep)
    for _ in range(5):
        await pacer.wait()
        starts.append(round(now[0], 6))
    assert starts == [0.0, 0.05, 0.1, 0.15, 0.2]


def test_an_upload_with_max_rate_under_a_rate_limited_simulator_completes(
        tmp_path: Path) -> None:
    """The figure (>= 90% of the budget used, <= 10% 429) is bench_rate's; this only runs it."""
    with running_simulator(rate_limit=50) as sim:
        r = upload(sim, write_csv(tmp_path / "c.csv", valid_rows(2000)), tmp_path / "j.sqlite",
                   "--concurrency", "16", "--chunk-size", "100", "--max-rate", "50", "--json")
        assert r.exit_code == 0, r.output
        assert json.loads(r.stdout)["counts"]["accepted"] == 2000
        assert len(sim.records(125)) == 2000


def test_runs_filters_by_campaign_since_and_state(simulator: RunningSimulator,
                                                  tmp_path: Path) -> None:
    journal = tmp_path / "j.sqlite"
    assert upload(simulator, write_csv(tmp_path / "a.csv", valid_rows(5)), journal).exit_code == 0
    assert upload(simulator, write_csv(tmp_path / "b.csv", valid_rows(5, start=11_000_000)),
                  journal, campaign=126).exit_code == 0
    assert upload(simulator, write_csv(tmp_path / "c.csv", valid_rows(5, start=12_000_000)),
                  journal, "--no-preflight", campaign=127).exit_code == 4

    def listed(*args: str) -> list[tuple[str, int, str]]:
        r = CliRunner().invoke(cli, ["runs", "--journal", str(journal), "--json", *args])
        assert r.exit_code == 0, r.output
        return [(x["run_id"], x["campaign_id"], x["state"])
                for x in map(json.loads, r.stdout.splitlines())]

    assert [c for _, c, _ in listed()] == [127, 126, 125]
    assert [c for _, c, _ in listed("--campaign", "126")] == [126]
    assert [s for _, _, s in listed("--state", "stopped")] == ["stopped"]
    assert [c for _, c, _ in listed("--state", "completed", "--state", "stopped")] == [
        127, 126, 125]
    assert listed("--since", "1h") == listed()
    tomorrow = (datetime.now(UTC) + timedelta(days=1)).strftime("%Y-%m-%d")
    assert listed("--since", tomorrow) == []
    bad = CliRunner().invoke(cli, ["runs", "--journal", str(journal), "--since", "soon"])
    assert bad.exit_code == 2 and "--since must be a date (2026-11-23)" in bad.stderr


def test_since_reads_dates_times_and_durations() -> None:
    now = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)
    assert since_iso("2026-11-28", now) == "2026-11-28T00:00:00.000000Z"
    assert since_iso("2026-11-28T02:30", now) == "2026-11-28T02:30:00.000000Z"
    assert since_iso("24h", now) == "2026-11-28T12:00:00.000000Z"
    assert since_iso("30d", now) == "2026-10-30T12:00:00.000000Z"  # past --retry-for's 7d cap
