"""The one retry loop every back end's client runs its requests through.

`Calls` is the base class of each back end's client (api/vcc/_client.py `CampaignClient`,
api/campaigns_v1/client.py `CampaignsV1Client`). It holds what a run hangs on a client and what
both back ends did alike before this module existed, twice:

- `_attempt`/`_request`: one request through the adaptive limiter (api/_limiter.py), paced by
  `--max-rate` (`pacer`) and counted in `stats`; 429 shrinks the limit, a success grows it.
- `_wait`: the backoff or Retry-After between attempts (RetryPolicy), bounded, spoken past
  LOUD_WAIT and cut by the run's `stop` event (api/_waits.py), reported to `on_retry`.
- `_retrying`: a small call retried per policy until an answer that is not transient; returns
  it (or the last failure) with whether an attempt may have been acted on unseen; a terminal
  error leaving it (a wait too long or cut, a judge's refusal) carries that in `maybe_taken`.

Loops that need more (the legacy add, which splits refused requests and retries only the
records an answer left out; the legacy DELETE, which may switch tokens) use `_attempt` and
`_wait` in their own loop.

`gather_or_cancel` runs the halves of a split batch (both back ends split): the first error
cancels the rest.

Members a run sets on the client: `pacer`, `on_retry`, `stop`; it reads `stats` and `notices`.
Tests swap `_sleep` (and the limiter's) to observe waits.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from bulk_loader.api._http_trace import ATTEMPT
from bulk_loader.api._limiter import AdaptiveLimiter, ClientStats
from bulk_loader.api._rate import RatePacer
from bulk_loader.api._retry import RetryPolicy
from bulk_loader.api._transport import Reply, ambiguous
from bulk_loader.api._waits import LOUD_WAIT, announce, pause, too_long
from bulk_loader.errors import (
    ConnectionFailed,
    RequestTimeout,
    ServerBusy,
    TerminalError,
    TransientError,
)

Send = Callable[[], Awaitable[Reply]]
Judge = Callable[[Reply], None]  # raises a TransientError for an answer worth another attempt


class Calls:
    """Retry, limiter, pacing and waits for one client; see the module docstring."""

    # The policy of a client given none (the CLI gives none): a public seam, e.g. for a test
    # that wants a dead server to cost milliseconds.
    default_retry: Callable[[], RetryPolicy] = staticmethod(RetryPolicy)

    def __init__(self, *, concurrency: int, retry: RetryPolicy | None, timeout: float,
                 on_notice: Callable[[str], None] | None = None,
                 recover_successes: int = 20, recover_seconds: float = 5.0) -> None:
        self.retry = retry or self.default_retry()
        self.timeout = timeout
        self.stats = ClientStats()
        self.limiter = AdaptiveLimiter(concurrency, self.stats,
                                       recover_successes=recover_successes,
                                       recover_seconds=recover_seconds)
        self._on_notice = on_notice
        self.notices: list[str] = []  # sentences worth telling the user (e.g. Decision 1)
        self.pacer: RatePacer | None = None  # --max-rate, for every attempt of the run
        self.on_retry: Callable[[TransientError, float], None] | None = None  # --log-file
        self.stop: asyncio.Event | None = None  # the run's stop event: it cuts every wait
        self._sleep: Callable[[float], Awaitable[None]] = self._pause  # tests swap this
        self.limiter._sleep = self._pause

    def notice(self, text: str) -> None:
        self._notice(text)

    def _notice(self, text: str) -> None:
        self.notices.append(text)
        if self._on_notice is not None:
            self._on_notice(text)

    async def _pause(self, seconds: float) -> None:
        await pause(seconds, self.stop)

    async def _attempt(self, slot: Any, send: Send) -> Reply:
        """One request while holding `slot`; feeds the limiter and the counters."""
        if self.pacer is not None:
            await self.pacer.wait()
        self.stats.requests += 1
        try:
            reply = await send()
        except (ConnectionFailed, RequestTimeout):
            self.stats.network_errors += 1
            raise
        if reply.status == 429:
            slot.throttled()
            self.stats.throttled += 1
        elif reply.status >= 500:
            self.stats.server_errors += 1
        else:
            slot.ok = reply.status < 400
        return reply

    async def _request(self, send: Send) -> Reply:
        """One attempt through the limiter, counted."""
        async with self.limiter.slot() as slot:
            return await self._attempt(slot, send)

    async def _wait(self, failures: int, exc: TransientError) -> None:
        retry_after = exc.retry_after if isinstance(exc, ServerBusy) else None
        if retry_after is not None and retry_after > self.retry.max_retry_after:
            raise too_long(retry_after, self.retry.max_retry_after)
        wait = self.retry.delay(failures, retry_after)
        if retry_after is not None:
            self.limiter.hold(wait)  # the server asked everyone to wait, not just this request
        if self.on_retry is not None:
            self.on_retry(exc, wait)
        reason = "as the server asked (Retry-After)" if retry_after is not None and \
            wait == retry_after else "before trying again"
        if isinstance(exc, RequestTimeout) and self.timeout > LOUD_WAIT:
            # The silence was the wait for the answer itself: say so before the next one.
            self._notice(f"{exc}; trying again (attempt {failures + 1} of "
                         f"{self.retry.max_attempts})")
        announce(wait, f"{reason} after: {exc}", self._notice)
        await self._sleep(wait)

    async def _retrying(self, send: Send, judge: Judge) -> tuple[Reply | TransientError, bool]:
        """Attempts until an answer `judge` lets through: (that answer, or the last failure once
        the policy's attempts ran out; whether an attempt may have been acted on unseen)."""
        failures, resent = 0, False
        while True:
            ATTEMPT.set(failures + 1)
            try:
                reply = await self._request(send)
                judge(reply)
                return reply, resent
            except TransientError as exc:
                failures += 1
                resent = resent or ambiguous(exc)
                if failures >= self.retry.max_attempts:
                    return exc, resent
                self.stats.retries += 1
                try:
                    await self._wait(failures, exc)
                except TerminalError as stop:  # a wait too long or cut: an earlier try may count
                    stop.maybe_taken = stop.maybe_taken or resent
                    raise
            except TerminalError as exc:
                exc.maybe_taken = exc.maybe_taken or resent
                raise


async def gather_or_cancel(coros: Iterable[Awaitable[Any]]) -> None:
    """Run concurrently; on the first error cancel the rest and raise that error."""
    tasks = [asyncio.ensure_future(c) for c in coros]
    try:
        await asyncio.gather(*tasks)
    except BaseException:
        for t in tasks:
            t.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        raise
