"""The upload summary: one dict (stored in the journal, printed by --json) and its text form."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bulk_loader import __version__
from bulk_loader.journal import Journal, Run
from bulk_loader.runs import Tally
from bulk_loader.states import ALREADY, UPLOAD_OUTCOMES, count_open
from bulk_loader.summaries import UploadCounts, UploadSummary

OUTCOMES = UPLOAD_OUTCOMES
# Not a failure (Decision 14): in the campaign by another run's hand, or from outside the journal.
ALREADY_KEY = "already_present"  # its key in `counts`


def build_summary(journal: Journal, run: Run, *, state: str, exit_code: int,
                  counts: dict[str, int], tally: Tally, tally_http: dict[str, int],
                  message: str | None, resumed: bool,
                  wall: float, results: Path, failures: Path) -> UploadSummary:
    """The summary's keys are a public interface (bulk_loader/summaries.py, docs/summaries.md)."""
    # Key by key, so that mypy holds each to UploadCounts; tests/test_summaries.py holds
    # UploadCounts to UPLOAD_OUTCOMES (states.py). Pending counts every open chunk's records.
    by_outcome = UploadCounts(
        accepted=counts.get("accepted", 0), rejected=counts.get("rejected", 0),
        invalid=counts.get("invalid", 0), failed=counts.get("failed", 0),
        pending=count_open(counts), already_present=counts.get(ALREADY, 0))
    finished = datetime.now(UTC)
    return {
        "run_id": run.run_id,
        "state": state,
        "exit_code": exit_code,
        "campaign_id": run.campaign_id,
        "file": run.file_path,
        "endpoint": run.endpoint,
        "rows": sum(by_outcome.values()),  # type: ignore[arg-type]
        "counts": by_outcome,
        "confirmed_on_resume": journal.count_noted(run, "accepted", "Duplicate customer:%"),
        "top_reasons": [{"reason": m, "count": n} for m, n in journal.top_reasons(run)],
        # A confirmed duplicate is already counted in accepted: confirmed is a subset of it.
        "sent_this_time": (tally.accepted + tally.rejected + tally.failed + tally.already_present
                           - tally.skipped),
        "skipped_known": journal.count_noted(run, ALREADY, "%(--skip-known)"),
        "resumed": resumed,
        "http": tally_http,  # type: ignore[typeddict-item]  # the client's counters
        "wall_seconds": round(wall, 3),
        "started_at": iso_utc(finished - timedelta(seconds=wall)),
        "finished_at": iso_utc(finished),
        "version": __version__,
        "already_finished": False,
        "results": str(results),
        "failures": str(failures),
        "message": message,
    }


def _already_line(s: Mapping[str, Any], width: int) -> str:
    n, skipped = s["counts"][ALREADY_KEY], s.get("skipped_known") or 0
    how = f"; {skipped:,} not sent (--skip-known)" if skipped else ""
    return (f"  {ALREADY} {n:>{width},}  (already in the campaign, not added by this run: "
            f"not a failure{how})")


def iso_utc(when: datetime) -> str:
    """ISO 8601 UTC to the second, `Z`-suffixed: what cron logs and jq sort as text."""
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def format_summary(s: Mapping[str, Any]) -> str:
    if "counts" not in s:  # a run refused before anything was sent
        return f"run {s.get('run_id')}: {s.get('state')} ({s.get('error', '')})"
    lines = []
    if s.get("note"):
        lines.append(s["note"])
    lines.append(f"run {s['run_id']}: {s['state']} (exit code {s['exit_code']}), campaign "
                 f"{s['campaign_id']}, {s['rows']:,} rows from {s['file']}")
    counts: Mapping[str, int] = s["counts"]
    width = max(len(f"{n:,}") for n in counts.values())
    for k in OUTCOMES:
        extra = ""
        if k == "accepted" and s.get("confirmed_on_resume"):
            extra = f"  ({s['confirmed_on_resume']:,} confirmed as duplicates of our own earlier send)"
        lines.append(f"  {k:<9} {counts[k]:>{width},}{extra}")
        if k == "accepted" and ALREADY_KEY in counts:
            lines.append(_already_line(s, width))
    if s.get("top_reasons"):
        lines.append("top reasons:")
        for r in s["top_reasons"]:
            lines.append(f"  {r['count']:>{width},}  {r['reason']}")
    if s.get("message"):
        lines.append(s["message"])
    http = s.get("http") or {}
    if http.get("retries") or http.get("splits"):
        lines.append(f"requests {http['requests']:,} (retries {http['retries']:,}, throttled "
                     f"{http['throttled']:,}, split {http['splits']:,})")
    lines.append(f"wall time {s['wall_seconds']:.1f} s; results: {s['results']}; "
                 f"failures: {s['failures']}")
    return "\n".join(lines)
