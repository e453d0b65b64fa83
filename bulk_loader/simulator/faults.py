"""Seeded faults and latency for rehearsals (all invented, Decision 9).

Each kind of draw has its own random stream, so turning latency on does not change which
requests fail. Faults before the request touches state (429, 503, 500, drop, slow) make a retry
safe; `drop_after_commit` drops the connection after an add was stored (answer lost).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Protocol


class FaultSettings(Protocol):
    """What a FaultPlan reads: both simulators' configs have these fields."""

    @property
    def fault_rate(self) -> float: ...
    @property
    def fault_kinds(self) -> Sequence[str]: ...
    @property
    def drop_after_commit_rate(self) -> float: ...
    @property
    def latency_ms(self) -> float: ...
    @property
    def jitter_ms(self) -> float: ...
    @property
    def seed(self) -> int: ...


class FaultPlan:
    def __init__(self, config: FaultSettings) -> None:
        self.rate = config.fault_rate
        self.kinds = tuple(config.fault_kinds) or ("500",)
        self.commit_rate = config.drop_after_commit_rate
        self.latency_s = config.latency_ms / 1000
        self.jitter_s = config.jitter_ms / 1000
        self._faults = random.Random(f"faults:{config.seed}")
        self._commit = random.Random(f"commit:{config.seed}")
        self._latency = random.Random(f"latency:{config.seed}")

    def before(self) -> str | None:
        """The fault to play on this request, or None."""
        if self.rate <= 0.0 or self._faults.random() >= self.rate:
            return None
        return self._faults.choice(self.kinds)

    def drop_after_commit(self) -> bool:
        return self.commit_rate > 0.0 and self._commit.random() < self.commit_rate

    def delay_s(self) -> float:
        """This request's latency: latency_ms +/- jitter_ms, never negative."""
        if self.jitter_s <= 0.0:
            return self.latency_s
        return max(0.0, self.latency_s + self._latency.uniform(-self.jitter_s, self.jitter_s))
