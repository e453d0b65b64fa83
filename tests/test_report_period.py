"""The period report: real uploads to the simulator over two simulated weeks, then
`report --campaign --since --until` read back as XLSX (openpyxl), CSV on stdout and JSON.

The journal's clock (bulk_loader.journal.clock.now) and the simulator's clock are moved together to
each run's moment; the records carry no call time, so nothing else depends on the real clock.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from click.testing import CliRunner

from bulk_loader.cli import cli
from bulk_loader.journal import Journal
from bulk_loader.journal import clock as journal_clock
from tests.upload_support import env_for, upload, write_csv

NY = ZoneInfo("America/New_York")
PERIOD = ["--since", "2026-11-09", "--until", "2026-11-15", "--timezone", "America/New_York"]


def _at(when: datetime, monkeypatch: pytest.MonkeyPatch, sim) -> None:
    """Make `when` the journal's and the simulator's now (the journal's keeps ticking)."""
    real = datetime.now(UTC)
    # The journal reads the time through its public `clock.now` at each stamp.
    monkeypatch.setattr(journal_clock, "now", lambda: when + (datetime.now(UTC) - real))
    sim.set_now(when)


def _rows(ids: list[object]) -> list[list[object]]:
    return [[i, "", f"name {n}"] for n, i in enumerate(ids)]


@pytest.fixture
def two_weeks(simulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Runs on campaign 125: one the week before the period, four in it (two that are not
    loads), one after it. Times are New York's."""
    jp = tmp_path / "j.sqlite"
    plan = [
        # (local time, file rows or None for a file without an id column)
        (datetime(2026, 11, 3, 10, 0), _rows([10_000_000 + i for i in range(5)] + ["abc"])),
        # 23:30 in New York is already the 10th in UTC: counted on the 9th, the local day.
        (datetime(2026, 11, 9, 23, 30),
         _rows([10_000_010 + i for i in range(4)] + [20_000_001, 20_000_002])),
        (datetime(2026, 11, 11, 9, 0), _rows([10_000_020 + i for i in range(3)] + ["12x"])),
        (datetime(2026, 11, 11, 10, 0), None),  # fails before sending: exit 2
        (datetime(2026, 11, 12, 8, 0), []),  # a header and no rows: an empty delta, exit 0
        (datetime(2026, 11, 16, 12, 0), _rows([10_000_030, 10_000_031])),  # after the period
    ]
    for n, (local, rows) in enumerate(plan):
        _at(local.replace(tzinfo=NY).astimezone(UTC), monkeypatch, simulator)
        path = tmp_path / f"night-{n}.csv"
        if rows is None:
            write_csv(path, [["x", "y"]], headers=["Name", "Phone"])
        else:
            write_csv(path, rows)
        res = upload(simulator, path, jp, "--no-preflight")
        assert res.exit_code == (2 if n == 3 else 1 if n in (0, 1, 2) else 0), res.output
    # A run killed while its file was being read: journaled, no rows.
    _at(datetime(2026, 11, 13, 7, 0, tzinfo=NY).astimezone(UTC), monkeypatch, simulator)
    with Journal.open(jp) as j:
        j.create_run("upload", file_path=str(tmp_path / "killed.csv"), file_sha256="k",
                     campaign_id=125, endpoint=simulator.base_url)
    monkeypatch.setattr(journal_clock, "now", lambda: datetime.now(UTC))
    yield jp


def _report(sim, jp: Path, *args: str):
    return CliRunner().invoke(cli, ["report", "--campaign", "125", *PERIOD, "--journal",
                                    str(jp), *args], env=env_for(sim), catch_exceptions=False)


def test_period_xlsx_per_day_figures_charts_and_previous_week(simulator, two_weeks: Path,
                                                              tmp_path: Path) -> None:
    out = tmp_path / "week.xlsx"
    res = _report(simulator, two_weeks, "--output", str(out))
    assert res.exit_code == 0, res.output
    assert "2 loads (previous period 1), 3 runs not counted" in res.output
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["Summary", "Runs", "Not counted"]
    ws = wb["Summary"]
    cells = {(c.row, c.column): c for row in ws.iter_rows() for c in row}
    assert all(c.data_type != "f" for s in wb for row in s.iter_rows() for c in row)

    # The per-day table: every local day of the period, dates as dates.
    head = next(r for (r, col), c in cells.items() if col == 1 and c.value == "Day")
    days = [[ws.cell(head + k, col).value for col in range(1, 6)] for k in range(1, 8)]
    assert [d[0] for d in days] == [datetime(2026, 11, d) for d in range(9, 16)]
    assert ws.cell(head + 1, 1).number_format == "yyyy-mm-dd"
    by_day = {d[0].day: d[1:] for d in days}
    assert by_day[9] == [4, 0, 2, 0]  # accepted, already-present, rejected, invalid
    assert by_day[10] == [0, 0, 0, 0]  # not the UTC day of the 23:30 run
    assert by_day[11] == [3, 0, 0, 1]
    assert sum(sum(v) for v in by_day.values()) == 10

    # The stacked chart reads exactly that table: four series, categories the days.
    charts = {c.title.tx.rich.p[0].r[0].t: c for c in ws._charts}
    per_day = charts["Records per day (America/New_York)"]
    refs = [s.val.numRef.f for s in per_day.series]
    assert refs == [f"Summary!${col}${head + 1}:${col}${head + 7}" for col in "BCDE"]
    assert per_day.series[0].cat.numRef.f == f"Summary!$A${head + 1}:$A${head + 7}"
    assert per_day.grouping == "stacked"

    # This period against the previous one (the week before).
    top = next(r for (r, col), c in cells.items() if col == 1 and c.value == "Figure")
    figures = {ws.cell(r, 1).value: [ws.cell(r, k).value for k in range(2, 6)]
               for r in range(top + 1, top + 11)}
    assert figures["loads"] == [2, 1, 1, 100.0]
    assert figures["accepted"] == [7, 5, 2, 40.0]
    assert figures["rejected"] == [2, 0, 2, None]
    assert figures["invalid"] == [1, 1, 0, 0.0]

    # Top reasons over the period, in plain words beside the vendor's message.
    top = next(r for (r, col), c in cells.items() if col == 1 and c.value == "Reason")
    reasons = [[ws.cell(r, k).value for k in range(1, 4)] for r in (top + 1, top + 2)]
    assert reasons == [["not in the CRM", "The customer-id has not been found.", 2],
                       ["customer id is not a number",
                        "Invalid customer-id: must be a positive integer", 1]]

    runs = list(wb["Runs"].iter_rows(values_only=True))
    assert runs[0][:3] == ("started (America/New_York)", "run", "kind")
    started = [r[0].replace(second=0, microsecond=0) for r in runs[1:]]  # the clock ticks on
    assert started == [datetime(2026, 11, 9, 23, 30), datetime(2026, 11, 11, 9)]
    assert all(isinstance(r[6], float | int) for r in runs[1:])  # wall seconds: a number
    apart = list(wb["Not counted"].iter_rows(values_only=True))[1:]
    assert [r[-1] for r in apart] == ["no: failed before sending (exit 2)"] + [
        "no: had no rows"] * 2  # the empty delta (exit 0) and the run killed while reading


def test_period_csv_to_stdout_and_json_by_format(simulator, two_weeks: Path,
                                                 tmp_path: Path) -> None:
    res = _report(simulator, two_weeks, "--output", "-", "--format", "csv")
    assert res.exit_code == 0, res.output
    rows = list(csv.DictReader(io.StringIO(res.stdout)))
    assert [r["counted"] for r in rows] == ["yes", "yes"] + [
        "no: failed before sending (exit 2)"] + ["no: had no rows"] * 2
    assert [(r["accepted"], r["rejected"], r["invalid"]) for r in rows[:2]] == [
        ("4", "2", "0"), ("3", "0", "1")]
    assert rows[0]["started"] == "2026-11-10T04:30:00" + rows[0]["started"][19:]  # UTC text
    assert rows[0]["started"].endswith("Z")
    assert "Wrote stdout" in res.stderr and "Wrote" not in res.stdout

    out = tmp_path / "named.csv"  # --format overrides the extension
    res = _report(simulator, two_weeks, "--output", str(out), "--format", "json")
    doc = json.loads(out.read_text())
    assert doc["timezone"] == "America/New_York" and len(doc["runs"]) == 2
    assert len(doc["not_counted"]) == 3
    assert doc["per_day"][0] == {"date": "2026-11-09", "accepted": 4, "already-present": 0,
                                 "rejected": 2, "invalid": 0}
    assert doc["totals"]["this"]["loads"] == 2 and doc["totals"]["previous"]["loads"] == 1
    assert doc["totals"]["change"]["accepted"] == 2
    assert doc["since"] == "2026-11-09T05:00:00.000000Z"
    assert doc["previous_period"]["since"] == "2026-11-02T05:00:00.000000Z"

    # The same campaign id on another endpoint is another campaign: --base-url keeps one.
    res = _report(simulator, two_weeks, "--output", "-", "--format", "json", "--base-url",
                  simulator.base_url)
    assert len(json.loads(res.stdout)["runs"]) == 2
    res = _report(simulator, two_weeks, "--output", "-", "--format", "json", "--base-url",
                  "http://127.0.0.1:1")
    other = json.loads(res.stdout)
    assert other["runs"] == [] and other["not_counted"] == []
    assert other["endpoint"] == "http://127.0.0.1:1"


def test_period_report_usage_errors(simulator, two_weeks: Path) -> None:
    res = _report(simulator, two_weeks, "--output", "-")
    assert res.exit_code == 2 and "--output - (stdout) needs --format csv" in res.output
    res = _report(simulator, two_weeks, "--output", "-", "--format", "xlsx")
    assert res.exit_code == 2 and "an XLSX needs a file name" in res.output
    res = CliRunner().invoke(cli, ["report", "--campaign", "125", "--since", "last week",
                                   "--output", "-", "--format", "csv", "--journal",
                                   str(two_weeks)])
    assert res.exit_code == 2
    assert "--since must be a date (2026-11-23), a date-time (2026-11-23T08:00) or an age " \
           "(12h, 7d, 2w) (got 'last week')" in res.output
    res = CliRunner().invoke(cli, ["report", "upload-1", "--campaign", "125", "--since", "7d",
                                   "--output", "r.csv", "--journal", str(two_weeks)])
    assert res.exit_code == 2 and "not several" in res.output
