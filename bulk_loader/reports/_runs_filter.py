"""`runs --campaign ID --since WHEN --state S`: which runs to list, as one SQL query.

The filter runs in SQLite (the `runs` table is small, but a years-old journal of nightly runs
is not something to page through in Python). WHEN is read by validation/_when.py in UTC: a date or time, or
an age back from now (`24h`, `7d`, `2w`); out of the calendar's range it is a usage error.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from bulk_loader.journal import Journal, Run
from bulk_loader.states import RunState
from bulk_loader.validation import parse_when


def since_iso(when: str | None, now: datetime | None = None) -> str | None:
    """WHEN as the journal's own timestamp text (created_at compares as text): the forms of
    validation/_when.py, read in UTC, so `runs` and `report --campaign` take the same --since."""
    if when is None or not when.strip():
        return None
    moment = parse_when(when, zone=UTC, now=now, option="since")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@dataclass(frozen=True)
class RunFilter:
    kind: str | None = None
    campaign_id: int | str | None = None
    since: str | None = None
    states: tuple[RunState, ...] = ()

    def runs(self, journal: Journal, limit: int) -> list[Run]:
        return journal.find_runs(kind=self.kind, campaign_id=self.campaign_id, since=self.since,
                                 states=self.states, limit=limit)
