"""The journal's read queries that commands and reports ask, so that all SQL lives in journal/.

Each was a query written where it was needed (delete's resume, the busy pass, the run key, the
`runs` listing, the period and run reports). Here each is one function over an open Journal,
named after the question it answers; callers no longer see tables or columns.
"""

from __future__ import annotations

from collections.abc import Iterator

from bulk_loader.journal._journal import Journal, Record, Run


def latest_delete_of(journal: Journal, source_run: str | None, campaign_id: int,
                     endpoint: str) -> Run | None:
    """The latest delete run that undoes `source_run` on this campaign and endpoint."""
    row = journal.conn.execute(
        "SELECT run_id FROM runs WHERE kind='delete' AND source_run=? AND campaign_id=? "
        "AND endpoint=? ORDER BY seq DESC LIMIT 1",
        (source_run, campaign_id, endpoint)).fetchone()
    return journal.get_run(row[0]) if row else None


def records_in_state(journal: Journal, run: Run, state: str, after: int,
                     limit: int) -> list[Record]:
    """The next `limit` records of `run` in `state` after row `after`, in row order."""
    rows = journal.conn.execute(
        "SELECT row, customer_id, schedule, state, http_status, message, attempts, chunk "
        "FROM outcomes WHERE run=? AND state=? AND row>? ORDER BY row LIMIT ?",
        (run.seq, state, after, limit)).fetchall()
    return [Record(*r) for r in rows]


def unfinished_uploads_of_other_bytes(journal: Journal, sha: str, campaign_id: int | str,
                                      endpoint: str, file_path: str) -> list[tuple[str, str]]:
    """(run_id, state) of unfinished upload runs of this path, campaign and endpoint whose
    file had other bytes."""
    rows = journal.conn.execute(
        "SELECT run_id, state FROM runs WHERE kind='upload' AND campaign_id=? AND endpoint=? "
        "AND file_path=? AND file_sha256<>? AND state NOT IN ('completed', 'failed') "
        "ORDER BY seq", (campaign_id, endpoint, file_path, sha)).fetchall()
    return [(r[0], r[1]) for r in rows]


def undone_by(journal: Journal) -> dict[str, list[str]]:
    """{run_id: [the delete runs that took its records out]}, oldest first."""
    undone: dict[str, list[str]] = {}
    for run_id, source in journal.conn.execute(
            "SELECT run_id, source_run FROM runs WHERE source_run IS NOT NULL ORDER BY seq"):
        undone.setdefault(source, []).append(run_id)
    return undone


def run_ids_started_between(journal: Journal, campaign_id: int | str, start_iso: str, end_iso: str,
                            endpoint: str | None) -> Iterator[str]:
    """Runs on the campaign (on `endpoint` only, when given) created in [start, end). A run sent
    to the Campaigns API v1 journals the API root under the host (`{host}/cc/US1/campaigns/v1`):
    it is on the host it was sent to."""
    rows = journal.conn.execute(
        "SELECT run_id FROM runs WHERE campaign_id = ? AND created_at >= ? "
        "AND created_at < ? AND (? IS NULL OR rtrim(endpoint, '/') = ? "
        "OR (substr(endpoint, 1, length(?) + 4) = ? || '/cc/' "
        "AND endpoint LIKE '%/campaigns/v1')) "
        "ORDER BY created_at, seq",
        (campaign_id, start_iso, end_iso, endpoint, endpoint, endpoint, endpoint)).fetchall()
    return (run_id for (run_id,) in rows)


def runs_on_campaign(journal: Journal, campaign_id: int | str | None) -> list[tuple[str, str | None]]:
    """(run_id, endpoint) of every run on this campaign, oldest first."""
    rows = journal.conn.execute(
        "SELECT run_id, endpoint FROM runs WHERE campaign_id IS ? ORDER BY seq",
        (campaign_id,)).fetchall()
    return [(run_id, endpoint) for run_id, endpoint in rows]
