"""`bulk-loader upload`: the main job, resumable at any instant.

    outcome = run_upload(UploadOptions(file=..., campaign_id=125, endpoint=..., credentials=...,
                                       journal_path=...))
    outcome = await run_upload_async(opts)   # the same, inside a running event loop
    outcome.summary (dict, also stored in the journal), outcome.exit_code

The run follows the lifecycle it shares with delete (runs/_lifecycle.py); `UploadStages` fills in
its stages.
A run is keyed by (file sha256, campaign, endpoint). The same command again resumes it; a
finished run prints its earlier summary and sends nothing; `new_run` starts afresh.
Phase 1 (upload_load) journals every row before anything is sent, so the 5M cap is enforced up
front; phase 2 (upload_send) posts the open chunks. See journal/_journal.py for the schema.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import asdict, replace
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from typing import Any

from bulk_loader import spec
from bulk_loader.api import (
    LEGACY,
    V1,
    CampaignService,
    Capabilities,
    RatePacer,
    ServiceConfig,
    capabilities_of,
    open_service,
)
from bulk_loader.errors import (
    EXIT_OK,
    EXIT_SOME_FAILED,
    ApiError,
    DiskFull,
    InputFileError,
    ServerBusy,
    TransientError,
    UsageError,
)
from bulk_loader.journal import Journal, JournalThread, Run
from bulk_loader.model import ReaderOptions
from bulk_loader.outcome import early_end
from bulk_loader.reports import (
    FAILED_STATES,
    check_writable,
    failures_path_for,
    write_failures,
    write_results,
)
from bulk_loader.runs import (
    Patience,
    Progress,
    Stamp,
    Tally,
    check_sizes,
    ctrl_c,
    describe,
    file_sha256,
    freeze_startup,
    left_behind,
    left_behind_notice,
    live,
    process_guard,
    relaxed_gc,
    restores_process,
    run_sync,
)
from bulk_loader.states import RunState, count_open
from bulk_loader.summaries import UploadSummary
from bulk_loader.upload._options import UploadOptions, UploadOutcome, export_options
from bulk_loader.upload._send import Sender, SendResult
from bulk_loader.upload._summary import build_summary, iso_utc
from bulk_loader.upload._v1 import (
    check_v1,
    is_v1,
    load_v1_file,
    v1_validator,
)
from bulk_loader.zones import parse_timezone


def fallback_zone(opts: UploadOptions, info: Any) -> tzinfo | None:
    zone = parse_timezone(opts.timezone)  # None when not given (or blank)
    if zone is not None:
        return zone
    return getattr(info, "tzinfo", None)


def _validator(opts: UploadOptions, info: Any) -> Any:
    from bulk_loader.validation import Validator

    if is_v1(opts):
        return v1_validator(opts)

    return Validator(now=opts.now, timezone=fallback_zone(opts, info),
                     window=getattr(info, "window", None),
                     clock_skew=opts.clock_skew, max_records=spec.MAX_RECORDS,
                     formats=opts.exports.date_formats)


def _service_config(opts: UploadOptions) -> ServiceConfig:
    """The back end this upload talks to, with the run's hooks (pacing, trace, retry log)."""
    if opts.max_rate and opts._pacer is None:  # one pace for the preflight and every send pass
        opts._pacer = RatePacer(opts.max_rate)
    on_retry = None
    log = opts.log
    if log is not None:
        def on_retry(exc: TransientError, wait: float) -> None:
            throttled = isinstance(exc, ServerBusy) and exc.status == 429
            log.burst("throttled" if throttled else "retry", str(exc), wait)

    config = ServiceConfig(
        opts.endpoint, opts.credentials, concurrency=opts.concurrency, retry=opts.retry,
        timeout=opts.timeout, on_notice=opts.notice,
        pacer=opts._pacer if opts.max_rate else None, trace=opts.trace, on_retry=on_retry)
    if is_v1(opts):  # its credentials are the API key and tenant
        config.api, config.credentials = V1, opts.auth
    return config


def _client(opts: UploadOptions) -> CampaignService:
    return open_service(_service_config(opts))


def _same_api(opts: UploadOptions, run: Run) -> None:
    """A run goes on through the API it was started with: its ids and records are that API's."""
    started = run.api or LEGACY
    if started != opts.api:
        raise UsageError(f"run {run.run_id} was started with --api {started}, not {opts.api}; "
                         f"run it again with --api {started}, or add --new-run to start a new "
                         "run", param="api")


def _capabilities(opts: UploadOptions) -> Capabilities:
    return capabilities_of(_service_config(opts).api)


async def _preflight(opts: UploadOptions) -> Any:
    """The campaign's info (zone, window, name), or None when not checked."""
    if not opts.preflight or not _capabilities(opts).can_view:
        return None

    async def go() -> Any:
        async with _client(opts) as c:
            return await c.preflight(opts.campaign_id)

    patience = Patience(opts.retry_for)
    while True:
        try:
            info = await go()
        except TransientError as exc:
            wait = patience.next_wait()
            _log(opts, "preflight", ok=False, reason=str(exc), retry_in_seconds=wait)
            if wait is None:
                raise
            opts.notice(f"the preflight failed ({exc}); trying again in {wait:.0f} s "
                        f"({describe(patience.left())} of --retry-for left)")
            await asyncio.sleep(wait)  # Ctrl-C or SIGTERM unwinds from here: nothing was sent yet
        except ApiError as exc:
            _log(opts, "preflight", ok=False, reason=str(exc))
            raise
        else:
            _log(opts, "preflight", ok=True, campaign_name=getattr(info, "name", None),
                 timezone=getattr(info, "timezone", None))
            return info


def _log(opts: UploadOptions, event: str, **fields: Any) -> None:
    if opts.log is not None:
        opts.log.event(event, **fields)


def _failures_path(opts: UploadOptions, results: Path) -> Path:
    """Beside the results: an XLSX for an XLSX input (failures_file.XlsxFailuresWriter)."""
    from bulk_loader.readers import sniff_format

    try:
        xlsx = sniff_format(opts.file) == "xlsx"
    except InputFileError:
        xlsx = False  # the file is gone: the journal's columns go to a CSV
    return failures_path_for(results, xlsx=xlsx)


def _check(opts: UploadOptions) -> None:
    capabilities_of(opts.api)  # an api no back end answers to is refused, not run as legacy
    check_sizes(opts.chunk_size, opts.concurrency)
    if opts.retry_for < 0:
        raise UsageError(f"retry_for must be 0 or more seconds (got {opts.retry_for})",
                         param="retry_for")
    if is_v1(opts):
        check_v1(opts)
    if not opts.file.is_file():
        raise InputFileError(f"{opts.file} does not exist or is not a file")
    if opts.results is not None:
        outputs = (opts.results.resolve(), _failures_path(opts, opts.results).resolve())
        sources = {opts.file.resolve()}
        if opts.file_label and opts.file_label != "standard input":  # a gzip file's own path
            sources.add(Path(opts.file_label).resolve())
        if sources & set(outputs):
            raise UsageError("results must not name the input file: it would be overwritten",
                             param="results")
        if opts.journal_path.expanduser().resolve() in outputs:
            raise UsageError("results must not name the journal: it would be overwritten",
                             param="results")


@restores_process  # a library caller's GC, signal handlers and csv limit are put back after
def run_upload(opts: UploadOptions) -> UploadOutcome:
    """`run_upload_async` from plain code (no event loop running)."""
    return run_sync(run_upload_async(opts))


async def run_upload_async(opts: UploadOptions) -> UploadOutcome:
    """The upload's core; works inside a running event loop (a library caller's own)."""
    started = time.monotonic()
    _check(opts)
    opts = _fit_chunks(opts)
    with process_guard():  # the caller's collector, signal handlers and csv limit come back
        freeze_startup()  # start-up objects never die
        if opts.dry_run:
            from bulk_loader.upload._dry import dry_run

            return dry_run(opts, await _preflight(opts), _validator, started)
        return await live(UploadStages(opts, started))


def _fit_chunks(opts: UploadOptions) -> UploadOptions:
    """Chunks no larger than one add request of the back end may carry (`largest_batch`)."""
    largest = _capabilities(opts).largest_batch
    if opts.chunk_size <= largest:
        return opts
    opts.notice(f"note: chunks of {largest:,} records, the most one request to the "
                f"{_capabilities(opts).name} API carries (--chunk-size {opts.chunk_size:,})")
    return replace(opts, chunk_size=largest)


class UploadStages:
    """The upload's stages of the shared lifecycle (runs/_lifecycle.py)."""

    def __init__(self, opts: UploadOptions, started: float) -> None:
        self.opts = opts
        self.started = started
        self.journal_path = opts.journal_path
        self.capabilities = _capabilities(opts)
        self.stamp = Stamp.of(opts.file)  # before the hash: a file still being written is caught
        self.sha = file_sha256(opts.file)
        self.file_path = opts.file_label or str(opts.file.resolve())
        self.results = Path()
        self.settings: dict[str, Any] = {}
        self.progress = Progress(opts.progress)

    def earlier(self, journal: Journal) -> Run | None:
        if self.opts.new_run:
            return None
        run = journal.find_run("upload", self.sha, self.opts.campaign_id, self.opts.endpoint)
        if run is not None:
            _same_api(self.opts, run)
        return run

    def finished(self, journal: Journal, run: Run, *, locked: bool) -> UploadOutcome:
        return _finished(self.opts, journal, run, locked=locked)

    async def preflight(self) -> Any:
        return await _preflight(self.opts)

    def create(self, journal: Journal) -> Run:
        opts, sha = self.opts, self.sha
        run, created = journal.find_or_create_run(
            "upload", sha, opts.campaign_id, opts.endpoint, new=opts.new_run,
            file_path=self.file_path, settings=_settings(opts),
            api=V1 if is_v1(opts) else None)
        if not created:
            _same_api(opts, run)
        if created:
            older = [r for r in left_behind(journal, sha, opts.campaign_id, opts.endpoint,
                                            self.file_path) if r[0] != run.run_id]
            if older:
                opts.warn(left_behind_notice(older, self.file_path))
        return run

    def whole_run(self) -> AbstractContextManager[Any]:
        # The whole run, results included, not only the hot loops: fewer GC passes throughout.
        return relaxed_gc()

    def _outputs(self, run: Run) -> None:
        """Where the results go, checked now, not after sending everything."""
        self.settings = dict(run.settings)
        self.results = _results_path(self.opts, run)
        check_writable(self.results, _failures_path(self.opts, self.results))
        self.settings.update(concurrency=self.opts.concurrency, results=str(self.results))

    def load(self, journal: Journal, run: Run, info: Any) -> UploadOutcome | None:
        """Phase 1: every row journaled (upload/_load.py); a file without rows ends the run."""
        opts = self.opts
        self._outputs(run)
        settings = self.settings
        journal.reset_run_records(run)
        from bulk_loader.upload._load import load_file  # not needed to resume: no numpy then
        from bulk_loader.validation import NoRowsError

        validator = _validator(opts, info)
        load = load_v1_file if is_v1(opts) else load_file
        try:
            loaded = load(journal, run, str(opts.file), opts.reader, validator,
                          opts.chunk_size, self.progress.reading, export_options(opts))
            if opts.on_read is not None:
                opts.on_read()
            self.stamp.check(opts.file)  # the hash was taken before the read: did it hold still?
        except NoRowsError:
            # An empty delta is a normal night: a completed run with nothing to send (exit 0).
            journal.reset_run_records(run)
            journal.update_settings(run, settings)
            self.progress.close()
            return _finish(opts, journal, journal.refresh(run), SendResult(Tally()),
                           self.results, False, self.started,
                           note=f"nothing to send: {_name(opts)} has a header and no rows")
        except (InputFileError, UsageError) as exc:
            summary = {"run_id": run.run_id, "state": "failed", "exit_code": exc.exit_code,
                       "error": str(exc)}
            journal.reset_run_records(run)
            journal.set_state(run, "failed", exit_code=exc.exit_code, summary=summary)
            raise
        settings.update(headers=loaded.headers, id_index=loaded.id_index,
                        schedule_index=loaded.schedule_index, chunk_size=opts.chunk_size)
        journal.update_settings(run, settings)
        journal.set_state(run, "sending")
        return None

    def resume(self, journal: Journal, run: Run) -> None:
        """A run past loading goes on as it was started (chunk size, known-record options)."""
        opts = self.opts
        self._outputs(run)
        journal.update_settings(run, self.settings)
        if self.settings.get("chunk_size") != opts.chunk_size:
            opts.notice(f"note: run {run.run_id} keeps its chunk size of "
                        f"{self.settings.get('chunk_size')}")
        _keep_known_options(opts, run)
        journal.set_state(run, "sending")

    def confirm(self, journal: Journal, run: Run, resumed: bool) -> UploadOutcome | None:
        return None  # an upload asks nothing before sending

    async def send(self, journal: Journal, run: Run, *, first_batch_alone: bool) -> SendResult:
        """Phase 2: the open chunks (upload/_send.py)."""
        freeze_startup()
        before = journal.counts(run)
        to_send = count_open(before)
        total_valid = sum(n for s, n in before.items() if s != "invalid")
        progress = self.progress
        progress.start_sending(total_valid, total_valid - to_send, self.opts.skip_known)
        try:
            if not to_send:
                return SendResult(Tally())
            return await _send(self.opts, journal, run, progress, first_batch_alone)
        finally:
            progress.close()

    def finish(self, journal: Journal, run: Run, sent: SendResult,
               resumed: bool) -> UploadOutcome:
        return _finish(self.opts, journal, run, sent, self.results, resumed, self.started)


def _settings(opts: UploadOptions) -> dict[str, Any]:
    return {"chunk_size": opts.chunk_size, "concurrency": opts.concurrency,
            "timezone": opts.timezone, "reader": asdict(opts.reader),
            "clock_skew_seconds": opts.clock_skew.total_seconds(),
            "skip_known": opts.skip_known, "reschedule": opts.reschedule,
            "results": str(opts.results) if opts.results else None}


_KNOWN_OPTIONS = (("skip_known", "--skip-known"), ("reschedule", "--reschedule"))


def _keep_known_options(opts: UploadOptions, run: Run) -> None:
    """A resumed run sends its last chunks the way it sent its first: half a run rescheduled
    and half not would leave callbacks nobody asked for. Its own --skip-known/--reschedule win,
    with one line saying so."""
    for key, flag in _KNOWN_OPTIONS:
        stored = bool(run.settings.get(key, False))
        if stored != getattr(opts, key):
            setattr(opts, key, stored)
            given = "not given now" if stored else "given now"
            how = "with" if stored else "without"
            opts.notice(f"note: run {run.run_id} keeps the options it was started with: it goes "
                        f"on {how} {flag} ({given}); add --new-run to start a new run instead")


def _finished(opts: UploadOptions, journal: Journal, run: Run, *, locked: bool) -> UploadOutcome:
    """A finished run reprinted: nothing is sent now, and the summary says so. Outputs that a
    full disk stopped are written now."""
    if (run.summary or {}).get("outputs_written") is False:  # a full disk stopped them
        with contextlib.nullcontext() if locked else journal.lock_run(run):
            _write_outputs(opts, journal, run, dict(run.summary or {}))
        run = journal.refresh(run)
    label, name = opts.file_label or str(opts.file.resolve()), _name(opts)
    summary = dict(run.summary or {})
    summary.update(already_finished=True, sent_this_time=0, reprinted_at=iso_utc(datetime.now(UTC)))
    same_file = label == run.file_path
    if not same_file:
        # The same bytes under another name (e.g. a dated file that did not change).
        summary["already_sent_as"] = {"run_id": run.run_id, "file": run.file_path,
                                      "finished_at": run.finished_at}
    if not summary.get("rows"):
        summary["note"] = (f"nothing to send: {name} has a header and no rows "
                           f"(as run {run.run_id} found on {run.finished_at})")
    elif same_file:
        summary["note"] = (f"run {run.run_id} already finished on {run.finished_at}; nothing was "
                           "sent (use --new-run to upload the file again)")
    else:
        summary["note"] = (f"{name} holds the same bytes as {run.file_path}, which run "
                           f"{run.run_id} sent on {run.finished_at}; nothing was sent (use "
                           "--new-run to upload it again)")
    return UploadOutcome(summary, run.exit_code if run.exit_code is not None else EXIT_OK)


def _name(opts: UploadOptions) -> str:
    """The input as a person named it (a copy of standard input or of a gzip file is not)."""
    if opts.file_label == "standard input":
        return opts.file_label
    return Path(opts.file_label).name if opts.file_label else opts.file.name


def _results_path(opts: UploadOptions, run: Run) -> Path:
    if opts.results:
        return opts.results
    if opts.results_dir:
        return opts.results_dir / f"{run.run_id}.results.csv"
    if run.settings.get("results"):
        return Path(run.settings["results"])
    return opts.journal_path.expanduser().parent / "results" / f"{run.run_id}.results.csv"


async def _send(opts: UploadOptions, journal: Journal, run: Run, progress: Progress,
                first_batch_alone: bool = False) -> SendResult:
    async with _client(opts) as client, JournalThread(journal) as jt:
        def on_progress(t: Tally) -> None:
            progress.sending(t.accepted + t.rejected + t.failed + t.invalid + t.already_present,
                             t.accepted, t.rejected, t.failed)

        stop, tally, patience = asyncio.Event(), Tally(), Patience(opts.retry_for)
        with ctrl_c(stop, opts.notice, "requests") as caught:
            while True:
                sender = Sender(jt, run, client, opts.campaign_id, concurrency=opts.concurrency,
                                now=opts.now, clock_skew=opts.clock_skew,
                                on_progress=on_progress, skip_known=opts.skip_known,
                                reschedule=opts.reschedule, first_batch_alone=first_batch_alone,
                                seven_days=client.capabilities.seven_day_rule)
                sender.stop, sender.tally = stop, tally  # one stop and one tally for all passes
                client.stop = stop  # a signal cuts a backoff or Retry-After wait at once
                result = await sender.send_all()
                if result.dead_server is None or caught.name:
                    break
                if not await _ride_out(opts, patience, stop, result.dead_server):
                    break
                if caught.name:  # a signal while waiting: an interruption, not a dead server
                    result.dead_server, result.interrupted = None, True
                    break
        result.signal_name, result.interrupt_code = caught.name, caught.exit_code
        st = client.stats
        result.http = {"requests": st.requests, "retries": st.retries, "throttled": st.throttled,
                       "server_errors": st.server_errors, "network_errors": st.network_errors,
                       "bad_answers": st.bad_answers, "splits": st.splits}
        return result


async def _ride_out(opts: UploadOptions, patience: Patience, stop: asyncio.Event,
                    reason: str) -> bool:
    """Wait before another pass over the open chunks (the held ones stay in_flight in the
    journal, so the pass resends them like a resume would); False when --retry-for is spent."""
    wait = patience.next_wait()
    if wait is None:
        return False
    first = reason.split(";")[0].removeprefix("stopped: ")
    opts.notice(f"{first}; trying again in {wait:.0f} s "
                f"({describe(patience.left())} of --retry-for left)")
    _log(opts, "waiting", reason=reason, seconds=round(wait, 3),
         retry_for_left_seconds=round(patience.left(), 3))
    stop.clear()  # the breaker set it; a signal during the wait sets it again
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), wait)
    return True


def _read_rows(opts: UploadOptions, run: Run) -> Iterator[tuple[int, Sequence[Any]]]:
    from bulk_loader.readers import iter_rows

    reader = ReaderOptions(**run.settings.get("reader", {}))
    return iter_rows(str(opts.file), **reader.kwargs())


def _finish(opts: UploadOptions, journal: Journal, run: Run, sent: SendResult, results: Path,
            resumed: bool, started: float, note: str | None = None) -> UploadOutcome:
    counts = journal.counts(run)
    pending = count_open(counts)
    # Lost answers are read from the journal, not summed per send: a chunk sent again in a
    # later --retry-for pass and then answered is no longer lost.
    ended = early_end(pending, "sent", stopped_by=sent.stopped_by,
                      dead_server=sent.dead_server, interrupted=sent.interrupted,
                      interrupt_code=sent.interrupt_code, signal_name=sent.signal_name,
                      lost=counts.get("in_flight", 0))
    state: RunState
    if ended is not None:
        state, code, message = ended
    else:
        state = "completed"
        bad = sum(counts.get(s, 0) for s in FAILED_STATES)
        code = EXIT_SOME_FAILED if bad else EXIT_OK
        message = None
    summary = build_summary(journal, run, state=state, exit_code=code, counts=counts,
                            tally=sent.tally, tally_http=sent.http, message=message, resumed=resumed,
                            wall=time.monotonic() - started, results=results,
                            failures=_failures_path(opts, results))
    # The run's fate is journaled first, apart from its outputs: a disk that fills while they
    # are written leaves a finished run whose outputs the next invocation writes again.
    summary["outputs_written"] = False
    if note:
        summary["note"] = note
    journal.set_state(run, state, exit_code=code, summary=summary)
    _write_outputs(opts, journal, journal.refresh(run), summary)
    return UploadOutcome(summary, code)


def _write_outputs(opts: UploadOptions, journal: Journal, run: Run,
                   summary: dict[str, Any] | UploadSummary) -> None:
    """The results and failures CSVs (each written aside and renamed); marks them written."""
    results, failures = Path(summary["results"]), Path(summary["failures"])
    try:
        write_results(journal, run, results)
        headers = run.settings.get("headers")
        # Lazy: the file is re-read only if some row failed (its original cells are copied).
        read_rows = _read_rows(opts, run) if headers else None
        write_failures(journal, run, failures, headers, read_rows)
    except DiskFull as exc:
        raise DiskFull(f"run {run.run_id} is {run.state}, but its results could not be "
                       f"written: {exc}") from exc
    summary["outputs_written"] = True
    journal.set_state(run, run.state, summary=summary)
