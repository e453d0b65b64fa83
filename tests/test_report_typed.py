"""A run's XLSX for a campaign manager: local typed times, ids of one type, the Summary's tables
and charts, print setup; per-row results past the sheet limit left to a CSV; reconciliation that
names causes and commands. Uploads go to the simulator over HTTP; workbooks are read with
openpyxl."""

from __future__ import annotations

import csv
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import openpyxl
from openpyxl.worksheet.worksheet import Worksheet

from bulk_loader.journal import Journal
from bulk_loader.reports import RunReport, Workspace, write_run_report
from tests.ops_support import run_cli
from tests.upload_support import iso_in, upload, write_csv

TOKYO = ZoneInfo("Asia/Tokyo")


def _local(iso: str, zone: ZoneInfo) -> datetime:
    return datetime.fromisoformat(iso).astimezone(zone).replace(tzinfo=None)


def _close(a: Any, b: datetime) -> bool:
    return isinstance(a, datetime) and abs(a - b) < timedelta(milliseconds=2)


def _table(ws: Worksheet, title: str, width: int) -> list[list[Any]]:
    """The rows of the Summary table headed `title` (its header row is below the title)."""
    top = next(c.row for c in ws["A"] if c.value == title) + 1
    out = []
    for r in range(top + 1, ws.max_row + 1):
        row = [ws.cell(r, k).value for k in range(1, width + 1)]
        if row[0] is None:
            break
        out.append(row)
    return out


def _upload(sim, tmp_path: Path) -> tuple[Path, list[str]]:
    times = [iso_in(5), iso_in(30), "", iso_in(2), iso_in(3), iso_in(4)]
    ids: list[Any] = [10_000_001, 10_000_002, 10_000_003, 20_000_001, 20_000_002, "12x"]
    path = write_csv(tmp_path / "calls.csv", [[i, t, f"n{k}"] for k, (i, t) in
                                              enumerate(zip(ids, times, strict=True))])
    jp = tmp_path / "j.sqlite"
    res = upload(sim, path, jp)
    assert res.exit_code == 1, res.output  # 2 not in the CRM, 1 invalid
    return jp, times


def test_xlsx_times_are_local_dates_and_ids_numbers_on_every_sheet(simulator,
                                                                   tmp_path: Path) -> None:
    jp, times = _upload(simulator, tmp_path)
    out = tmp_path / "r.xlsx"
    res = run_cli(simulator, "report", "upload-1", "--journal", str(jp), "--output", str(out),
                  "--timezone", "Asia/Tokyo")
    assert res.exit_code == 0, res.output
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["Summary", "Results", "Failures"]
    assert all(c.data_type != "f" for ws in wb for row in ws.iter_rows() for c in row)

    results = list(wb["Results"].iter_rows(values_only=True))
    assert results[0][:3] == ("row", "customer-id", "schedule-date-time (Asia/Tokyo)")
    assert _close(results[1][2], _local(times[0], TOKYO))
    assert _close(results[2][2], _local(times[1], TOKYO))
    assert results[3][2] is None  # no call time
    assert wb["Results"]["C2"].number_format == "yyyy-mm-dd hh:mm"
    assert [r[1] for r in results[1:]] == [10_000_001, 10_000_002, 10_000_003, 20_000_001,
                                           20_000_002, "12x"]

    failures = list(wb["Failures"].iter_rows(values_only=True))
    assert failures[0] == ("row", "Customer ID", "Schedule Date Time (Asia/Tokyo)", "Name",
                           "outcome", "reason")
    # The CSV's text ids are numbers here too: a lookup between the sheets matches.
    assert [r[1] for r in failures[1:]] == [20_000_001, 20_000_002, "12x"]
    assert _close(failures[1][2], _local(times[3], TOKYO))
    assert {r[1] for r in failures[1:3]} <= {r[1] for r in results[1:]}

    summary = wb["Summary"]
    facts = {r[0]: r[1] for r in summary.iter_rows(values_only=True) if r[0]}
    started = facts["Started (Asia/Tokyo)"]
    with Journal.open(jp) as j:
        created = j.get_run("upload-1").created_at
    assert created is not None and _close(started, _local(created, TOKYO))


def test_summary_tables_charts_and_print_setup(simulator, tmp_path: Path) -> None:
    jp, _ = _upload(simulator, tmp_path)
    out = tmp_path / "r.xlsx"
    res = run_cli(simulator, "report", "upload-1", "--journal", str(jp), "--output", str(out))
    assert res.exit_code == 0, res.output
    wb = openpyxl.load_workbook(out)
    ws = wb["Summary"]
    assert _table(ws, "Outcomes of this run", 2)[:3] == [["accepted", 3], ["rejected", 2], ["invalid", 1]]
    reasons = _table(ws, "Top reasons records were not taken", 3)
    assert reasons == [["not in the CRM", "The customer-id has not been found.", 2],
                       ["customer id is not a number",
                        "Invalid customer-id: must be a positive integer", 1]]
    needs = {r[0]: r[1:] for r in _table(ws, "What each group needs", 3)}
    assert needs == {
        "not in the CRM": ["add the customers to the Contact Center CRM (or correct the ids), "
                           "then feed the failures file back", 2],
        "customer id is not a number": ["fix the customer id in the failures file and feed it "
                                        "back", 1]}

    charts = {c.title.tx.rich.p[0].r[0].t: c for c in ws._charts}
    assert set(charts) == {"Outcomes of this run", "Top reasons records were not taken"}
    top = next(c.row for c in ws["A"] if c.value == "Reason")
    series = charts["Top reasons records were not taken"].series[0]
    assert series.val.numRef.f == f"Summary!$C${top + 1}:$C${top + 2}"
    assert series.cat.strRef.f == f"Summary!$A${top + 1}:$A${top + 2}"

    styles = {t.tableStyleInfo.name for t in ws.tables.values()}
    assert styles == {"TableStyleMedium2"} and len(ws.tables) >= 4
    assert ws.freeze_panes == "A2"
    for sheet in wb:
        assert sheet.page_setup.orientation == "landscape"
        assert sheet.sheet_properties.pageSetUpPr.fitToPage
        # fitToWidth 1 is the file format's default, which XlsxWriter leaves out.
        assert (sheet.page_setup.fitToWidth or 1, sheet.page_setup.fitToHeight) == (1, 0)
    assert "(UTC)" in str(wb["Results"]["C1"].value)  # no zone given, none in the run: UTC


def test_reconciled_report_uses_the_campaign_zone_and_names_causes(simulator,
                                                                   tmp_path: Path) -> None:
    jp, times = _upload(simulator, tmp_path)
    with Journal.open(jp) as j:  # a run that failed before sending, and one left unfinished
        j.set_state(j.create_run("upload", file_sha256="f", campaign_id=125,
                                 endpoint=simulator.base_url), "failed", exit_code=2)
        open_run = j.create_run("upload", file_sha256="o", campaign_id=125,
                                endpoint=simulator.base_url)
        with j.transaction():
            j.add_chunk(open_run, 0, [2, 3], [10_000_050, 10_000_051], [None, None])
        j.set_state(open_run, "interrupted", exit_code=130)
    out = tmp_path / "r.xlsx"
    res = run_cli(simulator, "report", "upload-1", "--journal", str(jp), "--reconcile",
                  "--output", str(out))
    assert res.exit_code == 0, res.output
    assert "Runs counted (2): upload-1, upload-3" in res.output
    assert "Runs not counted (1): upload-2 (failed before sending (exit 2))" in res.output
    assert "Unfinished runs: upload-3 (2 records open)" in res.output
    assert "Difference (campaign - journal): 0" in res.output
    wb = openpyxl.load_workbook(out)
    ny = ZoneInfo("America/New_York")  # campaign 125's own zone, from its status
    assert wb["Results"]["C1"].value == "schedule-date-time (America/New_York)"
    assert _close(wb["Results"]["C2"].value, _local(times[0], ny))

    # Records removed behind the journal's back: the difference comes with causes.
    with Journal.open(jp) as j, Workspace() as ws:
        rep = RunReport(j, j.get_run("upload-1"), ws)
        rep.load_campaign(iter([{"record-id": 1, "status": 3}]))  # 1 left of 3
        facts = dict(rep.reconcile_facts())
        advice = rep.advice()
    assert facts["Difference (campaign - journal)"] == -2
    causes = [c for c, _ in advice]
    assert causes[0] == "upload-3 is unfinished: 2 records not sent or not answered yet"
    assert causes[1] == "2 records removed in Configuration Manager or by a purge of the campaign"
    assert "bulk-loader campaign --campaign 125" in advice[1][1]
    assert "bulk-loader records --campaign 125 --output records.csv" in advice[1][1]


def test_results_past_the_sheet_limit_go_to_a_csv_the_summary_names(tmp_path: Path) -> None:
    with Journal.open(tmp_path / "j.sqlite") as j:
        run = j.create_run("upload", campaign_id=125, endpoint="http://127.0.0.1:9")
        rows, ids = list(range(2, 14)), [10_000_000 + i for i in range(12)]
        with j.transaction():
            j.add_chunk(run, 0, rows, ids, [None] * 12)
            j.finish_chunk(run, 0, "accepted", 200, 1, [
                (13, ids[-1], None, "rejected", 404, "The customer-id has not been found.", 1)])
        j.set_state(run, "completed", exit_code=1)
        out = tmp_path / "big.xlsx"
        with Workspace() as ws:
            rep = RunReport(j, j.refresh(run), ws)
            rep.load_campaign(iter([{"record-id": i, "status": 4} for i in range(11)]), True, 5)
            parts = write_run_report(out, rep, sheet_max=5)
    assert parts == [("Failures", 1), ("big.results.csv", 12)]  # no Campaign sheet either
    with (tmp_path / "big.results.csv").open(newline="") as f:
        side = list(csv.reader(f))
    assert len(side) == 13 and side[12][3] == "rejected"
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["Summary", "Failures"]
    notes = [c.value for c in wb["Summary"]["A"] if isinstance(c.value, str)]
    assert ("Per-row results: 12 rows, in big.results.csv beside this workbook (no Results "
            "sheet: past 5 rows a sheet takes minutes to write and Excel struggles to open it; "
            "the Summary and Failures cover the whole run).") in notes
    assert ("The campaign's 11 records are counted here, not listed (past 5 rows a sheet takes "
            "minutes to write and Excel struggles to open it): `bulk-loader records --campaign "
            "125 --output records.csv` writes every one.") in notes
    breakdown = next(c.row for c in wb["Summary"]["A"] if c.value == "Campaign records by status")
    assert wb["Summary"].cell(breakdown + 2, 1).value == "Scheduled (4)"
    assert wb["Summary"].cell(breakdown + 2, 2).value == 11


def test_excel_date_cells_of_the_input_move_to_the_report_zone(simulator,
                                                               tmp_path: Path) -> None:
    """An Excel date cell has no zone: the upload read it in --timezone (London); the Failures
    sheet of a Tokyo report shows it in Tokyo time, like every other time."""
    london = ZoneInfo("Europe/London")
    when = (datetime.now(london) + timedelta(hours=30)).replace(tzinfo=None, second=0,
                                                                 microsecond=0)
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["customer-id", "schedule-date-time"])
    sheet.append([10_000_001, when])
    sheet.append([20_000_001, when])  # not in the CRM: a failure with its date cell
    path = tmp_path / "calls.xlsx"
    book.save(path)
    jp = tmp_path / "j.sqlite"
    assert upload(simulator, path, jp, "--timezone", "Europe/London").exit_code == 1
    out = tmp_path / "r.xlsx"
    res = run_cli(simulator, "report", "upload-1", "--journal", str(jp), "--output", str(out),
                  "--timezone", "Asia/Tokyo")
    assert res.exit_code == 0, res.output
    wb = openpyxl.load_workbook(out)
    failures = list(wb["Failures"].iter_rows(values_only=True))
    assert failures[0][2] == "schedule-date-time (Asia/Tokyo)"
    expected = when.replace(tzinfo=london).astimezone(TOKYO).replace(tzinfo=None)
    assert failures[1][1] == 20_000_001 and _close(failures[1][2], expected)
    assert _close(wb["Results"]["C2"].value, expected)  # the same moment on both sheets
