"""`bulk-loader upload` through the real CLI against the simulator over real HTTP."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from bulk_loader import spec
from bulk_loader.journal import Journal
from tests.simulator_fixture import RunningSimulator, running_simulator
from tests.upload_support import (
    HEADERS,
    env_for,
    iso_in,
    read_csv,
    upload,
    valid_rows,
    write_csv,
)


def test_happy_path_all_accepted(simulator: RunningSimulator, tmp_path: Path) -> None:
    rows = valid_rows(450)
    f = write_csv(tmp_path / "customers.csv", rows)
    results = tmp_path / "out" / "results.csv"
    r = upload(simulator, f, tmp_path / "j.sqlite", "--chunk-size", "100", "--concurrency", "3",
               "--results", str(results))
    assert r.exit_code == 0, r.output
    assert "run upload-1: completed (exit code 0)" in r.stdout
    assert "accepted  450" in r.stdout
    expected = {int(row[0]): (row[1] or None) for row in rows}
    assert simulator.records(125) == expected
    lines = read_csv(results)
    assert lines[0] == ["row", "customer-id", "schedule-date-time", "outcome", "http-status",
                        "message"]
    assert len(lines) == 451
    assert lines[1] == ["2", "10000000", rows[0][1], "accepted", "200", ""]
    assert {line[3] for line in lines[1:]} == {"accepted"}
    assert read_csv(tmp_path / "out" / "results.failures.csv") == [["row", *HEADERS, "reason"]]


def test_each_record_outcome_and_the_two_csvs(simulator: RunningSimulator,
                                              tmp_path: Path) -> None:
    journal = tmp_path / "j.sqlite"
    first = write_csv(tmp_path / "first.csv", [[10_000_005, "", "already there"]])
    assert upload(simulator, first, journal).exit_code == 0
    rows: list[list[Any]] = [
        [10_000_001, "", "ok"],                                # 2 accepted
        [10_000_002, iso_in(5), "ok with time"],               # 3 accepted
        [10_000_005, "", "already in campaign"],               # 4 already-present (upload-1's)
        [99_999_999, "", "not in CRM"],                        # 5 rejected: 404 not found
        ["1000O003", "", "letter O"],                          # 6 invalid locally
        [10_000_006, iso_in(-5), "in the past"],               # 7 invalid locally
        [10_000_007, iso_in(24 * 9), "too far"],               # 8 invalid locally
        [10_000_001, "", "repeat in file"],                    # 9 invalid locally
        ["", "", "empty id"],                                  # 10 invalid locally
    ]
    f = write_csv(tmp_path / "mixed.csv", rows)
    results = tmp_path / "mixed.results.csv"
    r = upload(simulator, f, journal, "--results", str(results))
    assert r.exit_code == 1, r.output
    out = read_csv(results)[1:]
    assert [line[3] for line in out] == ["accepted", "accepted", "already-present", "rejected",
                                         "invalid", "invalid", "invalid", "invalid", "invalid"]
    assert out[2][4:] == ["400", "Duplicate customer: already in the campaign, added by upload-1"]
    assert out[3][4:] == ["404", spec.MSG_NOT_FOUND]
    assert all(line[4] == "" and line[5] for line in out[4:])
    assert set(simulator.records(125)) == {10_000_001, 10_000_002, 10_000_005}
    failures = read_csv(tmp_path / "mixed.results.failures.csv")
    assert failures[0] == ["row", *HEADERS, "reason"]
    assert [line[3] for line in failures[1:]] == [row[2] for row in rows[3:]]
    assert failures[1][4] == spec.MSG_NOT_FOUND
    assert "top reasons:" in r.stdout and spec.MSG_NOT_FOUND in r.stdout


def test_server_side_rejections_window_past_too_far(tmp_path: Path) -> None:
    with running_simulator() as sim:
        start, end = sim.window(126)  # type: ignore[misc]
        rows = [[10_000_001, iso_in(24 * 5), "after the 3-day window"],
                [10_000_002, iso_in(2), "inside"]]
        f = write_csv(tmp_path / "w.csv", rows)
        r = upload(sim, f, tmp_path / "j.sqlite", "--no-preflight", campaign=126)
        assert r.exit_code == 1, r.output
        with Journal.open(tmp_path / "j.sqlite") as j:
            recs = list(j.iter_records("upload-1"))
        assert recs[0].state == "rejected"
        assert recs[0].message == spec.MSG_OUTSIDE_SCHEDULE.format(start=start, end=end)
        assert recs[1].state == "accepted"
        # The server's clock 8 days ahead: a call 2 h ahead is in its past; 8 days behind: a
        # call 6 days ahead is too far for it. The local checks pass both.
        sim.advance(8 * 86400)
        g = write_csv(tmp_path / "p.csv", [[10_000_003, iso_in(2), "past for the server"]])
        r = upload(sim, g, tmp_path / "j.sqlite")
        assert r.exit_code == 1 and spec.MSG_PAST in r.stdout
        sim.advance(-16 * 86400)
        h = write_csv(tmp_path / "f.csv", [[10_000_004, iso_in(24 * 6), "too far for it"]])
        r = upload(sim, h, tmp_path / "j.sqlite")
        assert r.exit_code == 1 and spec.MSG_TOO_FAR in r.stdout


def test_bad_tokens_exit_3_and_a_refusing_campaign_exits_4(simulator: RunningSimulator,
                                                           tmp_path: Path) -> None:
    f = write_csv(tmp_path / "c.csv", valid_rows(10))
    journal = tmp_path / "j.sqlite"
    bad = env_for(simulator, BULK_LOADER_DATA_TOKEN="wrong", BULK_LOADER_ACTION_TOKEN="wrong")
    r = upload(simulator, f, journal, env=bad)
    assert r.exit_code == 3
    assert r.stderr.startswith("error: ") and "data token" in r.stderr and "wrong" not in r.stderr
    r = upload(simulator, f, journal, campaign=999)
    assert r.exit_code == 4 and "campaign 999 was not found" in r.stderr
    r = upload(simulator, f, journal, campaign=127)
    assert r.exit_code == 4 and "not a dynamic campaign" in r.stderr
    assert simulator.stats()["records_received"] == 0


def test_stopped_run_resumes_and_finished_run_is_not_sent_again(simulator: RunningSimulator,
                                                                tmp_path: Path) -> None:
    f = write_csv(tmp_path / "c.csv", valid_rows(300))
    journal = tmp_path / "j.sqlite"
    # The data token passes the preflight; the action token is refused on the first POST.
    r = upload(simulator, f, journal, "--chunk-size", "50", "--json",
               env=env_for(simulator, BULK_LOADER_ACTION_TOKEN="wrong"))
    assert r.exit_code == 3, r.output
    summary = json.loads(r.stdout)
    assert summary["state"] == "stopped" and summary["counts"]["pending"] == 300
    assert "run the same command again to resume" in summary["message"]
    assert simulator.records(125) == {}
    r = upload(simulator, f, journal, "--chunk-size", "50", "--json")
    assert r.exit_code == 0, r.output
    summary = json.loads(r.stdout)
    assert summary["run_id"] == "upload-1" and summary["resumed"] is True
    assert summary["counts"]["accepted"] == 300
    assert len(simulator.records(125)) == 300
    requests = simulator.stats()["requests"]
    r = upload(simulator, f, journal, "--chunk-size", "50")
    assert r.exit_code == 0
    assert "run upload-1 already finished" in r.stdout and "accepted  300" in r.stdout
    assert simulator.stats()["requests"] == requests  # not even a preflight
    r = upload(simulator, f, journal, "--new-run", "--json")
    assert r.exit_code == 0  # upload-1's records are already present: not a failure
    again = json.loads(r.stdout)
    assert again["run_id"] == "upload-2" and again["counts"]["already_present"] == 300
    assert again["counts"]["rejected"] == again["counts"]["accepted"] == 0
    assert again["top_reasons"] == []
    r = upload(simulator, f, journal)
    assert r.exit_code == 0 and "already finished" in r.stdout


def test_dry_run_sends_nothing(simulator: RunningSimulator, tmp_path: Path) -> None:
    rows = [*valid_rows(20), ["abc", "", "bad"]]
    f = write_csv(tmp_path / "c.csv", rows)
    journal = tmp_path / "j.sqlite"
    r = upload(simulator, f, journal, "--dry-run", "--chunk-size", "8")
    assert r.exit_code == 1, r.output
    assert "dry run: nothing was sent. 21 rows read" in r.stdout
    assert "would send 20 records in 3 chunks to campaign 125" in r.stdout
    assert simulator.records(125) == {}
    assert simulator.stats()["records_received"] == 0
    assert not journal.exists()


def test_lock_refuses_a_second_upload_of_a_live_run(simulator: RunningSimulator,
                                                    tmp_path: Path) -> None:
    f = write_csv(tmp_path / "c.csv", valid_rows(5))
    journal = tmp_path / "j.sqlite"
    r = upload(simulator, f, journal, env=env_for(simulator, BULK_LOADER_ACTION_TOKEN="wrong"))
    assert r.exit_code == 3
    with Journal.open(journal) as j:
        run = j.get_run("upload-1")
        with j.lock_run(run):
            r = upload(simulator, f, journal)
    assert r.exit_code == 3
    assert "error: run upload-1 is in progress in another process" in r.stderr
    assert simulator.records(125) == {}


def test_credentials_never_written_anywhere(tmp_path: Path) -> None:
    secrets = ("Act10n-t0ken-SECRET", "Da7a-t0ken-SECRET")
    with running_simulator(action_token=secrets[0], data_token=secrets[1]) as sim:
        f = write_csv(tmp_path / "c.csv", [*valid_rows(30), [99_999_999, "", "x"]])
        journal = tmp_path / "j.sqlite"
        outputs = []
        r = upload(sim, f, journal, "--json", "--results", str(tmp_path / "r.csv"))
        outputs.append(r.output)
        r = upload(sim, f, journal, "--new-run",
                   env=env_for(sim, BULK_LOADER_ACTION_TOKEN="Wr0ng-SECRET"))
        outputs.append(r.output)
        assert r.exit_code == 3
    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert any(p.name.startswith("j.sqlite") for p in files)
    for s in (*secrets, "Wr0ng-SECRET"):
        for text in outputs:
            assert s not in text
        for p in files:
            assert s.encode() not in p.read_bytes(), p
