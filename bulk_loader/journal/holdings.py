"""Whose record is it (docs/contract.md Decision 14): which run put each customer id in a campaign, and
which run took it out, per campaign and endpoint.

"Duplicate customer" only says that an id is in the campaign, not who put it there. Night 2 of a
nightly job, re-run after a refused token, used to take night 1's customers for its own, and its
undo then deleted them. The journal therefore keeps, per (campaign, endpoint) -- a *scope* --
one row per customer id that a run of this journal added:

    holdings(scope, customer_id, added_by, schedule, removed_by)

`added_by` / `removed_by` are run seqs (runs.seq). An upload's accepted record (a plain 200, or a
duplicate confirmed as its own lost answer) makes its run the holder, with the call time sent; a
delete's deleted or absent record sets `removed_by`. A later add of the same id takes the row over
(removed_by cleared). A `--reschedule` does not: it deletes the earlier callback (released at
once, so a kill -9 resumes with a plain add) and, once its add is copied in, gives the row back to
the earlier holder with the new call time: a reschedule moves a callback, it adds no record. The `campaign_holdings` view shows it with run ids for SQL users.

Why uploads are indexed late: a row per record costs about 1 µs of CPU per record (measured:
1,000,000 upserts in 1,000-row executemany batches, 1.05 s CPU), a third of the uploader's whole
budget of 3 µs per record, for a table that a clean night never reads. So an upload writes
nothing here while it sends; its accepted chunks are copied in by `catch_up`, from the chunks and
outcome rows it journals anyway, the first time a later run on the same campaign needs to know
(a duplicate answer, --skip-known, --reschedule, any delete). `marks` keeps, per upload run, the
`done_at` of the last chunk copied, so each chunk is copied once, even from a run still going.
Deletes are slow per record (one request each) and write their releases at once, in the commit
of their answers, after a catch-up, so the order of events holds.

A journal written before this table existed is migrated on open (`migrate`): the table is filled
from every earlier run in run order, as the rule above would have.

A Campaigns API v1 campaign (a UUID, with string ids of 1-32 characters) has scopes of its own
(`scopes.api`) whose rows live in `text_holdings`, the same table with a TEXT id: in `holdings`
SQLite's INTEGER affinity would turn the id "00123" into 123, the id of another customer. The
functions below pick the table from the scope.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from itertools import repeat
from typing import Any

import orjson

from bulk_loader.api import TEXT_ID_APIS
from bulk_loader.journal._codec import decode_records
from bulk_loader.states import DONE_DELETE_STATES

SCHEMA = """
CREATE TABLE IF NOT EXISTS scopes (
    scope INTEGER PRIMARY KEY,
    campaign_id INTEGER NOT NULL,
    endpoint TEXT NOT NULL,
    api TEXT,
    UNIQUE(campaign_id, endpoint)
);
CREATE TABLE IF NOT EXISTS holdings (
    scope INTEGER NOT NULL,
    customer_id INTEGER NOT NULL,
    added_by INTEGER NOT NULL,
    schedule TEXT,
    removed_by INTEGER,
    PRIMARY KEY(scope, customer_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS text_holdings (
    scope INTEGER NOT NULL,
    customer_id TEXT NOT NULL,
    added_by INTEGER NOT NULL,
    schedule TEXT,
    removed_by INTEGER,
    PRIMARY KEY(scope, customer_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS marks (
    run INTEGER PRIMARY KEY,
    done_at TEXT NOT NULL
)
"""
# Two whole SELECTs: a subquery over both tables would give "00123" the INTEGER affinity.
VIEW = """
CREATE VIEW campaign_holdings AS
    SELECT s.campaign_id, s.endpoint, h.customer_id, h.schedule, a.run_id AS added_by,
           d.run_id AS removed_by
    FROM holdings h JOIN scopes s ON s.scope = h.scope
    JOIN runs a ON a.seq = h.added_by LEFT JOIN runs d ON d.seq = h.removed_by
    UNION ALL
    SELECT s.campaign_id, s.endpoint, h.customer_id, h.schedule, a.run_id AS added_by,
           d.run_id AS removed_by
    FROM text_holdings h JOIN scopes s ON s.scope = h.scope
    JOIN runs a ON a.seq = h.added_by LEFT JOIN runs d ON d.seq = h.removed_by
"""

_HOLD = ("INSERT INTO {t}(scope, customer_id, added_by, schedule, removed_by) "
         "VALUES (?,?,?,?,NULL) ON CONFLICT(scope, customer_id) DO UPDATE SET "
         "added_by=excluded.added_by, schedule=excluded.schedule, removed_by=NULL")
MOVED_PREFIX = "rescheduled: "  # upload_known.moved_note: a moved callback, not an add
# The notes of a duplicate confirmed as the run's own (upload/_known.py), per API's wording.
CONFIRMED_PREFIXES = ("Duplicate customer:", "Campaign already contains record")
_RELEASE = ("UPDATE {t} SET removed_by=? WHERE scope=? AND customer_id=? "
            "AND removed_by IS NULL")


def scope_of(conn: sqlite3.Connection, campaign_id: int | str | None, endpoint: str | None,
             api: str | None = None) -> int:
    """The scope id of (campaign, endpoint), created on first use. A trailing / does not count.
    `api` (a run's) says whether its ids are strings: such a scope's rows are text_holdings'."""
    ep = (endpoint or "").rstrip("/")
    cid = campaign_id if campaign_id is not None else -1
    row = conn.execute("SELECT scope FROM scopes WHERE campaign_id=? AND endpoint=?",
                       (cid, ep)).fetchone()
    if row is not None:
        return int(row[0])
    cur = conn.execute("INSERT INTO scopes(campaign_id, endpoint, api) VALUES (?,?,?)",
                       (cid, ep, api))
    assert cur.lastrowid is not None
    return cur.lastrowid


def table(conn: sqlite3.Connection, scope: int) -> str:
    """The table holding the scope's rows: text_holdings for string ids, else holdings."""
    row = conn.execute("SELECT api FROM scopes WHERE scope=?", (scope,)).fetchone()
    return "text_holdings" if row is not None and row[0] in TEXT_ID_APIS else "holdings"


def hold(conn: sqlite3.Connection, scope: int, run_seq: int, ids: Sequence[Any],
         schedules: Sequence[str | None]) -> None:
    """Run `run_seq` added these ids (with these call times) to the scope's campaign."""
    conn.executemany(_HOLD.format(t=table(conn, scope)),
                     zip(repeat(scope), ids, repeat(run_seq), schedules))


def release(conn: sqlite3.Connection, scope: int, run_seq: int, ids: Iterable[Any]) -> None:
    """Run `run_seq` took these ids out of the scope's campaign (deleted, or found absent)."""
    conn.executemany(_RELEASE.format(t=table(conn, scope)),
                     zip(repeat(run_seq), repeat(scope), ids))


def holders(conn: sqlite3.Connection, scope: int,
            ids: Sequence[Any]) -> dict[Any, tuple[int, str, str | None]]:
    """{customer_id: (run seq, run_id, schedule)} of the ids a run of this journal put in the
    campaign and no run has taken out since."""
    if not ids:
        return {}
    rows = conn.execute(
        f"SELECT h.customer_id, h.added_by, r.run_id, h.schedule FROM {table(conn, scope)} h "
        "JOIN runs r ON r.seq = h.added_by WHERE h.scope=? AND h.removed_by IS NULL "
        "AND h.customer_id IN (SELECT value FROM json_each(?))",
        (scope, orjson.dumps(list(ids)).decode()))
    return {cid: (seq, run_id, sched) for cid, seq, run_id, sched in rows}


def released_by(conn: sqlite3.Connection, scope: int, run_seq: int,
                ids: Sequence[Any]) -> dict[Any, tuple[int, str, str | None]]:
    """{customer_id: (seq, run_id, schedule) of its holder} for the ids that run `run_seq` took
    out of another run's holding: a --reschedule killed between its delete and its add."""
    if not ids:
        return {}
    rows = conn.execute(
        f"SELECT h.customer_id, h.added_by, r.run_id, h.schedule FROM {table(conn, scope)} h "
        "JOIN runs r ON r.seq = h.added_by WHERE h.scope=? AND h.removed_by=? AND h.added_by<>? "
        "AND h.customer_id IN (SELECT value FROM json_each(?))",
        (scope, run_seq, run_seq, orjson.dumps(list(ids)).decode()))
    return {cid: (seq, run_id, sched) for cid, seq, run_id, sched in rows}


def held_by(conn: sqlite3.Connection, scope: int, run_seq: int, ids: Sequence[Any]) -> set[Any]:
    """The ids among `ids` whose current holder is run `run_seq`."""
    return {cid for cid, (seq, _, _) in holders(conn, scope, ids).items() if seq == run_seq}


def history(conn: sqlite3.Connection, scope: int,
            ids: Sequence[Any]) -> dict[Any, tuple[int, str, str | None]]:
    """{customer_id: (seq and run_id of the run that added it last, run_id of the run that
    removed it since or None)}."""
    if not ids:
        return {}
    rows = conn.execute(
        f"SELECT h.customer_id, a.seq, a.run_id, d.run_id FROM {table(conn, scope)} h "
        "JOIN runs a ON a.seq = "
        "h.added_by LEFT JOIN runs d ON d.seq = h.removed_by WHERE h.scope=? AND "
        "h.customer_id IN (SELECT value FROM json_each(?))",
        (scope, orjson.dumps(list(ids)).decode()))
    return {cid: (seq, added, removed) for cid, seq, added, removed in rows}


def catch_up(conn: sqlite3.Connection, scope: int, skip: int | None = None) -> None:
    """Copy the accepted chunks of the scope's uploads not copied yet, oldest run first; `skip`
    (a run seq) is left for a later call."""
    campaign_id, endpoint = conn.execute("SELECT campaign_id, endpoint FROM scopes WHERE scope=?",
                                         (scope,)).fetchone()
    runs = conn.execute(
        "SELECT r.seq, m.done_at FROM runs r LEFT JOIN marks m ON m.run = r.seq "
        "WHERE r.kind='upload' AND r.campaign_id IS ? AND rtrim(coalesce(r.endpoint, ''), '/')=? "
        "ORDER BY r.seq", (None if campaign_id == -1 else campaign_id, endpoint)).fetchall()
    for seq, mark in runs:
        if seq != skip:
            _backfill_upload(conn, scope, seq, mark or "")


def migrate(conn: sqlite3.Connection) -> None:
    """Create the tables and fill them from the runs already journaled, oldest first. Runs
    inside the caller's transaction (executescript would commit it: one statement at a time)."""
    for statement in SCHEMA.split(";"):
        if statement.strip():
            conn.execute(compact(statement))
    add_column(conn, "scopes", "api TEXT")  # schema 3
    conn.execute("DROP VIEW IF EXISTS campaign_holdings")
    conn.execute(compact(VIEW))
    if conn.execute("SELECT 1 FROM holdings LIMIT 1").fetchone() is not None:
        return
    runs = conn.execute(
        "SELECT seq, kind, campaign_id, endpoint, api FROM runs ORDER BY seq").fetchall()
    for seq, kind, campaign_id, endpoint, api in runs:
        scope = scope_of(conn, campaign_id, endpoint, api)
        if kind == "upload":
            _backfill_upload(conn, scope, seq, "")
        elif kind == "delete":
            _backfill_delete(conn, scope, seq)


def compact(sql: str) -> str:
    """SQL with its runs of white space as one space, as sqlite_master keeps it: the schema
    stays on the file's first page, so a damaged page further on still lets the runs be named
    (journal/_journal.py check_intact). The statements here hold no comments or literals with
    spaces."""
    return " ".join(sql.split())


def add_column(conn: sqlite3.Connection, name: str, column: str) -> None:
    """ALTER TABLE ... ADD COLUMN unless a fresh schema has it already (no rows copied)."""
    if column.split()[0] not in {r[1] for r in conn.execute(f"PRAGMA table_info({name})")}:
        conn.execute(f"ALTER TABLE {name} ADD COLUMN {column}")


def _records(conn: sqlite3.Connection, seq: int, chunk_state: str,
             kept: Sequence[str]) -> list[tuple[Any, str | None]]:
    """(customer_id, schedule) of a run's records whose chunk is done and whose own outcome (if
    any) is one of `kept`."""
    marks = ",".join("?" * len(kept))
    return conn.execute(
        "SELECT json_extract(e.value, '$[1]'), json_extract(e.value, '$[2]') "
        "FROM chunks c JOIN chunk_records cr ON cr.run = c.run AND cr.chunk = c.chunk, "
        "json_each(cr.records) e LEFT JOIN outcomes o ON o.run = c.run "
        "AND o.row = json_extract(e.value, '$[0]') "
        f"WHERE c.run=? AND c.state=? AND (o.state IS NULL OR o.state IN ({marks}))",
        (seq, chunk_state, *kept)).fetchall()


def _backfill_upload(conn: sqlite3.Connection, scope: int, seq: int, after: str) -> None:
    """Copy the run's chunks answered after `after` (a done_at; "" = all) and move its mark.
    A duplicate confirmed on resume stays with an earlier run that still holds it (Decision
    14; versions before it took every such record for the run's own). Chunks are read one at a
    time, decoded like journal.make_chunk (json_each per record was twice as slow)."""
    last = conn.execute("SELECT max(done_at) FROM chunks WHERE run=? AND state='accepted'",
                        (seq,)).fetchone()[0]
    if last is None or last <= after:
        return
    chunks = conn.execute(
        "SELECT c.chunk, CAST(cr.records AS BLOB) FROM chunks c JOIN chunk_records cr ON "
        "cr.run = c.run AND cr.chunk = c.chunk WHERE c.run=? AND c.state='accepted' AND "
        "c.done_at > ? AND c.done_at <= ?", (seq, after, last))
    name = table(conn, scope)
    for chunk, raw in chunks:
        rows, ids, schedules, _fields = decode_records(raw)
        notes = conn.execute("SELECT row, state, message FROM outcomes WHERE run=? AND chunk=?",
                             (seq, chunk)).fetchall()
        if not notes:
            hold(conn, scope, seq, ids, schedules)
            continue
        skip = {row for row, state, message in notes if state != "accepted"
                or (message or "").startswith((*CONFIRMED_PREFIXES, MOVED_PREFIX))}
        moved = {row for row, state, message in notes if state == "accepted"
                 and (message or "").startswith(MOVED_PREFIX)}
        confirmed = {row for row, state, message in notes if state == "accepted"
                     and (message or "").startswith(CONFIRMED_PREFIXES)}
        recs = list(zip(rows, ids, schedules, strict=True))
        plain = [(cid, sch) for row, cid, sch in recs if row not in skip]
        hold(conn, scope, seq, [p[0] for p in plain], [p[1] for p in plain])
        conn.executemany(
            f"INSERT INTO {name}(scope, customer_id, added_by, schedule, removed_by) "
            "VALUES (?,?,?,?,NULL) ON CONFLICT(scope, customer_id) DO UPDATE SET "
            "added_by=excluded.added_by, schedule=excluded.schedule, removed_by=NULL "
            f"WHERE {name}.removed_by IS NOT NULL",
            ((scope, cid, seq, sch) for row, cid, sch in recs if row in confirmed))
        # A reschedule moved the callback of an earlier run's record: that run still holds it
        # (its undo removes it, the rescheduling run's does not), now with the new call time.
        conn.executemany(
            f"UPDATE {name} SET schedule=?, removed_by=NULL WHERE scope=? AND customer_id=? "
            "AND removed_by=?", ((sch, scope, cid, seq) for row, cid, sch in recs if row in moved))
    conn.execute("INSERT OR REPLACE INTO marks(run, done_at) VALUES (?,?)", (seq, last))


def _backfill_delete(conn: sqlite3.Connection, scope: int, seq: int) -> None:
    rows = _records(conn, seq, "deleted", DONE_DELETE_STATES)
    release(conn, scope, seq, (r[0] for r in rows))
