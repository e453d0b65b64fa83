"""A server that stays down stops the run (exit 3, resumable), it does not fail every record.

Through the real CLI over real HTTP: a closed port (connection refused), and the simulator
answering 500 to everything, then healed so that the same command resumes.
"""

from __future__ import annotations

import json
import re
import socket
import sqlite3
from pathlib import Path

import pytest

from bulk_loader.api import RetryPolicy
from bulk_loader.runs import Breaker
from tests.ops_support import run_cli, seed
from tests.simulator_fixture import RunningSimulator, running_simulator
from tests.upload_support import env_for, upload, valid_rows, write_csv

FAST = RetryPolicy(max_attempts=2, base_delay=0.001, max_delay=0.002)
RESUME = "nothing was lost, run the same command again to resume."


@pytest.fixture(autouse=True)
def fast_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI has no retry flag: give its client a short policy so a dead server costs ms."""
    monkeypatch.setattr("bulk_loader.api._calls.RetryPolicy", lambda: FAST)


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def states(journal: Path) -> dict[str, int]:
    with sqlite3.connect(journal) as db:
        return dict(db.execute("SELECT state, count(*) FROM records GROUP BY state").fetchall())


def heal(sim: RunningSimulator) -> None:
    def clear() -> None:
        sim.state.faults.rate = 0.0
    sim._call(clear)


# --- the breaker itself (pure) ---------------------------------------------------------------

def test_a_lone_dead_chunk_among_answered_ones_is_released_as_failed() -> None:
    b: Breaker[int] = Breaker(3)
    assert b.settle(1, None) == [1]
    assert b.settle(2, "refused") == []           # held: maybe the start of an outage
    assert b.settle(3, None) == [2, 3]            # the streak broke: 2 is journaled failed
    assert b.settle(4, "refused") == [] and b.close() == [4] and not b.tripped


def test_limit_dead_chunks_in_a_row_trip_and_stay_held() -> None:
    b: Breaker[int] = Breaker(3)
    assert b.settle(1, None) == [1]
    for n in (2, 3, 4):
        assert b.settle(n, "refused") == []
    assert b.tripped and b.streak == 3
    assert b.settle(5, "refused") == []           # in flight when it tripped: held too
    assert b.settle(6, None) == [6]               # an answer after the trip journals only itself
    assert b.close() == [] and b.held == [2, 3, 4, 5]
    assert b.sentence() == ("stopped: the server did not answer for 3 chunks in a row (refused); "
                            + RESUME)


def test_a_dead_server_trips_at_the_end_even_below_the_limit() -> None:
    b: Breaker[int] = Breaker(4)
    assert b.settle(1, "x") == [] and b.close() == [] and b.tripped
    c: Breaker[int] = Breaker(4)                   # Ctrl-C: held chunks stay in_flight
    assert c.settle(1, None) == [1] and c.settle(2, "x") == []
    assert c.close(exhausted=False) == [] and not c.tripped and c.held == [2]
    assert b.sentence() == "stopped: the server did not answer (x); " + RESUME


# --- through the CLI -------------------------------------------------------------------------

def test_upload_to_a_closed_port_stops_with_one_sentence_and_loses_nothing(
        tmp_path: Path) -> None:
    port = closed_port()
    dead = RunningSimulator.__new__(RunningSimulator)  # only .base_url is used by upload()
    dead.base_url = f"http://127.0.0.1:{port}"
    f = write_csv(tmp_path / "c.csv", valid_rows(60))
    journal = tmp_path / "j.sqlite"
    env = {"BULK_LOADER_USERNAME": "demo", "BULK_LOADER_ACTION_TOKEN": "demo-action",
           "BULK_LOADER_DATA_TOKEN": "demo-data", "BULK_LOADER_CONFIG": "/nonexistent.toml"}
    r = upload(dead, f, journal, "--no-preflight", "--chunk-size", "5", "--concurrency", "2",
               env=env)
    assert r.exit_code == 3, r.output
    assert r.stderr == (
        "error: stopped: the server did not answer for 3 chunks in a row (cannot connect to "
        f"127.0.0.1:{port} (connection refused)); {RESUME}\n")
    assert "stopped (exit code 3)" in r.stdout and re.search(r"failed +0\n", r.stdout)
    # Unanswered chunks stay in_flight (shown as pending); the rest were never taken.
    got = states(journal)
    assert set(got) <= {"in_flight", "pending"} and sum(got.values()) == 60
    assert 3 <= got["in_flight"] // 5 <= 4


def test_upload_against_a_server_erroring_on_everything_resumes_once_it_is_back(
        tmp_path: Path) -> None:
    f = write_csv(tmp_path / "c.csv", valid_rows(40))
    journal = tmp_path / "j.sqlite"
    with running_simulator(fault_rate=1.0, fault_kinds=("500",)) as sim:
        r = upload(sim, f, journal, "--no-preflight", "--chunk-size", "5", "--json")
        assert r.exit_code == 3, r.output
        summary = json.loads(r.stdout)
        assert summary["state"] == "stopped" and summary["counts"]["pending"] == 40
        assert summary["counts"]["failed"] == 0
        assert summary["message"].startswith("stopped: the server did not answer for 4 chunks")
        assert summary["message"].endswith(RESUME)
        assert sim.records(125) == {}
        heal(sim)
        r = upload(sim, f, journal, "--no-preflight", "--chunk-size", "5", "--json",
                   env=env_for(sim))
        assert r.exit_code == 0, r.output
        summary = json.loads(r.stdout)
        assert summary["resumed"] is True and summary["counts"]["accepted"] == 40
        assert len(sim.records(125)) == 40
    assert states(journal) == {"accepted": 40}


def test_delete_against_a_server_erroring_on_everything_stops_then_resumes(
        tmp_path: Path) -> None:
    ids = list(range(10_000_000, 10_000_600))  # 3 journal chunks of 250, 250, 100
    f = tmp_path / "ids.csv"
    f.write_text("Customer ID\n" + "".join(f"{i}\n" for i in ids))
    journal = tmp_path / "j.sqlite"
    with running_simulator(fault_rate=0.0, fault_kinds=("500",)) as sim:
        seed(sim, 125, ids[0], len(ids))
        sim._call(lambda: setattr(sim.state.faults, "rate", 1.0))
        argv = ["delete", str(f), "--campaign", "125", "--base-url", sim.base_url,
                "--journal", str(journal), "--quiet", "--yes", "--no-preflight"]
        r = run_cli(sim, *argv)
        assert r.exit_code == 3, r.output
        assert r.stderr.startswith("error: stopped: the server did not answer for 3 chunks in a "
                                   "row (") and r.stderr.endswith(RESUME + "\n")
        assert "stopped (exit code 3)" in r.stdout
        assert states(journal) == {"in_flight": 600}
        assert len(sim.records(125)) == 600
        heal(sim)
        r = run_cli(sim, *argv, "--json")
        assert r.exit_code == 0, r.output
        assert json.loads(r.stdout)["counts"]["deleted"] == 600
        assert sim.records(125) == {}
