"""What a delete is asked to do (`DeleteOptions`) and what it hands back (`DeleteOutcome`).

A module of its own so that loading (delete/_load.py) and the run (delete/_run.py) share them
without importing each other.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from bulk_loader.api import RetryPolicy
from bulk_loader.config import Credentials
from bulk_loader.delete._send import CHUNK_SIZE
from bulk_loader.model import ReaderOptions
from bulk_loader.outcome import RunOutcome


@dataclass
class DeleteOptions:
    campaign_id: int
    endpoint: str
    credentials: Credentials
    journal_path: Path
    file: Path | None = None
    source_run: str | None = None
    reader: ReaderOptions = field(default_factory=ReaderOptions)
    concurrency: int = 8
    chunk_size: int = CHUNK_SIZE
    preflight: bool = True
    new_run: bool = False
    # Asked once the count is known; returns True to go ahead. The CLI wires --yes / a prompt.
    confirm: Callable[[str], bool] = field(default=lambda text: True)
    progress: str = "none"  # bar | plain | none
    retry: RetryPolicy | None = None
    timeout: float = 60.0  # seconds per request (--timeout)
    notice: Callable[[str], None] = field(default=lambda text: print(text, file=sys.stderr))
    file_label: str | None = None  # what the journal records when `file` is a copy (stdin, gzip)


DeleteOutcome = RunOutcome


def settings_of(opts: DeleteOptions) -> dict[str, Any]:
    return {"chunk_size": opts.chunk_size, "concurrency": opts.concurrency,
            "reader": asdict(opts.reader)}
