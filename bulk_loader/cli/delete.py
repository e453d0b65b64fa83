"""`bulk-loader delete (FILE | --run RUN_ID) --campaign ID (--platform P | --base-url URL) ...`"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from bulk_loader.cli.backend import CAMPAIGN_REF, api_options, refuse_unable, resolve_target
from bulk_loader.cli.common import (
    default_journal,
    endpoint_options,
    file_options,
    journal_option,
    timeout_option,
)
from bulk_loader.cli.outcome import finish, json_errors
from bulk_loader.cli.profile import WHERE_KEYS, with_profile
from bulk_loader.cli.say import say
from bulk_loader.errors import UsageError


@click.command()
@click.argument("file", type=click.Path(path_type=Path), required=False)
@click.option("--run", "source_run", metavar="RUN_ID",
              help="Undo an upload: delete the records that run added and still holds.")
@click.option("--campaign", "campaign_id", type=CAMPAIGN_REF,
              help="Campaign id (or campaign in the profile, or $BULK_LOADER_CAMPAIGN).")
@api_options
@endpoint_options
@journal_option
@file_options
@click.option("--concurrency", type=click.IntRange(1, 64), default=8, show_default=True,
              help="DELETE requests in flight at once (a 429 lowers it; it recovers slowly).")
@timeout_option
@click.option("--yes", is_flag=True, help="Do not ask for confirmation (scripts, cron).")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as one JSON object.")
@click.option("--quiet", is_flag=True, help="No progress output.")
@click.option("--no-preflight", is_flag=True, help="Skip the campaign-status check.")
@click.option("--new-run", is_flag=True, help="Start a new delete run even if this one finished.")
def delete(file: Path | None, source_run: str | None, campaign_id: int | None,
           api: str, site: str | None, platform: str | None,
           base_url: str | None, profile: str | None, config_file: str | None,
           journal: Path | None, sheet: str | None, id_column: str | None,
           schedule_column: str | None, encoding: str | None, delimiter: str | None,
           timezone_name: str | None, concurrency: int, timeout: float, yes: bool, as_json: bool, quiet: bool,
           no_preflight: bool, new_run: bool) -> None:
    """Remove records from a campaign so they are not dialed again.

    FILE lists customer ids (read like an upload file); --run RUN_ID removes what that upload
    added and still holds, and lists what it left and why. 204 counts as deleted and 404 as
    already absent; a record being offered to an agent is busy and tried again by the same
    command later. The delete is a journal run of its own: running the same command again
    resumes it. Exit codes: 0 all deleted or absent, 1 some failed, 2 usage or input error
    (nothing sent), 3 stopped early or some busy (re-run later), 4 the campaign refuses deletes
    (fix it, then re-run), 5 internal error, 130 Ctrl-C, 143 SIGTERM.
    """
    from contextlib import ExitStack

    from bulk_loader.config import load_credentials
    from bulk_loader.delete import DeleteOptions, format_summary, run_delete
    from bulk_loader.model import ReaderOptions
    from bulk_loader.readers import local_input
    from bulk_loader.runs import choose_mode

    with json_errors(as_json), ExitStack() as stack:
        p = with_profile(click.get_current_context(), locals(), keys=WHERE_KEYS)
        refuse_unable(p, "delete", "delete a record")
        target = resolve_target(p, credentials=False)
        campaign_id, journal = target.campaign_number(), p["journal"]
        if timezone_name:
            raise UsageError("--timezone does not apply to delete: only the customer ids are read")
        if (file is None) == (source_run is None):
            raise UsageError("give either a FILE of customer ids or --run RUN_ID (not both)")
        if not yes and not sys.stdin.isatty():
            raise UsageError("refusing to delete without confirmation: there is no terminal to "
                             "ask on, so add --yes")

        label = None
        if file is not None:  # standard input, a pipe or gzip: a plain copy (input_source)
            copy, label = stack.enter_context(local_input(file))
            label, file = (None if copy == file else label), copy

        def confirm(text: str) -> bool:
            try:
                return yes or click.confirm(text, default=False, err=True)
            except click.exceptions.Abort:  # Ctrl-C at the question: exit 130, as documented
                raise KeyboardInterrupt from None

        opts = DeleteOptions(
            campaign_id=campaign_id,
            endpoint=target.endpoint,
            credentials=load_credentials(profile, config_file),
            journal_path=journal or default_journal(),
            file=file,
            source_run=source_run,
            reader=ReaderOptions(sheet=sheet, encoding=encoding, delimiter=delimiter,
                                 id_column=id_column, schedule_column=schedule_column),
            concurrency=concurrency,
            timeout=timeout,
            preflight=not no_preflight,
            new_run=new_run,
            confirm=confirm,
            progress=choose_mode(quiet),
            notice=lambda text: None if quiet else say(text, err=True),
            file_label=label,
        )
        outcome = run_delete(opts)
    finish(outcome.summary, outcome.exit_code, as_json, format_summary)
