"""Progress on stderr: a tqdm bar on a terminal, a plain line every few seconds otherwise.

`--quiet` shows nothing. Updates are throttled so that progress costs nothing measurable at
5M records (the sender calls `sending()` once per chunk). One class for both runs: upload reads
(`reading`) then sends (`start_sending`, `sending`); delete deletes (`start_deleting`,
`counted`).
"""

from __future__ import annotations

import sys
import time
from typing import IO, Any

PLAIN_EVERY = 5.0


def choose_mode(quiet: bool, stream: IO[str] | None = None) -> str:
    if quiet:
        return "none"
    stream = stream or sys.stderr
    return "bar" if stream.isatty() else "plain"


class Progress:
    def __init__(self, mode: str, stream: IO[str] | None = None,
                 every: float = PLAIN_EVERY) -> None:
        self.mode = mode
        self.stream = stream or sys.stderr
        self.every = every
        self._bar: Any = None
        self._last = 0.0
        self._started = time.monotonic()
        self._total = 0
        self._base = 0
        self._verb = "sending"

    def _emit(self, text: str) -> None:
        print(text, file=self.stream, flush=True)

    # -- phase 1 ---------------------------------------------------------------------------------
    def reading(self, rows: int, done: int = 0, total: int = 0) -> None:
        """`rows` read so far; `done`/`total` bytes of the file, when known."""
        if self.mode == "none":
            return
        if self.mode == "bar":
            if self._bar is None:
                from tqdm import tqdm

                self._bar = tqdm(total=total or None, unit="B", unit_scale=True, desc="reading",
                                 file=self.stream, dynamic_ncols=True, mininterval=0.5)
            self._bar.n = done
            self._bar.set_postfix(rows=f"{rows:,}", refresh=False)
            self._bar.update(0)
            return
        now = time.monotonic()
        if now - self._last >= self.every:
            self._last = now
            share = f" ({done / total:.0%} of the file)" if total else ""
            self._emit(f"reading: {rows:,} rows checked{share}")

    # -- phase 2 ---------------------------------------------------------------------------------
    def start_sending(self, total: int, done: int, skip_known: bool = False) -> None:
        """`total` records to send in all; `done` of them already settled by earlier runs.
        `skip_known`: some may be left out as known, found only as their chunks come up."""
        self.close()  # the reading bar, if any
        self._total, self._base = total, done
        self._started = time.monotonic()
        self._last = self._started
        if self.mode == "bar":
            from tqdm import tqdm

            self._bar = tqdm(total=total, initial=done, unit="rec", unit_scale=True,
                             file=self.stream, dynamic_ncols=True, mininterval=0.5)
        elif self.mode == "plain":
            if skip_known:
                self._emit(f"sending: at most {total - done:,} records ({done:,} settled before; "
                           "--skip-known leaves out the ones the journal knows)")
            else:
                self._emit(f"sending: {total - done:,} records to send ({done:,} settled before)")

    def start_deleting(self, total: int) -> None:
        """A delete's phase 2: `total` records to delete; lines come with the counts."""
        self.close()
        self._verb, self._total, self._base = "deleting", total, 0
        self._started = time.monotonic()
        self._last = self._started
        if self.mode == "bar":
            from tqdm import tqdm

            self._bar = tqdm(total=total, unit="rec", unit_scale=True, file=self.stream,
                             dynamic_ncols=True, mininterval=0.5)

    def sending(self, settled: int, accepted: int, rejected: int, failed: int) -> None:
        """`settled` records answered in this invocation so far."""
        self.counted(settled, accepted=accepted, rejected=rejected, failed=failed)

    def counted(self, settled: int, **counts: int) -> None:
        """`settled` records answered in this invocation so far, and the counts to show."""
        if self.mode == "none":
            return
        if self._bar is not None:
            self._bar.n = self._base + settled
            self._bar.set_postfix(refresh=False, **counts)
            self._bar.update(0)
            return
        now = time.monotonic()
        if now - self._last < self.every:
            return
        self._last = now
        elapsed = now - self._started
        rate = settled / elapsed if elapsed > 0 else 0.0
        left = self._total - self._base - settled
        eta = f", ETA {left / rate:.0f} s" if rate > 0 else ""
        shown = ", ".join(f"{name} {n:,}" for name, n in counts.items())
        self._emit(f"{self._verb}: {self._base + settled:,}/{self._total:,} records, "
                   f"{rate:,.0f}/s, {shown}{eta}")

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None
