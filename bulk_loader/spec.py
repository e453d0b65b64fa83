"""What docs/contract.md fixes: paths, messages and code tables, in one place.

The simulator answers with these strings and the client and validator compare against them, so a
change to the contract is a change here only.
"""

from __future__ import annotations

import re

MAX_RECORDS = 5_000_000
MAX_DAYS_AHEAD = 7
PLATFORM_RE = re.compile(r"^[a-z]{2}[0-9]+$")

# Paths (note `tstats` for writes, `stats` for reads).
ADD_PATH = "/api/tstats/campaigns/{campaign_id}/customers"
DELETE_PATH = "/api/tstats/campaigns/{campaign_id}/customers/{customer_id}"
RECORDS_PATH = "/api/stats/campaigns/{campaign_id}/records.json"
CAMPAIGN_STATUS_PATH = "/api/stats/campaigns/{campaign_id}.json"
CAMPAIGN_CHANGE_PATH = "/api/tstats/campaigns/{campaign_id}"

# Per-record messages of the 207 answer, verbatim from the vendor's page.
MSG_DUPLICATE = "Duplicate customer"
MSG_BAD_ISO = "Invalid schedule-date-time format - please use ISO 8601 format"
MSG_BAD_ID = "Invalid customer-id"
MSG_NOT_FOUND = "The customer-id has not been found."
MSG_PAST = "The subject schedule-date-time is in the past."
MSG_OUTSIDE_SCHEDULE = (
    "The subject schedule-date-time is outside the campaign schedule from {start} to {end}."
)
MSG_TOO_FAR = "The subject schedule-date-time must be within 7 days ahead of a future period."
MSG_STATUS_CHANGED = "Campaign status changed."

# Section 5 (the vendor's OpenAPI file), verbatim. Whole-request 400s of an add that speak of the
# campaign, not of the records (Decision 12: never split, the run stops).
MSG_ADD_STOPPED = "The campaign has stopped. No additional customers can be added."
MSG_ADD_NOT_STARTED = "The operation is invalid for a campaign that has not started."
MSG_ADD_NOT_DYNAMIC = "This is not a dynamic campaign."
MSG_ADD_NOT_ENABLED = "The campaign is not enabled."
MSG_LIST_INVALID = "The provided customer list is invalid."  # may concern the records: split
ADD_CAMPAIGN_REFUSALS = (MSG_ADD_STOPPED, MSG_ADD_NOT_STARTED, MSG_ADD_NOT_DYNAMIC,
                         MSG_ADD_NOT_ENABLED)
# Delete answers.
MSG_DELETE_NOT_LOCATED = "The customer has not been located."
MSG_DELETE_BUSY = "The customer is not available for deletion."  # Decision 13: busy, retry later
MSG_DELETE_STOPPED = "The campaign has stopped. No customers can be deleted."
MSG_DELETE_NOT_ENABLED = "This campaign is not enabled."
DELETE_CAMPAIGN_REFUSALS = (MSG_DELETE_STOPPED, MSG_ADD_NOT_DYNAMIC, MSG_DELETE_NOT_ENABLED)
# The status change by PATCH (section 5).
MSG_STATUS_HAS_CHANGED = "The campaign status has changed."
MSG_INVALID_TRANSITION = "Invalid state transition"
MSG_PATCH_NOT_DYNAMIC = "Not a dynamic campaign"
# Campaign statuses (section 4) that cannot take records (Decision 12) and that only warn.
STATUS_NEVER_STARTED = (0,)
STATUS_STOPPED = (5, 6, 7)
STATUS_WARN = (8, 9, 10, 11)  # paused, purged: the server decides

RECORD_STATUS = {0: "New", 1: "Queued", 2: "Accepted", 3: "Completed", 4: "Scheduled"}
STATUS_CODE = {
    0: "Default",
    1: "Max Attempt Reached",
    2: "Skipped",
    3: "No Phone Number",
    4: "Invalid Phone Number",
}
DISPOSITION_CODE = {1000: "None", 1001: "Try Again", 1002: "Scheduled Call Back"}
CAMPAIGN_STATUS = {
    0: "New",
    1: "Manual Started",
    2: "Scheduled",
    3: "Manual Running",
    4: "Schedule Running",
    5: "Manual Stopped",
    6: "Completed (Stopped)",
    7: "Schedule Stopped",
    8: "Manual Paused",
    9: "Schedule Paused",
    10: "Manual Purged",
    11: "Schedule Purged",
}
CAMPAIGN_STATUS_CHANGES = ("RUNNING", "PAUSED", "PURGED", "STOPPED")


def base_url_for_platform(platform: str) -> str:
    """`na12` -> `https://vcc-na12.8x8.com`; the caller has checked PLATFORM_RE."""
    return f"https://vcc-{platform}.8x8.com"


def iso_utc_ms(dt: object) -> str:
    """A timezone-aware datetime as the API's `YYYY-MM-DDTHH:MM:SS.sssZ` in UTC."""
    from datetime import UTC, datetime

    assert isinstance(dt, datetime) and dt.tzinfo is not None
    u = dt.astimezone(UTC)
    return u.strftime("%Y-%m-%dT%H:%M:%S.") + f"{u.microsecond // 1000:03d}Z"
