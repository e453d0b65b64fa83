"""`bulk-loader validate FILE`: read and check every row locally, send nothing.

Exit 0 when every row is valid, 1 when some are not, 2 when the file cannot be used.
"""

from __future__ import annotations

import csv
import sys
from datetime import timedelta
from pathlib import Path
from typing import IO, Any

import click

from bulk_loader.cli.common import clock_skew_option, file_options
from bulk_loader.cli.say import say
from bulk_loader.columns import cell_text
from bulk_loader.errors import EXIT_OK, EXIT_SOME_FAILED, BulkLoaderError, UsageError
from bulk_loader.model import Batch, Validated
from bulk_loader.reader import Table
from bulk_loader.validate_file import FileOptions, FileSummary, parse_timezone, validate_file

SHOWN_INVALID = 10
PROGRESS_MIN_BYTES = 5 * 1024 * 1024


class InvalidRowsFile:
    """--invalid-out: row, the original columns, reason. Fixed, it can be fed back in as it is."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._file: IO[str] | None = None
        self._writer: Any = None
        self._width = 0

    def start(self, table: Table) -> None:
        headers = list(table.headers)
        self._width = len(headers)
        row_name = "row" if "row" not in headers else "source row"
        reason_name = "reason" if "reason" not in headers else "invalid reason"
        try:
            # With a BOM, Excel opens it as UTF-8; the reader skips the BOM.
            self._file = self.path.open("w", newline="", encoding="utf-8-sig")
        except OSError as exc:
            raise BulkLoaderError(f"cannot write {self.path}: {exc.strerror or exc}.") from exc
        self._writer = csv.writer(self._file)
        self._writer.writerow([row_name, *headers, reason_name])

    def add(self, validated: Validated) -> None:
        width = self._width
        for bad in validated.invalid:
            cells = [cell_text(c) for c in bad.cells]
            cells += [""] * (width - len(cells))
            self._writer.writerow([bad.row, *cells[:width], bad.reason, *cells[width:]])

    def close(self, keep: bool) -> None:
        if self._file is not None:
            self._file.close()
            if not keep:
                self.path.unlink(missing_ok=True)


def _print_summary(s: FileSummary, shown: list[tuple[int, str]], out_path: Path | None) -> None:
    say(f"{s.path.name}: {s.described}")
    click.echo(f"rows read  {s.rows:>12,}")
    click.echo(f"valid      {s.valid:>12,}  ({s.with_schedule:,} with a schedule, "
               f"{s.without_schedule:,} without)")
    click.echo(f"invalid    {s.invalid:>12,}")
    for reason, count in s.by_reason.most_common():
        say(f"  {count:>10,}  {reason}")
    if shown:
        more = s.invalid - len(shown)
        click.echo(f"first invalid rows{f' ({more:,} more)' if more > 0 else ''}:")
        for row, reason in shown:
            say(f"  row {row}: {reason}")
    if out_path is not None and s.invalid:
        click.echo(f"invalid rows written to {out_path}")


@click.command()
@click.argument("file", type=click.Path(path_type=Path))
@file_options
@clock_skew_option
@click.option("--invalid-out", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the invalid rows (row, original columns, reason) to this CSV.")
def validate(file: Path, sheet: str | None, id_column: str | None, schedule_column: str | None,
             encoding: str | None, delimiter: str | None, timezone_name: str | None,
             clock_skew: float, invalid_out: Path | None) -> None:
    """Check every row of FILE as the server would, without sending anything."""
    options = FileOptions(sheet=sheet, encoding=encoding, delimiter=delimiter,
                          id_column=id_column, schedule_column=schedule_column,
                          timezone=parse_timezone(timezone_name),
                          clock_skew=timedelta(seconds=clock_skew))
    if invalid_out is not None and invalid_out.resolve() == file.resolve():
        raise UsageError("--invalid-out must not be the input file: it would be overwritten")
    run = _Run(file.name, InvalidRowsFile(invalid_out) if invalid_out is not None else None)
    ok = False
    try:
        summary = validate_file(file, options, on_table=run.on_table, on_batch=run.on_batch)
        ok = True
    finally:
        run.close(ok)
    _print_summary(summary, run.shown, invalid_out)
    click.get_current_context().exit(EXIT_OK if summary.invalid == 0 else EXIT_SOME_FAILED)


class _Run:
    """What the command does with each batch: progress bar, --invalid-out, first reasons."""

    def __init__(self, name: str, writer: InvalidRowsFile | None) -> None:
        self.name = name
        self.writer = writer
        self.shown: list[tuple[int, str]] = []
        self.table: Table | None = None
        self.bar: Any = None

    def on_table(self, table: Table) -> None:
        self.table = table
        if self.writer is not None:
            self.writer.start(table)
        total = table.progress()[1]
        if sys.stderr.isatty() and total >= PROGRESS_MIN_BYTES:
            from tqdm import tqdm

            self.bar = tqdm(total=total, unit="B", unit_scale=True, desc=self.name, leave=False,
                            file=sys.stderr)

    def on_batch(self, batch: Batch, validated: Validated) -> None:
        if self.writer is not None and validated.invalid:
            self.writer.add(validated)
        room = SHOWN_INVALID - len(self.shown)
        if room > 0:
            self.shown.extend((b.row, b.reason) for b in validated.invalid[:room])
        if self.bar is not None and self.table is not None:
            self.bar.update(self.table.progress()[0] - self.bar.n)

    def close(self, ok: bool) -> None:
        if self.bar is not None:
            self.bar.close()
        if self.writer is not None:
            self.writer.close(keep=ok)
