"""`delete` through the real CLI against the simulator over real HTTP."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from bulk_loader.delete import DeleteOptions, run_delete
from bulk_loader.journal import Journal
from tests.ops_support import run_cli, seed
from tests.simulator_fixture import running_simulator

FIRST = 10_000_000


def ids_file(path: Path, ids: list[object], extra: str = "note") -> Path:
    with path.open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["Customer ID", "Schedule Date Time", extra])
        for i in ids:
            w.writerow([i, "2001-01-01T00:00:00Z", "x"])  # a past time must not matter here
    return path


def delete_cli(sim, journal: Path, *args: str):
    return run_cli(sim, "delete", *args, "--campaign", "125", "--base-url", sim.base_url,
                   "--journal", str(journal), "--quiet")


def test_delete_from_a_file_counts_absent_apart(simulator, tmp_path: Path) -> None:
    seed(simulator, 125, FIRST, 100)
    f = ids_file(tmp_path / "optout.csv", [FIRST + i for i in range(80)] + [FIRST + 500 + i
                                                                          for i in range(5)])
    jp = tmp_path / "j.sqlite"
    res = delete_cli(simulator, jp, str(f), "--yes")
    assert res.exit_code == 0, res.output
    assert "run delete-1: completed (exit code 0), campaign 125, 85 records from" in res.output
    assert "deleted   80" in res.output
    assert "absent     5  (already not in the campaign)" in res.output
    left = simulator.records(125)
    assert sorted(left) == [FIRST + i for i in range(80, 100)]

    again = delete_cli(simulator, jp, str(f), "--yes", "--json")  # finished: nothing is sent
    summary = json.loads(again.output)
    assert again.exit_code == 0 and "already finished" in summary["note"]
    assert summary["counts"]["deleted"] == 80 and summary["counts"]["absent"] == 5


def test_delete_file_with_a_bad_id_exits_1(simulator, tmp_path: Path) -> None:
    seed(simulator, 125, FIRST, 3)
    f = ids_file(tmp_path / "ids.csv", [FIRST, FIRST + 1, "abc", FIRST + 2])
    res = delete_cli(simulator, tmp_path / "j.sqlite", str(f), "--yes", "--json")
    summary = json.loads(res.output)
    assert res.exit_code == 1
    assert summary["counts"] == {"deleted": 3, "absent": 0, "busy": 0, "left": 0, "rejected": 0,
                                 "invalid": 1, "failed": 0, "pending": 0}
    assert simulator.records(125) == {}


def test_delete_refuses_without_terminal_or_yes(simulator, tmp_path: Path) -> None:
    seed(simulator, 125, FIRST, 2)
    f = ids_file(tmp_path / "ids.csv", [FIRST, FIRST + 1])
    jp = tmp_path / "j.sqlite"
    res = delete_cli(simulator, jp, str(f))
    assert res.exit_code == 2
    assert res.output.strip() == ("error: refusing to delete without confirmation: there is no "
                                  "terminal to ask on, so add --yes")
    assert len(simulator.records(125)) == 2 and not jp.exists()


def test_declined_confirmation_sends_nothing_then_resumes(simulator, tmp_path: Path) -> None:
    seed(simulator, 125, FIRST, 4)
    f = ids_file(tmp_path / "ids.csv", [FIRST + i for i in range(4)])
    asked: list[str] = []

    def opts(answer: bool) -> DeleteOptions:
        return DeleteOptions(campaign_id=125, endpoint=simulator.base_url,
                             credentials=simulator.credentials, journal_path=tmp_path / "j",
                             file=f, confirm=lambda text: asked.append(text) or answer)

    no = run_delete(opts(False))
    assert no.exit_code == 2 and no.summary["state"] == "declined"
    assert asked[0].startswith('Delete 4 records from campaign 125 ("Demo Callbacks") at http')
    assert len(simulator.records(125)) == 4
    yes = run_delete(opts(True))
    assert yes.exit_code == 0 and yes.summary["counts"]["deleted"] == 4
    assert simulator.records(125) == {}


def test_delete_run_undoes_an_upload(simulator, tmp_path: Path) -> None:
    from tests.upload_support import upload, valid_rows, write_csv

    jp = tmp_path / "j.sqlite"
    up_file = write_csv(tmp_path / "customers.csv", valid_rows(300))
    up = upload(simulator, up_file, jp)
    assert up.exit_code == 0, up.output
    seed(simulator, 125, FIRST + 5000, 7)  # someone else's records stay
    res = delete_cli(simulator, jp, "--run", "upload-1", "--yes")
    assert res.exit_code == 0, res.output
    assert "300 records from upload-1" in res.output and "deleted   300" in res.output
    assert sorted(simulator.records(125)) == [FIRST + 5000 + i for i in range(7)]

    out = tmp_path / "up.csv"
    rep = run_cli(simulator, "report", "upload-1", "--journal", str(jp), "--output", str(out))
    assert "deleted   300" in rep.output and "removed since by delete-2: 300" in rep.output
    runs = run_cli(simulator, "runs", "--journal", str(jp))
    assert "(undone by delete-2)" in runs.output

    wrong = run_cli(simulator, "delete", "--run", "upload-1", "--campaign", "126", "--base-url",
                    simulator.base_url, "--journal", str(jp), "--yes")
    assert wrong.exit_code == 2
    assert "error: run upload-1 loaded campaign 125, not 126" in wrong.output
    not_upload = delete_cli(simulator, jp, "--run", "delete-2", "--yes")
    assert "--run must name an upload run; delete-2 is a delete run" in not_upload.output


def test_delete_uses_the_data_token_when_the_action_token_is_refused(tmp_path: Path) -> None:
    with running_simulator(delete_token="data") as sim:
        seed(sim, 125, FIRST, 3)
        f = ids_file(tmp_path / "ids.csv", [FIRST, FIRST + 1, FIRST + 2])
        res = run_cli(sim, "delete", str(f), "--campaign", "125", "--base-url", sim.base_url,
                      "--journal", str(tmp_path / "j"), "--yes")
        assert res.exit_code == 0, res.output
        assert "DELETE accepted the data token" in res.output
        assert sim.records(125) == {}


def test_delete_of_unknown_campaign_stops_before_creating_a_run(simulator, tmp_path: Path) -> None:
    f = ids_file(tmp_path / "ids.csv", [FIRST])
    jp = tmp_path / "j.sqlite"
    res = run_cli(simulator, "delete", str(f), "--campaign", "999", "--base-url",
                  simulator.base_url, "--journal", str(jp), "--yes")
    assert res.exit_code == 4 and "campaign 999 was not found" in res.output
    with Journal.open(jp) as j:
        assert j.list_runs() == []
