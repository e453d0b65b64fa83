"""`runs --campaign ID --since WHEN --state S`: which runs to list, as one SQL query.

The filter runs in SQLite (the `runs` table is small, but a years-old journal of nightly runs
is not something to page through in Python). WHEN is read by when.py in UTC: a date or time, or
an age back from now (`24h`, `7d`, `2w`); out of the calendar's range it is a usage error.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from bulk_loader.journal import _RUN_COLS, Journal, Run, _run_from_row
from bulk_loader.when import parse_when


def since_iso(when: str | None, now: datetime | None = None) -> str | None:
    """WHEN as the journal's own timestamp text (created_at compares as text): the forms of
    when.py, read in UTC, so `runs` and `report --campaign` take the same --since."""
    if when is None or not when.strip():
        return None
    moment = parse_when(when, zone=UTC, now=now, option="--since")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@dataclass(frozen=True)
class RunFilter:
    kind: str | None = None
    campaign_id: int | None = None
    since: str | None = None
    states: tuple[str, ...] = ()

    def runs(self, journal: Journal, limit: int) -> list[Run]:
        where: list[str] = []
        args: list[object] = []
        if self.kind:
            where.append("kind = ?")
            args.append(self.kind)
        if self.campaign_id is not None:
            where.append("campaign_id = ?")
            args.append(self.campaign_id)
        if self.since:
            where.append("created_at >= ?")
            args.append(self.since)
        if self.states:
            where.append(f"state IN ({','.join('?' * len(self.states))})")
            args.extend(self.states)
        sql = f"SELECT {_RUN_COLS} FROM runs"
        if where:
            sql += " WHERE " + " AND ".join(where)
        rows = journal.conn.execute(sql + " ORDER BY seq DESC LIMIT ?", (*args, limit)).fetchall()
        return [_run_from_row(r) for r in rows]
