"""What a break-test of a campaign's life across runs found (issues 9 and 15), each through the
real CLI against the simulator over HTTP: lost answers, undoing a reschedule, whose records a
report counts as removed, out-of-range dates, options a resume keeps, busy reschedules."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
from click.testing import CliRunner, Result

from bulk_loader.api import RecordOutcome
from bulk_loader.cli import cli
from bulk_loader.journal import Journal
from bulk_loader.outcome import early_end
from bulk_loader.upload import LOST, classify
from tests.ops_support import seed
from tests.simulator_fixture import RunningSimulator, running_simulator
from tests.test_campaign_nights import ids, night_file, undo, upload
from tests.upload_support import env_for, iso_in, read_csv, write_csv


def faults(sim: RunningSimulator, rate: float, commit_rate: float) -> None:
    """Change the simulator's faults while it runs (the test's own hand)."""
    def change() -> None:
        sim.state.faults.rate = rate
        sim.state.faults.commit_rate = commit_rate
    sim._call(change)


def report(sim: RunningSimulator, journal: Path, *argv: str) -> Result:
    return CliRunner().invoke(cli, ["report", *argv, "--journal", str(journal)],
                              env=env_for(sim), catch_exceptions=False)


def test_answers_lost_after_the_server_stored_them_stop_the_run_and_a_rerun_owns_them(
        tmp_path: Path) -> None:
    journal, f = tmp_path / "j.sqlite", night_file(tmp_path / "n.csv", ids(0, 100))
    # Records stay New throughout (stage_seconds): none is busy when the undo deletes it, however
    # long the faulty upload's retries take on a loaded machine.
    with running_simulator(drop_after_commit_rate=1.0, fault_rate=0.85, fault_kinds=("500",),
                           seed=5, retry_after_s=0, stage_seconds=3600) as sim:
        r, s = upload(sim, journal, f, "--chunk-size", "20", "--no-preflight", "--concurrency", "1")
        in_campaign = set(sim.records(125))
        assert r.exit_code == 3, r.output
        lost = s["counts"]["pending"]
        assert s["counts"]["failed"] == 0 and s["counts"]["accepted"] + lost == 100
        assert lost > 0 and len(in_campaign) > s["counts"]["accepted"]  # some lost were stored
        assert s["message"].startswith("stopped: the ")  # lost answers, or no answer at all
        assert "run the same command again" in s["message"]
        failures = Path(s["failures"])
        assert not failures.exists() or "HTTP 500" not in failures.read_text(encoding="utf-8-sig")

        faults(sim, 0.0, 0.0)
        r, s = upload(sim, journal, f, "--chunk-size", "20", "--no-preflight", "--concurrency", "1")
        assert r.exit_code == 0, r.output
        assert s["counts"]["accepted"] == 100 and s["confirmed_on_resume"] == len(in_campaign)

        r, s = undo(sim, journal, "upload-1")
        assert r.exit_code == 0, r.output
        assert s["counts"]["deleted"] == 100 and sim.records(125) == {}


def test_a_record_no_attempt_of_which_reached_the_server_is_failed_not_lost() -> None:
    never = RecordOutcome(7, None, "connection refused", 3, False)
    maybe = RecordOutcome(8, None, "the server answered HTTP 500", 3, True)
    notes, ok, _, _ = classify([never, maybe], [2, 3], [None, None], was_in_flight=False)
    assert ok == 0 and [n[3] for n in notes] == ["failed", LOST]


def test_a_run_with_lost_answers_stops_with_one_sentence_saying_to_rerun() -> None:
    state, code, message = early_end(80, "sent", stopped_by=None, dead_server=None,
                                     interrupted=False, lost=80) or ("", 0, "")
    assert (state, code) == ("stopped", 3)
    assert message == ("stopped: the answers for 80 records were lost on the way (the server may "
                       "have added them); nothing was lost, run the same command again to "
                       "confirm them.")


def test_undoing_a_reschedule_leaves_the_earlier_runs_customers_and_their_undo_removes_them(
        tmp_path: Path) -> None:
    journal, customers, new = tmp_path / "j.sqlite", ids(0, 200), iso_in(30)
    with running_simulator() as sim:
        r, _ = upload(sim, journal, night_file(tmp_path / "n1.csv", customers), "--chunk-size", "50")
        assert r.exit_code == 0
        r, s = upload(sim, journal, night_file(tmp_path / "n2.csv", customers, new),
                      "--chunk-size", "50", "--reschedule")
        assert r.exit_code == 0 and s["run_id"] == "upload-2", r.output
        assert sim.records(125) == dict.fromkeys(customers, new)

        r, s = undo(sim, journal, "upload-2")
        assert r.exit_code == 0 and s["counts"]["deleted"] == 0, s
        assert s["left_reasons"] == [{"count": 200, "reason": "left in place: was in the "
                                      "campaign before upload-2 (added by upload-1); upload-2 "
                                      "only moved its callback"}]
        assert sim.records(125) == dict.fromkeys(customers, new)

        r, s = undo(sim, journal, "upload-1")
        assert r.exit_code == 0 and s["counts"]["deleted"] == 200, s
        assert sim.records(125) == {}


def test_a_run_report_counts_as_removed_only_what_an_undo_took_from_this_runs_own_records(
        tmp_path: Path) -> None:
    journal = tmp_path / "j.sqlite"
    with running_simulator() as sim:
        r, _ = upload(sim, journal, night_file(tmp_path / "n1.csv", ids(0, 100)))
        assert r.exit_code == 0
        sim.set_campaign_status(125, 5)  # stopped: upload-2 is refused, nothing sent
        n2 = night_file(tmp_path / "n2.csv", ids(50, 150))
        r, s = upload(sim, journal, n2, "--no-preflight")
        assert r.exit_code == 4 and s["counts"]["pending"] == 100, r.output
        sim.set_campaign_status(125, 3)
        r, s = undo(sim, journal, "upload-1")
        assert r.exit_code == 0 and s["counts"]["deleted"] == 100
        r, s = upload(sim, journal, n2, "--no-preflight")
        assert r.exit_code == 0 and s["counts"]["accepted"] == 100, r.output
        assert set(sim.records(125)) == set(ids(50, 150))

        out = tmp_path / "r2.csv"
        r = report(sim, journal, "upload-2", "--output", str(out))
        assert r.exit_code == 0, r.output
        outcomes = [line[3] for line in read_csv(out)[1:]]
        assert outcomes == ["accepted"] * 100
        out1 = tmp_path / "r1.csv"
        r = report(sim, journal, "upload-1", "--output", str(out1))
        assert [line[3] for line in read_csv(out1)[1:]] == ["deleted"] * 100


def test_out_of_range_dates_are_one_sentence_and_exit_2_in_report_and_runs(tmp_path: Path) -> None:
    journal = tmp_path / "j.sqlite"
    with running_simulator() as sim:
        r, _ = upload(sim, journal, night_file(tmp_path / "n1.csv", ids(0, 5)))
        assert r.exit_code == 0
        out = str(tmp_path / "p.xlsx")
        for argv, what in ((["--since", "999999d"], "--since must be between the years 1 and "
                            "9999 (got '999999d')"),
                           (["--since", "2026-01-01", "--until", "9999-12-31"],
                            "--until must be between the years 1 and 9999 (got '9999-12-31')"),
                           (["--since", "0001-01-01T00:00+05:00"], "--since must be between")):
            r = report(sim, journal, "--campaign", "125", *argv, "--output", out)
            assert r.exit_code == 2 and r.stderr.startswith(f"error: {what}"), r.output
            assert len(r.stderr.splitlines()) == 1
        r = report(sim, journal, "--campaign", "125", "--since", "0001-01-02", "--output", out)
        assert r.exit_code == 0, r.output  # the very first day is a real date: all runs
        for since in ("999999d", "0001-01-01T00:00+05:00"):
            r = CliRunner().invoke(cli, ["runs", "--journal", str(journal), "--since", since])
            assert r.exit_code == 2 and r.stderr.startswith("error: --since must be between")


def test_a_resume_without_reschedule_keeps_the_runs_reschedule_and_says_so(
        tmp_path: Path) -> None:
    journal, customers, new = tmp_path / "j.sqlite", ids(0, 20), iso_in(30)
    with running_simulator() as sim:
        r, _ = upload(sim, journal, night_file(tmp_path / "n1.csv", customers))
        assert r.exit_code == 0
        n2 = night_file(tmp_path / "n2.csv", customers, new)
        sim.set_campaign_status(125, 5)
        r, s = upload(sim, journal, n2, "--reschedule", "--no-preflight")
        assert r.exit_code == 4 and s["counts"]["pending"] == 20, r.output
        sim.set_campaign_status(125, 3)
        r, s = upload(sim, journal, n2)  # --reschedule forgotten
        assert r.exit_code == 0 and s["run_id"] == "upload-2", r.output
        assert ("note: run upload-2 keeps the options it was started with: it goes on with "
                "--reschedule (not given now); add --new-run to start a new run instead"
                ) in r.stderr.splitlines()
        assert sim.records(125) == dict.fromkeys(customers, new)


def test_period_report_keeps_deletes_apart_and_a_refused_run_out_of_the_loads(
        tmp_path: Path) -> None:
    journal = tmp_path / "j.sqlite"
    with running_simulator() as sim:
        r, s1 = upload(sim, journal, night_file(tmp_path / "n1.csv", ids(0, 5)))
        assert r.exit_code == 0
        r, _ = undo(sim, journal, "upload-1")
        assert r.exit_code == 0
        sim.set_campaign_status(125, 5)
        r, _ = upload(sim, journal, night_file(tmp_path / "n2.csv", ids(10, 17)), "--no-preflight")
        assert r.exit_code == 4
        r = report(sim, journal, "--campaign", "125", "--since", "1d", "--output", "-",
                   "--format", "json")
        assert r.exit_code == 0, r.output
        doc = json.loads(r.stdout)
        this = doc["totals"]["this"]
        assert (this["loads"], this["records"], this["delete-records"]) == (1, 5, 5)
        assert [x["run"] for x in doc["runs"]] == ["upload-1", "delete-2"]
        assert [(x["run"], x["counted"]) for x in doc["not_counted"]] == [
            ("upload-3", "no: refused by the campaign before taking anything (exit 4)")]
        assert doc["runs"][0]["wall-seconds"] == round(s1["wall_seconds"], 1)


def test_reconcile_counts_this_journals_runs_under_another_spelling_of_the_endpoint(
        tmp_path: Path) -> None:
    journal = tmp_path / "j.sqlite"
    with running_simulator() as sim:
        r, _ = upload(sim, journal, night_file(tmp_path / "n1.csv", ids(0, 5)))
        assert r.exit_code == 0
        with Journal.open(journal) as j:  # as a journal from before endpoints were normalised
            old = j.create_run("upload", file_sha256="old", campaign_id=125,
                               endpoint=f"http://localhost:{sim.port}/")
            with j.transaction():
                j.add_chunk(old, 0, [2, 3, 4], ids(10, 13), [None] * 3)
                j.finish_chunk(old, 0, "accepted", 200, 1)
            j.set_state(old, "completed", exit_code=0)
            other = j.create_run("upload", file_sha256="other", campaign_id=125,
                                 endpoint="https://vcc-na12.8x8.com/api")
            j.set_state(other, "completed", exit_code=0)
        seed(sim, 125, ids(10, 13)[0], 3)
        out = tmp_path / "r.json"
        r = report(sim, journal, "upload-1", "--reconcile", "--output", str(out))
        assert r.exit_code == 0, r.output
        assert "Journal: accepted minus deleted, all runs on this campaign: 8" in r.output
        assert "Difference (campaign - journal): 0" in r.output

        seed(sim, 125, ids(20, 21)[0], 1)
        r = report(sim, journal, "upload-1", "--reconcile", "--output", str(out))
        assert ("likely cause: runs of this journal on campaign 125 through another endpoint "
                "(https://vcc-na12.8x8.com/api: upload-3) are not counted here") in r.output


def test_report_gives_open_rows_a_reason_and_zoneless_times_a_way_that_works(
        tmp_path: Path) -> None:
    journal = tmp_path / "j.sqlite"
    naive = iso_in(2).removesuffix("Z").split(".")[0]
    with running_simulator() as sim:
        f = night_file(tmp_path / "n.csv", ids(0, 10),
                       {c: naive for c in ids(0, 3)})
        sim.set_campaign_status(125, 5)
        r, s = upload(sim, journal, f, "--no-preflight")
        assert r.exit_code == 4 and s["counts"]["pending"] == 7 and s["counts"]["invalid"] == 3
        out = tmp_path / "r.xlsx"
        r = report(sim, journal, "upload-1", "--output", str(out))
        assert r.exit_code == 0, r.output
        book = openpyxl.load_workbook(out)
        rows = list(book["Failures"].iter_rows(values_only=True))
        head = list(rows[0])
        outcome, message = head.index("outcome"), head.index("reason")
        assert {x[message] for x in rows[1:] if x[outcome] == "pending"} == {
            "not sent yet: re-run the same command"}
        summary = [c for row in book["Summary"].iter_rows(values_only=True) for c in row if c]
        assert ("feed the failures file back with --timezone ZONE or --timezone-column NAME, or "
                "give the times an offset (the same file again needs --new-run: its run is "
                "finished)") in summary


def test_skip_known_progress_does_not_promise_to_send_the_known_ones(tmp_path: Path) -> None:
    journal = tmp_path / "j.sqlite"
    with running_simulator() as sim:
        r, _ = upload(sim, journal, night_file(tmp_path / "n1.csv", ids(0, 50)))
        assert r.exit_code == 0
        r, s = upload(sim, journal, night_file(tmp_path / "n2.csv", ids(0, 100)), "--skip-known")
        assert r.exit_code == 0 and s["skipped_known"] == 50 and s["sent_this_time"] == 50
        assert ("sending: at most 100 records (0 settled before; --skip-known leaves out the ones "
                "the journal knows)") in r.stderr.splitlines()


def test_a_leading_zero_id_is_the_same_number_on_results_and_failures(tmp_path: Path) -> None:
    journal = tmp_path / "j.sqlite"
    with running_simulator() as sim:
        f = write_csv(tmp_path / "n.csv", [["010000001", "2020-01-01T10:00:00Z", "x"],
                                           ["010000002", "", "x"]])
        r, s = upload(sim, journal, f)
        assert r.exit_code == 1 and s["counts"]["invalid"] == 1, r.output
        out = tmp_path / "r.xlsx"
        r = report(sim, journal, "upload-1", "--output", str(out))
        assert r.exit_code == 0, r.output
        book = openpyxl.load_workbook(out)
        results = list(book["Results"].iter_rows(values_only=True))[1:]
        failures = list(book["Failures"].iter_rows(values_only=True))[1:]
        assert [x[1] for x in results] == [10_000_001, 10_000_002]
        assert [x[1] for x in failures] == [10_000_001]
