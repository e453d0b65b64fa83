"""Standard input, gzip and pipes: every input becomes a plain, seekable file first.

    with local_input(Path("-")) as (path, label): ...   # path: a file the readers can seek

The readers seek (the encoding check reads the whole file, then starts again; an XLSX is a zip,
read from its end), and `upload` re-reads the file for the failures file, so an input that cannot
be read twice is copied once, in 1 MiB blocks (constant memory), to a private temporary folder
that goes at the end: `-` (standard input), a pipe or FIFO such as `<(zcat x.gz)`, any other file
that is not a regular one, and a gzip file, recognised by its magic bytes whatever its name (it is
decompressed on the way). A plain regular file is used where it is, at no cost.

Resume: a run is keyed by the SHA-256 of what the readers read (after decompression), so piping or
naming the same content again finds the same run.
"""

from __future__ import annotations

import gzip
import shutil
import stat
import sys
import tempfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, BinaryIO, cast

from bulk_loader.errors import InputFileError

GZIP_MAGIC = b"\x1f\x8b"
STDIN = "-"
BLOCK = 1 << 20


def _needs_copy(path: Path) -> bool:
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise InputFileError(f"cannot open {path}: No such file or directory.") from None
    except OSError as exc:
        raise InputFileError(f"cannot open {path}: {exc.strerror or exc}.") from exc
    if stat.S_ISDIR(mode):
        raise InputFileError(f"{path} is a directory, not a file.")
    if not stat.S_ISREG(mode):
        return True  # a pipe, FIFO, character device...
    try:
        with path.open("rb") as f:
            return f.read(2) == GZIP_MAGIC
    except OSError as exc:
        raise InputFileError(f"cannot open {path}: {exc.strerror or exc}.") from exc


def _copy(source: BinaryIO, target: Path, name: str) -> None:
    """Copy `source` to `target`, decompressing it when it starts with gzip's magic bytes."""
    head = source.read(2)
    with target.open("wb") as out:
        if head != GZIP_MAGIC:
            out.write(head)
            shutil.copyfileobj(source, out, BLOCK)
            return
        stream = gzip.GzipFile(fileobj=cast(Any, _Prefixed(head, source)), mode="rb")
        try:
            shutil.copyfileobj(stream, out, BLOCK)
        except (OSError, EOFError, zlib.error) as exc:
            raise InputFileError(f"{name} starts like a gzip file but cannot be decompressed "
                                 f"({exc}); is it cut short?") from None


class _Prefixed:
    """A read-only stream: `head`, then the rest of `source` (the magic bytes were peeked)."""

    def __init__(self, head: bytes, source: BinaryIO) -> None:
        self._head = head
        self._source = source

    def read(self, n: int = -1) -> bytes:
        head, self._head = self._head, b""
        if n is None or n < 0:
            return head + self._source.read()
        return head + self._source.read(max(0, n - len(head))) if head else self._source.read(n)


@contextmanager
def local_input(path: Path) -> Iterator[tuple[Path, str]]:
    """(a plain seekable file with the input's content, the name to show and record)."""
    label = "standard input" if str(path) == STDIN else str(path)
    if str(path) != STDIN and not _needs_copy(path):
        yield path, str(path.resolve())
        return
    with tempfile.TemporaryDirectory(prefix="bulk-loader-") as folder:
        name = "stdin" if str(path) == STDIN else path.name.removesuffix(".gz") or "input"
        target = Path(folder) / name
        try:
            if str(path) == STDIN:
                _copy(sys.stdin.buffer, target, label)
            else:
                with path.open("rb") as source:
                    _copy(source, target, label)
        except OSError as exc:
            raise InputFileError(f"cannot read {label}: {exc.strerror or exc}.") from exc
        if target.stat().st_size == 0:
            raise InputFileError(f"{label} is empty.")
        yield target, label
