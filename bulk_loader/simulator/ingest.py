"""The per-record checks of an add request, in the order the simulator applies them. No I/O.

Order: invalid id -> bad ISO 8601 -> not in the CRM (404) -> duplicate -> past -> outside the
campaign schedule -> more than 7 days ahead -> campaign full. Records are stored as they pass, so
the second of two equal ids in one request is a `Duplicate customer`. This loop is the
simulator's hot path (>= 300k records/s): locals are bound once and checks are kept flat.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from bulk_loader import spec
from bulk_loader.simulator.crm import Crm
from bulk_loader.simulator.store import NO_SCHEDULE, CampaignStore

DAY_MS = 86_400_000
# Invented (Decision 9): the answer for a record that would take a campaign past its cap.
MSG_CAMPAIGN_FULL = "The campaign already holds the maximum of {limit:,} records."

Row = tuple[int, int, int, int, int]  # record_id, crm_index, customer_id, added_ms, sched_ms


def parse_iso_ms(value: object) -> int | None:
    """An ISO 8601 date-time as UTC epoch ms; None when it is not one.

    A date alone or a space in place of 'T' is refused (the vendor's bad example is
    `2016-08-29T 09:00:00.000Z`). A value without an offset is read as UTC (an invention).
    """
    if not isinstance(value, str) or "T" not in value or " " in value:
        return None
    try:
        dt = datetime.fromisoformat(value)
    except ValueError:
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return int(dt.timestamp() * 1000)


def format_ms(epoch_ms: int) -> str:
    return spec.iso_utc_ms(datetime.fromtimestamp(epoch_ms / 1000, UTC))


@dataclass
class IngestRules:
    now_ms: int
    window_ms: tuple[int, int] | None
    max_records: int
    accept_numeric_strings: bool = False


def ingest(items: list[Any], store: CampaignStore, crm: Crm,
           rules: IngestRules) -> tuple[list[dict[str, Any]], list[Row]]:
    """Check and store each item; returns the 207 entries and the rows that were stored."""
    out: list[dict[str, Any]] = []
    rows: list[Row] = []
    now = rules.now_ms
    horizon = now + spec.MAX_DAYS_AHEAD * DAY_MS
    window = rules.window_ms
    outside = ""
    if window is not None:
        outside = spec.MSG_OUTSIDE_SCHEDULE.format(start=format_ms(window[0]),
                                                   end=format_ms(window[1]))
    full = MSG_CAMPAIGN_FULL.format(limit=rules.max_records)
    parsed: dict[Any, int | None] = {}  # schedules repeat within a request: parse each once
    slot_of = store.slot_of
    crm_lo, crm_hi, crm_range = crm.lo, crm.hi, crm.is_range
    append = out.append
    for item in items:
        if type(item) is dict:
            raw_id = item.get("customer-id")
            entry: dict[str, Any] = {"customer-id": raw_id}
            sched = item.get("schedule-date-time")
            if "schedule-date-time" in item:
                entry["schedule-date-time"] = sched
        else:
            raw_id = sched = None
            entry = {"customer-id": None}
        append(entry)
        cid = raw_id
        if type(cid) is not int:  # bool, float, str, null: not a JSON integer
            if (rules.accept_numeric_strings and isinstance(cid, str) and cid.isascii()
                    and cid.isdigit()):
                cid = int(cid)
            else:
                entry["http-status"] = 400
                entry["message"] = spec.MSG_BAD_ID
                continue
        if cid <= 0:
            entry["http-status"] = 400
            entry["message"] = spec.MSG_BAD_ID
            continue
        sched_ms = NO_SCHEDULE
        if sched is not None:
            try:
                ms = parsed[sched]
            except KeyError:
                ms = parsed[sched] = parse_iso_ms(sched)
            except TypeError:  # unhashable (a list or object)
                ms = None
            if ms is None:
                entry["http-status"] = 400
                entry["message"] = spec.MSG_BAD_ISO
                continue
            sched_ms = ms
        if not crm_range:
            idx = crm.index(cid)
        elif crm_lo <= cid <= crm_hi:
            idx = cid - crm_lo
        else:
            idx = -1
        if idx < 0:
            entry["http-status"] = 404
            entry["message"] = spec.MSG_NOT_FOUND
            continue
        if slot_of[idx]:
            entry["http-status"] = 400
            entry["message"] = spec.MSG_DUPLICATE
            continue
        if sched_ms != NO_SCHEDULE:
            if sched_ms < now:
                entry["http-status"] = 400
                entry["message"] = spec.MSG_PAST
                continue
            if window is not None and not window[0] <= sched_ms <= window[1]:
                entry["http-status"] = 400
                entry["message"] = outside
                continue
            if sched_ms > horizon:
                entry["http-status"] = 400
                entry["message"] = spec.MSG_TOO_FAR
                continue
        if store.live >= rules.max_records:
            entry["http-status"] = 400
            entry["message"] = full
            continue
        rows.append((store.add(idx, cid, now, sched_ms), idx, cid, now, sched_ms))
        entry["http-status"] = 200
    return out, rows
