"""Upload phase 1: read and validate the whole file into the journal, before anything is sent.

Valid records are cut into chunks of `chunk_size` in row order and stored one journal row per
chunk; invalid rows are stored one per row with their reason. The 5,000,000 cap (Decision 8) is
checked after every batch, so an oversized file is refused early and nothing is ever sent.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from bulk_loader.journal import Journal, Run, encode_records
from bulk_loader.reader import open_table
from bulk_loader.validate import Validator

READ_BATCH = 10_000


@dataclass
class ReaderOptions:
    sheet: str | None = None
    encoding: str | None = None
    delimiter: str | None = None
    id_column: str | None = None
    schedule_column: str | None = None

    def kwargs(self) -> dict[str, Any]:
        return {"sheet": self.sheet, "encoding": self.encoding, "delimiter": self.delimiter,
                "id_column": self.id_column, "schedule_column": self.schedule_column}


@dataclass
class LoadResult:
    headers: list[str]
    id_index: int
    schedule_index: int | None
    rows: int = 0
    valid: int = 0
    invalid: int = 0
    chunks: int = 0
    by_reason: dict[str, int] = field(default_factory=dict)


class _Chunker:
    """Accumulates valid records and cuts them into chunks of `size`, in row order."""

    def __init__(self, size: int, emit: Callable[[int, list[int], list[int], list[Any]], None]):
        self.size = size
        self.emit = emit
        self.rows: list[int] = []
        self.ids: list[int] = []
        self.schedules: list[Any] = []
        self.count = 0

    def add(self, rows: list[int], ids: list[int], schedules: list[Any]) -> None:
        self.rows += rows
        self.ids += ids
        self.schedules += schedules
        size = self.size
        if len(self.rows) < size:
            return
        cut = len(self.rows) - len(self.rows) % size
        for lo in range(0, cut, size):
            self._emit(self.rows[lo:lo + size], self.ids[lo:lo + size],
                       self.schedules[lo:lo + size])
        del self.rows[:cut], self.ids[:cut], self.schedules[:cut]

    def flush(self) -> None:
        if self.rows:
            self._emit(self.rows, self.ids, self.schedules)
            self.rows, self.ids, self.schedules = [], [], []

    def _emit(self, rows: list[int], ids: list[int], schedules: list[Any]) -> None:
        self.emit(self.count, rows, ids, schedules)
        self.count += 1


def load_file(journal: Journal, run: Run, path: str, reader: ReaderOptions,
              validator: Validator, chunk_size: int,
              on_batch: Callable[[int, int, int], None] | None = None) -> LoadResult:
    """Journal every row of `path` (pending chunks + invalid rows). Raises InputFileError."""

    def emit(no: int, rows: list[int], ids: list[int], schedules: list[Any]) -> None:
        journal.add_chunk(run, no, rows, ids, schedules,
                          encoded=encode_records(rows, ids, schedules))

    chunker = _Chunker(chunk_size, emit)
    # A load cut short is redone from scratch, so its commits need not wait for the disk.
    with journal.relaxed_sync(), open_table(path, **reader.kwargs()) as table:
        result = LoadResult(list(table.headers), table.id_index, table.schedule_index)
        sched_i = table.schedule_index
        id_i = table.id_index
        for batch in table.batches(size=READ_BATCH):
            validated = validator.validate(batch)
            validator.check_cap()
            with journal.transaction():
                chunker.add(validated.rows, validated.ids, validated.schedules)
                if validated.invalid:
                    journal.add_invalid(run, (
                        (inv.row, _at(inv.cells, id_i), _at(inv.cells, sched_i), inv.reason)
                        for inv in validated.invalid))
                journal.add_rows_count(run, len(batch.rows))
            result.rows += len(batch.rows)
            result.valid += len(validated.rows)
            result.invalid += len(validated.invalid)
            for inv in validated.invalid:
                result.by_reason[inv.reason] = result.by_reason.get(inv.reason, 0) + 1
            if on_batch is not None:
                on_batch(result.rows, *table.progress())
        validator.check_cap()
        with journal.transaction():
            chunker.flush()
    result.chunks = chunker.count
    return result


def _at(cells: Sequence[Any], index: int | None) -> Any:
    if index is None or index >= len(cells):
        return None
    return cells[index]
