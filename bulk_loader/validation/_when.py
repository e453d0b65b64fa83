"""`--since WHEN` / `--until WHEN`: one parser for every command that takes a period.

WHEN is a date (`2026-11-23`: its midnight), a date-time (`2026-11-23T08:00`, an offset or `Z`
honoured, else read in the report's zone), an age (`90m`, `12h`, `7d`, `2w`: that long before
now), or `today` / `yesterday` (their midnight). A bare date given to --until includes that whole
day. A period is [since, until): `until` defaults to now. Everything comes back timezone-aware.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from bulk_loader.errors import UsageError

_AGE = re.compile(r"^\s*(\d{1,6})\s*([mhdw])\s*$", re.I)
_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
FORMS = "a date (2026-11-23), a date-time (2026-11-23T08:00) or an age (12h, 7d, 2w)"


def _midnight(day: date, zone: tzinfo) -> datetime:
    return datetime.combine(day, time(0), zone)


def parse_when(text: str, *, zone: tzinfo | None = None, now: datetime | None = None,
               option: str = "since", end_of_day: bool = False) -> datetime:
    """The moment WHEN names (aware). `end_of_day`: a bare date means the next midnight.
    A moment out of the calendar's range (999999d, 9999-12-31, 0001-01-01) is a usage error."""
    try:
        moment = _parse_when(text, zone=zone, now=now, option=option, end_of_day=end_of_day)
        moment.astimezone(UTC)  # 0001-01-01 in a zone east of UTC has no UTC moment
    except OverflowError:
        raise UsageError(f"{option} must be between the years 1 and 9999 (got {text!r})",
                         param=option) from None
    return moment


def _parse_when(text: str, *, zone: tzinfo | None, now: datetime | None, option: str,
                end_of_day: bool) -> datetime:
    zone = zone or UTC
    now = now or datetime.now(UTC)
    raw = text.strip()
    key = raw.lower()
    if key in ("today", "yesterday"):
        day = now.astimezone(zone).date() - timedelta(days=key == "yesterday")
        return _midnight(day + timedelta(days=end_of_day), zone)
    age = _AGE.match(raw)
    if age:
        return now - timedelta(**{_UNITS[age.group(2).lower()]: int(age.group(1))})
    try:
        if len(raw) == 10:
            day = date.fromisoformat(raw)
            return _midnight(day + timedelta(days=end_of_day), zone)
        moment = datetime.fromisoformat(raw)
    except ValueError:
        raise UsageError(f"{option} must be {FORMS} (got {text!r})", param=option) from None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=zone)


def parse_period(since: str, until: str | None, *, zone: tzinfo | None = None,
                 now: datetime | None = None) -> tuple[datetime, datetime]:
    """[start, end) from --since and --until (default now); refuses an empty period."""
    now = now or datetime.now(UTC)
    start = parse_when(since, zone=zone, now=now, option="since")
    end = parse_when(until, zone=zone, now=now, option="until", end_of_day=True) \
        if until else now
    if end <= start:
        raise UsageError(f"until must come after since (got {start.isoformat()} to "
                         f"{end.isoformat()})", param=("until", "since"))
    return start, end
