"""`validate --api campaigns-v1` and the v1 file loop (api/campaigns_v1/file.py) on real CSV and
XLSX files (written with openpyxl, read back by our readers)."""

from __future__ import annotations

import csv
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import openpyxl
import pytest

from bulk_loader.api import RecordBatch
from bulk_loader.api.campaigns_v1 import V1Validated, validate_v1_file
from bulk_loader.model import Batch, Validated
from bulk_loader.validation import FileOptions
from tests.v1_cli_support import run_v1, v1_env, write_profile

HEADER = ["crmRecordId", "schedule", "Priority", "Rank"]


def _csv(path: Path, rows: list[list[str]], header: list[str] = HEADER) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)
    return path


def _batches(path: Path, zone: str | None = None,
             batch_size: int = 1000) -> tuple[list[RecordBatch], object]:
    got: list[RecordBatch] = []

    def keep(batch: Batch, validated: Validated) -> None:
        assert isinstance(validated, V1Validated)
        got.append(validated.record_batch())

    options = FileOptions(id_column="crmRecordId",
                          timezone=ZoneInfo(zone) if zone else None)
    summary = validate_v1_file(path, options, on_batch=keep, batch_size=batch_size)
    return got, summary


def test_valid_rows_come_out_as_columns_ready_for_a_record_batch(tmp_path: Path) -> None:
    f = _csv(tmp_path / "a.csv", [
        ["  CRM-1  ", "2026-12-01 10:00", "high", "3"],
        ["CRM-2", "2026-07-01T10:00:00+02:00", "", "2.5"],
        ["CRM-3", "", "Low", ""],
    ])
    batches, summary = _batches(f, "Europe/London")
    assert len(batches) == 1
    b = batches[0]
    assert list(b.ids) == ["CRM-1", "CRM-2", "CRM-3"]
    # Naive: Europe/London (GMT in December); an offset is kept as written, sent in UTC.
    assert list(b.schedules or []) == ["2026-12-01T10:00:00.000Z", "2026-07-01T08:00:00.000Z",
                                       None]
    assert list(b.fields["priority"]) == ["HIGH", None, "LOW"]
    assert list(b.fields["rank"]) == [3, 2.5, None]
    assert summary.valid == 3 and summary.invalid == 0  # type: ignore[attr-defined]
    assert summary.priority_column == "Priority"  # type: ignore[attr-defined]
    assert summary.rank_column == "Rank"  # type: ignore[attr-defined]


def test_ids_are_unique_across_batches_and_name_the_first_valid_row(tmp_path: Path) -> None:
    rows = [[f"CRM-{i}", "", "", ""] for i in range(10)] + [["CRM-3", "", "", ""],
                                                            [" CRM-7 ", "", "", ""]]
    batches, summary = _batches(_csv(tmp_path / "a.csv", rows), batch_size=4)
    assert sum(len(b.ids) for b in batches) == 10
    assert summary.invalid == 2  # type: ignore[attr-defined]
    assert summary.by_reason == {"duplicate of an earlier row": 2}  # type: ignore[attr-defined]


def test_the_cli_reports_each_bad_row_with_its_reasons_and_writes_invalid_out(
        tmp_path: Path) -> None:
    f = _csv(tmp_path / "a.csv", [
        ["CRM-1", "2026-12-01T10:00:00Z", "HIGH", "1"],
        ["x" * 33, "", "", ""],
        ["CRM-1", "", "", ""],
        ["CRM-4", "", "urgent", "1e999"],
        ["CRM-5", "notadate", "MEDIUM", "nan"],
        ["CRM-6", "", "", "7"],
    ])
    out = tmp_path / "invalid.csv"
    res = run_v1(v1_env(), "validate", str(f), "--api", "campaigns-v1", "--id-column",
                 "crmRecordId", "--json", "--invalid-out", str(out))
    assert res.exit_code == 1, res.output
    doc = json.loads(res.output)
    assert doc["api"] == "campaigns-v1"
    assert (doc["priority_column"], doc["rank_column"]) == ("Priority", "Rank")
    assert (doc["rows"], doc["valid"], doc["invalid"]) == (6, 2, 4)
    assert doc["first_invalid"] == [
        {"row": 3, "reason": "crmRecordId must be at most 32 characters (got 33: 'xxxxxxxxxxxx'...)"},
        {"row": 4, "reason": "duplicate of row 2"},
        {"row": 5, "reason": "priority must be HIGH, MEDIUM or LOW (got 'urgent'); "
                             "rank must be a finite number (got '1e999')"},
        {"row": 6, "reason": "Invalid scheduleAt format - please use ISO 8601 format such as "
                             "2026-12-01T14:30:00Z or 2026-12-01 14:30; for another layout name "
                             "it with --date-format (strptime syntax, e.g. --date-format "
                             "'%d/%m/%Y %H:%M') (got 'notadate'); rank must be a finite number "
                             "(got 'nan')"},
    ]
    with out.open(encoding="utf-8-sig", newline="") as fh:
        written = list(csv.reader(fh))
    assert written[0] == ["row", *HEADER, "reason"]
    assert [r[0] for r in written[1:]] == ["3", "4", "5", "6"]
    assert written[3][1:5] == ["CRM-4", "", "urgent", "1e999"]


def test_text_output_names_the_v1_columns(tmp_path: Path) -> None:
    f = _csv(tmp_path / "a.csv", [["CRM-1", ""]], ["customer-id", "schedule"])
    res = run_v1(v1_env(), "validate", str(f), "--api", "campaigns-v1")
    assert res.exit_code == 0, res.output
    assert "checked for the Campaigns API v1: priority column none, rank column none" \
        in res.output
    assert "valid                 1" in res.output


def test_no_seven_day_rule_and_no_past_rule_unlike_the_legacy_api(tmp_path: Path) -> None:
    now = datetime.now(UTC)
    far = (now + timedelta(days=20)).strftime("%Y-%m-%dT%H:%M:%SZ")
    past = (now - timedelta(days=365)).strftime("%Y-%m-%dT%H:%M:%SZ")
    f = _csv(tmp_path / "a.csv", [["10000001", far], ["10000002", past]],
             ["customer-id", "schedule"])
    v1 = run_v1(v1_env(), "validate", str(f), "--api", "campaigns-v1", "--json")
    assert v1.exit_code == 0 and json.loads(v1.output)["valid"] == 2
    legacy = run_v1(v1_env(), "validate", str(f), "--json")
    assert legacy.exit_code == 1 and json.loads(legacy.output)["invalid"] == 2
    assert "api" not in json.loads(legacy.output)


def test_xlsx_number_ids_datetimes_and_ranks_read_back(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(HEADER)
    ws.append([10003629, datetime(2026, 12, 1, 10, 0), "medium", 4])
    ws.append(["CRM-B", None, None, 1.5])
    ws.append([10003629.0, None, "LOW", None])  # the same id as row 2, written as a float
    ws.append([None, None, "HIGH", 2])
    path = tmp_path / "v1.xlsx"
    wb.save(path)
    batches, summary = _batches(path, "America/New_York")
    b = batches[0]
    assert list(b.ids) == ["10003629", "CRM-B"]
    assert list(b.schedules or []) == ["2026-12-01T15:00:00.000Z", None]
    assert list(b.fields["priority"]) == ["MEDIUM", None]
    assert list(b.fields["rank"]) == [4, 1.5]
    assert summary.invalid == 2  # type: ignore[attr-defined]
    assert summary.by_reason == {"duplicate of an earlier row": 1,  # type: ignore[attr-defined]
                                 "crmRecordId is empty": 1}


def test_two_priority_columns_are_refused_in_one_sentence(tmp_path: Path) -> None:
    f = _csv(tmp_path / "a.csv", [["CRM-1", "HIGH", "LOW"]],
             ["crmRecordId", "Priority", "priority"])
    res = run_v1(v1_env(), "validate", str(f), "--api", "campaigns-v1", "--id-column",
                 "crmRecordId")
    assert res.exit_code == 2
    assert "several columns could be the priority ('Priority', 'priority'); keep one." \
        in res.output
    assert "Traceback" not in res.output


@pytest.mark.parametrize("where", ["profile", "environment"])
def test_validate_takes_the_api_from_a_profile_or_the_environment(tmp_path: Path,
                                                                  where: str) -> None:
    f = _csv(tmp_path / "a.csv", [["CRM-1", ""]], ["customer-id", "schedule"])
    config = write_profile(tmp_path / "c.toml", "v1", {"api": "campaigns-v1"})
    if where == "profile":
        res = run_v1(v1_env(BULK_LOADER_CONFIG=str(config)), "validate", str(f), "--profile",
                     "v1", "--json")
    else:
        res = run_v1(v1_env(BULK_LOADER_API="campaigns-v1"), "validate", str(f), "--json")
    assert res.exit_code == 0, res.output  # a text id: invalid for the legacy API
    assert json.loads(res.output)["api"] == "campaigns-v1"


def test_a_bad_api_in_the_profile_is_named_and_an_open_config_file_is_still_read(
        tmp_path: Path) -> None:
    f = _csv(tmp_path / "a.csv", [["CRM-1", ""]], ["customer-id", "schedule"])
    config = write_profile(tmp_path / "c.toml", "v1", {"api": "campaigns-v2"})
    res = run_v1(v1_env(BULK_LOADER_CONFIG=str(config)), "validate", str(f), "--profile", "v1")
    assert res.exit_code == 2
    assert res.output == (f"error: api in profile [v1] of {config}: must be one of legacy, "
                          "campaigns-v1 (got 'campaigns-v2')\n")
    # validate reads no secret: like the header aliases, a file others can read is used.
    write_profile(config, "v1", {"api": "campaigns-v1"}).chmod(0o644)
    res = run_v1(v1_env(BULK_LOADER_CONFIG=str(config)), "validate", str(f), "--profile", "v1",
                 "--json")
    assert res.exit_code == 0 and json.loads(res.output)["api"] == "campaigns-v1"


def test_an_xlsx_number_id_too_long_for_a_number_cell_is_invalid_not_changed(
        tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(HEADER)
    ws.append([12345678901234567890, None, None, None])  # read back as 12345678901234569216
    ws.append([1e20, None, None, None])
    ws.append([9007199254740991, None, None, None])  # 2**53 - 1: a number cell holds it exactly
    ws.append(["12345678901234567890", None, None, None])  # text keeps every digit
    path = tmp_path / "long.xlsx"
    wb.save(path)
    batches, summary = _batches(path)
    assert list(batches[0].ids) == ["9007199254740991", "12345678901234567890"]
    assert summary.invalid == 2  # type: ignore[attr-defined]
    assert summary.by_reason == {  # type: ignore[attr-defined]
        "crmRecordId is a number too long for a number cell": 2}


def test_an_id_excel_wrote_in_scientific_notation_in_a_csv_is_invalid_as_for_the_legacy_api(
        tmp_path: Path) -> None:
    f = _csv(tmp_path / "export.csv", [
        ["1.23457E+11", "", "", ""],  # Excel's display of 123456789012, saved as CSV
        ["1E+11", "", "", ""],
        ["1.23456789012E+11", "", "", ""],  # every digit, but the id is 123456789012
        ["CRM-1E+11", "", "", ""],  # text that only contains the shape
        ["2e5", "", "", ""],  # not Excel's display (lower case, no sign): an id as typed
    ])
    batches, summary = _batches(f)
    assert list(batches[0].ids) == ["CRM-1E+11", "2e5"]
    assert summary.by_reason == {  # type: ignore[attr-defined]
        "crmRecordId is a number Excel wrote in scientific notation": 3}
