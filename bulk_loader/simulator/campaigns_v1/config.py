"""What a Campaigns API v1 simulator run looks like: tenant, keys, campaigns, answers, faults.

The contract is docs/contract-campaigns-v1.md; every choice it leaves open is the simulator's own and is
listed in docs/simulator.md ("The Campaigns API v1 simulator"). Defaults are what tests, the demo
and `bulk-loader simulate --api campaigns-v1` print at start.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from bulk_loader.api.campaigns_v1.spec import STATES
from bulk_loader.simulator.config import FaultOptions

RUNNING_ID = "7c9e6679-7425-40de-944b-e07fc1f90ae7"
READY_ID = "0b4a2c1e-5d3f-4e8a-9b6c-2f1d7e8a9c0b"
DEFAULT_KEY = "eght_demo_campaigns_key"
DEFAULT_NO_PRODUCT_KEY = "eght_demo_key_without_product"


@dataclass(frozen=True)
class V1Campaign:
    campaign_id: str  # a UUID
    state: str = "RUNNING"
    enabled: bool = True
    dynamic: bool = True


def default_campaigns() -> dict[str, V1Campaign]:
    """One RUNNING and one READY campaign, both dynamic and enabled."""
    return {RUNNING_ID: V1Campaign(RUNNING_ID, "RUNNING"), READY_ID: V1Campaign(READY_ID, "READY")}


@dataclass
class V1Config(FaultOptions):
    tenant: str = "demo"
    api_key: str = DEFAULT_KEY
    # A valid key whose app lacks the "Contact Center Campaigns" product: 403 (None = no such key).
    no_product_key: str | None = DEFAULT_NO_PRODUCT_KEY
    campaigns: dict[str, V1Campaign] = field(default_factory=default_campaigns)
    duplicate_status: int = 409  # 409 (endpoint pages) or 400 "Validation failed" (troubleshooting)
    success_status: int = 200  # 200 (pages) or 201 (OpenAPI file)
    # Field errors name `records[i].field` (True) or only `field`, as the vendor's example (False).
    indexed_field_errors: bool = True
    # Ids the simulator refuses with a field error: a check only the server makes (its own
    # invention, docs/simulator.md), so that tests can send a record no local rule catches.
    refuse_ids: frozenset[str] = frozenset()
    transient_seconds: float = 5.0  # BUILDING and STARTING last this long
    # Faults, latency, seed and rate_limit (per tenant header): FaultOptions, shared.

    def __post_init__(self) -> None:
        if self.duplicate_status not in (400, 409):
            raise ValueError("duplicate_status must be 400 or 409")
        if self.success_status not in (200, 201):
            raise ValueError("success_status must be 200 or 201")
        if not self.api_key.startswith("eght_"):
            raise ValueError("the simulator's API key must start with eght_")
        self.check_faults()
        if self.transient_seconds < 0:
            raise ValueError("transient_seconds must not be negative")
        for key, campaign in self.campaigns.items():
            if key != campaign.campaign_id or str(uuid.UUID(key)) != key:
                raise ValueError(f"campaign ids must be lower-case UUIDs, keyed by id (got {key!r})")
        bad = [c.state for c in self.campaigns.values() if c.state not in STATES]
        if bad:
            raise ValueError(f"unknown campaign states {bad}; known: {STATES}")
