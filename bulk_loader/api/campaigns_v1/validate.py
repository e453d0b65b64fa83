"""Local rules for a row bound for the Campaigns API v1 (docs/contract-campaigns-v1.md Decision 4). Pure code.

- crmRecordId: text of 1-32 characters after trimming; an Excel number cell (10003629 or
  10003629.0) is read as its digits, below 2**53 only: beyond it a float is no longer the digits
  typed (12345678901234567890 reads back as 12345678901234569216), so it is refused, and so is text in Excel's scientific notation (`1.23457E+11`, a
  long number Excel displayed and a CSV export kept: not the id, and maybe cut). Unique in the file (`UniqueIds`).
- priority: HIGH, MEDIUM or LOW, in any case (sent upper-case); empty = the API's default (HIGH).
- rank: a finite number (an int kept exact within 64 bits, as JSON encoders can send it);
  empty = the API's default.
- scheduleAt: ISO 8601, sent as UTC `...sssZ`; a time without an offset (and an Excel datetime)
  gets --timezone exactly as for the legacy API (validate_time.ScheduleParser). No 7-day rule,
  and no "in the past" rule: the contract has neither.
Messages say what was expected and what arrived, like the legacy validator's.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import tzinfo
from typing import Any

import numpy as np

from bulk_loader.api.campaigns_v1.spec import MAX_ID, PRIORITIES
from bulk_loader.readers import RowProblem, got
from bulk_loader.validation import ScheduleParser, SeenIds

ID_EMPTY = "crmRecordId is empty"
ID_TOO_LONG = f"crmRecordId must be at most {MAX_ID} characters"
ID_NOT_TEXT = "crmRecordId must be text or a whole number"
ID_NUMBER_TOO_LONG = "crmRecordId is a number too long for a number cell"
ID_NUMBER_HINT = ": a number cell keeps about 15 digits; store the ids as text"
ID_SCIENTIFIC = "crmRecordId is a number Excel wrote in scientific notation"
ID_SCIENTIFIC_HINT = (": format the id column as Text in Excel and export again (the id sent "
                      "would be these characters)")
# Excel's display of a long number in a General cell, as a CSV export keeps it (1.23457E+11):
# as text it is not the id, and its digits may be cut. Lower case or unsigned is an id as typed.
_EXCEL_SCIENTIFIC = re.compile(r"[0-9](?:\.[0-9]+)?E\+[0-9]{2,3}", re.ASCII)
_EXACT_FLOAT = 2**53  # a float id at or beyond this is not the digits the user typed
PRIORITY_BAD = "priority must be HIGH, MEDIUM or LOW"
RANK_BAD = "rank must be a finite number"
DUPLICATE = "duplicate of row {row}"
_NUMBER = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?", re.ASCII)
_INTEGER = re.compile(r"[+-]?[0-9]+", re.ASCII)
_KEY_MASK = (1 << 63) - 1


@dataclass(frozen=True, slots=True)
class V1Record:
    """One record as the API takes it; None fields are left out of the body."""

    crm_id: str
    schedule_at: str | None = None
    priority: str | None = None
    rank: int | float | None = None

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"crmRecordId": self.crm_id}
        if self.schedule_at is not None:
            out["scheduleAt"] = self.schedule_at
        if self.priority is not None:
            out["priority"] = self.priority
        if self.rank is not None:
            out["rank"] = self.rank
        return out


def check_id(value: Any) -> tuple[str | None, str | None]:
    """(the id, None) or (None, why not)."""
    if isinstance(value, RowProblem):
        return None, value.reason
    if value is None:
        return None, ID_EMPTY
    if isinstance(value, bool):
        return None, ID_NOT_TEXT + got(value)
    if isinstance(value, int):
        text = str(value)
    elif isinstance(value, float):
        if not (math.isfinite(value) and value.is_integer()):
            return None, ID_NOT_TEXT + got(value)
        if abs(value) >= _EXACT_FLOAT:  # 12345678901234567890 reads back as ...69216
            return None, ID_NUMBER_TOO_LONG + got(value) + ID_NUMBER_HINT
        text = str(int(value))
    elif isinstance(value, str):
        text = value.strip()
    else:
        return None, ID_NOT_TEXT + got(value)
    if not text:
        return None, ID_EMPTY
    if _EXCEL_SCIENTIFIC.fullmatch(text):
        return None, ID_SCIENTIFIC + got(text) + ID_SCIENTIFIC_HINT
    if len(text) > MAX_ID:
        return None, f"{ID_TOO_LONG} (got {len(text)}: {text[:12]!r}...)"
    return text, None


def check_priority(value: Any) -> tuple[str | None, str | None]:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, None
    if isinstance(value, str) and value.strip().upper() in PRIORITIES:
        return value.strip().upper(), None
    return None, PRIORITY_BAD + got(value)


def check_rank(value: Any) -> tuple[int | float | None, str | None]:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, None
    if isinstance(value, bool):
        return None, RANK_BAD + got(value)
    if isinstance(value, int):
        return _whole(value, value)
    if isinstance(value, float):
        return (_exact(value), None) if math.isfinite(value) else (None, RANK_BAD + got(value))
    if isinstance(value, str):
        text = value.strip()
        if _INTEGER.fullmatch(text) and len(text) <= 4300:  # int() refuses longer strings
            return _whole(int(text), value)
        if _NUMBER.fullmatch(text):
            number = float(text)
            if math.isfinite(number):
                return _exact(number), None
    return None, RANK_BAD + got(value)


def _whole(number: int, value: Any) -> tuple[int | float | None, str | None]:
    """An int as sent: exact within 64 bits (JSON encoders stop there), else the nearest float."""
    if -(2**63) <= number < 2**63:
        return number, None
    try:
        return float(number), None
    except OverflowError:  # beyond 1.8e308: not a finite number
        return None, RANK_BAD + got(value)


def _exact(number: float) -> int | float:
    """A whole float as an int (`3.0` is sent as `3`), below 2**53 where that is exact."""
    return int(number) if number.is_integer() and abs(number) < 2**53 else number


class RowRules:
    """Every check of one row but uniqueness; keeps a schedule parser (and its cache)."""

    def __init__(self, zone: tzinfo | None) -> None:
        self._schedules = ScheduleParser(zone)

    def schedule(self, value: Any) -> tuple[str | None, str | None]:
        normal, reason = self._schedules.parse(value)
        if reason is not None:  # the legacy parser names the legacy field
            return None, reason.replace("schedule-date-time", "scheduleAt")
        return normal, None

    def row(self, crm_id: Any, schedule: Any = None, priority: Any = None,
            rank: Any = None) -> V1Record | list[str]:
        """The record, or every reason the row is invalid."""
        cid, id_reason = check_id(crm_id)
        when, when_reason = self.schedule(schedule)
        prio, prio_reason = check_priority(priority)
        number, rank_reason = check_rank(rank)
        reasons = [r for r in (id_reason, when_reason, prio_reason, rank_reason) if r]
        if reasons or cid is None:
            return reasons or [ID_EMPTY]
        return V1Record(cid, when, prio, number)


def id_key(crm_id: str) -> int:
    """A 63-bit key of an id for SeenIds (which holds positive int64s): the string's own hash
    (SipHash, keyed per process), enough since the keys live only as long as one pass over a
    file. 0.86 µs an id with blake2b, 0.1 µs so (timeit)."""
    return hash(crm_id) & _KEY_MASK or 1


class UniqueIds:
    """Which ids were seen already, and on which row, in bounded memory.

    Ids are kept as 63-bit keys (`id_key`) in the legacy validator's numpy table (dedup.SeenIds:
    5.8M ids in 100 MB) rather than as strings (a set of 5M 32-character ids is ~450 MB). Two
    different ids share a key with odds of about n**2 / 2**64: 1 in 700,000 for a 5M-row file.
    """

    def __init__(self) -> None:
        self._seen = SeenIds()

    def first_rows(self, ids: Sequence[str], rows: Sequence[int]) -> list[int | None]:
        """For each id (rows ascending): the row it was first seen on, or None if it is new."""
        keys = np.fromiter((id_key(i) for i in ids), np.int64, len(ids))
        dup, first = self._seen.add(keys, np.asarray(rows, np.int64))
        return [int(f) if d else None for d, f in zip(dup.tolist(), first.tolist(), strict=True)]
