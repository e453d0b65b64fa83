"""A circuit breaker for a server that stays down: stop the run instead of failing every record.

Both senders (upload, delete) report each chunk's answer here. A chunk is *dead* when every
record it sent ended with no HTTP answer after the client's retries ran out. Dead chunks are held
back, not journaled: they stay ``in_flight`` in the journal, which is the truth (no answer was
journaled; they may have reached the server, so a resend confirms duplicates, Decision 7).

- A chunk that got any answer breaks the streak: the held chunks are released and journaled
  with their records ``failed``, as before (a lone bad chunk among good ones is a record-level
  failure, not a dead server).
- `limit` dead chunks in a row trip the breaker: the sender takes no new chunk, finishes what is
  in flight, and the run stops (exit 3) with `sentence()`; a re-run resends the held chunks.
- At the end of the input, held chunks trip it too if no chunk of this invocation got any
  answer (a small file against a dead server has fewer chunks than `limit`). A run stopped
  otherwise (Ctrl-C, a terminal error) leaves them in_flight: resent on resume, never lost.

Pure logic, no I/O; the senders do the journaling.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Generic, TypeVar

from bulk_loader.outcome import RESUME_HINT

if TYPE_CHECKING:
    from bulk_loader.api import RecordOutcome

T = TypeVar("T")


def limit_for(concurrency: int) -> int:
    """Dead chunks in a row that stop a run: never fewer than every chunk that can be in flight."""
    return max(3, concurrency)


def dead_reason(outcomes: list[RecordOutcome]) -> str | None:
    """The last error if no record of the chunk got an HTTP answer, else None (chunk not dead)."""
    if not outcomes or any(o.http_status is not None for o in outcomes):
        return None
    return outcomes[-1].message or "no answer"


class Breaker(Generic[T]):
    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.held: list[T] = []
        self.tripped = False
        self.answered = False  # some chunk of this invocation got an answer
        self.streak = 0  # dead chunks in a row when the breaker tripped
        self.reason: str | None = None

    def settle(self, item: T, reason: str | None) -> list[T]:
        """A chunk is answered (`reason` from dead_reason). Returns the chunks to journal now."""
        if reason is None:
            self.answered = True
            if self.tripped:
                return [item]
            released, self.held = [*self.held, item], []
            return released
        self.held.append(item)
        if not self.tripped:
            self.reason = reason
            if len(self.held) >= self.limit:
                self._trip()
        return []

    def close(self, exhausted: bool = True) -> list[T]:
        """No more chunks will come: the held ones to journal as failed (none if tripped).
        Not `exhausted` (Ctrl-C, a terminal error): they stay in_flight, to be sent again."""
        if not exhausted:
            return []
        if self.held and not self.tripped and not self.answered:
            self._trip()
        if self.tripped:
            return []
        released, self.held = self.held, []
        return released

    def _trip(self) -> None:
        self.tripped = True
        self.streak = len(self.held)

    def sentence(self) -> str:
        """The one line the user sees when the breaker stopped the run."""
        n = self.streak
        what = f"did not answer for {n} chunks in a row" if n > 1 else "did not answer"
        return (f"stopped: the server {what} ({self.reason}); nothing was lost, "
                f"{RESUME_HINT}.")
