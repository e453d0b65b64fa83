"""A campaign's life across many runs (docs/contract.md Decisions 12-14): the real CLI, night after night,
against the simulator over HTTP. After every night the campaign's exact contents (customer id ->
call time) and the exit code are checked.
"""

from __future__ import annotations

import json
import os
import signal
import time
from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result

from bulk_loader import spec
from bulk_loader.cli import cli
from bulk_loader.simulator.config import CampaignConfig
from tests.simulator_fixture import RunningSimulator, running_simulator
from tests.upload_support import env_for, iso_in, read_csv, spawn, upload_argv, write_csv

FIRST = 10_000_000


def ids(lo: int, hi: int) -> list[int]:
    return [FIRST + i for i in range(lo, hi)]


def night_file(path: Path, customers: list[int], when: str | dict[int, str] = "") -> Path:
    times = when if isinstance(when, dict) else {}
    return write_csv(path, [[c, times.get(c, when if isinstance(when, str) else ""), "x"]
                            for c in customers])


def run(sim: RunningSimulator, journal: Path, *argv: str, **env: str) -> tuple[Result, Any]:
    """One CLI command with --json; (result, its summary)."""
    full = [*argv, "--base-url", sim.base_url, "--journal", str(journal), "--json"]
    r = CliRunner().invoke(cli, full, env=env_for(sim, **env), catch_exceptions=False)
    return r, json.loads(r.stdout.splitlines()[-1])


def upload(sim: RunningSimulator, journal: Path, f: Path, *args: str, **env: str
           ) -> tuple[Result, Any]:
    return run(sim, journal, "upload", str(f), "--campaign", "125",
               "--chunk-size", "10", *args, **env)


def undo(sim: RunningSimulator, journal: Path, run_id: str) -> tuple[Result, Any]:
    return run(sim, journal, "delete", "--run", run_id, "--campaign", "125", "--yes", "--quiet")


def latency(sim: RunningSimulator, seconds: float) -> None:
    """Change the simulator's latency while it runs (the test's own hand)."""
    sim._call(lambda: setattr(sim.state.faults, "latency_s", seconds))


def adds(sim: RunningSimulator) -> int:
    return int(sim.stats()["by_route"].get("add", 0))


def test_rotated_token_night_then_its_undo_leaves_night_one_whole(tmp_path: Path) -> None:
    journal = tmp_path / "j.sqlite"
    with running_simulator() as sim:
        r, s = upload(sim, journal, night_file(tmp_path / "n1.csv", ids(0, 100)))
        assert r.exit_code == 0 and s["counts"]["accepted"] == 100
        night1 = sim.records(125)
        assert set(night1) == set(ids(0, 100))

        n2 = night_file(tmp_path / "n2.csv", ids(50, 150))
        r, s = upload(sim, journal, n2, BULK_LOADER_ACTION_TOKEN="rotated")
        assert r.exit_code == 3 and s["counts"]["pending"] == 100
        assert sim.records(125) == night1

        r, s = upload(sim, journal, n2)
        assert r.exit_code == 0, r.output
        assert s["run_id"] == "upload-2" and s["resumed"] is True
        assert s["counts"]["accepted"] == 50 and s["counts"]["already_present"] == 50
        assert s["confirmed_on_resume"] == 0  # the 401 took nothing: no duplicate is ours
        assert set(sim.records(125)) == set(ids(0, 150))

        r, s = undo(sim, journal, "upload-2")
        assert r.exit_code == 0, r.output
        assert s["counts"]["deleted"] == 50 and s["counts"]["left"] == 50
        assert s["left_reasons"] == [{"count": 50, "reason": "left in place: upload-2 did not "
                                      "add it (Duplicate customer: already in the campaign, "
                                      "added by upload-1)"}]
        assert sim.records(125) == night1


def test_overlapping_nights_exit_0_and_skip_known_sends_only_new_ids(tmp_path: Path) -> None:
    journal = tmp_path / "j.sqlite"
    with running_simulator() as sim:
        r, _ = upload(sim, journal, night_file(tmp_path / "n1.csv", ids(0, 100)))
        assert r.exit_code == 0

        received = sim.stats()["records_received"]
        results = tmp_path / "n2.results.csv"
        r, s = upload(sim, journal, night_file(tmp_path / "n2.csv", ids(50, 150)),
                      "--results", str(results))
        assert r.exit_code == 0, r.output
        assert s["counts"]["accepted"] == 50 and s["counts"]["already_present"] == 50
        assert s["counts"]["rejected"] == 0 and s["skipped_known"] == 0
        assert sim.stats()["records_received"] - received == 100
        lines = read_csv(results)[1:]
        assert {(line[3], line[5]) for line in lines[:50]} == {
            ("already-present", "Duplicate customer: already in the campaign, added by upload-1")}
        assert {line[3] for line in lines[50:]} == {"accepted"}
        assert read_csv(tmp_path / "n2.results.failures.csv") == [
            ["row", "Customer ID", "Schedule Date Time", "Name", "reason"]]
        assert set(sim.records(125)) == set(ids(0, 150))

        received = sim.stats()["records_received"]
        r, s = upload(sim, journal, night_file(tmp_path / "n3.csv", ids(100, 200)),
                      "--skip-known")
        assert r.exit_code == 0, r.output
        assert s["counts"]["accepted"] == 50 and s["counts"]["already_present"] == 50
        assert s["skipped_known"] == 50 and s["sent_this_time"] == 50
        assert sim.stats()["records_received"] - received == 50  # ids 100-149 never left
        assert set(sim.records(125)) == set(ids(0, 200))


def test_reschedule_moves_changed_callbacks_even_after_kill_9_between_delete_and_add(
        tmp_path: Path) -> None:
    journal = tmp_path / "j.sqlite"
    old, new = iso_in(5), iso_in(30)
    customers = ids(0, 20)
    with running_simulator() as sim:
        r, _ = upload(sim, journal, night_file(tmp_path / "n1.csv", customers, old))
        assert r.exit_code == 0
        assert sim.records(125) == dict.fromkeys(customers, old)

        moved = {c: new for c in customers[:10]}
        n2 = night_file(tmp_path / "n2.csv", customers, {**dict.fromkeys(customers, old), **moved})
        argv = upload_argv(sim.base_url, n2, journal, "--reschedule", "--chunk-size", "20",
                           "--concurrency", "10", "--quiet", "--json")
        latency(sim, 1.0)  # every call now takes 1 s: time to kill between delete and add
        proc = spawn(argv, env_for(sim))
        deadline = time.monotonic() + 30
        while sim.stats()["records_deleted"] < 10:  # the deletes are done, the add takes 1 s
            assert time.monotonic() < deadline and proc.poll() is None
            time.sleep(0.005)
        os.kill(proc.pid, signal.SIGKILL)
        proc.communicate()
        latency(sim, 0.0)
        between = sim.records(125)
        assert {c: between[c] for c in customers[10:]} == dict.fromkeys(customers[10:], old)
        assert all(between.get(c, new) == new for c in customers[:10])  # old callbacks gone

        r, s = upload(sim, journal, n2, "--reschedule", "--chunk-size", "20")
        assert r.exit_code == 0, r.output
        assert sim.records(125) == {**dict.fromkeys(customers, old), **moved}
        assert s["counts"]["accepted"] == 10 and s["counts"]["already_present"] == 10

        r, s = undo(sim, journal, "upload-2")  # a reschedule moves callbacks, adds no record
        assert r.exit_code == 0 and s["counts"]["deleted"] == 0, s
        assert sim.records(125) == {**dict.fromkeys(customers, old), **moved}
        r, s = undo(sim, journal, "upload-1")
        assert r.exit_code == 0 and s["counts"]["deleted"] == 20 and sim.records(125) == {}


def test_campaign_stopped_between_two_chunks_stops_at_once_and_resumes_when_running(
        tmp_path: Path) -> None:
    journal = tmp_path / "j.sqlite"
    f = night_file(tmp_path / "n.csv", ids(0, 100))
    with running_simulator(stop_after_adds=2) as sim:
        r, s = upload(sim, journal, f, "--concurrency", "1")
        assert r.exit_code == 4, r.output
        assert adds(sim) == 3  # two chunks, one refusal, no split
        assert s["counts"]["accepted"] == 20 and s["counts"]["pending"] == 80
        assert s["counts"]["rejected"] == 0
        assert spec.MSG_ADD_STOPPED in s["message"] and "fix the campaign" in s["message"]
        assert set(sim.records(125)) == set(ids(0, 20))

        r, s = upload(sim, journal, f, "--concurrency", "1")  # still stopped: the preflight
        assert r.exit_code == 4 and adds(sim) == 3
        assert "Manual Stopped (status 5)" in s["error"]

        sim.set_campaign_status(125, 3)
        r, s = upload(sim, journal, f, "--concurrency", "1")
        assert r.exit_code == 0, r.output
        assert s["counts"]["accepted"] == 100 and s["counts"]["already_present"] == 0
        assert set(sim.records(125)) == set(ids(0, 100))


def test_campaign_stopped_before_the_run_gets_at_most_concurrency_plus_one_adds(
        tmp_path: Path) -> None:
    journal = tmp_path / "j.sqlite"
    f = night_file(tmp_path / "n.csv", ids(0, 200))
    with running_simulator() as sim:
        sim.set_campaign_status(125, 5)
        r, s = upload(sim, journal, f)  # the preflight refuses: nothing is sent
        assert r.exit_code == 4 and adds(sim) == 0
        assert {k: s[k] for k in ("error", "exit_code")} == {"error": s["error"], "exit_code": 4}
        r, s = upload(sim, journal, f, "--no-preflight", "--concurrency", "4")
        assert r.exit_code == 4, r.output
        assert 1 <= adds(sim) <= 4 + 1
        assert s["counts"]["pending"] == 200 and s["counts"]["rejected"] == 0
        assert sim.records(125) == {}

        sim.set_campaign_status(125, 3)
        r, s = upload(sim, journal, f, "--concurrency", "4")
        assert r.exit_code == 0, r.output
        assert s["counts"]["accepted"] == 200 and s["confirmed_on_resume"] == 0
        assert set(sim.records(125)) == set(ids(0, 200))


def test_never_started_campaign_is_refused_then_loaded_once_started(tmp_path: Path) -> None:
    journal = tmp_path / "j.sqlite"
    f = night_file(tmp_path / "n.csv", ids(0, 30))
    fresh = {125: CampaignConfig(125, "Fresh", status=0)}
    with running_simulator(campaigns=fresh) as sim:
        r, s = upload(sim, journal, f)
        assert r.exit_code == 4 and "has never been started" in s["error"] and adds(sim) == 0
        r, s = upload(sim, journal, f, "--no-preflight", "--concurrency", "1")
        assert r.exit_code == 4 and adds(sim) == 1
        assert spec.MSG_ADD_NOT_STARTED in s["message"] and s["counts"]["pending"] == 30
        assert sim.records(125) == {}
        sim.set_campaign_status(125, 3)
        r, s = upload(sim, journal, f, "--no-preflight", "--concurrency", "1")
        assert r.exit_code == 0 and s["counts"]["accepted"] == 30
        assert set(sim.records(125)) == set(ids(0, 30))


def test_busy_deletes_stay_open_and_the_same_command_later_deletes_them(tmp_path: Path) -> None:
    journal = tmp_path / "j.sqlite"
    with running_simulator(stage_seconds=30) as sim:
        r, _ = upload(sim, journal, night_file(tmp_path / "n1.csv", ids(0, 40)))
        assert r.exit_code == 0
        sim.advance(70)  # some records are now being offered to agents (Accepted)

        r, s = undo(sim, journal, "upload-1")
        busy = s["counts"]["busy"]
        assert r.exit_code == 3 and 0 < busy < 40, s
        assert s["state"] == "stopped" and s["counts"]["deleted"] == 40 - busy
        assert s["message"] == (f"{busy} records are being offered to agents; run the same "
                                "command later to delete them")
        assert len(sim.records(125)) == busy

        sim.advance(3600)  # every call is over
        deletes = sim.stats()["by_route"]["delete"]
        r, s = undo(sim, journal, "upload-1")
        assert r.exit_code == 0, r.output
        assert sim.stats()["by_route"]["delete"] - deletes == busy  # only the busy ones again
        assert s["counts"]["busy"] == 0 and s["counts"]["deleted"] == 40
        assert sim.records(125) == {}


def test_a_delete_on_a_stopped_campaign_exits_4_and_keeps_its_records_pending(
        tmp_path: Path) -> None:
    journal = tmp_path / "j.sqlite"
    with running_simulator() as sim:
        r, _ = upload(sim, journal, night_file(tmp_path / "n1.csv", ids(0, 40)))
        assert r.exit_code == 0
        sim.set_campaign_status(125, 5)
        r, s = run(sim, journal, "delete", "--run", "upload-1", "--campaign", "125", "--yes",
                   "--quiet")
        assert r.exit_code == 4 and "Manual Stopped (status 5)" in s["error"]
        assert "delete" not in sim.stats()["by_route"]
        r, s = run(sim, journal, "delete", "--run", "upload-1", "--campaign", "125", "--yes",
                   "--quiet", "--no-preflight", "--concurrency", "4")
        assert r.exit_code == 4, r.output
        assert 1 <= sim.stats()["by_route"]["delete"] <= 4 + 1  # the rest were never sent
        assert spec.MSG_DELETE_STOPPED in s["message"] and s["counts"]["pending"] == 40
        assert len(sim.records(125)) == 40
        sim.set_campaign_status(125, 3)
        r, s = undo(sim, journal, "upload-1")
        assert r.exit_code == 0 and s["counts"]["deleted"] == 40
        assert s["confirmed_on_resume"] == 0  # refused as a whole: back to pending, not in flight
        assert sim.records(125) == {}


def test_reschedule_of_a_customer_being_offered_keeps_the_old_callback_and_says_so(
        tmp_path: Path) -> None:
    journal = tmp_path / "j.sqlite"
    customers = ids(0, 30)
    new = iso_in(30)
    with running_simulator(stage_seconds=30) as sim:
        r, _ = upload(sim, journal, night_file(tmp_path / "n1.csv", customers))
        assert r.exit_code == 0
        sim.advance(70)  # some are being offered to agents now
        results = tmp_path / "n2.results.csv"
        r, s = upload(sim, journal, night_file(tmp_path / "n2.csv", customers, new),
                      "--reschedule", "--results", str(results))
        lines = read_csv(results)[1:]
        kept = {int(line[1]) for line in lines if line[3] == "rejected"}
        assert r.exit_code == 1 and 0 < len(kept) < 30, s
        assert s["counts"]["accepted"] == 30 - len(kept)
        assert {line[5] for line in lines if line[3] == "rejected"} == {
            "not rescheduled: the customer is being offered to an agent (The customer is not "
            "available for deletion.); the callback of upload-1 (no call time) stays; to move "
            "it, re-run later with --reschedule --new-run"}
        assert sim.records(125) == {c: None if c in kept else new for c in customers}


def test_a_paused_campaign_gets_a_note_and_the_server_decides(tmp_path: Path) -> None:
    with running_simulator() as sim:
        sim.set_campaign_status(125, 8)
        r, s = upload(sim, tmp_path / "j.sqlite", night_file(tmp_path / "n.csv", ids(0, 5)))
        assert r.exit_code == 0 and s["counts"]["accepted"] == 5
        assert ('note: campaign 125 ("Demo Callbacks") is Manual Paused (status 8); sending '
                "anyway, the server decides") in r.stderr


def test_an_answer_lost_in_flight_makes_new_ids_ours_and_leaves_another_nights_ids_theirs(
        tmp_path: Path) -> None:
    journal = tmp_path / "j.sqlite"
    with running_simulator() as sim:
        r, _ = upload(sim, journal, night_file(tmp_path / "n1.csv", ids(0, 10)))
        assert r.exit_code == 0
        sim._call(lambda: setattr(sim.state.faults, "commit_rate", 1.0))  # every answer lost

        r, s = upload(sim, journal, night_file(tmp_path / "n2.csv", ids(5, 15)))
        assert r.exit_code == 0, r.output
        assert s["counts"]["accepted"] == 5 and s["confirmed_on_resume"] == 5
        assert s["counts"]["already_present"] == 5
        assert set(sim.records(125)) == set(ids(0, 15))
        r, s = undo(sim, journal, "upload-2")
        assert r.exit_code == 0 and s["counts"]["deleted"] == 5 and s["counts"]["left"] == 5
        assert set(sim.records(125)) == set(ids(0, 10))
