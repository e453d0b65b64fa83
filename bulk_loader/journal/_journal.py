"""The SQLite journal: every run, every chunk sent, every record that was not simply a success.

One file (default ``~/.local/share/bulk-loader/journal.sqlite``, see cli/common.default_journal)
holds all runs. It is created mode 0600 in WAL mode with ``synchronous=FULL``: a commit survives
kill -9 and power loss, and readers (``bulk-loader runs``, Datasette) never block the writer.

Why chunks and not one row per record: at 5M records an insert plus an update per record was the
bottleneck of the whole upload (benchmarks in BENCHMARKS.md). Valid records are stored one row per
*chunk* (the unit that is sent); a per-record row exists only for an outcome other than plain
success. The ``records`` view expands both back into one row per record for SQL users.

Schema
------
runs      one row per run
    seq INTEGER PRIMARY KEY     internal key used by chunks/outcomes (`run` columns)
    run_id TEXT UNIQUE          the handle users type: "upload-12", "delete-13"
    kind TEXT                   'upload' | 'delete'
    state TEXT                  loading -> sending -> completed | stopped | interrupted ; failed
                                (loading: file being read into chunks; stopped: an API error
                                ended it early (exit 3); interrupted: Ctrl-C (exit 130); failed:
                                the input was refused before anything was sent (exit 2).
                                Every state but completed/failed is resumable.)
    file_path, file_sha256      the input file (a run is keyed by sha256 + campaign + endpoint)
    campaign_id INTEGER, endpoint TEXT (API root, never credentials)
    source_run TEXT             for a delete run made from an upload run: that run's run_id
    created_at, updated_at, finished_at   ISO 8601 UTC
    exit_code INTEGER           of the last finished invocation
    pid INTEGER, host TEXT      the process that last held the run lock
    settings TEXT (JSON)        chunk_size, concurrency, reader options, timezone, ...
    summary TEXT (JSON)         the summary printed at the end (counts, top reasons, paths)
    total_rows INTEGER          input rows journaled (valid + invalid)
    api TEXT                    NULL for the legacy API; 'campaigns-v1' (string ids, UUID campaign)
chunks    one row per chunk of valid records, in row order (chunk 0, 1, 2 ...)
    run INTEGER, chunk INTEGER  PRIMARY KEY(run, chunk)
    state TEXT                  pending | in_flight | <success state>: 'accepted' (upload) or
                                'deleted' (delete) once the answer is journaled. in_flight =
                                intent written, answer not yet journaled (may have reached the
                                server: Decision 7).
    first_row, last_row, size   row span and number of records
    http_status INTEGER         status of the successful records (200 / 204) once done
    attempts INTEGER            max attempts the successful records took
    sent_at, done_at            ISO 8601 UTC
chunk_records  the chunk's records, written once (apart so that state updates stay small)
    run INTEGER, chunk INTEGER  PRIMARY KEY(run, chunk)
    records TEXT                JSON [[row, customer_id, schedule_or_null], ...]; a v1 run's
                                ids are JSON strings, with priority and rank when the chunk has
                                any: [[row, "id", schedule, priority, rank], ...] (_codec.py)
outcomes  one row per record whose outcome is NOT a plain success, plus every invalid row
    run INTEGER, row INTEGER    PRIMARY KEY(run, row)
    chunk INTEGER               NULL for rows found invalid when the file was read
    customer_id INTEGER         the id; for an invalid row the raw cell (text if not numeric)
    schedule TEXT               UTC `...sssZ`, or raw text for an invalid row
    state TEXT                  upload: rejected | invalid | failed | already-present (in the
                                campaign by another hand, Decision 14) | accepted (a success with
                                a note, e.g. a Duplicate confirmed on resume, a reschedule);
                                delete: absent | busy (being offered, retried by the next run)
                                | left (an undo's record that is not its run's) | failed |
                                deleted-with-note
    http_status INTEGER, message TEXT, attempts INTEGER
    crm_id TEXT                 a v1 run's id exactly (customer_id's INTEGER affinity would make
                                "00123" 123); customer_id is NULL then
scopes, holdings, marks, campaign_holdings (VIEW): which run put each customer id in a
          campaign and which took it out (journal/holdings.py)
records   VIEW: one row per record of every run (run_id, run, row, customer_id, schedule, state,
          http_status, message, attempts, chunk). E.g.
          sqlite-utils journal.sqlite "select * from records where run_id='upload-3' and state='rejected'"

Public API (sync; one Journal per thread)
-----------------------------------------
    with Journal.open(path) as j:
        run = j.find_run("upload", sha, campaign_id, endpoint)  # latest with this key, or None
        run = j.create_run("upload", file_path=..., file_sha256=..., campaign_id=..,
                           endpoint=..., settings={...}, source_run=None)
        j.get_run("upload-3"); j.latest_run(kind=None); j.list_runs(kind=None, limit=50)
        with j.lock_run(run): ...            # RunLockedError if another process holds it
        with j.transaction(): ...            # group writes into one commit
        with j.relaxed_sync(): ...           # bulk load without fsync per commit
        j.add_chunk(run, chunk_no, rows, ids, schedules)     # state pending
        j.add_invalid(run, [(row, raw_id, raw_schedule, reason), ...])
        j.open_chunks(run, after=-1, limit=64) -> list[Chunk]  # pending + in_flight, in order
        j.mark_in_flight(run, chunk_no)
        j.finish_chunk(run, chunk_no, ok_state, ok_status, attempts, outcomes)
        j.reset_run_records(run)             # drop chunks/outcomes (restart a 'loading' run)
        j.set_state(run, state, exit_code=None, summary=None)
        j.counts(run) -> {"accepted": n, "rejected": n, "pending": n, ...}
        j.top_reasons(run, limit=5) -> [(message kind, count), ...]
        j.find_or_create_run(kind, sha, campaign_id, endpoint, new=False, **create) -> (Run, new?)
        j.iter_records(run, states=None) -> Iterator[Record] in row order
        j.iter_chunks(run) -> Iterator[StoredChunk] (all, in order, JSON undecoded)
        j.iter_outcomes(run, states=None) -> Iterator[Record] (outcome rows, in row order)
`run` arguments accept a Run, a run_id string or the seq. From asyncio code use
journal_thread.JournalThread (one writer thread, group commit).
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import socket
import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bulk_loader.api import TEXT_ID_APIS
from bulk_loader.errors import JournalError, RunLockedError
from bulk_loader.failure import damaged, translate
from bulk_loader.journal import clock, holdings
from bulk_loader.journal._codec import decode_records, encode_records, text_ids
from bulk_loader.journal._schema import RECORDS_VIEW
from bulk_loader.journal._schema import SCHEMA as _SCHEMA
from bulk_loader.states import (
    ENDED_RUN_STATES,
    FAILED_STATES,
    FINISHED_RUN_STATES,
    OPEN_CHUNK_STATES,
    Outcome,
    RunState,
)

# 2: holdings and scopes (journal/holdings.py), filled from the earlier runs when a version-1 file opens.
# 3: string ids of the Campaigns API v1 kept exactly (runs.api, outcomes.crm_id, text_holdings,
#    scopes.api): added columns and a table, nothing copied, so a large journal opens at once.
SCHEMA_VERSION = 3
FINISHED = FINISHED_RUN_STATES





def check_intact(conn: sqlite3.Connection, path: Path) -> None:
    """A damaged journal is found here, before anything is sent, not halfway through a run.

    quick_check walks every b-tree page (measured: 0.04 s on a 162 MB journal of 5M records);
    the last run it can still read is named, so the user knows where things stood."""
    problems = [row[0] for row in conn.execute("PRAGMA quick_check(3)")]
    if problems != ["ok"]:
        last = None
        with contextlib.suppress(sqlite3.DatabaseError):
            row = conn.execute("SELECT run_id, state FROM runs ORDER BY seq DESC LIMIT 1")\
                .fetchone()
            last = f"{row[0]} ({row[1]})" if row else None
        conn.close()
        lines = [line.strip() for p in problems for line in str(p).splitlines()
                 if line.strip() and not line.startswith("***")]
        raise damaged(path, sqlite3.DatabaseError("; ".join(lines[:3])[:200]), last)


def now_iso() -> str:
    return clock.now().astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")  # read at each call


@dataclass(frozen=True)
class Run:
    seq: int
    run_id: str
    kind: str
    state: RunState
    file_path: str | None
    file_sha256: str | None
    campaign_id: int | str | None  # a UUID for the Campaigns API v1
    endpoint: str | None
    source_run: str | None
    created_at: str | None
    updated_at: str | None
    finished_at: str | None
    exit_code: int | None
    pid: int | None
    host: str | None
    settings: dict[str, Any]
    summary: dict[str, Any] | None
    total_rows: int | None
    api: str | None = None  # None: the legacy API (runs journaled before schema 3 too)

    @property
    def finished(self) -> bool:
        return self.state in FINISHED

    @property
    def text_ids(self) -> bool:
        """Are this run's customer ids strings (Campaigns API v1) rather than integers?"""
        return self.api in TEXT_ID_APIS


@dataclass(slots=True)
class Chunk:
    chunk: int
    state: str
    rows: list[int]
    ids: list[int]
    schedules: list[str | None]
    http_status: int | None = None
    attempts: int | None = None
    fields: dict[str, list[Any]] | None = None  # v1: "priority", "rank", aligned with ids


@dataclass(slots=True)
class StoredChunk:
    chunk: int
    state: str
    first_row: int
    last_row: int
    size: int
    http_status: int | None
    attempts: int | None
    records: bytes  # the JSON as stored, undecoded (UTF-8)

    @property
    def text_ids(self) -> bool:
        """String ids (a Campaigns API v1 run): its JSON is not CSV-ready (results.fast_lines)."""
        return text_ids(self.records)

    def decode(self) -> Chunk:
        ch = make_chunk(self.chunk, self.state, self.records)
        ch.http_status, ch.attempts = self.http_status, self.attempts
        return ch


@dataclass(slots=True)
class Record:
    row: int
    customer_id: Any
    schedule: str | None
    state: str
    http_status: int | None
    message: str | None
    attempts: int | None
    chunk: int | None


RunRef = Run | str | int  # a Run, its run_id, or its seq
# (row, customer_id, schedule, state, http_status, message, attempts)
OutcomeRow = tuple[int, Any, str | None, str, int | None, str | None, int | None]

_RUN_COLS = ("seq, run_id, kind, state, file_path, file_sha256, campaign_id, endpoint, source_run, "
             "created_at, updated_at, finished_at, exit_code, pid, host, settings, summary, "
             "total_rows, api")


def _run_from_row(r: Sequence[Any]) -> Run:
    vals = list(r)
    vals[15] = json.loads(vals[15]) if vals[15] else {}
    vals[16] = json.loads(vals[16]) if vals[16] else None
    return Run(*vals)


class Journal:
    def __init__(self, path: Path, conn: sqlite3.Connection) -> None:
        self.path = path
        self.conn = conn
        self._scopes: dict[int, int] = {}  # run seq -> holdings scope
        self._caught: dict[int, int | None] = {}  # scope -> the run left out of it (None: none)
        self._text: dict[int, bool] = {}  # run seq -> its ids are strings (Run.text_ids)

    def scope(self, run: Run, *, own_too: bool = True) -> int:
        """The holdings scope (campaign + endpoint) of a run (journal/holdings.py), its holdings brought
        up to date with every upload journaled so far the first time this Journal asks.

        `own_too=False` is for an upload asking about other runs' records while it sends: its
        own chunks are left out (a later run copies them in). It knows its own records without
        them, and copying them cost a resume after kill -9 at 90% of 5M records about 5 s."""
        scope = self._scopes.get(run.seq)
        if scope is None:
            scope = holdings.scope_of(self.conn, run.campaign_id, run.endpoint, run.api)
            self._scopes[run.seq] = scope
        left_out = None if own_too else run.seq
        if scope not in self._caught or self._caught[scope] not in (None, left_out):
            with self.transaction():
                holdings.catch_up(self.conn, scope, skip=left_out)
            self._caught[scope] = left_out
        return scope

    # -- opening -------------------------------------------------------------------------------
    @classmethod
    def open(cls, path: str | os.PathLike[str]) -> Journal:
        p = Path(path).expanduser()
        try:
            p.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            # Create it 0600 ourselves: SQLite would use the umask, and its -wal/-shm files copy
            # the main file's mode.
            fd = os.open(p, os.O_RDWR | os.O_CREAT, 0o600)
            os.close(fd)
            conn = sqlite3.connect(p, isolation_level=None, timeout=30, check_same_thread=False)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=FULL")
            conn.execute("PRAGMA foreign_keys=OFF")
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise JournalError(f"journal {p} was written by a newer bulk-loader "
                                   f"(schema {version}); upgrade bulk-loader")
            conn.executescript(_SCHEMA)
            if version < SCHEMA_VERSION:
                _migrate(conn)
            check_intact(conn, p)
        except sqlite3.DatabaseError as exc:
            known = translate(exc, f"the journal {p}", journal=p)
            raise known or JournalError(f"cannot use the journal {p}: {exc}") from exc
        except OSError as exc:
            known = translate(exc, f"the journal {p}")
            raise known or JournalError(f"cannot create the journal {p}: {exc.strerror}") \
                from exc
        return cls(p, conn)

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Journal:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """One commit for everything inside (nested uses join the outer one)."""
        if self.conn.in_transaction:
            yield
            return
        try:
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise
            self.conn.execute("COMMIT")
        except sqlite3.DatabaseError as exc:
            known = translate(exc, f"the journal {self.path}", journal=self.path)
            raise known or JournalError(f"journal {self.path}: {exc}") from exc

    @contextlib.contextmanager
    def relaxed_sync(self) -> Iterator[None]:
        """synchronous=NORMAL inside: commits skip fsync (WAL stays corruption-free; a power
        cut may drop the last commits). For bulk loads that restart from scratch anyway; the
        first FULL commit after it syncs everything written before."""
        self.conn.execute("PRAGMA synchronous=NORMAL")
        try:
            yield
        finally:
            self.conn.execute("PRAGMA synchronous=FULL")

    # -- runs ----------------------------------------------------------------------------------
    def _seq(self, run: RunRef) -> int:
        if isinstance(run, Run):
            return run.seq
        if isinstance(run, int):
            return run
        return self.get_run(run).seq

    def create_run(self, kind: str, *, file_path: str | None = None,
                   file_sha256: str | None = None, campaign_id: int | str | None = None,
                   endpoint: str | None = None, settings: dict[str, Any] | None = None,
                   source_run: str | None = None, state: RunState = "loading",
                   api: str | None = None) -> Run:
        """A new run; `api` names its API when it is not the legacy one ("campaigns-v1")."""
        ts = now_iso()
        with self.transaction():
            cur = self.conn.execute(
                "INSERT INTO runs(kind, state, file_path, file_sha256, campaign_id, endpoint, "
                "source_run, created_at, updated_at, settings, total_rows, api) "
                "VALUES (?,?,?,?,?,?,?,?,?,?,0,?)",
                (kind, state, file_path, file_sha256, campaign_id, endpoint, source_run, ts, ts,
                 json.dumps(settings or {}), api))
            seq = cur.lastrowid
            self.conn.execute("UPDATE runs SET run_id=? WHERE seq=?", (f"{kind}-{seq}", seq))
        return self.get_run(f"{kind}-{seq}")

    def find_or_create_run(self, kind: str, file_sha256: str, campaign_id: int | str,
                           endpoint: str,
                           *, new: bool = False, **create: Any) -> tuple[Run, bool]:
        """The run to resume (latest with this key, unless `new` or it failed), else a new one.

        One write transaction, so two processes starting at once agree on the same run (and
        then only one gets its lock)."""
        with self.transaction():
            run = None if new else self.find_run(kind, file_sha256, campaign_id, endpoint)
            if run is not None and run.state != "failed":
                return run, False
            return self.create_run(kind, file_sha256=file_sha256, campaign_id=campaign_id,
                                   endpoint=endpoint, **create), True

    def get_run(self, run_id: str) -> Run:
        row = self.conn.execute(f"SELECT {_RUN_COLS} FROM runs WHERE run_id=?",
                                (run_id,)).fetchone()
        if row is None:
            raise JournalError(f"no run {run_id!r} in the journal {self.path}")
        return _run_from_row(row)

    def refresh(self, run: Run | str) -> Run:
        return self.get_run(run.run_id if isinstance(run, Run) else run)

    def find_runs(self, *, kind: str | None = None, campaign_id: int | str | None = None,
                  since: str | None = None, states: Sequence[RunState] = (),
                  limit: int) -> list[Run]:
        """The newest runs first, narrowed by kind, campaign, creation time and state (`runs`)."""
        where: list[str] = []
        args: list[object] = []
        if kind:
            where.append("kind = ?")
            args.append(kind)
        if campaign_id is not None:
            where.append("campaign_id = ?")
            args.append(campaign_id)
        if since:
            where.append("created_at >= ?")
            args.append(since)
        if states:
            where.append(f"state IN ({','.join('?' * len(states))})")
            args.extend(states)
        sql = f"SELECT {_RUN_COLS} FROM runs"
        if where:
            sql += " WHERE " + " AND ".join(where)
        rows = self.conn.execute(sql + " ORDER BY seq DESC LIMIT ?", (*args, limit)).fetchall()
        return [_run_from_row(r) for r in rows]

    def find_run(self, kind: str, file_sha256: str, campaign_id: int | str,
                 endpoint: str) -> Run | None:
        row = self.conn.execute(
            f"SELECT {_RUN_COLS} FROM runs WHERE kind=? AND file_sha256=? AND campaign_id=? "
            "AND endpoint=? ORDER BY seq DESC LIMIT 1",
            (kind, file_sha256, campaign_id, endpoint)).fetchone()
        return _run_from_row(row) if row else None

    def latest_run(self, kind: str | None = None) -> Run | None:
        runs = self.list_runs(kind=kind, limit=1)
        return runs[0] if runs else None

    def list_runs(self, kind: str | None = None, limit: int = 50) -> list[Run]:
        where, args = ("WHERE kind=?", [kind]) if kind else ("", [])
        rows = self.conn.execute(f"SELECT {_RUN_COLS} FROM runs {where} ORDER BY seq DESC "
                                 "LIMIT ?", (*args, limit)).fetchall()
        return [_run_from_row(r) for r in rows]

    def later_runs(self, run: Run, kind: str) -> list[Run]:
        """Runs of `kind` started after `run` on its campaign and endpoint, oldest first."""
        rows = self.conn.execute(
            f"SELECT {_RUN_COLS} FROM runs WHERE kind=? AND campaign_id IS ? AND endpoint IS ? "
            "AND seq > ? ORDER BY seq", (kind, run.campaign_id, run.endpoint, run.seq)).fetchall()
        return [_run_from_row(r) for r in rows]

    def set_state(self, run: RunRef, state: RunState, *, exit_code: int | None = None,
                  summary: Mapping[str, Any] | None = None) -> None:
        seq = self._seq(run)
        ts = now_iso()
        finished = ts if state in ENDED_RUN_STATES else None
        with self.transaction():
            self.conn.execute(
                "UPDATE runs SET state=?, updated_at=?, finished_at=coalesce(?, finished_at), "
                "exit_code=coalesce(?, exit_code), summary=coalesce(?, summary) WHERE seq=?",
                (state, ts, finished, exit_code,
                 json.dumps(summary) if summary is not None else None, seq))

    def update_settings(self, run: RunRef, settings: dict[str, Any]) -> None:
        with self.transaction():
            self.conn.execute("UPDATE runs SET settings=? WHERE seq=?",
                              (json.dumps(settings), self._seq(run)))

    @contextlib.contextmanager
    def lock_run(self, run: Run) -> Iterator[None]:
        """Hold the run for this process; the OS releases it if the process dies (even kill -9)."""
        lock_path = Path(f"{self.path}.{run.run_id}.lock")
        while True:
            fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                holder = self.refresh(run)
                where = f" (pid {holder.pid} on {holder.host})" if holder.pid else ""
                raise RunLockedError(
                    f"run {run.run_id} is in progress in another process{where}; wait for it "
                    "to finish or stop it, then run the command again") from None
            # The previous holder may have unlinked the file between our open and flock.
            try:
                same = os.fstat(fd).st_ino == os.stat(lock_path).st_ino
            except FileNotFoundError:
                same = False
            if same:
                break
            os.close(fd)
        try:
            with self.transaction():
                self.conn.execute("UPDATE runs SET pid=?, host=? WHERE seq=?",
                                  (os.getpid(), socket.gethostname(), run.seq))
            yield
        finally:
            with contextlib.suppress(OSError):
                os.unlink(lock_path)
            os.close(fd)

    # -- writing records -----------------------------------------------------------------------
    def add_chunk(self, run: RunRef, chunk_no: int, rows: Sequence[int], ids: Sequence[Any],
                  schedules: Sequence[str | None], *, encoded: str | None = None,
                  fields: dict[str, Sequence[Any]] | None = None) -> None:
        """A chunk of valid records, state pending. `encoded` = encode_records(...) if done;
        `fields`: a v1 run's per-record priority and rank, kept for a resume."""
        seq = self._seq(run)
        self.conn.execute(
            "INSERT INTO chunks(run, chunk, state, first_row, last_row, size) "
            "VALUES (?,?,'pending',?,?,?)", (seq, chunk_no, rows[0], rows[-1], len(rows)))
        self.conn.execute(
            "INSERT INTO chunk_records(run, chunk, records) VALUES (?,?,?)",
            (seq, chunk_no,
             encoded if encoded is not None else encode_records(rows, ids, schedules, fields)))

    def add_invalid(self, run: RunRef,
                    items: Iterable[tuple[int, Any, Any, str]],
                    state: Outcome = "invalid") -> None:
        """Rows found invalid on reading: (row, raw customer-id, raw schedule, reason). `state`:
        another outcome settled before sending (a delete's `left`), also outside any chunk."""
        seq = self._seq(run)
        if self._text_ids(seq):  # the raw cell as text, never turned into a number
            self.conn.executemany(
                "INSERT OR REPLACE INTO outcomes(run, row, chunk, crm_id, schedule, state, "
                "message) VALUES (?,?,NULL,?,?,?,?)",
                ((seq, row, _text(cid), _cell(sch), state, reason)
                 for row, cid, sch, reason in items))
            return
        self.conn.executemany(
            "INSERT OR REPLACE INTO outcomes(run, row, chunk, customer_id, schedule, state, "
            "message) VALUES (?,?,NULL,?,?,?,?)",
            ((seq, row, _cell(cid), _cell(sch), state, reason) for row, cid, sch, reason in items))

    def _text_ids(self, seq: int) -> bool:
        """Does run `seq` keep string ids (outcomes.crm_id) rather than numbers?"""
        text = self._text.get(seq)
        if text is None:
            row = self.conn.execute("SELECT api FROM runs WHERE seq=?", (seq,)).fetchone()
            text = self._text[seq] = row is not None and row[0] in TEXT_ID_APIS
        return text

    def settle_outcomes(self, run: RunRef, rows: Sequence[OutcomeRow]) -> None:
        """New answers for records that have an outcome row (a busy delete tried again): a row
        whose state is None goes, so the record takes its chunk's state (plain success)."""
        seq = self._seq(run)
        for row, _cid, _sch, state, status, message, attempts in rows:
            if state is None:
                self.conn.execute("DELETE FROM outcomes WHERE run=? AND row=?", (seq, row))
            else:
                self.conn.execute(
                    "UPDATE outcomes SET state=?, http_status=?, message=?, attempts=? "
                    "WHERE run=? AND row=?", (state, status, message, attempts, seq, row))

    def add_rows_count(self, run: RunRef, n: int) -> None:
        self.conn.execute("UPDATE runs SET total_rows=total_rows+? WHERE seq=?",
                          (n, self._seq(run)))

    def reset_run_records(self, run: RunRef) -> None:
        seq = self._seq(run)
        with self.transaction():
            self.conn.execute("DELETE FROM chunks WHERE run=?", (seq,))
            self.conn.execute("DELETE FROM chunk_records WHERE run=?", (seq,))
            self.conn.execute("DELETE FROM outcomes WHERE run=?", (seq,))
            self.conn.execute("UPDATE runs SET total_rows=0 WHERE seq=?", (seq,))

    def mark_in_flight(self, run: RunRef, chunk_no: int) -> None:
        self.conn.execute("UPDATE chunks SET state='in_flight', sent_at=? WHERE run=? AND chunk=?",
                          (now_iso(), self._seq(run), chunk_no))

    def unmark_in_flight(self, run: RunRef, chunk_no: int) -> None:
        """Back to pending: the chunk's request was refused as a whole or never sent, so it took
        nothing (docs/contract.md Decision 14) and a resume must not read its duplicates as our own."""
        self.conn.execute("UPDATE chunks SET state='pending', sent_at=NULL WHERE run=? AND "
                          "chunk=? AND state='in_flight'", (self._seq(run), chunk_no))

    def finish_chunk(self, run: RunRef, chunk_no: int, ok_state: str, ok_status: int | None,
                     attempts: int | None, outcomes: Sequence[OutcomeRow] = (), *,
                     fresh: bool = False) -> None:
        """The chunk's answer: records not in `outcomes` took `ok_state` with `ok_status`.

        `fresh`: the chunk was never sent before this answer, so it has no earlier outcome rows
        to clear (the hot path: every statement saved is a GIL round trip on the writer thread)."""
        seq = self._seq(run)
        if not fresh:
            self.conn.execute("DELETE FROM outcomes WHERE run=? AND chunk=?", (seq, chunk_no))
        if outcomes:
            column = "crm_id" if self._text_ids(seq) else "customer_id"
            self.conn.executemany(
                f"INSERT OR REPLACE INTO outcomes(run, row, chunk, {column}, schedule, state, "
                "http_status, message, attempts) VALUES (?,?,?,?,?,?,?,?,?)",
                ((seq, o[0], chunk_no, *o[1:]) for o in outcomes))
        self.conn.execute(
            "UPDATE chunks SET state=?, http_status=?, attempts=?, done_at=? "
            "WHERE run=? AND chunk=?", (ok_state, ok_status, attempts, now_iso(), seq, chunk_no))

    # -- reading records -----------------------------------------------------------------------
    def open_chunks(self, run: RunRef, after: int = -1, limit: int = 64) -> list[Chunk]:
        """Chunks still to send (pending or in_flight) with number > `after`, in order."""
        rows = self.conn.execute(
            "SELECT c.chunk, c.state, CAST(r.records AS BLOB) FROM chunks c JOIN chunk_records r "
            "ON r.run=c.run AND r.chunk=c.chunk WHERE c.run=? AND c.chunk>? "
            "AND c.state IN (?,?) ORDER BY c.chunk LIMIT ?",
            (self._seq(run), after, *OPEN_CHUNK_STATES, limit)).fetchall()
        return [make_chunk(c, s, recs) for c, s, recs in rows]

    def iter_chunks(self, run: RunRef, page: int = 64) -> Iterator[StoredChunk]:
        """Every chunk in order, records still as JSON text (decode() when needed)."""
        seq, after = self._seq(run), -1
        while True:
            rows = self.conn.execute(
                "SELECT c.chunk, c.state, c.first_row, c.last_row, c.size, c.http_status, "
                "c.attempts, CAST(r.records AS BLOB) FROM chunks c JOIN chunk_records r "
                "ON r.run=c.run AND r.chunk=c.chunk WHERE c.run=? AND c.chunk>? "
                "ORDER BY c.chunk LIMIT ?", (seq, after, page)).fetchall()
            if not rows:
                return
            for r in rows:
                yield StoredChunk(*r)
            after = rows[-1][0]

    def iter_outcomes(self, run: RunRef, states: Iterable[str] | None = None,
                      page: int = 10_000) -> Iterator[Record]:
        seq, after = self._seq(run), -(1 << 62)
        wanted = tuple(states) if states is not None else None
        while True:
            rows = self.conn.execute(
                "SELECT row, coalesce(crm_id, customer_id), schedule, state, http_status, "
                "message, attempts, chunk FROM outcomes WHERE run=? AND row>? ORDER BY row "
                "LIMIT ?",
                (seq, after, page)).fetchall()
            if not rows:
                return
            for r in rows:
                if wanted is None or r[3] in wanted:
                    yield Record(*r)
            after = rows[-1][0]

    def iter_records(self, run: RunRef, states: Iterable[str] | None = None) -> Iterator[Record]:
        """One Record per journaled input row, in row order (chunks merged with outcomes)."""
        wanted = set(states) if states is not None else None
        outcomes = self.iter_outcomes(run)
        pending_o = next(outcomes, None)
        for stored in self.iter_chunks(run):
            ch = stored.decode()
            for row, cid, sch in zip(ch.rows, ch.ids, ch.schedules, strict=True):
                while pending_o is not None and pending_o.row < row:
                    if wanted is None or pending_o.state in wanted:
                        yield pending_o
                    pending_o = next(outcomes, None)
                if pending_o is not None and pending_o.row == row:
                    rec = pending_o
                    pending_o = next(outcomes, None)
                else:
                    rec = Record(row, cid, sch, ch.state, ch.http_status, None, ch.attempts,
                                 ch.chunk)
                if wanted is None or rec.state in wanted:
                    yield rec
        while pending_o is not None:
            if wanted is None or pending_o.state in wanted:
                yield pending_o
            pending_o = next(outcomes, None)

    def counts(self, run: RunRef) -> dict[str, int]:
        seq = self._seq(run)
        counts: dict[str, int] = {}
        for state, n in self.conn.execute(
                "SELECT state, sum(size) FROM chunks WHERE run=? GROUP BY state", (seq,)):
            counts[state] = counts.get(state, 0) + n
        for state, n in self.conn.execute(
                "SELECT c.state, count(*) FROM outcomes o JOIN chunks c "
                "ON c.run=o.run AND c.chunk=o.chunk WHERE o.run=? GROUP BY c.state", (seq,)):
            counts[state] -= n
        for state, n in self.conn.execute(
                "SELECT state, count(*) FROM outcomes WHERE run=? GROUP BY state", (seq,)):
            counts[state] = counts.get(state, 0) + n
        return {k: v for k, v in counts.items() if v}

    def count_noted(self, run: RunRef, state: Outcome, message_like: str) -> int:
        """Outcome rows of `state` whose message matches a LIKE pattern (e.g. confirmed dups)."""
        return self.conn.execute(
            "SELECT count(*) FROM outcomes WHERE run=? AND state=? AND message LIKE ?",
            (self._seq(run), state, message_like)).fetchone()[0]

    def top_reasons(self, run: RunRef, limit: int = 5,
                    states: Sequence[str] = FAILED_STATES) -> list[
                        tuple[str, int]]:
        """Most frequent messages, grouped by kind: a validator's "... (got 'x')" without the
        value, and every "duplicate of row N" as one."""
        marks = ",".join("?" * len(states))
        kind = ("CASE WHEN message LIKE 'duplicate of row %' THEN 'duplicate of an earlier row' "
                "WHEN instr(message, ' (got ') > 0 THEN substr(message, 1, "
                "instr(message, ' (got ') - 1) ELSE coalesce(message, '') END")
        return list(self.conn.execute(
            f"SELECT {kind} AS k, count(*) AS n FROM outcomes WHERE run=? AND state IN ({marks}) "
            "GROUP BY k ORDER BY n DESC, k LIMIT ?", (self._seq(run), *states, limit)))


def _migrate(conn: sqlite3.Connection) -> None:
    """Bring an older journal (or a new, empty one) to SCHEMA_VERSION in one transaction; a
    second process opening it at the same time waits, then finds it done."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version < SCHEMA_VERSION:
            if version < 3:  # before holdings.migrate, whose backfill reads runs.api
                holdings.add_column(conn, "runs", "api TEXT")
                holdings.add_column(conn, "outcomes", "crm_id TEXT")
                conn.execute("DROP VIEW IF EXISTS records")
                conn.execute(holdings.compact(RECORDS_VIEW))
            holdings.migrate(conn)
            conn.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


def make_chunk(chunk_no: int, state: str, records: bytes | str) -> Chunk:
    """Decode a chunk's stored JSON (journal/_codec.py: the legacy fast path, or v1 string ids
    with their priority and rank)."""
    rows, ids, schedules, fields = decode_records(records)
    return Chunk(chunk_no, state, rows, ids, schedules, fields=fields)


def _text(value: Any) -> str | None:
    """A v1 run's raw id cell as text (a number cell as its digits)."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(_cell(value))


def _cell(value: Any) -> Any:
    """A raw cell as SQLite can hold it (Excel dates become ISO text)."""
    if value is None or isinstance(value, int | float | str):
        return value
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)
