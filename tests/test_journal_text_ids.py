"""The journal keeps a Campaigns API v1 run's string ids exactly ("00123" is not "123"), with
each record's priority and rank for a resume, and apart from any legacy campaign's ids."""

from __future__ import annotations

import csv
import sqlite3
from pathlib import Path

from bulk_loader.journal import SCHEMA_VERSION, Journal, Run, holdings
from bulk_loader.reports import write_results

UUID = "7c9e6679-7425-40de-944b-e07fc1f90ae7"
V1_ENDPOINT = "http://127.0.0.1:9/cc/US1/campaigns/v1"
IDS = ["00123", "123", "a[1]", 'x,"y', "=1+2"]
PRIORITY = ["LOW", None, "HIGH", "MEDIUM", None]
RANK = [3, None, 1.5, 7, None]


def v1_run(j: Journal, sha: str = "v1") -> Run:
    return j.create_run("upload", file_sha256=sha, campaign_id=UUID, endpoint=V1_ENDPOINT,
                        api="campaigns-v1")


def test_00123_and_123_are_two_records_and_resume_gets_priority_and_rank_back(
        tmp_path: Path) -> None:
    with Journal.open(tmp_path / "j.sqlite") as j:
        run = v1_run(j)
        assert run.text_ids and run.campaign_id == UUID
        with j.transaction():
            j.add_chunk(run, 0, [2, 3, 4, 5, 6], IDS, [None, "2026-12-01T10:00:00.000Z", None,
                                                       None, None],
                        fields={"priority": PRIORITY, "rank": RANK})
            j.mark_in_flight(run, 0)
        [chunk] = j.open_chunks(run)
        assert chunk.ids == IDS and chunk.state == "in_flight"
        assert chunk.fields == {"priority": PRIORITY, "rank": RANK}
        assert chunk.schedules[1] == "2026-12-01T10:00:00.000Z"
        with j.transaction():
            j.finish_chunk(run, 0, "accepted", 200, 1, [
                (2, "00123", None, "already-present", 409, "Campaign already contains record "
                 "for Id: 00123", 1)])
            j.add_invalid(run, [(7, "0042", None, "crmRecordId is empty"),
                                (8, 77.0, None, "scheduleAt: bad")])
        recs = {r.row: r for r in j.iter_records(run)}
        assert [recs[r].customer_id for r in (2, 3, 4, 5, 6, 7, 8)] == [*IDS, "0042", "77"]
        assert recs[2].state == "already-present" and recs[3].state == "accepted"
        view = dict(j.conn.execute("SELECT row, customer_id FROM records WHERE run_id=?",
                                   (run.run_id,)).fetchall())
        assert view[2] == "00123" and view[3] == "123" and view[7] == "0042"


def test_holdings_of_a_v1_campaign_keep_text_ids_apart_from_a_legacy_campaign(
        tmp_path: Path) -> None:
    with Journal.open(tmp_path / "j.sqlite") as j:
        run = v1_run(j)
        legacy = j.create_run("upload", file_sha256="old", campaign_id=123,
                              endpoint="http://127.0.0.1:9")
        with j.transaction():
            j.add_chunk(run, 0, [2, 3], ["00123", "123"], [None, None])
            j.finish_chunk(run, 0, "accepted", 200, 1, fresh=True)
            j.add_chunk(legacy, 0, [2], [123], [None])
            j.finish_chunk(legacy, 0, "accepted", 200, 1, fresh=True)
        scope = j.scope(run)
        held = holdings.holders(j.conn, scope, ["00123", "123", "0123"])
        assert {k: v[1] for k, v in held.items()} == {"00123": run.run_id, "123": run.run_id}
        legacy_held = holdings.holders(j.conn, j.scope(legacy), [123])
        assert {k: v[1] for k, v in legacy_held.items()} == {123: legacy.run_id}
        assert scope != j.scope(legacy)
        rows = j.conn.execute("SELECT campaign_id, customer_id, added_by FROM campaign_holdings "
                              "ORDER BY added_by, customer_id").fetchall()
        assert rows == [(UUID, "00123", run.run_id), (UUID, "123", run.run_id),
                        (123, 123, legacy.run_id)]


def test_the_results_file_of_a_v1_run_writes_every_id_exactly_and_quoted(tmp_path: Path) -> None:
    with Journal.open(tmp_path / "j.sqlite") as j:
        run = v1_run(j)
        with j.transaction():
            j.add_chunk(run, 0, [2, 3, 4, 5, 6], IDS, [None] * 5)
            j.finish_chunk(run, 0, "accepted", 200, 1, fresh=True)
        write_results(j, run, tmp_path / "results.csv")
    with open(tmp_path / "results.csv", newline="") as f:
        lines = list(csv.reader(f))
    assert [line[1] for line in lines[1:]] == ["00123", "123", "a[1]", 'x,"y', "'=1+2"]
    assert {line[3] for line in lines[1:]} == {"accepted"}


def test_a_schema_2_journal_opens_as_schema_3_with_its_legacy_runs_intact(tmp_path: Path) -> None:
    path = tmp_path / "j.sqlite"
    with Journal.open(path) as j:
        legacy = j.create_run("upload", file_sha256="old", campaign_id=125, endpoint="e")
        with j.transaction():
            j.add_chunk(legacy, 0, [2, 3], [10000001, 10000002], [None, None])
            j.finish_chunk(legacy, 0, "accepted", 200, 1, [
                (3, 10000002, None, "rejected", 400, "Invalid customer", 1)])
    # Take the file back to schema 2: what bulk-loader wrote before string ids.
    conn = sqlite3.connect(path)
    conn.executescript(
        "DROP VIEW records; DROP VIEW campaign_holdings; DROP TABLE text_holdings;"
        "ALTER TABLE runs DROP COLUMN api; ALTER TABLE outcomes DROP COLUMN crm_id;"
        "ALTER TABLE scopes DROP COLUMN api; PRAGMA user_version=2;")
    conn.close()
    with Journal.open(path) as j:
        assert j.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 3
        old = j.get_run(legacy.run_id)
        assert old.api is None and not old.text_ids
        assert [(r.customer_id, r.state) for r in j.iter_records(old)] == [
            (10000001, "accepted"), (10000002, "rejected")]
        assert j.conn.execute("SELECT count(*) FROM records").fetchone()[0] == 2
        run = v1_run(j)
        with j.transaction():
            j.add_chunk(run, 0, [2], ["007"], [None])
            j.finish_chunk(run, 0, "accepted", 200, 1, [
                (2, "007", None, "rejected", 400, "no", 1)])
        assert [r.customer_id for r in j.iter_records(run)] == ["007"]


def test_the_frames_of_a_v1_run_keep_its_ids_as_strings(tmp_path: Path) -> None:
    from bulk_loader.journal.frames import campaign_runs, run_records

    with Journal.open(tmp_path / "j.sqlite") as j:
        run = v1_run(j)
        with j.transaction():
            j.add_chunk(run, 0, [2, 3, 4], IDS[:3], [None, "2026-12-01T10:00:00.000Z", None])
            j.finish_chunk(run, 0, "accepted", 200, 1, [
                (3, "123", "2026-12-01T10:00:00.000Z", "rejected", 400, "no", 1)])
    frame = run_records(tmp_path / "j.sqlite", run.run_id)
    assert frame["customer_id"].tolist() == ["00123", "123", "a[1]"]
    assert frame["state"].tolist() == ["accepted", "rejected", "accepted"]
    runs = campaign_runs(tmp_path / "j.sqlite", UUID)
    assert runs["campaign_id"].tolist() == [UUID] and runs["run_id"].tolist() == [run.run_id]
