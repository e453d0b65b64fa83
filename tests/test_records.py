"""`records` and `campaign` through the real CLI against the simulator over HTTP."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import openpyxl

from tests.ops_support import run_cli, seed

FIRST = 10_000_000


def test_records_of_a_100k_campaign_streamed_to_csv(simulator, tmp_path: Path) -> None:
    seed(simulator, 125, FIRST, 100_000)
    simulator.advance(3600)  # every record has run its course: Completed, with an outcome
    out = tmp_path / "records.csv"
    res = run_cli(simulator, "records", "--campaign", "125", "--base-url", simulator.base_url,
                  "--output", str(out))
    assert res.exit_code == 0, res.output
    assert "Campaign 125: 100,000 records" in res.output
    assert "Completed (3)" in res.output and "100,000" in res.output
    assert "Max Attempt Reached (1)" in res.output and "Try Again (1001)" in res.output
    assert f"Wrote 100,000 records to {out}" in res.output
    with out.open(newline="") as f:
        rows = list(csv.reader(f))
    assert len(rows) == 100_001
    assert rows[0][:7] == ["record-id", "status", "status-name", "status-code",
                           "status-code-name", "disposition-code", "disposition-name"]
    names = {(r[3], r[4]) for r in rows[1:]}
    assert ("1", "Max Attempt Reached") in names and ("4", "Invalid Phone Number") in names
    assert {r[1:3] == ["3", "Completed"] for r in rows[1:]} == {True}


def test_records_status_filter_and_formats(simulator, tmp_path: Path) -> None:
    seed(simulator, 125, FIRST, 300)
    simulator.advance(3600)
    seed(simulator, 125, FIRST + 300, 200)  # fresh: status New
    base = ["records", "--campaign", "125", "--base-url", simulator.base_url]
    res = run_cli(simulator, *base, "--status", "new")
    assert res.exit_code == 0
    assert "Campaign 125: 500 records" in res.output
    assert "200 records with status new" in res.output

    out = tmp_path / "new.json"
    res = run_cli(simulator, *base, "--status", "New", "--output", str(out))
    doc = json.loads(out.read_text())
    assert doc["campaign-id"] == 125 and len(doc["records"]) == 200
    assert {r["status-name"] for r in doc["records"]} == {"New"}
    assert doc["summary"]["records"] == 500
    assert doc["summary"]["by-status"] == {"New (0)": 200, "Completed (3)": 300}

    xlsx = tmp_path / "all.xlsx"
    res = run_cli(simulator, *base, "--output", str(xlsx))
    assert res.exit_code == 0
    wb = openpyxl.load_workbook(xlsx)
    assert wb.sheetnames == ["Summary", "Records"]
    assert wb["Records"].max_row == 501 and wb["Records"].freeze_panes == "A2"
    assert len(wb["Summary"]._charts) == 3


def test_records_refuses_bad_status_and_extension(simulator, tmp_path: Path) -> None:
    base = ["records", "--campaign", "125", "--base-url", simulator.base_url]
    res = run_cli(simulator, *base, "--status", "Dialing")
    assert res.exit_code == 2
    assert "--status must be one of New, Queued, Accepted, Completed, Scheduled" in res.output
    res = run_cli(simulator, *base, "--output", str(tmp_path / "r.txt"))
    assert res.exit_code == 2 and "--output must end in .csv" in res.output


def test_records_of_unknown_campaign(simulator) -> None:
    res = run_cli(simulator, "records", "--campaign", "999", "--base-url", simulator.base_url)
    assert res.exit_code == 4
    assert "error: campaign 999 was not found (HTTP 404)" in res.output


def test_campaign_in_plain_words(simulator) -> None:
    seed(simulator, 125, FIRST, 18)
    res = run_cli(simulator, "campaign", "--campaign", "125", "--base-url", simulator.base_url)
    assert res.exit_code == 0, res.output
    assert 'Campaign 125 "Demo Callbacks"' in res.output
    assert "dynamic:         yes" in res.output
    assert "enabled:         yes" in res.output
    assert "state:           Manual Running (3)" in res.output
    assert "schedule window: none" in res.output
    assert "time zone:       America/New_York" in res.output
    assert "records:         18" in res.output

    res = run_cli(simulator, "campaign", "--campaign", "126", "--base-url", simulator.base_url)
    assert "schedule window: 20" in res.output and " to 20" in res.output

    res = run_cli(simulator, "campaign", "--campaign", "127", "--base-url", simulator.base_url,
                  "--json")
    facts = json.loads(res.output)
    assert facts["dynamic"] is False and facts["campaign-id"] == 127
