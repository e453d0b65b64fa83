"""A v1 campaign's state machine (docs/contract-campaigns-v1.md section 3), as the simulator plays it.

"Valid from" is the contract's table; where an action leads, and how long a transient state lasts,
is the simulator's own (docs/simulator.md). Transient states move on lazily: `settle(now)` is
called before the campaign is read, so no timer runs.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from bulk_loader.api.campaigns_v1.spec import VALID_FROM, WHEN_DISABLED

# action -> (state entered, state after the transient one or None)
LEADS_TO: dict[str, tuple[str, str | None]] = {
    "BUILD": ("BUILDING", "READY"),
    "RESET": ("CREATED", None),
    "START": ("STARTING", "RUNNING"),
    "PAUSE": ("PAUSED", None),
    "RESUME": ("RUNNING", None),
    "RETRY": ("RUNNING", None),
    "CANCEL": ("COMPLETE", None),
}
DISPLAY = {  # the UI's words (invented); automation branches on `state`
    "CREATED": "Draft", "BUILDING": "Building", "READY": "Ready", "PENDING": "Scheduled",
    "STARTING": "Starting", "RUNNING": "Running", "PAUSED": "Paused", "COMPLETE": "Completed",
    "BUILD_ERROR": "Build failed", "RUN_ERROR": "Failed", "DELETED": "Deleted",
}


@dataclass
class CampaignRun:
    """One campaign's mutable life: state, flags, times (epoch ms) and record counts."""

    campaign_id: str
    state: str
    enabled: bool
    dynamic: bool
    next_state: str | None = None
    next_at_ms: int = 0
    times: dict[str, int] = field(default_factory=dict)
    by_priority: Counter[str] = field(default_factory=Counter)

    def settle(self, now_ms: int) -> None:
        if self.next_state is not None and now_ms >= self.next_at_ms:
            self.state, self.next_state = self.next_state, None
            if self.state == "RUNNING":
                self.times["startedTime"] = self.next_at_ms

    def refusal(self, action: str) -> str | None:
        """Why `action` is refused now (the 409's detail), or None."""
        if not self.enabled and action not in WHEN_DISABLED:
            return (f"Action {action} is not allowed: the campaign is disabled and accepts "
                    f"only {' and '.join(WHEN_DISABLED)}")
        if self.state not in VALID_FROM[action]:
            return f"Action {action} is not valid for a campaign in state {self.state}"
        return None

    def apply(self, action: str, now_ms: int, transient_ms: int) -> None:
        if action == "PURGE":
            self.times["lastPurgedTime"] = now_ms
            return
        entered, after = LEADS_TO[action]
        self.state = entered
        self.next_state, self.next_at_ms = after, now_ms + transient_ms
        if action == "BUILD":
            self.times["lastBuildTime"] = now_ms
        if action == "CANCEL":
            self.times["completedTime"] = now_ms
        self.settle(now_ms)  # a zero transient time moves on at once
