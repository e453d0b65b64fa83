"""`report` and `runs` on journals built with the journal's own API (no network)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import openpyxl
from click.testing import CliRunner

from bulk_loader.cli import cli
from bulk_loader.journal import Journal, holdings

ENDPOINT = "http://127.0.0.1:9"


def _upload_run(j: Journal, n: int = 10, campaign: int = 125) -> str:
    """n rows: rows 2..n+1; the last two rejected, plus one invalid row with a formula id."""
    run = j.create_run("upload", file_path="/gone/customers.csv", file_sha256="abc",
                       campaign_id=campaign, endpoint=ENDPOINT, settings={})
    rows = list(range(2, n + 2))
    ids = [10_000_000 + i for i in range(n)]
    with j.transaction():
        j.add_chunk(run, 0, rows, ids, [None] * n)
        j.add_invalid(run, [(n + 2, "=HYPERLINK(\"http://x\")", None, "Invalid customer-id")])
        j.add_rows_count(run, n + 1)
        j.finish_chunk(run, 0, "accepted", 200, 1, [
            (rows[-1], ids[-1], None, "rejected", 400, "Duplicate customer", 1),
            (rows[-2], ids[-2], None, "rejected", 404, "The customer-id has not been found.", 1),
        ])
    j.set_state(run, "completed", exit_code=1)
    return run.run_id


def _delete_run(j: Journal, source: str, ids: list[int], rows: list[int]) -> str:
    run = j.create_run("delete", campaign_id=125, endpoint=ENDPOINT, source_run=source)
    with j.transaction():
        j.add_chunk(run, 0, rows, ids, [None] * len(ids))
        j.finish_chunk(run, 0, "deleted", 204, 1, [])
        holdings.release(j.conn, j.scope(run), run.seq, ids)  # as a delete does (delete/_send.py)
    j.set_state(run, "completed", exit_code=0)
    return run.run_id


def _report(journal: Path, *args: str):
    return CliRunner().invoke(cli, ["report", *args, "--journal", str(journal)],
                              catch_exceptions=False)


def test_report_each_format(tmp_path: Path) -> None:
    jp = tmp_path / "j.sqlite"
    with Journal.open(jp) as j:
        up = _upload_run(j)
    csv_out = tmp_path / "r.csv"
    res = _report(jp, up, "--output", str(csv_out))
    assert res.exit_code == 0, res.output
    assert f"Report of {up} (upload, completed), campaign 125" in res.output
    assert "accepted  8" in res.output and "rejected  2" in res.output
    assert "invalid   1" in res.output
    with csv_out.open(newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["row", "customer-id", "schedule-date-time", "outcome", "http-status",
                       "message", "attempts", "deleted-by"]
    assert rows[1][:5] == ["2", "10000000", "", "accepted", "200"]
    assert rows[10][3:6] == ["rejected", "400", "Duplicate customer"]
    assert rows[11][1] == "'=HYPERLINK(\"http://x\")"  # formula injection defused
    assert len(rows) == 12

    js = tmp_path / "r.json"
    _report(jp, "--latest", "--output", str(js))
    doc = json.loads(js.read_text())
    assert doc["run"] == up and len(doc["records"]) == 11
    assert doc["summary"]["outcomes"] == {"accepted": 8, "rejected": 2, "invalid": 1}

    xlsx = tmp_path / "r.xlsx"
    res = _report(jp, up, "--output", str(xlsx))
    assert "Wrote" in res.output and "Results 11; Failures 3" in res.output
    wb = openpyxl.load_workbook(xlsx)
    assert wb.sheetnames == ["Summary", "Results", "Failures"]
    fails = wb["Failures"]
    assert [c.value for c in fails[1]] == ["row", "customer-id", "schedule-date-time (UTC)",
                                          "outcome", "reason"]
    assert fails.auto_filter.ref == "A1:E4" and fails.freeze_panes == "A2"
    bad = fails["B4"]
    assert bad.value == "=HYPERLINK(\"http://x\")" and bad.data_type == "s" and bad.quotePrefix
    summary = wb["Summary"]
    assert [type(c).__name__ for c in summary._charts] == ["BarChart", "BarChart"]  # + reasons
    values = {r[0]: r[1] for r in summary.iter_rows(values_only=True) if r[0]}
    assert values["Run"] == up and values["accepted"] == 8 and values["Failures"] == 3


def test_undone_upload_shows_as_deleted(tmp_path: Path) -> None:
    jp = tmp_path / "j.sqlite"
    with Journal.open(jp) as j:
        up = _upload_run(j)
        dl = _delete_run(j, up, [10_000_000 + i for i in range(8)], list(range(2, 10)))
    out = tmp_path / "r.csv"
    res = _report(jp, up, "--output", str(out))
    assert "deleted   8" in res.output
    assert f"removed since by {dl}: 8" in res.output
    with out.open(newline="") as f:
        rows = list(csv.reader(f))
    assert rows[1][3] == "deleted" and rows[1][7] == dl
    assert rows[1][5] == f"accepted, then removed by {dl}"
    assert rows[10][3] == "rejected" and rows[10][7] == ""

    res = CliRunner().invoke(cli, ["runs", "--journal", str(jp)])
    assert res.exit_code == 0
    lines = res.output.splitlines()
    assert lines[0].split()[:4] == ["RUN", "KIND", "CAMPAIGN", "STATE"]
    assert lines[1].startswith(dl) and "deleted 8" in lines[1] and f"from {up}" in lines[1]
    assert lines[2].startswith(up)
    assert "accepted 8, rejected 2, invalid 1 (undone by " + dl + ")" in lines[2]


def test_runs_json_and_empty_journal(tmp_path: Path) -> None:
    jp = tmp_path / "j.sqlite"
    res = CliRunner().invoke(cli, ["runs", "--journal", str(jp)])
    assert res.exit_code == 2 and "there is no journal at" in res.output
    with Journal.open(jp) as j:
        ids = [_upload_run(j) for _ in range(3)]
    res = CliRunner().invoke(cli, ["runs", "--journal", str(jp), "--json"])
    items = [json.loads(x) for x in res.output.splitlines()]
    assert [i["run_id"] for i in items] == ids[::-1]
    assert items[0]["counts"] == {"accepted": 8, "rejected": 2, "invalid": 1}


def test_report_usage_errors(tmp_path: Path) -> None:
    jp = tmp_path / "j.sqlite"
    with Journal.open(jp) as j:
        up = _upload_run(j)
    res = _report(jp, "--output", str(tmp_path / "r.csv"))
    assert res.exit_code == 2 and "give a RUN_ID" in res.output
    res = _report(jp, "upload-99", "--output", str(tmp_path / "r.csv"))
    assert res.exit_code == 2 and "no run 'upload-99'" in res.output
    res = _report(jp, up, "--output", str(tmp_path / "r.pdf"))
    assert res.exit_code == 2 and "--output must end in" in res.output


def test_failures_sheet_lists_records_left_in_flight(tmp_path: Path) -> None:
    """A run killed mid-send: the records in flight are as unfinished as the pending ones."""
    jp = tmp_path / "j.sqlite"
    with Journal.open(jp) as j:
        run = j.create_run("upload", campaign_id=125, endpoint=ENDPOINT)
        with j.transaction():
            j.add_chunk(run, 0, [2, 3], [10_000_001, 10_000_002], [None, None])
            j.add_chunk(run, 1, [4], [10_000_003], [None])
            j.mark_in_flight(run, 0)
        j.set_state(run, "stopped", exit_code=3)
    out = tmp_path / "r.xlsx"
    res = _report(jp, run.run_id, "--output", str(out))
    assert res.exit_code == 0, res.output
    book = openpyxl.load_workbook(out, read_only=True)
    failures = list(book["Failures"].iter_rows(values_only=True))[1:]
    assert [(r[0], r[3]) for r in failures] == [(2, "pending"), (3, "pending"), (4, "pending")]
