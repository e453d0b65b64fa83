"""Per-record outcomes from an all-or-nothing batch API (docs/contract-campaigns-v1.md Decision 2).

A refused batch stores nothing, so it says nothing about the other records. `isolate` sends a batch
through an abstract `send` and:
- accepted: every record in it is accepted;
- refused naming records (the duplicate's id, a field error's index): those records get their
  outcome (already-present or invalid, with the vendor's words) and the rest go again at once;
- refused naming nothing: the batch is halved, both halves sent concurrently, down to single
  records, so a lone record's refusal is its own;
- given up after retries (`Failed`): every record in it is failed, to be sent again by a later run.
A campaign-level stop (401/403/404, a state 409, a disabled campaign) is raised by `send` and
propagates: nothing is split, and sibling halves in flight are cancelled.

Cost: k named records in a batch take k extra requests; an unnamed one takes about 2 log2(n).
A batch that was stored but whose answer was lost costs one request per record when it is sent
again: the API names one present id per refusal, and any part holding a present record is
refused, so nothing cheaper can tell which records are there.

`resent` marks a record carried by a request that ended without a clear answer (a dropped
connection, a timeout, a 500): the server may have stored it, so its later "already present" may
be this run's own record. The caller applies the ownership rule (docs/contract.md Decision 14).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from bulk_loader.api._calls import gather_or_cancel
from bulk_loader.states import IsolatedOutcome, PickedOutcome

R = TypeVar("R")
Outcome = IsolatedOutcome  # a record of an add, as isolation settles it (states.py)


@dataclass(frozen=True, slots=True)
class Accepted:
    status: int
    resent: bool = False


@dataclass(frozen=True, slots=True)
class Pick:
    """One record a refusal names: its position in the batch sent, outcome and the vendor's words."""

    index: int
    outcome: PickedOutcome
    detail: str


@dataclass(frozen=True, slots=True)
class Named:
    status: int
    picks: tuple[Pick, ...]
    resent: bool = False


@dataclass(frozen=True, slots=True)
class Unnamed:
    status: int
    detail: str
    resent: bool = False


@dataclass(frozen=True, slots=True)
class Failed:
    detail: str
    resent: bool = False


Verdict = Accepted | Named | Unnamed | Failed
SendBatch = Callable[[Sequence[R]], Awaitable[Verdict]]


@dataclass(frozen=True, slots=True)
class RecordResult:
    outcome: Outcome
    status: int | None  # the HTTP status that settled it; None when no answer did
    detail: str | None  # the vendor's words for a refusal, or why it failed
    requests: int  # requests that carried this record
    resent: bool


class _Book:
    """Per-record counters while a batch is isolated."""

    def __init__(self, n: int) -> None:
        self.requests = [0] * n
        self.resent = [False] * n
        self.results: list[RecordResult | None] = [None] * n

    def carried(self, positions: Sequence[int], resent: bool) -> None:
        for p in positions:
            self.requests[p] += 1
            self.resent[p] = self.resent[p] or resent

    def settle(self, p: int, outcome: Outcome, status: int | None, detail: str | None) -> None:
        self.results[p] = RecordResult(outcome, status, detail, self.requests[p], self.resent[p])


async def isolate(records: Sequence[R], send: SendBatch[R]) -> list[RecordResult]:
    """One result per record, in order. `records` must fit one batch of the API.

    A batch accepted at once (the usual case) shares one frozen result for all its records:
    building one per record was 15% of the client's CPU (bench_v1_client, cProfile).
    """
    if not records:
        return []
    first = await send(records)
    if isinstance(first, Accepted):
        return [RecordResult("accepted", first.status, None, 1, first.resent)] * len(records)
    book = _Book(len(records))
    await _settle(list(range(len(records))), records, send, book, first)
    assert all(r is not None for r in book.results)
    return book.results  # type: ignore[return-value]  # every position settled above


async def _settle(positions: list[int], records: Sequence[R], send: SendBatch[R],
                  book: _Book, answered: Verdict | None = None) -> None:
    """Settle `positions`; `answered` is the verdict already received for all of them."""
    while positions:
        verdict = answered or await send([records[p] for p in positions])
        answered = None
        book.carried(positions, verdict.resent)
        if isinstance(verdict, Accepted):
            for p in positions:
                book.settle(p, "accepted", verdict.status, None)
            return
        if isinstance(verdict, Failed):
            for p in positions:
                book.settle(p, "failed", None, verdict.detail)
            return
        if isinstance(verdict, Named):
            rest = _take_out(positions, verdict, book)
            if rest is not None:
                positions = rest
                continue
        if len(positions) == 1:
            detail = (verdict.detail if isinstance(verdict, Unnamed)
                      else "; ".join(p.detail for p in verdict.picks) or f"HTTP {verdict.status}")
            book.settle(positions[0], "invalid", verdict.status, detail)
            return
        half = len(positions) // 2
        await gather_or_cancel([_settle(part, records, send, book)
                    for part in (positions[:half], positions[half:])])
        return


def _take_out(positions: list[int], verdict: Named, book: _Book) -> list[int] | None:
    """Settle the named records; the rest, in order, go again. None: it named no record of the
    batch (a send's mistake), so the batch is halved instead."""
    named: dict[int, Pick] = {}
    for pick in verdict.picks:
        if 0 <= pick.index < len(positions):
            earlier = named.get(pick.index)
            named[pick.index] = pick if earlier is None else Pick(
                pick.index, earlier.outcome, f"{earlier.detail}; {pick.detail}")
    if not named:
        return None
    for i, pick in named.items():
        book.settle(positions[i], pick.outcome, verdict.status, pick.detail)
    return [p for i, p in enumerate(positions) if i not in named]
