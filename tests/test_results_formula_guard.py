"""The results and failures CSVs never hand a spreadsheet a formula (report.csv_safe)."""

from __future__ import annotations

from pathlib import Path

from tests.simulator_fixture import RunningSimulator
from tests.upload_support import upload, write_csv

EVIL = '=HYPERLINK("http://evil.example","click")'


def test_formula_cells_are_escaped_and_normal_rows_are_unchanged(simulator: RunningSimulator,
                                                                 tmp_path: Path) -> None:
    rows = [[10_000_001, "", "Ann"], ["abc", "", "Bob"], ["=1+1", "", EVIL],
            [10_000_002, "", EVIL]]
    f = write_csv(tmp_path / "c.csv", rows)
    results = tmp_path / "out" / "r.csv"
    r = upload(simulator, f, tmp_path / "j.sqlite", "--results", str(results))
    assert r.exit_code == 1, r.output
    why = "Invalid customer-id: must be a positive integer"
    assert results.with_name("r.failures.csv").read_bytes().decode("utf-8") == (
        "\ufeffrow,Customer ID,Schedule Date Time,Name,reason\n"
        f"3,abc,,Bob,{why} (got 'abc')\n"
        f"4,'=1+1,,\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"click\"\")\",{why} (got '=1+1')\n")
    assert results.read_bytes().decode() == (
        "row,customer-id,schedule-date-time,outcome,http-status,message\n"
        "2,10000001,,accepted,200,\n"
        f"3,abc,,invalid,,{why} (got 'abc')\n"
        f"4,'=1+1,,invalid,,{why} (got '=1+1')\n"
        "5,10000002,,accepted,200,\n")
