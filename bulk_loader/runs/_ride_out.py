"""`--retry-for DURATION`: ride out a maintenance window instead of stopping the night's run.

Without it a server that does not answer stops the run at once (exit 3) once the client's own
retries are spent: quick feedback for a person at a terminal. A nightly job whose file name is
dated never resumes tonight's run tomorrow, so it may instead wait: the preflight and a dead
server are tried again with exponential backoff (1 s doubling to 60 s, never past the deadline)
until the server answers or the time is up, and only then exit 3.
"""

from __future__ import annotations

import random
import re
import time
from collections.abc import Callable

from bulk_loader.errors import UsageError

_PART = re.compile(r"(\d+(?:\.\d+)?)([smhd]?)")
_UNIT = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}
FIRST_WAIT = 1.0
MAX_WAIT = 60.0


def parse_duration(text: str | None) -> float:
    """'15m', '2h', '1h30m', '90s' or '90' (seconds) as seconds; '' or None is 0."""
    if text is None or not str(text).strip():
        return 0.0
    raw = str(text).strip().lower()
    pos, total = 0, 0.0
    while pos < len(raw):
        m = _PART.match(raw, pos)
        if m is None:
            raise UsageError(
                f"retry_for must be a duration such as 15m, 2h or 1h30m (got {text!r})",
                param="retry_for")
        total += float(m.group(1)) * _UNIT[m.group(2)]
        pos = m.end()
    if total > 7 * 86400:
        raise UsageError(f"retry_for must be at most 7d (got {text!r})", param="retry_for")
    return total


def describe(seconds: float) -> str:
    """15m, 2h, 1h30m, 45s: the short form a person writes."""
    s = int(round(seconds))
    h, rest = divmod(s, 3600)
    m, sec = divmod(rest, 60)
    out = (f"{h}h" if h else "") + (f"{m}m" if m else "") + (f"{sec}s" if sec else "")
    return out or "0s"


class Patience:
    """How long is left to ride out an outage, and how long to wait before the next try."""

    def __init__(self, seconds: float, clock: Callable[[], float] = time.monotonic,
                 rng: random.Random | None = None) -> None:
        self.seconds = seconds
        self._clock = clock
        self._deadline = clock() + seconds
        self._rng = rng or random.Random()
        self.tries = 0

    def left(self) -> float:
        return max(0.0, self._deadline - self._clock())

    def next_wait(self) -> float | None:
        """Seconds to wait before trying again, or None when the time is up (or never given)."""
        left = self.left()
        if self.seconds <= 0 or left <= 0:
            return None
        self.tries += 1
        ceiling = min(MAX_WAIT, FIRST_WAIT * 2 ** (self.tries - 1))
        # Jitter in the upper half: many loaders of one tenant do not return in step.
        return min(left, self._rng.uniform(ceiling / 2, ceiling))
