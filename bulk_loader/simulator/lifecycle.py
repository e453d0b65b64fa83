"""How a stored record looks in the view at a given (simulated) time. Pure, no I/O.

Invented (Decision 9): each record waits until its schedule-date-time (status 4 Scheduled), then
spends about `stage_ms` in each of New, Queued and Accepted before it is Completed with an outcome
(status-code, disposition-code) drawn once from hash(seed, customer_id). The same seed, record and
clock always give the same answer.
"""

from __future__ import annotations

from bulk_loader.simulator.store import NO_SCHEDULE

MASK = (1 << 64) - 1

# Completed outcomes by percentile of the record's hash: (upper bound, status-code, disposition).
OUTCOMES = (
    (55, 0, 1000),  # done, nothing more to do
    (70, 1, 1001),  # Max Attempt Reached, Try Again
    (80, 0, 1002),  # Scheduled Call Back
    (87, 2, 1000),  # Skipped
    (93, 3, 1000),  # No Phone Number
    (100, 4, 1000),  # Invalid Phone Number
)


def mix(seed: int, customer_id: int) -> int:
    """splitmix64 of (seed, id): well spread, stable across runs and Python versions."""
    z = (customer_id * 0x9E3779B97F4A7C15 + seed * 0xBF58476D1CE4E5B9 + 0x94D049BB133111EB) & MASK
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
    return z ^ (z >> 31)


def record_state(h: int, added_ms: int, sched_ms: int, now_ms: int,
                 stage_ms: int) -> tuple[int, int, int]:
    """(status, status-code, disposition-code) of a record with hash `h`."""
    start = added_ms
    if sched_ms != NO_SCHEDULE and sched_ms > start:
        if now_ms < sched_ms:
            return 4, 0, 1000
        start = sched_ms
    # Each record's stages last between 0.5x and 1.5x stage_ms, so a batch spreads out.
    stage = max(1, stage_ms * (512 + (h & 1023)) // 1024)
    step = (now_ms - start) // stage
    if step < 3:
        return max(0, step), 0, 1000
    pct = (h >> 10) % 100
    for bound, code, disposition in OUTCOMES:
        if pct < bound:
            return 3, code, disposition
    return 3, 0, 1000  # unreachable: the last bound is 100


def phone_list(h: int, status_code: int) -> str:
    if status_code == 3:  # No Phone Number
        return ""
    return f"*Phone Number|555{(h >> 24) % 10_000_000:07d}"
