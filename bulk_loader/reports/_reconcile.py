"""Joins too big for memory, done in a throwaway SQLite file.

A report sets a run's records (millions, from the journal) beside the campaign's records (millions,
streamed from the API) and beside later delete runs. None of the three fits in memory as Python
objects, so the two smaller sides go into a temporary SQLite file (indexed after loading), and the
run's records stream past in row order with one indexed `IN (...)` lookup per few thousand rows.

Matching needs a customer id on each campaign record. The vendor's records view shows `record-id`
but no `customer-id` (docs/contract.md section 2); when the records carry a `customer-id` field it is used,
otherwise the comparison is by counts only, and the report says so.
"""

from __future__ import annotations

import sqlite3
import tempfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bulk_loader.errors import JournalError
from bulk_loader.journal import Journal, Run
from bulk_loader.reports._campaign_view import RecordSummary, decode
from bulk_loader.states import DONE_DELETE_STATES

LOOKUP_BATCH = 5_000
INSERT_BATCH = 5_000


def customer_id_of(record: Mapping[str, Any]) -> int | None:
    value = record.get("customer-id")
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdecimal():
        return int(value)
    return None


@dataclass
class CampaignLoad:
    records: int = 0
    with_customer_id: int = 0

    @property
    def matchable(self) -> bool:
        """Can records be matched one by one? (Every record named its customer id.)"""
        return self.records > 0 and self.with_customer_id == self.records


class Workspace:
    """A temporary SQLite file, deleted on close; fast and unsafe settings are fine here."""

    def __init__(self) -> None:
        self._dir = tempfile.TemporaryDirectory(prefix="bulk-loader-report-")
        try:
            self.conn = sqlite3.connect(Path(self._dir.name) / "work.sqlite")
            for pragma in ("journal_mode=OFF", "synchronous=OFF", "cache_size=-16384",
                           "temp_store=FILE"):
                self.conn.execute(f"PRAGMA {pragma}")
            self.conn.executescript(
                "CREATE TABLE deleted(customer_id INTEGER PRIMARY KEY, run_id TEXT);"
                "CREATE TABLE camp(seq INTEGER PRIMARY KEY, record_id, customer_id INTEGER, "
                "status, status_code, disposition, phone_list, ext_trans_data);"
                "CREATE TABLE runids(customer_id INTEGER PRIMARY KEY);")
        except sqlite3.Error as exc:
            self._dir.cleanup()
            raise JournalError(f"cannot create a temporary work file: {exc}") from exc
        self.deleted_rows = 0
        self.campaign: CampaignLoad | None = None

    def close(self) -> None:
        self.conn.close()
        self._dir.cleanup()

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- loading ---------------------------------------------------------------------------------
    def load_deletions(self, journal: Journal, runs: Sequence[Run]) -> int:
        """Customer ids that later delete runs removed (or found absent); the latest run wins."""
        for drun in runs:
            batch: list[tuple[Any, str]] = []
            for rec in journal.iter_records(drun, states=DONE_DELETE_STATES):
                batch.append((rec.customer_id, drun.run_id))
                if len(batch) >= INSERT_BATCH:
                    self._insert_deleted(batch)
            self._insert_deleted(batch)
        self.conn.commit()
        self.deleted_rows = self.conn.execute("SELECT count(*) FROM deleted").fetchone()[0]
        return self.deleted_rows

    def _insert_deleted(self, batch: list[tuple[Any, str]]) -> None:
        self.conn.executemany("INSERT OR REPLACE INTO deleted VALUES (?,?)", batch)
        batch.clear()

    def load_campaign(self, records: Iterable[Mapping[str, Any]], summary: RecordSummary,
                      keep_all: bool = True, keep_max: int | None = None) -> CampaignLoad:
        """Stream the campaign's records into the work file, counting them in `summary`.

        keep_all=False stores only records that name a customer id (all that matching needs):
        a report without a Campaign sheet then writes nothing for a vendor-shaped view.
        keep_max: past that many records there will be no Campaign sheet, so the others are
        not kept either (only counted)."""
        load = CampaignLoad()
        batch: list[tuple[Any, ...]] = []
        insert = ("INSERT INTO camp(record_id, customer_id, status, status_code, disposition, "
                  "phone_list, ext_trans_data) VALUES (?,?,?,?,?,?,?)")
        for record in records:
            cid = customer_id_of(record)
            load.records += 1
            if cid is not None:
                load.with_customer_id += 1
            elif not keep_all or (keep_max is not None and load.records > keep_max):
                # Only counted: its three codes, without decoding the rest (a third of the
                # time of a 1M-record reconcile went to decoding records kept nowhere).
                summary.add_codes(record.get("status"), record.get("status-code"),
                                  record.get("disposition-code"))
                continue
            row = decode(record)
            summary.add(row)
            batch.append((row[0], cid, row[1], row[3], row[5], _text(row[7]), _text(row[8])))
            if len(batch) >= INSERT_BATCH:
                self.conn.executemany(insert, batch)
                batch.clear()
        if batch:
            self.conn.executemany(insert, batch)
        if load.with_customer_id:
            self.conn.execute("CREATE INDEX camp_customer ON camp(customer_id)")
        self.conn.commit()
        self.campaign = load
        return load

    def note_run_ids(self, ids: Iterable[Any]) -> None:
        self.conn.executemany("INSERT OR IGNORE INTO runids VALUES (?)", ((i,) for i in ids))

    # -- lookups ---------------------------------------------------------------------------------
    def deleted_by(self, ids: Sequence[Any]) -> dict[Any, str]:
        if not self.deleted_rows or not ids:
            return {}
        return dict(self._in("SELECT customer_id, run_id FROM deleted", ids))

    def in_campaign(self, ids: Sequence[Any]) -> dict[Any, tuple[Any, Any, Any]]:
        """customer id -> (status, status_code, disposition) of its campaign record."""
        if self.campaign is None or not self.campaign.with_customer_id or not ids:
            return {}
        rows = self._in("SELECT customer_id, status, status_code, disposition FROM camp", ids)
        return {r[0]: (r[1], r[2], r[3]) for r in rows}

    def _in(self, select: str, ids: Sequence[Any]) -> list[tuple[Any, ...]]:
        marks = ",".join("?" * len(ids))
        return self.conn.execute(f"{select} WHERE customer_id IN ({marks})", list(ids)).fetchall()

    def campaign_rows(self, page: int = 10_000) -> Iterator[tuple[tuple[Any, ...], bool]]:
        """Every campaign record in the order received, with 'is it one of this run's ids?'."""
        self.conn.commit()
        after = 0
        while True:
            rows = self.conn.execute(
                "SELECT c.seq, c.record_id, c.customer_id, c.status, c.status_code, "
                "c.disposition, c.phone_list, c.ext_trans_data, r.customer_id IS NOT NULL "
                "FROM camp c LEFT JOIN runids r ON r.customer_id = c.customer_id "
                "WHERE c.seq > ? ORDER BY c.seq LIMIT ?", (after, page)).fetchall()
            if not rows:
                return
            for r in rows:
                yield r[1:8], bool(r[8])
            after = rows[-1][0]

    def campaign_not_in_run(self) -> int:
        self.conn.commit()
        return self.conn.execute(
            "SELECT count(*) FROM camp c WHERE c.customer_id IS NULL OR NOT EXISTS "
            "(SELECT 1 FROM runids r WHERE r.customer_id = c.customer_id)").fetchone()[0]


def _text(value: Any) -> Any:
    return value if value is None or isinstance(value, str | int | float) else str(value)


def batched(items: Iterable[Any], size: int = LOOKUP_BATCH) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch
