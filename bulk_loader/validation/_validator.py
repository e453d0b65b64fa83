"""Validate batches of rows as the server would, before anything is sent. Pure: no I/O.

    v = Validator(now=lambda: datetime.now(UTC), timezone=ZoneInfo("Europe/London"),
                  window=(start, end) or None, clock_skew=timedelta(seconds=60))
    validated = v.validate(batch)   # model.Validated
    v.summary(); v.check_cap()

Each invalid row gets one reason: the server's own message where it has one (spec.MSG_*), else
what was expected, then `(got '...')`. The checks run in this order: customer-id, schedule format,
schedule windows, duplicates. A duplicate names the first *valid* row with that id: an invalid row
is never sent, so it does not make a later copy a duplicate.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, tzinfo

import numpy as np

from bulk_loader.errors import InputFileError
from bulk_loader.model import Batch, Invalid, Validated
from bulk_loader.spec import MAX_RECORDS
from bulk_loader.validation._dedup import SeenIds
from bulk_loader.validation._ids import parse_ids
from bulk_loader.validation._times import NOT_ISO, ScheduleParser, Window, send_time_reason

__all__ = ["Summary", "Validator", "reason_key", "send_time_reason"]

DUPLICATE = "duplicate of row {row}"
DUPLICATE_KEY = "duplicate of an earlier row"


def reason_key(reason: str) -> str:
    """The reason without the row's own value, to count reasons by kind."""
    if reason.startswith("duplicate of row "):
        return DUPLICATE_KEY
    return reason.split(" (got ", 1)[0]


@dataclass
class Summary:
    rows: int = 0
    valid: int = 0
    invalid: int = 0
    by_reason: Counter[str] = field(default_factory=Counter)
    with_schedule: int = 0
    without_schedule: int = 0


class Validator:
    def __init__(self, now: Callable[[], datetime], timezone: tzinfo | None = None,
                 window: tuple[datetime, datetime] | None = None,
                 clock_skew: timedelta = timedelta(seconds=60),
                 max_records: int = MAX_RECORDS, formats: tuple[str, ...] = ()) -> None:
        self._now = now
        self._campaign = window
        self._skew = clock_skew
        self.max_records = max_records
        self._schedules = ScheduleParser(timezone, formats, NOT_ISO)
        self._seen = SeenIds()
        self._summary = Summary()

    def validate(self, batch: Batch) -> Validated:
        n = len(batch.rows)
        ids, bad = parse_ids(batch.ids)
        if not n or batch.schedules[0] is None and batch.schedules.count(None) == n:
            values: list[str | None] = list(batch.schedules)
        else:
            values, bad_times = self._schedules.parse_all(batch.schedules, batch.zones)
            for i, reason in bad_times.items():
                bad.setdefault(i, reason)
            self._check_window(values, bad)
        lo, hi = (batch.rows[0], batch.rows[-1]) if n else (0, -1)
        rows = (np.arange(lo, hi + 1, dtype=np.int64) if hi - lo + 1 == n
                else np.array(batch.rows, np.int64))
        if bad:
            ok = np.array([i for i in range(n) if i not in bad], np.intp)
            dup, first = self._seen.add(ids[ok], rows[ok])
        else:
            ok = None
            dup, first = self._seen.add(ids, rows)
        if dup.any():
            for j in np.flatnonzero(dup).tolist():
                i = int(ok[j]) if ok is not None else j
                bad[i] = DUPLICATE.format(row=int(first[j]))
        return self._result(batch, ids, values, bad)

    def _check_window(self, values: list[str | None], bad: dict[int, str]) -> None:
        low = min(filter(None, values), default=None)
        if low is None:
            return
        window = Window(self._now(), self._skew, self._campaign)
        if window.min_ok <= low and max(filter(None, values)) <= window.max_ok:
            return
        for i, value in enumerate(values):
            if value and i not in bad:
                reason = window.reason(value)
                if reason is not None:
                    bad[i] = f"{reason} (got '{value}')"

    def _result(self, batch: Batch, ids: np.ndarray, values: list[str | None],
                bad: dict[int, str]) -> Validated:
        s = self._summary
        n = len(batch.rows)
        s.rows += n
        if not bad:
            out = Validated(rows=list(batch.rows), ids=ids.tolist(), schedules=values)
        else:
            keep = [i for i in range(n) if i not in bad]
            out = Validated(
                rows=[batch.rows[i] for i in keep],
                ids=ids[keep].tolist(),
                schedules=[values[i] for i in keep],
                invalid=[Invalid(batch.rows[i], reason, tuple(batch.cells[i]))
                         for i, reason in sorted(bad.items())])
            s.invalid += len(bad)
            s.by_reason.update(reason_key(r) for r in bad.values())
        valid = len(out.rows)
        s.valid += valid
        without = out.schedules.count(None)
        s.without_schedule += without
        s.with_schedule += valid - without
        return out

    @property
    def schedules(self) -> ScheduleParser:
        """The schedule parser (its zone, formats; zone_used for the printed samples)."""
        return self._schedules

    def summary(self) -> Summary:
        s = self._summary
        return replace(s, by_reason=Counter(s.by_reason))  # a copy the caller may keep

    @property
    def over_cap(self) -> bool:
        return self._summary.valid > self.max_records

    def check_cap(self) -> None:
        """Decision 8: refuse a file with more valid records than one upload may hold."""
        valid = self._summary.valid
        if self.over_cap:
            raise InputFileError(
                f"the file holds {valid:,} valid records, more than the {self.max_records:,} one "
                f"upload may hold; split it into files of at most {self.max_records:,} records.")
