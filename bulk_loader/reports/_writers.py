"""Streaming table writers: CSV, JSON, JSON lines (XLSX lives in reports/_xlsx.py).

Every writer takes an *iterator* of rows and holds one row at a time, so a 5M-row report costs the
same memory as a 5-row one. Output goes to a temporary file beside the target and is renamed into
place at the end: a crash never leaves a half-written report under the real name.

Formula injection (OWASP "CSV injection"): a text cell that starts with = + - @ tab or CR is
written with a leading single quote in CSV, so a spreadsheet shows it as text and never runs it.
Numbers are not touched (-5 as a number is just a number). JSON is data, not a sheet: unchanged.

`-` as the path is stdout (`--output -`): CSV, JSON or JSON lines only, written as it streams.
"""

from __future__ import annotations

import csv
import os
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import IO, Any

import orjson

from bulk_loader.errors import OutputError, UsageError

FORMATS = (".csv", ".json", ".jsonl", ".xlsx")
FORMAT_NAMES = tuple(f[1:] for f in FORMATS)
STDOUT = "-"
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def output_format(path: str | os.PathLike[str], fmt: str | None = None) -> str:
    """The format: `fmt` (--format) when given, else the file's extension ('csv', 'json',
    'jsonl', 'xlsx'). Stdout (`-`) takes text formats only, named with --format."""
    if str(path) == STDOUT:
        if fmt is None:
            raise UsageError("output - (stdout) needs format csv or format json",
                             param=("format", "output"))
        if fmt == "xlsx":
            raise UsageError("output - (stdout) takes format csv, json or jsonl; an XLSX "
                             "needs a file name", param=("format", "output"))
    if fmt is not None:
        if fmt not in FORMAT_NAMES:
            raise UsageError(f"format must be one of {', '.join(FORMAT_NAMES)} (got {fmt!r})",
                             param="format")
        return fmt
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        raise UsageError(
            f"output must end in .csv, .json, .jsonl or .xlsx, or format must name one "
            f"(got {Path(path).name!r})", param=("output", "format"))
    return suffix[1:]


def csv_safe(value: object) -> object:
    """A cell as a spreadsheet must see it: text that could run as a formula gets a quote."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


@contextmanager
def atomic_output(path: str | os.PathLike[str], mode: str = "w") -> Iterator[IO[Any]]:
    """Open a temp file beside `path`; rename it over `path` only when the block succeeds.
    `-` is stdout, written as it goes (a pipe cannot be renamed)."""
    if str(path) == STDOUT:
        if "b" in mode:
            yield sys.stdout.buffer
            sys.stdout.buffer.flush()
        else:
            sys.stdout.flush()
            yield sys.stdout
            sys.stdout.flush()
        return
    target = Path(path)
    directory = target.parent if str(target.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
    except OSError as exc:
        raise OutputError(f"cannot write {target}: {exc.strerror}", path=target) from exc
    try:
        kwargs: dict[str, Any] = {"newline": "", "encoding": "utf-8"} if "b" not in mode else {}
        with os.fdopen(fd, mode, **kwargs) as handle:
            yield handle
        os.replace(tmp, target)
    except BaseException:
        with suppress(OSError):
            os.unlink(tmp)
        raise


def write_csv(
    path: str | os.PathLike[str], headers: Sequence[str], rows: Iterable[Sequence[Any]]
) -> int:
    """Write a header and every row; returns the number of data rows."""
    count = 0
    with atomic_output(path) as handle:
        writer = csv.writer(handle)
        writer.writerow([csv_safe(h) for h in headers])
        triggers = FORMULA_TRIGGERS
        for row in rows:
            # csv_safe inlined: this loop runs once per record (millions).
            writer.writerow([("'" + v) if type(v) is str and v.startswith(triggers) else v
                             for v in row])
            count += 1
    return count


def _default(value: object) -> object:
    # orjson knows datetimes, tuples and numbers; anything else (Decimal, Path) as text.
    return str(value)


def write_json(
    path: str | os.PathLike[str],
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    head: Mapping[str, Any] | None = None,
    tail: Callable[[], Mapping[str, Any]] | None = None,
    key: str = "records",
) -> int:
    """One JSON document, streamed: {**head, key: [ {header: value...}, ... ], **tail()}.

    `tail` is called after the rows are written, so it can carry counts gathered on the way.
    """
    count = 0
    names = list(headers)
    with atomic_output(path, "wb") as handle:
        handle.write(b"{")
        for name, value in (head or {}).items():
            handle.write(orjson.dumps(name) + b": " + orjson.dumps(value, default=_default) + b",\n")
        handle.write(orjson.dumps(key) + b": [")
        for row in rows:
            handle.write(b",\n" if count else b"\n")
            handle.write(orjson.dumps(dict(zip(names, row, strict=False)), default=_default))
            count += 1
        handle.write(b"\n]")
        for name, value in (tail() if tail else {}).items():
            handle.write(b",\n" + orjson.dumps(name) + b": " + orjson.dumps(value, default=_default))
        handle.write(b"}\n")
    return count


def write_jsonl(
    path: str | os.PathLike[str], headers: Sequence[str], rows: Iterable[Sequence[Any]]
) -> int:
    """JSON lines: one object per row, nothing else (for jq and log pipelines)."""
    count = 0
    names = list(headers)
    with atomic_output(path, "wb") as handle:
        for row in rows:
            handle.write(orjson.dumps(dict(zip(names, row, strict=False)), default=_default))
            handle.write(b"\n")
            count += 1
    return count
