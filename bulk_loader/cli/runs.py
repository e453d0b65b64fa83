"""`bulk-loader runs` (the journal's runs) and `bulk-loader report` (one run's results, reconciled)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
import orjson

from bulk_loader.cli.backend import CAMPAIGN_REF, LEGACY, api_option, refuse_unable
from bulk_loader.cli.common import default_journal, endpoint_options, journal_option
from bulk_loader.cli.say import say
from bulk_loader.errors import JournalError, UsageError
from bulk_loader.journal import undone_by
from bulk_loader.states import ALREADY, COUNTS_ORDER, FAILED_STATES, RUN_STATES, RunState
from bulk_loader.summaries import RunReportSummary

NO_RECONCILE = ("so --reconcile cannot compare {run} with the campaign; without --reconcile the "
                "report is read from the journal and works")


def _open_existing(path: Path | None) -> Any:
    from bulk_loader.journal import Journal

    p = (path or default_journal()).expanduser()
    if not p.exists():
        raise JournalError(f"there is no journal at {p} yet: nothing has been run with it")
    return Journal.open(p)


def _counts_text(counts: dict[str, int]) -> str:
    order = {k: i for i, k in enumerate(COUNTS_ORDER)}
    items = sorted(counts.items(), key=lambda kv: (order.get(kv[0], 99), kv[0]))
    return ", ".join(f"{k.replace('_', '-')} {n:,}" for k, n in items) or "no records"


def _when(ts: str | None) -> str:
    return ts[:19].replace("T", " ") if ts else ""


@click.command()
@journal_option
@click.option("--kind", type=click.Choice(["upload", "delete"]), help="Only runs of this kind.")
@click.option("--limit", type=click.IntRange(min=1), default=50, show_default=True,
              help="Newest runs to list.")
@click.option("--campaign", "campaign_id", type=CAMPAIGN_REF,
              help="Only runs on this campaign (a number, or a v1 campaign's UUID).")
@click.option("--since", help="Only runs started since WHEN: a UTC date or time "
                              "(2026-11-28, 2026-11-28T02:00) or a duration back from now (24h, 7d).")
@click.option("--state", "states", multiple=True, type=click.Choice(RUN_STATES),
              help="Only runs in this state (repeat for several).")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per run, one per line.")
def runs(journal: Path | None, kind: str | None, limit: int, campaign_id: int | str | None,
         since: str | None, states: tuple[RunState, ...], as_json: bool) -> None:
    """List the journal's runs, newest first, with their counts by outcome."""
    from bulk_loader.reports import RunFilter, since_iso

    wanted = RunFilter(kind=kind, campaign_id=campaign_id, since=since_iso(since),
                       states=states)
    with _open_existing(journal) as j:
        listed = wanted.runs(j, limit)
        undone = undone_by(j)
        table = []
        for r in listed:
            counts = j.counts(r)
            item = {"run_id": r.run_id, "kind": r.kind, "campaign_id": r.campaign_id,
                    "state": r.state, "exit_code": r.exit_code, "started": r.created_at,
                    "finished": r.finished_at, "file": r.file_path, "source_run": r.source_run,
                    "endpoint": r.endpoint, "counts": counts,
                    "undone_by": undone.get(r.run_id, [])}
            table.append(item)
    if as_json:
        for item in table:
            click.echo(orjson.dumps(item).decode())
        return
    if not table:
        click.echo("no runs in the journal yet")
        return
    head = ("RUN", "KIND", "CAMPAIGN", "STATE", "STARTED (UTC)", "FINISHED (UTC)", "OUTCOMES",
            "FILE")
    lines = [head]
    for it in table:
        outcomes = _counts_text(it["counts"])
        if it["undone_by"]:
            outcomes += f" (undone by {', '.join(it['undone_by'])})"
        source = it["file"] or (f"from {it['source_run']}" if it["source_run"] else "")
        lines.append((it["run_id"], it["kind"], str(it["campaign_id"] or ""), it["state"],
                      _when(it["started"]), _when(it["finished"]), outcomes, source))
    widths = [max(len(line[i]) for line in lines) for i in range(len(head) - 1)]
    for line in lines:
        say("  ".join(c.ljust(w) for c, w in zip(line, widths, strict=False))
                   + "  " + line[-1])


@click.command()
@click.argument("run_id", required=False)
@click.option("--latest", is_flag=True, help="The newest run in the journal.")
@click.option("--campaign", "campaign_id", type=CAMPAIGN_REF,
              help="A period report of this campaign's runs (with --since); a number, or a v1 "
                   "campaign's UUID.")
@click.option("--since", help="Start of the period: 2026-11-23, 2026-11-23T08:00, 7d, 12h, "
                              "today, yesterday.")
@click.option("--until", help="End of the period (default: now); a bare date includes that day.")
@click.option("--output", type=click.Path(dir_okay=False, allow_dash=True), required=True,
              help="Report file: .csv, .json, .jsonl or .xlsx (Summary, Results, Failures, "
                   "Campaign sheets); - for stdout (with --format).")
@click.option("--format", "fmt", type=click.Choice(["csv", "json", "jsonl", "xlsx"]),
              help="Output format; overrides the file's extension, needed for --output -.")
@click.option("--timezone", "timezone_name",
              help="Zone of the XLSX's times and of the period's days (default: the run's own "
                   "--timezone, else the campaign's zone, else UTC).")
@journal_option
@click.option("--reconcile", is_flag=True,
              help="Also fetch the campaign's records (data token) and set them beside the run.")
@api_option
@endpoint_options
def report(run_id: str | None, latest: bool, campaign_id: int | str | None, since: str | None,
           until: str | None, output: str, fmt: str | None, timezone_name: str | None,
           journal: Path | None, reconcile: bool, api: str, platform: str | None,
           base_url: str | None, profile: str | None, config_file: str | None) -> None:
    """Write a run's results as CSV, JSON or XLSX; --reconcile compares them with the campaign.

    With --campaign ID --since WHEN [--until WHEN]: a period report of every run on the
    campaign instead (one line per run, per day, top reasons, against the previous period);
    --platform or --base-url keeps the runs sent there only."""
    from bulk_loader.reports import STDOUT, output_format

    fmt = output_format(output, fmt)
    err = output == STDOUT  # the report itself goes to stdout: the words go to stderr
    if reconcile:
        from bulk_loader.cli.profile import with_profile

        refuse_unable(with_profile(click.get_current_context(), locals(), keys=("api",)),
                      "view", "list a campaign's records", NO_RECONCILE.format(run="a run"))
    if campaign_id is not None or since or until:
        if run_id or latest:
            raise UsageError("give a RUN_ID, --latest, or --campaign with --since, not several")
        if campaign_id is None or not since:
            raise UsageError("a period report needs --campaign ID and --since WHEN")
        if reconcile:
            raise UsageError("--reconcile is for one run's report")
        from bulk_loader.config import resolve_endpoint

        endpoint = resolve_endpoint(platform, base_url) if (platform or base_url) else None
        _period_report(campaign_id, since, until, output, fmt, timezone_name, journal, err,
                       endpoint)
        return
    if bool(run_id) == latest:
        raise UsageError("give a RUN_ID (see `bulk-loader runs`) or --latest, not both")
    if not reconcile and (platform or base_url):
        raise UsageError("--platform and --base-url are only used with --reconcile")
    from bulk_loader.reports import RunReport, report_zone, write_run_report

    report_zone(timezone_name)  # a bad --timezone fails before any work
    with _open_existing(journal) as j:
        run = j.latest_run() if latest else j.get_run(run_id or "")
        if run is None:
            raise JournalError("the journal holds no runs yet")
        from bulk_loader.reports import Workspace

        with Workspace() as ws:
            rep = RunReport(j, run, ws)
            rep.load_deletions()
            campaign_zone = None
            if reconcile:
                sheet = fmt == "xlsx"  # only XLSX lists the campaign's records
                campaign_zone = _reconcile(rep, platform, base_url, profile, config_file, sheet)
            rep.local = report_zone(timezone_name, run.settings, campaign_zone)
            parts = write_run_report(output, rep, fmt)
            summary = rep.summary_dict()
    _print_summary(summary, err)
    where = "; ".join(f"{name} {n:,}" for name, n in parts)
    click.echo(f"Wrote {'stdout' if err else output} ({where})", err=err)


def _period_report(campaign_id: int | str, since: str, until: str | None, output: str, fmt: str,
                   timezone_name: str | None, journal: Path | None, err: bool,
                   endpoint: str | None) -> None:
    from bulk_loader.reports import PeriodReport, report_zone, write_period_report
    from bulk_loader.validation import parse_period

    local = report_zone(timezone_name)
    start, end = parse_period(since, until, zone=local.zone)
    with _open_existing(journal) as j:
        rep = PeriodReport(j, campaign_id, start, end, local, endpoint)
        parts = write_period_report(output, rep, fmt)
    this, before = rep.this.totals(), rep.previous.totals()

    def say(text: str) -> None:
        click.echo(text, err=err)

    say(f"Campaign {campaign_id}, {local.local(start):%Y-%m-%d %H:%M} to "
        f"{local.local(end):%Y-%m-%d %H:%M} ({local.name}): {this['loads']:,} loads "
        f"(previous period {before['loads']:,}), {len(rep.this.not_counted):,} runs not counted")
    for key in ("accepted", ALREADY, *FAILED_STATES):
        say(f"  {key:<16}{this[key]:>12,}   previous {before[key]:>12,}")
    where = "; ".join(f"{name} {n:,}" for name, n in parts)
    say(f"Wrote {'stdout' if err else output} ({where})")


def _reconcile(rep: Any, platform: str | None, base_url: str | None, profile: str | None,
               config_file: str | None, keep_all: bool) -> str | None:
    """Load the campaign's records into the report; returns the campaign's time zone."""
    from bulk_loader.config import load_credentials, resolve_endpoint
    from bulk_loader.errors import ApiError
    from bulk_loader.reports import campaign_status, stream_records

    run = rep.run
    if run.campaign_id is None or not run.endpoint:
        raise UsageError(f"run {run.run_id} has no campaign or endpoint to reconcile with")
    refuse_unable({"api": run.api or LEGACY}, "view", "list a campaign's records",
                  NO_RECONCILE.format(run=f"run {run.run_id}"))
    endpoint = resolve_endpoint(platform, base_url) if (platform or base_url) else run.endpoint
    if endpoint.rstrip("/") != run.endpoint.rstrip("/"):
        raise UsageError(f"run {run.run_id} was sent to {run.endpoint}, not {endpoint}")
    creds = load_credentials(profile, config_file)
    click.echo(f"fetching the records of campaign {run.campaign_id}...", err=True)
    zone = None
    try:  # its state (a purge?) and zone help the report; the records are what it needs
        info = campaign_status(endpoint, creds, run.campaign_id)
        zone = info.timezone
        if info.status is not None:
            rep.campaign_state = f"{info.status_name or 'unknown'} ({info.status})"
    except ApiError as exc:
        click.echo(f"note: the campaign's status could not be read ({exc})", err=True)
    from bulk_loader.reports import RESULTS_SHEET_MAX

    rep.load_campaign(stream_records(endpoint, creds, run.campaign_id), keep_all,
                      RESULTS_SHEET_MAX)
    return zone


def _print_summary(summary: RunReportSummary, err: bool = False) -> None:
    """The report's summary in words: the labels live here, the JSON has machine keys."""
    from bulk_loader.reports import RECON_LABELS

    def say(text: str) -> None:
        click.echo(text, err=err)

    campaign = summary["campaign_id"] if summary["campaign_id"] is not None else "?"
    say(f"Report of {summary['run_id']} ({summary['kind']}, {summary['state']}), "
        f"campaign {campaign}")
    outcomes = summary["outcomes"]
    width = max((len(f"{n:,}") for n in outcomes.values()), default=1)
    for name, n in outcomes.items():
        say(f"  {name:<9} {n:>{width},}")
    if summary["later_delete_runs"]:
        say(f"  removed since by {', '.join(summary['later_delete_runs'])}: "
            f"{summary['removed_since']:,}")
    recon = summary.get("reconciliation")
    if recon:
        say("Reconciliation:")
        for key, label in RECON_LABELS.items():
            if key in recon:
                value = recon.get(key)  # type: ignore[misc]
                say(f"  {label}: {f'{value:,}' if isinstance(value, int) else value}")
        counted = recon["runs_counted"]
        say(f"  Runs counted ({len(counted)}): {', '.join(counted)}")
        if recon["runs_not_counted"]:
            say(f"  Runs not counted ({len(recon['runs_not_counted'])}): " + ", ".join(
                f"{r['run_id']} ({r['why']})" for r in recon["runs_not_counted"]))
        if recon["unfinished_runs"]:
            say("  Unfinished runs: " + ", ".join(
                f"{r['run_id']} ({r['open_records']:,} records open)"
                for r in recon["unfinished_runs"]))
        camp = summary.get("campaign_records", {})
        for key, word in (("by_status", "by-status"), ("by_status_code", "by-status-code"),
                          ("by_disposition", "by-disposition")):
            parts = ", ".join(f"{k} {n:,}" for k, n in camp.get(key, {}).items())  # type: ignore[attr-defined]
            say(f"  campaign {word}: {parts or 'none'}")
        for item in summary.get("reconciliation_advice", []):
            say(f"  likely cause: {item['cause']}; narrow it down: {item['narrow_it_down']}")
        if summary.get("note"):
            say(f"Note: {summary.get('note')}")
