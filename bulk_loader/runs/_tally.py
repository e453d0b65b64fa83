"""One `Tally` for upload and delete: what this invocation did, for progress and the summary.

The journal stays the truth (a summary's counts come from it); the tally counts what this
invocation settled, live, without a query. Upload adds its all-accepted chunks in one step on
the hot path (`accepted += n`, no per-record call) and each other record with `add`; delete adds
each chunk's answers with `add_chunk`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Tally:
    """Outcomes of this invocation; a counter per outcome the runs report live."""

    accepted: int = 0
    rejected: int = 0
    failed: int = 0
    invalid: int = 0
    confirmed: int = 0  # accepted duplicates of our own (Decision 7): a subset of accepted
    already_present: int = 0
    skipped: int = 0  # already-present, not sent (--skip-known)
    lost: int = 0  # answers lost after the request may have reached the server: kept in flight
    deleted: int = 0
    absent: int = 0
    busy: int = 0
    by_state: dict[str, int] = field(default_factory=dict)  # what `add_chunk` counted

    def add(self, state: str, n: int = 1) -> None:
        """`n` records ended in `state` (an outcome name: "already-present" is counted in
        `already_present`)."""
        name = state.replace("-", "_")
        setattr(self, name, getattr(self, name) + n)

    def add_chunk(self, size: int, rows: Sequence[Sequence[Any]], ok_state: str) -> None:
        """A chunk of `size` records answered: `rows` are the outcome rows of those not in
        `ok_state` (journal.OutcomeRow: the state is at index 3); the rest ended in `ok_state`."""
        counts = {ok_state: size - len(rows)}
        for r in rows:
            counts[r[3]] = counts.get(r[3], 0) + 1
        for state, n in counts.items():
            self.by_state[state] = self.by_state.get(state, 0) + n
            name = state.replace("-", "_")
            if hasattr(self, name):
                setattr(self, name, getattr(self, name) + n)

    @property
    def done(self) -> int:
        """Records `add_chunk` counted, whatever their state."""
        return sum(self.by_state.values())
