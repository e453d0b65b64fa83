"""The Campaigns API v1's own facts (docs/contract-campaigns-v1.md), in one place for client and simulator.

Nothing here is invented: sites, media type, limits, priorities, the state machine's "valid
from" table, and the vendor's verbatim duplicate detail.
"""

from __future__ import annotations

import re

SITES = ("US1", "US2", "UK3")
API_HOST = "https://api.8x8.com"
PATH = "/cc/{site}/campaigns/v1"
MEDIA_TYPE = "application/vnd.campaigns.v1+json"
MAX_BATCH = 100
MAX_ID = 32
PRIORITIES = ("HIGH", "MEDIUM", "LOW")
KEY_PREFIX = "eght_"
DUPLICATE_DETAIL = "Campaign already contains record for Id: {id}"
DUPLICATE_RE = re.compile(r"Campaign already contains record for Id: (.+)", re.S)
STATES = ("CREATED", "BUILDING", "READY", "PENDING", "STARTING", "RUNNING", "PAUSED",
          "COMPLETE", "BUILD_ERROR", "RUN_ERROR", "DELETED")
TRANSIENT_STATES = ("BUILDING", "STARTING")
VALID_FROM: dict[str, tuple[str, ...]] = {
    "BUILD": ("CREATED", "READY", "BUILD_ERROR"),
    "RESET": ("READY", "BUILD_ERROR"),
    "START": ("READY",),
    "PAUSE": ("RUNNING",),
    "RESUME": ("PAUSED",),
    "RETRY": ("RUN_ERROR",),
    "CANCEL": ("PENDING", "RUNNING", "PAUSED", "RUN_ERROR"),
    "PURGE": ("PAUSED", "RUN_ERROR", "COMPLETE"),
}
WHEN_DISABLED = ("BUILD", "RESET")  # the only actions a disabled campaign accepts
REFUSE_ADDS = ("BUILDING", "STARTING", "COMPLETE", "DELETED")

