"""The Campaigns API v1 simulator's checks of an add-records body. Pure code: no I/O.

docs/contract-campaigns-v1.md section 1 lists what refuses a batch (size, blank or long id, duplicate in the
request, bad `scheduleAt`); the field names, codes and messages of the `errors` entries are the
simulator's own (docs/simulator.md), in the style of the vendor's example
(`{"field": "crmRecordId", "code": "NotBlank", "message": "must not be blank"}`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bulk_loader.api.campaigns_v1.spec import MAX_BATCH, MAX_ID, PRIORITIES


@dataclass(frozen=True, slots=True)
class FieldError:
    index: int | None  # position in `records`; None for the body itself
    field: str
    code: str
    message: str

    def as_json(self, indexed: bool) -> dict[str, str]:
        if self.index is None:
            name = self.field
        else:
            name = f"records[{self.index}].{self.field}" if indexed else self.field
        return {"field": name, "code": self.code, "message": self.message}


@dataclass(frozen=True, slots=True)
class NewRecord:
    crm_id: str
    schedule_at: str | None
    priority: str | None
    rank: float | int | None


def parse_schedule(value: str) -> datetime | None:
    """An ISO 8601 date-time with `T` and an offset, or None when it is not one."""
    if "T" not in value or " " in value:
        return None
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        return None
    return when if when.tzinfo is not None else None


def _record(i: int, item: Any) -> NewRecord | FieldError:
    if not isinstance(item, dict):
        return FieldError(i, "record", "TypeMismatch", "must be an object")
    crm = item.get("crmRecordId")
    if crm is not None and not isinstance(crm, str):
        return FieldError(i, "crmRecordId", "TypeMismatch", "must be a string")
    if crm is None or not crm.strip():
        return FieldError(i, "crmRecordId", "NotBlank", "must not be blank")
    if len(crm) > MAX_ID:
        return FieldError(i, "crmRecordId", "Size", f"size must be between 1 and {MAX_ID}")
    sched = item.get("scheduleAt")
    if sched is not None and not (isinstance(sched, str) and parse_schedule(sched)):
        return FieldError(i, "scheduleAt", "InvalidFormat",
                          "must be an ISO 8601 date-time with an offset")
    priority = item.get("priority")
    if priority is not None and priority not in PRIORITIES:
        return FieldError(i, "priority", "InvalidValue", "must be one of HIGH, MEDIUM, LOW")
    rank = item.get("rank")
    if rank is not None and (isinstance(rank, bool) or not isinstance(rank, int | float)
                             or not math.isfinite(rank)):
        return FieldError(i, "rank", "TypeMismatch", "must be a number")
    return NewRecord(crm, sched, priority, rank)


def check_body(body: Any) -> tuple[list[NewRecord], list[FieldError]]:
    """The records of a valid body, else every field error found (records empty)."""
    items = body.get("records") if isinstance(body, dict) else None
    if not isinstance(items, list):
        return [], [FieldError(None, "records", "NotNull", "must not be null")]
    if not 1 <= len(items) <= MAX_BATCH:
        return [], [FieldError(None, "records", "Size", f"size must be between 1 and {MAX_BATCH}")]
    records: list[NewRecord] = []
    errors: list[FieldError] = []
    for i, item in enumerate(items):
        checked = _record(i, item)
        if isinstance(checked, FieldError):
            errors.append(checked)
        else:
            records.append(checked)
    return ([], errors) if errors else (records, [])


def first_repeat(records: list[NewRecord]) -> tuple[int, str] | None:
    """(index, id) of the first record whose crmRecordId an earlier one of the request holds."""
    seen: set[str] = set()
    for i, rec in enumerate(records):
        if rec.crm_id in seen:
            return i, rec.crm_id
        seen.add(rec.crm_id)
    return None
