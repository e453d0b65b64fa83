"""Reconciliation that says what to do: what the journal expects a campaign to hold, and, for a
difference, its likely causes with the command that narrows each one down.

The journal's expectation is added minus removed over every run on the campaign and endpoint
(however spelt: an old journal may hold `http://localhost:P/` beside `http://127.0.0.1:P`):
records accepted by uploads, minus records deleted by delete runs (absent ones removed nothing).
A run that failed before sending (state `failed`, exit 2) or that holds no record took nothing,
so it is listed apart, never counted. A run with records still pending or in flight is counted
for what it has done so far and named as unfinished: finishing it changes the figure.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bulk_loader.endpoint import normalise, split
from bulk_loader.errors import UsageError
from bulk_loader.journal import OPEN_CHUNK_STATES, Journal, Run, runs_on_campaign


@dataclass
class Expectation:
    records: int = 0  # what the campaign should hold according to the journal
    counted: list[str] = field(default_factory=list)
    not_counted: list[tuple[str, str]] = field(default_factory=list)  # (run, why)
    unfinished: list[tuple[str, int]] = field(default_factory=list)  # (run, open records)
    elsewhere: list[tuple[str, str]] = field(default_factory=list)  # (run, its other endpoint)


def same_endpoint(a: str | None, b: str | None) -> bool:
    """One API root however spelt (endpoint.py): a journal from before endpoints were
    normalised holds `http://localhost:P/` beside `http://127.0.0.1:P`."""
    return _spelling(a) == _spelling(b)


def _spelling(url: str | None) -> str:
    try:
        return normalise(split(url or ""))
    except UsageError:
        return (url or "").rstrip("/")


def not_a_load(run: Run, counts: dict[str, int]) -> str | None:
    """Why a run took nothing (and is not a load), or None."""
    if run.state == "failed":
        return f"failed before sending (exit {run.exit_code if run.exit_code is not None else 2})"
    if not sum(counts.values()):
        return "had no rows"
    return None


def journal_expectation(journal: Journal, run: Run) -> Expectation:
    """Added minus removed, over every run on `run`'s campaign and endpoint."""
    out = Expectation()
    for run_id, endpoint in runs_on_campaign(journal, run.campaign_id):
        if not same_endpoint(endpoint, run.endpoint):
            out.elsewhere.append((run_id, endpoint or "no endpoint"))
            continue
        other = journal.get_run(run_id)
        counts = journal.counts(other)
        why = not_a_load(other, counts)
        if why is not None:
            out.not_counted.append((run_id, why))
            continue
        out.counted.append(run_id)
        if other.kind == "upload":
            out.records += counts.get("accepted", 0)
        else:
            out.records -= counts.get("deleted", 0)
        still_open = sum(counts.get(s, 0) for s in OPEN_CHUNK_STATES)
        if still_open:
            out.unfinished.append((run_id, still_open))
    return out


def advice(difference: int, campaign_id: Any, expected: Expectation,
           campaign_state: str | None = None) -> list[tuple[str, str]]:
    """(likely cause, how to narrow it down) for a difference of campaign minus journal."""
    if difference == 0:
        return []
    cid = campaign_id
    records_cmd = f"bulk-loader records --campaign {cid} --output records.csv"
    out: list[tuple[str, str]] = []
    for run_id, n in expected.unfinished:
        out.append((f"{run_id} is unfinished: {n:,} records not sent or not answered yet",
                    f"re-run the command of {run_id} to finish it, then `bulk-loader report "
                    f"{run_id} --output {run_id}.xlsx`"))
    if expected.elsewhere:
        names = ", ".join(sorted({ep for _, ep in expected.elsewhere}))
        runs = ", ".join(r for r, _ in expected.elsewhere[:5])
        more = f" and {len(expected.elsewhere) - 5:,} more" if len(expected.elsewhere) > 5 else ""
        out.append((f"runs of this journal on campaign {cid} through another endpoint ({names}: "
                    f"{runs}{more}) are not counted here; if it is the same server, they "
                    "explain the difference",
                    f"`bulk-loader runs --campaign {cid} --json` shows each run's endpoint"))
    if difference > 0:
        out.append((f"{difference:,} records added outside this journal (another journal file, "
                    "another tool, or by hand in Configuration Manager)",
                    f"`bulk-loader runs --journal OTHER.sqlite` for other journals; "
                    f"`{records_cmd}` lists every record with its status"))
    else:
        purge = (f", or by the campaign's purge (its state is {campaign_state})"
                 if campaign_state and "Purged" in campaign_state
                 else " or by a purge of the campaign")
        out.append((f"{-difference:,} records removed in Configuration Manager{purge}",
                    f"`bulk-loader campaign --campaign {cid}` shows the campaign's state (Manual "
                    f"Purged after a purge); `{records_cmd}` lists what is left"))
    return out
