"""`bulk-loader upload FILE --campaign ID (--platform P | --base-url URL) ...`

Every option may instead come from the environment (BULK_LOADER_<KEY>) or a profile
(--profile NAME): flags first, then the environment, then the profile (cli/profile.py).
"""

from __future__ import annotations

import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import click

from bulk_loader.cli.backend import CAMPAIGN_REF, api_options, resolve_target
from bulk_loader.cli.common import (
    clock_skew_option,
    default_journal,
    endpoint_options,
    file_options,
    journal_option,
    timeout_option,
)
from bulk_loader.cli.export_options import export_options
from bulk_loader.cli.job_outputs import JobOutputs
from bulk_loader.cli.outcome import finish, json_errors
from bulk_loader.cli.profile import with_profile
from bulk_loader.cli.say import say
from bulk_loader.errors import UsageError

FILE_PATH = click.Path(dir_okay=False, path_type=Path)
CHUNK_DEFAULT = 1000  # the legacy API's; a back end that takes fewer gets its largest batch


@click.command()
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--campaign", "campaign_id", type=CAMPAIGN_REF,
              help="Dynamic campaign id, or its UUID with --api campaigns-v1.")
@api_options
@endpoint_options
@journal_option
@file_options
@export_options
@click.option("--chunk-size", type=click.IntRange(1, 100_000), default=CHUNK_DEFAULT,
              show_default=True,
              help="Records per request (1 = one record per request); with --api "
                   "campaigns-v1 at most 100, its default.")
@click.option("--concurrency", type=click.IntRange(1, 64), default=4, show_default=True,
              help="Requests in flight at once (a 429 lowers it; it recovers slowly).")
@clock_skew_option
@timeout_option
@click.option("--results", type=FILE_PATH,
              help="Results CSV (default: results/<run_id>.results.csv beside the journal). "
                   "The failures CSV goes beside it as <name>.failures.csv.")
@click.option("--results-dir", type=click.Path(file_okay=False, path_type=Path),
              help="Folder for <run_id>.results.csv and .failures.csv (instead of --results).")
@click.option("--retry-for", default=None, metavar="DURATION",
              help="Ride out a server that does not answer (preflight or mid-run) for up to "
                   "this long, e.g. 15m or 2h, before stopping with exit 3 (default: stop at "
                   "once).")
@click.option("--max-rate", type=click.FloatRange(min=0, min_open=True),
              help="At most this many requests per second for the whole run.")
@click.option("--metrics-file", type=FILE_PATH,
              help="Write the run's figures here in the Prometheus text format (node_exporter "
                   "textfile collector), at the end and on every stop.")
@click.option("--log-file", type=FILE_PATH,
              help="Append the run's events here as JSON lines (start, preflight, retries, "
                   "stops, end).")
@click.option("--trace-http", type=FILE_PATH,
              help="Append every HTTP request here as a JSON line (method, path, status, "
                   "attempt, ms; no headers).")
@click.option("--trace-bodies", is_flag=True,
              help="With --trace-http, also write request and answer bodies (customer ids).")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as one JSON object.")
@click.option("--quiet", is_flag=True,
              help="No progress output (the reason of a stop still goes to stderr).")
@click.option("--dry-run", is_flag=True, help="Read, validate and preflight; send nothing.")
@click.option("--no-preflight", is_flag=True,
              help="Skip the campaign-status check (and with it the campaign time zone/window).")
@click.option("--new-run", is_flag=True, help="Start a new run even if this file was uploaded.")
@click.option("--skip-known", is_flag=True,
              help="Do not send ids the journal knows are in the campaign (added by an earlier "
                   "run, not removed since); report them already-present.")
@click.option("--reschedule", is_flag=True,
              help="For an id already in the campaign whose call time in the file differs from "
                   "the journal's, delete it, then add it with the new time.")
def upload(**given: Any) -> None:
    """Upload FILE (CSV or XLSX; - for standard input) into a dynamic campaign, resumably.

    Running the same command again resumes an interrupted run; a finished run prints its
    summary again and sends nothing. Exit codes: 0 all accepted (or already present, or nothing to
    send), 1 some rows rejected, invalid or failed, 2 usage or input error (nothing sent), 3 stopped early
    (resumable), 4 the campaign refuses records (fix it, then re-run), 5 internal error,
    130 Ctrl-C, 143 SIGTERM.
    """
    started = time.monotonic()
    with json_errors(given["as_json"]):
        p = with_profile(click.get_current_context(), given)
    outputs = JobOutputs(p, started)
    with outputs:
        with json_errors(p["as_json"]):
            outputs.open()
            outcome = _run(p, outputs)
        outputs.summary = outcome.summary
        if p["dry_run"]:
            from bulk_loader.upload import (
                format_dry_run,  # only here: it imports the validator
            )

            finish(outcome.summary, outcome.exit_code, p["as_json"], format_dry_run)
        else:
            from bulk_loader.upload import format_summary

            finish(outcome.summary, outcome.exit_code, p["as_json"], format_summary)


def _run(p: dict[str, Any], outputs: JobOutputs) -> Any:
    from bulk_loader.readers import aliases_from_config, local_input
    from bulk_loader.upload import run_upload

    resolve_target(p, credentials=False)  # api, site, campaign: checked before the file
    if p["results"] and p["results_dir"]:
        raise UsageError("give --results or --results-dir, not both")
    with aliases_from_config(p["profile"], p["config_file"]), \
            local_input(p["file"]) as (path, label):
        return run_upload(_options(p, outputs, path, None if path == p["file"] else label))


def _chunk_size(p: dict[str, Any], target: Any) -> int:
    """--chunk-size, or the back end's largest batch when it was left at the default and the
    API takes less (the Campaigns API v1: 100), so that no note is printed for a default."""
    from click.core import ParameterSource

    from bulk_loader.api import capabilities_of

    size: int = p["chunk_size"]
    ctx = click.get_current_context(silent=True)
    if size == CHUNK_DEFAULT and (
            ctx is None or ctx.get_parameter_source("chunk_size") == ParameterSource.DEFAULT):
        return min(size, capabilities_of(target.api).largest_batch)
    return size


def _options(p: dict[str, Any], outputs: JobOutputs, path: Path, label: str | None) -> Any:
    from bulk_loader.model import ReaderOptions
    from bulk_loader.readers import ExportOptions
    from bulk_loader.runs import choose_mode, parse_duration
    from bulk_loader.upload import UploadOptions

    quiet = p["quiet"]
    target = resolve_target(p)
    outputs.secrets(target.secrets())
    opts = UploadOptions(
        file=path,
        campaign_id=target.campaign if target.campaign is not None else p["campaign_id"],
        endpoint=target.endpoint,
        credentials=outputs.credentials(target.credentials) if target.credentials else None,
        api=target.api, site=target.site, auth=target.auth,
        journal_path=p["journal"] or default_journal(),
        chunk_size=_chunk_size(p, target),
        concurrency=p["concurrency"],
        timezone=p["timezone_name"],
        reader=ReaderOptions(sheet=p["sheet"], encoding=p["encoding"],
                             delimiter=p["delimiter"], id_column=p["id_column"],
                             schedule_column=p["schedule_column"]),
        results=p["results"],
        results_dir=p["results_dir"],
        dry_run=p["dry_run"],
        preflight=not p["no_preflight"],
        new_run=p["new_run"],
        skip_known=p["skip_known"],
        reschedule=p["reschedule"],
        clock_skew=timedelta(seconds=p["clock_skew"]),
        timeout=p["timeout"],
        progress=choose_mode(quiet),
        notice=lambda text: None if quiet else say(text, err=True),
        warn=lambda text: say(text, err=True),
        retry_for=parse_duration(p["retry_for"]),
        max_rate=p["max_rate"],
        log=outputs.log,
        trace=outputs.trace,
        exports=ExportOptions(p["date_formats"], p["timezone_column"], p["no_schedule"]),
        file_label=label,
    )
    outputs.started(opts)
    return opts
