"""reports/_writers.py / reports/_xlsx.py: each format written from an iterator and read back."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import openpyxl
import pytest

from bulk_loader.errors import UsageError
from bulk_loader.reports import (
    CountTable,
    DataSheet,
    Summary,
    csv_safe,
    output_format,
    write_csv,
    write_json,
    write_jsonl,
    write_xlsx,
)

HEADERS = ["row", "customer-id", "note"]
DANGEROUS = ["=1+1", "+44 20", "-2+3", "@SUM(A1)", "\tTAB", "\rCR"]


def _rows(n: int):
    for i in range(n):
        yield [i + 2, 10_000_000 + i, DANGEROUS[i % len(DANGEROUS)] if i % 3 == 0 else f"ok {i}"]


def test_output_format_by_extension() -> None:
    assert output_format("a/b.CSV") == "csv"
    assert output_format("r.xlsx") == "xlsx"
    assert output_format("r.jsonl") == "jsonl"
    with pytest.raises(UsageError, match=r"\.csv, \.json, \.jsonl or \.xlsx"):
        output_format("r.txt")


def test_csv_quotes_formula_like_text_only() -> None:
    for value in DANGEROUS:
        assert csv_safe(value) == "'" + value
    assert csv_safe(-5) == -5  # a real number is harmless
    assert csv_safe("a=b") == "a=b"


def test_csv_streamed_and_safe(tmp_path: Path) -> None:
    out = tmp_path / "r.csv"
    assert write_csv(out, HEADERS, _rows(10)) == 10
    with out.open(newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    assert rows[0] == HEADERS
    assert rows[1] == ["2", "10000000", "'=1+1"]
    assert rows[4][2] == "'@SUM(A1)"
    assert not list(tmp_path.glob(".r.csv.*"))  # the temp file was renamed away


def test_failed_write_leaves_no_file(tmp_path: Path) -> None:
    out = tmp_path / "r.csv"

    def boom():
        yield [1, 2, 3]
        raise RuntimeError("stop")

    with pytest.raises(RuntimeError):
        write_csv(out, HEADERS, boom())
    assert list(tmp_path.iterdir()) == []


def test_json_document_and_lines(tmp_path: Path) -> None:
    out = tmp_path / "r.json"
    n = write_json(out, HEADERS, _rows(4), head={"run": 7}, tail=lambda: {"summary": {"n": 4}})
    doc = json.loads(out.read_text())
    assert n == 4 and doc["run"] == 7 and doc["summary"] == {"n": 4}
    assert doc["records"][0] == {"row": 2, "customer-id": 10000000, "note": "=1+1"}
    empty = tmp_path / "e.json"
    write_json(empty, HEADERS, iter([]))
    assert json.loads(empty.read_text()) == {"records": []}
    lines = tmp_path / "r.jsonl"
    assert write_jsonl(lines, HEADERS, _rows(3)) == 3
    assert [json.loads(x)["row"] for x in lines.read_text().splitlines()] == [2, 3, 4]


def _summary() -> Summary:
    return Summary(
        "Run 1",
        [("File", "=HYPERLINK(\"x\")"), ("Records", 25)],
        [CountTable("Outcomes", "Outcome", [("accepted", 20), ("rejected", 5)]),
         CountTable("Campaign records by status", "Status", [("New (0)", 3)], chart="pie")],
    )


def test_xlsx_sheets_chart_frozen_filter_and_injection(tmp_path: Path) -> None:
    out = tmp_path / "r.xlsx"
    sheets = write_xlsx(out, [DataSheet("Failures", HEADERS, _rows(25))], _summary)
    assert sheets == [("Failures", 25)]
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["Summary", "Failures"]
    summary, failures = wb["Summary"], wb["Failures"]
    assert len(summary._charts) == 2  # bar of outcomes, pie of statuses
    kinds = sorted(type(c).__name__ for c in summary._charts)
    assert kinds == ["BarChart", "PieChart"]
    assert summary["B2"].value == '=HYPERLINK("x")' and summary["B2"].data_type == "s"
    assert failures.freeze_panes == "A2"
    assert failures.auto_filter.ref == "A1:C26"
    assert failures["A1"].value == "row" and failures["A1"].font.b
    assert failures["B2"].value == 10_000_000
    cell = failures["C2"]
    assert cell.value == "=1+1" and cell.data_type == "s" and cell.quotePrefix
    assert failures["C3"].value == "ok 1" and not failures["C3"].quotePrefix
    assert failures.column_dimensions["B"].width >= len("10000000")
    values = {r[0]: r[1] for r in summary.iter_rows(values_only=True) if r[0]}
    assert values["accepted"] == 20 and values["Failures"] == 25


def test_xlsx_splits_past_the_row_limit(tmp_path: Path) -> None:
    out = tmp_path / "big.xlsx"
    sheets = write_xlsx(out, [DataSheet("Failures", HEADERS, _rows(25))], _summary, max_rows=11)
    assert sheets == [("Failures", 10), ("Failures (2)", 10), ("Failures (3)", 5)]
    wb = openpyxl.load_workbook(out, read_only=True)
    assert wb.sheetnames == ["Summary", "Failures", "Failures (2)", "Failures (3)"]
    ids = [r[1] for name in wb.sheetnames[1:] for r in wb[name].iter_rows(min_row=2, values_only=True)]
    assert ids == [10_000_000 + i for i in range(25)]  # every row, in order, none lost


def test_xlsx_exact_multiple_makes_no_empty_sheet(tmp_path: Path) -> None:
    out = tmp_path / "x.xlsx"
    sheets = write_xlsx(out, [DataSheet("Results", HEADERS, _rows(20))], _summary, max_rows=11)
    assert sheets == [("Results", 10), ("Results (2)", 10)]
    empty = write_xlsx(out, [DataSheet("Failures", HEADERS, iter([]))], _summary)
    assert empty == [("Failures", 0)]
    assert openpyxl.load_workbook(out)["Failures"]["A1"].value == "row"
