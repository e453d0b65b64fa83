"""`report --reconcile`: the run beside the campaign's records (simulator over HTTP), and the
one-by-one matching used when campaign records name their customer ids."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import openpyxl

from bulk_loader.journal import Journal
from bulk_loader.reports import NOT_MATCHABLE, RunReport, Workspace
from tests.ops_support import run_cli, seed

FIRST = 10_000_000


def _upload_run(j: Journal, endpoint: str, n: int) -> str:
    run = j.create_run("upload", file_sha256="x", campaign_id=125, endpoint=endpoint)
    rows = list(range(2, n + 2))
    ids = [FIRST + i for i in range(n)]
    with j.transaction():
        j.add_chunk(run, 0, rows, ids, [None] * n)
        j.finish_chunk(run, 0, "accepted", 200, 1, [
            (rows[-1], ids[-1], None, "rejected", 400, "Duplicate customer", 1)])
    j.set_state(run, "completed", exit_code=1)
    return run.run_id


def test_reconcile_against_the_simulator(simulator, tmp_path: Path) -> None:
    jp = tmp_path / "j.sqlite"
    with Journal.open(jp) as j:
        up = _upload_run(j, simulator.base_url, 50)
    seed(simulator, 125, FIRST, 49)  # what the run got accepted...
    seed(simulator, 125, FIRST + 1000, 5)  # ...plus 5 records from elsewhere
    simulator.advance(3600)
    out = tmp_path / "r.xlsx"
    res = run_cli(simulator, "report", up, "--journal", str(jp), "--reconcile", "--output",
                  str(out))
    assert res.exit_code == 0, res.output
    assert "Campaign records now: 54" in res.output
    assert "Journal: accepted minus deleted, all runs on this campaign: 49" in res.output
    assert "Difference (campaign - journal): 5" in res.output
    assert "campaign by-status: Completed (3) 54" in res.output
    assert NOT_MATCHABLE in res.output
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["Summary", "Results", "Failures", "Campaign"]
    assert wb["Campaign"].max_row == 55
    assert [c.value for c in wb["Campaign"][1]][:2] == ["record-id", "status"]
    assert wb["Campaign"]["B2"].value == "Completed (3)"
    kinds = sorted(type(c).__name__ for c in wb["Summary"]._charts)
    assert kinds == ["BarChart", "BarChart", "BarChart", "BarChart", "PieChart"]  # + reasons


def test_reconcile_uses_the_run_endpoint_and_refuses_another(simulator, tmp_path: Path) -> None:
    jp = tmp_path / "j.sqlite"
    with Journal.open(jp) as j:
        up = _upload_run(j, simulator.base_url, 3)
    res = run_cli(simulator, "report", up, "--journal", str(jp), "--reconcile",
                  "--base-url", "http://127.0.0.1:1", "--output", str(tmp_path / "r.json"))
    assert res.exit_code == 2 and f"was sent to {simulator.base_url}" in res.output
    res = run_cli(simulator, "report", up, "--journal", str(jp), "--reconcile",
                  "--output", str(tmp_path / "r.json"))
    doc = json.loads((tmp_path / "r.json").read_text())
    assert doc["summary"]["reconciliation"]["campaign_records_now"] == 0


def test_one_by_one_matching_flags_records_deleted_since(tmp_path: Path) -> None:
    with Journal.open(tmp_path / "j.sqlite") as j:
        up = _upload_run(j, "http://x", 6)  # ids FIRST..FIRST+4 accepted, FIRST+5 rejected
        campaign = [{"record-id": 1 + i, "customer-id": FIRST + i, "status": 3,
                     "status-code": 1, "disposition-code": 1001} for i in (0, 1, 2, 5)]
        campaign.append({"record-id": 9, "customer-id": 42, "status": 0, "status-code": 0,
                         "disposition-code": 1000})
        with Workspace() as ws:
            rep = RunReport(j, j.get_run(up), ws)
            rep.load_deletions()
            rep.load_campaign(iter(campaign))
            assert rep.matchable
            rows = list(rep.rows())
            facts = dict(rep.reconcile_facts())
            camp = list(rep.campaign_rows())
    by_id = {r[1]: r for r in rows}
    assert by_id[FIRST][8:] == ("yes", "Completed (3)", "Max Attempt Reached (1)",
                                "Try Again (1001)", "")
    assert by_id[FIRST + 3][8] == "no"
    assert by_id[FIRST + 3][12] == "deleted since: not in the campaign any more"
    assert by_id[FIRST + 5][12] == ""  # rejected: never ours, nothing to flag
    assert facts["  found in the campaign"] == 3
    assert facts["  not in the campaign (deleted since)"] == 2
    assert facts["Campaign records not from this run"] == 2  # FIRST+5 (rejected) and 42
    assert [c[-1] for c in camp] == ["yes", "yes", "yes", "no", "no"]


def test_report_csv_with_reconcile_columns_when_matchable(tmp_path: Path) -> None:
    from bulk_loader.reports import write_run_report

    with Journal.open(tmp_path / "j.sqlite") as j:
        up = _upload_run(j, "http://x", 2)
        with Workspace() as ws:
            rep = RunReport(j, j.get_run(up), ws)
            rep.load_campaign(iter([{"record-id": 1, "customer-id": FIRST, "status": 4,
                                     "status-code": 0, "disposition-code": 1000}]))
            write_run_report(tmp_path / "r.csv", rep)
    with (tmp_path / "r.csv").open(newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0][-5:] == ["in-campaign", "campaign-status", "campaign-status-code",
                            "campaign-disposition", "check"]
    assert rows[1][-5:] == ["yes", "Scheduled (4)", "Default (0)", "None (1000)", ""]
