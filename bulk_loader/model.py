"""Plain data passed between reader, validator, journal and client. No I/O here."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass(slots=True)
class Batch:
    """A slice of input rows, as read. Columnar lists keep the hot path free of per-row objects.

    rows[i]      the row number a person sees (CSV: the file line where the record starts,
                 header = line 1; XLSX: the sheet row number)
    ids[i]       raw customer-id cell (str from CSV; str/int/float from Excel; None if empty)
    schedules[i] raw schedule cell (str, datetime, date, None); all None if there is no column
    cells[i]     every original cell of the row, aligned with Table.headers (for reports)
    """

    rows: list[int]
    ids: list[Any]
    schedules: list[Any]
    # lists (CSV) or lazy row views (XLSX): building tuples cost 0.5 us a row
    cells: Sequence[Sequence[Any]]
    # raw time zone cells (exports.row_zones), or None when the file has no time zone column
    zones: list[Any] | None = None


@dataclass(slots=True)
class Invalid:
    row: int
    reason: str
    cells: Sequence[Any] = ()


@dataclass(slots=True)
class Validated:
    """One Batch after validation: the valid records in columns, the invalid rows apart."""

    rows: list[int] = field(default_factory=list)
    ids: list[int] = field(default_factory=list)
    schedules: list[str | None] = field(default_factory=list)  # UTC `...sssZ` or None
    invalid: list[Invalid] = field(default_factory=list)


@dataclass(frozen=True)
class ReaderOptions:
    """How to read an input file: the reader's flags, shared by validate, upload and delete."""

    sheet: str | None = None
    encoding: str | None = None
    delimiter: str | None = None
    id_column: str | None = None
    schedule_column: str | None = None

    def kwargs(self) -> dict[str, Any]:
        """The reader's keyword arguments (reader.open_table, reader.iter_rows)."""
        return {"sheet": self.sheet, "encoding": self.encoding, "delimiter": self.delimiter,
                "id_column": self.id_column, "schedule_column": self.schedule_column}

