"""`bulk-loader validate` through click's CliRunner: output fragments and exit codes."""

from __future__ import annotations

import functools
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import Workbook

from bulk_loader.cli import cli
from bulk_loader.spec import iso_utc_ms

TOMORROW = iso_utc_ms((datetime.now(UTC) + timedelta(days=1)).replace(microsecond=0))


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["validate", *args])
    return result.exit_code, result.stdout, result.stderr


def write(tmp_path: Path, text: str, name: str = "in.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_all_valid_exits_0(tmp_path: Path) -> None:
    path = write(tmp_path, f"Customer ID,Schedule\n10000001,{TOMORROW}\n10000002,\n")
    code, out, err = run(str(path))
    assert code == 0, err
    assert "in.csv: CSV, utf-8, comma; customer-id column 'Customer ID', schedule column " \
           "'Schedule'" in out
    assert "rows read             2" in out
    assert "valid                 2  (1 with a schedule, 1 without)" in out
    assert "invalid               0" in out and err == ""


def test_some_invalid_exits_1_and_writes_a_refeedable_file(tmp_path: Path) -> None:
    path = write(tmp_path, "customer_id;schedule;name\n10000001;;Ana\n10O3629;;Ben\n"
                           "10000001;;Cy\n10000004;2030-13-01T00:00Z;Di\n")
    out_path = tmp_path / "invalid.csv"
    code, out, _ = run(str(path), "--invalid-out", str(out_path))
    assert code == 1
    assert "invalid               3" in out
    assert "           1  Invalid customer-id: must be a positive integer" in out
    assert "  row 3: Invalid customer-id: must be a positive integer (got '10O3629')" in out
    assert "  row 4: duplicate of row 2" in out
    assert f"invalid rows written to {out_path}" in out
    written = out_path.read_text(encoding="utf-8-sig").splitlines()
    assert written == [
        "row,customer_id,schedule,name,reason",
        "3,10O3629,,Ben,Invalid customer-id: must be a positive integer (got '10O3629')",
        "4,10000001,,Cy,duplicate of row 2",
        "5,10000004,2030-13-01T00:00Z,Di,Invalid schedule-date-time format - please use ISO "
        "8601 format: no such date or time (got '2030-13-01T00:00Z')"]
    # Fed back in as it is, the same rows are read with the same problems (minus the duplicate).
    code, out, _ = run(str(out_path))
    assert code == 1 and "rows read             3" in out and "valid                 1" in out


def test_excel_dates_and_timezone(tmp_path: Path) -> None:
    wb = Workbook()
    wb.active.append(["ACCOUNTNUM", "Schedule Date Time"])
    wb.active.append([10000001, (datetime.now() + timedelta(days=2)).replace(microsecond=0)])
    path = tmp_path / "in.xlsx"
    wb.save(path)
    code, out, _ = run(str(path))
    assert code == 1 and "schedule-date-time has no time zone: pass --timezone" in out
    code, out, _ = run(str(path), "--timezone", "Europe/London", "--invalid-out",
                       str(tmp_path / "none.csv"))
    assert code == 0 and "(1 with a schedule, 0 without)" in out
    assert "invalid rows written" not in out


def test_unusable_file_exits_2_with_one_sentence(tmp_path: Path) -> None:
    code, out, err = run(str(write(tmp_path, "name\nAna\n")))
    assert code == 2 and out == ""
    assert err.startswith("error: no customer-id column") and err.count("\n") == 1
    code, _, err = run(str(tmp_path / "missing.csv"))
    assert code == 2 and "error: cannot open" in err and "Traceback" not in err


def test_partial_invalid_out_is_removed_on_error(tmp_path: Path) -> None:
    path = write(tmp_path, "customer-id\n")
    out_path = tmp_path / "bad.csv"
    code, _, err = run(str(path), "--invalid-out", str(out_path))
    assert code == 2 and err == "error: in.csv has a header but no rows below it.\n"
    assert not out_path.exists()


def test_bad_flags(tmp_path: Path) -> None:
    path = write(tmp_path, "customer-id\n10000001\n")
    code, _, err = run(str(path), "--timezone", "Mars/Olympus")
    assert code == 2 and err == ("error: unknown time zone 'Mars/Olympus' (--timezone); use an "
                                 "IANA name such as Europe/London or America/New_York.\n")
    assert run(str(path), "--timezone", "EST5EST")[0] == 0  # the zone upload takes too
    code, _, err = run(str(path), "--sheet", "2")
    assert code == 2 and "--sheet applies to Excel files only" in err
    code, _, err = run(str(path), "--clock-skew", "-1")
    assert code == 2 and "--clock-skew" in err


def test_over_the_cap_exits_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import bulk_loader.cli.validate as command
    from bulk_loader.validation import FileOptions

    monkeypatch.setattr(command, "FileOptions", functools.partial(FileOptions, max_records=2))
    code, _, err = run(str(write(tmp_path, "customer-id\n1\n2\n3\n3\n")))
    assert code == 2 and err == ("error: the file holds 3 valid records, more than the 2 one "
                                 "upload may hold; split it into files of at most 2 records.\n")
