"""What an upload or delete run hands back to the CLI, and the hint every resumable stop ends with."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bulk_loader.errors import EXIT_INTERRUPTED, EXIT_STOPPED, CampaignRefused
from bulk_loader.states import RunState

RESUME_HINT = "run the same command again to resume"
CAMPAIGN_HINT = "fix the campaign (or the command), then run the same command again to resume"


@dataclass
class RunOutcome:
    """`summary` is an UploadSummary, DryRunSummary or DeleteSummary (bulk_loader/summaries.py):
    also stored in the journal; printed as text or --json."""

    summary: Mapping[str, Any]
    exit_code: int


def early_end(pending: int, verb: str, *, stopped_by: Exception | None, dead_server: str | None,
              interrupted: bool, interrupt_code: int = EXIT_INTERRUPTED,
              signal_name: str | None = None, lost: int = 0) -> tuple[RunState, int, str] | None:
    """(state, exit code, message) of a run that ended before all its records were done, else
    None. `verb` says what was not done to the `pending` records: "sent", "deleted".
    `interrupt_code`/`signal_name`: 130 and Ctrl-C, or 143 and SIGTERM (runs/_interrupt.py).
    `lost`: records whose answers were lost after their request may have reached the server
    (Decision 14): kept in flight, so a re-run confirms them."""
    left = f"{pending:,} records were not {verb} yet"
    if isinstance(stopped_by, CampaignRefused):  # Decision 12: exit 4, the records stay pending
        why = str(stopped_by).rstrip(".")  # the vendor's sentence ends with its own period
        return ("stopped", stopped_by.exit_code, f"stopped: {why}. {left}; {CAMPAIGN_HINT}.")
    if stopped_by is not None:
        return ("stopped", EXIT_STOPPED,
                f"stopped: {stopped_by}. {left}; fix the problem and {RESUME_HINT}.")
    if dead_server is not None:
        return "stopped", EXIT_STOPPED, dead_server
    if lost and not interrupted:
        return ("stopped", EXIT_STOPPED,
                f"stopped: the answers for {lost:,} records were lost on the way (the server may "
                f"have added them); nothing was lost, run the same command again to confirm them.")
    if interrupted or pending:
        code = interrupt_code if interrupted else EXIT_STOPPED
        by = f" by {signal_name}" if interrupted and signal_name else ""
        return "interrupted", code, f"interrupted{by}: {left}; {RESUME_HINT}."
    return None
