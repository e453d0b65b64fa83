"""Cell values of a worksheet's XML: the general (slow, complete) decoder and column letters.

The fast path in reader_xlsx only extracts the id and schedule cells; everything it is unsure about
comes here. Excel dates are serial day numbers styled as dates; they carry no time zone.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from datetime import datetime, timedelta
from typing import Any, overload

from bulk_loader.readers._xlsx_book import rich_text, unescape
from bulk_loader.readers.xlsx_limits import inside

# Attributes stop at "<" too: it cannot appear in XML attributes, and a tag that never closes
# must not make each later match attempt rescan the rest of the text.
ROW_ANY = re.compile(r"<(?:\w+:)?row\b([^<>]*?)(?:/>|>" + inside("row") + r"</(?:\w+:)?row>)")
CELL_ANY = re.compile(r"<(?:\w+:)?c\b([^<>]*?)(?:/>|>" + inside("c") + r"</(?:\w+:)?c>)")
_ATTR = re.compile(r'([\w:]+)\s*=\s*"([^"]*)"')
_V = re.compile(r"<(?:\w+:)?v>([^<]*)</(?:\w+:)?v>")
_IS = re.compile(r"<(?:\w+:)?is>" + inside("is") + r"</(?:\w+:)?is>")
_LETTERS = re.compile(r"[A-Z]+")
_EPOCH_1900 = datetime(1899, 12, 30)
_EPOCH_1904 = datetime(1904, 1, 1)


def col_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


def col_letters(index: int) -> str:
    out = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        out = chr(65 + rem) + out
    return out


def attributes(text: str) -> dict[str, str]:
    return {k.rsplit(":", 1)[-1]: v for k, v in _ATTR.findall(text)}


class CellDecoder:
    """Turns (type, style, raw value) into Python: str, int, float, bool, datetime, time, None."""

    def __init__(self, strings: Sequence[str], dates: frozenset[int], times: frozenset[int],
                 date1904: bool) -> None:
        self.strings = strings
        self.dates = dates
        self.times = times
        self.epoch = _EPOCH_1904 if date1904 else _EPOCH_1900
        self._serials: dict[str, Any] = {}
        self.date_only: frozenset[int] = frozenset()  # styles showing a date without a time

    def value(self, kind: str, style: str, raw: str, inline: str | None = None) -> Any:
        """A damaged cell (an index or number that is not one) comes back as its raw text, so
        the validator names it in that row's reason instead of the whole file failing."""
        if kind == "s":
            if not raw:
                return None
            if not raw.isdecimal():
                return unescape(raw)
            index = int(raw)
            return self.strings[index] if index < len(self.strings) else None
        if kind in ("", "n"):
            if not raw:
                return None
            index = int(style) if style.isdecimal() else -1
            if index in self.dates or index in self.times:
                if index in self.date_only:  # a date cell: the validator's CSV date rule
                    moment = self.serial(raw)
                    return moment.date() if isinstance(moment, datetime) else moment
                return self.serial(raw, index in self.times)
            try:
                return self.number(raw)
            except ValueError:
                return unescape(raw)
        if kind == "inlineStr":
            return rich_text(inline) if inline is not None else None
        if kind == "str":
            return unescape(raw)
        if kind == "b":
            return raw == "1" if raw else None
        return unescape(raw) if raw else None  # "e" (#N/A...) and "d" (ISO text)

    @staticmethod
    def number(raw: str) -> int | float:
        if raw.isdigit() or (raw[:1] == "-" and raw[1:].isdigit()):
            return int(raw)
        return float(raw)

    def serial(self, raw: str, time_only: bool = False) -> Any:
        """An Excel serial as a naive datetime (to the millisecond), or a time for a time-only
        format under one day."""
        known = self._serials.get(raw)
        if known is not None:
            return known
        try:
            days = float(raw)
            moment = self.epoch + timedelta(milliseconds=round(days * 86_400_000))
        except (ValueError, OverflowError):
            return raw
        result: Any = moment.time() if time_only and 0 <= days < 1 else moment
        if len(self._serials) > 50_000:
            self._serials.clear()
        self._serials[raw] = result
        return result

    def row(self, inner: str) -> dict[int, Any]:
        """Absolute column index -> value, for the XML inside one <row>."""
        out: dict[int, Any] = {}
        column = -1
        for m in CELL_ANY.finditer(inner):
            attrs = attributes(m.group(1))
            ref = attrs.get("r")
            letters = _LETTERS.match(ref) if ref else None
            column = col_index(letters.group()) if letters else column + 1
            body = m.group(2) or ""
            kind = attrs.get("t", "n")
            if kind == "inlineStr":
                found = _IS.search(body)
                value = self.value(kind, "", "", found.group(1) if found else None)
            else:
                v = _V.search(body)
                value = self.value(kind, attrs.get("s", ""), v.group(1) if v else "")
            if value is not None and value != "":
                out[column] = value
        return out


def row_number(attrs_text: str, previous: int) -> int:
    r = attributes(attrs_text).get("r")
    return int(r) if r and r.isdigit() else previous + 1


def aligned(values: dict[int, Any], offset: int, width: int) -> tuple[Any, ...]:
    """A row's values as a tuple aligned with the headers (longer when cells pass the last one)."""
    last = max(values, default=-1) - offset + 1
    return tuple(values.get(offset + k) for k in range(max(width, last)))


class LazyRows(Sequence[tuple[Any, ...]]):
    """`Batch.cells` for a piece of sheet XML: a row's cells are decoded when first asked for.

    decode(inner XML of a row) -> cells of that row; decode_all(text, rows) -> cells of all rows,
    used when the whole batch is iterated (one scan of the text instead of one per row).
    """

    def __init__(self, text: str, rows: list[int], decode: Any, decode_all: Any) -> None:
        self._text = text
        self._rows = rows
        self._decode = decode
        self._decode_all = decode_all
        self._done: dict[int, tuple[Any, ...]] = {}
        self._hint = 0  # where the last decoded row ended

    def __iter__(self) -> Iterator[tuple[Any, ...]]:
        if len(self._done) < len(self._rows):
            self._done.update(zip(self._rows, self._decode_all(self._text, self._rows),
                                  strict=True))
        return iter([self._done[row] for row in self._rows])

    def __len__(self) -> int:
        return len(self._rows)

    @overload
    def __getitem__(self, i: int) -> tuple[Any, ...]: ...
    @overload
    def __getitem__(self, i: slice) -> LazyRows: ...

    def __getitem__(self, i: int | slice) -> tuple[Any, ...] | LazyRows:
        if isinstance(i, slice):  # a view on the same text, still lazy
            return LazyRows(self._text, self._rows[i], self._decode, self._decode_all)
        row = self._rows[i]
        cells = self._done.get(row)
        if cells is None:
            text, key = self._text, f'<row r="{row}"'
            start = text.find(key, self._hint)  # rows are asked for in order, mostly
            if start < 0:
                start = text.find(key)
            tag_end = text.find(">", start)
            if text[tag_end - 1] == "/":
                inner, self._hint = "", tag_end
            else:
                end = text.find("</row>", tag_end)
                end = end if end >= 0 else len(text)
                inner, self._hint = text[tag_end + 1:end], end
            cells = self._done[row] = self._decode(inner)
        return cells
