"""Optional SQLite copy of the simulator's state (`--state FILE`): a restart keeps every record.

Memory stays the working copy (the hot path never reads SQLite); each change is written through
in one transaction per request, so what an answer reported as stored is on disk.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS records (
    campaign_id INTEGER NOT NULL,
    record_id INTEGER NOT NULL,
    customer_id INTEGER NOT NULL,
    added_ms INTEGER NOT NULL,
    sched_ms INTEGER NOT NULL,
    PRIMARY KEY (campaign_id, record_id)
);
CREATE TABLE IF NOT EXISTS campaigns (
    campaign_id INTEGER PRIMARY KEY,
    status INTEGER NOT NULL
);
"""


class StateFile:
    def __init__(self, path: str | Path) -> None:
        self.db = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.executescript(SCHEMA)

    def records(self) -> Iterator[tuple[int, int, int, int, int]]:
        """(campaign_id, record_id, customer_id, added_ms, sched_ms) in record-id order."""
        yield from self.db.execute(
            "SELECT campaign_id, record_id, customer_id, added_ms, sched_ms FROM records "
            "ORDER BY campaign_id, record_id")

    def statuses(self) -> dict[int, int]:
        return dict(self.db.execute("SELECT campaign_id, status FROM campaigns").fetchall())

    def add(self, campaign_id: int, rows: Iterable[tuple[int, int, int, int, int]]) -> None:
        with self.db:
            self.db.execute("BEGIN")
            self.db.executemany(
                "INSERT INTO records VALUES (?, ?, ?, ?, ?)",
                ((campaign_id, rid, cid, added, sched) for rid, _idx, cid, added, sched in rows))

    def delete(self, campaign_id: int, record_id: int) -> None:
        self.db.execute("DELETE FROM records WHERE campaign_id = ? AND record_id = ?",
                        (campaign_id, record_id))

    def purge(self, campaign_id: int) -> None:
        self.db.execute("DELETE FROM records WHERE campaign_id = ?", (campaign_id,))

    def set_status(self, campaign_id: int, status: int) -> None:
        self.db.execute("INSERT OR REPLACE INTO campaigns VALUES (?, ?)", (campaign_id, status))

    def close(self) -> None:
        self.db.close()
