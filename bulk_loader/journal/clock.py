"""Where the journal's times come from: `now`, read at each stamp.

A public seam: a test (or a replay) that needs runs spread over simulated weeks (period reports)
replaces `bulk_loader.journal.clock.now`; nothing else in the journal reads the wall clock.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime


def utc_now() -> datetime:
    return datetime.now(UTC)


now: Callable[[], datetime] = utc_now
