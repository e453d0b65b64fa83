"""CSV corpus: each odd file is made here and read back with the real reader, exact outcome."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bulk_loader.cli import flags
from bulk_loader.errors import InputFileError, UsageError
from tests.reader_support import SOON, check, read_all, reasons

HEADER = "customer-id,schedule-date-time,name\n"


def write(tmp_path: Path, data: str | bytes, name: str = "in.csv",
          encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(data if isinstance(data, bytes) else data.encode(encoding))
    return path


def test_plain_file_rows_are_file_lines(tmp_path: Path) -> None:
    path = write(tmp_path, HEADER + f"10003629,{SOON},Ana\n10003630,,Ben\n")
    got = read_all(path)
    assert got["rows"] == [2, 3]
    assert got["ids"] == ["10003629", "10003630"]
    assert got["schedules"] == [SOON, ""]
    assert got["cells"] == [("10003629", SOON, "Ana"), ("10003630", "", "Ben")]
    assert got["table"]["encoding"] == "utf-8" and got["table"]["delimiter"] == ","
    summary, invalid, valid = check(path)
    assert (summary.rows, summary.valid, summary.with_schedule) == (2, 2, 1)
    assert valid == [(2, 10003629), (3, 10003630)]


def test_utf8_bom_is_skipped(tmp_path: Path) -> None:
    path = write(tmp_path, "\ufeff" + HEADER + "10003629,,Zoë\n")
    got = read_all(path)
    assert got["table"]["encoding"] == "utf-8-sig"
    assert got["table"]["headers"] == ["customer-id", "schedule-date-time", "name"]
    assert got["cells"] == [("10003629", "", "Zoë")]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-16-le"])
def test_utf16_with_bom(tmp_path: Path, encoding: str) -> None:
    text = "Customer ID;Schedule\n10003629;2030-01-02T09:00:00Z\n"
    data = text.encode(encoding)
    if encoding != "utf-16":  # add the BOM the codec leaves out
        data = ("\ufeff" + text).encode(encoding)
    got = read_all(write(tmp_path, data))
    assert got["table"]["encoding"] == "utf-16" and got["table"]["delimiter"] == ";"
    assert got["ids"] == ["10003629"] and got["rows"] == [2]


def test_cp1252_is_the_fallback(tmp_path: Path) -> None:
    path = write(tmp_path, HEADER + "10003629,,Zoë €uro\n", encoding="cp1252")
    got = read_all(path)
    assert got["table"]["encoding"] == "cp1252"
    assert got["cells"] == [("10003629", "", "Zoë €uro")]


def test_cp1252_byte_far_into_the_file(tmp_path: Path) -> None:
    lines = "".join(f"{10_000_000 + i},,name{i}\n" for i in range(5000))  # > 64 KB of ASCII
    path = write(tmp_path, HEADER + lines + "10009999,,Müller\n", encoding="cp1252")
    got = read_all(path, size=1000)
    assert got["table"]["encoding"] == "cp1252"
    assert got["cells"][-1] == ("10009999", "", "Müller") and got["rows"][-1] == 5002


def test_forced_encoding_wins(tmp_path: Path) -> None:
    path = write(tmp_path, HEADER + "10003629,,Zoë\n", encoding="cp1252")
    assert read_all(path, encoding="latin-1")["cells"] == [("10003629", "", "Zoë")]


def test_forced_utf8_on_cp1252_names_the_line(tmp_path: Path) -> None:
    path = write(tmp_path, HEADER + "10003629,,Ana\n10003630,,Zoë\n", encoding="cp1252")
    with pytest.raises(InputFileError, match=r"in.csv, near line \d+: bytes that are not utf-8; "
                       "pass --encoding"):
        read_all(path, encoding="utf-8")


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_each_delimiter_is_detected(tmp_path: Path, delimiter: str) -> None:
    text = delimiter.join(["Customer ID", "Schedule", "Notes"]) + "\n" + \
        delimiter.join(["10003629", SOON, '"a, b; c|d"']) + "\n"
    got = read_all(write(tmp_path, text))
    assert got["table"]["delimiter"] == delimiter
    assert got["cells"] == [("10003629", SOON, "a, b; c|d")]


def test_forced_delimiter_by_name(tmp_path: Path) -> None:
    path = write(tmp_path, "customer-id\tx,y\n10003629\t1,2\n")
    assert read_all(path, delimiter="tab")["cells"] == [("10003629", "1,2")]
    with pytest.raises(InputFileError, match=re.escape("headers found: 'customer-id\\tx', 'y'.")):
        read_all(path, delimiter=",")


def test_title_line_above_the_header_is_skipped(tmp_path: Path) -> None:
    path = write(tmp_path, "Export of 2030-01-01\n\n" + HEADER + "10003629,,Ana\n")
    got = read_all(path)
    assert got["table"]["header_row"] == 3 and got["rows"] == [4]


def test_quoted_delimiters_and_newlines_keep_line_numbers(tmp_path: Path) -> None:
    text = (HEADER + '10000001,,"Smith, Ann"\n'
            '10000002,,"two\nline\nnote"\n'
            "10000003,,after\r\n"
            '10000004,,"crlf\r\ninside"\r\n'
            "10000005,,last\n")
    got = read_all(write(tmp_path, text), size=2)
    assert got["rows"] == [2, 3, 6, 7, 9]
    assert got["cells"][0][2] == "Smith, Ann" and got["cells"][1][2] == "two\nline\nnote"


def test_blank_lines_and_empty_rows_are_skipped(tmp_path: Path) -> None:
    text = "\n\n" + HEADER + "10000001,,a\n\n   \n,,\n10000002,,b\n\n"
    got = read_all(write(tmp_path, text), size=10)
    assert got["table"]["header_row"] == 3
    assert got["rows"] == [4, 8]


def test_old_mac_line_endings(tmp_path: Path) -> None:
    got = read_all(write(tmp_path, HEADER.replace("\n", "\r") + "10000001,,a\r10000002,,b\r"))
    assert got["rows"] == [2, 3] and got["ids"] == ["10000001", "10000002"]


def test_spaces_around_values_are_trimmed(tmp_path: Path) -> None:
    path = write(tmp_path, HEADER + "  10003629 ,  2030-01-02T10:00:00+01:00 , Ana\n")
    summary, invalid, valid = check(path)
    assert invalid == [] and valid == [(2, 10003629)]


def test_header_only_file(tmp_path: Path) -> None:
    path = write(tmp_path, HEADER)
    assert read_all(path)["rows"] == []
    with pytest.raises(InputFileError, match="in.csv has a header but no rows below it."):
        check(path)


def test_empty_file(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match=r"in.csv is empty\.$"):
        read_all(write(tmp_path, b""))


def test_only_blank_lines(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match=r"holds no header and no rows \(only blank lines\)"):
        read_all(write(tmp_path, "\n \r\n\n"))


def test_binary_garbage_named_csv(tmp_path: Path) -> None:
    import random

    rng = random.Random(3)
    data = bytes(rng.randrange(256) for _ in range(5000))
    with pytest.raises(InputFileError, match="does not look like a CSV or Excel file: it holds "
                       "binary data."):
        read_all(write(tmp_path, b"\x89PNG" + data, name="customers.csv"))


def test_utf16_without_bom_gets_a_hint(tmp_path: Path) -> None:
    path = write(tmp_path, (HEADER + "10003629,,a\n").encode("utf-16-le"))
    with pytest.raises(InputFileError, match="pass --encoding utf-16-le"):
        read_all(path)


def test_nul_bytes_deep_in_the_file(tmp_path: Path) -> None:
    lines = "".join(f"{10_000_000 + i},,n\n" for i in range(7000))
    path = write(tmp_path, (HEADER + lines).encode() + b"1000\x009999,,a\x00b\n")
    summary, invalid, valid = check(path)
    assert reasons(invalid) == {7002: "Invalid customer-id: must be a positive integer "
                                      "(got '1000\\x009999')"}
    assert invalid[0].cells == ("1000\x009999", "", "a\x00b")


def test_no_id_column_lists_the_headers(tmp_path: Path) -> None:
    path = write(tmp_path, "name,phone\nAna,555\n")
    with pytest.raises(InputFileError) as exc:
        read_all(path)
    assert str(exc.value) == (
        "no customer-id column (looked for a header such as customer-id, Customer ID or "
        "ACCOUNTNUM; pass id_column to name another); headers found: 'name', 'phone'.")
    assert flags.message(exc.value) == (  # the CLI names the flag
        "no customer-id column (looked for a header such as customer-id, Customer ID or "
        "ACCOUNTNUM; pass --id-column to name another); headers found: 'name', 'phone'.")


def test_no_header_row_at_all(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match="The first row looks like data: the file needs a "
                       "header row."):
        read_all(write(tmp_path, "10003629\n10003630\n"))


@pytest.mark.parametrize("header", ["customer-id", "customer_id", "Customer ID", "CustomerID",
                                    "ACCOUNTNUM", "account_num", " CUSTOMER-ID "])
def test_id_aliases(tmp_path: Path, header: str) -> None:
    assert read_all(write(tmp_path, f"x,{header}\n1,10003629\n"))["table"]["id_index"] == 1


@pytest.mark.parametrize("header", ["schedule-date-time", "schedule", "scheduled_at",
                                    "Schedule Date Time", "SCHEDULED AT"])
def test_schedule_aliases(tmp_path: Path, header: str) -> None:
    got = read_all(write(tmp_path, f"{header},customer id\n{SOON},10003629\n"))
    assert got["table"]["schedule_index"] == 0 and got["schedules"] == [SOON]


def test_named_columns(tmp_path: Path) -> None:
    path = write(tmp_path, "Konto,Anruf,x\n10003629,2030-01-02T09:00Z,y\n")
    got = read_all(path, id_column="konto", schedule_column="Anruf")
    assert (got["table"]["id_index"], got["table"]["schedule_index"]) == (0, 1)
    with pytest.raises(InputFileError, match=r"no column named 'Kto' \(id_column\); headers "
                       "found: 'Konto', 'Anruf', 'x'."):
        read_all(path, id_column="Kto")


def test_two_id_columns_are_ambiguous(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match=r"several columns could be the customer-id "
                       r"\('Customer ID', 'ACCOUNTNUM'\); choose one with id_column."):
        read_all(write(tmp_path, "Customer ID,ACCOUNTNUM\n1,2\n"))


def test_too_many_and_too_few_fields(tmp_path: Path) -> None:
    path = write(tmp_path, HEADER + "10000001,,Smith, Ann\n10000002\n10000003,,ok\n")
    got = read_all(path)
    assert got["cells"][1] == ("10000002", "", "")
    summary, invalid, valid = check(path)
    assert reasons(invalid) == {2: "row has 4 fields, the header has 3 (is a value with a comma "
                                   "missing its quotes?)"}
    assert [r for r, _ in valid] == [3, 4]


def test_very_long_lines(tmp_path: Path) -> None:
    note = "x" * 300_000
    path = write(tmp_path, HEADER + f'10000001,,"{note}"\n10000002,,{note}\n')
    got = read_all(path)
    assert got["rows"] == [2, 3] and len(got["cells"][1][2]) == 300_000


def test_unclosed_quote_runs_into_the_field_limit(tmp_path: Path) -> None:
    lines = "".join(f"{10_000_000 + i},,name\n" for i in range(80_000))
    path = write(tmp_path, HEADER + '10000001,,"oops\n' + lines)
    with pytest.raises(InputFileError, match="in.csv, line 2: a quoted field opened on this "
                       "line runs on for more than 1,048,576 characters; a closing quote is "
                       "probably missing there"):
        read_all(path, size=1000)


def test_unclosed_quote_at_the_end(tmp_path: Path) -> None:
    got = read_all(write(tmp_path, HEADER + '10000001,,"oops\n10000002,,b\n'))
    assert got["rows"] == [2] and got["cells"][0][2] == "oops\n10000002,,b\n"


def test_xlsx_name_on_csv_content(tmp_path: Path) -> None:
    got = read_all(write(tmp_path, HEADER + "10003629,,a\n", name="really-csv.xlsx"))
    assert got["table"]["format"] == "csv" and got["ids"] == ["10003629"]


def test_flags_that_cannot_apply(tmp_path: Path) -> None:
    path = write(tmp_path, HEADER + "10003629,,a\n")
    # The library names its parameters; the CLI shows them as flags (tests/test_validate_cli.py).
    with pytest.raises(UsageError, match="^sheet applies to Excel files only; in.csv is read "
                       "as CSV.") as sheet:
        read_all(path, sheet="1")
    with pytest.raises(UsageError, match=r"unknown encoding 'klingon' \(encoding\)") as enc:
        read_all(path, encoding="klingon")
    with pytest.raises(UsageError, match="^delimiter must be one character") as delim:
        read_all(path, delimiter="ab")
    assert (sheet.value.param, enc.value.param, delim.value.param) == (
        "sheet", "encoding", "delimiter")


def test_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match="cannot open .*nope.csv: No such file or directory."):
        read_all(tmp_path / "nope.csv")
    with pytest.raises(InputFileError, match="is a directory, not a file."):
        read_all(tmp_path)
