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
_POSIX_FIXED = re.compile(r"^([A-Za-z]{3,})([+-]?)(\d{1,2})(?::(\d{2}))?([A-Za-z]{3,})?$")


def _posix(name: str) -> tuple[str, tzinfo] | None:
    """(sign as written, zone) for a POSIX `STDoff[STD]` string with no DST part, else None."""
    m = _POSIX_FIXED.match(name)
    if not m or m.group(5) not in (None, m.group(1)):
        return None
    hours, minutes = int(m.group(3)), int(m.group(4) or 0)
    if hours > 24 or minutes > 59:
        return None
    west = timedelta(hours=hours, minutes=minutes)  # POSIX offsets are west-positive
    try:
        return m.group(2), timezone(west if m.group(2) == "-" else -west, m.group(1))
    except ValueError:  # 24:00 and beyond: not an offset datetime can hold
        return None


def resolve_timezone(name: str | None) -> tzinfo | None:
    """An IANA name, or a POSIX `STDoff[STD]` string with no DST part (EST5EST is UTC-5,
    IST-5:30 is UTC+5:30); None if neither. Used for the zone the campaign's status names."""
    if not name or not name.strip():
        return None
    try:
        return ZoneInfo(name.strip())
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a tzdata folder, "America"
        pass
    found = _posix(name.strip())
    return found[1] if found else None


def parse_timezone(name: str | None) -> tzinfo | None:
    """A `timezone` (`--timezone`) value: None when not given or blank; UsageError (exit 2,
    `param="timezone"`) otherwise when it is not a zone. A signed POSIX offset (UTC+2) is refused: POSIX reads it as UTC-2, the
    opposite of what most people mean, and a silent 4-hour shift is worse than a question."""
    if name is None or not name.strip():
        return None
    text = name.strip()
    found = _posix(text)
    if found is not None and found[0]:
        raise UsageError(f"time zone {name!r} (timezone) is ambiguous: POSIX reads a signed "
                         "offset the opposite way round; use an IANA name such as Europe/Berlin "
                         "or Etc/GMT-2 (which is UTC+2).", param="timezone")
    zone = resolve_timezone(text)
    if zone is None:
        raise UsageError(f"unknown time zone {name!r} (timezone); use an IANA name such as "
                         "Europe/London or America/New_York.", param="timezone")
    return zone
