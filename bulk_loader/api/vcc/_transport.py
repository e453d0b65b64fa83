"""The legacy API's HTTP transport: one aiohttp session, each request with the headers its
caller's auth strategy chose (api/vcc/_auth.py), answers read whole up to a cap or streamed.

Network failures are translated by the shared api/_transport.py, so nothing above `api/` sees
an aiohttp exception. Status codes are judged by the caller, except those that mean the same
thing on every legacy endpoint (`raise_for_common`).
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from typing import Any

import aiohttp
import ijson

from bulk_loader import __version__
from bulk_loader.api._http_trace import HttpTrace
from bulk_loader.api._retry import parse_retry_after
from bulk_loader.api._transport import (
    NETWORK_ERRORS,
    READ_BYTES,
    RETRYABLE_STATUS,
    NotSent,
    Reply,
    read_capped,
    refuse_redirect,
    server_message,
    unechoed,
)
from bulk_loader.api._transport import translate as _translate
from bulk_loader.errors import (
    AnswerTooLarge,
    AuthError,
    BadResponse,
    RedirectRefused,
    ServerBusy,
)

__all__ = ["ANSWER_CAP", "NETWORK_ERRORS", "RETRYABLE_STATUS", "SMALL_ANSWER_CAP", "NotSent",
           "Reply", "StreamReply", "Transport", "check_entries", "raise_for_common",
           "server_message"]

# An answer read whole (add, delete, status) is refused past this: a 1000-record add answer is
# about 100 KB, so 64 MB is far above any honest one and keeps a hostile one bounded.
ANSWER_CAP = 64 * 1024 * 1024
SMALL_ANSWER_CAP = 1024 * 1024  # a campaign status or a delete answer: a few hundred bytes
ENTRY_COMMAS = 16  # commas per record an add answer may hold (an entry has 2 or 3 fields)
TOKEN_ENV = {"action": "BULK_LOADER_ACTION_TOKEN", "data": "BULK_LOADER_DATA_TOKEN"}


def raise_for_common(reply: Reply, kind: str) -> None:
    """401/403 (auth) and 429/5xx (busy) mean the same on every endpoint."""
    status = reply.status
    if status in (401, 403):
        raise AuthError(
            f"the {kind} token was refused (HTTP {status}); check {TOKEN_ENV[kind]} "
            f"or the profile's {kind}_token",
            status=status,
        )
    if status in RETRYABLE_STATUS:
        msg = server_message(reply.body, 120)
        raise ServerBusy(
            f"the server answered HTTP {status}" + (f" ({msg})" if msg else ""),
            status=status,
            retry_after=parse_retry_after(reply.retry_after),
        )


def check_entries(body: bytes, records: int, what: str) -> None:
    """Refuse, before parsing, an answer with far more JSON values than the records sent: 60 MB
    of `{},` would parse into 20 million dicts (1.3 GB). An honest entry holds a few commas;
    counting them runs at memchr speed (measured: 15 ms for 60 MB)."""
    if body.count(b",") > ENTRY_COMMAS * records + 64:
        raise AnswerTooLarge(f"the answer to {what} holds far more entries than the {records:,} "
                             "records sent; the server is not answering as the API promises")


class Transport:
    def __init__(self, base_url: str, *, timeout: float = 60.0, pool: int = 8) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self._pool = pool
        self._session: aiohttp.ClientSession | None = None
        self.trace: HttpTrace | None = None  # --trace-http
        # The tokens, never to be read back: a server that echoes one in an error would put it
        # in messages, summaries and the journal. One bytes search per token and answer.
        self.secrets: tuple[bytes, ...] = ()

    async def open(self) -> None:
        if self._session is None:
            # TLS verification stays on (aiohttp's default context); no option turns it off.
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._pool, ttl_dns_cache=300),
                timeout=aiohttp.ClientTimeout(total=self.timeout, connect=min(self.timeout, 30)),
                headers={"Accept": "application/json", "User-Agent": f"bulk-loader/{__version__}"},
                raise_for_status=False,
            )

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    def unechoed(self, answer: bytes) -> bytes:
        """The answer with any token the server echoed replaced by `[a token]`."""
        return unechoed(answer, self.secrets, b"[a token]")

    def _ensure(self) -> aiohttp.ClientSession:
        if self._session is None:
            raise RuntimeError("use `async with CampaignClient(...)` before calling it")
        return self._session

    async def request(
        self, method: str, path: str, headers: Mapping[str, str], what: str,
        body: bytes | None = None, cap: int = ANSWER_CAP,
    ) -> Reply:
        """One request, body read whole up to `cap` bytes. `what` names it in messages."""
        session = self._ensure()
        began = time.monotonic()
        try:
            async with session.request(
                method, self.base_url + path, data=body, headers=headers,
                allow_redirects=False,
            ) as resp:
                refuse_redirect(resp, what)
                data = self.unechoed(await read_capped(resp, cap, what))
                reply = Reply(resp.status, data, resp.headers.get("Retry-After"))
        except NETWORK_ERRORS as exc:
            error = _translate(exc, what, self.timeout)
            if self.trace is not None:
                self.trace.record(method, path, None, time.monotonic() - began, str(error), body)
            raise error from exc
        if self.trace is not None:
            self.trace.record(method, path, reply.status, time.monotonic() - began, None, body,
                              reply.body)
        return reply

    @asynccontextmanager
    async def stream(self, path: str, headers: Mapping[str, str],
                     what: str) -> AsyncIterator[StreamReply]:
        """A GET whose body is read piecewise; the total timeout is off, each read has one."""
        session = self._ensure()
        timeout = aiohttp.ClientTimeout(
            total=None, connect=min(self.timeout, 30), sock_read=self.timeout
        )
        try:
            resp = await session.get(self.base_url + path, headers=headers,
                                     timeout=timeout, allow_redirects=False)
        except NETWORK_ERRORS as exc:
            raise _translate(exc, what, self.timeout) from exc
        try:
            refuse_redirect(resp, what)
        except RedirectRefused:
            resp.release()
            raise
        try:  # only the connect is translated here: the caller's own errors pass untouched
            yield StreamReply(resp, what, self.timeout, self.unechoed)
        finally:
            resp.release()


class StreamReply:
    """A response being streamed; `read` translates errors like Transport.request does."""

    def __init__(self, resp: aiohttp.ClientResponse, what: str, timeout: float,
                 unechoed: Callable[[bytes], bytes] = bytes) -> None:
        self._resp = resp
        self._unechoed = unechoed  # an error body leaves here without the tokens
        self._what = what
        self._timeout = timeout
        self.status = resp.status
        self.retry_after = resp.headers.get("Retry-After")

    async def read(self, n: int = -1) -> bytes:
        try:
            return await self._resp.content.read(n)
        except NETWORK_ERRORS as exc:
            raise _translate(exc, self._what, self._timeout) from exc

    async def items(self, prefix: str) -> AsyncIterator[Any]:
        """The JSON values at `prefix` (ijson syntax), parsed as the body streams in.

        ijson's C async reader is 3x faster than feeding its push parser, but a failure while it
        waits on the socket is raised in its frame, not in `read`: so translate here as well.
        """
        it = ijson.items_async(self, prefix, use_float=True, buf_size=READ_BYTES).__aiter__()
        while True:
            try:
                item = await it.__anext__()
            except StopAsyncIteration:
                return
            except ijson.JSONError as exc:
                first_line = (str(exc).splitlines() or [""])[0]
                raise BadResponse(f"{self._what} are not valid JSON ({first_line})") from exc
            except NETWORK_ERRORS as exc:
                raise _translate(exc, self._what, self._timeout) from exc
            yield item

    async def read_all(self, limit: int = 65536) -> bytes:
        """The first `limit` bytes, for an error body."""
        return self._unechoed(await self.read(limit))

    def reply(self, body: bytes) -> Reply:
        return Reply(self.status, body, self.retry_after)

