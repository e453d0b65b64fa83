"""The campaign-status answer (docs/contract.md section 4) as a typed value. Pure logic, no I/O."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo

import orjson

from bulk_loader import spec
from bulk_loader.errors import BadResponse
from bulk_loader.zones import resolve_timezone

__all__ = ["CampaignInfo", "parse_campaign", "resolve_timezone"]

@dataclass(frozen=True)
class CampaignInfo:
    campaign_id: int
    name: str | None
    dynamic: bool | None  # None: the answer did not say
    enabled: bool | None
    status: int | None
    record_count: int | None
    start: datetime | None  # aware; None when the campaign has no schedule window
    end: datetime | None
    timezone: str | None

    @property
    def status_name(self) -> str | None:
        return None if self.status is None else spec.CAMPAIGN_STATUS.get(self.status)

    @property
    def tzinfo(self) -> tzinfo | None:
        """The campaign's time zone, when this machine can resolve it (Decision 5)."""
        return resolve_timezone(self.timezone)

    @property
    def window(self) -> tuple[datetime, datetime] | None:
        """(start, end) when both are set, for the local schedule-window check."""
        if self.start is None or self.end is None:
            return None
        return (self.start, self.end)


def _yes_no(value: object) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        v = value.strip().upper()
        if v in ("Y", "YES", "TRUE", "1"):
            return True
        if v in ("N", "NO", "FALSE", "0"):
            return False
    if isinstance(value, int):
        return bool(value)
    return None


def int_or_none(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        try:
            return int(value)
        except ValueError:  # "--5", "²", "": not a number the API meant
            return None
    return None


def _when(value: object, zone: tzinfo | None) -> datetime | None:
    """ISO 8601 to an aware datetime; naive values are in the campaign's zone (else UTC)."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        dt = datetime.fromisoformat(value.strip())
    except ValueError as exc:
        raise BadResponse(f"the campaign status holds a time that is not ISO 8601: {value!r}") from exc
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=zone or UTC)
    return dt


def parse_campaign(body: bytes, campaign_id: int) -> CampaignInfo:
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise BadResponse(f"the status of campaign {campaign_id} was not valid JSON") from exc
    camp = data.get("campaign") if isinstance(data, dict) else None
    if not isinstance(camp, dict):
        raise BadResponse(f"the status of campaign {campaign_id} has no `campaign` object")
    tz_name = camp.get("timezone") or None
    zone = resolve_timezone(tz_name) if isinstance(tz_name, str) else None
    name = camp.get("campaign-name")
    return CampaignInfo(
        campaign_id=int_or_none(camp.get("campaign-id")) or campaign_id,
        name=name if isinstance(name, str) else None,
        dynamic=_yes_no(camp.get("dynamic-campaign")),
        enabled=_yes_no(camp.get("enabled")),
        status=int_or_none(camp.get("status")),
        record_count=int_or_none(camp.get("no-of-records")),
        start=_when(camp.get("start-time"), zone),
        end=_when(camp.get("end-time"), zone),
        timezone=tz_name if isinstance(tz_name, str) else None,
    )
