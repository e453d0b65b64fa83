"""`bulk-loader upload FILE --campaign ID (--platform P | --base-url URL) ...`"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import click

from bulk_loader.cli.common import (
    clock_skew_option,
    default_journal,
    endpoint_options,
    file_options,
    journal_option,
)
from bulk_loader.cli.export_options import export_options
from bulk_loader.cli.outcome import finish, json_errors


@click.command()
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--campaign", "campaign_id", type=int, required=True, help="Dynamic campaign id.")
@endpoint_options
@journal_option
@file_options
@export_options
@click.option("--chunk-size", type=click.IntRange(1, 100_000), default=1000, show_default=True,
              help="Records per request (1 = one record per request).")
@click.option("--concurrency", type=click.IntRange(1, 64), default=4, show_default=True,
              help="Requests in flight at once (a 429 lowers it; it recovers slowly).")
@clock_skew_option
@click.option("--results", type=click.Path(dir_okay=False, path_type=Path),
              help="Results CSV (default: results/<run_id>.results.csv beside the journal). "
                   "The failures CSV goes beside it as <name>.failures.csv.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as one JSON object.")
@click.option("--quiet", is_flag=True, help="No progress output.")
@click.option("--dry-run", is_flag=True, help="Read, validate and preflight; send nothing.")
@click.option("--no-preflight", is_flag=True,
              help="Skip the campaign-status check (and with it the campaign time zone/window).")
@click.option("--new-run", is_flag=True, help="Start a new run even if this file was uploaded.")
def upload(file: Path, campaign_id: int, platform: str | None, base_url: str | None,
           profile: str | None, config_file: str | None, journal: Path | None,
           sheet: str | None, id_column: str | None, schedule_column: str | None,
           encoding: str | None, delimiter: str | None, timezone_name: str | None,
           date_formats: tuple[str, ...], timezone_column: str | None, no_schedule: bool,
           chunk_size: int, concurrency: int, clock_skew: float, results: Path | None,
           as_json: bool, quiet: bool, dry_run: bool, no_preflight: bool, new_run: bool) -> None:
    """Upload FILE (CSV or XLSX; - for standard input) into a dynamic campaign, resumably.

    Running the same command again resumes an interrupted run; a finished run prints its
    summary again and sends nothing. Exit codes: 0 all accepted, 1 some rows rejected, invalid
    or failed, 2 usage or input error (nothing sent), 3 stopped early (resumable), 130 Ctrl-C.
    """
    from bulk_loader.config import load_credentials, resolve_endpoint
    from bulk_loader.exports import ExportOptions
    from bulk_loader.header_config import aliases_from_config
    from bulk_loader.input_source import local_input
    from bulk_loader.model import ReaderOptions
    from bulk_loader.progress import choose_mode
    from bulk_loader.upload import UploadOptions, run_upload
    from bulk_loader.upload_summary import format_summary

    with json_errors(as_json), aliases_from_config(profile, config_file), \
            local_input(file) as (path, label):
        opts = UploadOptions(
            file=path,
            campaign_id=campaign_id,
            endpoint=resolve_endpoint(platform, base_url),
            credentials=load_credentials(profile, config_file),
            journal_path=journal or default_journal(),
            chunk_size=chunk_size,
            concurrency=concurrency,
            timezone=timezone_name,
            reader=ReaderOptions(sheet=sheet, encoding=encoding, delimiter=delimiter,
                                 id_column=id_column, schedule_column=schedule_column),
            results=results,
            dry_run=dry_run,
            preflight=not no_preflight,
            new_run=new_run,
            clock_skew=timedelta(seconds=clock_skew),
            progress=choose_mode(quiet),
            notice=lambda text: None if quiet else click.echo(text, err=True),
            exports=ExportOptions(date_formats, timezone_column, no_schedule),
            file_label=None if path == file else label,
        )
        outcome = run_upload(opts)
    if dry_run:
        from bulk_loader.upload_dry import format_dry_run  # only here: it imports the validator

        finish(outcome.summary, outcome.exit_code, as_json, format_dry_run)
    else:
        finish(outcome.summary, outcome.exit_code, as_json, format_summary)
