"""What upload and delete share while a run lives: one Tally, one progress."""

from __future__ import annotations

import io

from bulk_loader.runs import Progress, Tally


def test_one_tally_counts_upload_records_and_delete_chunks() -> None:
    t = Tally()
    t.accepted += 5  # upload's all-accepted chunk: one step, no per-record call
    t.add("already-present")
    t.add("rejected", 2)
    assert (t.accepted, t.already_present, t.rejected) == (5, 1, 2)
    d = Tally()
    rows = [(3, 10_000_003, None, "absent", 404, "not in the campaign", 1),
            (4, 10_000_004, None, "busy", 400, "The customer is not available for deletion.", 1)]
    d.add_chunk(10, rows, "deleted")
    d.add_chunk(2, [], "deleted")
    assert (d.deleted, d.absent, d.busy, d.done) == (10, 1, 1, 12)
    assert d.by_state == {"deleted": 10, "absent": 1, "busy": 1}


def test_the_one_progress_speaks_for_a_delete_too() -> None:
    out = io.StringIO()
    p = Progress("plain", out, every=0.0)
    p.start_deleting(200)
    p.counted(50, deleted=45, absent=3, failed=2)
    p.close()
    line = out.getvalue().splitlines()[0]
    assert line.startswith("deleting: 50/200 records, ")
    assert "deleted 45, absent 3, failed 2, ETA " in line
    quiet = io.StringIO()
    q = Progress("none", quiet)
    q.start_deleting(10)
    q.counted(5, deleted=5)
    assert quiet.getvalue() == ""
