"""Odd input through the real CLI ends in one sentence and exit 2, never a traceback."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from bulk_loader.cli import cli

ENV = {"BULK_LOADER_USERNAME": "u", "BULK_LOADER_ACTION_TOKEN": "a", "BULK_LOADER_DATA_TOKEN": "d",
       "BULK_LOADER_CONFIG": "/nonexistent/bulk-loader.toml"}


def invoke(*argv: str) -> tuple[int, str]:
    res = CliRunner().invoke(cli, list(argv), env=ENV)
    assert res.exception is None or isinstance(res.exception, SystemExit), res.exception
    return res.exit_code, res.output


@pytest.mark.parametrize(("url", "why"), [
    ("http://[::1", "Invalid IPv6 URL"), ("http://127.0.0.1:99999", "Port out of range 0-65535")])
def test_a_base_url_that_is_not_a_url(url: str, why: str) -> None:
    code, out = invoke("campaign", "--campaign", "125", "--base-url", url)
    assert (code, out) == (2, f"error: --base-url is not a valid URL: {why} (got {url!r})\n")


def test_a_platform_with_a_trailing_newline_is_refused() -> None:
    code, out = invoke("campaign", "--campaign", "125", "--platform", "na12\n")
    assert code == 2 and out.startswith("error: --platform must look like two letters")


@pytest.mark.parametrize("name", ["zlib", "rot13", "hex"])
def test_an_encoding_that_is_not_a_text_encoding(tmp_path: Path, name: str) -> None:
    f = tmp_path / "in.csv"
    f.write_text("customer-id\n10000001\n")
    code, out = invoke("validate", str(f), "--encoding", name)
    assert code == 2 and out == (f"error: unknown encoding {name!r} (--encoding); try utf-8, "
                                 "cp1252 or utf-16.\n")


def test_utf16_asked_for_a_file_without_a_bom(tmp_path: Path) -> None:
    f = tmp_path / "in.csv"
    f.write_bytes(b"customer-id\n10000001\n")
    code, out = invoke("validate", str(f), "--encoding", "utf-16")
    assert code == 2 and out.startswith("error: in.csv") and "pass --encoding" in out


@pytest.mark.parametrize("value", ["nan", "1e300"])
def test_clock_skew_that_is_no_number_of_seconds(tmp_path: Path, value: str) -> None:
    f = tmp_path / "in.csv"
    f.write_text("customer-id\n10000001\n")
    code, out = invoke("validate", str(f), "--clock-skew", value)
    assert code == 2 and "Invalid value for '--clock-skew'" in out


def _book(path: Path, cell: str, styles: str | None = None) -> Path:
    rels = ('<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
    book = ('<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            '<sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>')
    book_rels = ('<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
                 'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
                 'officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
                 '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/'
                 '2006/relationships/styles" Target="styles.xml"/></Relationships>')
    sheet = ('<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
             '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>customer-id</t></is></c></row>'
             f'<row r="2">{cell}</row></sheetData></worksheet>')
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("_rels/.rels", rels)
        z.writestr("xl/workbook.xml", book)
        z.writestr("xl/_rels/workbook.xml.rels", book_rels)
        z.writestr("xl/worksheets/sheet1.xml", sheet)
        if styles is not None:
            z.writestr("xl/styles.xml", styles)
    return path


@pytest.mark.parametrize(("cell", "styles", "reason"), [
    ('<c r="A2"><v>abc</v></c>', None, "(got 'abc')"),  # a number cell holding text
    ('<c r="A2" t="s"><v>x</v></c>', None, "(got 'x')"),  # a shared-string index that is not one
    ('<c r="A2" s="x"><v>10000001</v></c>', None, None),  # a style index that is not one
    ('<c r="A2" s="1"><v>10000001</v></c>',
     '<styleSheet><cellXfs><xf numFmtId="0"/><xf numFmtId="abc"/></cellXfs></styleSheet>', None),
])
def test_a_damaged_xlsx_cell_is_that_row_s_problem(tmp_path: Path, cell: str, styles: str | None,
                                                    reason: str | None) -> None:
    f = _book(tmp_path / "in.xlsx", cell, styles)
    code, out = invoke("validate", str(f))
    if reason is None:
        assert code == 0 and "valid                 1" in out
    else:
        assert code == 1 and f"row 2: Invalid customer-id: must be a positive integer {reason}" in out


def test_simulate_refuses_what_it_cannot_serve(tmp_path: Path) -> None:
    empty = tmp_path / "crm.txt"
    empty.write_text("")
    assert invoke("simulate", "--port", "0", "--crm-file", str(empty)) == (
        2, f"error: no customer ids found in {empty}\n")
    code, out = invoke("simulate", "--port", "0", "--state", str(tmp_path / "no" / "s.sqlite"))
    assert code == 2 and out.startswith(f"error: cannot use the state file {tmp_path / 'no'}")
    code, out = invoke("simulate", "--port", "99999")
    assert code == 2 and "99999 is not in the range 0<=x<=65535" in out


def test_delete_timezone_refusal_is_json_with_json(tmp_path: Path) -> None:
    code, out = invoke("delete", str(tmp_path / "ids.csv"), "--campaign", "125", "--base-url",
                       "http://127.0.0.1:9", "--timezone", "UTC", "--yes", "--json")
    assert code == 2
    first = out.splitlines()[0]  # stdout's JSON object; the sentence follows on stderr
    got = json.loads(first)
    assert {k: got[k] for k in ("error", "exit_code")} == {
        "error": "--timezone does not apply to delete: only the customer ids are read",
        "exit_code": 2}
    assert set(got) == {"error", "exit_code", "finished_at", "version"}
