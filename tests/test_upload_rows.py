"""Upload edge cases: Excel times and zones, the send-time window, splits, failures, the cap."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import openpyxl
import pytest

from bulk_loader import spec
from bulk_loader.api import RetryPolicy
from bulk_loader.config import Credentials
from bulk_loader.journal import Journal
from bulk_loader.runs import Progress
from bulk_loader.upload import UploadOptions, run_upload
from tests.simulator_fixture import RunningSimulator, running_simulator
from tests.upload_support import iso_in, read_csv, upload, valid_rows, write_csv


def _xlsx(path: Path, rows: list[list[object]]) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["Customer ID", "Schedule Date Time"])
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def test_xlsx_naive_times_use_timezone_flag_else_campaign_zone(simulator: RunningSimulator,
                                                               tmp_path: Path) -> None:
    local = (datetime.now(ZoneInfo("Europe/London")) + timedelta(days=2)).replace(
        hour=9, minute=0, second=0, microsecond=0, tzinfo=None)
    f = _xlsx(tmp_path / "a.xlsx", [[10_000_001, local], [10_000_002, None]])
    r = upload(simulator, f, tmp_path / "j.sqlite", "--timezone", "Europe/London")
    assert r.exit_code == 0, r.output
    held = simulator.records(125)
    assert held[10_000_001] == spec.iso_utc_ms(local.replace(tzinfo=ZoneInfo("Europe/London")))
    assert held[10_000_002] is None
    # No --timezone: campaign 125's own zone from the preflight (America/New_York).
    g = _xlsx(tmp_path / "b.xlsx", [[10_000_003, local]])
    r = upload(simulator, g, tmp_path / "j.sqlite")
    assert r.exit_code == 0, r.output
    ny = local.replace(tzinfo=ZoneInfo("America/New_York"))
    assert simulator.records(125)[10_000_003] == spec.iso_utc_ms(ny)
    r = upload(simulator, g, tmp_path / "j.sqlite", "--timezone", "Mars/Olympus", "--new-run")
    assert r.exit_code == 2 and r.stderr == (
        "error: unknown time zone 'Mars/Olympus' (--timezone); use an IANA name such as "
        "Europe/London or America/New_York.\n")
    # One parser for every command: a POSIX zone like the API's own "EST5EST" works for both.
    h = _xlsx(tmp_path / "c.xlsx", [[10_000_004, local]])
    r = upload(simulator, h, tmp_path / "j.sqlite", "--timezone", "EST5EST")
    assert r.exit_code == 0, r.output
    est = local.replace(tzinfo=timezone(timedelta(hours=-5)))
    assert simulator.records(125)[10_000_004] == spec.iso_utc_ms(est)


def _opts(sim: RunningSimulator, f: Path, journal: Path, **kw: object) -> UploadOptions:
    base: dict[str, object] = dict(
        file=f, campaign_id=125, endpoint=sim.base_url, credentials=sim.credentials,
        journal_path=journal, notice=lambda _: None,
        retry=RetryPolicy(max_attempts=3, base_delay=0.001, max_delay=0.002))
    base.update(kw)
    return UploadOptions(**base)  # type: ignore[arg-type]


def test_resumed_days_later_the_window_is_checked_again(simulator: RunningSimulator,
                                                        tmp_path: Path) -> None:
    rows = [[10_000_001, iso_in(1), "soon"], [10_000_002, "", "any time"],
            [10_000_003, iso_in(6 * 24), "in six days"]]
    f = write_csv(tmp_path / "c.csv", rows)
    journal = tmp_path / "j.sqlite"
    wrong = Credentials("demo", "wrong", simulator.config.data_token)
    first = run_upload(_opts(simulator, f, journal, credentials=wrong))
    assert first.exit_code == 3 and first.summary["counts"]["pending"] == 3
    later = datetime.now(UTC) + timedelta(hours=2)
    second = run_upload(_opts(simulator, f, journal, now=lambda: later))
    assert second.exit_code == 1
    assert second.summary["counts"] == {"accepted": 2, "rejected": 0, "invalid": 1,
                                        "failed": 0, "pending": 0, "already_present": 0}
    assert set(simulator.records(125)) == {10_000_002, 10_000_003}
    with Journal.open(journal) as j:
        rec = next(j.iter_records("upload-1", states=["invalid"]))
    assert rec.row == 2 and rec.message == spec.MSG_PAST


def test_too_large_requests_are_split_and_all_accepted(tmp_path: Path) -> None:
    with running_simulator(max_chunk=30) as sim:
        f = write_csv(tmp_path / "c.csv", valid_rows(250))
        r = upload(sim, f, tmp_path / "j.sqlite", "--chunk-size", "100", "--json")
        assert r.exit_code == 0, r.output
        summary = json.loads(r.stdout)
        assert summary["counts"]["accepted"] == 250 and summary["http"]["splits"] > 0
        assert len(sim.records(125)) == 250


def test_records_whose_retries_run_out_on_5xx_stay_open_and_the_run_goes_on(
        tmp_path: Path) -> None:
    # Seeded 500s, one record per request in order: some chunks run out of retries among
    # answered ones (a server that answers nothing stops the run instead: test_dead_server.py). A 500
    # may come after the server stored the record (Decision 14): no final failure, kept open.
    with running_simulator(fault_rate=0.6, fault_kinds=("500",), seed=2) as sim:
        f = write_csv(tmp_path / "c.csv", valid_rows(8))
        results = tmp_path / "r.csv"
        out = run_upload(_opts(sim, f, tmp_path / "j.sqlite", preflight=False, results=results,
                               chunk_size=1, concurrency=1))
    counts = out.summary["counts"]
    assert out.exit_code == 3 and out.summary["state"] == "stopped"
    assert counts["failed"] == 0 and counts["accepted"] >= 1 and counts["pending"] >= 1
    assert f"answers for {counts['pending']} records were lost" in out.summary["message"]
    pending = [line for line in read_csv(results)[1:] if line[3] == "pending"]
    assert len(pending) == counts["pending"]
    assert len(read_csv(tmp_path / "r.failures.csv")) == 1  # open rows: no failure to fix


def test_over_the_cap_is_refused_before_sending(simulator: RunningSimulator, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(spec, "MAX_RECORDS", 10)
    journal = tmp_path / "j.sqlite"
    f = write_csv(tmp_path / "c.csv", valid_rows(12))
    r = upload(simulator, f, journal, "--json")
    assert r.exit_code == 2
    assert "error: the file holds 12 valid records, more than the 10" in r.stderr
    assert json.loads(r.stdout)["exit_code"] == 2
    assert simulator.stats()["records_received"] == 0
    with Journal.open(journal) as j:
        run = j.get_run("upload-1")
        assert run.state == "failed" and j.counts(run) == {}
    monkeypatch.setattr(spec, "MAX_RECORDS", 12)
    r = upload(simulator, f, journal)  # the same file, now allowed: a fresh run
    assert r.exit_code == 0 and "run upload-2" in r.stdout


def test_plain_progress_lines() -> None:
    out = io.StringIO()
    p = Progress("plain", out, every=0.0)
    p.start_sending(total=100, done=40)
    p.sending(30, accepted=28, rejected=1, failed=1)
    p.close()
    text = out.getvalue()
    assert "sending: 60 records to send (40 settled before)" in text
    assert "sending: 70/100 records" in text and "accepted 28, rejected 1, failed 1" in text
    quiet = io.StringIO()
    q = Progress("none", quiet)
    q.start_sending(10, 0)
    q.sending(5, 5, 0, 0)
    assert quiet.getvalue() == ""


def test_confirmed_duplicates_are_not_counted_twice_as_sent(tmp_path: Path) -> None:
    """A retry answered `Duplicate customer` is an accepted record, counted once."""
    rows = valid_rows(400, scheduled_every=5)
    f = write_csv(tmp_path / "dups.csv", rows)
    with running_simulator(seed=2, drop_after_commit_rate=0.5) as sim:
        r = upload(sim, f, tmp_path / "j.sqlite", "--json", "--chunk-size", "50")
    summary = json.loads(r.stdout)
    assert r.exit_code == 0 and summary["confirmed_on_resume"] > 0
    assert summary["sent_this_time"] == summary["counts"]["accepted"] == 400
