"""What a new upload run leaves behind, and whether the file held still while it was read.

A run is keyed by the file's sha256, the campaign and the endpoint. When the bytes change (the
failures CSV invites edits; a file may still be being written), the same command starts a new
run: that must not happen silently. `left_behind` finds the unfinished runs of the same path,
campaign and endpoint so the new run can name them, and `Stamp` (size and mtime, taken before
the hash and checked again after the read) stops a run whose file changed while it was read.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from bulk_loader.errors import InputFileError
from bulk_loader.journal import Journal, unfinished_uploads_of_other_bytes


@dataclass(frozen=True)
class Stamp:
    size: int
    mtime_ns: int

    @classmethod
    def of(cls, path: Path) -> Stamp:
        try:
            st = os.stat(path)
        except OSError as exc:
            raise InputFileError(f"cannot read {path}: {exc.strerror}") from exc
        return cls(st.st_size, st.st_mtime_ns)

    def check(self, path: Path) -> None:
        """InputFileError (exit 2, nothing sent) if `path` changed since this stamp."""
        now = Stamp.of(path)
        if now != self:
            raise InputFileError(
                f"{path} changed while it was read (size {self.size:,} -> {now.size:,} bytes); "
                "nothing was sent: wait until the file is complete and run the command again")


def left_behind(journal: Journal, sha: str, campaign_id: int | str, endpoint: str,
                file_path: str) -> list[tuple[str, str]]:
    """(run_id, state) of unfinished upload runs of this path, campaign and endpoint whose file
    had other bytes."""
    return unfinished_uploads_of_other_bytes(journal, sha, campaign_id, endpoint, file_path)


def left_behind_notice(runs: list[tuple[str, str]], path: str) -> str:
    names = ", ".join(f"{run_id} ({state})" for run_id, state in runs)
    them = "its" if len(runs) == 1 else "their"
    return (f"note: {path} changed since {names} read it, so this is a new run; {names} stays "
            f"unfinished, and {them} records already sent count as present in the campaign "
            "(a record the new run sends again is not a duplicate of yours). To finish the old "
            "run instead, restore the file it read.")


def file_sha256(path: Path) -> str:
    """The file's sha256: with the campaign and the endpoint, it keys a run."""
    try:
        with open(path, "rb") as f:
            return hashlib.file_digest(f, "sha256").hexdigest()
    except OSError as exc:
        raise InputFileError(f"cannot read {path}: {exc.strerror}") from exc

