"""Read and validate a whole file: the one loop that both `validate` and `upload` run.

    summary = validate_file(path, FileOptions(timezone=parse_timezone("Europe/London")),
                            on_batch=lambda batch, validated: ...)

`upload` (upload_load.load_file) and `upload --dry-run` (upload_dry) call this same function, so a
dry run can never pass a row that the real run refuses. They pass their own `validator` (built from
the campaign's time zone and window) and `cap_each_batch=True`; the real run journals the valid
records from `on_batch` as they are validated. InputFileError for a file that cannot be used
(unreadable, no id column, no rows, over the 5,000,000 cap: checked after the last row, or after
every batch with `cap_each_batch`, always before anything may be sent).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, tzinfo
from pathlib import Path

from bulk_loader.errors import InputFileError
from bulk_loader.model import Batch, ReaderOptions, Validated
from bulk_loader.readers import (
    DEFAULT_BATCH,
    ExportOptions,
    Mapping,
    Table,
    add_samples,
    check_schedule,
    open_table,
    row_zones,
    zone_index,
)
from bulk_loader.spec import MAX_RECORDS
from bulk_loader.validation._validator import Summary, Validator
from bulk_loader.zones import parse_timezone

__all__ = ["FileOptions", "FileSummary", "NoRowsError", "open_file", "parse_timezone", "validate_file"]


@dataclass(frozen=True)
class FileOptions(ReaderOptions):
    """How to read the file, and the rules that need no server."""

    timezone: tzinfo | None = None
    clock_skew: timedelta = timedelta(seconds=60)
    window: tuple[datetime, datetime] | None = None  # the campaign's schedule, when known
    max_records: int = MAX_RECORDS
    exports: ExportOptions = field(default_factory=ExportOptions)


@dataclass
class FileSummary(Summary):
    """Validator.summary() plus how the file was read."""

    path: Path = field(default_factory=Path)
    described: str = ""
    headers: list[str] = field(default_factory=list)
    mapping: Mapping = field(default_factory=Mapping)
    header_row: int = 1
    last_line: int | None = None  # CSV: the file's last line read (rows + blank + quoted lines)

    def lines_note(self) -> str:
        """How the rows account for a CSV's lines, when they are not one row a line."""
        if self.last_line is None:
            return ""
        other = self.last_line - self.header_row - self.rows
        if other <= 0:
            return ""
        return (f"  (lines {self.header_row + 1:,}-{self.last_line:,}: {other:,} blank or "
                "inside quoted fields)")


def utc_now() -> datetime:
    return datetime.now(UTC)


def open_file(path: str | Path, options: FileOptions) -> Table:
    return open_table(path, **options.kwargs())


class NoRowsError(InputFileError):
    """A header and no rows: `validate` refuses it (exit 2); `upload` calls it an empty delta."""


def validate_file(path: str | Path, options: FileOptions, *,
                  now: Callable[[], datetime] = utc_now,
                  on_table: Callable[[Table], None] | None = None,
                  on_batch: Callable[[Batch, Validated], None] | None = None,
                  batch_size: int = DEFAULT_BATCH, validator: Validator | None = None,
                  cap_each_batch: bool = False) -> FileSummary:
    """Validate every row; call on_table once when the file is open, on_batch per batch.

    `validator` replaces the one built from `options` (whose time zone, window, clock skew and
    cap are then unused). `cap_each_batch`: refuse an over-cap file as soon as it goes over,
    before on_batch sees that batch, so a caller that stores batches stops early.
    """
    with open_file(path, options) as table:
        if on_table is not None:
            on_table(table)
        if validator is None:
            validator = Validator(now=now, timezone=options.timezone, window=options.window,
                                  clock_skew=options.clock_skew, max_records=options.max_records,
                                  formats=options.exports.date_formats)
        zones = zone_index(table, options.exports)
        mapping = _mapping(table, zones, validator, options.exports)
        first = True
        for batch in table.batches(batch_size):
            if first:  # before anything of the file is validated, stored or sent
                check_schedule(table, batch, options.exports, zones)
                first = False
            if zones is not None:
                batch.zones = row_zones(batch, zones)
            validated = validator.validate(batch)
            if cap_each_batch:
                validator.check_cap()
            add_samples(mapping, batch, validated.schedules, validated.rows,
                        validator.schedules.zone_used, batch.zones)
            if on_batch is not None:
                on_batch(batch, validated)
        s = validator.summary()
        if s.rows == 0:
            raise NoRowsError(f"{table.path.name} has a header but no rows below it.")
        validator.check_cap()
        return FileSummary(**vars(s), path=table.path, described=table.describe(),
                           headers=list(table.headers), mapping=mapping,
                           header_row=table.header_row,
                           last_line=getattr(table, "last_line", None))


def _mapping(table: Table, zones: int | None, validator: Validator,
             exports: ExportOptions) -> Mapping:
    zone = validator.schedules.zone
    return Mapping(id_column=table.id_header, schedule_column=table.schedule_header,
                   zone_column=table.headers[zones] if zones is not None else None,
                   zone=str(zone) if zone is not None else None,
                   zone_source=exports.timezone_source if zone is not None else "")
