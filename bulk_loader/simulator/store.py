"""One campaign's records, kept compact: flat arrays, no per-record Python objects.

A record lives in a slot; its record-id is FIRST_RECORD_ID + slot (sequential per campaign, as in
the vendor's example). `slot_of[crm_index]` holds slot + 1 (0 = not in the campaign), so the
membership test of the hot add loop is one array read.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterator

FIRST_RECORD_ID = 10_000_000
NO_SCHEDULE = -(2**63)  # sched_ms of a record sent without schedule-date-time
DELETED = -1  # cust[slot] of a deleted record


class CampaignStore:
    def __init__(self, crm_size: int) -> None:
        self.slot_of = array("i")
        self.slot_of.frombytes(bytes(4 * crm_size))  # zeroed in C; 4 bytes per CRM id
        self.cust = array("q")
        self.added = array("q")
        self.sched = array("q")
        self.live = 0

    def has(self, crm_index: int) -> bool:
        return self.slot_of[crm_index] != 0

    def add(self, crm_index: int, customer_id: int, added_ms: int, sched_ms: int) -> int:
        """Store a new record; returns its record-id."""
        slot = len(self.cust)
        self.cust.append(customer_id)
        self.added.append(added_ms)
        self.sched.append(sched_ms)
        self.slot_of[crm_index] = slot + 1
        self.live += 1
        return FIRST_RECORD_ID + slot

    def place(self, record_id: int, crm_index: int, customer_id: int, added_ms: int,
              sched_ms: int) -> None:
        """Restore a persisted record at its old record-id (rows come in record-id order)."""
        slot = record_id - FIRST_RECORD_ID
        while len(self.cust) < slot:  # a gap left by a deleted record
            self.cust.append(DELETED)
            self.added.append(0)
            self.sched.append(NO_SCHEDULE)
        self.add(crm_index, customer_id, added_ms, sched_ms)

    def row_of(self, crm_index: int) -> tuple[int, int, int] | None:
        """(customer_id, added_ms, sched_ms) of the record, or None when it is not held."""
        slot = self.slot_of[crm_index] - 1
        if slot < 0:
            return None
        return self.cust[slot], self.added[slot], self.sched[slot]

    def delete(self, crm_index: int) -> int | None:
        """Remove a record; returns its record-id, or None when it was not in the campaign."""
        slot = self.slot_of[crm_index] - 1
        if slot < 0:
            return None
        self.slot_of[crm_index] = 0
        self.cust[slot] = DELETED
        self.live -= 1
        return FIRST_RECORD_ID + slot

    def clear(self) -> None:
        self.__init__(len(self.slot_of))  # type: ignore[misc]

    def rows(self, start: int, stop: int) -> Iterator[tuple[int, int, int, int]]:
        """(record_id, customer_id, added_ms, sched_ms) of live records in slots [start, stop)."""
        cust, added, sched = self.cust, self.added, self.sched
        for slot in range(start, min(stop, len(cust))):
            cid = cust[slot]
            if cid != DELETED:
                yield FIRST_RECORD_ID + slot, cid, added[slot], sched[slot]

    def __len__(self) -> int:
        return len(self.cust)  # slots, deleted ones included
