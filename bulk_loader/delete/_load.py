"""Phase 1 of a delete: which run, and which customer ids go into it.

From a file: the upload's own loader (same reader, same column mapping, same id checks and
duplicate detection), with the schedule column ignored: a call time is irrelevant to a delete,
and a past one must not make the row invalid. From a run (an undo): the records that upload run
added and still holds (docs/contract.md Decision 14, journal/holdings.py), with their row numbers, so a report
can set the two runs side by side. Its other records are journaled `left`, with the reason:
already in the campaign before it, since removed by another run, or added again by a later one.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bulk_loader.errors import InputFileError, UsageError
from bulk_loader.journal import Journal, Record, Run, holdings, latest_delete_of
from bulk_loader.model import Batch, Validated
from bulk_loader.states import DELETABLE_STATES, LEFT

if TYPE_CHECKING:
    from bulk_loader.delete._options import DeleteOptions

SOURCE_STATES = DELETABLE_STATES  # accepted: incl. confirmed on resume (ours)
NO_CAP = 10**12  # the 5M cap is for uploads; an opt-out list may be longer


def file_key(opts: DeleteOptions) -> str | None:
    if opts.file is None:
        return None
    from bulk_loader.runs import file_sha256

    if not opts.file.is_file():
        raise InputFileError(f"{opts.file} does not exist or is not a file")
    return file_sha256(opts.file)


def source_run_for(journal: Journal, opts: DeleteOptions) -> Run:
    """The upload run that `--run` names, checked against --campaign and the endpoint."""
    assert opts.source_run is not None
    src = journal.get_run(opts.source_run)
    if src.kind != "upload":
        raise UsageError(f"source_run must name an upload run; {src.run_id} is a {src.kind} run",
                         param="source_run")
    if src.campaign_id != opts.campaign_id:
        raise UsageError(f"run {src.run_id} loaded campaign {src.campaign_id}, "
                         f"not {opts.campaign_id}")
    if (src.endpoint or "").rstrip("/") != opts.endpoint.rstrip("/"):
        raise UsageError(f"run {src.run_id} was sent to {src.endpoint}, not {opts.endpoint}")
    return src


def find_existing(journal: Journal, opts: DeleteOptions, sha: str | None) -> Run | None:
    """The latest delete run with this key (file hash or source run, campaign, endpoint)."""
    if opts.new_run:
        return None
    if sha is not None:
        return journal.find_run("delete", sha, opts.campaign_id, opts.endpoint)
    return latest_delete_of(journal, opts.source_run, opts.campaign_id, opts.endpoint)


def find_or_create(journal: Journal, opts: DeleteOptions, sha: str | None) -> Run:
    """One write transaction, so two processes starting at once pick the same run."""
    from bulk_loader.delete._options import settings_of

    with journal.transaction():
        run = find_existing(journal, opts, sha)
        if run is not None and run.state != "failed":
            return run
        return journal.create_run(
            "delete",
            file_path=opts.file_label or (str(opts.file.resolve()) if opts.file else None),
            file_sha256=sha, campaign_id=opts.campaign_id, endpoint=opts.endpoint,
            settings=settings_of(opts), source_run=opts.source_run)


def _ids_only_validator() -> Any:
    from bulk_loader.validation import Validator

    class IdsOnly(Validator):  # type: ignore[misc, valid-type]
        """The upload's validator, blind to the schedule column."""

        def validate(self, batch: Batch) -> Validated:
            blank = [None] * len(batch.rows)
            return super().validate(Batch(batch.rows, batch.ids, blank, batch.cells))

    return IdsOnly(now=lambda: datetime.now(UTC), timezone=None, window=None,
                   max_records=NO_CAP)


def load_from_file(journal: Journal, run: Run, path: Path, reader: Any, chunk_size: int) -> None:
    from bulk_loader.upload import load_file

    loaded = load_file(journal, run, str(path), reader, _ids_only_validator(), chunk_size)
    settings = dict(run.settings)
    settings.update(headers=loaded.headers, id_index=loaded.id_index)
    journal.update_settings(run, settings)


def load_from_run(journal: Journal, run: Run, source: Run, chunk_size: int) -> int:
    """Chunk the records the source run still holds into `run`, and journal the others as
    `left` with their reason; returns how many records in all."""
    batch: list[Record] = []
    chunk_no = total = 0
    scope = journal.scope(source)

    def flush() -> None:
        nonlocal chunk_no
        ids = [r.customer_id for r in batch]
        mine = holdings.held_by(journal.conn, scope, source.seq, ids)
        take = [r for r in batch if r.state == "accepted" and r.customer_id in mine]
        if take:
            journal.add_chunk(run, chunk_no, [r.row for r in take],
                              [r.customer_id for r in take], [None] * len(take))
            chunk_no += 1
        taken = {r.row for r in take}
        others = [r for r in batch if r.row not in taken]
        if others:
            why = _left_reasons(journal, scope, source, others)
            journal.add_invalid(run, ((r.row, r.customer_id, None, why[r.row]) for r in others),
                                state=LEFT)
        batch.clear()

    with journal.transaction():
        for rec in journal.iter_records(source, SOURCE_STATES):
            batch.append(rec)
            total += 1
            if len(batch) >= chunk_size:
                flush()
        if batch:
            flush()
        journal.add_rows_count(run, total)
    return total


def _left_reasons(journal: Journal, scope: int, source: Run,
                  records: list[Record]) -> dict[int, str]:
    """row -> why the undo of `source` leaves the record in place."""
    facts = holdings.history(journal.conn, scope, [r.customer_id for r in records])
    out: dict[int, str] = {}
    for r in records:
        seq, added, removed = facts.get(r.customer_id, (None, None, None))
        if r.state != "accepted":
            out[r.row] = f"left in place: {source.run_id} did not add it ({r.message})"
        elif removed is not None:
            out[r.row] = f"left in place: already removed by {removed}"
        elif (r.message or "").startswith(holdings.MOVED_PREFIX) and seq != source.seq:
            out[r.row] = (f"left in place: was in the campaign before {source.run_id} (added by "
                          f"{added}); {source.run_id} only moved its callback")
        elif seq is not None and seq < source.seq:
            out[r.row] = (f"left in place: already in the campaign before {source.run_id} "
                          f"(added by {added})")
        elif added is not None and added != source.run_id:
            out[r.row] = f"left in place: added again since by {added}, which holds it now"
        else:
            out[r.row] = "left in place: the journal does not show it in the campaign"
    return out
