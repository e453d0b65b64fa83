"""Ctrl-C: the first stops after the requests in flight (exit 130), a second quits at once;
either way the same command again finishes the job with nothing lost."""

from __future__ import annotations

import signal
import time
from pathlib import Path

from tests.simulator_fixture import RunningSimulator, running_simulator
from tests.upload_support import env_for, spawn, upload_argv, valid_rows, write_csv

N = 20_000


def _wait_for_records(sim: RunningSimulator, at_least: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while len(sim.records(125)) < at_least:
        assert time.monotonic() < deadline, "the upload never got going"
        time.sleep(0.05)


def _run(tmp_path: Path, presses: int) -> None:
    rows = valid_rows(N)
    f = write_csv(tmp_path / "c.csv", rows)
    journal = tmp_path / "j.sqlite"
    with running_simulator(latency_ms=50) as sim:
        argv = upload_argv(sim.base_url, f, journal, "--chunk-size", "200", "--concurrency", "2")
        proc = spawn(argv, env_for(sim))
        _wait_for_records(sim, 400)
        for _ in range(presses):
            proc.send_signal(signal.SIGINT)
            time.sleep(0.02)
        out, err = proc.communicate(timeout=30)
        assert proc.returncode == 130, err
        assert "run the same command again to resume" in (out + err).lower()
        assert "sending:" in err  # plain progress lines without a terminal
        if presses == 1:
            assert "stopping: waiting for the requests in flight" in err
            assert "state" not in err and "interrupted by Ctrl-C:" in err
        held = len(sim.records(125))
        assert 0 < held < N
        proc = spawn(argv, env_for(sim))
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err
        assert sim.records(125) == {int(r[0]): (r[1] or None) for r in rows}
        stats = sim.stats()
    assert stats["records_received"] - stats["records_added"] <= 2 * 200


def test_first_ctrl_c_stops_cleanly_and_resumes(tmp_path: Path) -> None:
    _run(tmp_path, presses=1)


def test_second_ctrl_c_quits_at_once_and_still_loses_nothing(tmp_path: Path) -> None:
    _run(tmp_path, presses=2)
