"""Time zone names as users and the API spell them. Pure logic, no I/O.

One parser for every `--timezone` flag (validate, upload) and for the campaign's own zone, so a
name one command takes is never refused by another.
"""

from __future__ import annotations

import re
from datetime import timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bulk_loader.errors import UsageError

# POSIX TZ without a DST rule, e.g. "EST5EST" (the vendor's example) or "UTC0": a fixed offset.
_POSIX_FIXED = re.compile(r"^([A-Za-z]{3,})([+-]?\d{1,2})(?::(\d{2}))?([A-Za-z]{3,})?$")


def resolve_timezone(name: str | None) -> tzinfo | None:
    """An IANA name, or a POSIX `STDoff[STD]` string with no DST part; None if neither."""
    if not name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        pass
    m = _POSIX_FIXED.match(name.strip())
    if m and (m.group(4) is None or m.group(4) == m.group(1)):
        hours = int(m.group(2))
        minutes = int(m.group(3) or 0) * (-1 if hours < 0 else 1)
        # POSIX offsets are west-positive: EST5 is UTC-5.
        return timezone(-timedelta(hours=hours, minutes=minutes), m.group(1))
    return None


def parse_timezone(name: str | None) -> tzinfo | None:
    """A `--timezone` value: None when not given; UsageError (exit 2) for an unknown name."""
    if name is None or not name.strip():
        return None
    zone = resolve_timezone(name.strip())
    if zone is None:
        raise UsageError(f"unknown time zone {name!r} (--timezone); use an IANA name such as "
                         "Europe/London or America/New_York.")
    return zone
