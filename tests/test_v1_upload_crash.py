"""The Campaigns API v1 upload killed with kill -9 at random moments, then the same command:
the campaign ends exact and no record of the run's own is reported as already present. And a
fault soak at 0.2, with some answers lost after the batch was stored."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import time
from datetime import timedelta
from pathlib import Path

import pytest

from bulk_loader.api import RetryPolicy
from bulk_loader.api.campaigns_v1.endpoint import base_url
from bulk_loader.journal import Journal
from bulk_loader.upload import UploadOptions, run_upload
from tests.simulator_v1_fixture import RUNNING_ID, running_v1_simulator
from tests.upload_support import spawn
from tests.v1_upload_support import (
    expected_store,
    matches,
    subprocess_env,
    v1_rows,
    v1_upload_argv,
    write_v1_csv,
)

N = 100_000
CONCURRENCY = 4


@pytest.mark.slow
def test_kill_9_three_times_then_resume_leaves_the_campaign_exact(tmp_path: Path) -> None:
    seed = int(os.environ.get("CRASH_SEED", time.time_ns() % 1_000_000))
    rng = random.Random(seed)
    rows = v1_rows(N, every=4)
    f = write_v1_csv(tmp_path / "big.csv", rows)
    journal = tmp_path / "j.sqlite"
    # 1,000 batches, 4 in flight, 30 ms each: several seconds of sending, so kills land mid-run.
    with running_v1_simulator(latency_ms=30) as sim:
        argv = v1_upload_argv(sim, RUNNING_ID, f, journal, "--concurrency", str(CONCURRENCY))
        env = subprocess_env(sim)
        kills = 0
        at_kill: list[int] = []  # records in the campaign at each kill
        while kills < 3:
            proc = spawn(argv, env)
            try:
                proc.wait(timeout=rng.uniform(1.0, 2.5))
            except subprocess.TimeoutExpired:
                os.kill(proc.pid, signal.SIGKILL)
                proc.wait()
                kills += 1
                at_kill.append(len(sim.records(RUNNING_ID)))
            proc.communicate()
            assert proc.returncode in (-signal.SIGKILL, 0), f"seed {seed}"
            if proc.returncode == 0:
                break
        proc = spawn(argv, env)
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, f"seed {seed}: {err}"
        held = sim.records(RUNNING_ID)
    assert kills >= 3, f"seed {seed}: the run finished before three kills"
    assert any(0 < n < N for n in at_kill), f"seed {seed}: no kill landed while sending"
    assert matches(held, expected_store(rows)), f"seed {seed}"
    with Journal.open(journal) as j:
        run = j.get_run("upload-1")
        assert j.counts(run) == {"accepted": N}, f"seed {seed}"
        ids = [r.customer_id for r in j.iter_records(run)]
        confirmed = j.count_noted(run, "accepted", "Duplicate customer:%")
    assert ids == [r[0] for r in rows]
    print(f"v1 crash test: seed {seed}, {kills} kills at {at_kill} records held, "
          f"{confirmed} confirmed on resume")
    assert confirmed <= kills * CONCURRENCY * 100, f"seed {seed}"


def test_fault_soak_at_0_2_leaves_the_campaign_exact_and_claims_no_own_record_as_present(
        tmp_path: Path) -> None:
    rows = v1_rows(5_000, every=3)
    f = write_v1_csv(tmp_path / "soak.csv", rows)
    with running_v1_simulator(seed=7, fault_rate=0.2, retry_after_s=0, slow_ms=100,
                              drop_after_commit_rate=0.05) as sim:
        outcome = run_upload(UploadOptions(
            file=f, campaign_id=RUNNING_ID, endpoint=base_url("US1", sim.base_url),
            credentials=None, api="campaigns-v1", site="US1", auth=sim.auth,
            journal_path=tmp_path / "j.sqlite", chunk_size=100, concurrency=4,
            retry=RetryPolicy(max_attempts=12, base_delay=0.02, max_delay=0.2),
            clock_skew=timedelta(seconds=60), notice=lambda _: None))
        held = sim.records(RUNNING_ID)
        stats = sim.stats()
    assert outcome.exit_code == 0, outcome.summary
    counts = outcome.summary["counts"]
    assert (counts["accepted"], counts["already_present"]) == (5_000, 0)
    assert matches(held, expected_store(rows))
    assert stats["faults_total"] > 0 and stats["faults"]["drop_after_commit"] > 0
    assert outcome.summary["confirmed_on_resume"] > 0
