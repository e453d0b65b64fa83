"""A whole file checked against the Campaigns API v1's rules (docs/contract-campaigns-v1.md,
Decision 4): `validate --api campaigns-v1`, and the columns a v1 upload sends.

    summary = validate_v1_file(path, FileOptions(timezone=zone),
                               on_batch=lambda batch, v: send(v.record_batch()))

It is the legacy loop itself (validation/_file.py `validate_file`: readers, column mapping, zone
column, date formats, samples, the 5,000,000 cap, constant memory) run with a `V1Validator` in
place of the legacy one. It lives here, on the API floor (3), because it needs this folder's row
rules (validate.py) and the loop of the floor below; nothing under validation/ knows the v1 API.

Per row: the id is text of 1-32 characters once trimmed, unique in the file (63-bit keys, as
validate.UniqueIds explains); the optional `priority` and `rank` columns, found by header, are
checked by validate.check_priority/check_rank; call times are parsed by the legacy parser (naive
times get --timezone or the row's zone column exactly as for the legacy API), with no 7-day and
no "in the past" rule. Valid records come out in columns (`V1Validated`), ready for
`RecordBatch(ids, schedules, fields={"priority": ..., "rank": ...})`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import tzinfo
from pathlib import Path
from typing import Any

from bulk_loader.api._service import RecordBatch
from bulk_loader.api.campaigns_v1.validate import (
    DUPLICATE,
    UniqueIds,
    check_id,
    check_priority,
    check_rank,
)
from bulk_loader.errors import InputFileError
from bulk_loader.model import Batch, Invalid, Validated
from bulk_loader.readers import DEFAULT_BATCH, Table
from bulk_loader.spec import MAX_RECORDS
from bulk_loader.validation import FileOptions, FileSummary, Validator, reason_key, validate_file

PRIORITY_HEADER = "priority"
RANK_HEADER = "rank"
LEGACY_FIELD = "schedule-date-time"
# Verdicts kept per column for cells seen before (a priority column holds a few values, a rank
# column rarely many): `validate --api campaigns-v1` of 1M rows with both columns took 2.2 s of
# CPU instead of 2.6 s (/usr/bin/time, two runs each). Bounded, so memory stays flat.
KNOWN_CELLS = 10_000  # the legacy parser's word; this API calls it scheduleAt


@dataclass(slots=True)
class V1Validated(Validated):
    """One batch after the v1 rules: `crm_ids` (text) in place of the legacy int `ids`."""

    crm_ids: list[str] = field(default_factory=list)
    priorities: list[str | None] = field(default_factory=list)
    ranks: list[int | float | None] = field(default_factory=list)

    def record_batch(self) -> RecordBatch:
        return RecordBatch(self.crm_ids, self.schedules,
                           {"priority": self.priorities, "rank": self.ranks})


@dataclass
class V1FileSummary(FileSummary):
    """FileSummary plus the v1 columns found (their headers, or None)."""

    priority_column: str | None = None
    rank_column: str | None = None


def _key(header: Any) -> str:
    return "".join(ch for ch in str(header or "").casefold() if ch.isalnum())


class V1Validator(Validator):
    """The legacy Validator's bookkeeping (summary, cap, schedule parser) with the v1 rules."""

    def __init__(self, timezone: tzinfo | None = None, formats: tuple[str, ...] = (),
                 max_records: int = MAX_RECORDS) -> None:
        super().__init__(now=_no_clock, timezone=timezone, max_records=max_records,
                         formats=formats)
        self._unique = UniqueIds()
        self.priority_at: int | None = None
        self.rank_at: int | None = None
        self.headers: list[str] = []
        self._known: dict[int, dict[tuple[type, Any], tuple[Any, str | None]]] = {}

    def bind(self, table: Table) -> None:
        """Find the priority and rank columns by header, once the file is open."""
        self.headers = [str(h) for h in table.headers]
        taken = {table.headers.index(h) for h in (table.id_header, table.schedule_header)
                 if h is not None and h in table.headers}
        self.priority_at = self._find(PRIORITY_HEADER, taken)
        self.rank_at = self._find(RANK_HEADER, taken)

    def _find(self, name: str, taken: set[int]) -> int | None:
        found = [i for i, h in enumerate(self.headers) if _key(h) == name and i not in taken]
        if len(found) > 1:
            names = ", ".join(repr(self.headers[i]) for i in found)
            raise InputFileError(f"several columns could be the {name} ({names}); keep one.")
        return found[0] if found else None

    def column(self, at: int | None) -> str | None:
        return self.headers[at] if at is not None else None

    def validate(self, batch: Batch) -> V1Validated:
        n = len(batch.rows)
        bad: dict[int, list[str]] = {}
        values = self._times(batch, bad)
        ids: list[str | None] = []
        for i, raw in enumerate(batch.ids):
            crm_id, why = check_id(raw)
            ids.append(crm_id)
            if why is not None:
                bad.setdefault(i, []).insert(0, why)
        priorities = self._cells(batch, self.priority_at, check_priority, bad)
        ranks = self._cells(batch, self.rank_at, check_rank, bad)
        ok = [i for i in range(n) if i not in bad]
        first = self._unique.first_rows([ids[i] or "" for i in ok], [batch.rows[i] for i in ok])
        for i, row in zip(ok, first, strict=True):
            if row is not None:
                bad[i] = [DUPLICATE.format(row=row)]
        return self._v1_result(batch, ids, values, priorities, ranks, bad)

    def _times(self, batch: Batch, bad: dict[int, list[str]]) -> list[str | None]:
        n = len(batch.rows)
        if not n or batch.schedules[0] is None and batch.schedules.count(None) == n:
            return [None] * n
        values, bad_times = self.schedules.parse_all(batch.schedules, batch.zones)
        for i, reason in bad_times.items():
            bad.setdefault(i, []).append(reason.replace(LEGACY_FIELD, "scheduleAt"))
        return values

    def _cells(self, batch: Batch, at: int | None,
               check: Callable[[Any], tuple[Any, str | None]],
               bad: dict[int, list[str]]) -> list[Any]:
        if at is None:
            return [None] * len(batch.rows)
        known = self._known.setdefault(at, {})
        out: list[Any] = []
        for i, cells in enumerate(batch.cells):
            raw = cells[at] if at < len(cells) else None
            key = (type(raw), raw)  # by type too: 1, 1.0 and True are one dict key otherwise
            try:
                verdict = known[key]
            except KeyError:
                verdict = check(raw)
                if len(known) < KNOWN_CELLS:
                    known[key] = verdict
            except TypeError:  # an unhashable cell
                verdict = check(raw)
            out.append(verdict[0])
            if verdict[1] is not None:
                bad.setdefault(i, []).append(verdict[1])
        return out

    def _v1_result(self, batch: Batch, ids: Sequence[str | None], values: list[str | None],
                   priorities: list[Any], ranks: list[Any],
                   bad: dict[int, list[str]]) -> V1Validated:
        s = self._summary
        keep = [i for i in range(len(batch.rows)) if i not in bad]
        out = V1Validated(rows=[batch.rows[i] for i in keep],
                          schedules=[values[i] for i in keep],
                          crm_ids=[ids[i] or "" for i in keep],
                          priorities=[priorities[i] for i in keep],
                          ranks=[ranks[i] for i in keep])
        reasons = {i: "; ".join(why) for i, why in sorted(bad.items())}
        out.invalid = [Invalid(batch.rows[i], r, tuple(batch.cells[i]))
                       for i, r in reasons.items()]
        s.rows += len(batch.rows)
        s.invalid += len(reasons)
        s.by_reason.update(reason_key(r.split("; ", 1)[0]) for r in reasons.values())
        s.valid += len(keep)
        without = out.schedules.count(None)
        s.without_schedule += without
        s.with_schedule += len(keep) - without
        return out


def _no_clock() -> Any:
    raise AssertionError("the v1 rules have no time window: nothing asks for the clock")


def validate_v1_file(path: str | Path, options: FileOptions, *,
                     on_table: Callable[[Table], None] | None = None,
                     on_batch: Callable[[Batch, Validated], None] | None = None,
                     batch_size: int = DEFAULT_BATCH) -> V1FileSummary:
    """Validate every row by the v1 rules; `on_batch` gets each batch's `V1Validated`."""
    validator = V1Validator(options.timezone, options.exports.date_formats,
                            options.max_records)

    def opened(table: Table) -> None:
        validator.bind(table)
        if on_table is not None:
            on_table(table)

    summary = validate_file(path, options, on_table=opened, on_batch=on_batch,
                            batch_size=batch_size, validator=validator)
    return V1FileSummary(**vars(summary), priority_column=validator.column(validator.priority_at),
                         rank_column=validator.column(validator.rank_at))
