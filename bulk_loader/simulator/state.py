"""Everything a running simulator holds: campaigns, their records, counters, clock, faults."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bulk_loader.simulator.clock import Clock
from bulk_loader.simulator.config import CampaignConfig, SimulatorConfig
from bulk_loader.simulator.crm import Crm
from bulk_loader.simulator.faults import FaultPlan
from bulk_loader.simulator.ingest import format_ms
from bulk_loader.simulator.persist import StateFile
from bulk_loader.simulator.rate_limit import TenantBuckets
from bulk_loader.simulator.store import NO_SCHEDULE, CampaignStore
from bulk_loader.simulator.tally import Tally

COUNTERS = (
    "requests", "records_received", "records_added", "records_rejected", "records_deleted",
    "auth_failures", "faults_total", "views_abandoned", "rate_limited",
)


class SimulatorState(Tally):
    def __init__(self, config: SimulatorConfig) -> None:
        super().__init__(COUNTERS)
        self.config = config
        self.clock = Clock()
        self.crm = (Crm.from_file(config.crm_file) if config.crm_file
                    else Crm.from_range(*config.crm_range))
        assert config.campaigns is not None  # filled by SimulatorConfig.__post_init__
        self.campaigns: dict[int, CampaignConfig] = dict(config.campaigns)
        self.status: dict[int, int] = {c: cfg.status for c, cfg in self.campaigns.items()}
        self._stores: dict[int, CampaignStore] = {}
        self.faults = FaultPlan(config)
        self.buckets = TenantBuckets(config.rate_limit) if config.rate_limit > 0 else None
        self.file: StateFile | None = None
        self.adds_answered = 0
        if config.state_path:
            self.file = StateFile(Path(config.state_path))
            self._load(self.file)

    def _load(self, file: StateFile) -> None:
        self.status.update({c: s for c, s in file.statuses().items() if c in self.status})
        for campaign_id, rid, cid, added, sched in file.records():
            idx = self.crm.index(cid)
            if campaign_id in self.campaigns and idx >= 0:
                self.store(campaign_id).place(rid, idx, cid, added, sched)

    def store(self, campaign_id: int) -> CampaignStore:
        """The campaign's records, created on first use (4 bytes per CRM id)."""
        store = self._stores.get(campaign_id)
        if store is None:
            store = self._stores[campaign_id] = CampaignStore(self.crm.size)
        return store

    def record_count(self, campaign_id: int) -> int:
        store = self._stores.get(campaign_id)
        return store.live if store else 0

    def snapshot(self, campaign_id: int) -> dict[int, str | None]:
        """{customer_id: schedule (ISO, UTC, ms) or None} of the campaign's records."""
        store = self._stores.get(campaign_id)
        if store is None:
            return {}
        return {cid: (None if sched == NO_SCHEDULE else format_ms(sched))
                for _rid, cid, _added, sched in store.rows(0, len(store))}

    def set_status(self, campaign_id: int, status: int) -> None:
        self.status[campaign_id] = status
        if self.file is not None:
            self.file.set_status(campaign_id, status)

    def note_add(self, campaign_id: int) -> None:
        """Count an answered add; `stop_after_adds` then stops the campaign (a rehearsal of a
        campaign stopped mid-run, invented)."""
        self.adds_answered += 1
        limit = self.config.stop_after_adds
        if limit and self.adds_answered == limit:
            self.set_status(campaign_id, 5)

    def stats(self) -> dict[str, Any]:
        out = self.tally()
        out["records_held"] = {str(c): s.live for c, s in sorted(self._stores.items())}
        return out

    def close(self) -> None:
        if self.file is not None:
            self.file.close()
            self.file = None
