"""Upload phase 1: read and validate the whole file into the journal, before anything is sent.

The rows are read and checked by validate_file, the very loop `validate` and `upload --dry-run`
run, so the three can never disagree about a row. Valid records are cut into chunks of
`chunk_size` in row order and stored one journal row per chunk; invalid rows are stored one per
row with their reason. The 5,000,000 cap (Decision 8) is checked after every batch, so an
oversized file is refused early and nothing is ever sent.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from bulk_loader.journal import Journal, Run, encode_records
from bulk_loader.model import Batch, ReaderOptions, Validated
from bulk_loader.readers import ExportOptions, Table
from bulk_loader.runs import relaxed_gc
from bulk_loader.validation import FileOptions, Validator, validate_file


@dataclass
class LoadResult:
    """What the run's settings keep of the file's layout (the counts are in the journal)."""

    headers: list[str]
    id_index: int
    schedule_index: int | None


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


class _Loader:
    """validate_file's hooks for phase 1: journal each validated batch, report progress."""

    def __init__(self, journal: Journal, run: Run, chunk_size: int,
                 on_batch: Callable[[int, int, int], None] | None) -> None:
        self.journal = journal
        self.run = run
        self.chunker = _Chunker(chunk_size, self._emit)
        self.progress = on_batch
        self.rows = 0
        self.table: Table | None = None
        self.result = LoadResult([], 0, None)

    def on_table(self, table: Table) -> None:
        self.table = table
        self.result = LoadResult(list(table.headers), table.id_index, table.schedule_index)

    def on_batch(self, batch: Batch, validated: Validated) -> None:
        journal, result = self.journal, self.result
        id_i, sched_i = result.id_index, result.schedule_index
        with journal.transaction():
            self.chunker.add(validated.rows, validated.ids, validated.schedules)
            if validated.invalid:
                journal.add_invalid(self.run, (
                    (inv.row, _at(inv.cells, id_i), _at(inv.cells, sched_i), inv.reason)
                    for inv in validated.invalid))
            journal.add_rows_count(self.run, len(batch.rows))
        self.rows += len(batch.rows)
        if self.progress is not None and self.table is not None:
            self.progress(self.rows, *self.table.progress())

    def _emit(self, no: int, rows: list[int], ids: list[int], schedules: list[Any]) -> None:
        self.journal.add_chunk(self.run, no, rows, ids, schedules,
                               encoded=encode_records(rows, ids, schedules))


def load_file(journal: Journal, run: Run, path: str, reader: ReaderOptions,
              validator: Validator, chunk_size: int,
              on_batch: Callable[[int, int, int], None] | None = None,
              exports: ExportOptions | None = None) -> LoadResult:
    """Journal every row of `path` (pending chunks + invalid rows). Raises InputFileError.

    The rows go through validate_file, the loop `validate` and `upload --dry-run` run too.
    """
    loader = _Loader(journal, run, chunk_size, on_batch)
    # A load cut short is redone from scratch, so its commits need not wait for the disk.
    with journal.relaxed_sync(), relaxed_gc():
        validate_file(path, FileOptions(**reader.kwargs(), exports=exports or ExportOptions()),
                      validator=validator,
                                on_table=loader.on_table, on_batch=loader.on_batch,
                                cap_each_batch=True)
        with journal.transaction():
            loader.chunker.flush()
    return loader.result


def _at(cells: Sequence[Any], index: int | None) -> Any:
    if index is None or index >= len(cells):
        return None
    return cells[index]
