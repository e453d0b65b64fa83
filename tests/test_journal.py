"""The journal on its own: schema, permissions, the chunk/outcome merge, the view, the run lock."""

from __future__ import annotations

import csv
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from bulk_loader.errors import RunLockedError
from bulk_loader.journal import Journal, Run
from bulk_loader.reports import write_results

S = "2026-11-28T09:00:00.000Z"


def _fill(j: Journal) -> Run:
    """Rows 2..13: chunk 0 = rows 2,3,5 (4 invalid), chunk 1 = rows 6,7,9 (8 invalid),
    chunk 2 = rows 10,11 (pending); row 12,13 invalid after the last chunk."""
    run = j.create_run("upload", file_path="f.csv", file_sha256="h", campaign_id=125,
                       endpoint="http://127.0.0.1:1", settings={"chunk_size": 3})
    with j.transaction():
        j.add_chunk(run, 0, [2, 3, 5], [10000002, 10000003, 10000005], [S, None, S])
        j.add_chunk(run, 1, [6, 7, 9], [10000006, 10000007, 10000009], [None, None, None])
        j.add_chunk(run, 2, [10, 11], [10000010, 10000011], [None, S])
        j.add_invalid(run, [(4, "1000O004", None, "not a number"), (8, None, None, "empty"),
                            (12, "x", "2026-13-01", "bad, date"), (13, "-1", None, "negative")])
    with j.transaction():
        j.mark_in_flight(run, 0)
        j.mark_in_flight(run, 1)
    with j.transaction():
        j.finish_chunk(run, 0, "accepted", 200, 1, [])
        j.finish_chunk(run, 1, "accepted", 200, 2, [
            (7, 10000007, None, "rejected", 404, "The customer-id has not been found.", 1),
            (9, 10000009, None, "accepted", 400, "Duplicate customer: accepted (confirmed)", 1),
        ])
    return run


def test_file_is_private_and_wal(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "journal.sqlite"
    with Journal.open(path) as j:
        _fill(j)
        assert j.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert j.conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    for extra in ("-wal", "-shm"):
        p = Path(f"{path}{extra}")
        if p.exists():
            assert stat.S_IMODE(p.stat().st_mode) == 0o600


def test_counts_records_and_view_agree(tmp_path: Path) -> None:
    with Journal.open(tmp_path / "j.sqlite") as j:
        run = _fill(j)
        assert j.counts(run) == {"accepted": 5, "rejected": 1, "invalid": 4, "pending": 2}
        recs = list(j.iter_records(run))
        assert [r.row for r in recs] == list(range(2, 14))
        assert [r.state for r in recs] == ["accepted", "accepted", "invalid", "accepted",
                                           "accepted", "rejected", "invalid", "accepted",
                                           "pending", "pending", "invalid", "invalid"]
        assert recs[5].message == "The customer-id has not been found."
        assert recs[4].attempts == 2 and recs[4].http_status == 200
        view = j.conn.execute("SELECT row, state FROM records WHERE run_id=? ORDER BY row",
                              (run.run_id,)).fetchall()
        assert view == [(r.row, r.state) for r in recs]
        assert [r.row for r in j.iter_records(run, states=["invalid"])] == [4, 8, 12, 13]
        assert j.top_reasons(run, 2)[0][1] == 1
        assert [c.chunk for c in j.open_chunks(run)] == [2]


def test_results_csv_fast_path_matches_records(tmp_path: Path) -> None:
    with Journal.open(tmp_path / "j.sqlite") as j:
        run = _fill(j)
        out = tmp_path / "results.csv"
        assert write_results(j, run, out) == 12
        with open(out, newline="") as f:
            lines = list(csv.reader(f))
        assert lines[0] == ["row", "customer-id", "schedule-date-time", "outcome", "http-status",
                            "message"]
        assert lines[1] == ["2", "10000002", S, "accepted", "200", ""]
        assert lines[2] == ["3", "10000003", "", "accepted", "200", ""]
        assert lines[3] == ["4", "1000O004", "", "invalid", "", "not a number"]
        assert lines[9] == ["10", "10000010", "", "pending", "", ""]
        assert lines[11] == ["12", "x", "2026-13-01", "invalid", "", "bad, date"]
        expected = [str(r.row) for r in j.iter_records(run)]
        assert [line[0] for line in lines[1:]] == expected


def test_find_or_create_resumes_unless_new_or_failed(tmp_path: Path) -> None:
    with Journal.open(tmp_path / "j.sqlite") as j:
        a, created = j.find_or_create_run("upload", "h", 1, "e", file_path="f")
        assert created
        b, created = j.find_or_create_run("upload", "h", 1, "e", file_path="f")
        assert not created and b.run_id == a.run_id
        c, created = j.find_or_create_run("upload", "h", 1, "e", new=True, file_path="f")
        assert created and c.run_id != a.run_id
        j.set_state(c, "failed", exit_code=2)
        d, created = j.find_or_create_run("upload", "h", 1, "e", file_path="f")
        assert created and d.run_id not in (a.run_id, c.run_id)
        assert j.latest_run().run_id == d.run_id  # type: ignore[union-attr]


def test_lock_refuses_a_second_holder_and_dies_with_its_process(tmp_path: Path) -> None:
    path = tmp_path / "j.sqlite"
    with Journal.open(path) as j:
        run = j.create_run("upload", file_sha256="h", campaign_id=1, endpoint="e")
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sys, time\nfrom bulk_loader.journal import Journal\n"
         f"j = Journal.open({str(path)!r})\nr = j.get_run({run.run_id!r})\n"
         "with j.lock_run(r):\n    print('locked', flush=True)\n    time.sleep(60)\n"],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        with Journal.open(path) as j2:
            with pytest.raises(RunLockedError, match=f"run {run.run_id} is in progress"), \
                    j2.lock_run(run):
                pass
            holder.kill()  # kill -9: the OS drops the lock
            holder.wait()
            with j2.lock_run(run):
                assert j2.refresh(run).pid == os.getpid()
    finally:
        if holder.poll() is None:
            holder.kill()
            holder.wait()
