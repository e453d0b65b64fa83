"""Real-world exports: the options and checks that sit between reading a file and validating it.

Why a module of its own: CRM and Excel exports name their call-time column freely (`Callback
Time`), write regional dates, carry a time zone per customer, and so on. This module decides, once
the file is open and before any row is validated, stored or sent:

- the per-row time zone column (`--timezone-column`, or a header `timezone`, `time zone`, `tz`);
- that no call time is silently dropped: with no schedule column, a column holding date-like
  values stops the run (exit 2) naming it, `--schedule-column NAME` and `--no-schedule`;
- what `validate` and `upload --dry-run` print about it: the column mapping, the zone used and
  where it came from, and three sample conversions.

Pure apart from the Table it is handed; the cost is one look at the first batch.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from bulk_loader.errors import InputFileError, UsageError
from bulk_loader.model import Batch
from bulk_loader.readers._columns import normalise_header
from bulk_loader.readers._table import Table
from bulk_loader.summaries import MappingJson

ZONE_ALIASES = ("timezone", "time zone", "tz", "time_zone")
_ZONE_KEYS = {normalise_header(a) for a in ZONE_ALIASES}
# d/m/y, m/d/y, y-m-d, d.m.y ... with an optional time: a value a person would call a date.
_DATE_LIKE = re.compile(r"\s*[0-9]{1,4}[-/.][0-9]{1,2}[-/.][0-9]{1,4}(?:[ T,]+\S.*)?\s*")
SAMPLES = 3


@dataclass(frozen=True)
class ExportOptions:
    """The flags for real-world exports (validate, upload): none changes how cells are read."""

    date_formats: tuple[str, ...] = ()
    timezone_column: str | None = None
    no_schedule: bool = False
    timezone_source: str = ""  # where the fallback zone came from: "--timezone", "campaign 125"

    def __post_init__(self) -> None:
        for fmt in self.date_formats:
            check_date_format(fmt)


_YEAR_DIRECTIVES = ("%Y", "%y", "%G", "%c", "%x")


def check_date_format(fmt: str) -> None:
    """UsageError for a --date-format that can never read a date (before any row is read)."""
    try:
        datetime.strptime("", fmt)
    except ValueError as exc:
        if "does not match format" not in str(exc):
            raise UsageError(f"date_format {fmt!r} is not a strptime format: {exc} (for "
                             "example '%d/%m/%Y %H:%M').", param="date_format") from None
    if not any(d in fmt for d in _YEAR_DIRECTIVES):
        raise UsageError(f"date_format {fmt!r} has no year (%Y or %y): it cannot read a "
                         "date; for example '%d/%m/%Y %H:%M'.", param="date_format")


@dataclass
class Sample:
    row: int
    value: Any
    zone: str
    utc: str

    def line(self) -> str:
        value = self.value if isinstance(self.value, str) else str(self.value)
        return f"row {self.row}: {value!r} in {self.zone} -> {self.utc}"


@dataclass
class Mapping:
    """Which column feeds what, the zone used and from where, and sample conversions."""

    id_column: str = ""
    schedule_column: str | None = None
    zone_column: str | None = None
    zone: str | None = None
    zone_source: str = ""
    samples: list[Sample] = field(default_factory=list)

    def zone_text(self) -> str:
        steps = ["an offset written in the value"]
        if self.zone_column is not None:
            steps.append(f"the row's zone in column {self.zone_column!r}")
        if self.zone is not None:
            steps.append(f"{self.zone} ({self.zone_source or '--timezone'})")
        text = ", else ".join(steps)
        return text if self.zone is not None else f"{text}; no default zone (pass --timezone)"

    def lines(self) -> list[str]:
        schedule = repr(self.schedule_column) if self.schedule_column is not None else "none"
        out = [f"columns: customer-id <- {self.id_column!r}, schedule-date-time <- {schedule}"
               + (f", time zone <- {self.zone_column!r}" if self.zone_column else "")]
        if self.schedule_column is not None:
            out.append(f"time zone: {self.zone_text()}")
        if self.samples:
            out.append("sample conversions:")
            out.extend(f"  {s.line()}" for s in self.samples)
        return out

    def as_json(self) -> MappingJson:
        return {"columns": {"customer-id": self.id_column,
                            "schedule-date-time": self.schedule_column,
                            "time-zone": self.zone_column},
                "time_zone": {"zone": self.zone, "source": self.zone_source or None},
                "samples": [{"row": s.row, "value": _text(s.value), "zone": s.zone,
                             "utc": s.utc} for s in self.samples]}


def _text(value: Any) -> str:
    return value if isinstance(value, str) else str(value)


def zone_index(table: Table, options: ExportOptions) -> int | None:
    """The time zone column: named by --timezone-column, else found by header; None if none."""
    headers = table.headers
    taken = {table.id_index, table.schedule_index}
    if options.timezone_column is not None:
        wanted = options.timezone_column
        exact = [i for i, h in enumerate(headers) if h == wanted] or [
            i for i, h in enumerate(headers)
            if normalise_header(h) and normalise_header(h) == normalise_header(wanted)]
        if not exact:
            raise InputFileError(f"no column named {wanted!r} (timezone_column); headers "
                                 f"found: {', '.join(repr(h) for h in headers[:20])}.",
                                 param="timezone_column")
        if exact[0] in taken:
            raise UsageError(f"timezone_column {wanted!r} is already the customer-id or "
                             "schedule column.", param="timezone_column")
        return exact[0]
    found = [i for i, h in enumerate(headers) if normalise_header(h) in _ZONE_KEYS
             and i not in taken]
    if len(found) > 1:
        names = ", ".join(repr(headers[i]) for i in found)
        raise InputFileError(f"several columns could be the time zone ({names}); choose one with "
                             "timezone_column.", param="timezone_column")
    return found[0] if found else None


def row_zones(batch: Batch, index: int | None) -> list[Any] | None:
    """The time zone column's cells of a batch (None without that column)."""
    if index is None:
        return None
    return [cells[index] if index < len(cells) else None for cells in batch.cells]


def is_date_like(value: Any) -> bool:
    if isinstance(value, datetime | date):
        return True
    return isinstance(value, str) and bool(_DATE_LIKE.fullmatch(value))


def check_schedule(table: Table, batch: Batch, options: ExportOptions,
                   zone_column: int | None) -> None:
    """No silent drop of a call time: with no schedule column, a column of dates stops the run.

    Looks at the first batch: a column where most non-empty cells are dates is named."""
    if table.schedule_index is not None:
        if options.no_schedule:
            raise UsageError(
                f"no_schedule says the file has no call times, but column "
                f"{table.schedule_header!r} is its schedule column; drop no_schedule, or "
                "remove that column from the file.", param="no_schedule")
        return
    if options.no_schedule:
        return
    for index in _date_columns(table, batch.cells, zone_column):
        name = table.headers[index]
        raise InputFileError(
            f"no schedule column was found, but column {name!r} holds dates: pass "
            f"schedule_column {_quoted(name)} to use it as the call time, or no_schedule to "
            "confirm that the file has no call times (its customers would be dialled at once).",
            param=("schedule_column", "no_schedule"))


def _quoted(name: str) -> str:
    return name if re.fullmatch(r"[\w.-]+", name) else f"'{name}'"


def _date_columns(table: Table, rows: Sequence[Sequence[Any]],
                  zone_column: int | None) -> list[int]:
    skip = {table.id_index, zone_column}
    width = len(table.headers)
    dates = [0] * width
    filled = [0] * width
    for cells in rows:
        for i in range(min(width, len(cells))):
            value = cells[i]
            if i in skip or value is None or value == "":
                continue
            filled[i] += 1
            dates[i] += is_date_like(value)
    return [i for i in range(width) if filled[i] and dates[i] * 2 >= filled[i]]


def add_samples(mapping: Mapping, batch: Batch, schedules: list[str | None],
                valid_rows: list[int], describe: Any, zones: list[Any] | None) -> None:
    """Up to SAMPLES conversions of valid scheduled rows, for the printed mapping."""
    if len(mapping.samples) >= SAMPLES or mapping.schedule_column is None:
        return
    where: dict[int, int] = {}
    for row, utc in zip(valid_rows, schedules, strict=True):
        if utc is None:
            continue
        if not where:  # built only once a scheduled row is met
            where = {r: i for i, r in enumerate(batch.rows)}
        i = where[row]
        zone_cell = zones[i] if zones is not None else None
        mapping.samples.append(Sample(row, batch.schedules[i],
                                      describe(batch.schedules[i], zone_cell), utc))
        if len(mapping.samples) >= SAMPLES:
            return
