"""What both simulators count, and how their stats pages show it: one class for the legacy
simulator's state (state.py) and the Campaigns API v1's (campaigns_v1/state.py).

Counters per name, per route, per status and per fault kind; the stats page is their plain copy.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from bulk_loader.simulator.config import FAULT_KINDS


class Tally:
    def __init__(self, counters: Iterable[str]) -> None:
        self.counters: Counter[str] = Counter({k: 0 for k in counters})
        self.by_route: Counter[str] = Counter()
        self.by_status: Counter[int] = Counter()
        self.fault_counts: Counter[str] = Counter()

    def count_fault(self, kind: str) -> None:
        self.fault_counts[kind] += 1
        self.counters["faults_total"] += 1

    def tally(self) -> dict[str, Any]:
        """The stats page's common part: counters, faults by kind, routes and statuses."""
        out: dict[str, Any] = dict(self.counters)
        out["faults"] = {k: self.fault_counts.get(k, 0)
                         for k in (*FAULT_KINDS, "drop_after_commit")}
        out["by_route"] = dict(self.by_route)
        out["by_status"] = {str(k): v for k, v in sorted(self.by_status.items())}
        return out
