"""Turning the environment's failures into errors.py types: a full disk, a damaged journal.

A full disk and a damaged journal reach us as OSError(ENOSPC) or as sqlite3 errors from many
places (journal writes, results, reports). They mean the same wherever they happen, so they are
translated here, once: a full disk is a resumable stop (exit 3), a damaged journal an input
problem found before anything is sent (exit 2). `translate` returns None for anything else.
"""

from __future__ import annotations

import errno
import sqlite3
from pathlib import Path

from bulk_loader.errors import BulkLoaderError, DiskFull, JournalDamaged
from bulk_loader.outcome import RESUME_HINT
from bulk_loader.safe_text import safe

_DAMAGED = ("malformed", "not a database", "file is encrypted", "disk i/o error",
            "database corrupt")


def disk_full(what: str) -> DiskFull:
    return DiskFull(f"no space left on the disk while writing {what}; nothing is lost: free "
                    f"some space and {RESUME_HINT}.")


def is_disk_full(exc: BaseException) -> bool:
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return True
    return isinstance(exc, sqlite3.OperationalError) and "disk is full" in str(exc).lower()


def is_damaged(exc: BaseException) -> bool:
    return isinstance(exc, sqlite3.DatabaseError) and \
        any(word in str(exc).lower() for word in _DAMAGED)


def damaged(path: Path | str, exc: BaseException, last_good: str | None = None) -> JournalDamaged:
    where = f" The last run it could read: {last_good}." if last_good else ""
    return JournalDamaged(
        f"the journal {path} is damaged ({safe(str(exc))}); nothing was sent. Move it aside "
        f"(mv {path} {path}.damaged) and run the command again: a new journal starts empty, "
        f"and records an earlier run sent are already in the campaign.{where}")


def translate(exc: BaseException, what: str = "the journal",
              journal: Path | str | None = None) -> BulkLoaderError | None:
    """The errors.py type for `exc` if it is a full disk or a damaged journal, else None."""
    if is_disk_full(exc):
        return disk_full(what)
    if journal is not None and is_damaged(exc):
        return damaged(journal, exc)
    return None
