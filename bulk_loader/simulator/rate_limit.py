"""The simulator's request budget (invented, docs/simulator.md): a token bucket per tenant.

`--rate-limit R` gives each tenant (the Basic username, or the anonymous caller) a bucket of
R tokens (at least 1) refilled at R per second; a request finding it empty is answered 429 with a
Retry-After of the whole seconds until the next token (at least 1, as HTTP counts in seconds).
Real time, not the simulated clock: a budget is about load, not about the lifecycle.
"""

from __future__ import annotations

import base64
import binascii
import math
import time
from collections.abc import Callable


def tenant_of(header: str | None) -> str:
    """The Basic username of an Authorization header, '' when there is none."""
    if not header or not header.startswith("Basic "):
        return ""
    try:
        decoded = base64.b64decode(header[6:].strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return ""
    return decoded.partition(":")[0]


class TenantBuckets:
    def __init__(self, rate: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.rate = rate
        self.capacity = max(1.0, rate)  # below 1/s, one request may still wait its turn
        self._clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}  # tenant -> (tokens, at)

    def take(self, tenant: str) -> float | None:
        """None if the request may go on, else the seconds until a token is back."""
        now = self._clock()
        tokens, at = self._buckets.get(tenant, (self.capacity, now))
        tokens = min(self.capacity, tokens + (now - at) * self.rate)
        if tokens >= 1.0:
            self._buckets[tenant] = (tokens - 1.0, now)
            return None
        self._buckets[tenant] = (tokens, now)
        return (1.0 - tokens) / self.rate


def retry_after_header(wait: float) -> str:
    return str(max(1, math.ceil(wait)))
