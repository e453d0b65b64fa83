"""An open input file (`Table`), whatever its format: what the CSV and XLSX readers subclass.

A module of its own so that the readers (readers/_csv.py, readers/_xlsx.py) and the entry that
picks one (readers/_open.py) do not import each other.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from types import TracebackType

from bulk_loader.model import Batch
from bulk_loader.readers._csv_sniff import DELIMITER_NAMES

DEFAULT_BATCH = 2_000  # measured: small batches stay in the CPU cache (bench_read_validate)


class Table:
    """An open input file. Subclasses: readers/_csv.CsvTable, readers/_xlsx.XlsxTable."""

    path: Path
    format: str  # "csv" or "xlsx"
    headers: list[str]
    id_index: int
    schedule_index: int | None
    header_row: int
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None

    def batches(self, size: int = DEFAULT_BATCH) -> Iterator[Batch]:
        raise NotImplementedError

    def progress(self) -> tuple[int, int]:
        """(done, total) in bytes of the file (CSV) or of the sheet's XML (XLSX), for a progress bar."""
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError

    @property
    def id_header(self) -> str:
        return self.headers[self.id_index]

    @property
    def schedule_header(self) -> str | None:
        return None if self.schedule_index is None else self.headers[self.schedule_index]

    def describe(self) -> str:
        """One line about how the file was read, e.g. for the validate summary."""
        if self.format == "csv":
            how = f"CSV, {self.encoding}, {delimiter_name(self.delimiter)}"
        else:
            how = f"Excel, sheet {self.sheet!r}"
        schedule = repr(self.schedule_header) if self.schedule_header is not None else "none"
        return f"{how}; customer-id column {self.id_header!r}, schedule column {schedule}"

    def __enter__(self) -> Table:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()


_DELIMITERS = {char: name for name, char in DELIMITER_NAMES.items()}


def delimiter_name(delimiter: str | None) -> str:
    """'comma', 'tab', ... as people say it, else the character itself."""
    return _DELIMITERS.get(delimiter or "", repr(delimiter))

