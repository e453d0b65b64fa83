"""What upload and delete share while a run lives: one Tally, one progress."""

from __future__ import annotations

import asyncio
import io
from pathlib import Path

from bulk_loader.journal import Chunk, Journal, JournalThread, Run
from bulk_loader.runs import ChunkSender, Progress, Tally, limit_for


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


class _Recorder:
    """A kind of chunk that records when each send starts and ends (no network: the sender's
    ordering is what is under test; the journal is real)."""

    def __init__(self, journal: Journal, run: Run) -> None:
        self.journal, self.run = journal, run
        self.events: list[tuple[str, int]] = []
        self.counted = 0

    def commit(self, ready: list[Chunk], next_chunk: Chunk | None) -> None:
        for ch in ready:
            self.journal.finish_chunk(self.run, ch.chunk, "accepted", 200, 1)
        if next_chunk is not None:
            self.journal.mark_in_flight(self.run, next_chunk.chunk)

    async def send(self, chunk: Chunk, known: object) -> Chunk:
        self.events.append(("start", chunk.chunk))
        await asyncio.sleep(0.01)
        self.events.append(("end", chunk.chunk))
        return chunk

    def dead(self, done: Chunk) -> str | None:
        return None

    def count(self, done: Chunk) -> None:
        self.counted += 1


def _sent(tmp_path: Path, first_alone: bool) -> tuple[list[tuple[str, int]], int, dict[str, int]]:
    with Journal.open(tmp_path / f"j{first_alone}.sqlite") as journal:
        run, _ = journal.find_or_create_run("upload", "ab" * 32, 125, "http://127.0.0.1:9",
                                            file_path="f.csv", settings={})
        for no in range(6):
            ids = [10_000_000 + 10 * no + i for i in range(3)]
            journal.add_chunk(run, no, [10 * no + i for i in range(3)], ids, [None] * 3)
        kind = _Recorder(journal, run)

        async def go() -> str | None:
            async with JournalThread(journal) as jt:
                sender = ChunkSender(jt, run, kind, workers=3, stop=asyncio.Event(),
                                     breaker_limit=limit_for(3))
                return await sender.send_all(first_alone=first_alone)

        assert asyncio.run(go()) is None
        return kind.events, kind.counted, journal.counts(run)


def test_the_shared_sender_sends_the_first_chunk_alone_when_asked(tmp_path: Path) -> None:
    events, counted, counts = _sent(tmp_path, first_alone=True)
    assert events[:3] == [("start", 0), ("end", 0), ("start", 1)]
    assert (counted, counts) == (6, {"accepted": 18})
    together, _, _ = _sent(tmp_path, first_alone=False)
    assert together[:2] == [("start", 0), ("start", 1)]  # otherwise chunks go side by side
