"""What every back end's HTTP layer shares: the answer as data (`Reply`), bounded reads, refused
redirects, a server's message as one safe sentence, and the ONE place where aiohttp/asyncio/OS
exceptions become errors.py types (`translate`).

Nothing above `api/` sees an aiohttp exception. Each back end keeps its own session, paths and
auth (api/vcc/_transport.py, api/campaigns_v1/client.py); what they read off the wire, and how
a failure is named, is the same for both and lives here.
"""

from __future__ import annotations

import socket
from collections.abc import Sequence
from dataclasses import dataclass

import aiohttp
import orjson

from bulk_loader.errors import (
    AnswerTooLarge,
    BadResponse,
    CertificateError,
    ConnectionFailed,
    RedirectRefused,
    RequestTimeout,
    ServerBusy,
    TransientError,
)
from bulk_loader.safe_text import safe

RETRYABLE_STATUS = frozenset({429, 500, 502, 503, 504})
READ_BYTES = 256 * 1024  # streamed reads: big enough that per-read overhead vanishes
NETWORK_ERRORS = (aiohttp.ClientError, OSError, TimeoutError)


@dataclass(slots=True)
class Reply:
    status: int
    body: bytes
    retry_after: str | None


class NotSent(ConnectionFailed):
    """The connection could not be opened: the server cannot have acted on the request."""


def ambiguous(exc: TransientError) -> bool:
    """Might the server have acted on the request before this failure? (429/503: refused first;
    a connection never opened: nothing sent.)"""
    if isinstance(exc, NotSent):
        return False
    return not (isinstance(exc, ServerBusy) and exc.status in (429, 503))


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


def unechoed(answer: bytes, secrets: Sequence[bytes], as_: bytes) -> bytes:
    """The answer with every secret the server echoed back replaced by `as_`: a token or key in
    a refusal's words would reach messages, summaries, results and the journal. One bytes search
    (memchr speed) per secret and answer."""
    for secret in secrets:
        if secret and secret in answer:
            answer = answer.replace(secret, as_)
    return answer


def too_large(what: str, cap: int) -> AnswerTooLarge:
    return AnswerTooLarge(f"the answer to {what} is larger than {cap >> 20} MB, the most this "
                          "tool reads for it; the server is not answering as the API promises")


def _os_reason(err: OSError) -> str:
    if isinstance(err, ConnectionRefusedError):
        return "connection refused"
    if isinstance(err, socket.gaierror):
        return "host name not found"
    if isinstance(err, TimeoutError):
        return "timed out"
    return err.strerror or type(err).__name__


def translate(exc: BaseException, what: str, timeout: float) -> Exception:
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
