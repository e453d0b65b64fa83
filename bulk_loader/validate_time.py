"""schedule-date-time: parse, normalise to UTC `YYYY-MM-DDTHH:MM:SS.sssZ`, check the windows.

Pure code: no I/O. Accepted: ISO 8601 extended date-times with `T` (or one space) between date and
time, seconds and fractions optional, an offset `Z`/`+02:00`/`+0200`/`+02`. Without an offset (and
for Excel datetime cells, which never carry a zone) the time is read in the given zone; without a
zone the row is invalid. Normalised values are canonical, so windows are string comparisons.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from functools import lru_cache
from itertools import repeat
from typing import Any

from bulk_loader.columns import got
from bulk_loader.spec import (
    MAX_DAYS_AHEAD,
    MSG_BAD_ISO,
    MSG_OUTSIDE_SCHEDULE,
    MSG_PAST,
    MSG_TOO_FAR,
)

BAD_ISO = MSG_BAD_ISO
DATE_ONLY = f"{MSG_BAD_ISO}: a date needs a time of day"
TIME_ONLY = f"{MSG_BAD_ISO}: a time needs a date"
NO_SUCH_TIME = f"{MSG_BAD_ISO}: no such date or time"
NO_ZONE = ("schedule-date-time has no time zone: pass --timezone (an IANA name such as "
           "Europe/London) or write an offset such as Z")
IN_GAP = "schedule-date-time does not exist in {zone}: the clocks go forward over it"

_CANONICAL = re.compile(
    r"[0-9]{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])T(?:[01][0-9]|2[0-3]):[0-5][0-9]:"
    r"[0-5][0-9]\.[0-9]{3}Z", re.ASCII)
_ISO = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})"
    r"(?:[Tt ]([0-9]{2}):([0-9]{2})(?::([0-9]{2})(?:[.,]([0-9]+))?)?"
    r"(Z|z|[+-][0-9]{2}(?::?[0-9]{2})?)?)?", re.ASCII)
_MISS = object()
_CACHE_LIMIT = 50_000


def canonical(dt: datetime) -> str:
    """An aware datetime as `YYYY-MM-DDTHH:MM:SS.sssZ` (zero-padded years, unlike strftime)."""
    u = dt.astimezone(UTC)
    return (f"{u.year:04d}-{u.month:02d}-{u.day:02d}T{u.hour:02d}:{u.minute:02d}:"
            f"{u.second:02d}.{u.microsecond // 1000:03d}Z")


@lru_cache(maxsize=4096)
def _real_day(day: str) -> bool:
    try:
        date.fromisoformat(day)
    except ValueError:
        return False
    return True


def localize(naive: datetime, zone: tzinfo) -> datetime | None:
    """`naive` read in `zone`; None when that wall time does not exist (a DST gap)."""
    aware = naive.replace(tzinfo=zone)
    if aware.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != naive:
        return None
    return aware


class ScheduleParser:
    """Raw cell -> canonical UTC string, None (no schedule) or a reason; remembers what it saw."""

    def __init__(self, zone: tzinfo | None) -> None:
        self.zone = zone
        self._cache: dict[Any, str | None] = {None: None, "": None}

    def parse(self, value: Any) -> tuple[str | None, str | None]:
        """(canonical or None, reason or None)."""
        if isinstance(value, str):
            text = value.strip()
            if not text:
                return None, None
            if len(text) == 24 and _CANONICAL.fullmatch(text) and _real_day(text[:10]):
                return text, None
            return self._parse_text(text, value)
        if value is None:
            return None, None
        if isinstance(value, datetime):
            return self._local(value.replace(tzinfo=None), value) if value.tzinfo is None \
                else (canonical(value), None)
        if isinstance(value, date):  # python-calamine gives a date for a midnight datetime cell
            return self._local(datetime.combine(value, time()), value)
        if isinstance(value, time):
            return None, TIME_ONLY + got(value)
        return None, BAD_ISO + got(value)

    def _parse_text(self, text: str, value: str) -> tuple[str | None, str | None]:
        m = _ISO.fullmatch(text)
        if not m:
            return None, BAD_ISO + got(value)
        year, month, day, hour, minute, second, fraction, offset = m.groups()
        if hour is None:
            return None, (DATE_ONLY if _real_day(text) else NO_SUCH_TIME) + got(value)
        micro = int((fraction or "0")[:6].ljust(6, "0")) // 1000 * 1000  # down to the millisecond
        try:
            naive = datetime(int(year), int(month), int(day), int(hour), int(minute),
                             int(second or 0), micro)
        except ValueError:
            return None, NO_SUCH_TIME + got(value)
        if offset is None:
            return self._local(naive, value)
        if offset in "Zz":
            return canonical(naive.replace(tzinfo=UTC)), None
        digits = offset[1:].replace(":", "")
        hours, minutes = int(digits[:2]), int(digits[2:] or 0)
        if hours > 23 or minutes > 59:
            return None, NO_SUCH_TIME + got(value)
        shift = timedelta(hours=hours, minutes=minutes) * (1 if offset[0] == "+" else -1)
        try:
            return canonical(naive.replace(tzinfo=timezone(shift))), None
        except OverflowError:
            return None, NO_SUCH_TIME + got(value)

    def _local(self, naive: datetime, value: Any) -> tuple[str | None, str | None]:
        if self.zone is None:
            return None, NO_ZONE + got(value)
        try:
            aware = localize(naive, self.zone)
            if aware is None:
                return None, IN_GAP.format(zone=self.zone) + got(value)
            return canonical(aware), None
        except OverflowError:
            return None, NO_SUCH_TIME + got(value)

    def parse_all(self, raw: list[Any]) -> tuple[list[str | None], dict[int, str]]:
        """Canonical values (None = no schedule or invalid) and {index: reason}."""
        cache = self._cache
        values: list[Any] = list(map(cache.get, raw, repeat(_MISS)))
        bad: dict[int, str] = {}
        if _MISS in values:
            if len(cache) > _CACHE_LIMIT:
                cache.clear()
                cache.update({None: None, "": None})
            for i, value in enumerate(values):
                if value is _MISS:
                    normal, reason = self.parse(raw[i])
                    values[i] = normal
                    if reason is None:
                        cache[raw[i]] = normal
                    else:
                        bad[i] = reason
        return values, bad


class Window:
    """What a schedule must fall in, as canonical strings: after now + skew, before now + 7 days
    - skew, and inside the campaign's schedule (shrunk by the skew) when one is known."""

    def __init__(self, now: datetime, skew: timedelta,
                 campaign: tuple[datetime, datetime] | None = None) -> None:
        self.low = canonical(now + skew)
        self.high = canonical(now + timedelta(days=MAX_DAYS_AHEAD) - skew)
        self.campaign: tuple[str, str] | None = None
        self.outside = ""
        self.min_ok, self.max_ok = self.low, self.high
        if campaign is not None:
            start, end = campaign
            self.campaign = (canonical(start + skew), canonical(end - skew))
            self.outside = MSG_OUTSIDE_SCHEDULE.format(start=canonical(start), end=canonical(end))
            self.min_ok = max(self.low, self.campaign[0])
            self.max_ok = min(self.high, self.campaign[1])

    def reason(self, value: str) -> str | None:
        """None when `value` (canonical) is inside; else the server's message for it."""
        if value < self.low:
            return MSG_PAST
        if value > self.high:
            return MSG_TOO_FAR
        if self.campaign is not None and not self.campaign[0] <= value <= self.campaign[1]:
            return self.outside
        return None


@lru_cache(maxsize=8)
def _send_window(now: datetime, skew: timedelta) -> Window:
    return Window(now, skew)


def send_time_reason(schedule: str | None, now: datetime,
                     clock_skew: timedelta = timedelta(seconds=60)) -> str | None:
    """Decision 6: re-check a normalised schedule at send time; the server's verbatim message
    (spec.MSG_PAST or spec.MSG_TOO_FAR) or None. Cheap when `now` repeats (cached bounds)."""
    if not schedule:
        return None
    return _send_window(now, clock_skew).reason(schedule)
