"""`--log-file PATH`: the run's events as JSON lines, for a log shipper or a support ticket.

One object per line: `{"time": ..., "event": ..., ...}` for start, preflight, retry, throttled,
waiting (--retry-for), stop and end. Retries and 429s come in bursts (a throttled run meets
hundreds), so they are summed and written at most once per `burst_seconds` per kind, plus once
at the end: the log stays readable and small. The writer only ever receives what the caller
passes; credentials are never handed to it, and `scrub` removes any configured token from a
line as a last guard (tests grep the file for the tokens).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson

from bulk_loader.api import open_append


class RunLog:
    def __init__(self, path: Path, secrets: list[str] | None = None,
                 burst_seconds: float = 10.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.path = path
        self._f = open_append(path, "--log-file")
        self._secrets = [s for s in (secrets or []) if s]
        self._burst = burst_seconds
        self._clock = clock
        self._lock = threading.Lock()
        self._pending: dict[str, dict[str, Any]] = {}  # kind -> {"count", "last", ...}
        self._flushed: dict[str, float] = {}

    def add_secrets(self, secrets: list[str]) -> None:
        self._secrets.extend(s for s in secrets if s)

    def event(self, event: str, **fields: Any) -> None:
        line = {"time": _now(), "event": event, **fields}
        data = orjson.dumps(line, default=str)
        for secret in self._secrets:
            data = data.replace(secret.encode(), b"***")
        with self._lock:
            self._f.write(data + b"\n")
            self._f.flush()  # a killed run's log is complete up to its last event

    def burst(self, kind: str, reason: str, wait: float | None = None) -> None:
        """One retry or 429; written as a sum once per burst window."""
        with self._lock:
            p = self._pending.setdefault(kind, {"count": 0, "first": _now()})
            p["count"] += 1
            p["last_reason"] = reason
            if wait is not None:
                p["last_wait_seconds"] = round(wait, 3)
            due = self._clock() - self._flushed.get(kind, -1e9) >= self._burst
        if due:
            self.flush(kind)

    def flush(self, kind: str | None = None) -> None:
        kinds = [kind] if kind else list(self._pending)
        for k in kinds:
            with self._lock:
                p = self._pending.pop(k, None)
                self._flushed[k] = self._clock()
            if p:
                self.event(k, **p)

    def close(self) -> None:
        self.flush()
        self._f.close()


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
