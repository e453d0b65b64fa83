"""SIGTERM (systemd, `timeout`, docker stop) is handled like Ctrl-C: no new chunks, those in
flight journaled, the summary printed, exit 143, and the same command again finishes the job.

Size: the issue's 200,000 records, in chunks of 1,000 at concurrency 4 against a simulator
answering in 40 ms: a few seconds of sending, long enough for three stops at random moments and
short enough for `make test` on two shared cores. What a stop may re-send is bounded by
concurrency x chunk (4,000 records), not by the file's size.
"""

from __future__ import annotations

import json
import random
import signal
import subprocess
import time
from pathlib import Path

from tests.simulator_fixture import RunningSimulator, running_simulator
from tests.upload_support import env_for, free_port, spawn, upload_argv, valid_rows, write_csv

N, CHUNK, CONCURRENCY = 200_000, 1000, 4
BAD = [["10O3629", "", "typo"], ["-5", "", "negative"], ["", "", "blank"]]


def _wait_for(sim: RunningSimulator, at_least: int, proc: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 60
    while len(sim.records(125)) < at_least:
        assert time.monotonic() < deadline, "the upload never got that far"
        assert proc.poll() is None, "the upload ended before the signal"
        time.sleep(0.01)


def test_three_sigterms_at_random_moments_then_resume_lose_nothing_and_resend_little(
        tmp_path: Path) -> None:
    rng = random.Random()
    seed = rng.randrange(1 << 30)
    rng.seed(seed)
    rows = valid_rows(N)
    f = write_csv(tmp_path / "c.csv", rows[:1000] + BAD + rows[1000:])
    journal = tmp_path / "j.sqlite"
    with running_simulator(latency_ms=40) as sim:
        argv = upload_argv(sim.base_url, f, journal, "--chunk-size", str(CHUNK),
                           "--concurrency", str(CONCURRENCY), "--quiet", "--json")
        for stop in range(3):
            held = len(sim.records(125))
            target = held + rng.randrange(CHUNK, (N - held) // 4)
            proc = spawn(argv, env_for(sim))
            _wait_for(sim, target, proc)
            time.sleep(rng.uniform(0, 0.2))  # not only right after an answer
            proc.send_signal(signal.SIGTERM)
            out, err = proc.communicate(timeout=60)
            assert proc.returncode == 143, (seed, stop, err)
            summary = json.loads(out)
            assert (summary["state"], summary["exit_code"]) == ("interrupted", 143), seed
            # --quiet hides progress, never the reason: exactly one line on stderr.
            assert err.count("\n") == 1 and err.startswith("interrupted by SIGTERM: "), err
            assert err.endswith("run the same command again to resume.\n"), err
        proc = spawn(argv, env_for(sim))
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 1, err  # the three bad rows need a look
        summary = json.loads(out)
        assert summary["counts"] == {"accepted": N, "rejected": 0, "invalid": 3, "failed": 0,
                                     "pending": 0, "already_present": 0}
        assert sim.records(125) == {int(r[0]): (r[1] or None) for r in rows}
        stats = sim.stats()
    # What a stop re-sends is at most what was in flight: concurrency x chunk each time.
    assert stats["records_received"] - stats["records_added"] <= 3 * CONCURRENCY * CHUNK, seed


def test_sigterm_leaves_the_run_interrupted_not_sending(tmp_path: Path) -> None:
    f = write_csv(tmp_path / "c.csv", valid_rows(10_000))
    journal = tmp_path / "j.sqlite"
    with running_simulator(latency_ms=40) as sim:
        argv = upload_argv(sim.base_url, f, journal, "--chunk-size", "100", "--concurrency", "2")
        proc = spawn(argv, env_for(sim))
        _wait_for(sim, 300, proc)
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=60)
    assert proc.returncode == 143, err
    assert "stopping: waiting for the requests in flight (SIGTERM again to quit at once)" in err
    runs = spawn([*upload_argv("x", f, journal)[:3], "runs", "--journal", str(journal),
                  "--json"], {})
    listed, _ = runs.communicate(timeout=30)
    assert [json.loads(line)["state"] for line in listed.splitlines()] == ["interrupted"]


def test_sigterm_while_riding_out_a_dead_preflight_exits_143_with_a_reason(
        tmp_path: Path) -> None:
    """Outside a send (here: waiting between preflight tries) SIGTERM unwinds like Ctrl-C."""
    f = write_csv(tmp_path / "c.csv", valid_rows(10))
    with running_simulator() as sim:
        env = env_for(sim)
    port = free_port()
    proc = spawn(upload_argv(f"http://127.0.0.1:{port}", f, tmp_path / "j.sqlite",
                             "--retry-for", "10m", "--json"), env)
    assert proc.stderr is not None
    for line in proc.stderr:
        if "trying again in" in line:
            break
    assert line.startswith(f"the preflight failed (cannot connect to 127.0.0.1:{port} ")
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 143, err
    assert err == ("interrupted by SIGTERM; nothing was lost. Run the same command again to "
                   "resume.\n")
    assert json.loads(out)["exit_code"] == 143  # --json: the night's line is still written


def test_sigterm_during_a_delete_is_handled_like_ctrl_c(tmp_path: Path) -> None:
    from tests.test_delete_crash import N as DELETE_N
    from tests.test_delete_crash import _delete_argv, _done, _start_and_wait

    with running_simulator(latency_ms=4) as sim:
        argv, _, jp = _delete_argv(sim, tmp_path, "--quiet", "--json")
        proc = _start_and_wait(argv, sim, jp, DELETE_N // 4)
        assert proc.poll() is None, "the delete finished before SIGTERM"
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 143, err
        assert json.loads(out)["state"] == "interrupted"
        assert err.count("\n") == 1 and err.startswith("interrupted by SIGTERM: ")
        assert err.endswith("records were not deleted yet; run the same command again to "
                            "resume.\n")
        assert len(sim.records(125)) == DELETE_N - _done(jp)
