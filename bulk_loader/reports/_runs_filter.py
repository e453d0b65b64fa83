"""`runs --campaign ID --since WHEN --state S`: which runs to list, as one SQL query.

The filter runs in SQLite (the `runs` table is small, but a years-old journal of nightly runs
is not something to page through in Python). WHEN is a UTC date or time, or a duration back
from now (`24h`, `7d`, as --retry-for spells durations).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bulk_loader.errors import UsageError
from bulk_loader.journal import Journal, Run
from bulk_loader.runs import parse_duration


def since_iso(when: str | None, now: datetime | None = None) -> str | None:
    """WHEN as the journal's own timestamp text (created_at compares as text)."""
    if when is None or not when.strip():
        return None
    text = when.strip()
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        try:
            back = parse_duration(text)
        except UsageError:
            raise UsageError(f"--since must be a UTC date or time (2026-11-28, 2026-11-28T02:00)"
                             f" or a duration such as 24h or 7d (got {when!r})") from None
        moment = (now or datetime.now(UTC)) - timedelta(seconds=back)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@dataclass(frozen=True)
class RunFilter:
    kind: str | None = None
    campaign_id: int | None = None
    since: str | None = None
    states: tuple[str, ...] = ()

    def runs(self, journal: Journal, limit: int) -> list[Run]:
        return journal.find_runs(kind=self.kind, campaign_id=self.campaign_id, since=self.since,
                                 states=self.states, limit=limit)
