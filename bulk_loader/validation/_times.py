"""schedule-date-time: parse, normalise to UTC `YYYY-MM-DDTHH:MM:SS.sssZ`, check the windows.

Pure code: no I/O. Accepted: ISO 8601 extended date-times with `T` (or one space) between date and
time, seconds and fractions optional, an offset `Z`/`+02:00`/`+0200`/`+02`. Without an offset (and
for Excel datetime cells, which never carry a zone) the time is read in the given zone; without a
zone the row is invalid. Normalised values are canonical, so windows are string comparisons.

Regional exports: `formats` (`--date-format`, strptime syntax) are tried in order on a value that
is not ISO; day-first against month-first is never guessed. Without them, a non-ISO value keeps
the vendor's message plus an accepted example and a pointer to --date-format. A date without a
time of day is refused in every format (CSV text, strptime, an XLSX date-only cell); a number (an
Excel date serial exported from a General cell) is named as such.

Zones, first match wins: an offset in the value, the row's own zone (a time zone column, see
exports.zone_index), `--timezone`, the campaign's zone. Parsed values are cached by raw value (and
row zone), so a file where many rows share a time pays strptime once per distinct time (measured:
a 1M-row UK export with --date-format reads and validates at about 0.9M rows/s, like ISO).
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from functools import lru_cache
from itertools import repeat
from typing import Any

from bulk_loader.errors import UsageError
from bulk_loader.readers import got
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
NOT_ISO = (f"{MSG_BAD_ISO} such as 2026-12-01T14:30:00Z or 2026-12-01 14:30; for another layout "
           "name it with --date-format (strptime syntax, e.g. --date-format '%d/%m/%Y %H:%M')")
NO_FORMAT_MATCH = "{msg}: matches no --date-format ({formats})"
SERIAL = (f"{MSG_BAD_ISO}: this is an Excel date serial number (days since 1899-12-30, here "
          "{moment}), not a date-time; format the column in Excel as a date and time "
          "(yyyy-mm-dd hh:mm) or as Text, and export again")
BAD_ROW_ZONE = ("unknown time zone {zone!r} in the time zone column; use an IANA name such as "
                "Europe/London or a fixed POSIX zone such as EST5EST")
AMBIGUOUS_ROW_ZONE = ("time zone {zone!r} in the time zone column is ambiguous: POSIX reads a "
                      "signed offset the opposite way round; use an IANA name such as Etc/GMT-2 "
                      "(which is UTC+2)")
_TIME_DIRECTIVES = ("%H", "%I", "%M", "%S", "%X", "%c", "%T", "%R", "%p")
_SERIAL_TEXT = re.compile(r"[0-9]{5}(?:\.[0-9]+)?", re.ASCII)
_SERIAL_RANGE = (20_000, 80_000)  # 1954 .. 2119: a number here in a schedule column is a serial
_EXCEL_EPOCH = datetime(1899, 12, 30)

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


@lru_cache(maxsize=1024)
def row_zone(name: str) -> tzinfo | str:
    """A time zone column's cell: the zone, or the row's reason. Same names as --timezone."""
    from bulk_loader.zones import parse_timezone

    try:
        zone = parse_timezone(name)
    except UsageError as exc:
        template = AMBIGUOUS_ROW_ZONE if "ambiguous" in str(exc) else BAD_ROW_ZONE
        return template.format(zone=name.strip())
    assert zone is not None  # a blank cell never gets here
    return zone


def serial_reason(value: Any) -> str | None:
    """The reason for a number (or numeric text) that is an Excel date serial, else None."""
    if isinstance(value, str):
        if not _SERIAL_TEXT.fullmatch(value):
            return None
        number = float(value)
    elif isinstance(value, int | float) and not isinstance(value, bool):
        number = float(value)
    else:
        return None
    if not _SERIAL_RANGE[0] <= number < _SERIAL_RANGE[1]:
        return None
    moment = _EXCEL_EPOCH + timedelta(minutes=round(number * 1440))
    return SERIAL.format(moment=f"{moment:%Y-%m-%d %H:%M}")


def _has_time(fmt: str) -> bool:
    return any(d in fmt for d in _TIME_DIRECTIVES)


class ScheduleParser:
    """Raw cell -> canonical UTC string, None (no schedule) or a reason; remembers what it saw.

    `zone` is the fallback (--timezone, else the campaign's); `formats` are --date-format's;
    `not_iso` the reason for a value that is not ISO (the bare vendor message by default, for
    callers that have no --date-format to point at)."""

    def __init__(self, zone: tzinfo | None, formats: tuple[str, ...] = (),
                 not_iso: str = BAD_ISO) -> None:
        self.zone = zone
        self.formats = formats
        self.not_iso = not_iso  # a non-ISO value's reason: NOT_ISO where --date-format exists
        self._cache: dict[Any, str | None] = {None: None, "": None}

    def parse(self, value: Any, zone: tzinfo | None = None) -> tuple[str | None, str | None]:
        """(canonical or None, reason or None). `zone`: the row's own, ahead of self.zone."""
        if isinstance(value, str):
            text = value.strip()
            if not text:
                return None, None
            if len(text) == 24 and _CANONICAL.fullmatch(text) and _real_day(text[:10]):
                return text, None
            return self._parse_text(text, value, zone)
        if value is None:
            return None, None
        if isinstance(value, datetime):
            return self._local(value.replace(tzinfo=None), value, zone) \
                if value.tzinfo is None else (canonical(value), None)
        if isinstance(value, date):  # an XLSX date-only cell: the CSV rule for a bare date
            return None, DATE_ONLY + got(value)
        if isinstance(value, time):
            return None, TIME_ONLY + got(value)
        return None, (serial_reason(value) or BAD_ISO) + got(value)

    def _parse_text(self, text: str, value: str,
                    zone: tzinfo | None) -> tuple[str | None, str | None]:
        m = _ISO.fullmatch(text)
        if not m:
            return self._other(text, value, zone)
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
            return self._local(naive, value, zone)
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

    def _other(self, text: str, value: str, zone: tzinfo | None) -> tuple[str | None, str | None]:
        """Not ISO: the --date-format layouts in order, else the reason with a way on."""
        for fmt in self.formats:
            try:
                parsed = datetime.strptime(text, fmt)
            except ValueError:
                continue
            if not _has_time(fmt):
                return None, DATE_ONLY + got(value)
            if parsed.tzinfo is not None:
                try:
                    return canonical(parsed), None
                except OverflowError:  # year 1 with an offset east of UTC
                    return None, NO_SUCH_TIME + got(value)
            return self._local(parsed.replace(microsecond=parsed.microsecond // 1000 * 1000),
                               value, zone)
        serial = serial_reason(text)
        if serial is not None:
            return None, serial + got(value)
        if self.formats:
            shown = ", ".join(repr(f) for f in self.formats)
            return None, NO_FORMAT_MATCH.format(msg=MSG_BAD_ISO, formats=shown) + got(value)
        return None, self.not_iso + got(value)

    def _local(self, naive: datetime, value: Any,
               row: tzinfo | None = None) -> tuple[str | None, str | None]:
        zone = row or self.zone
        if zone is None:
            return None, NO_ZONE + got(value)
        try:
            aware = localize(naive, zone)
            if aware is None:
                return None, IN_GAP.format(zone=zone) + got(value)
            return canonical(aware), None
        except OverflowError:
            return None, NO_SUCH_TIME + got(value)

    def parse_all(self, raw: list[Any],
                  zones: list[Any] | None = None) -> tuple[list[str | None], dict[int, str]]:
        """Canonical values (None = no schedule or invalid) and {index: reason}.

        `zones`: the time zone column's raw cells, one per value, or None without that column."""
        if zones is not None:
            return self._parse_zoned(raw, zones)
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

    def _parse_zoned(self, raw: list[Any],
                     zones: list[Any]) -> tuple[list[str | None], dict[int, str]]:
        """Row by row, each with its own zone; cached by (value, zone cell)."""
        cache = self._cache
        if len(cache) > _CACHE_LIMIT:
            cache.clear()
            cache.update({None: None, "": None})
        values: list[str | None] = []
        bad: dict[int, str] = {}
        for i, (value, zone_cell) in enumerate(zip(raw, zones, strict=True)):
            if value is None or value == "":
                values.append(None)
                continue
            key = (value, zone_cell)
            known = cache.get(key, _MISS)
            if known is not _MISS:
                values.append(known)  # type: ignore[arg-type]
                continue
            zone: tzinfo | None = None
            text = "" if zone_cell is None else str(zone_cell).strip()
            if text:
                found = row_zone(text)
                if isinstance(found, str):
                    values.append(None)
                    bad[i] = found + got(zone_cell)
                    continue
                zone = found
            normal, reason = self.parse(value, zone)
            values.append(normal)
            if reason is None:
                cache[key] = normal
            else:
                bad[i] = reason
        return values, bad

    def zone_used(self, value: Any, zone_cell: Any = None) -> str:
        """Where a valid value's zone came from, for the samples `validate` prints."""
        if isinstance(value, str) and _has_offset(value.strip(), self.formats):
            return "its own offset"
        text = "" if zone_cell is None else str(zone_cell).strip()
        if text:
            return f"{text} (the row's time zone)"
        return f"{self.zone}"


def _has_offset(text: str, formats: tuple[str, ...]) -> bool:
    m = _ISO.fullmatch(text)
    if m:
        return m.group(8) is not None
    for fmt in formats:
        try:
            return datetime.strptime(text, fmt).tzinfo is not None
        except ValueError:
            continue
    return False


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
