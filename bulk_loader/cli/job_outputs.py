"""What a nightly job leaves for monitoring: --log-file, --trace-http and --metrics-file.

    outputs = JobOutputs(params, started)
    with outputs:            # on the way out, however the run ends: stop/end events, metrics
        outputs.open()       # files checked and opened before anything is read or sent
        ...

The exit code is read from how the command ends (click's Exit, a BulkLoaderError, Ctrl-C,
SIGTERM), so the metrics file and the log say the same as the shell on every path.
"""

from __future__ import annotations

import os
import time
import traceback
from pathlib import Path
from types import TracebackType
from typing import Any

import click

from bulk_loader import __version__
from bulk_loader.api import HttpTrace
from bulk_loader.config import Credentials
from bulk_loader.errors import EXIT_BROKEN_PIPE, EXIT_INTERNAL, EXIT_INTERRUPTED, BulkLoaderError
from bulk_loader.failure import translate
from bulk_loader.runs import RunLog


def exit_code_of(exc: BaseException | None) -> int:
    from bulk_loader.runs import EXIT_TERMINATED, Terminated

    if exc is None:
        return 0
    if isinstance(exc, click.exceptions.Exit):
        return exc.exit_code
    if isinstance(exc, SystemExit):
        return exc.code if isinstance(exc.code, int) else 1
    if isinstance(exc, BulkLoaderError):
        return exc.exit_code
    if isinstance(exc, click.ClickException):
        return exc.exit_code
    if isinstance(exc, Terminated):
        return EXIT_TERMINATED
    if isinstance(exc, KeyboardInterrupt):
        return EXIT_INTERRUPTED
    if isinstance(exc, BrokenPipeError):  # `... | head`: the shell sees 141, and so do metrics
        return EXIT_BROKEN_PIPE
    known = translate(exc, "the journal or an output file") if isinstance(exc, Exception) else None
    return known.exit_code if known is not None else EXIT_INTERNAL


class JobOutputs:
    def __init__(self, params: dict[str, Any], started: float) -> None:
        self.p = params
        self.started_at = started
        self.log: RunLog | None = None
        self.trace: HttpTrace | None = None
        self.summary: dict[str, Any] | None = None
        self.metrics: Path | None = params.get("metrics_file")

    def open(self) -> None:
        if self.metrics is not None:
            from bulk_loader.runs import check_metrics_path

            try:
                check_metrics_path(self.metrics)
            except BulkLoaderError:
                self.metrics = None  # said once, as the error; not again as a warning
                raise
        if self.p.get("log_file"):
            self.log = RunLog(self.p["log_file"])
        if self.p.get("trace_http"):
            self.trace = HttpTrace(self.p["trace_http"], bodies=bool(self.p.get("trace_bodies")))

    def credentials(self, creds: Credentials) -> Credentials:
        """Registers the tokens so that the log can blank them, should one ever reach it."""
        if self.log is not None:
            self.log.add_secrets(creds.secrets())
        return creds

    def secrets(self, secrets: list[str]) -> None:
        """Registers a back end's secrets (cli/backend.Target.secrets(): the v1 API key) so
        that the log blanks them, should one ever reach it."""
        if self.log is not None:
            self.log.add_secrets(secrets)

    def started(self, opts: Any) -> None:
        if self.log is not None:
            self.log.event("start", version=__version__, file=str(opts.file),
                           campaign=opts.campaign_id, endpoint=opts.endpoint,
                           profile=self.p.get("profile"), chunk_size=opts.chunk_size,
                           concurrency=opts.concurrency, retry_for_seconds=opts.retry_for,
                           max_rate=opts.max_rate, timeout_seconds=opts.timeout,
                           dry_run=opts.dry_run)

    def __enter__(self) -> JobOutputs:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        code = exit_code_of(exc)
        wall = time.monotonic() - self.started_at
        s = self.summary or {}
        if self.log is not None:
            if code not in (0, 1):
                self.log.event("stop", exit_code=code, reason=_reason(exc, s))
            if code == EXIT_INTERNAL and exc is not None:  # the traceback a bug report needs
                self.log.event("crash", traceback="".join(traceback.format_exception(exc)))
            self.log.event("end", exit_code=code, state=s.get("state"), run_id=s.get("run_id"),
                           counts=s.get("counts"), sent_this_time=s.get("sent_this_time"),
                           already_finished=s.get("already_finished"),
                           wall_seconds=round(wall, 3))
            self.log.close()
        if self.trace is not None:
            self.trace.close()
        if self.metrics is not None:
            from bulk_loader.runs import write_metrics

            profile = self.p.get("profile") or os.environ.get("BULK_LOADER_PROFILE")
            try:
                write_metrics(self.metrics, campaign=self.p.get("campaign_id"),
                              profile=profile, exit_code=code,
                              wall_seconds=wall, summary=self.summary)
            except BulkLoaderError as err:
                click.echo(f"warning: {err}", err=True)


def _reason(exc: BaseException | None, summary: dict[str, Any]) -> str:
    from bulk_loader.runs import Terminated

    if summary.get("message"):
        return str(summary["message"])
    if isinstance(exc, Terminated):
        return "interrupted by SIGTERM"
    if isinstance(exc, KeyboardInterrupt):
        return "interrupted by Ctrl-C"
    if isinstance(exc, BulkLoaderError | click.ClickException):
        return str(exc)
    return type(exc).__name__ if exc is not None else ""
