"""`bulk-loader runs` (the journal's runs) and `bulk-loader report` (one run's results, reconciled)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
import orjson

from bulk_loader.cli.common import default_journal, endpoint_options, journal_option
from bulk_loader.cli.say import say
from bulk_loader.errors import JournalError, UsageError

OUTCOME_ORDER = ("accepted", "deleted", "absent", "rejected", "invalid", "failed", "pending",
                 "in_flight")


def _open_existing(path: Path | None) -> Any:
    from bulk_loader.journal import Journal

    p = (path or default_journal()).expanduser()
    if not p.exists():
        raise JournalError(f"there is no journal at {p} yet: nothing has been run with it")
    return Journal.open(p)


def _counts_text(counts: dict[str, int]) -> str:
    order = {k: i for i, k in enumerate(OUTCOME_ORDER)}
    items = sorted(counts.items(), key=lambda kv: (order.get(kv[0], 99), kv[0]))
    return ", ".join(f"{k.replace('_', '-')} {n:,}" for k, n in items) or "no records"


def _when(ts: str | None) -> str:
    return ts[:19].replace("T", " ") if ts else ""


@click.command()
@journal_option
@click.option("--kind", type=click.Choice(["upload", "delete"]), help="Only runs of this kind.")
@click.option("--limit", type=click.IntRange(min=1), default=50, show_default=True,
              help="Newest runs to list.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per run, one per line.")
def runs(journal: Path | None, kind: str | None, limit: int, as_json: bool) -> None:
    """List the journal's runs, newest first, with their counts by outcome."""
    with _open_existing(journal) as j:
        listed = j.list_runs(kind=kind, limit=limit)
        undone: dict[str, list[str]] = {}
        for run_id, source in j.conn.execute(
                "SELECT run_id, source_run FROM runs WHERE source_run IS NOT NULL ORDER BY seq"):
            undone.setdefault(source, []).append(run_id)
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
@click.option("--output", type=click.Path(dir_okay=False), required=True,
              help="Report file: .csv, .json, .jsonl or .xlsx (Summary, Results, Failures, "
                   "Campaign sheets).")
@journal_option
@click.option("--reconcile", is_flag=True,
              help="Also fetch the campaign's records (data token) and set them beside the run.")
@endpoint_options
def report(run_id: str | None, latest: bool, output: str, journal: Path | None, reconcile: bool,
           platform: str | None, base_url: str | None, profile: str | None,
           config_file: str | None) -> None:
    """Write a run's results as CSV, JSON or XLSX; --reconcile compares them with the campaign."""
    from bulk_loader.report import output_format
    from bulk_loader.report_run import RunReport, write_run_report

    fmt = output_format(output)
    if bool(run_id) == latest:
        raise UsageError("give a RUN_ID (see `bulk-loader runs`) or --latest, not both")
    if not reconcile and (platform or base_url):
        raise UsageError("--platform and --base-url are only used with --reconcile")
    with _open_existing(journal) as j:
        run = j.latest_run() if latest else j.get_run(run_id or "")
        if run is None:
            raise JournalError("the journal holds no runs yet")
        from bulk_loader.reconcile import Workspace

        with Workspace() as ws:
            rep = RunReport(j, run, ws)
            rep.load_deletions()
            if reconcile:
                sheet = fmt == "xlsx"  # only XLSX lists the campaign's records
                _reconcile(rep, platform, base_url, profile, config_file, sheet)
            parts = write_run_report(output, rep)
            summary = rep.summary_dict()
    _print_summary(summary)
    where = "; ".join(f"{name} {n:,}" for name, n in parts)
    click.echo(f"Wrote {output} ({where})")


def _reconcile(rep: Any, platform: str | None, base_url: str | None, profile: str | None,
               config_file: str | None, keep_all: bool) -> None:
    from bulk_loader.campaign_fetch import stream_records
    from bulk_loader.config import load_credentials, resolve_endpoint

    run = rep.run
    if run.campaign_id is None or not run.endpoint:
        raise UsageError(f"run {run.run_id} has no campaign or endpoint to reconcile with")
    endpoint = resolve_endpoint(platform, base_url) if (platform or base_url) else run.endpoint
    if endpoint.rstrip("/") != run.endpoint.rstrip("/"):
        raise UsageError(f"run {run.run_id} was sent to {run.endpoint}, not {endpoint}")
    creds = load_credentials(profile, config_file)
    click.echo(f"fetching the records of campaign {run.campaign_id}...", err=True)
    rep.load_campaign(stream_records(endpoint, creds, run.campaign_id), keep_all)


def _print_summary(summary: dict[str, Any]) -> None:
    click.echo(f"Report of {summary['Run']} ({summary['Kind']}, {summary['State']}), "
               f"campaign {summary.get('Campaign', '?')}")
    outcomes = summary.get("Outcomes", {})
    width = max((len(f"{n:,}") for n in outcomes.values()), default=1)
    for name, n in outcomes.items():
        click.echo(f"  {name:<9} {n:>{width},}")
    if summary.get("Later delete runs"):
        click.echo(f"  removed since by {summary['Later delete runs']}: "
                   f"{summary['Records removed since by them']:,}")
    recon = summary.get("Reconciliation")
    if recon:
        click.echo("Reconciliation:")
        for key, value in recon.items():
            text = f"{value:,}" if isinstance(value, int) else str(value)
            say(f"  {key}: {text}")
        camp = summary.get("Campaign records", {})
        for key in ("by-status", "by-status-code", "by-disposition"):
            parts = ", ".join(f"{k} {n:,}" for k, n in camp.get(key, {}).items())
            say(f"  campaign {key}: {parts or 'none'}")
        if summary.get("Note"):
            say(f"Note: {summary['Note']}")
