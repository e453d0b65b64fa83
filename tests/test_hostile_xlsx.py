"""Hostile workbooks: bombs built here in a few KB each, refused with exit 2 in bounded memory;
and a differential test of the fast reader against openpyxl on generated workbooks.

The bombs go through the CLI in a child process whose own peak memory is measured
(tests/measured.py). Each refusal names the part and the cap.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from bulk_loader.cli import cli
from bulk_loader.readers import iter_rows, xlsx_limits
from tests.measured import run_measured

ENV = {"BULK_LOADER_CONFIG": "/nonexistent/x.toml"}
MB = 1 << 20
HEAD = ('<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.'
        'org/spreadsheetml/2006/main"><sheetData>'
        '<row r="1"><c r="A1" t="inlineStr"><is><t>customer-id</t></is></c></row>')
RELS = ('<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
        '2006/relationships">{}</Relationships>')
REL = '<Relationship Id="{}" Type="http://schemas.openxmlformats.org/officeDocument/2006/' \
      'relationships/{}" Target="{}"/>'


def bomb(path: Path, parts: dict[str, Iterator[str] | str]) -> Path:
    """A minimal workbook; each part is written piece by piece, deflated (never held whole)."""
    rels = [REL.format("rId1", "worksheet", "worksheets/sheet1.xml")]
    if "xl/sharedStrings.xml" in parts:
        rels.append(REL.format("rId2", "sharedStrings", "sharedStrings.xml"))
    if "xl/styles.xml" in parts:
        rels.append(REL.format("rId3", "styles", "styles.xml"))
    base = {
        "_rels/.rels": RELS.format(REL.format("rId1", "officeDocument", "xl/workbook.xml")),
        "xl/workbook.xml": '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/'
                           'main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
                           'relationships"><sheets><sheet name="S" sheetId="1" r:id="rId1"/>'
                           '</sheets></workbook>',
        "xl/_rels/workbook.xml.rels": RELS.format("".join(rels)),
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for name, content in {**base, **parts}.items():
            with z.open(name, "w", force_zip64=True) as f:
                for piece in [content] if isinstance(content, str) else content:
                    f.write(piece.encode())
    return path


def repeat(piece: str, total: int) -> Iterator[str]:
    block = piece * (MB // len(piece))
    for _ in range(total // len(block)):
        yield block


def numbers(first: int, total_chars: int, template: str) -> Iterator[str]:
    """Text that deflates only some 5-10 times (so the ratio cap does not fire)."""
    size, i = 0, first
    while size < total_chars:
        piece = "".join(template.format(n) for n in range(i, i + 10_000))
        i += 10_000
        size += len(piece)
        yield piece


def refused(path: Path) -> tuple[str, int]:
    code, out, err, peak_kb = run_measured(["validate", str(path)], ENV)
    assert code == 2 and out == "", err
    assert err.count("\n") == 1 and err.endswith("nothing was sent.\n")
    return err, peak_kb


def test_a_row_that_never_closes_is_refused_by_the_inflate_ratio(tmp_path: Path) -> None:
    f = bomb(tmp_path / "row.xlsx", {"xl/worksheets/sheet1.xml": iter(
        [HEAD, '<row r="2"><c r="A2" t="inlineStr"><is><t>', *repeat("a", 256 * MB)])})
    assert f.stat().st_size < 400 * 1024
    err, peak_kb = refused(f)
    assert "its part xl/worksheets/sheet1.xml inflates 1,0" in err  # about 1,000 times
    assert "times its packed size, over the cap of 250 times (a zip bomb?)" in err
    assert peak_kb < 120 * 1024  # was 1.87 GB


def test_a_row_over_16_mib_is_refused_as_it_streams(tmp_path: Path) -> None:
    cells = numbers(0, 17 * MB, '<c r="B2"><v>{}</v></c>')
    f = bomb(tmp_path / "wide.xlsx", {"xl/worksheets/sheet1.xml": iter(
        [HEAD, '<row r="2"><c r="A2"><v>10000001</v></c>', *cells, "</row></sheetData>"
         "</worksheet>"])})
    err, peak_kb = refused(f)
    assert err == (f"error: {f.name} is refused: a row of sheet 'S' in its part "
                   "xl/worksheets/sheet1.xml is longer than the cap of 16,777,216 characters "
                   "(see README, Excel file limits); nothing was sent.\n")
    assert peak_kb < 250 * 1024


def test_a_shared_string_that_never_ends_is_refused(tmp_path: Path) -> None:
    text = numbers(0, 2 * MB, "{} ")
    f = bomb(tmp_path / "si.xlsx", {
        "xl/sharedStrings.xml": iter(['<sst xmlns="http://schemas.openxmlformats.org/'
                                      'spreadsheetml/2006/main"><si><t>', *text]),
        "xl/worksheets/sheet1.xml": HEAD + "</sheetData></worksheet>"})
    err, peak_kb = refused(f)
    assert ("a shared string in its part xl/sharedStrings.xml is longer than the cap of "
            "1,048,576 characters") in err
    assert peak_kb < 150 * 1024  # was 827 MB


def test_padded_styles_are_refused_before_a_byte_is_inflated(tmp_path: Path) -> None:
    f = bomb(tmp_path / "styles.xlsx", {
        "xl/styles.xml": iter(['<styleSheet xmlns="http://schemas.openxmlformats.org/'
                               'spreadsheetml/2006/main">', *repeat(" ", 40 * MB),
                               "</styleSheet>"]),
        "xl/worksheets/sheet1.xml": HEAD + "</sheetData></worksheet>"})
    assert f.stat().st_size < 100 * 1024
    err, peak_kb = refused(f)
    assert "its part xl/styles.xml inflates to 41,9" in err
    assert "bytes, over the cap of 33,554,432 bytes for that part" in err
    assert peak_kb < 100 * 1024  # was 2.14 GB


def test_too_many_shared_strings_are_refused(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    # 8,388,608 real strings would take seconds to build: the same check, with the cap lowered.
    # The cap is read from the public bulk_loader.readers.xlsx_limits at each file.
    monkeypatch.setattr(xlsx_limits, "STRINGS_COUNT_MAX", 1000)
    items = "".join(f"<si><t>s{i}</t></si>" for i in range(1001))
    f = bomb(tmp_path / "many.xlsx", {
        "xl/sharedStrings.xml": '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
                                f'2006/main">{items}</sst>',
        "xl/worksheets/sheet1.xml": HEAD + "</sheetData></worksheet>"})
    res = CliRunner().invoke(cli, ["validate", str(f)], env=ENV)
    assert res.exit_code == 2
    assert res.output == (f"error: {f.name} is refused: its part xl/sharedStrings.xml holds "
                          "more than the cap of 1,000 shared strings (see README, Excel file "
                          "limits); nothing was sent.\n")


SST = '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
# A cell without its r="" reference sends the sheet to the general decoder, which reads every
# row and cell by regex: the scans that an unclosed tag made quadratic.
ODD_ROW = '<row r="2"><c><v>10000001</v></c></row><row r="3"><c r="A3"><v>10000002</v></c>'
TAGS = 200_000  # under 1 MiB: below the ratio cap, so only the scan's own cost is left
END = "</row></sheetData></worksheet>"
HOSTILE_XML = {
    "cells that never close": {"xl/worksheets/sheet1.xml": HEAD + ODD_ROW + "<c>" * TAGS + END},
    "rows that never close": {"xl/worksheets/sheet1.xml": HEAD + ODD_ROW + "</row>"
                              + "<row>" * TAGS},
    "inline strings that never close": {
        "xl/worksheets/sheet1.xml": HEAD + ODD_ROW + '<c r="B3" t="inlineStr"><is>'
        + "<is>" * TAGS + "</c>" + END},
    "shared strings that never close": {
        "xl/sharedStrings.xml": SST + "<si><t>10000001</t></si><si><t>10000002</t></si>"
        + "<si><r><t>x</t></r>" + "<rPh>" * TAGS,
        "xl/worksheets/sheet1.xml": HEAD + '<row r="2"><c r="A2" t="s"><v>0</v></c></row>'
        '<row r="3"><c r="A3" t="s"><v>1</v></c>' + END},
}


@pytest.mark.parametrize("case", sorted(HOSTILE_XML))
def test_unclosed_tags_are_scanned_in_linear_time(tmp_path: Path, case: str) -> None:
    # Each unclosed tag made the next match attempt rescan the rest: 16 s for 40,000 of them,
    # some 7 minutes for these. `hang` only bounds a hang; it asserts no speed.
    f = bomb(tmp_path / "tags.xlsx", HOSTILE_XML[case])
    code, out, err, _ = run_measured(["validate", str(f)], ENV, hang=120)
    assert code == 0, err
    assert "rows read             2" in out and "valid                 2" in out


# -- the fast reader against openpyxl --------------------------------------------------------

# No control characters (openpyxl refuses them); no "_x" (openpyxl neither writes nor reads
# OOXML's _xHHHH_ escapes, which Excel and our reader decode); no leading "=" (openpyxl writes
# it as a formula without a cached value, and reads back the formula where we read the value).
TEXT = st.text(st.characters(blacklist_categories=("Cc", "Cs")), min_size=1, max_size=12)\
    .filter(lambda s: "_x" not in s and not s.startswith("="))
CELL = st.one_of(st.none(), TEXT, st.integers(-10**12, 10**12),
                 st.floats(allow_nan=False, allow_infinity=False, width=64), st.booleans())
ROW = st.tuples(st.one_of(st.none(), st.integers(1, 10**15)), CELL, CELL)


def blank(value: Any) -> bool:
    return value is None or isinstance(value, str) and not value.strip()


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(ROW, min_size=1, max_size=30), write_only=st.booleans())
def test_fast_reader_reads_what_openpyxl_reads(tmp_path: Path, rows: list[tuple[Any, ...]],
                                              write_only: bool) -> None:
    wb = Workbook(write_only=write_only)
    ws = wb.create_sheet("S") if write_only else wb.active
    ws.append(["customer-id", "name", "note"])
    for row in rows:
        ws.append(list(row))
    path = tmp_path / "diff.xlsx"
    wb.save(path)
    theirs = load_workbook(path, read_only=True).worksheets[0]
    read = theirs.iter_rows(min_row=2, values_only=True)
    expected = [(n, (*r, *[None] * (3 - len(r)))) for n, r in enumerate(read, start=2)
                if any(not blank(v) for v in r)]  # blank rows are skipped by design
    assert list(iter_rows(path)) == expected
