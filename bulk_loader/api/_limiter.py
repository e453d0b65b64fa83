"""The adaptive gate on requests in flight: a 429 halves it, a run of successes grows it back by 1.

Like TCP congestion control (AIMD): cutting fast and recovering slowly keeps a throttled run
from hammering the server. Several 429s answering requests sent before one cut count as one
signal (the epoch check), so a burst of throttles does not collapse the limit to 1 at once.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass


@dataclass
class ClientStats:
    """Counters for progress bars and summaries; read them, don't write them."""

    requests: int = 0  # HTTP requests sent (every attempt)
    retries: int = 0  # attempts after the first, of any kind
    throttled: int = 0  # 429 answers
    server_errors: int = 0  # 5xx answers other than 429
    network_errors: int = 0  # timeouts and dropped/refused connections
    bad_answers: int = 0  # answers that broke the contract (not an array, entries missing)
    splits: int = 0  # whole-request 400/413 refusals split in halves
    limit: int = 0  # current adaptive concurrency limit
    in_flight: int = 0


class AdaptiveLimiter:
    def __init__(
        self,
        limit: int,
        stats: ClientStats | None = None,
        *,
        recover_successes: int = 20,
        recover_seconds: float = 5.0,
    ) -> None:
        if limit < 1:
            raise ValueError("concurrency must be at least 1")
        self.stats = stats if stats is not None else ClientStats()
        self.stats.limit = limit
        self._max = limit
        self._recover_successes = recover_successes
        self._recover_seconds = recover_seconds
        self._waiters: deque[asyncio.Future[None]] = deque()
        self._epoch = 0
        self._successes = 0
        self._changed_at = 0.0
        self._hold_until = 0.0
        self._clock = time.monotonic  # tests swap both for a virtual clock
        self._sleep: Callable[[float], Awaitable[None]] = asyncio.sleep

    @property
    def limit(self) -> int:
        return self.stats.limit

    def slot(self) -> _Slot:
        """`async with limiter.slot() as s:` holds one place; call s.throttled() on a 429."""
        return _Slot(self)

    def hold(self, seconds: float) -> None:
        """Start no new request for `seconds` (a server's Retry-After applies to everyone)."""
        self._hold_until = max(self._hold_until, self._clock() + seconds)

    async def _acquire(self) -> int:
        while True:
            wait = self._hold_until - self._clock()
            if wait > 0:
                await self._sleep(wait)
                continue
            if self.stats.in_flight < self.stats.limit and not self._waiters:
                break
            fut: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            self._waiters.append(fut)
            if self.stats.in_flight < self.stats.limit:
                # Places are free but nobody in flight will release one (e.g. everyone lost
                # theirs to a hold): hand them out now, or every sender waits forever.
                self._wake()
            try:
                await fut
            except BaseException:
                self._waiters.remove(fut)
                self._wake()  # we may have been handed a place we will not use: pass it on
                raise
            self._waiters.remove(fut)
            if self.stats.in_flight < self.stats.limit and self._clock() >= self._hold_until:
                break
            # Lost the place (limit cut, or a hold began): queue again at the back.
        self.stats.in_flight += 1
        return self._epoch

    def _release(self, epoch: int, throttled: bool, ok: bool) -> None:
        self.stats.in_flight -= 1
        now = self._clock()
        if throttled:
            self._successes = 0
            if epoch == self._epoch:  # first signal since the last cut
                self._epoch += 1
                self.stats.limit = max(1, self.stats.limit // 2)
                self._changed_at = now
        elif ok and self.stats.limit < self._max:
            self._successes += 1
            if (
                self._successes >= self._recover_successes
                and now - self._changed_at >= self._recover_seconds
            ):
                self._successes = 0
                self._epoch += 1
                self.stats.limit += 1
                self._changed_at = now
        self._wake()

    def _wake(self) -> None:
        free = self.stats.limit - self.stats.in_flight
        for fut in self._waiters:
            if free <= 0:
                break
            if fut.cancelled():  # its task is leaving; it takes no place
                continue
            if not fut.done():  # a done one is woken but not yet running: its place is taken
                fut.set_result(None)
            free -= 1


class _Slot:
    __slots__ = ("_limiter", "_epoch", "_throttled", "ok")

    def __init__(self, limiter: AdaptiveLimiter) -> None:
        self._limiter = limiter
        self._epoch = 0
        self._throttled = False
        self.ok = False  # set by the caller when the request got a usable answer

    def throttled(self) -> None:
        self._throttled = True

    async def __aenter__(self) -> _Slot:
        self._epoch = await self._limiter._acquire()
        return self

    async def __aexit__(self, *exc: object) -> None:
        self._limiter._release(self._epoch, self._throttled, self.ok)
