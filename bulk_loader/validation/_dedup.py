"""Which customer-ids were seen already, and on which row: an open-addressing hash table in numpy.

A Python dict of 5M ints costs over 300 MB; this table holds 5.8M ids in 100 MB (2^23 slots of
int64 keys and uint32 row numbers, at most 70% full) and does its work a batch at a time in numpy,
about 0.15 µs an id. It starts at 2^20 slots (12 MB) and jumps straight to the largest size: a
rehash through every size in between costs more time and memory (measured) than it saves. Once
the largest table is full (far past the 5,000,000 cap, so the file is refused anyway) it stops
recording and only looks up. Ids are positive, so key 0 marks a free slot. Pure code: no I/O.
"""

from __future__ import annotations

import numpy as np

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)  # Fibonacci hashing spreads runs of consecutive ids
_MAX_LOAD = 0.7
_REHASH_CHUNK = 1 << 16
_SCALAR_TAIL = 24


class SeenIds:
    def __init__(self, bits: int = 20, max_bits: int = 23) -> None:
        self._bits = bits
        self._max_bits = max(bits, max_bits)
        self._keys = np.zeros(1 << bits, np.int64)
        self._rows = np.zeros(1 << bits, np.uint32)
        self.count = 0
        self.full = False  # the largest table is 70% full: look up only

    def _slots(self, keys: np.ndarray) -> np.ndarray:
        hashed = (keys.view(np.uint64) * _GOLDEN) >> np.uint64(64 - self._bits)
        return hashed.astype(np.intp)

    def add(self, ids: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Record ids (int64 > 0) first seen on rows (ascending); return (is_duplicate, first_row).

        A duplicate, of an earlier batch or of this one, is not recorded again: first_row[i] is the
        row where ids[i] was first seen (0 where it is new).
        """
        n = len(ids)
        dup = np.zeros(n, bool)
        first = np.zeros(n, np.int64)
        if n == 0:
            return dup, first
        ordered = np.sort(ids)
        if (ordered[1:] == ordered[:-1]).any():
            # Inside the batch: each later copy points at the first copy's row.
            order = np.argsort(ids, kind="stable")
            ordered = ids[order]
            repeat = np.zeros(n, bool)
            repeat[1:] = ordered[1:] == ordered[:-1]
            run_start = np.maximum.accumulate(np.where(repeat, 0, np.arange(n)))
            later = order[repeat]
            dup[later] = True
            first[later] = rows[order[run_start[repeat]]]
            keep = np.sort(order[~repeat])
        else:
            keep = np.arange(n)
        if self.count + len(keep) > _MAX_LOAD * len(self._keys) and not self.full:
            if self._bits < self._max_bits:
                self._grow()
            self.full = self.count + len(keep) > _MAX_LOAD * len(self._keys)
        claim = not self.full
        if len(keep) == n:
            hit, hit_rows = self._insert(ids, rows.astype(np.uint32), claim)
        else:
            hit, hit_rows = self._insert(ids[keep], rows[keep].astype(np.uint32), claim)
        dup[keep[hit]] = True
        first[keep[hit]] = hit_rows
        # A later copy inside the batch of an id seen in an earlier batch names the earlier row.
        if len(keep) < n:
            earlier = dict(zip(ids[keep[hit]].tolist(), hit_rows.tolist(), strict=True))
            if earlier:
                for i in np.flatnonzero(dup).tolist():
                    first[i] = earlier.get(int(ids[i]), int(first[i]))
        return dup, first

    def _insert(self, keys: np.ndarray, rows: np.ndarray,
                claim: bool = True) -> tuple[np.ndarray, np.ndarray]:
        """Linear probing for distinct keys, all at once: returns (already there, its row).

        With claim=False, keys not there are not added.
        """
        table, table_rows = self._keys, self._rows
        mask = len(table) - 1
        slot = self._slots(keys)
        pending = np.arange(len(keys))
        found = np.zeros(len(keys), bool)
        found_rows = np.zeros(len(keys), np.int64)
        while pending.size > _SCALAR_TAIL:
            at = slot[pending]
            want = keys[pending]
            current = table[at]
            same = current == want
            if same.any():
                found[pending[same]] = True
                found_rows[pending[same]] = table_rows[at[same]]
            free = current == 0
            if not claim:
                pending = pending[~(same | free)]
                slot[pending] = (slot[pending] + 1) & mask
                continue
            claim_at, claim_key = at[free], want[free]
            table[claim_at] = claim_key  # several keys may race for one slot: one wins
            won = table[claim_at] == claim_key
            table_rows[claim_at[won]] = rows[pending[free][won]]
            self.count += int(won.sum())
            retry = ~(same | free)
            retry[np.flatnonzero(free)[~won]] = True
            pending = pending[retry]
            slot[pending] = (slot[pending] + 1) & mask
        # The last few keys of long probe runs: one by one costs less than more numpy rounds.
        for i in pending.tolist():
            key, at_slot = int(keys[i]), int(slot[i])
            while (current_key := int(table[at_slot])) not in (0, key):
                at_slot = (at_slot + 1) & mask
            if current_key == key:
                found[i] = True
                found_rows[i] = table_rows[at_slot]
            elif claim:
                table[at_slot] = key
                table_rows[at_slot] = rows[i]
                self.count += 1
        return found, found_rows[found]

    def _grow(self) -> None:
        used = np.flatnonzero(self._keys)
        keys, rows = self._keys[used], self._rows[used]
        self._bits = self._max_bits
        self._keys = np.zeros(1 << self._bits, np.int64)
        self._rows = np.zeros(1 << self._bits, np.uint32)
        self.count = 0
        for start in range(0, len(keys), _REHASH_CHUNK):  # small temporaries
            end = start + _REHASH_CHUNK
            self._insert(keys[start:end], rows[start:end])
