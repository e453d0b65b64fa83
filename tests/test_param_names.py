"""Library errors name the parameter a caller passed; the CLI shows the same error with the flag.

Each pair runs the same bad value through the library (the message and `param` name the
parameter) and through the CLI (the message names the flag, nothing else changed). The last
tests hold `cli/flags.py` to rewriting whole words only: never inside a quoted value, a longer
word, a path or a file name.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

import bulk_loader
from bulk_loader import (
    Credentials,
    DeleteOptions,
    ExportOptions,
    FileOptions,
    InputFileError,
    UsageError,
    resolve_endpoint,
)
from bulk_loader.cli import cli, flags
from bulk_loader.validation import parse_period


def run_cli(*argv: str) -> tuple[int, str]:
    res = CliRunner().invoke(cli, list(argv), env={"BULK_LOADER_PROFILE": ""})
    return res.exit_code, res.output


def test_a_base_url_that_is_not_http_names_base_url_in_the_library_and_the_flag_in_the_cli(
        tmp_path: Path) -> None:
    with pytest.raises(UsageError) as err:
        resolve_endpoint(None, "ftp://x")
    assert (str(err.value), err.value.params) == (
        "base_url must be an http(s) URL (got 'ftp://x')", ("base_url",))
    f = tmp_path / "ids.csv"
    f.write_text("customer-id\n10000001\n", encoding="utf-8")
    code, out = run_cli("delete", str(f), "--campaign", "125", "--base-url", "ftp://x",
                        "--journal", str(tmp_path / "j.sqlite"), "--yes")
    assert (code, out) == (2, "error: --base-url must be an http(s) URL (got 'ftp://x')\n")


def test_neither_platform_nor_base_url_names_both_parameters() -> None:
    with pytest.raises(UsageError) as err:
        resolve_endpoint(None, None)
    assert str(err.value) == "give exactly one of platform (e.g. na12) or base_url"
    assert (err.value.param, err.value.params) == ("platform", ("platform", "base_url"))
    assert flags.message(err.value) == "give exactly one of --platform (e.g. na12) or --base-url"


def test_a_missing_sheet_names_sheet_in_the_library_and_the_flag_in_the_cli(
        tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    assert book.active is not None
    book.active.title = "Data"
    book.active.append(["customer-id"])
    book.active.append([10000001])
    path = tmp_path / "book.xlsx"
    book.save(path)
    with pytest.raises(InputFileError) as err:
        bulk_loader.validate(path, FileOptions(sheet="Nine"))
    assert str(err.value) == ("book.xlsx has no worksheet 'Nine' (sheet takes a name or a "
                              "0-based index); sheets: 'Data'.")
    assert err.value.param == "sheet"
    code, out = run_cli("validate", str(path), "--sheet", "Nine")
    assert code == 2
    assert out == ("error: book.xlsx has no worksheet 'Nine' (--sheet takes a name or a 0-based "
                   "index); sheets: 'Data'.\n")


def test_a_date_format_without_a_year_names_date_format_in_the_library_and_the_flag_in_the_cli(
        tmp_path: Path) -> None:
    with pytest.raises(UsageError) as err:
        ExportOptions(date_formats=("%H:%M",))
    assert err.value.param == "date_format"
    assert str(err.value).startswith("date_format '%H:%M' has no year (%Y or %y)")
    f = tmp_path / "c.csv"
    f.write_text("customer-id\n10000001\n", encoding="utf-8")
    code, out = run_cli("validate", str(f), "--date-format", "%H:%M")
    assert code == 2 and out == "error: " + flags.message(err.value) + "\n"
    assert out.startswith("error: --date-format '%H:%M' has no year (%Y or %y)")


def test_an_empty_period_names_until_and_since_in_the_library_and_the_flags_in_the_cli(
        tmp_path: Path) -> None:
    with pytest.raises(UsageError) as err:
        parse_period("2026-11-23T00:00Z", "2026-11-20T00:00Z")
    assert str(err.value) == ("until must come after since (got 2026-11-23T00:00:00+00:00 to "
                              "2026-11-20T00:00:00+00:00)")
    assert err.value.params == ("until", "since")
    code, out = run_cli("report", "--campaign", "125", "--since", "2026-11-23T00:00Z",
                        "--until", "2026-11-20T00:00Z", "--output", str(tmp_path / "r.csv"),
                        "--journal", str(tmp_path / "j.sqlite"))
    assert (code, out) == (2, "error: --until must come after --since (got "
                              "2026-11-23T00:00:00+00:00 to 2026-11-20T00:00:00+00:00)\n")


def test_a_delete_given_a_file_and_a_run_names_both_parameters(tmp_path: Path) -> None:
    opts = DeleteOptions(campaign_id=125, endpoint="http://127.0.0.1:9", journal_path=tmp_path
                         / "j.sqlite", credentials=Credentials("u", "a", "d"),
                         file=tmp_path / "ids.csv", source_run="upload-1")
    with pytest.raises(UsageError) as err:
        bulk_loader.delete(opts)
    assert str(err.value) == ("give exactly one of file (customer ids) or source_run (an "
                              "upload's run id)")
    assert err.value.params == ("file", "source_run")
    assert not (tmp_path / "j.sqlite").exists()


@pytest.mark.parametrize(("text", "params", "shown"), [
    # A quoted value keeps its words, even one that is a parameter's name.
    ("unknown time zone 'timezone' (timezone)", ("timezone",),
     "unknown time zone 'timezone' (--timezone)"),
    ("format must be one of csv, json (got \"format\")", ("format",),
     "--format must be one of csv, json (got \"format\")"),
    # A name in parentheses marks the parameter; the same bare word is then English.
    ("unknown encoding 'rot13' (encoding); try utf-8", ("encoding",),
     "unknown encoding 'rot13' (--encoding); try utf-8"),
    # Whole words only: not a longer word, a possessive, a path, a file name or a flag.
    ("campaign_id is the campaign's UUID", ("campaign_id",), "--campaign is the campaign's UUID"),
    ("output /tmp/output and output.csv: give output", ("output",),
     "--output /tmp/output and output.csv: give --output"),
    ("site names no --site-x: sites differ", ("site",), "--site names no --site-x: sites differ"),
    # Only the parameters the error names: another parameter's name stays a word.
    ("status must be one of New (got 'x'); see format", ("status",),
     "--status must be one of New (got 'x'); see format"),
    # A name with no flag (a positional FILE) stays as it is.
    ("give exactly one of file or source_run", ("file", "source_run"),
     "give exactly one of file or --run"),
])
def test_the_cli_rewrites_the_named_parameters_as_whole_words_outside_quoted_values(
        text: str, params: tuple[str, ...], shown: str) -> None:
    assert flags.message(UsageError(text, param=params)) == shown


def test_an_error_naming_no_parameter_is_shown_as_it_is() -> None:
    text = "format must be one of csv (got 'x')"
    assert flags.message(UsageError(text)) == text
    assert flags.message(ValueError(text)) == text
