"""What an upload to the Campaigns API v1 (`--api campaigns-v1`) does differently.

The run itself is the legacy upload's (journal, chunks, resume, ownership, summary); only these
differ, and they live here:
- the options it refuses: `--reschedule` needs a delete, which this API has not (exit 2);
  `--trace-http` is not written for it yet (exit 2). There is no campaign to read, so no
  preflight read and no campaign time zone. (A `--chunk-size` over the API's largest batch,
  100, is cut by the run itself: upload/_run.py `_fit_chunks`.)
- phase 1 with the v1 rules (api/campaigns_v1/file.py's V1Validator): string ids kept as
  strings, each record's priority and rank journaled with it (journal/_codec.py), so a resume
  resends identical records;
- the service (api/campaigns_v1/service.py, built by api/_factory.py), which isolates refused
  batches itself.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from bulk_loader import spec
from bulk_loader.api import V1
from bulk_loader.errors import UsageError
from bulk_loader.journal import Journal, Run
from bulk_loader.model import Batch, ReaderOptions, Validated
from bulk_loader.readers import ExportOptions
from bulk_loader.runs import relaxed_gc
from bulk_loader.upload._load import LoadResult, _Loader
from bulk_loader.validation import FileOptions, validate_file
from bulk_loader.zones import parse_timezone

if TYPE_CHECKING:
    from bulk_loader.api.campaigns_v1 import V1Validator
    from bulk_loader.upload._options import UploadOptions

NO_RESCHEDULE = ("--reschedule deletes a record's earlier callback, and the Campaigns API v1 has "
                 "no endpoint to delete a record; upload without --reschedule")


def is_v1(opts: UploadOptions) -> bool:
    return opts.api == V1


def check_v1(opts: UploadOptions) -> None:
    """Refuse what this API cannot do, before anything is read."""
    from bulk_loader.api import capabilities_of

    if opts.reschedule and not capabilities_of(opts.api).can_delete:
        raise UsageError(NO_RESCHEDULE)
    if opts.trace is not None:
        raise UsageError("trace is not available with api campaigns-v1 yet; run without it",
                         param=("trace", "api"))
    if opts.auth is None or opts.site is None:
        raise UsageError("an upload with api campaigns-v1 needs site and the API key and "
                         "tenant (auth; BULK_LOADER_API_KEY, BULK_LOADER_TENANT)",
                         param=("site", "api"))
    if not isinstance(opts.campaign_id, str):
        raise UsageError(f"campaign_id for api campaigns-v1 is the campaign's UUID "
                         f"(got {opts.campaign_id})", param=("campaign_id", "api"))


def v1_validator(opts: UploadOptions) -> V1Validator:
    """The v1 rules; naive call times get --timezone or the row's zone column (no campaign
    zone: this API has no read)."""
    from bulk_loader.api.campaigns_v1 import V1Validator

    return V1Validator(parse_timezone(opts.timezone), opts.exports.date_formats,
                       spec.MAX_RECORDS)


class _V1Loader(_Loader):
    """Phase 1's hooks with the v1 columns: string ids, priority and rank."""

    def __init__(self, journal: Journal, run: Run, chunk_size: int,
                 on_batch: Callable[[int, int, int], None] | None,
                 validator: V1Validator) -> None:
        super().__init__(journal, run, chunk_size, on_batch)
        self.validator = validator
        self.size = chunk_size
        self.count = 0
        self.pending: list[tuple[int, str, str | None, str | None, Any]] = []

    def on_table(self, table: Any) -> None:
        self.validator.bind(table)
        super().on_table(table)

    def on_batch(self, batch: Batch, validated: Validated) -> None:
        from bulk_loader.api.campaigns_v1 import V1Validated

        assert isinstance(validated, V1Validated)
        with self.journal.transaction():
            self.pending += zip(validated.rows, validated.crm_ids, validated.schedules,
                                validated.priorities, validated.ranks, strict=True)
            while len(self.pending) >= self.size:
                self.emit_chunk(self.pending[:self.size])
                del self.pending[:self.size]
            id_i, sched_i = self.result.id_index, self.result.schedule_index
            if validated.invalid:
                self.journal.add_invalid(self.run, (
                    (inv.row, _at(inv.cells, id_i), _at(inv.cells, sched_i), inv.reason)
                    for inv in validated.invalid))
            self.journal.add_rows_count(self.run, len(batch.rows))
        self.rows += len(batch.rows)
        if self.progress is not None and self.table is not None:
            self.progress(self.rows, *self.table.progress())

    def emit_chunk(self, records: list[tuple[int, str, str | None, str | None, Any]]) -> None:
        rows, ids, schedules, priorities, ranks = (list(c) for c in zip(*records, strict=True))
        self.journal.add_chunk(self.run, self.count, rows, ids, schedules,
                               fields={"priority": priorities, "rank": ranks})
        self.count += 1


def load_v1_file(journal: Journal, run: Run, path: str, reader: ReaderOptions,
                 validator: V1Validator, chunk_size: int,
                 on_batch: Callable[[int, int, int], None] | None = None,
                 exports: ExportOptions | None = None) -> LoadResult:
    """upload/_load.py's load_file with the v1 rules: pending chunks + invalid rows."""
    loader = _V1Loader(journal, run, chunk_size, on_batch, validator)
    with journal.relaxed_sync(), relaxed_gc():
        validate_file(path, FileOptions(**reader.kwargs(), exports=exports or ExportOptions()),
                      validator=validator, on_table=loader.on_table,
                      on_batch=loader.on_batch, cap_each_batch=True)
        with journal.transaction():
            if loader.pending:
                loader.emit_chunk(loader.pending)
    return loader.result


def _at(cells: Any, index: int | None) -> Any:
    if index is None or index >= len(cells):
        return None
    return cells[index]
