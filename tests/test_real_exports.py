"""Real-world exports through the CLI (issue 11's corpus): each odd file is made here, run through
`bulk-loader validate`, and checked for its exit code, reason, counts and the absence of a
traceback."""

from __future__ import annotations

import gzip
import json
import os
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook

from bulk_loader.cli import cli
from bulk_loader.readers import TRIGGERS, guard, iter_rows, unguard

ENV = {"BULK_LOADER_CONFIG": "/nonexistent/bulk-loader.toml"}
BAD = "Invalid schedule-date-time format - please use ISO 8601 format"
NOT_ISO = (f"{BAD} such as 2026-12-01T14:30:00Z or 2026-12-01 14:30; for another layout name it "
           "with --date-format (strptime syntax, e.g. --date-format '%d/%m/%Y %H:%M')")
LONDON = ZoneInfo("Europe/London")


def run(*argv: str, stdin: bytes | None = None,
        env: dict[str, str] | None = None) -> tuple[int, str, str]:
    res = CliRunner().invoke(cli, list(argv), input=stdin, env=env or ENV)
    assert res.exception is None or isinstance(res.exception, SystemExit), res.exception
    assert "Traceback" not in res.stdout + res.stderr
    return res.exit_code, res.stdout, res.stderr


def run_json(*argv: str, **kw: Any) -> tuple[int, dict[str, Any]]:
    code, out, err = run(*argv, "--json", **kw)
    return code, json.loads(out)


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_text(text, encoding=encoding, newline="")
    return path


def ahead(days: int, hour: int, minute: int = 0) -> datetime:
    """A wall time `days` ahead at hh:mm, as a naive datetime (inside the 7-day window)."""
    day = datetime.now(UTC).date() + timedelta(days=days)
    return datetime(day.year, day.month, day.day, hour, minute)


def utc(naive: datetime, zone: Any) -> str:
    moment = naive.replace(tzinfo=zone).astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


# -- no silent drop of the call time ---------------------------------------------------------


def callback_file(tmp_path: Path, header: str = "Callback Time") -> Path:
    when = ahead(2, 14, 30)
    return write(tmp_path / "cb.csv", f"Customer ID,Name,{header}\n"
                 f"10000001,Ann,{when:%Y-%m-%d %H:%M}\n10000002,Bob,{when:%d/%m/%Y %H:%M}\n")


@pytest.mark.parametrize("header", ["Callback Time", "Callback"])
def test_a_call_time_column_under_another_name_stops_the_run(tmp_path: Path,
                                                             header: str) -> None:
    quoted = f"'{header}'" if " " in header else header
    code, out, err = run("validate", str(callback_file(tmp_path, header)))
    assert (code, out) == (2, "")
    assert err == (f"error: no schedule column was found, but column {header!r} holds dates: "
                   f"pass --schedule-column {quoted} to use it as the call time, or "
                   "--no-schedule to confirm that the file has no call times (its customers "
                   "would be dialled at once).\n")


def test_no_schedule_confirms_a_file_without_call_times(tmp_path: Path) -> None:
    code, s = run_json("validate", str(callback_file(tmp_path)), "--no-schedule")
    assert code == 0 and (s["valid"], s["without_schedule"]) == (2, 2)
    assert s["columns"] == {"customer-id": "Customer ID", "schedule-date-time": None,
                            "time-zone": None}


def test_no_schedule_with_a_schedule_column_is_a_usage_error(tmp_path: Path) -> None:
    f = write(tmp_path / "s.csv", "customer-id,schedule\n10000001,\n")
    code, _, err = run("validate", str(f), "--no-schedule")
    assert code == 2 and err.startswith("error: --no-schedule says the file has no call times, "
                                        "but column 'schedule' is its schedule column")


def test_schedule_aliases_from_the_config_file(tmp_path: Path) -> None:
    config = write(tmp_path / "c.toml", '[night]\nschedule_aliases = ["Callback Time"]\n')
    config.chmod(0o600)
    code, s = run_json("validate", str(callback_file(tmp_path)), "--config", str(config),
                       "--profile", "night", "--timezone", "Europe/London",
                       "--date-format", "%d/%m/%Y %H:%M")
    assert code == 0 and s["columns"]["schedule-date-time"] == "Callback Time"
    assert s["with_schedule"] == 2


def test_a_bad_alias_list_in_the_config_file_is_one_sentence(tmp_path: Path) -> None:
    config = write(tmp_path / "c.toml", '[default]\nschedule_aliases = "Callback"\n')
    code, _, err = run("validate", str(callback_file(tmp_path)), "--config", str(config))
    assert code == 2 and "schedule_aliases must be a list of header names" in err


# -- regional dates and the mapping that is printed -------------------------------------------


def regional_file(tmp_path: Path) -> tuple[Path, list[datetime]]:
    times = [ahead(2, 14, 30), ahead(3, 14, 30), ahead(2, 9, 5)]
    f = write(tmp_path / "r.csv", "customer-id,schedule-date-time\n"
              f"10000001,{times[0]:%d/%m/%Y %H:%M}\n10000002,{times[1]:%d.%m.%Y %H:%M}\n"
              f"10000003,{times[2]:%Y-%m-%d} 9:05 AM\n")
    return f, times


def test_regional_dates_without_date_format_keep_the_vendor_message_and_say_how(
        tmp_path: Path) -> None:
    f, times = regional_file(tmp_path)
    code, s = run_json("validate", str(f), "--timezone", "Europe/London")
    assert code == 1 and (s["valid"], s["invalid"]) == (0, 3)
    assert s["first_invalid"][0] == {
        "row": 2, "reason": f"{NOT_ISO} (got '{times[0]:%d/%m/%Y %H:%M}')"}


def test_date_formats_are_tried_in_order_and_the_samples_say_what_happened(
        tmp_path: Path) -> None:
    f, times = regional_file(tmp_path)
    code, s = run_json("validate", str(f), "--timezone", "Europe/London",
                       "--date-format", "%d/%m/%Y %H:%M", "--date-format", "%d.%m.%Y %H:%M",
                       "--date-format", "%Y-%m-%d %I:%M %p")
    assert code == 0 and s["valid"] == 3
    assert s["time_zone"] == {"zone": "Europe/London", "source": "--timezone"}
    assert s["samples"] == [
        {"row": 2, "value": f"{times[0]:%d/%m/%Y %H:%M}", "zone": "Europe/London",
         "utc": utc(times[0], LONDON)},
        {"row": 3, "value": f"{times[1]:%d.%m.%Y %H:%M}", "zone": "Europe/London",
         "utc": utc(times[1], LONDON)},
        {"row": 4, "value": f"{times[2]:%Y-%m-%d} 9:05 AM", "zone": "Europe/London",
         "utc": utc(times[2], LONDON)}]


def test_the_text_summary_prints_mapping_zone_and_three_samples(tmp_path: Path) -> None:
    f, times = regional_file(tmp_path)
    code, out, _ = run("validate", str(f), "--timezone", "Europe/London",
                       "--date-format", "%d/%m/%Y %H:%M", "--date-format", "%d.%m.%Y %H:%M",
                       "--date-format", "%Y-%m-%d %I:%M %p")
    lines = out.splitlines()
    assert code == 0 and lines[1:7] == [
        "columns: customer-id <- 'customer-id', schedule-date-time <- 'schedule-date-time'",
        "time zone: an offset written in the value, else Europe/London (--timezone)",
        "sample conversions:",
        f"  row 2: '{times[0]:%d/%m/%Y %H:%M}' in Europe/London -> {utc(times[0], LONDON)}",
        f"  row 3: '{times[1]:%d.%m.%Y %H:%M}' in Europe/London -> {utc(times[1], LONDON)}",
        f"  row 4: '{times[2]:%Y-%m-%d} 9:05 AM' in Europe/London -> {utc(times[2], LONDON)}"]


def test_a_value_matching_no_date_format_names_the_formats(tmp_path: Path) -> None:
    f = write(tmp_path / "d.csv", "customer-id,schedule\n10000001,12-01-2026 14:30\n")
    code, s = run_json("validate", str(f), "--timezone", "UTC", "--date-format", "%d/%m/%Y %H:%M")
    assert code == 1 and s["first_invalid"][0]["reason"] == (
        f"{BAD}: matches no --date-format ('%d/%m/%Y %H:%M') (got '12-01-2026 14:30')")


def test_a_date_format_without_a_time_follows_the_date_only_rule(tmp_path: Path) -> None:
    day = ahead(2, 0)
    f = write(tmp_path / "d.csv", f"customer-id,schedule\n10000001,{day:%d/%m/%Y}\n")
    code, s = run_json("validate", str(f), "--timezone", "UTC", "--date-format", "%d/%m/%Y")
    assert code == 1 and s["first_invalid"][0]["reason"] == (
        f"{BAD}: a date needs a time of day (got '{day:%d/%m/%Y}')")


# -- a time zone per row ----------------------------------------------------------------------


def test_per_row_zones_follow_the_precedence_offset_row_flag(tmp_path: Path) -> None:
    when = ahead(2, 14, 30)
    text = f"{when:%Y-%m-%d %H:%M}"
    f = write(tmp_path / "z.csv", "customer-id,schedule,Time Zone\n"
              f"10000001,{text},America/New_York\n10000002,{text},\n"
              f"10000003,{text}+02:00,Asia/Tokyo\n10000004,{text},EST5EST\n"
              f"10000005,{text},Mars/Olympus\n10000006,{text},UTC+2\n10000007,,Mars/Olympus\n")
    code, s = run_json("validate", str(f), "--timezone", "Europe/London")
    assert code == 1 and (s["rows"], s["valid"], s["invalid"]) == (7, 5, 2)
    assert s["columns"]["time-zone"] == "Time Zone"
    assert [x["utc"] for x in s["samples"]] == [
        utc(when, ZoneInfo("America/New_York")), utc(when, LONDON),
        utc(when - timedelta(hours=2), UTC)]
    assert [x["zone"] for x in s["samples"]] == [
        "America/New_York (the row's time zone)", "Europe/London", "its own offset"]
    assert {r["row"]: r["reason"] for r in s["first_invalid"]} == {
        6: "unknown time zone 'Mars/Olympus' in the time zone column; use an IANA name such as "
           "Europe/London or a fixed POSIX zone such as EST5EST (got 'Mars/Olympus')",
        7: "time zone 'UTC+2' in the time zone column is ambiguous: POSIX reads a signed offset "
           "the opposite way round; use an IANA name such as Etc/GMT-2 (which is UTC+2) "
           "(got 'UTC+2')"}


def test_timezone_column_names_the_column(tmp_path: Path) -> None:
    when = ahead(2, 10)
    f = write(tmp_path / "z.csv", f"customer-id,schedule,Zone Kunde\n"
              f"10000001,{when:%Y-%m-%d %H:%M},Asia/Kolkata\n")
    code, s = run_json("validate", str(f), "--timezone-column", "Zone Kunde")
    assert code == 0 and s["samples"][0]["utc"] == utc(when, ZoneInfo("Asia/Kolkata"))
    code, _, err = run("validate", str(f), "--timezone-column", "nope")
    assert code == 2 and err.startswith("error: no column named 'nope' (--timezone-column)")


# -- ids keep every digit ---------------------------------------------------------------------


def test_ids_keep_every_digit_or_are_refused(tmp_path: Path) -> None:
    f = write(tmp_path / "i.csv", "customer-id\n1.23457E+11\n10000103.0\n10000103.5\n"
              "1.0003629E7\n1E7\n")
    code, s = run_json("validate", str(f))
    assert code == 1 and (s["rows"], s["valid"], s["invalid"]) == (5, 2, 3)
    cut = ("Invalid customer-id: Excel shortened this id to scientific notation and dropped "
           "digits; format the id column as Text (or Number with 0 decimals) in Excel and "
           "export again")
    assert {r["row"]: r["reason"] for r in s["first_invalid"]} == {
        2: f"{cut} (got '1.23457E+11')",
        4: "Invalid customer-id: must be a positive integer, not a number with a fractional "
           "part (got '10000103.5')",
        6: f"{cut} (got '1E7')"}


def test_xlsx_number_cells_that_are_not_exact_integers(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["customer-id"])
    for value in (10000103.0, 10000103.5, 123456789012345680.0, 10000104):
        ws.append([value])
    wb.save(tmp_path / "n.xlsx")
    code, s = run_json("validate", str(tmp_path / "n.xlsx"))
    assert code == 1 and (s["valid"], s["invalid"]) == (2, 2)
    assert {r["row"] for r in s["first_invalid"]} == {3, 4}
    assert s["first_invalid"][1]["reason"].startswith(
        "Invalid customer-id: a number cell holds only 15 significant digits")


# -- a runaway quote --------------------------------------------------------------------------


def test_a_stray_quote_stops_the_read_naming_its_line(tmp_path: Path) -> None:
    lines = [f"{10_000_000 + i},n{i}" for i in range(20_000)]
    lines[3] = '10000003,"oops'
    f = write(tmp_path / "q.csv", "customer-id,name\n" + "\n".join(lines) + "\n")
    code, out, err = run("validate", str(f))
    assert (code, out) == (2, "")
    assert err == ("error: q.csv, line 5: a quoted field opened on this line runs on for more "
                   "than 100 lines; a closing quote is probably missing there. Nothing "
                   "was sent: fix that line (or remove the stray quote) and run again.\n")


def test_a_quoted_field_under_the_limit_is_one_row(tmp_path: Path) -> None:
    f = write(tmp_path / "q.csv", 'customer-id,note\n10000001,"a\nb\nc"\n10000002,x\n')
    code, s = run_json("validate", str(f))
    assert code == 0 and s["rows"] == 2


# -- standard input, gzip, pipes --------------------------------------------------------------


PLAIN = b"customer-id,name\n10000001,a\n10000002,b\n"


def test_standard_input(tmp_path: Path) -> None:
    code, s = run_json("validate", "-", stdin=PLAIN)
    assert code == 0 and (s["file"], s["valid"]) == ("standard input", 2)


def test_gzip_is_known_by_its_magic_bytes_whatever_its_name(tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_bytes(gzip.compress(PLAIN))
    code, s = run_json("validate", str(tmp_path / "a.csv"))
    assert code == 0 and s["valid"] == 2
    code, s = run_json("validate", "-", stdin=gzip.compress(PLAIN))
    assert code == 0 and s["valid"] == 2


@pytest.mark.parametrize(("data", "message"), [
    (b"", "error: standard input is empty.\n"),
    (gzip.compress(PLAIN)[:15], "error: standard input starts like a gzip file but cannot be "
                                "decompressed (Compressed file ended before the end-of-stream "
                                "marker was reached); is it cut short?\n")])
def test_empty_or_cut_input_is_one_sentence(data: bytes, message: str) -> None:
    assert run("validate", "-", stdin=data) == (2, "", message)


def test_a_fifo_is_read_without_a_traceback(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)

    def feed() -> None:
        with open(fifo, "wb") as w:
            w.write(PLAIN)

    writer = threading.Thread(target=feed)
    writer.start()
    code, s = run_json("validate", str(fifo))
    writer.join()
    assert code == 0 and s["valid"] == 2


# -- dates are the same in CSV and XLSX -------------------------------------------------------


def test_xlsx_date_only_cell_and_serial_number_get_the_csv_reasons(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    day = ahead(2, 0).date()
    ws.append(["customer-id", "schedule"])
    ws.append([10000001, day])
    ws.append([10000002, 46360.6041666])
    ws.append([10000003, ahead(2, 14, 30)])
    wb.save(tmp_path / "d.xlsx")
    code, s = run_json("validate", str(tmp_path / "d.xlsx"), "--timezone", "UTC")
    assert code == 1 and (s["valid"], s["invalid"]) == (1, 2)
    assert {r["row"]: r["reason"] for r in s["first_invalid"]} == {
        2: f"{BAD}: a date needs a time of day (got '{day.isoformat()}')",
        3: f"{BAD}: this is an Excel date serial number (days since 1899-12-30, here "
           "2026-12-04 14:30), not a date-time; format the column in Excel as a date and time "
           "(yyyy-mm-dd hh:mm) or as Text, and export again (got '46360.6041666')"}
    csv_file = write(tmp_path / "d.csv", f"customer-id,schedule\n10000001,{day.isoformat()}\n"
                     "10000002,46360.6041666\n")
    code, t = run_json("validate", str(csv_file), "--timezone", "UTC")
    assert [r["reason"] for r in t["first_invalid"]] == [
        r["reason"] for r in s["first_invalid"]]


# -- the failures file ------------------------------------------------------------------------


def test_invalid_out_feeds_straight_back(tmp_path: Path) -> None:
    f = write(tmp_path / "in.csv", "customer-id,Name,Phone\n10000001,José,+44 20 7946 0002\n"
              "abc,=HYPERLINK(\"http://x\"),-5\n10000002,'=quoted,+1 (555) 010-9999\n"
              "10000003,@SUM(A1),\n", encoding="cp1252")
    out = tmp_path / "bad.csv"
    code, s = run_json("validate", str(f), "--invalid-out", str(out))
    assert code == 1 and s["invalid"] == 1
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfrow,customer-id,Name,Phone,reason\n")
    assert raw.decode("utf-8-sig").splitlines()[1] == (
        "3,abc,\"'=HYPERLINK(\"\"http://x\"\")\",-5,Invalid customer-id: must be a positive "
        "integer (got 'abc')")
    # Every cell of every row, guarded or not, comes back exactly as it was.
    everything = tmp_path / "all.csv"
    code, _ = run_json("validate", str(f), "--invalid-out", str(everything), "--id-column", "Name")
    original = [list(cells) for _, cells in iter_rows(f)]
    fed_back = [cells[1:-1] for _, cells in iter_rows(everything)]
    assert fed_back == original and original[0][1] == "José"
    text = everything.read_text(encoding="utf-8-sig")
    assert "+44 20 7946 0002" in text and "'+44" not in text  # a phone number stays one
    assert "'@SUM(A1)" in text and "''=quoted" in text
    # Fed back again, the failures file keeps its shape: no second row or reason column.
    again = tmp_path / "again.csv"
    run_json("validate", str(everything), "--invalid-out", str(again), "--id-column", "Name")
    assert again.read_text(encoding="utf-8-sig").splitlines()[0] == (
        "row,customer-id,Name,Phone,reason")
    assert [c[1:-1] for _, c in iter_rows(again)] == original


@given(st.text(max_size=12))
def test_guard_is_reversible_and_leaves_no_formula(text: str) -> None:
    guarded = guard(text)
    assert unguard(guarded) == text
    if guarded.startswith("-"):  # only negative numbers and phone numbers are left as they are
        assert guarded[1:].replace(".", "", 1).replace(",", "", 1).isdigit()
    elif guarded.startswith(TRIGGERS):
        assert guarded[0] == "+" and set(guarded) <= set("+0123456789 ().-/")


def test_rows_read_account_for_every_line_of_a_csv(tmp_path: Path) -> None:
    f = write(tmp_path / "m.csv", 'title\n\ncustomer-id,note\n10000001,"a\nb"\n\n10000002,x\n')
    code, s = run_json("validate", str(f))
    assert code == 0 and (s["rows"], s["header_row"], s["last_line"]) == (2, 3, 7)
    code, out, _ = run("validate", str(f))
    assert "rows read             2  (lines 4-7: 2 blank or inside quoted fields)" in out


def test_an_xlsx_date_column_under_another_name_stops_the_run(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["customer-id", "Rückruf", "Name"])
    ws.append([10000001, ahead(2, 14, 30), "Ann"])
    ws.append([10000002, None, "Bob"])
    wb.save(tmp_path / "c.xlsx")
    code, out, err = run("validate", str(tmp_path / "c.xlsx"))
    assert (code, out) == (2, "")
    assert err.startswith("error: no schedule column was found, but column 'Rückruf' holds "
                          "dates: pass --schedule-column Rückruf to use it")
    code, s = run_json("validate", str(tmp_path / "c.xlsx"), "--schedule-column", "Rückruf",
                       "--timezone", "UTC")
    assert code == 0 and s["with_schedule"] == 1


@pytest.mark.parametrize(("fmt", "message"), [
    ("%Q", "error: --date-format '%Q' is not a strptime format: 'Q' is a bad directive in "
           "format '%Q' (for example '%d/%m/%Y %H:%M').\n"),
    ("%H:%M", "error: --date-format '%H:%M' has no year (%Y or %y): it cannot read a date; for "
              "example '%d/%m/%Y %H:%M'.\n"),
    ("", "error: --date-format '' has no year (%Y or %y): it cannot read a date; for example "
         "'%d/%m/%Y %H:%M'.\n")])
def test_a_date_format_that_cannot_read_a_date_is_a_usage_error(tmp_path: Path, fmt: str,
                                                                message: str) -> None:
    f = write(tmp_path / "d.csv", "customer-id,schedule\n10000001,\n")
    assert run("validate", str(f), "--date-format", fmt) == (2, "", message)


def test_a_guarded_header_comes_back_as_it_was(tmp_path: Path) -> None:
    f = write(tmp_path / "h.csv", "customer-id,=Total\nabc,1\n")
    first, second = tmp_path / "1.csv", tmp_path / "2.csv"
    run("validate", str(f), "--invalid-out", str(first))
    run("validate", str(first), "--invalid-out", str(second))
    assert first.read_bytes() == second.read_bytes()
    assert first.read_text(encoding="utf-8-sig").splitlines()[0] == (
        "row,customer-id,'=Total,reason")


def test_an_xlsx_input_gives_an_xlsx_failures_file_with_text_cells(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["customer-id", "Name", "Phone", "Amount"])
    ws.append(["abc", '=HYPERLINK("http://x")', "+44 20 7946 0002", 12.5])
    ws.append([10000001, "Ann", "+1 555 0100", 3])
    ws["B2"].data_type = "s"  # text that looks like a formula, as a CRM export may hold
    wb.save(tmp_path / "in.xlsx")
    out = tmp_path / "bad.xlsx"
    code, s = run_json("validate", str(tmp_path / "in.xlsx"), "--invalid-out", str(out))
    assert code == 1 and s["invalid"] == 1
    sheet = load_workbook(out).worksheets[0]
    rows = [[(c.value, c.data_type) for c in r] for r in sheet.iter_rows()]
    assert [v for v, _ in rows[0]] == ["row", "customer-id", "Name", "Phone", "Amount", "reason"]
    assert rows[1][:5] == [(2, "n"), ("abc", "s"), ('=HYPERLINK("http://x")', "s"),
                           ("+44 20 7946 0002", "s"), (12.5, "n")]
    original = [list(cells) for _, cells in iter_rows(tmp_path / "in.xlsx")][:1]
    assert [list(c)[1:-1] for _, c in iter_rows(out)] == original


@given(st.datetimes(min_value=datetime(2001, 1, 1), max_value=datetime(2099, 12, 31)),
       st.sampled_from(["%d/%m/%Y %H:%M", "%m/%d/%Y %I:%M %p", "%d.%m.%Y %H:%M:%S",
                        "%Y%m%d %H%M"]))
def test_a_date_format_reads_back_exactly_what_it_wrote(moment: datetime, fmt: str) -> None:
    from bulk_loader.validation import NOT_ISO, ScheduleParser

    text = moment.strftime(fmt)
    exact = moment.replace(microsecond=0, second=moment.second if "%S" in fmt else 0)
    assert ScheduleParser(UTC, (fmt,), NOT_ISO).parse(text) == (utc(exact, UTC), None)
    if "/" in fmt or "." in fmt:  # never guessed without the format
        assert ScheduleParser(UTC, (), NOT_ISO).parse(text) == (None, NOT_ISO + f" (got {text!r})")


def test_a_date_format_with_an_offset_keeps_the_offset() -> None:
    from bulk_loader.validation import ScheduleParser

    parser = ScheduleParser(ZoneInfo("Asia/Tokyo"), ("%d/%m/%Y %H:%M %z",))
    assert parser.parse("01/12/2026 14:30 +0100") == ("2026-12-01T13:30:00.000Z", None)
    assert parser.parse("01/12/2026 14:30 +0100", ZoneInfo("America/Chicago"))[0] == (
        "2026-12-01T13:30:00.000Z")


@given(st.one_of(st.text(max_size=30), st.floats(), st.integers()),
       st.one_of(st.none(), st.text(max_size=20)),
       st.sampled_from([(), ("%d/%m/%Y %H:%M %z",), ("%d/%m/%Y %H:%M", "%Y%m%d %H%M%S")]))
def test_any_schedule_and_zone_cell_is_a_value_or_a_reason_never_an_error(
        value: Any, zone_cell: str | None, formats: tuple[str, ...]) -> None:
    from bulk_loader.validation import ScheduleParser

    values, bad = ScheduleParser(LONDON, formats).parse_all([value], [zone_cell])
    assert (values[0] is None) or (not bad and values[0].endswith("Z"))
