"""CSV input: the stdlib csv module over a decoded text stream, batch by batch.

Why the csv module and not pandas: it gives the physical line of every record (quoted newlines and
blank lines included) for free via `line_num`, and its rows are already the Python objects the
validator needs. Most batches take a fast path of C-level list operations; a batch holding a blank
line, a quoted newline or a row of the wrong width takes the per-row path.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
from collections.abc import Iterator
from itertools import islice
from operator import itemgetter
from pathlib import Path
from typing import Any, cast

from bulk_loader.errors import InputFileError
from bulk_loader.model import Batch
from bulk_loader.readers._columns import HEADER_SEARCH_ROWS, RowProblem, find_columns, pick_header
from bulk_loader.readers._csv_sniff import (
    bom_encoding,
    check_delimiter,
    check_encoding,
    check_text,
    sniff_delimiter,
)
from bulk_loader.readers._failures_file import is_failures_header, unguard
from bulk_loader.readers._table import DEFAULT_BATCH, Table, delimiter_name

SAMPLE_BYTES = 64 * 1024
# A runaway quoted field (a stray `"` that is never closed) would swallow the rest of the file into
# one cell: a field over FIELD_LIMIT characters or a record over LINES_LIMIT physical lines stops
# the read (exit 2), naming the line where the quote opened. Real cells are far below both.
FIELD_LIMIT = 1 << 20  # characters (1 MiB): a long note is fine, a swallowed file is not
LINES_LIMIT = 100


@contextlib.contextmanager
def _field_limit() -> Iterator[int]:
    """FIELD_LIMIT for one read, the caller's limit back after: the csv module's limit is
    process-wide, and a library caller's own csv reading is not ours to change. Two C calls a
    batch of 1,000 rows: 1M rows read in 0.31 s of CPU with or without it (within noise)."""
    old = csv.field_size_limit()
    limit = max(old, FIELD_LIMIT)
    csv.field_size_limit(limit)
    try:
        yield limit
    finally:
        csv.field_size_limit(old)


def _is_utf8(raw: io.BufferedReader) -> bool:
    """Whole-file check (about 0.03 µs a row): a cp1252 byte may sit anywhere in the file."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    raw.seek(0)
    try:
        while block := raw.read(1 << 20):
            decoder.decode(block)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    finally:
        raw.seek(0)
    return True


def bad_byte_line(path: Path, encoding: str) -> int | None:
    """The line holding the first byte `encoding` cannot decode (None if not found, or for an
    encoding where a newline is not the byte 0x0A). Read in blocks: bounded memory."""
    if codecs.lookup(encoding).name.startswith("utf-16"):
        return None
    decoder = codecs.getincrementaldecoder(encoding)()
    lines = 1
    try:
        with path.open("rb") as raw:
            while block := raw.read(1 << 20):
                pending = len(decoder.getstate()[0])
                try:
                    decoder.decode(block)
                except UnicodeDecodeError as exc:
                    return lines + block.count(b"\n", 0, max(0, exc.start - pending))
                lines += block.count(b"\n")
    except OSError:
        return None
    return None


class CsvTable(Table):
    format = "csv"

    def __init__(self, path: Path, encoding: str | None = None, delimiter: str | None = None,
                 id_column: str | None = None, schedule_column: str | None = None) -> None:
        self.path = path
        try:
            self._raw = path.open("rb")
        except OSError as exc:
            raise InputFileError(f"cannot open {path}: {exc.strerror or exc}.") from exc
        try:
            self._open(encoding, delimiter, id_column, schedule_column)
        except BaseException:
            self._raw.close()
            raise

    def _open(self, encoding: str | None, delimiter: str | None, id_column: str | None,
              schedule_column: str | None) -> None:
        raw = self._raw
        self._size = raw.seek(0, io.SEEK_END)
        raw.seek(0)
        sample = raw.read(SAMPLE_BYTES)
        raw.seek(0)
        if encoding is not None:
            self.encoding = check_encoding(encoding)
        else:
            self.encoding = bom_encoding(sample)
            if self.encoding is None:
                check_text(sample, self.path.name)
                self.encoding = "utf-8" if _is_utf8(raw) else "cp1252"
        try:
            decoded = sample.decode(self.encoding, errors="replace")
        except UnicodeError as exc:  # e.g. utf-16 without a BOM, idna: no reading past it
            raise InputFileError(f"{self.path.name} cannot be read as {self.encoding}: {exc}; "
                                 "pass --encoding with the file's encoding.") from None
        if self.encoding == "utf-8" and len(sample) == SAMPLE_BYTES:
            decoded = decoded[:-1]  # a character may be cut at the sample's end
        if not decoded.strip():
            raise InputFileError(f"{self.path.name} holds no header and no rows (only blank lines).")
        self.delimiter = (check_delimiter(delimiter) if delimiter is not None
                          else sniff_delimiter(decoded, complete=len(sample) < SAMPLE_BYTES))
        self._text = io.TextIOWrapper(raw, encoding=self.encoding, newline="", errors="strict")
        self._reader = csv.reader(self._text, delimiter=self.delimiter, skipinitialspace=True)
        self._header(id_column, schedule_column)

    def _header(self, id_column: str | None, schedule_column: str | None) -> None:
        """The header is the first non-blank record with an id column (a title may sit above)."""
        candidates: list[tuple[int, int, list[str]]] = []  # (first line, line_num after, cells)
        line = 0
        while len(candidates) < HEADER_SEARCH_ROWS and (chunk := self._read(1)):
            if any(c.strip() for c in chunk[0]):
                candidates.append((line + 1, self._reader.line_num, [c.strip() for c in chunk[0]]))
                try:
                    find_columns(candidates[-1][2], id_column, schedule_column)
                    break
                except InputFileError:
                    pass
            line = self._reader.line_num
        if not candidates:
            raise InputFileError(
                f"{self.path.name} holds no header and no rows (only blank lines).")
        n, self.id_index, self.schedule_index = pick_header(
            [c[2] for c in candidates], id_column, schedule_column)
        self.header_row, self._line, self.headers = candidates[n]
        self._fed_back = is_failures_header(self.headers)  # our own failures file, fixed
        if self._fed_back:
            self.headers = [unguard(h) for h in self.headers]

    def _read(self, n: int) -> list[list[str]]:
        """Up to n records; the csv module's and the decoder's errors become one sentence."""
        try:
            with _field_limit():
                return list(islice(self._reader, n))
        except csv.Error as exc:
            line = self._reader.line_num
            text = str(exc)
            if "field larger than field limit" in text:
                start = self._quote_line()
                limit = max(csv.field_size_limit(), FIELD_LIMIT)
                raise InputFileError(_runaway(self.path.name, start or line,
                                              f"more than {limit:,} characters")) from None
            raise InputFileError(f"{self.path.name}, near line {line}: {text}.") from exc
        except UnicodeError as exc:  # UnicodeDecodeError, or a codec's own (utf-16 BOM)
            # The decoder reads ahead of the csv module: find the bad byte's own line.
            line = bad_byte_line(self.path, self.encoding or "utf-8") or self._reader.line_num + 1
            raise InputFileError(
                f"{self.path.name}, near line {line}: bytes that are not "
                f"{self.encoding}; pass --encoding with the file's encoding.") from exc

    def _quote_line(self) -> int | None:
        """The line where the record that broke the field limit starts (a second read, on the
        error path only: the failed islice keeps no partial result)."""
        with self.path.open("r", encoding=self.encoding, newline="", errors="replace") as f:
            reader = csv.reader(f, delimiter=self.delimiter or ",", skipinitialspace=True)
            last = 0
            try:
                with _field_limit():
                    for _ in reader:
                        last = reader.line_num
            except csv.Error:
                return last + 1
        return None

    @property
    def last_line(self) -> int:
        """The last physical line read so far: with header_row, what the rows account for."""
        return self._line

    def progress(self) -> tuple[int, int]:
        try:
            return min(self._raw.tell(), self._size), self._size
        except (ValueError, OSError):
            return self._size, self._size

    def close(self) -> None:
        self._raw.close()

    def batches(self, size: int = DEFAULT_BATCH) -> Iterator[Batch]:
        if self._fed_back:
            return map(_unguarded, self._batches(size))
        return self._batches(size)

    def _batches(self, size: int) -> Iterator[Batch]:
        reader = self._reader
        width = len(self.headers)
        get_id = itemgetter(self.id_index)
        get_schedule = itemgetter(self.schedule_index) if self.schedule_index is not None else None
        while True:
            chunk = self._read(size)
            if not chunk:
                return
            start, end = self._line + 1, reader.line_num
            self._line = end
            n = len(chunk)
            if end - start + 1 == n and min(map(len, chunk)) == width == max(map(len, chunk)):
                # One record a line, every row as wide as the header: no per-row work.
                ids: list[Any] = list(map(get_id, chunk))
                if "" in ids and any(not "".join(chunk[i]).strip()
                                     for i, v in enumerate(ids) if v == ""):
                    yield self._slow(chunk, start, width)  # a row of empty cells: skip it
                    continue
                rows = list(range(start, end + 1))
                schedules = list(map(get_schedule, chunk)) if get_schedule else [None] * n
                yield Batch(rows, ids, schedules, cast(list[tuple[Any, ...]], chunk))
            else:
                yield self._slow(chunk, start, width)

    def _slow(self, chunk: list[list[str]], line: int, width: int) -> Batch:
        """Row by row: find where each record starts, skip blank ones, flag wrong widths."""
        rows: list[int] = []
        ids: list[Any] = []
        schedules: list[Any] = []
        cells: list[Any] = []
        idx, sidx = self.id_index, self.schedule_index
        for record in chunk:
            start = line
            joined = "".join(record)
            if "\n" in joined or "\r" in joined:  # a quoted newline: the record spans lines
                line += joined.count("\n") + joined.count("\r") - joined.count("\r\n")
            line += 1
            if line - start > LINES_LIMIT:
                raise InputFileError(_runaway(self.path.name, start,
                                              f"more than {LINES_LIMIT} lines"))
            if not joined.strip():
                continue
            if len(record) < width:
                record = record + [""] * (width - len(record))
            rows.append(start)
            cells.append(record)
            schedules.append(record[sidx] if sidx is not None else None)
            if len(record) > width:
                ids.append(RowProblem(
                    f"row has {len(record)} fields, the header has {width} (is a value with "
                    f"{_article(self.delimiter)} missing its quotes?)"))
            else:
                ids.append(record[idx])
        return Batch(rows, ids, schedules, cells)


def _runaway(name: str, line: int, size: str) -> str:
    return (f"{name}, line {line}: a quoted field opened on this line runs on for {size}; a "
            "closing quote is probably missing there. Nothing was sent: fix that line (or remove "
            "the stray quote) and run again.")


def _unguarded(batch: Batch) -> Batch:
    """A fed-back failures file: its cells as they were before the formula guard."""
    def text(value: Any) -> Any:
        return unguard(value) if isinstance(value, str) else value

    return Batch(batch.rows, [text(v) for v in batch.ids], [text(v) for v in batch.schedules],
                 [[text(c) for c in cells] for cells in batch.cells], batch.zones)


def _article(delimiter: str | None) -> str:
    name = delimiter_name(delimiter)
    return f"a {name}" if not name.startswith("'") else name
