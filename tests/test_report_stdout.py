"""`--output -` (stdout) with `--format`, for `records` and `report`; the --since/--until parser."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bulk_loader.errors import UsageError
from bulk_loader.validation import parse_period, parse_when
from tests.ops_support import run_cli, seed
from tests.upload_support import upload, write_csv

FIRST = 10_000_000
NOW = datetime(2026, 11, 29, 20, 0, tzinfo=UTC)
NY = ZoneInfo("America/New_York")


def test_records_csv_and_json_to_stdout_words_to_stderr(simulator) -> None:
    seed(simulator, 125, FIRST, 30)
    base = ["records", "--campaign", "125", "--base-url", simulator.base_url, "--output", "-"]
    res = run_cli(simulator, *base, "--format", "csv")
    assert res.exit_code == 0, res.output
    rows = list(csv.reader(io.StringIO(res.stdout)))
    assert rows[0][:3] == ["record-id", "status", "status-name"] and len(rows) == 31
    assert "Campaign 125: 30 records" in res.stderr and "Wrote 30 records to stdout" in res.stderr

    res = run_cli(simulator, *base, "--format", "json")
    doc = json.loads(res.stdout)
    assert len(doc["records"]) == 30 and doc["summary"]["records"] == 30

    res = run_cli(simulator, *base)
    assert res.exit_code == 2 and "--output - (stdout) needs --format csv" in res.output


def test_report_of_a_run_to_stdout(simulator, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "f.csv", [[FIRST + i, "", ""] for i in range(4)])
    jp = tmp_path / "j.sqlite"
    assert upload(simulator, path, jp).exit_code == 0
    res = run_cli(simulator, "report", "--latest", "--journal", str(jp), "--output", "-",
                  "--format", "csv")
    assert res.exit_code == 0, res.output
    rows = list(csv.reader(io.StringIO(res.stdout)))
    assert [r[1] for r in rows[1:]] == [str(FIRST + i) for i in range(4)]
    assert "Report of upload-1" in res.stderr and "Wrote stdout (rows 4)" in res.stderr
    res = run_cli(simulator, "report", "--latest", "--journal", str(jp), "--output",
                  str(tmp_path / "r.xlsx"), "--format", "json")  # the format wins
    assert json.loads((tmp_path / "r.xlsx").read_text())["run"] == "upload-1"


def test_when_forms() -> None:
    assert parse_when("2026-11-23", zone=NY, now=NOW) == datetime(2026, 11, 23, tzinfo=NY)
    assert parse_when("2026-11-23", zone=NY, now=NOW, end_of_day=True) == \
        datetime(2026, 11, 24, tzinfo=NY)
    assert parse_when("2026-11-23T08:00", zone=NY, now=NOW) == datetime(2026, 11, 23, 8,
                                                                        tzinfo=NY)
    assert parse_when("2026-11-23T08:00Z", zone=NY, now=NOW) == datetime(2026, 11, 23, 8,
                                                                         tzinfo=UTC)
    assert parse_when("7d", now=NOW) == NOW - timedelta(days=7)
    assert parse_when("12H", now=NOW) == NOW - timedelta(hours=12)
    assert parse_when("2w", now=NOW) == NOW - timedelta(weeks=2)
    assert parse_when("today", zone=NY, now=NOW) == datetime(2026, 11, 29, tzinfo=NY)
    assert parse_when("yesterday", zone=NY, now=NOW) == datetime(2026, 11, 28, tzinfo=NY)
    with pytest.raises(UsageError, match=r"^until must be a date .* \(got 'soon'\)"):
        parse_when("soon", option="until")
    with pytest.raises(UsageError, match="^until must come after since"):
        parse_period("2026-11-23", "2026-11-20", now=NOW)
    assert parse_period("7d", None, now=NOW) == (NOW - timedelta(days=7), NOW)
