"""kill -9 at random moments, then the same command again: nothing lost, little re-sent.

And a fault soak: with a fifth of all requests failing (and some answers lost after the
records were stored), the run still ends with every valid record accepted.
"""

from __future__ import annotations

import os
import random
import signal
import time
from datetime import timedelta
from pathlib import Path

import pytest

from bulk_loader.api import RetryPolicy
from bulk_loader.journal import Journal
from bulk_loader.upload import UploadOptions, run_upload
from tests.simulator_fixture import running_simulator
from tests.upload_support import env_for, spawn, upload_argv, valid_rows, write_csv

N = 200_000
CHUNK = 1000
CONCURRENCY = 4


@pytest.mark.slow
def test_kill_9_three_times_then_resume_loses_nothing(tmp_path: Path) -> None:
    seed = int(os.environ.get("CRASH_SEED", time.time_ns() % 1_000_000))
    rng = random.Random(seed)
    rows = valid_rows(N, scheduled_every=4)
    f = write_csv(tmp_path / "big.csv", rows)
    journal = tmp_path / "j.sqlite"
    # 200 chunks, 4 in flight, 200 ms each: ~10 s of sending, so three kills land mid-run.
    with running_simulator(latency_ms=200) as sim:
        argv = upload_argv(sim.base_url, f, journal, "--chunk-size", str(CHUNK),
                           "--concurrency", str(CONCURRENCY), "--quiet", "--json")
        kills = 0
        while kills < 3:
            proc = spawn(argv, env_for(sim))
            try:
                proc.wait(timeout=rng.uniform(0.5, 3.0))
            except Exception:
                os.kill(proc.pid, signal.SIGKILL)
                proc.wait()
                kills += 1
            proc.communicate()
            assert proc.returncode in (-signal.SIGKILL, 0), f"seed {seed}"
            if proc.returncode == 0:
                break
        proc = spawn(argv, env_for(sim))
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, f"seed {seed}: {err}"
        held = sim.records(125)
        stats = sim.stats()
    assert kills >= 3, f"seed {seed}: the run finished before three kills"
    assert held == {int(r[0]): (r[1] or None) for r in rows}, f"seed {seed}"
    with Journal.open(journal) as j:
        run = j.get_run("upload-1")
        assert j.counts(run) == {"accepted": N}
        recs = list(j.iter_records(run))
    assert [r.customer_id for r in recs] == [int(r[0]) for r in rows]
    assert all(r.state == "accepted" for r in recs)
    resent = stats["records_received"] - stats["records_added"]
    print(f"crash test: seed {seed}, {kills} kills, {resent} records re-sent")
    assert 0 <= resent <= kills * CONCURRENCY * CHUNK, f"seed {seed}: {resent} re-sent"


def test_fault_soak_every_valid_record_accepted(tmp_path: Path) -> None:
    rows = valid_rows(20_000, scheduled_every=5)
    f = write_csv(tmp_path / "soak.csv", rows)
    with running_simulator(seed=7, fault_rate=0.2, retry_after_s=0, slow_ms=100,
                           drop_after_commit_rate=0.05) as sim:
        outcome = run_upload(UploadOptions(
            file=f, campaign_id=125, endpoint=sim.base_url, credentials=sim.credentials,
            journal_path=tmp_path / "j.sqlite", chunk_size=250, concurrency=4,
            retry=RetryPolicy(max_attempts=12, base_delay=0.02, max_delay=0.2),
            clock_skew=timedelta(seconds=60), notice=lambda _: None))
        held = sim.records(125)
        stats = sim.stats()
    assert outcome.exit_code == 0, outcome.summary
    assert outcome.summary["counts"]["accepted"] == 20_000
    assert held == {int(r[0]): (r[1] or None) for r in rows}
    assert stats["faults_total"] > 0
    if stats["faults"]["drop_after_commit"]:
        assert outcome.summary["confirmed_on_resume"] > 0
