"""`bulk-loader records` (a campaign's records, decoded) and `bulk-loader campaign` (its status)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any, TypeVar

import click
import orjson

from bulk_loader.cli.backend import (
    CAMPAIGN_REF,
    V1,
    Target,
    api_options,
    refuse_unable,
    resolve_target,
)
from bulk_loader.cli.common import endpoint_options, timeout_option
from bulk_loader.cli.profile import WHERE_KEYS, with_profile
from bulk_loader.cli.say import say
from bulk_loader.config import load_credentials
from bulk_loader.errors import UsageError

T = TypeVar("T")
ACTIONS = ("BUILD", "RESET", "START", "PAUSE", "RESUME", "RETRY", "CANCEL", "PURGE")


def _yes_no(value: bool | None) -> str:
    return "unknown" if value is None else ("yes" if value else "no")


def _when(value: datetime | None) -> str:
    return value.isoformat(timespec="seconds") if value else ""


def _noting(records: Iterator[T], every: int = 250_000) -> Iterator[T]:
    """Pass records through, saying on stderr how far a long download has got."""
    for n, record in enumerate(records, 1):
        if n % every == 0:
            click.echo(f"read {n:,} records...", err=True)
        yield record


CAMPAIGN_HELP = ("Campaign id, or its UUID with --api campaigns-v1 (or campaign in the profile, "
                 "or $BULK_LOADER_CAMPAIGN).")


def _where(params: dict[str, Any], cannot: str | None = None) -> tuple[Target, dict[str, Any]]:
    """Campaign, API and endpoint from flags, else the environment, else the profile.
    `cannot`: what a back end that cannot view has no endpoint for (exit 2 with it)."""
    p = with_profile(click.get_current_context(), params, keys=WHERE_KEYS)
    if cannot is not None:
        refuse_unable(p, "view", cannot)
    return resolve_target(p, credentials=False), p


@click.command()
@click.option("--campaign", "campaign_id", type=CAMPAIGN_REF, help=CAMPAIGN_HELP)
@api_options
@endpoint_options
@timeout_option
@click.option("--output", type=click.Path(dir_okay=False, allow_dash=True),
              help="Write every record to FILE (.csv, .json, .jsonl or .xlsx); - for stdout "
                   "(with --format).")
@click.option("--format", "fmt", type=click.Choice(["csv", "json", "jsonl", "xlsx"]),
              help="Output format; overrides the file's extension, needed for --output -.")
@click.option("--status", "statuses", multiple=True,
              help="Only records with this status (New, Queued, Accepted, Completed, Scheduled); "
                   "repeatable.")
def records(
    campaign_id: int | None, api: str, site: str | None, platform: str | None,
    base_url: str | None, profile: str | None, config_file: str | None, timeout: float,
    output: str | None, fmt: str | None, statuses: tuple[str, ...],
) -> None:
    """Show what a campaign holds: a summary by status, status-code and disposition.

    The records are read as a stream, so a campaign of millions costs little memory. With
    --output every record is written, with the codes' names beside the codes.
    """
    target, _ = _where(locals(), "list a campaign's records")
    from bulk_loader.reports import (
        STDOUT,
        RecordSummary,
        decoded_rows,
        output_format,
        parse_status_filter,
        stream_records,
        write_records,
    )

    wanted = parse_status_filter(statuses)
    if fmt and not output:
        raise UsageError("--format names the format of --output; give --output FILE or -")
    if output:
        fmt = output_format(output, fmt)  # a bad extension fails before the download
    err = output == STDOUT  # the records go to stdout: the words go to stderr
    campaign_id, endpoint = target.campaign_number(), target.endpoint
    creds = load_credentials(profile, config_file)
    summary = RecordSummary()
    rows = decoded_rows(_noting(stream_records(endpoint, creds, campaign_id, timeout=timeout)), summary, wanted)
    if output:
        written = write_records(output, rows, summary, campaign_id=campaign_id, fmt=fmt)
    else:
        written = sum(1 for _ in rows)
    click.echo(f"Campaign {campaign_id}: {summary.total:,} records", err=err)
    for line in summary.lines():
        say(line, err=err)
    which = f" with status {', '.join(statuses)}" if wanted is not None else ""
    if output:
        click.echo(f"Wrote {written:,} records{which} to {'stdout' if err else output}",
                   err=err)
    elif wanted is not None:
        click.echo(f"{written:,} records{which}")


@click.command()
@click.option("--campaign", "campaign_id", type=CAMPAIGN_REF, help=CAMPAIGN_HELP)
@api_options
@endpoint_options
@timeout_option
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object (for scripts).")
@click.option("--action", type=click.Choice(ACTIONS, case_sensitive=False),
              help="With --api campaigns-v1: the state action to send (this API's only way to "
                   "see a campaign is the answer to one).")
@click.option("--enabled/--disabled", "enabled", default=None,
              help="With --action: also enable or disable the campaign.")
def campaign(
    campaign_id: int | str | None, api: str, site: str | None, platform: str | None,
    base_url: str | None, profile: str | None, config_file: str | None, timeout: float,
    as_json: bool, action: str | None, enabled: bool | None,
) -> None:
    """Show a campaign's status in plain words (the data token's campaign-status call).

    With --api campaigns-v1, send one state action (--action START...) and show the Campaign
    that comes back: that API has no other read.
    """
    from bulk_loader.reports import campaign_status

    target, p = _where(locals())
    if target.api == V1:
        from bulk_loader.cli.campaign_v1 import show_v1_campaign

        show_v1_campaign(target, p, action, enabled, timeout, as_json)
        return
    if action is not None or enabled is not None:
        raise UsageError("--action, --enabled and --disabled are for --api campaigns-v1; the "
                         "legacy API's campaign command only reads")
    campaign_id, endpoint = target.campaign_number(), target.endpoint
    creds = load_credentials(profile, config_file)
    info = campaign_status(endpoint, creds, campaign_id, timeout=timeout)
    window = (f"{_when(info.start)} to {_when(info.end)}" if info.window
              else "none (no start and end time set)")
    state = "unknown" if info.status is None else f"{info.status_name or 'unknown'} ({info.status})"
    facts: dict[str, Any] = {
        "campaign-id": info.campaign_id, "name": info.name, "dynamic": info.dynamic,
        "enabled": info.enabled, "status": info.status, "state": info.status_name,
        "start": _when(info.start) or None, "end": _when(info.end) or None,
        "timezone": info.timezone, "records": info.record_count,
    }
    if as_json:
        click.echo(orjson.dumps(facts).decode())
        return
    say(f"Campaign {info.campaign_id}" + (f" \"{info.name}\"" if info.name else ""))
    lines = [
        ("dynamic", _yes_no(info.dynamic)),
        ("enabled", _yes_no(info.enabled)),
        ("state", state),
        ("schedule window", window),
        ("time zone", info.timezone or "not set"),
        ("records", "unknown" if info.record_count is None else f"{info.record_count:,}"),
    ]
    for name, value in lines:
        say(f"  {name + ':':<17}{value}")
    if info.dynamic is False:
        click.echo("  Not a dynamic campaign: records cannot be added to it through this API.")
