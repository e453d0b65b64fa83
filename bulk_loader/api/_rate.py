"""`--max-rate N`: at most N requests per second for the whole run, every attempt counted.

Some tenants are asked to stay under a request budget (8x8's other Contact Center APIs cap
requests per minute per tenant). The adaptive limiter (api/_limiter.py) reacts to 429s after the
fact; this paces requests before they leave, so a known budget is not learnt by being refused.
Requests are spaced 1/N s apart with no burst: a server's token bucket of N per second then
never runs dry (bench_rate: 20 req/s allowed, see BENCHMARKS.md).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable


class RatePacer:
    def __init__(self, per_second: float, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep) -> None:
        if not per_second > 0:
            raise ValueError("the rate must be above 0 requests per second")
        self.interval = 1.0 / per_second
        self._clock = clock
        self._sleep = sleep
        self._next = 0.0

    async def wait(self) -> None:
        """Return when this request may leave; each caller books the next free instant."""
        now = self._clock()
        at = max(now, self._next)
        self._next = at + self.interval
        if at > now:
            await self._sleep(at - now)
