"""The journal from asyncio code: one writer thread, group commit.

    async with JournalThread(journal) as jt:
        await jt.call(journal.mark_in_flight, run, 3)   # returns once committed (durable)

SQLite commits with synchronous=FULL wait for fsync; on the event loop that would stall every
request in flight. Here every call runs on one thread (so the connection is used by one thread
at a time), and the calls that queue up while a commit is under way share the next commit: with
N senders there are far fewer fsyncs than journal writes. A call returns only after its commit,
so "intent is durable before the request is sent" holds.
"""

from __future__ import annotations

import asyncio
import queue
import sqlite3
import threading
from collections.abc import Callable
from typing import Any, TypeVar

from bulk_loader.errors import JournalError
from bulk_loader.failure import translate
from bulk_loader.journal._journal import Journal

T = TypeVar("T")
_MAX_GROUP = 256


class JournalThread:
    def __init__(self, journal: Journal) -> None:
        self.journal = journal
        self._queue: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name="journal", daemon=True)
        self._loop: asyncio.AbstractEventLoop | None = None

    async def __aenter__(self) -> JournalThread:
        self._loop = asyncio.get_running_loop()
        self._thread.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        self._queue.put(None)
        await asyncio.get_running_loop().run_in_executor(None, self._thread.join)

    async def call(self, fn: Callable[..., T], *args: Any) -> T:
        assert self._loop is not None
        fut: asyncio.Future[T] = self._loop.create_future()
        self._queue.put((fn, args, fut))
        return await fut

    def _run(self) -> None:
        conn = self.journal.conn
        while True:
            first = self._queue.get()
            if first is None:
                return
            group = [first]
            stop = False
            while len(group) < _MAX_GROUP:
                try:
                    item = self._queue.get_nowait()
                except queue.Empty:
                    break
                if item is None:
                    stop = True
                    break
                group.append(item)
            results: list[tuple[Any, BaseException | None]] = []
            try:
                conn.execute("BEGIN IMMEDIATE")
                for fn, args, _ in group:
                    try:
                        results.append((fn(*args), None))
                    except Exception as exc:  # handed to the caller, not lost here
                        results.append((None, exc))
                conn.execute("COMMIT")
            except sqlite3.DatabaseError as exc:
                err = translate(exc, f"the journal {self.journal.path}",
                                journal=self.journal.path) or \
                    JournalError(f"journal {self.journal.path}: {exc}")
                results = [(None, err)] * len(group)
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
            for (_, _, fut), (value, error) in zip(group, results, strict=True):
                assert self._loop is not None
                self._loop.call_soon_threadsafe(_settle, fut, value, error)
            if stop:
                return


def _settle(fut: asyncio.Future[Any], value: Any, error: BaseException | None) -> None:
    if fut.cancelled():
        return
    if error is not None:
        fut.set_exception(error)
    else:
        fut.set_result(value)
