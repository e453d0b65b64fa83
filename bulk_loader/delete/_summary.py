"""The delete summary (one dict: stored in the journal, printed by --json) and its text form."""

from __future__ import annotations

import time
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from bulk_loader import __version__
from bulk_loader.delete._send import NOTE_CONFIRMED
from bulk_loader.journal import Journal, Run
from bulk_loader.runs import Tally
from bulk_loader.states import DELETE_OUTCOMES, FAILED_STATES, LEFT, count_open
from bulk_loader.summaries import DeleteCounts, DeleteSummary
from bulk_loader.upload import iso_utc

OUTCOMES = DELETE_OUTCOMES


def build_summary(journal: Journal, run: Run, state: str, code: int, tally: Tally, started: float,
             resumed: bool, message: str | None) -> DeleteSummary:
    """The summary's keys are a public interface (bulk_loader/summaries.py, docs/summaries.md)."""
    counts = journal.counts(run)
    # Key by key, so that mypy holds each to DeleteCounts; tests/test_summaries.py holds
    # DeleteCounts to DELETE_OUTCOMES (states.py). Pending counts every open chunk's records.
    by_outcome = DeleteCounts(
        deleted=counts.get("deleted", 0), absent=counts.get("absent", 0),
        busy=counts.get("busy", 0), left=counts.get("left", 0),
        rejected=counts.get("rejected", 0), invalid=counts.get("invalid", 0),
        failed=counts.get("failed", 0),
        pending=count_open(counts))
    wall = time.monotonic() - started
    finished = datetime.now(UTC)
    return {
        "run_id": run.run_id, "kind": "delete", "state": state, "exit_code": code,
        "campaign_id": run.campaign_id, "endpoint": run.endpoint, "file": run.file_path,
        "source_run": run.source_run, "records": sum(by_outcome.values()),  # type: ignore[arg-type]
        "counts": by_outcome,
        "confirmed_on_resume": journal.count_noted(run, "deleted", NOTE_CONFIRMED),
        "top_reasons": [{"reason": m, "count": n} for m, n in
                        journal.top_reasons(run, states=FAILED_STATES)],
        # An undo's records left in place (not that run's to delete), by reason.
        "left_reasons": [{"reason": m, "count": n} for m, n in
                         journal.top_reasons(run, limit=10, states=(LEFT,))],
        "sent_this_time": tally.done, "resumed": resumed,
        "wall_seconds": round(wall, 3), "message": message,
        "started_at": iso_utc(finished - timedelta(seconds=wall)), "finished_at": iso_utc(finished),
        "version": __version__,
    }


def format_summary(s: Mapping[str, Any]) -> str:
    if "counts" not in s:
        return f"run {s.get('run_id')}: {s.get('state')} ({s.get('error', '')})"
    lines = [s["note"]] if s.get("note") else []
    origin = s["file"] or s["source_run"]
    lines.append(f"run {s['run_id']}: {s['state']} (exit code {s['exit_code']}), campaign "
                 f"{s['campaign_id']}, {s['records']:,} records from {origin}")
    counts: Mapping[str, int] = s["counts"]
    width = max(len(f"{n:,}") for n in counts.values())
    extra = {"absent": "  (already not in the campaign)",
             "busy": "  (being offered to agents: run the same command later)",
             "left": "  (left in place: not this run's to delete)"}
    if s.get("confirmed_on_resume"):
        extra["deleted"] = f"  ({s['confirmed_on_resume']:,} confirmed on resume)"
    for k in OUTCOMES:
        lines.append(f"  {k:<9} {counts[k]:>{width},}{extra.get(k, '')}")
    if s.get("top_reasons"):
        lines.append("top reasons:")
        lines += [f"  {r['count']:>{width},}  {r['reason']}" for r in s["top_reasons"]]
    if s.get("left_reasons"):
        lines.append("left in place:")
        lines += [f"  {r['count']:>{width},}  {r['reason'].removeprefix('left in place: ')}"
                  for r in s["left_reasons"]]
    if s.get("message"):
        lines.append(s["message"])
    lines.append(f"wall time {s['wall_seconds']:.1f} s; details: bulk-loader report "
                 f"{s['run_id']} --output {s['run_id']}.xlsx")
    return "\n".join(lines)
