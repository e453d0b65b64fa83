"""XLSX/XLSM input, streamed: the sheet's XML is inflated piece by piece and never held whole.

Why not a library (bench_read_validate has the figures): python-calamine and openpyxl's read-only
mode both build every cell as a Python object; calamine also loads the whole sheet first (about
500 MB for a full 1,048,576-row sheet) and openpyxl is some 30 times slower. Here, for each piece
of XML, one C-level regex scan per column picks out the id cells and the schedule cells (and a
third lists the row numbers when some row has no id cell); the other cells are decoded only when
someone looks at `batch.cells` (invalid rows, reports). A piece that does not look like what Excel
and openpyxl write (no `r` attributes, prefixed tags...) goes to the general, slower decoder: odd
files are slower, never wrong.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, cast

from bulk_loader.errors import InputFileError
from bulk_loader.model import Batch
from bulk_loader.readers._columns import HEADER_SEARCH_ROWS, cell_text, find_columns, pick_header
from bulk_loader.readers._table import DEFAULT_BATCH, Table
from bulk_loader.readers._xlsx_book import Workbook, unescape, whole_items
from bulk_loader.readers._xlsx_cells import (
    ROW_ANY,
    CellDecoder,
    LazyRows,
    aligned,
    col_index,
    col_letters,
    row_number,
)
from bulk_loader.readers.xlsx_limits import ROW_MAX, SHEET_PART_MAX, check_part, too_long

_ROW_NUMBER = re.compile(r'<row(?: r="([0-9]+)")?')
_ATTR_T = re.compile(r'\st="(\w+)"')
_ATTR_S = re.compile(r'\ss="([0-9]+)"')
_ROW_END = re.compile(r"</\w+:row>|<row\b[^<>]*/>")
READ_MAX = 4 << 20  # characters inflated per read at most
_REDO = object()  # the fast path could not read this cell: decode its row the slow way


def _cells_pattern(letters: str) -> re.Pattern[str]:
    """The cells of one column: (row, attributes, <v> text, simple inline text).

    Attributes are matched greedily (measured: lazy matching costs half as much again); an empty
    element's attributes end with "/". One pattern per column: its literal prefix lets the regex
    engine skip the other cells fast (measured: cheaper than one pattern and a split).
    """
    return re.compile(
        r'<c r="' + letters + r'([0-9]+)"([^<>]*)>(?:<f\b[^<>]*>(?:[^<]*</f>)?)?'
        r"(?:<v>([^<]*)</v>|<is><t>([^<]*)</t></is>)?")


_ANY_CELL = re.compile(
    r'<c r="([A-Z]{1,3})([0-9]+)"([^<>]*)>(?:<f\b[^<>]*>(?:[^<]*</f>)?)?'
    r"(?:<v>([^<]*)</v>|<is><t>([^<]*)</t></is>)?")


class XlsxTable(Table):
    format = "xlsx"

    def __init__(self, path: Path, sheet: str | None = None, id_column: str | None = None,
                 schedule_column: str | None = None) -> None:
        self.path = path
        self._book = Workbook(path)
        try:
            info = self._book.pick(sheet)
            self.sheet = info.name
            self._part = info.part
            self._size = self._book.zip.getinfo(info.part).file_size
            dates, times = self._book.styles()
            strings = self._book.shared_strings()
            self._cells = CellDecoder(strings, dates, times, self._book.date1904)
            self._cells.date_only = self._book.date_only_styles()
            self._done = 0
            self._pieces = self._read_pieces()
            self._find_header(id_column, schedule_column)
        except BaseException:
            self._book.close()
            raise

    def close(self) -> None:
        self._book.close()

    def progress(self) -> tuple[int, int]:
        return min(self._done, self._size), self._size

    # -- the XML stream ------------------------------------------------------------------------
    def _read_pieces(self) -> Iterator[str]:
        """Decoded XML, cut after a whole row; each piece aims at about `self._want` characters.
        Linear in the sheet's size; a row over ROW_MAX characters is refused (xlsx_limits)."""
        self._want = 256 * 1024

        def count(n: int) -> None:
            self._done += n

        try:
            check_part(self.path, self._book.zip.getinfo(self._part), SHEET_PART_MAX)
            yield from whole_items(
                self._book.zip, self._part, "</row>", _ROW_END, lambda: self._want,
                lambda: too_long(self.path, self._part, f"a row of sheet {self.sheet!r}", ROW_MAX),
                ROW_MAX, count)
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, UnicodeDecodeError) as exc:
            raise InputFileError(f"{self.path.name} is damaged: sheet {self.sheet!r} cannot be "
                                 f"read ({exc}).") from exc

    def _find_header(self, id_column: str | None, schedule_column: str | None) -> None:
        """The first non-empty row with an id column (a title may sit above), as in CSV."""
        candidates: list[tuple[int, str, dict[int, Any]]] = []  # (row, XML after it, values)
        for piece in self._pieces:
            previous = 0
            for m in ROW_ANY.finditer(piece):
                previous = row_number(m.group(1), previous)
                values = {c: v for c, v in self._cells.row(m.group(2) or "").items()
                          if cell_text(v).strip()}
                if not values:
                    continue
                candidates.append((previous, piece[m.end():], values))
                try:
                    find_columns(self._headers_of(values), id_column, schedule_column)
                except InputFileError:
                    if len(candidates) < HEADER_SEARCH_ROWS:
                        continue
                return self._header_from(candidates, id_column, schedule_column)
        if candidates:
            return self._header_from(candidates, id_column, schedule_column)
        raise InputFileError(f"sheet {self.sheet!r} of {self.path.name} is empty.")

    @staticmethod
    def _headers_of(values: dict[int, Any]) -> list[str]:
        offset = min(values)
        return [cell_text(values.get(offset + k)).strip()
                for k in range(max(values) - offset + 1)]

    def _header_from(self, candidates: list[tuple[int, str, dict[int, Any]]],
                     id_column: str | None, schedule_column: str | None) -> None:
        n, self.id_index, self.schedule_index = pick_header(
            [self._headers_of(c[2]) for c in candidates], id_column, schedule_column)
        self.header_row, self._first, values = candidates[n]
        self._last_row = self.header_row
        self._offset = min(values)
        self.headers = self._headers_of(values)
        self._id_letters = col_letters(self._offset + self.id_index)
        self._schedule_letters = (col_letters(self._offset + self.schedule_index)
                                  if self.schedule_index is not None else None)
        self._id_re = _cells_pattern(self._id_letters)
        self._schedule_re = (_cells_pattern(self._schedule_letters)
                             if self._schedule_letters is not None else None)
        self._kinds: dict[str, tuple[str, str]] = {}
        self._columns: dict[str, int] = {}
        # The fast path reads cells by their r="" reference: check that this writer puts it first.
        sample = self._first
        self._fast_ok = sample.count('<c r="') == sample.count("<c ") and "<c>" not in sample

    # -- batches -------------------------------------------------------------------------------
    def batches(self, size: int = DEFAULT_BATCH) -> Iterator[Batch]:
        pieces = self._pieces
        text = self._first
        while True:
            if text:
                rows, ids, schedules, cells = self._piece(text)
                if rows:
                    # Aim the next read at `size` rows, from this piece's characters per row.
                    # Capped: a few huge rows must not make the next read inflate gigabytes.
                    self._want = min(READ_MAX, max(16 * 1024,
                                                   int(len(text) / len(rows) * size * 0.9)))
                for lo in range(0, len(rows), size):
                    hi = lo + size
                    yield Batch(rows[lo:hi], ids[lo:hi], schedules[lo:hi],
                                cast(list[tuple[Any, ...]], cells[lo:hi]))
            text = next(pieces, "")
            if not text:
                return

    def _decode_row(self, inner: str) -> tuple[Any, ...]:
        return aligned(self._cells.row(inner), self._offset, len(self.headers))

    def _decode_all(self, text: str, rows: list[int]) -> list[tuple[Any, ...]]:
        """Every cell of `text` in one regex scan (measured: 5x cheaper than row by row)."""
        width, offset = len(self.headers), self._offset
        columns, kinds, strings = self._columns, self._kinds, self._cells.strings
        by_row: dict[str, list[Any]] = {}
        odd: set[str] = set()
        current_row, current = "", [None] * width
        for letters, row, attrs, raw, inline in _ANY_CELL.findall(text):
            if row != current_row:
                current_row, current = row, [None] * width
                by_row[row] = current
            at = columns.get(letters)
            if at is None:
                at = columns[letters] = col_index(letters) - offset
            if at < 0:
                continue
            kind, style = kinds.get(attrs) or self._kind(attrs)
            if kind == "inlineStr" and inline and "&" not in inline and "_x" not in inline:
                value: Any = inline
            elif kind == "s" and raw.isdigit() and int(raw) < len(strings):
                value = strings[int(raw)]
            elif kind == "n" and not style and raw.isdigit():
                value = int(raw)
            else:
                value = self._value(attrs, raw, inline)
                if value is _REDO:
                    odd.add(row)
                    continue
            if at >= len(current):
                current.extend([None] * (at + 1 - len(current)))
            current[at] = value if value != "" else None
        out = []
        for number in rows:
            key = str(number)
            if key in odd:  # rich text and the like: the general decoder, for this row only
                out.append(LazyRows(text, [number], self._decode_row, self._decode_all)[0])
            else:
                out.append(tuple(by_row.get(key) or [None] * width))
        return out

    def _piece(self, text: str) -> tuple[list[int], list[Any], list[Any], Sequence[Any]]:
        fast = self._fast(text)
        if fast is not None:
            return fast
        rows: list[int] = []
        cells: list[tuple[Any, ...]] = []
        previous = self._last_row
        for m in ROW_ANY.finditer(text):
            previous = row_number(m.group(1), previous)
            values = self._cells.row(m.group(2) or "")
            if previous > self.header_row and values:
                rows.append(previous)
                cells.append(aligned(values, self._offset, len(self.headers)))
        self._last_row = previous
        ids = [c[self.id_index] for c in cells]
        sidx = self.schedule_index
        schedules = [c[sidx] for c in cells] if sidx is not None else [None] * len(cells)
        return rows, ids, schedules, cells

    def _fast(self, text: str) -> tuple[list[int], list[Any], list[Any], Sequence[Any]] | None:
        if not self._fast_ok:
            return None
        columns = list(zip(*self._id_re.findall(text), strict=True)) or [()] * 4
        numbers: Sequence[str] = columns[0]
        if not self._every_row(numbers, text):  # some rows have no id cell: list every row
            numbers = _ROW_NUMBER.findall(text)
            if not numbers or "" in numbers:
                return None  # a row without its number: the general decoder counts rows
        if not numbers:
            return [], [], [], []
        ids, odd_ids = self._column(numbers, columns, missing_is_odd=True)
        odd_schedules = False
        if self._schedule_re is not None:
            transposed = list(zip(*self._schedule_re.findall(text), strict=True)) or [()] * 4
            schedules, odd_schedules = self._column(numbers, transposed, missing_is_odd=False)
            odd_schedules = odd_schedules and _REDO in schedules  # an empty one is no schedule
        else:
            schedules = [None] * len(numbers)
        rows = list(map(int, numbers))
        self._last_row = rows[-1]
        if rows[0] <= self.header_row:
            keep = [i for i, r in enumerate(rows) if r > self.header_row]
            rows, ids, schedules = ([x[i] for i in keep] for x in (rows, ids, schedules))
        if odd_ids or odd_schedules:
            self._redo(text, rows, ids, schedules)
        return rows, ids, schedules, LazyRows(text, rows, self._decode_row, self._decode_all)

    def _redo(self, text: str, rows: list[int], ids: list[Any], schedules: list[Any]) -> None:
        """Rows the fast path could not read: decode them whole; drop the blank ones (in place)."""
        cells = LazyRows(text, rows, self._decode_row, self._decode_all)
        blank = set()
        for i in range(len(rows)):
            if ids[i] is None or ids[i] is _REDO or ids[i] == "" or schedules[i] is _REDO:
                full = cells[i]
                if not any(cell_text(v).strip() for v in full):
                    blank.add(i)
                ids[i] = full[self.id_index]
                if self.schedule_index is not None:
                    schedules[i] = full[self.schedule_index]
        if blank:
            for column in (rows, ids, schedules):
                column[:] = [x for i, x in enumerate(column) if i not in blank]

    def _every_row(self, numbers: Sequence[str], text: str) -> bool:
        """Whether `numbers` (ascending) are all the rows of `text`: consecutive, from the row
        after the last one seen to the last row in the text (a cheap test, no scan)."""
        if not numbers:
            return False
        first, last = int(numbers[0]), int(numbers[-1])
        at = text.rfind('<row r="') + 8
        end = text.find('"', at)
        return (at >= 8 and text[at:end] == numbers[-1] and first == self._last_row + 1
                and last - first + 1 == len(numbers))

    def _column(self, numbers: Sequence[str], columns: list[tuple[str, ...]],
                missing_is_odd: bool) -> tuple[list[Any], bool]:
        """One value per row number, and whether some may be missing, empty or unread."""
        cell_rows, attrs, raw, inline = columns
        values, odd = self._values(attrs, raw, inline)
        if cell_rows == numbers or list(cell_rows) == numbers:
            return values, odd
        return list(map(dict(zip(cell_rows, values, strict=True)).get, numbers)), \
            odd or missing_is_odd

    def _values(self, attrs: tuple[str, ...], raw: tuple[str, ...],
                inline: tuple[str, ...]) -> tuple[list[Any], bool]:
        if not attrs:
            return [], False
        if len(set(attrs)) == 1 and not attrs[0].endswith("/"):
            kind, style = self._kind(attrs[0])
            if kind in ("", "n") and not style:
                if "".join(raw).isdigit() and "" not in raw:
                    return list(map(int, raw)), False
            elif kind == "s" and "".join(raw).isdigit() and "" not in raw:
                try:
                    values = list(map(self._cells.strings.__getitem__, map(int, raw)))
                    return values, "" in values  # an empty shared string: an empty cell
                except IndexError:
                    pass
            elif kind == "inlineStr" and "" not in inline:
                joined = "".join(inline)
                if "&" not in joined and "_x" not in joined:
                    return list(inline), False
        values = list(map(self._value, attrs, raw, inline))
        return values, _REDO in values or None in values or "" in values

    def _kind(self, attrs: str) -> tuple[str, str]:
        known = self._kinds.get(attrs)
        if known is None:
            t, s = _ATTR_T.search(attrs), _ATTR_S.search(attrs)
            known = (t.group(1) if t else "n", s.group(1) if s else "")
            if known[1] and int(known[1]) not in self._cells.dates | self._cells.times:
                known = (known[0], "")  # a style that is not a date: a plain number
            self._kinds[attrs] = known
        return known

    def _value(self, attrs: str, raw: str, inline: str) -> Any:
        if attrs.endswith("/"):
            return None  # an empty element: <c r="B7" s="2"/>
        kind, style = self._kind(attrs)
        if kind == "inlineStr":
            if not inline:
                return _REDO  # rich text, or <t xml:space=...>: let the general decoder read it
            return unescape(inline)
        if not raw:
            return _REDO
        if kind == "s" and raw.isdigit():
            strings = self._cells.strings
            index = int(raw)
            return strings[index] if index < len(strings) else None
        return self._cells.value(kind, style, raw)


__all__ = ["XlsxTable"]
