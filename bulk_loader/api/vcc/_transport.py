"""HTTP transport: one aiohttp session, the auth header per token kind, and the ONE place where
aiohttp/asyncio/OS exceptions become errors.py types.

Nothing above this module sees an aiohttp exception. Status codes are judged by the caller, except
those that mean the same thing on every endpoint (`raise_for_common`).
"""

from __future__ import annotations

import base64
import socket
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import aiohttp
import ijson
import orjson

from bulk_loader import __version__
from bulk_loader.api._http_trace import HttpTrace
from bulk_loader.api._retry import parse_retry_after
from bulk_loader.config import Credentials
from bulk_loader.errors import (
    AnswerTooLarge,
    AuthError,
    BadResponse,
    CertificateError,
    ConnectionFailed,
    RedirectRefused,
    RequestTimeout,
    ServerBusy,
)
from bulk_loader.safe_text import safe

RETRYABLE_STATUS = frozenset({429, 500, 502, 503, 504})
READ_BYTES = 256 * 1024  # streamed reads: big enough that per-read overhead vanishes
# An answer read whole (add, delete, status) is refused past this: a 1000-record add answer is
# about 100 KB, so 64 MB is far above any honest one and keeps a hostile one bounded.
ANSWER_CAP = 64 * 1024 * 1024
SMALL_ANSWER_CAP = 1024 * 1024  # a campaign status or a delete answer: a few hundred bytes
ENTRY_COMMAS = 16  # commas per record an add answer may hold (an entry has 2 or 3 fields)
TOKEN_ENV = {"action": "BULK_LOADER_ACTION_TOKEN", "data": "BULK_LOADER_DATA_TOKEN"}


@dataclass(slots=True)
class Reply:
    status: int
    body: bytes
    retry_after: str | None


def token_kind(credentials: Credentials, wanted: str) -> str:
    """The kind of token that really serves `wanted` (with one token configured, it serves all)."""
    own = credentials.action_token if wanted == "action" else credentials.data_token
    if own:
        return wanted
    return "data" if wanted == "action" else "action"


def server_message(body: bytes, limit: int = 300) -> str:
    """The `message` of a JSON error body, else the body's start as text; never raises."""
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError:
        data = None
    if isinstance(data, dict) and isinstance(data.get("message"), str):
        text = data["message"]
    else:
        text = body[:limit].decode("utf-8", "replace")
    text = safe(" ".join(text.split()))
    return text[:limit]


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


def refuse_redirect(resp: aiohttp.ClientResponse, what: str) -> None:
    """A 3xx is never followed: the records would go to a host nobody configured."""
    if 300 <= resp.status < 400:
        where = safe(resp.headers.get("Location", "(no Location)"))[:300]
        raise RedirectRefused(
            f"the server redirected {what} (HTTP {resp.status}) to {where}; API calls never "
            "follow redirects: check --base-url or --platform", status=resp.status)


async def read_capped(resp: aiohttp.ClientResponse, cap: int, what: str) -> bytes:
    """The whole body, refused past `cap` bytes (an add answer is a few MB at most)."""
    declared = resp.content_length
    if declared is not None and declared > cap:
        raise too_large(what, cap)
    out = bytearray()
    while piece := await resp.content.read(READ_BYTES):
        out += piece
        if len(out) > cap:
            raise too_large(what, cap)
    return bytes(out)


def check_entries(body: bytes, records: int, what: str) -> None:
    """Refuse, before parsing, an answer with far more JSON values than the records sent: 60 MB
    of `{},` would parse into 20 million dicts (1.3 GB). An honest entry holds a few commas;
    counting them runs at memchr speed (measured: 15 ms for 60 MB)."""
    if body.count(b",") > ENTRY_COMMAS * records + 64:
        raise AnswerTooLarge(f"the answer to {what} holds far more entries than the {records:,} "
                             "records sent; the server is not answering as the API promises")


def too_large(what: str, cap: int) -> AnswerTooLarge:
    return AnswerTooLarge(f"the answer to {what} is larger than {cap >> 20} MB, the most this "
                          "tool reads for it; the server is not answering as the API promises")


class NotSent(ConnectionFailed):
    """The connection could not be opened: the server cannot have acted on the request."""


def _os_reason(err: OSError) -> str:
    if isinstance(err, ConnectionRefusedError):
        return "connection refused"
    if isinstance(err, socket.gaierror):
        return "host name not found"
    if isinstance(err, TimeoutError):
        return "timed out"
    return err.strerror or type(err).__name__


def _translate(exc: BaseException, what: str, timeout: float) -> Exception:
    """The errors.py type for a network-level failure; the message is a plain sentence."""
    if isinstance(exc, TimeoutError):  # also aiohttp's ServerTimeoutError
        return RequestTimeout(f"no answer to {what} within {timeout:g} s")
    if isinstance(exc, aiohttp.ServerDisconnectedError):
        return ConnectionFailed(f"the server closed the connection before answering {what}")
    if isinstance(exc, aiohttp.ClientConnectorCertificateError):
        # Retrying cannot make an untrusted certificate trusted: stop the run.
        return CertificateError(f"the TLS certificate of {exc.host} is not trusted")
    if isinstance(exc, aiohttp.ClientConnectorError):
        return NotSent(f"cannot connect to {exc.host}:{exc.port} ({_os_reason(exc.os_error)})")
    if isinstance(exc, aiohttp.ClientPayloadError):
        return ConnectionFailed(f"the connection dropped while reading the answer to {what}")
    if isinstance(exc, aiohttp.InvalidURL):
        return ConnectionFailed(f"the URL for {what} is not valid")
    if isinstance(exc, aiohttp.ClientError | OSError):
        return ConnectionFailed(f"{what} failed: {type(exc).__name__}: {exc}".rstrip(": "))
    return BadResponse(f"{what} failed: {type(exc).__name__}")


NETWORK_ERRORS = (aiohttp.ClientError, OSError, TimeoutError)


class Transport:
    def __init__(
        self, base_url: str, credentials: Credentials, *, timeout: float = 60.0, pool: int = 8
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.credentials = credentials
        self.timeout = timeout
        self._pool = pool
        self._session: aiohttp.ClientSession | None = None
        self.trace: HttpTrace | None = None  # --trace-http
        self._headers: dict[str, dict[str, str]] = {}
        for wanted in ("action", "data"):
            kind = token_kind(credentials, wanted)
            raw = f"{credentials.username}:{credentials.token(kind)}".encode()
            self._headers[kind] = {
                "Authorization": "Basic " + base64.b64encode(raw).decode("ascii"),
                "Content-Type": "application/json",
            }

    def kind(self, wanted: str) -> str:
        return token_kind(self.credentials, wanted)

    def distinct_tokens(self) -> bool:
        return len(self.credentials.secrets()) == 2 and len(set(self.credentials.secrets())) == 2

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

    def _ensure(self) -> aiohttp.ClientSession:
        if self._session is None:
            raise RuntimeError("use `async with CampaignClient(...)` before calling it")
        return self._session

    async def request(
        self, method: str, path: str, kind: str, what: str, body: bytes | None = None,
        cap: int = ANSWER_CAP,
    ) -> Reply:
        """One request, body read whole up to `cap` bytes. `what` names it in messages."""
        session = self._ensure()
        began = time.monotonic()
        try:
            async with session.request(
                method, self.base_url + path, data=body, headers=self._headers[kind],
                allow_redirects=False,
            ) as resp:
                refuse_redirect(resp, what)
                data = await read_capped(resp, cap, what)
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
    async def stream(self, path: str, kind: str, what: str) -> AsyncIterator[StreamReply]:
        """A GET whose body is read piecewise; the total timeout is off, each read has one."""
        session = self._ensure()
        timeout = aiohttp.ClientTimeout(
            total=None, connect=min(self.timeout, 30), sock_read=self.timeout
        )
        try:
            resp = await session.get(self.base_url + path, headers=self._headers[kind],
                                     timeout=timeout, allow_redirects=False)
        except NETWORK_ERRORS as exc:
            raise _translate(exc, what, self.timeout) from exc
        try:
            refuse_redirect(resp, what)
        except RedirectRefused:
            resp.release()
            raise
        try:  # only the connect is translated here: the caller's own errors pass untouched
            yield StreamReply(resp, what, self.timeout)
        finally:
            resp.release()


class StreamReply:
    """A response being streamed; `read` translates errors like Transport.request does."""

    def __init__(self, resp: aiohttp.ClientResponse, what: str, timeout: float) -> None:
        self._resp = resp
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
        return await self.read(limit)

    def reply(self, body: bytes) -> Reply:
        return Reply(self.status, body, self.retry_after)

