"""Retry policy: how often, and how long to wait (docs/contract.md Decision 3). Pure logic, no I/O."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from bulk_loader.api._waits import MAX_RETRY_AFTER


@dataclass(frozen=True)
class RetryPolicy:
    """`max_attempts` counts every request, the first included (1 = never retry).

    Waits use exponential backoff with full jitter: uniform(0, min(max_delay, base_delay * 2**n)),
    so that many clients throttled at once do not come back in step. A server's Retry-After is
    honoured as a floor up to `max_retry_after`; the client stops the run on a longer one
    (api/_waits.py), so a bogus header cannot stall a run for days.
    """

    max_attempts: int = 6
    base_delay: float = 0.5
    max_delay: float = 30.0
    max_retry_after: float = MAX_RETRY_AFTER
    rng: random.Random = field(default_factory=random.Random, compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")

    def backoff(self, failures: int) -> float:
        """The wait after the `failures`-th failed attempt in a row (1-based)."""
        ceiling = min(self.max_delay, self.base_delay * (2 ** max(0, failures - 1)))
        return self.rng.uniform(0.0, ceiling)

    def delay(self, failures: int, retry_after: float | None) -> float:
        """Backoff, but never less than the server asked for (up to the cap)."""
        wait = self.backoff(failures)
        if retry_after is not None:
            wait = max(wait, min(retry_after, self.max_retry_after))
        return wait


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Retry-After as seconds: delta-seconds or an HTTP-date (RFC 9110 10.2.3); None if absent/bad."""
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = (when - (now or datetime.now(UTC))).total_seconds()
    if seconds != seconds:  # NaN
        return None
    return max(0.0, seconds)
