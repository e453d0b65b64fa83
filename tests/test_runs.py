"""`runs` and `report` after real uploads and deletes (CLI, simulator over HTTP)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import openpyxl

from tests.ops_support import run_cli
from tests.upload_support import iso_in, upload, valid_rows, write_csv

FIRST = 10_000_000


def _files(tmp_path: Path) -> tuple[Path, Path]:
    a = valid_rows(40)
    a[3] = ["not-an-id", "", "=cmd|' /C calc'!A0"]  # invalid, with a formula in a cell
    a[5] = [FIRST + 5, iso_in(24 * 30), "+1 555 0100"]  # 30 days ahead: invalid
    first = write_csv(tmp_path / "monday.csv", a)
    second = write_csv(tmp_path / "tuesday.csv", valid_rows(25, start=FIRST + 1000))
    return first, second


def test_runs_after_several_runs_and_reports(simulator, tmp_path: Path) -> None:
    jp = tmp_path / "journal.sqlite"
    monday, tuesday = _files(tmp_path)
    assert upload(simulator, monday, jp).exit_code == 1
    assert upload(simulator, tuesday, jp).exit_code == 0
    res = run_cli(simulator, "delete", "--run", "upload-2", "--campaign", "125", "--base-url",
                  simulator.base_url, "--journal", str(jp), "--yes", "--quiet")
    assert res.exit_code == 0, res.output

    res = run_cli(simulator, "runs", "--journal", str(jp))
    assert res.exit_code == 0
    lines = res.output.splitlines()
    assert [ln.split()[0] for ln in lines] == ["RUN", "delete-3", "upload-2", "upload-1"]
    assert "deleted 25" in lines[1] and "from upload-2" in lines[1]
    assert "accepted 25 (undone by delete-3)" in lines[2] and str(tuesday) in lines[2]
    assert "accepted 38, invalid 2" in lines[3] and "completed" in lines[3]

    xlsx = tmp_path / "monday.xlsx"
    res = run_cli(simulator, "report", "upload-1", "--journal", str(jp), "--output", str(xlsx))
    assert res.exit_code == 0, res.output
    wb = openpyxl.load_workbook(xlsx)
    fails = wb["Failures"]
    assert [c.value for c in fails[1]] == ["row", "Customer ID", "Schedule Date Time (UTC)", "Name",
                                          "outcome", "reason"]
    formula = fails["D2"]
    assert formula.value == "=cmd|' /C calc'!A0" and formula.data_type == "s"
    assert formula.quotePrefix
    assert fails["D3"].value == "+1 555 0100" and fails["D3"].quotePrefix
    assert fails["B2"].value == "not-an-id" and fails["E2"].value == "invalid"
    assert fails.max_row == 3 and fails.auto_filter.ref == "A1:F3"
    assert wb["Results"].max_row == 41

    out_csv = tmp_path / "tuesday.csv.out.csv"
    run_cli(simulator, "report", "upload-2", "--journal", str(jp), "--output", str(out_csv))
    with out_csv.open(newline="") as f:
        rows = list(csv.reader(f))
    assert {r[3] for r in rows[1:]} == {"deleted"} and {r[7] for r in rows[1:]} == {"delete-3"}

    out_json = tmp_path / "latest.json"
    res = run_cli(simulator, "report", "--latest", "--journal", str(jp), "--reconcile",
                  "--output", str(out_json))
    doc = json.loads(out_json.read_text())
    assert doc["run"] == "delete-3"
    recon = doc["summary"]["reconciliation"]
    assert recon["campaign_records_now"] == 38
    assert recon["journal_expects"] == 38
    assert recon["difference"] == 0
    for secret in (simulator.config.action_token, simulator.config.data_token):
        for path in (out_csv, out_json, jp):
            assert secret.encode() not in path.read_bytes()


def test_runs_and_the_period_report_take_a_v1_campaigns_uuid_in_any_case(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from bulk_loader.cli import cli
    from tests.simulator_v1_fixture import RUNNING_ID, running_v1_simulator
    from tests.v1_upload_support import v1_rows, v1_upload, write_v1_csv

    jp = tmp_path / "journal.sqlite"
    with running_v1_simulator() as sim:
        result, summary = v1_upload(sim, RUNNING_ID,
                                    write_v1_csv(tmp_path / "c.csv", v1_rows(30, every=0)), jp)
    assert result.exit_code == 0 and summary is not None
    listed = CliRunner().invoke(cli, ["runs", "--journal", str(jp), "--campaign",
                                      RUNNING_ID.upper(), "--json"])
    assert listed.exit_code == 0, listed.output
    assert [json.loads(ln)["run_id"] for ln in listed.stdout.splitlines()] == [summary["run_id"]]
    period = CliRunner().invoke(cli, ["report", "--journal", str(jp), "--campaign", RUNNING_ID,
                                      "--since", "1d", "--output", "-", "--format", "json"])
    assert period.exit_code == 0, period.output
    loaded = json.loads(period.stdout)
    assert loaded["campaign"] == RUNNING_ID and loaded["totals"]["this"]["loads"] == 1


def test_a_period_report_kept_to_a_base_url_counts_the_v1_runs_sent_under_it(
        tmp_path: Path) -> None:
    from click.testing import CliRunner

    from bulk_loader.cli import cli
    from tests.simulator_v1_fixture import RUNNING_ID, running_v1_simulator
    from tests.v1_upload_support import v1_rows, v1_upload, write_v1_csv

    jp = tmp_path / "journal.sqlite"
    with running_v1_simulator() as sim:
        result, _ = v1_upload(sim, RUNNING_ID,
                              write_v1_csv(tmp_path / "c.csv", v1_rows(30, every=0)), jp)
    assert result.exit_code == 0

    def loads(base_url: str) -> int:
        period = CliRunner().invoke(cli, [
            "report", "--journal", str(jp), "--campaign", RUNNING_ID, "--since", "1d",
            "--base-url", base_url, "--output", "-", "--format", "json"])
        assert period.exit_code == 0, period.output
        return int(json.loads(period.stdout)["totals"]["this"]["loads"])

    assert loads(sim.base_url) == 1
    assert loads("http://127.0.0.1:9") == 0
