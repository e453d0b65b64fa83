"""What an upload is asked to do (`UploadOptions`) and what it hands back (`UploadOutcome`).

A module of its own so that the dry run (upload/_dry.py) and the run (upload/_run.py) share
them without importing each other.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from bulk_loader.api import HttpTrace, RatePacer, RetryPolicy, capabilities_of
from bulk_loader.config import Credentials
from bulk_loader.model import ReaderOptions
from bulk_loader.outcome import RunOutcome
from bulk_loader.readers import ExportOptions
from bulk_loader.runs import RunLog
from bulk_loader.zones import parse_timezone

if TYPE_CHECKING:
    from bulk_loader.api.campaigns_v1 import ApiKeyAuth


@dataclass
class UploadOptions:
    file: Path
    campaign_id: int | str  # a UUID for the Campaigns API v1
    endpoint: str  # the API root; for the v1 API `{host}/cc/{site}/campaigns/v1`
    credentials: Credentials | None  # the legacy API's; None for the v1 API (see `auth`)
    journal_path: Path
    chunk_size: int = 1000
    concurrency: int = 4
    timezone: str | None = None
    reader: ReaderOptions = field(default_factory=ReaderOptions)
    results: Path | None = None
    dry_run: bool = False
    preflight: bool = True
    new_run: bool = False
    skip_known: bool = False  # ids the journal knows are in the campaign are not sent
    reschedule: bool = False  # a known id with a new call time: delete, then add
    clock_skew: timedelta = timedelta(seconds=60)
    progress: str = "none"  # bar | plain | none
    retry: RetryPolicy | None = None
    retry_for: float = 0.0  # seconds to ride out a dead server (runs/_ride_out.py); 0 = stop at once
    results_dir: Path | None = None  # results/<run_id>.results.csv go here (a profile's folder)
    max_rate: float | None = None  # requests per second for the whole run (api/_rate.py)
    log: RunLog | None = None  # --log-file
    trace: HttpTrace | None = None  # --trace-http
    timeout: float = 60.0  # seconds per request (--timeout)
    now: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    notice: Callable[[str], None] = field(default=lambda text: print(text, file=sys.stderr))
    # What must be said even with --quiet (e.g. the unfinished run a new run leaves behind).
    warn: Callable[[str], None] = field(default=lambda text: print(text, file=sys.stderr))
    _pacer: RatePacer | None = field(default=None, repr=False)
    exports: ExportOptions = field(default_factory=ExportOptions)
    file_label: str | None = None  # what the journal records when `file` is a copy (stdin, gzip)
    # Called once the whole file is read, before the check that it held still while read.
    on_read: Callable[[], None] | None = None
    api: str = "legacy"  # or "campaigns-v1" (upload/_v1.py)
    site: str | None = None  # v1: US1, US2 or UK3
    auth: ApiKeyAuth | None = field(default=None, repr=False)  # v1: the API key and tenant


UploadOutcome = RunOutcome


def zone_source(opts: UploadOptions) -> str:
    """Where the fallback zone comes from, for the printed mapping."""
    if parse_timezone(opts.timezone) is not None:
        return "--timezone"
    if not capabilities_of(opts.api).can_view:  # no campaign to read a zone from
        return "no --timezone"
    return f"campaign {opts.campaign_id}'s time zone"


def export_options(opts: UploadOptions) -> ExportOptions:
    return replace(opts.exports, timezone_source=zone_source(opts))

