"""Everything a running v1 simulator holds: campaigns, their records, counters, clock, faults.

Records live in memory only, one dict entry per record: about 265 bytes each with id, schedule,
priority and rank (tracemalloc over 200,000 records added through check_body), so 1M records hold
about 265 MB. The v1 API has no read or delete, so nothing but the add needs them; tests read
them through `records(campaign_id)`.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from bulk_loader.api.campaigns_v1.spec import PRIORITIES
from bulk_loader.simulator.campaigns_v1.config import V1Config
from bulk_loader.simulator.campaigns_v1.machine import DISPLAY, CampaignRun
from bulk_loader.simulator.campaigns_v1.rules import NewRecord
from bulk_loader.simulator.clock import Clock
from bulk_loader.simulator.faults import FaultPlan
from bulk_loader.simulator.rate_limit import TenantBuckets
from bulk_loader.simulator.tally import Tally

COUNTERS = ("requests", "records_received", "records_added", "batches_added", "batches_refused",
            "auth_failures", "faults_total", "rate_limited")
PRIORITY_DEFAULT = "HIGH"
SHARED: dict[str | None, str] = {p: p for p in PRIORITIES}


def iso_ms(epoch_ms: int) -> str:
    """`2026-04-22T10:30:00Z`: the contract's timestamp style (whole seconds, UTC)."""
    return datetime.fromtimestamp(epoch_ms / 1000, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class V1State(Tally):
    def __init__(self, config: V1Config) -> None:
        super().__init__(COUNTERS)
        self.config = config
        self.clock = Clock()
        self.faults = FaultPlan(config)
        # The legacy simulator's bucket, keyed by the tenant header (None: no limit).
        self.buckets = TenantBuckets(config.rate_limit) if config.rate_limit > 0 else None
        self.runs = {c: CampaignRun(c, cfg.state, cfg.enabled, cfg.dynamic)
                     for c, cfg in config.campaigns.items()}
        # campaign -> crmRecordId -> (priority, rank, nextAttemptAfter)
        self.stored: dict[str, dict[str, tuple[str, float | int, str]]] = {
            c: {} for c in config.campaigns}

    def run(self, campaign_id: str) -> CampaignRun | None:
        run = self.runs.get(campaign_id)
        if run is not None:
            run.settle(self.clock.now_ms())
        return run

    def add(self, campaign_id: str, records: list[NewRecord]) -> list[dict[str, Any]]:
        """Store every record (the caller checked them all) and return their Record objects."""
        run, held = self.runs[campaign_id], self.stored[campaign_id]
        now = iso_ms(self.clock.now_ms())
        out = []
        for rec in records:
            priority = SHARED.get(rec.priority, PRIORITY_DEFAULT)  # one string, not one a record
            run.by_priority[priority] += 1
            rank = rec.rank if rec.rank is not None else run.by_priority[priority]
            after = rec.schedule_at or now
            held[rec.crm_id] = (priority, rank, after)
            out.append({"id": _uuid(campaign_id, rec.crm_id), "type": "DYNAMIC",
                        "crmRecordId": rec.crm_id, "priority": priority, "rank": rank,
                        "nextAttemptAfter": after, "retryCount": 0, "state": "PENDING"})
        self.counters["records_added"] += len(records)
        self.counters["batches_added"] += 1
        return out

    def campaign(self, campaign_id: str) -> dict[str, Any]:
        """The Campaign object of the contract; unknown fields are left out, not null."""
        run = self.runs[campaign_id]
        count = len(self.stored[campaign_id])
        out: dict[str, Any] = {
            "id": campaign_id, "tenantId": self.config.tenant, "integrationType": "API",
            "state": run.state, "displayStatus": DISPLAY[run.state],
            "recordCount": count,
            "recordCounts": [{"type": "DYNAMIC", "state": "PENDING", "count": count}] if count else [],
        }
        out.update({k: iso_ms(v) for k, v in sorted(run.times.items())})
        return out

    def records(self, campaign_id: str) -> dict[str, tuple[str, float | int, str]]:
        return dict(self.stored[campaign_id])

    def stats(self) -> dict[str, Any]:
        out = self.tally()
        out["records_held"] = {c: len(r) for c, r in sorted(self.stored.items())}
        return out


def _uuid(campaign_id: str, crm_id: str) -> str:
    """A stable server id for a record (the same record, the same id, run after run)."""
    return str(uuid.uuid5(uuid.UUID(campaign_id), crm_id))
