"""Waits that are bounded, spoken and cut by Ctrl-C: the client's backoff and Retry-After.

A server that answers `Retry-After: 86400` once kept the tool silent for 25 minutes; a backoff
sleep outlived the first Ctrl-C. So: a Retry-After beyond MAX_RETRY_AFTER stops the run at once
(exit 3, re-run later) instead of being waited for; any wait longer than LOUD_WAIT prints one
line saying what it waits for and until when; and every wait ends the moment the run's stop
event is set (the same event Ctrl-C sets, runs/_interrupt.py).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from bulk_loader.errors import WaitTooLong

MAX_RETRY_AFTER = 120.0  # seconds: a longer Retry-After stops the run (README "Waits")
LOUD_WAIT = 10.0  # seconds: a longer wait is announced


def too_long(retry_after: float, cap: float) -> WaitTooLong:
    return WaitTooLong(f"the server asked to wait {retry_after:,.0f} s before trying again "
                       f"(Retry-After), more than the {cap:g} s this tool waits; try again later")


def announce(seconds: float, reason: str, notice: Callable[[str], None]) -> None:
    if seconds > LOUD_WAIT:
        until = datetime.now(UTC) + timedelta(seconds=seconds)
        notice(f"waiting {seconds:.0f} s, until {until:%H:%M:%S} UTC, {reason}")


async def pause(seconds: float, stop: asyncio.Event | None) -> None:
    """Sleep `seconds`, or raise WaitTooLong(cut=True) as soon as `stop` is set."""
    if stop is None:
        await asyncio.sleep(seconds)
        return
    if not stop.is_set():
        try:
            await asyncio.wait_for(stop.wait(), seconds)
        except TimeoutError:
            return
    raise WaitTooLong("a wait was cut short because the run is stopping", cut=True)
