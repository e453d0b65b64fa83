"""The failures file: one writer for `upload`'s failures CSV and `validate --invalid-out`.

Shape: `row`, the input's own columns, `reason` (cells of a row wider than the header follow
`reason`). It is made to be fixed and fed straight back:

- A CSV input gives a CSV, UTF-8 with a BOM, so Excel opens "José" from a cp1252 export as José
  (our reader skips the BOM). An XLSX input gives an XLSX (XlsxFailuresWriter): every cell keeps
  its type, and text is an explicit text cell, which Excel never runs and never turns into a
  number, so no guard is needed there.
- Fed back, a failures file (first header `row`, last `reason`) is read as its own columns: the
  next failures file has the same shape, not a second `row` and `reason`.
- The formula guard. A text cell that a spreadsheet would run (it starts with = @ tab CR, or with
  + or - followed by anything but a phone number or a negative number) gets a leading `'`, which
  Excel takes as "text" and does not show. A phone number (`+44 20 7946 0002`: a + then only
  digits, spaces and `( ) . - /`) or a negative number (`-5`) is written as it is: it names no
  function, cell or link, so nothing harmful can run, and a CRM reading the file gets the number
  unchanged. The guard is reversible: a value that starts
  with quotes is quoted once more, so `unguard(guard(x)) == x` for every x, and the CSV reader
  unguards the cells of a fed-back failures file, which so gives back exactly the original cells.
"""

from __future__ import annotations

import csv
import io
import os
import re
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any

from bulk_loader.errors import BulkLoaderError, OutputError
from bulk_loader.failure import translate
from bulk_loader.readers._columns import RowProblem, cell_text

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
ROW = "row"
REASON = "reason"
# A negative number, or a phone number written with a leading + (digits, spaces, ( ) . - /).
_NUMBER_OR_PHONE = re.compile(r"-[0-9]+(?:[.,][0-9]+)?|\+[0-9 ().\-/]*[0-9][0-9 ().\-/]*",
                              re.ASCII)


def _runs(text: str) -> bool:
    return text.startswith(TRIGGERS) and not _NUMBER_OR_PHONE.fullmatch(text)


def guard(text: str) -> str:
    """`text` as a spreadsheet must see it; see the module docstring."""
    return "'" + text if _runs(text.lstrip("'")) else text


def unguard(text: str) -> str:
    """The value guard() was given."""
    if text.startswith("'") and _runs(text.lstrip("'")):
        return text[1:]
    return text


def is_failures_header(headers: Sequence[str]) -> bool:
    """A file we wrote (and the user fixed): `row` first, `reason` last."""
    return len(headers) >= 3 and headers[0] == ROW and headers[-1] == REASON


def own_columns(headers: Sequence[str]) -> list[int]:
    """Indexes of the input's own columns (a fed-back file's `row` and `reason` are ours)."""
    if is_failures_header(headers):
        return list(range(1, len(headers) - 1))
    return list(range(len(headers)))


class FailuresWriter:
    """Streams failed rows to a CSV: open(), add(row, cells, reason)..., close()."""

    def __init__(self, path: Path, headers: Sequence[str]) -> None:
        self.path = path
        self.columns = own_columns(headers)
        self._width = len(headers)
        self._header = [ROW, *(str(headers[i]) for i in self.columns), REASON]
        self._file: IO[str] | None = None
        self._writer: Any = None
        self._tmp = ""
        self.count = 0

    def open(self) -> FailuresWriter:
        raw = os.fdopen(self._temp(), "wb")  # closed by close()
        # utf-8-sig: with a BOM, Excel reads UTF-8; write_through keeps the order of writes.
        self._file = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="", write_through=True)
        self._writer = csv.writer(self._file, lineterminator="\n")
        self._writer.writerow([guard(h) for h in self._header])
        return self

    def add(self, row: int, cells: Sequence[Any], reason: str) -> None:
        texts = [cell_text(c) for c in cells]
        texts += [""] * (self._width - len(texts))
        own = [guard(texts[i]) for i in self.columns]
        extra = [guard(t) for t in texts[self._width:]]
        self._writer.writerow([row, *own, guard(reason), *extra])
        self.count += 1

    def _temp(self) -> int:
        """A private file beside the target, renamed over it by close(): a reader never sees
        half a file, and a symlink at the target is replaced, never written through."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, self._tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".tmp",
                                             dir=self.path.parent)
        except OSError as exc:
            raise _cannot_write(self.path, exc) from exc
        return fd

    def _settle(self, keep: bool) -> None:
        try:
            if keep:
                os.replace(self._tmp, self.path)
            else:
                os.unlink(self._tmp)
        except OSError as exc:
            raise _cannot_write(self.path, exc) from exc

    def close(self, keep: bool = True) -> None:
        if self._file is not None:
            f, self._file = self._file, None
            try:
                f.close()
            except OSError as exc:  # a full disk: the half-written temp file must not stay
                self._settle(False)
                raise _cannot_write(self.path, exc) from exc
            self._settle(keep)

    def __enter__(self) -> FailuresWriter:
        return self.open()

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> None:
        self.close(keep=kind is None)  # an error or Ctrl-C while writing keeps the old file


class XlsxFailuresWriter(FailuresWriter):
    """The same rows as an XLSX (openpyxl write-only: one row in memory at a time)."""

    _book: Any = None
    _sheet: Any = None

    def open(self) -> FailuresWriter:
        from openpyxl import Workbook

        os.close(self._temp())  # writable? (openpyxl writes only at close)
        self._book = Workbook(write_only=True)
        self._sheet = self._book.create_sheet("Failures")
        self._sheet.append([self._text(h) for h in self._header])
        return self

    def _text(self, value: str) -> Any:
        from openpyxl.cell import WriteOnlyCell

        cell = WriteOnlyCell(self._sheet, value=value)
        cell.data_type = "s"  # openpyxl makes "=..." a formula; an explicit string is text
        return cell

    def _value(self, value: Any) -> Any:
        if isinstance(value, str):
            return self._text(value)
        if isinstance(value, RowProblem):
            return None
        return value

    def add(self, row: int, cells: Sequence[Any], reason: str) -> None:
        values = list(cells) + [None] * (self._width - len(cells))
        own = [self._value(values[i]) for i in self.columns]
        extra = [self._value(v) for v in values[self._width:]]
        self._sheet.append([row, *own, self._text(reason), *extra])
        self.count += 1

    def close(self, keep: bool = True) -> None:
        book = self._book
        if book is None:
            return
        self._book = None
        if keep:
            try:
                book.save(self._tmp)
            except OSError as exc:
                self._settle(False)
                raise _cannot_write(self.path, exc) from exc
        self._settle(keep)


def _cannot_write(path: Path, exc: OSError) -> BulkLoaderError:
    """A full disk is a resumable stop (failure.translate); anything else, one sentence."""
    return translate(exc, str(path)) or OutputError(
        f"cannot write {path}: {exc.strerror or exc}.", path=path)


def failures_writer(path: Path, headers: Sequence[str]) -> FailuresWriter:
    """The writer for `path`'s extension: .xlsx gives an XLSX, anything else a CSV."""
    if path.suffix.lower() == ".xlsx":
        return XlsxFailuresWriter(path, headers)
    return FailuresWriter(path, headers)
