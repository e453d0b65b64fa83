"""`--trace-http PATH`: one JSON line per HTTP request, to attach to a support ticket.

Each line: time, method, path (no host, no query secrets: the API has none), status or the
network error, attempt (1 for a first try; set by the client's retry loops through a context
variable, so concurrent chunks keep their own count) and milliseconds. No header is written, so
no Authorization; request and answer bodies only with `bodies=True` (--trace-bodies), since they
hold customer ids.
"""

from __future__ import annotations

import contextvars
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

import orjson

from bulk_loader.errors import OutputError

ATTEMPT: contextvars.ContextVar[int] = contextvars.ContextVar("bulk_loader_attempt", default=1)
BODY_LIMIT = 65_536  # a 1,000-record chunk is ~40 KB; a trace is not a data dump


def open_append(path: Path, what: str) -> IO[bytes]:
    """Open `path` to append JSON lines, private to its owner; a bad path is a usage error."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        f = open(path, "ab")  # noqa: SIM115 - closed by the owner's close()
        path.chmod(0o600)
        return f
    except OSError as exc:
        raise OutputError(f"{what} {path} cannot be written: {exc.strerror}",
                          path=path) from exc


class HttpTrace:
    def __init__(self, path: Path, bodies: bool = False) -> None:
        self.path = path
        self.bodies = bodies
        self._f = open_append(path, "--trace-http")
        self._lock = threading.Lock()  # the preflight and the send run on different loops

    def record(self, method: str, path: str, status: int | None, seconds: float,
               error: str | None = None, body: bytes | None = None,
               answer: bytes | None = None) -> None:
        line: dict[str, Any] = {
            "time": datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "method": method, "path": path, "status": status, "attempt": ATTEMPT.get(),
            "ms": round(seconds * 1000, 1)}
        if error:
            line["error"] = error
        if self.bodies:
            line["request_body"] = _text(body)
            line["response_body"] = _text(answer)
        with self._lock:
            self._f.write(orjson.dumps(line) + b"\n")

    def close(self) -> None:
        self._f.close()


def _text(data: bytes | None) -> str | None:
    if data is None:
        return None
    return data[:BODY_LIMIT].decode("utf-8", "replace")
