"""XLSX corpus: workbooks written with openpyxl (or patched by hand), read back, exact outcome."""

from __future__ import annotations

import zipfile
from datetime import date, datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from openpyxl import Workbook

from bulk_loader.errors import InputFileError, UsageError
from bulk_loader.readers import OLE2_MAGIC
from tests.reader_support import SOON, check, read_all, reasons

HEADERS = ["Customer ID", "Schedule Date Time", "Name"]


def book(tmp_path: Path, rows: list[list[Any]], name: str = "in.xlsx",
         write_only: bool = False, title: str = "Customers") -> Path:
    wb = Workbook(write_only=write_only)
    ws = wb.create_sheet(title) if write_only else wb.active
    if not write_only:
        ws.title = title
    for row in rows:
        ws.append(row)
    path = tmp_path / name
    wb.save(path)
    return path


def patch_sheet(path: Path, old: str, new: str) -> None:
    """Rewrite the first sheet's XML, e.g. to add what openpyxl cannot write (cached values)."""
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    sheet = "xl/worksheets/sheet1.xml"
    assert old.encode() in parts[sheet]
    parts[sheet] = parts[sheet].replace(old.encode(), new.encode())
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for n, data in parts.items():
            z.writestr(n, data)


def shared_strings(path: Path) -> None:
    """Turn openpyxl's inline strings into a shared strings table, as Excel saves them."""
    import re
    from xml.sax.saxutils import escape

    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n).decode() for n in z.namelist()}
    table: dict[str, int] = {}

    def ref(m: re.Match[str]) -> str:
        index = table.setdefault(m.group(2), len(table))
        return f'<c r="{m.group(1)}" t="s"><v>{index}</v></c>'

    sheet = "xl/worksheets/sheet1.xml"
    parts[sheet] = re.sub(r'<c r="(\w+)" t="inlineStr"><is><t>([^<]*)</t></is></c>', ref,
                          parts[sheet])
    items = "".join(f"<si><t>{t}</t></si>" for t in table)  # already escaped in the sheet
    parts["xl/sharedStrings.xml"] = (
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        f'count="{len(table)}">{items}</sst>')
    rels = "xl/_rels/workbook.xml.rels"
    parts[rels] = parts[rels].replace("</Relationships>", (
        '<Relationship Id="rIdS" Target="sharedStrings.xml" Type="http://schemas.openxmlformats'
        '.org/officeDocument/2006/relationships/sharedStrings"/></Relationships>'))
    assert escape("&") == "&amp;"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for n, data in parts.items():
            z.writestr(n, data)


@pytest.mark.parametrize("layout", ["inline", "write-only", "shared strings"])
def test_numbers_and_text_ids(tmp_path: Path, layout: str) -> None:
    path = book(tmp_path, [HEADERS, [10003629, SOON, "Ana"], ["10003630", None, "Ben"],
                           [10003631.0, None, None], ["1.0003632E7", "", "Dee & Eve"]],
                write_only=layout == "write-only")
    if layout == "shared strings":
        shared_strings(path)
    got = read_all(path)
    assert got["table"]["format"] == "xlsx" and got["table"]["sheet"] == "Customers"
    assert got["rows"] == [2, 3, 4, 5]
    assert got["ids"][:2] == [10003629, "10003630"] and got["ids"][2] == 10003631
    summary, invalid, valid = check(path)
    assert invalid == [] and [i for _, i in valid] == [10003629, 10003630, 10003631, 10003632]
    assert got["cells"][0] == (10003629, SOON, "Ana")


def test_date_cells_need_a_time_zone(tmp_path: Path) -> None:
    path = book(tmp_path, [HEADERS, [10000001, datetime(2030, 1, 2, 9, 30)],
                           [10000002, datetime(2030, 1, 3, 0, 0)]])
    summary, invalid, _ = check(path)
    assert reasons(invalid) == {
        2: "schedule-date-time has no time zone: pass --timezone (an IANA name such as "
           "Europe/London) or write an offset such as Z (got '2030-01-02T09:30:00')",
        3: "schedule-date-time has no time zone: pass --timezone (an IANA name such as "
           "Europe/London) or write an offset such as Z (got '2030-01-03T00:00:00')"}
    got = read_all(path)
    assert got["schedules"] == [datetime(2030, 1, 2, 9, 30), datetime(2030, 1, 3)]


def test_date_cells_read_in_the_time_zone_and_a_date_only_cell_needs_a_time(
        tmp_path: Path) -> None:
    path = book(tmp_path, [HEADERS, [10000001, datetime(2030, 1, 2, 9, 30, 0, 250_000)],
                           [10000002, date(2030, 1, 3)]])
    schedules: list[Any] = []
    invalid: list[Any] = []
    from bulk_loader.validation import FileOptions, validate_file

    validate_file(path, FileOptions(timezone=ZoneInfo("Europe/Paris")),
                  now=lambda: datetime(2030, 1, 1, tzinfo=ZoneInfo("UTC")),
                  on_batch=lambda b, v: (schedules.extend(v.schedules),
                                         invalid.extend(v.invalid)))
    assert schedules == ["2030-01-02T08:30:00.250Z"]  # the date-only cell: the CSV rule
    assert [(i.row, i.reason) for i in invalid] == [
        (3, "Invalid schedule-date-time format - please use ISO 8601 format: a date needs a time "
            "of day (got '2030-01-03')")]


def test_time_only_cell(tmp_path: Path) -> None:
    path = book(tmp_path, [HEADERS, [10000001, time(9, 30)]])
    _, invalid, _ = check(path, timezone=ZoneInfo("UTC"))
    assert reasons(invalid) == {2: "Invalid schedule-date-time format - please use ISO 8601 "
                                   "format: a time needs a date (got '09:30:00')"}


def test_second_sheet_by_name_and_index(tmp_path: Path) -> None:
    wb = Workbook()
    wb.active.title = "Notes"
    wb.active.append(["nothing here"])
    ws = wb.create_sheet("Data")
    ws.append(HEADERS)
    ws.append([10000001, SOON])
    path = tmp_path / "two.xlsx"
    wb.save(path)
    assert read_all(path, sheet="Data")["ids"] == [10000001]
    assert read_all(path, sheet="1")["table"]["sheet"] == "Data"
    assert read_all(path, sheet="data")["table"]["sheet"] == "Data"
    with pytest.raises(InputFileError, match=r"no customer-id column .* headers found: "
                       "'nothing here'."):
        read_all(path)
    with pytest.raises(InputFileError, match=r"two.xlsx has no worksheet 'Sheet9' \(sheet takes a "
                       r"name or a 0-based index\); sheets: 'Notes', 'Data'."):
        read_all(path, sheet="Sheet9")


def test_hidden_first_sheet_is_passed_over(tmp_path: Path) -> None:
    wb = Workbook()
    wb.active.title = "Hidden"
    wb.active.sheet_state = "hidden"
    ws = wb.create_sheet("Visible")
    ws.append(HEADERS)
    ws.append([10000001])
    path = tmp_path / "hidden.xlsx"
    wb.save(path)
    assert read_all(path)["table"]["sheet"] == "Visible"


def test_merged_header_cells_and_a_title(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.append(["Customer export, January"])
    ws.merge_cells("A1:D1")
    ws.append([])
    ws.append(["Customer ID", None, "Schedule", "Name"])
    ws.merge_cells("A3:B3")
    ws.append([10000001, "ignored", SOON, "Ana"])
    path = tmp_path / "merged.xlsx"
    wb.save(path)
    got = read_all(path)
    assert got["table"]["header_row"] == 3
    assert got["table"]["headers"] == ["Customer ID", "", "Schedule", "Name"]
    assert got["rows"] == [4] and got["ids"] == [10000001] and got["schedules"] == [SOON]


def test_header_not_in_column_a(tmp_path: Path) -> None:
    path = book(tmp_path, [[None, None, *HEADERS], [None, None, 10000001, SOON, "Ana"]])
    got = read_all(path)
    assert got["table"]["headers"] == HEADERS and got["cells"] == [(10000001, SOON, "Ana")]


def test_formula_without_cached_value(tmp_path: Path) -> None:
    path = book(tmp_path, [HEADERS, ["=10000000+1", SOON]])
    _, invalid, _ = check(path)
    assert reasons(invalid) == {2: "Invalid customer-id: the cell is empty"}


def test_formula_with_cached_value(tmp_path: Path) -> None:
    path = book(tmp_path, [HEADERS, ["=10000000+1", SOON], [10000002, SOON]])
    patch_sheet(path, '<c r="A2"><f>10000000+1</f><v></v></c>',
                '<c r="A2"><f>10000000+1</f><v>10000001</v></c>')
    _, invalid, valid = check(path)
    assert invalid == [] and valid == [(2, 10000001), (3, 10000002)]


def test_shared_formula_text_result_and_escapes(tmp_path: Path) -> None:
    path = book(tmp_path, [HEADERS, [10000001, SOON, "placeholder"]])
    patch_sheet(path, '<c r="C2" t="inlineStr"><is><t>placeholder</t></is></c>',
                '<c r="C2" t="str"><f t="shared" si="0"/><v>Smith &amp; Sons_x000D_</v></c>')
    assert read_all(path)["cells"] == [(10000001, SOON, "Smith & Sons\r")]


def test_rich_text_and_preserved_spaces(tmp_path: Path) -> None:
    path = book(tmp_path, [HEADERS, [10000001, SOON, "x"]], write_only=True)
    patch_sheet(path, '<c r="A2" t="n"><v>10000001</v></c>',
                '<c r="A2" t="inlineStr"><is><r><t>1000</t></r><r><rPr><b/></rPr>'
                '<t xml:space="preserve">0001 </t></r></is></c>')
    got = read_all(path)
    assert got["ids"] == ["10000001 "]
    assert check(path)[2] == [(2, 10000001)]


def test_blank_and_formatted_empty_rows_are_skipped(tmp_path: Path) -> None:
    path = book(tmp_path, [HEADERS, [10000001], [], [None, None, None], [10000002]])
    patch_sheet(path, '<row r="4"', '<row r="4"><c r="A4" s="0"/><c r="B4" t="s"/></row><row r="99"')
    got = read_all(path)
    assert got["rows"] == [2, 5]


def test_row_with_a_name_but_no_id(tmp_path: Path) -> None:
    path = book(tmp_path, [HEADERS, [None, SOON, "Ana"], [10000002]])
    _, invalid, valid = check(path)
    assert reasons(invalid) == {2: "Invalid customer-id: the cell is empty"}
    assert invalid[0].cells == (None, SOON, "Ana") and valid == [(3, 10000002)]


def test_bool_and_date_in_the_id_column(tmp_path: Path) -> None:
    path = book(tmp_path, [HEADERS, [True], [datetime(2030, 1, 1)], [-5], [10000001.5]])
    _, invalid, _ = check(path)
    assert reasons(invalid) == {
        2: "Invalid customer-id: must be a positive integer (got 'TRUE')",
        3: "Invalid customer-id: must be a positive integer (got '2030-01-01T00:00:00')",
        4: "Invalid customer-id: must be a positive integer (got '-5')",
        5: "Invalid customer-id: must be a positive integer, not a number with a fractional "
           "part (got '10000001.5')"}


def test_cells_beyond_the_header(tmp_path: Path) -> None:
    path = book(tmp_path, [["customer-id"], [10000001, "extra", None, "far"]])
    assert read_all(path)["cells"] == [(10000001, "extra", None, "far")]


def test_xlsm_and_a_csv_name_on_a_workbook(tmp_path: Path) -> None:
    for name in ("macro.xlsm", "lying.csv"):
        path = book(tmp_path, [HEADERS, [10000001]], name=name)
        assert read_all(path)["table"]["format"] == "xlsx"


@pytest.mark.parametrize("shared", [False, True])
def test_big_sheet_crosses_pieces(tmp_path: Path, shared: bool) -> None:
    rows = [[10_000_000 + i, SOON if i % 3 else None, f"n{i}"] for i in range(30_000)]
    rows[7000][0] = str(rows[7000][0])
    path = book(tmp_path, [HEADERS, *rows], write_only=True)
    if shared:
        shared_strings(path)
    got = read_all(path, size=2000)
    assert got["rows"] == list(range(2, 30_002))
    assert got["ids"] == [r[0] for r in rows]
    assert got["schedules"][:3] == [None, SOON, SOON]
    assert got["cells"][29_997] == (10_029_997, None, "n29997")


def test_password_protected_or_xls(tmp_path: Path) -> None:
    for name in ("secret.xlsx", "old.xls"):
        path = tmp_path / name
        path.write_bytes(OLE2_MAGIC + bytes(504))
        with pytest.raises(InputFileError, match=f"{name} is an old-format Excel file \\(.xls\\) "
                           "or a password-protected workbook; neither is supported"):
            read_all(path)


def test_corrupt_workbooks(tmp_path: Path) -> None:
    good = book(tmp_path, [HEADERS, *[[10_000_000 + i] for i in range(5000)]])
    cut = tmp_path / "cut.xlsx"
    cut.write_bytes(good.read_bytes()[:3000])
    with pytest.raises(InputFileError, match="cut.xlsx looks like an Excel file but is damaged"):
        read_all(cut)
    other = tmp_path / "other.xlsx"
    with zipfile.ZipFile(other, "w") as z:
        z.writestr("word/document.xml", "<w/>")
    with pytest.raises(InputFileError, match="other.xlsx is a zip archive but not an Excel "
                       "workbook."):
        read_all(other)


def test_damaged_sheet_data(tmp_path: Path) -> None:
    path = book(tmp_path, [HEADERS, *[[10_000_000 + i, SOON] for i in range(20_000)]])
    with zipfile.ZipFile(path) as z:
        parts = {n: (z.getinfo(n), z.read(n)) for n in z.namelist()}
    data = bytearray(path.read_bytes())
    info = parts["xl/worksheets/sheet1.xml"][0]
    middle = info.header_offset + 30 + len(info.filename) + info.compress_size // 2
    data[middle:middle + 64] = bytes(64)
    path.write_bytes(bytes(data))
    with pytest.raises(InputFileError, match=r"in.xlsx is damaged: sheet 'Customers' cannot be "
                       r"read"):
        read_all(path, size=5000)


def test_xlsb_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "binary.xlsb"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("_rels/.rels", '<Relationships xmlns="http://schemas.openxmlformats.org/'
                   'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
                   'openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
                   'Target="xl/workbook.bin"/></Relationships>')
    with pytest.raises(InputFileError, match=r"binary Excel workbook \(.xlsb\)"):
        read_all(path)


def test_empty_sheet_and_header_only(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match="sheet 'Customers' of in.xlsx is empty."):
        read_all(book(tmp_path, []))
    path = book(tmp_path, [HEADERS], name="header.xlsx")
    with pytest.raises(InputFileError, match="header.xlsx has a header but no rows below it."):
        check(path)


def test_csv_flags_on_a_workbook(tmp_path: Path) -> None:
    path = book(tmp_path, [HEADERS, [10000001]])
    with pytest.raises(UsageError, match="^delimiter applies to CSV files only; in.xlsx is an "
                       "Excel file.") as err:  # the CLI says --delimiter
        read_all(path, delimiter=";")
    assert err.value.param == "delimiter"


def test_invalid_row_cells_are_decoded_lazily(tmp_path: Path) -> None:
    path = book(tmp_path, [HEADERS, [10000001, SOON, "Ana & Bo"], ["10O3629", SOON, "Cy"]],
                write_only=True)
    _, invalid, _ = check(path)
    assert invalid[0].row == 3 and invalid[0].cells == ("10O3629", SOON, "Cy")


def test_rows_and_cells_without_references(tmp_path: Path) -> None:
    import re

    path = book(tmp_path, [HEADERS, [10000001, SOON, "Ana"], [10000003, SOON, "Cy"]])
    with zipfile.ZipFile(path) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
    patch_sheet(path, sheet, re.sub(r' r="[A-Z]*[0-9]+"', "", sheet))  # some writers omit them
    got = read_all(path)
    assert got["rows"] == [2, 3] and got["ids"] == [10000001, 10000003]
    assert got["cells"][1] == (10000003, SOON, "Cy")


def test_prefixed_namespace(tmp_path: Path) -> None:
    import re

    path = book(tmp_path, [HEADERS, [10000001, SOON, "Ana"], [10000002, None, "Ben"]])
    with zipfile.ZipFile(path) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
    prefixed = re.sub(r"<(/?)(\w+)", r"<\1x:\2", sheet).replace("xmlns=", "xmlns:x=")
    patch_sheet(path, sheet, prefixed)
    got = read_all(path)
    assert got["rows"] == [2, 3] and got["schedules"] == [SOON, None]


def test_many_date_cells(tmp_path: Path) -> None:
    base = datetime(2030, 1, 2, 8, 0)
    rows = [[10_000_000 + i, base.replace(minute=i % 60)] for i in range(5000)]
    path = book(tmp_path, [HEADERS, *rows], write_only=True)
    schedules: list[Any] = []
    from bulk_loader.validation import FileOptions, validate_file

    validate_file(path, FileOptions(timezone=ZoneInfo("UTC")),
                  now=lambda: datetime(2030, 1, 1, tzinfo=ZoneInfo("UTC")),
                  on_batch=lambda b, v: schedules.extend(v.schedules))
    assert len(schedules) == 5000 and schedules[61] == "2030-01-02T08:01:00.000Z"
