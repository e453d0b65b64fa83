"""`bulk-loader validate FILE`: read and check every row locally, send nothing.

Exit 0 when every row is valid, 1 when some are not, 2 when the file cannot be used. It prints the
column mapping, the time zone used and where it came from, and three sample conversions first;
`--json` prints the whole summary as one JSON object.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import click

from bulk_loader.cli.backend import V1, api_of_profile, api_option
from bulk_loader.cli.common import clock_skew_option, file_options
from bulk_loader.cli.export_options import export_options
from bulk_loader.cli.outcome import json_errors
from bulk_loader.cli.say import say
from bulk_loader.errors import EXIT_OK, EXIT_SOME_FAILED, UsageError
from bulk_loader.model import Batch, Validated
from bulk_loader.readers import (
    ExportOptions,
    FailuresWriter,
    Table,
    aliases_from_config,
    failures_writer,
    local_input,
)
from bulk_loader.validation import FileOptions, FileSummary, parse_timezone, validate_file

SHOWN_INVALID = 10
PROGRESS_MIN_BYTES = 5 * 1024 * 1024


class InvalidRowsFile:
    """--invalid-out: failures_file's shape (row, the original columns, reason), one writer with
    upload's failures file. Fixed, it can be fed back in as it is."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._out: FailuresWriter | None = None

    def start(self, table: Table) -> None:
        self._out = failures_writer(self.path, list(table.headers)).open()

    def add(self, validated: Validated) -> None:
        assert self._out is not None
        for bad in validated.invalid:
            self._out.add(bad.row, bad.cells, bad.reason)

    def close(self, keep: bool) -> None:
        if self._out is not None:
            self._out.close(keep)


def _print_summary(s: FileSummary, shown: list[tuple[int, str]], out_path: Path | None,
                   name: str) -> None:
    say(f"{name}: {s.described}")
    for line in s.mapping.lines():
        say(line)
    v1 = _v1_columns(s)
    if v1 is not None:
        say("checked for the Campaigns API v1: priority column "
            + ", rank column ".join(repr(c) if c else "none" for c in v1))
    click.echo(f"rows read  {s.rows:>12,}{s.lines_note()}")
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


def summary_json(s: FileSummary, shown: list[tuple[int, str]], out_path: Path | None,
                 name: str) -> dict[str, Any]:
    """`validate --json`: the summary as one object (upload --dry-run's keys where they mean
    the same)."""
    v1 = _v1_columns(s)
    extra = {} if v1 is None else {"api": V1, "priority_column": v1[0], "rank_column": v1[1]}
    return {"file": name, "read_as": s.described, **s.mapping.as_json(), **extra, "rows": s.rows,
            "header_row": s.header_row, "last_line": s.last_line,
            "valid": s.valid, "with_schedule": s.with_schedule,
            "without_schedule": s.without_schedule, "invalid": s.invalid,
            "top_reasons": [{"reason": r, "count": n} for r, n in s.by_reason.most_common()],
            "first_invalid": [{"row": row, "reason": reason} for row, reason in shown],
            "invalid_out": str(out_path) if out_path is not None and s.invalid else None}


def _v1_columns(s: FileSummary) -> tuple[str | None, str | None] | None:
    """(priority, rank) column headers of a v1 check; None for the legacy one."""
    from bulk_loader.api.campaigns_v1 import V1FileSummary

    if not isinstance(s, V1FileSummary):
        return None
    return s.priority_column, s.rank_column


@click.command()
@click.argument("file", type=click.Path(path_type=Path))
@api_option
@file_options
@export_options
@clock_skew_option
@click.option("--invalid-out", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the invalid rows (row, original columns, reason) to this CSV "
                   "(or XLSX, by its extension).")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as one JSON object.")
@click.option("--profile", help="Profile in the config file (its header aliases).")
@click.option("--config", "config_file", type=click.Path(dir_okay=False),
              help="Config file (default: $BULK_LOADER_CONFIG or ~/.config/bulk-loader/config.toml).")
def validate(file: Path, api: str, sheet: str | None, id_column: str | None, schedule_column: str | None,
             encoding: str | None, delimiter: str | None, timezone_name: str | None,
             date_formats: tuple[str, ...], timezone_column: str | None, no_schedule: bool,
             clock_skew: float, invalid_out: Path | None, as_json: bool, profile: str | None,
             config_file: str | None) -> None:
    """Check every row of FILE (- for standard input) as the server would, sending nothing.

    With --api campaigns-v1, by that API's rules: text ids of 1-32 characters, priority and rank
    columns, no 7-day rule."""
    with json_errors(as_json):
        api = api_of_profile(click.get_current_context(), api, profile, config_file)
        zone = parse_timezone(timezone_name)
        options = FileOptions(sheet=sheet, encoding=encoding, delimiter=delimiter,
                              id_column=id_column, schedule_column=schedule_column,
                              timezone=zone, clock_skew=timedelta(seconds=clock_skew),
                              exports=ExportOptions(date_formats, timezone_column, no_schedule,
                                                    "--timezone" if zone is not None else ""))
        if invalid_out is not None and str(file) != "-" \
                and invalid_out.resolve() == file.resolve():
            raise UsageError("--invalid-out must not be the input file: it would be overwritten")
        name = "standard input" if str(file) == "-" else file.name
        with aliases_from_config(profile, config_file), local_input(file) as (path, _):
            run = _Run(name, InvalidRowsFile(invalid_out) if invalid_out is not None else None)
            ok = False
            try:
                summary = _check(api)(path, options, on_table=run.on_table,
                                      on_batch=run.on_batch)
                ok = True
            finally:
                run.close(ok)
    if as_json:
        click.echo(json.dumps(summary_json(summary, run.shown, invalid_out, name)))
    else:
        _print_summary(summary, run.shown, invalid_out, name)
    click.get_current_context().exit(EXIT_OK if summary.invalid == 0 else EXIT_SOME_FAILED)


def _check(api: str) -> Callable[..., FileSummary]:
    """The file loop of the API's rules (the v1 one lives on the API floor)."""
    if api == V1:
        from bulk_loader.api.campaigns_v1 import validate_v1_file

        return validate_v1_file
    return validate_file


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
