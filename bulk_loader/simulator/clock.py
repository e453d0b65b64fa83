"""The simulator's clock: real time plus an offset that tests can move."""

from __future__ import annotations

import time


class Clock:
    def __init__(self) -> None:
        self.offset_ms = 0

    def now_ms(self) -> int:
        return int(time.time() * 1000) + self.offset_ms

    def advance(self, seconds: float) -> None:
        self.offset_ms += int(seconds * 1000)

    def set_ms(self, epoch_ms: int) -> None:
        self.offset_ms = epoch_ms - int(time.time() * 1000)
