"""One sender of the intent-send-outcome protocol, for upload's adds and delete's DELETEs.

    sent = ChunkSender(jt, run, kind, workers=4, stop=stop, breaker_limit=limit_for(4))
    dead = await sent.send_all()      # None, or the breaker's sentence (runs/_breaker.py)

`workers` senders take the run's open chunks in order. Each one, per chunk: journals the answers
it holds together with the *intent* of its next chunk (in_flight) in one commit and waits for it
(so every chunk that may have reached the server without its answer journaled is in_flight, and a
resume sends exactly those again: docs/contract.md Decision 7); then sends the chunk
(`kind.send`); then hands the answer to the circuit breaker, which may hold it back while a
server looks dead. One fsync per chunk, and at most `workers` chunks in flight besides the ones
the breaker holds (journaled when an answer breaks the streak, or at the end).

A stop (Ctrl-C, SIGTERM, a tripped breaker, or a terminal error the kind met) ends the feed;
each sender journals what it holds and returns. A chunk whose intent was written after the stop
never left, and goes back to pending.

What a kind of run fills in (`ChunkKind`): `commit` (on the journal thread, inside the commit:
the answers, then the next intent; its value reaches `send`), `send` (None when a terminal error
stopped the run: the kind keeps the error), `dead` (the breaker's reading of an answer), `count`
(tally and progress, after the commit).
"""

from __future__ import annotations

import asyncio
from typing import Any, Generic, Protocol, TypeVar

from bulk_loader.journal import Chunk, JournalThread, Run
from bulk_loader.runs._breaker import Breaker
from bulk_loader.runs._gc_relax import relaxed_gc

D = TypeVar("D")


class ChunkKind(Protocol[D]):
    def commit(self, ready: list[D], next_chunk: Chunk | None) -> Any: ...

    async def send(self, chunk: Chunk, known: Any) -> D | None: ...

    def dead(self, done: D) -> str | None: ...

    def count(self, done: D) -> None: ...


class ChunkSender(Generic[D]):
    def __init__(self, jt: JournalThread, run: Run, kind: ChunkKind[D], *, workers: int,
                 stop: asyncio.Event, breaker_limit: int) -> None:
        self.jt = jt
        self.journal = jt.journal
        self.run = run
        self.kind = kind
        self.workers = workers
        self.stop = stop
        self.breaker: Breaker[D] = Breaker(breaker_limit)

    async def send_all(self, first_alone: bool = False) -> str | None:
        """Every open chunk, until done or stopped; the breaker's sentence if it tripped.
        `first_alone`: the first open chunk goes by itself before the others (the preflight of
        a back end that cannot be read first, runs/_lifecycle.py)."""
        after = -1
        if first_alone:
            first = await self.jt.call(self.journal.open_chunks, self.run, -1, 1)
            if first:
                alone: asyncio.Queue[Chunk | None] = asyncio.Queue()
                for item in (first[0], None):
                    alone.put_nowait(item)
                await self._work(alone)
                # Still open (its answer lost, or held by the breaker): not again in this pass.
                after = first[0].chunk
        chunks: asyncio.Queue[Chunk | None] = asyncio.Queue(maxsize=self.workers)
        feeder = asyncio.create_task(self._feed(chunks, after))
        workers = [asyncio.create_task(self._work(chunks)) for _ in range(self.workers)]
        try:
            with relaxed_gc():
                await asyncio.gather(*workers)
        finally:
            feeder.cancel()
            await asyncio.gather(feeder, return_exceptions=True)
        last = self.breaker.close(exhausted=not self.stop.is_set())
        if last:
            await self.jt.call(self.kind.commit, last, None)
            for d in last:
                self.kind.count(d)
        return self.breaker.sentence() if self.breaker.tripped else None

    async def _feed(self, out: asyncio.Queue[Chunk | None], after: int = -1) -> None:
        page = max(16, 2 * self.workers)
        while not self.stop.is_set():
            batch = await self.jt.call(self.journal.open_chunks, self.run, after, page)
            if not batch:
                break
            for ch in batch:
                await out.put(ch)
                if self.stop.is_set():
                    break
            after = batch[-1].chunk
        for _ in range(self.workers):
            await out.put(None)

    async def _work(self, chunks: asyncio.Queue[Chunk | None]) -> None:
        ready: list[D] = []  # answers to journal (the breaker may hold some back)
        while True:
            ch = await chunks.get()
            if ch is None or self.stop.is_set():
                if ready:
                    await self.jt.call(self.kind.commit, ready, None)
                    for d in ready:
                        self.kind.count(d)
                return
            known = await self.jt.call(self.kind.commit, ready, ch)
            for d in ready:
                self.kind.count(d)
            ready = []
            if self.stop.is_set():  # stopped while the intent was written: it never left
                if ch.state != "in_flight":
                    await self.jt.call(self.journal.unmark_in_flight, self.run, ch.chunk)
                continue
            done = await self.kind.send(ch, known)
            if done is None:
                continue
            ready = self.breaker.settle(done, self.kind.dead(done))
            if self.breaker.tripped:
                self.stop.set()
