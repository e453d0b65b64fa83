"""A delete killed with SIGKILL mid-run, twice, then resumed: every record ends up deleted,
nothing is reported absent that we removed ourselves, and the journal agrees with the campaign."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from tests.ops_support import env_for, run_cli, seed
from tests.simulator_fixture import RunningSimulator, running_simulator
from tests.test_delete import ids_file
from tests.upload_support import spawn

FIRST = 10_000_000
N = 4_000


def _done(journal: Path) -> int:
    """Records in chunks whose answers are journaled (read-only peek; WAL allows it)."""
    if not journal.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{journal}?mode=ro", uri=True, timeout=5) as conn:
            row = conn.execute("SELECT coalesce(sum(size), 0) FROM chunks c JOIN runs r "
                               "ON r.seq = c.run WHERE r.kind = 'delete' "
                               "AND c.state = 'deleted'").fetchone()
            return int(row[0])
    except sqlite3.Error:
        return 0


def _delete_argv(sim: RunningSimulator, tmp_path: Path,
                 *extra: str) -> tuple[list[str], Path, Path]:
    """(argv, ids file, journal) of a delete of the N seeded records, as a subprocess runs it."""
    seed(sim, 125, FIRST, N)
    f = ids_file(tmp_path / "ids.csv", [FIRST + i for i in range(N)])
    jp = tmp_path / "j.sqlite"
    argv = [sys.executable, "-m", "bulk_loader", "delete", str(f), "--campaign", "125",
            "--base-url", sim.base_url, "--journal", str(jp), "--yes", "--concurrency", "4",
            *extra]
    return argv, f, jp


def _start_and_wait(argv: list[str], sim: RunningSimulator, jp: Path,
                    target: int) -> subprocess.Popen[str]:
    """Start the delete; return once `target` records are journaled done or it has ended."""
    proc = spawn(argv, env_for(sim))
    deadline = time.monotonic() + 50
    while _done(jp) < target and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    return proc


def test_kill_9_during_delete_then_resume(tmp_path: Path) -> None:
    with running_simulator(latency_ms=4) as sim:
        argv, f, jp = _delete_argv(sim, tmp_path, "--quiet")
        killed = 0
        for target in (N // 4, N // 2):
            proc = _start_and_wait(argv, sim, jp, target)
            if proc.poll() is None:
                os.kill(proc.pid, signal.SIGKILL)
                killed += 1
            _, err = proc.communicate(timeout=30)
            assert proc.returncode in (0, -signal.SIGKILL), err
        assert killed == 2, "the delete finished before it could be killed"
        assert 0 < len(sim.records(125)) < N  # the kills left work undone

        res = run_cli(sim, "delete", str(f), "--campaign", "125", "--base-url", sim.base_url,
                      "--journal", str(jp), "--yes", "--quiet", "--json")
        assert res.exit_code == 0, res.output
        assert sim.records(125) == {}
        assert '"deleted": 4000' in res.output and '"absent": 0' in res.output
        assert '"resumed": true' in res.output
        assert sim.stats()["records_deleted"] == N


def test_ctrl_c_finishes_chunks_in_flight_and_exits_130(tmp_path: Path) -> None:
    with running_simulator(latency_ms=4) as sim:
        argv, _, jp = _delete_argv(sim, tmp_path)
        proc = _start_and_wait(argv, sim, jp, N // 4)
        assert proc.poll() is None, "the delete finished before Ctrl-C"
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 130, err
        assert "stopping: waiting for the deletes in flight" in err
        assert "records were not deleted yet; run the same command again to resume." in err
        with sqlite3.connect(jp) as conn:  # nothing left half-done: no chunk in flight
            states = dict(conn.execute("SELECT state, count(*) FROM chunks GROUP BY state"))
        assert "in_flight" not in states and states.get("pending", 0) > 0
        assert len(sim.records(125)) == N - _done(jp)
