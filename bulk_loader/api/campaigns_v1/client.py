"""The Campaigns API v1 client: add a batch of records, change a campaign's state.

    auth = ApiKeyAuth(api_key, tenant)
    async with CampaignsV1Client("US1", auth, base_url=None, concurrency=4) as c:
        verdict = await c.add_batch(campaign_id, records)     # one request (with retries)
        campaign = await c.change_state(campaign_id, "START")

Per-record outcomes of a refused batch are the service's (service.py, through isolate.py).
Answers are judged by `judge_add` (docs/contract-campaigns-v1.md sections 1-2, Decisions 2, 3, 7): 2xx with
records = accepted; a 400/409 naming an id or an indexed field = those records; a 409 otherwise
(state, disabled) or a 400 "Invalid Operation" = the campaign refuses (raised, nothing split);
401/403/404 raised with what to check. 429/5xx, timeouts and dropped connections are retried with
backoff (retry.RetryPolicy, Retry-After honoured) by the loop every back end shares
(api/_calls.py, with its adaptive limiter); network errors are translated by api/_transport.py.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import aiohttp
import msgspec
import orjson

from bulk_loader import __version__
from bulk_loader.api._calls import Calls
from bulk_loader.api._retry import RetryPolicy, parse_retry_after
from bulk_loader.api._transport import (
    NETWORK_ERRORS,
    RETRYABLE_STATUS,
    Reply,
    read_capped,
    refuse_redirect,
    translate,
    unechoed,
)
from bulk_loader.api.campaigns_v1.auth import KEY_ENV, TENANT_ENV, ApiKeyAuth
from bulk_loader.api.campaigns_v1.columns import RecordColumns
from bulk_loader.api.campaigns_v1.endpoint import base_url as site_url
from bulk_loader.api.campaigns_v1.errors import CampaignRefused, RequestRefused
from bulk_loader.api.campaigns_v1.isolate import (
    Accepted,
    Failed,
    Named,
    Pick,
    Unnamed,
    Verdict,
)
from bulk_loader.api.campaigns_v1.problem import Problem, parse_problem
from bulk_loader.api.campaigns_v1.spec import MAX_BATCH, VALID_FROM
from bulk_loader.api.campaigns_v1.validate import V1Record
from bulk_loader.errors import (
    AuthError,
    BadResponse,
    CampaignNotFound,
    ServerBusy,
    TerminalError,
    TransientError,
    UsageError,
)


@dataclass(frozen=True)
class Campaign:
    """The Campaign a state change answers with; the API has no other read (Decision 6)."""

    campaign_id: str
    state: str
    display_status: str | None
    record_count: int | None
    record_counts: tuple[dict[str, Any], ...]
    raw: dict[str, Any] = field(repr=False)


class _Added(msgspec.Struct):
    """What a 2xx answer to an add must be: an object with a `records` array. Its records are
    skipped, not built: checking an answer of 100 records took 31-43 µs with orjson.loads and
    8 µs so (timeit; cProfile of a 200,000-record upload: 43 µs per chunk)."""

    records: list[msgspec.Raw]


_ADDED = msgspec.json.Decoder(_Added)


def encode_batch(records: Sequence[V1Record]) -> bytes:
    """The add's body; a batch in columns (columns.py) is encoded without a V1Record each."""
    if isinstance(records, RecordColumns):
        return orjson.dumps({"records": records.json_records()})
    return orjson.dumps({"records": [r.as_json() for r in records]})


def _auth_error(problem: Problem) -> AuthError:
    if problem.status == 403:
        return AuthError(
            f"the API key was accepted but may not use this API (HTTP 403: {problem.summary()}); "
            "attach the Contact Center Campaigns API product to the key's app in Admin Console",
            status=403)
    return AuthError(f"the API key was refused (HTTP {problem.status}: {problem.summary()}); "
                     f"check {KEY_ENV} or the profile's api_key", status=problem.status)


def _quote(problem: Problem) -> str:
    """What 8x8 asks a support request to quote, for answers only they can explain."""
    ref = problem.reference()
    return f"; if it persists, quote {ref} to 8x8 support" if ref else ""


def _index_of(records: Sequence[V1Record], crm_id: str) -> int | None:
    for i, rec in enumerate(records):
        if rec.crm_id == crm_id:
            return i
    return None


def judge_add(campaign_id: str, records: Sequence[V1Record], reply: Reply, resent: bool,
              site: str) -> Verdict:
    """What one answer to an add says about the batch; raises for campaign-level answers."""
    status = reply.status
    if 200 <= status < 300:
        try:
            _ADDED.decode(reply.body)
            return Accepted(status, resent)
        except msgspec.DecodeError:  # not JSON, or no records array (ValidationError)
            pass
        # Taken or not? Unknown: the records are failed, and `resent` says they may be there.
        return Failed(f"the answer (HTTP {status}) to a batch of {len(records)} records had no "
                      "records array", True)
    problem = parse_problem(status, reply.body)
    if status in (401, 403):
        raise _auth_error(problem)
    if status == 404:
        raise CampaignNotFound(
            f"campaign {campaign_id} was not found (HTTP 404: {problem.summary()}); check the "
            f"campaign's id, the site ({site}) and the tenant ({TENANT_ENV})", status=404)
    if status in (400, 409):
        dup = problem.duplicate_id()
        if dup is not None:
            # A lone record is the one the duplicate names, even spelt otherwise (trimmed,
            # another case); in a batch, an id we did not send names none of it: halve.
            i = 0 if len(records) == 1 else _index_of(records, dup)
            if i is None:
                return Unnamed(status, problem.summary(), resent)
            return Named(status, (Pick(i, "already-present", problem.detail),), resent)
        if status == 409 or problem.campaign_level():
            raise CampaignRefused(
                f"campaign {campaign_id} refuses records (HTTP {status}: {problem.summary()}); "
                "check its state and that it is enabled, then run again", problem)
        picks = tuple(Pick(e.index, "invalid", e.text()) for e in problem.errors
                      if e.index is not None and e.index < len(records))
        if picks:
            return Named(status, picks, resent)
        fields = "; ".join(e.text() for e in problem.errors)  # a lone record's own reason
        return Unnamed(status, fields or problem.summary(), resent)
    if status in (413, 422):
        return Unnamed(status, problem.summary(), resent)
    raise RequestRefused(f"a batch of {len(records)} records was refused (HTTP {status}: "
                         f"{problem.summary()}){_quote(problem)}", problem)


ANSWER_CAP = 16 * 1024 * 1024  # a 100-record answer is a few KB: far above any honest one


def _judge(what: str) -> Callable[[Reply], None]:
    """429/5xx are worth another attempt (api/_calls.py); every other answer is the caller's."""
    def judge(reply: Reply) -> None:
        if reply.status in RETRYABLE_STATUS:
            summary = parse_problem(reply.status, reply.body).summary()
            raise ServerBusy(f"{what} was answered HTTP {reply.status} ({summary})",
                             status=reply.status,
                             retry_after=parse_retry_after(reply.retry_after))
    return judge


class CampaignsV1Client(Calls):
    def __init__(self, site: str, auth: ApiKeyAuth, *, base_url: str | None = None,
                 concurrency: int = 4, retry: RetryPolicy | None = None,
                 timeout: float = 60.0, on_notice: Callable[[str], None] | None = None) -> None:
        super().__init__(concurrency=concurrency, retry=retry, timeout=timeout,
                         on_notice=on_notice)
        self.site = site.strip().upper()
        self.base = site_url(site, base_url)
        self.auth = auth
        self._headers = auth.headers("write")
        self._pool = concurrency + 4
        self._session: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> CampaignsV1Client:
        if self._session is None:
            # TLS verification stays on (aiohttp's default context); no option turns it off.
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._pool, ttl_dns_cache=300),
                timeout=aiohttp.ClientTimeout(total=self.timeout, connect=min(self.timeout, 30)),
                headers={**self._headers, "User-Agent": f"bulk-loader/{__version__}"},
                raise_for_status=False)
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def _send_once(self, method: str, url: str, what: str, body: bytes) -> Reply:
        """One request on the session; network failures translated (api/_transport.py)."""
        if self._session is None:
            raise RuntimeError("use `async with CampaignsV1Client(...)` before calling it")
        try:
            # Never followed: the key travels in every request's headers, to any host.
            async with self._session.request(method, url, data=body,
                                             allow_redirects=False) as resp:
                refuse_redirect(resp, what)
                return Reply(resp.status, self._unechoed(await read_capped(resp, ANSWER_CAP,
                                                                            what)),
                             resp.headers.get("Retry-After"))
        except NETWORK_ERRORS as exc:
            raise translate(exc, what, self.timeout) from exc

    def _unechoed(self, answer: bytes) -> bytes:
        """The answer without the API key (a problem's detail may echo it)."""
        return unechoed(answer, (self.auth.api_key.encode(),), b"[the API key]")

    async def _call(self, method: str, url: str, what: str,
                    body: bytes) -> tuple[Reply | TransientError, bool]:
        """Retry 429/5xx and network failures per policy: (the first other answer, or the last
        failure once attempts run out; whether an attempt may have been acted on unseen)."""
        return await self._retrying(partial(self._send_once, method, url, what, body),
                                    _judge(what))

    async def add_batch(self, campaign_id: str, records: Sequence[V1Record]) -> Verdict:
        """One batch (1-100 records) until it has an answer: the `send` of `isolate`."""
        if not 1 <= len(records) <= MAX_BATCH:
            raise ValueError(f"a batch holds 1 to {MAX_BATCH} records (got {len(records)})")
        what = f"a batch of {len(records)} records"
        result, resent = await self._call("POST", f"{self.base}/{campaign_id}/records", what,
                                          encode_batch(records))
        if isinstance(result, TransientError):
            return Failed(str(result), resent)
        try:
            return judge_add(campaign_id, records, result, resent, self.site)
        except TerminalError as exc:  # refused now, but an earlier attempt may have been stored
            exc.maybe_taken = exc.maybe_taken or resent
            raise

    async def change_state(self, campaign_id: str, action: str, *, enabled: bool | None = None,
                           build_on_start: bool | None = None) -> Campaign:
        """Send one action; the Campaign after it. A 409 (not valid now) raises CampaignRefused."""
        if action not in VALID_FROM:
            raise UsageError(f"the action must be one of {', '.join(VALID_FROM)} (got {action!r})")
        body: dict[str, Any] = {"action": action}
        if enabled is not None:
            body["enabled"] = enabled
        if build_on_start is not None:
            body["buildOnStart"] = build_on_start
        what = f"the action {action} on campaign {campaign_id}"
        result, resent = await self._call("PATCH", f"{self.base}/{campaign_id}", what,
                                          orjson.dumps(body))
        if isinstance(result, TransientError):
            raise result
        if 200 <= result.status < 300:
            return parse_campaign(result.body, campaign_id)
        problem = parse_problem(result.status, result.body)
        if result.status in (401, 403):
            raise _auth_error(problem)
        if result.status == 404:
            raise CampaignNotFound(
                f"campaign {campaign_id} was not found (HTTP 404: {problem.summary()}); check the "
                f"campaign's id, the site ({self.site}) and the tenant ({TENANT_ENV})", status=404)
        if result.status == 409:
            lost = ("; an earlier attempt whose answer was lost may have applied it"
                    if resent else "")
            raise CampaignRefused(f"campaign {campaign_id} refused {action} (HTTP 409: "
                                  f"{problem.summary()}){lost}", problem)
        raise RequestRefused(f"{what} was refused (HTTP {result.status}: {problem.summary()})"
                             f"{_quote(problem)}", problem)


def parse_campaign(body: bytes, campaign_id: str) -> Campaign:
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError:
        data = None
    if not isinstance(data, dict) or not isinstance(data.get("state"), str):
        raise BadResponse(f"the answer for campaign {campaign_id} is not a Campaign with a state")
    counts = data.get("recordCounts")
    count = data.get("recordCount")
    return Campaign(
        str(data.get("id") or campaign_id), data["state"],
        data["displayStatus"] if isinstance(data.get("displayStatus"), str) else None,
        count if isinstance(count, int) and not isinstance(count, bool) else None,
        tuple(c for c in counts if isinstance(c, dict)) if isinstance(counts, list) else (),
        data)
