"""What a simulator run looks like: tenant, tokens, CRM, campaigns, faults, state.

Everything here is the simulator's own choice (docs/contract.md Decision 9); docs/simulator.md lists each
invention. Defaults are what tests and the demo rely on (see BRIEFING: campaigns 125/126/127,
CRM ids 10000000-15999999, tokens demo-action/demo-data).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from bulk_loader import spec

DAY_MS = 86_400_000
FAULT_KINDS = ("429", "503", "500", "drop", "slow")
DELETE_TOKENS = ("action", "data", "either")


@dataclass(frozen=True)
class CampaignConfig:
    campaign_id: int
    name: str
    dynamic: bool = True
    enabled: bool = True
    # Schedule window as (start, end) in UTC epoch milliseconds, or None for "no window".
    window_ms: tuple[int, int] | None = None
    timezone: str = "UTC"
    status: int = 3  # 3 Manual Running
    sequential: bool = False


def default_campaigns(started_ms: int) -> dict[int, CampaignConfig]:
    """125 open, 126 with a window of the 3 days after start, 127 not dynamic."""
    return {
        125: CampaignConfig(125, "Demo Callbacks", timezone="America/New_York"),
        126: CampaignConfig(126, "Demo Windowed", timezone="Europe/London",
                            window_ms=(started_ms, started_ms + 3 * DAY_MS)),
        127: CampaignConfig(127, "Demo Static List", dynamic=False, timezone="UTC"),
    }


@dataclass
class FaultOptions:
    """Faults, latency and the request budget: the same options for both simulators (the
    legacy one's config below, the Campaigns API v1's in campaigns_v1/config.py). All invented."""

    seed: int = 0
    latency_ms: float = 0.0
    jitter_ms: float = 0.0
    fault_rate: float = 0.0
    fault_kinds: tuple[str, ...] = FAULT_KINDS
    retry_after_s: int = 1
    slow_ms: float = 2_000.0
    # Drop the connection AFTER the records of an add were stored ("taken, answer lost").
    drop_after_commit_rate: float = 0.0
    # Requests per second per tenant (token bucket of as many tokens); 0 = no limit.
    rate_limit: float = 0.0

    def check_faults(self) -> None:
        unknown = set(self.fault_kinds) - set(FAULT_KINDS)
        if unknown:
            raise ValueError(f"unknown fault kinds {sorted(unknown)}; known: {FAULT_KINDS}")
        if not 0.0 <= self.fault_rate <= 1.0 or not 0.0 <= self.drop_after_commit_rate <= 1.0:
            raise ValueError("fault rates must be between 0 and 1")
        if self.rate_limit < 0 or self.rate_limit != self.rate_limit:
            raise ValueError("rate_limit must be 0 (none) or a positive number of requests/s")


@dataclass
class SimulatorConfig(FaultOptions):
    username: str = "demo"
    action_token: str = "demo-action"
    data_token: str = "demo-data"
    delete_token: str = "action"  # action | data | either
    # None -> default_campaigns(start time of the simulator).
    campaigns: dict[int, CampaignConfig] | None = None
    crm_range: tuple[int, int] = (10_000_000, 15_999_999)
    crm_file: str | Path | None = None  # one id per line; replaces crm_range
    # Numeric strings ("10000001") as customer-id: refused as "Invalid customer-id" unless True.
    accept_numeric_strings: bool = False
    max_chunk: int = 10_000
    max_records: int = spec.MAX_RECORDS  # per campaign
    # Lifecycle: a record spends about this long in each of New, Queued, Accepted.
    stage_seconds: float = 30.0
    state_path: str | Path | None = None
    # Simulated start time (epoch ms); None -> now. Campaign 126's window starts here.
    started_ms: int | None = None
    # After this many answered add requests, the campaign of the last one is stopped (5 Manual
    # Stopped): a campaign stopped between two chunks, for tests and rehearsals. 0 = never.
    stop_after_adds: int = 0
    # Stream the view in pieces of this many records.
    view_piece: int = 2_000

    def __post_init__(self) -> None:
        if self.delete_token not in DELETE_TOKENS:
            raise ValueError(f"delete_token must be one of {DELETE_TOKENS}")
        self.check_faults()
        if self.max_chunk < 1:
            raise ValueError("max_chunk must be at least 1")
        if self.started_ms is None:
            self.started_ms = int(time.time() * 1000)
        if self.campaigns is None:
            self.campaigns = default_campaigns(self.started_ms)
