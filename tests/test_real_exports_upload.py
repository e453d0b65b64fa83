"""Real-world exports uploaded to the simulator over real HTTP: per-row zones and regional dates
stored as the right UTC times, a failures file fixed by a script and fed back, standard input
and gzip resumed like a plain file, and the dry run's mapping."""

from __future__ import annotations

import csv
import gzip
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from click.testing import CliRunner

from bulk_loader.cli import cli
from tests.simulator_fixture import RunningSimulator
from tests.upload_support import env_for, read_csv, upload

FORMATS = ("--date-format", "%d/%m/%Y %H:%M", "--date-format", "%m/%d/%Y %I:%M %p")


def ahead(days: int, hour: int, minute: int = 0) -> datetime:
    day = datetime.now(UTC).date() + timedelta(days=days)
    return datetime(day.year, day.month, day.day, hour, minute)


def utc(naive: datetime, zone: str) -> str:
    moment = naive.replace(tzinfo=ZoneInfo(zone)).astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def write(path: Path, rows: list[list[Any]], encoding: str = "utf-8") -> Path:
    with open(path, "w", newline="", encoding=encoding) as f:
        csv.writer(f).writerows(rows)
    return path


def test_per_row_zones_and_regional_dates_reach_the_simulator_as_utc(
        simulator: RunningSimulator, tmp_path: Path) -> None:
    a, b, c = ahead(2, 14, 30), ahead(3, 9, 5), ahead(4, 18, 0)
    f = write(tmp_path / "crm.csv", [
        ["Customer ID", "Callback", "TZ", "Phone"],
        [11000001, f"{a:%d/%m/%Y %H:%M}", "Europe/Berlin", "+49 30 1234567"],
        [11000002, f"{b:%m/%d/%Y %I:%M %p}", "America/Los_Angeles", "+1 213 555 0100"],
        [11000003, f"{c:%d/%m/%Y %H:%M}", "", "+44 20 7946 0002"],   # --timezone
        [11000004, f"{c:%Y-%m-%d %H:%M}+05:30", "Europe/Berlin", ""],  # its own offset wins
        [11000005, f"{a:%d/%m/%Y %H:%M}", "EST5EST", ""],              # POSIX, as the API's
    ])
    r = upload(simulator, f, tmp_path / "j.sqlite", "--schedule-column", "Callback",
               "--timezone", "Asia/Tokyo", *FORMATS, "--json")
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["counts"]["accepted"] == 5
    assert simulator.records(125) == {
        11000001: utc(a, "Europe/Berlin"),
        11000002: utc(b, "America/Los_Angeles"),
        11000003: utc(c, "Asia/Tokyo"),
        11000004: utc(c - timedelta(hours=5, minutes=30), "UTC"),
        11000005: utc(a + timedelta(hours=5), "UTC"),
    }


def test_failures_file_fixed_by_a_script_and_fed_back_ends_all_accepted(
        simulator: RunningSimulator, tmp_path: Path) -> None:
    when = ahead(2, 11, 15)
    f = write(tmp_path / "export.csv", [
        ["customer-id", "schedule", "tz", "Name", "Phone"],
        [12000001, f"{when:%d/%m/%Y %H:%M}", "Europe/Paris", "José", "+44 20 7946 0002"],
        ["1.23457E+11", f"{when:%d/%m/%Y %H:%M}", "Europe/Paris", "=cmd|'/c calc'!A1", "-"],
        [12000003, f"{when:%d/%m/%Y %H:%M}", "Mars/Olympus", "Zoë", "+1 (555) 010-9999"],
        [12000004, "46360.6041666", "", "@Ann", "+33 1 23 45 67 89"],
    ], encoding="cp1252")
    journal = tmp_path / "j.sqlite"
    results = tmp_path / "out" / "r.csv"
    r = upload(simulator, f, journal, "--timezone", "UTC", "--date-format", "%d/%m/%Y %H:%M",
               "--results", str(results))
    assert r.exit_code == 1, r.output
    failures = results.with_name("r.failures.csv")
    assert failures.read_bytes().startswith(b"\xef\xbb\xbfrow,customer-id,schedule,tz,Name,")
    rows = read_csv(failures)
    assert [row[0] for row in rows[1:]] == ["3", "4", "5"]
    assert rows[1][4] == "'=cmd|'/c calc'!A1" and rows[2][5] == "+1 (555) 010-9999"
    # The user's script fixes exactly the bad cells and leaves every other cell as it is.
    fixes = {"3": (1, "12000002"), "4": (3, "Europe/Paris"),
             "5": (2, f"{when:%d/%m/%Y %H:%M}")}
    fixed = tmp_path / "fixed.csv"
    with open(fixed, "w", newline="", encoding="utf-8-sig") as out:
        w = csv.writer(out)
        w.writerow(rows[0])
        for row in rows[1:]:
            column, value = fixes[row[0]]
            w.writerow([*row[:column], value, *row[column + 1:]])
    r = upload(simulator, fixed, journal, "--timezone", "UTC", "--date-format",
               "%d/%m/%Y %H:%M", "--results", str(tmp_path / "out" / "r2.csv"), "--json")
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["counts"]["accepted"] == 3
    assert read_csv(tmp_path / "out" / "r2.failures.csv") == [
        ["row", "customer-id", "schedule", "tz", "Name", "Phone", "reason"]]
    assert set(simulator.records(125)) == {12000001, 12000002, 12000003, 12000004}
    assert simulator.records(125)[12000003] == utc(when, "Europe/Paris")


def test_standard_input_and_gzip_resume_like_a_plain_file(simulator: RunningSimulator,
                                                          tmp_path: Path) -> None:
    data = b"customer-id,name\n13000001,a\n13000002,b\n"
    journal = tmp_path / "j.sqlite"
    runner = CliRunner()
    argv = ["upload", "-", "--campaign", "125", "--base-url", simulator.base_url,
            "--journal", str(journal), "--quiet", "--json"]
    r = runner.invoke(cli, argv, input=data, env=env_for(simulator))
    assert r.exit_code == 0, r.output
    first = json.loads(r.stdout)
    # The same bytes again, piped or gzipped under any name: the same run, nothing sent again.
    (tmp_path / "x.dat").write_bytes(gzip.compress(data))
    for source, stdin in (("-", data), (str(tmp_path / "x.dat"), None)):
        r = runner.invoke(cli, [argv[0], source, *argv[2:]], input=stdin,
                          env=env_for(simulator))
        again = json.loads(r.stdout)
        assert r.exit_code == 0 and again["already_finished"] is True
        assert again["run_id"] == first["run_id"]
    assert set(simulator.records(125)) == {13000001, 13000002}
    runs = runner.invoke(cli, ["runs", "--journal", str(journal), "--json"])
    assert "standard input" in runs.output


def test_dry_run_prints_the_mapping_zone_source_and_samples(simulator: RunningSimulator,
                                                           tmp_path: Path) -> None:
    when = ahead(2, 14, 30)
    f = write(tmp_path / "d.csv", [["customer-id", "Callback Time"],
                                   [14000001, f"{when:%d/%m/%Y %H:%M}"]])
    r = upload(simulator, f, tmp_path / "j.sqlite", "--dry-run", "--json")
    assert r.exit_code == 2 and "column 'Callback Time' holds dates" in r.output
    r = upload(simulator, f, tmp_path / "j.sqlite", "--dry-run", "--json", "--schedule-column",
               "Callback Time", "--date-format", "%d/%m/%Y %H:%M")
    s = json.loads(r.stdout)
    assert r.exit_code == 0 and s["time_zone"] == {
        "zone": "America/New_York", "source": "campaign 125's time zone"}
    assert s["samples"] == [{"row": 2, "value": f"{when:%d/%m/%Y %H:%M}",
                             "zone": "America/New_York", "utc": utc(when, "America/New_York")}]
    r = upload(simulator, f, tmp_path / "j.sqlite", "--dry-run", "--schedule-column",
               "Callback Time", "--date-format", "%d/%m/%Y %H:%M")
    assert (f"  row 2: '{when:%d/%m/%Y %H:%M}' in America/New_York -> "
            f"{utc(when, 'America/New_York')}") in r.stdout
    assert simulator.records(125) == {}


def test_xlsx_failures_file_fixed_by_a_script_and_fed_back(simulator: RunningSimulator,
                                                          tmp_path: Path) -> None:
    from openpyxl import Workbook, load_workbook

    when = ahead(2, 16, 45)
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["Customer ID", "Schedule Date Time", "Phone"])
    ws.append([15000001, when, "+44 20 7946 0002"])
    ws.append([15000002.5, when, "=1+1"])
    ws["C3"].data_type = "s"  # text, not a formula
    wb.save(tmp_path / "in.xlsx")
    journal = tmp_path / "j.sqlite"
    r = upload(simulator, tmp_path / "in.xlsx", journal, "--timezone", "Europe/Rome",
               "--results", str(tmp_path / "r.csv"), "--json")
    assert r.exit_code == 1 and json.loads(r.stdout)["failures"] == str(
        tmp_path / "r.failures.xlsx")
    book = load_workbook(tmp_path / "r.failures.xlsx")
    sheet = book.worksheets[0]
    assert [c.value for c in sheet[2]][:4] == [3, 15000002.5, when, "=1+1"]
    sheet.cell(row=2, column=2, value=15000002)  # the user's fix
    book.save(tmp_path / "fixed.xlsx")
    r = upload(simulator, tmp_path / "fixed.xlsx", journal, "--timezone", "Europe/Rome",
               "--results", str(tmp_path / "r2.csv"))
    assert r.exit_code == 0, r.output
    assert simulator.records(125) == {15000001: utc(when, "Europe/Rome"),
                                      15000002: utc(when, "Europe/Rome")}


def test_delete_reads_a_gzipped_list_from_standard_input(simulator: RunningSimulator,
                                                         tmp_path: Path) -> None:
    data = b"customer-id\n13500001\n13500002\n"
    journal = tmp_path / "j.sqlite"
    runner = CliRunner()
    base = ["--campaign", "125", "--base-url", simulator.base_url, "--journal", str(journal),
            "--quiet", "--json"]
    assert runner.invoke(cli, ["upload", "-", *base], input=data,
                         env=env_for(simulator)).exit_code == 0
    r = runner.invoke(cli, ["delete", "-", *base, "--yes"], input=gzip.compress(data),
                      env=env_for(simulator))
    assert r.exit_code == 0, r.output
    summary = json.loads(r.stdout)
    assert summary["file"] == "standard input" and summary["counts"]["deleted"] == 2
    assert simulator.records(125) == {}
