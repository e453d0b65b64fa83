"""Open a customer file (CSV or XLSX) and stream its rows in batches, in constant memory.

    with open_table(path, sheet=None, encoding=None, delimiter=None, id_column=None,
                    schedule_column=None) as table:
        table.headers, table.id_index, table.schedule_index
        for batch in table.batches(size=2_000): ...      # model.Batch

The format comes from the file's first bytes, not its name: a zip is a workbook, an OLE2 file is an
old .xls or a password-protected workbook (both refused), anything else is read as CSV.
Every problem becomes an InputFileError (or UsageError for a flag that cannot apply).
"""

from __future__ import annotations

import stat
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from bulk_loader.errors import InputFileError, UsageError
from bulk_loader.readers._table import Table

ZIP_MAGIC = b"PK\x03\x04"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def sniff_format(path: Path) -> str:
    """'csv' or 'xlsx', from the content; InputFileError for what cannot be read at all."""
    try:  # a FIFO or a device would block the open or never end: regular files only
        mode = path.stat().st_mode
    except OSError as exc:
        raise InputFileError(f"cannot open {path}: {exc.strerror or exc}.") from exc
    if not stat.S_ISREG(mode) and not stat.S_ISDIR(mode):
        raise InputFileError(f"{path} is not a regular file (a pipe or a device?): give a CSV "
                             "or XLSX file.")
    try:
        with path.open("rb") as f:
            head = f.read(8)
    except IsADirectoryError:
        raise InputFileError(f"{path} is a directory, not a file.") from None
    except OSError as exc:
        raise InputFileError(f"cannot open {path}: {exc.strerror or exc}.") from exc
    if not head:
        raise InputFileError(f"{path} is empty.")
    if head.startswith(ZIP_MAGIC):
        return "xlsx"
    if head == OLE2_MAGIC:
        raise InputFileError(
            f"{path} is an old-format Excel file (.xls) or a password-protected workbook; "
            "neither is supported: open it in Excel and save it as .xlsx without a password.")
    return "csv"


def open_table(path: str | Path, sheet: str | None = None, encoding: str | None = None,
               delimiter: str | None = None, id_column: str | None = None,
               schedule_column: str | None = None) -> Table:
    path = Path(path)
    kind = sniff_format(path)
    if kind == "xlsx":
        for param, value in (("encoding", encoding), ("delimiter", delimiter)):
            if value is not None:
                raise UsageError(f"{param} applies to CSV files only; {path.name} is an Excel "
                                 "file.", param=param)
        from bulk_loader.readers._xlsx import XlsxTable

        return XlsxTable(path, sheet=sheet, id_column=id_column, schedule_column=schedule_column)
    if sheet is not None:
        raise UsageError(f"sheet applies to Excel files only; {path.name} is read as CSV.",
                         param="sheet")
    from bulk_loader.readers._csv import CsvTable

    return CsvTable(path, encoding=encoding, delimiter=delimiter, id_column=id_column,
                    schedule_column=schedule_column)


def iter_rows(path: str | Path, **options: str | None) -> Iterator[tuple[int, Sequence[Any]]]:
    """Every data row as (row number, original cells), streamed: for results and reports that
    copy a failed row's cells. `options` are open_table's."""
    with open_table(path, **options) as table:  # type: ignore[arg-type]
        for batch in table.batches():
            yield from zip(batch.rows, batch.cells, strict=True)
