"""The legacy campaign API client: add, delete and view records, and campaign status
(docs/contract.md 1-4). The first implementation of `CampaignService` (api/_service.py).

    async with CampaignClient(base_url, credentials, concurrency=4, retry=RetryPolicy()) as c:
        info = await c.preflight(125)                          # or preflight(c, 125)
        result = await c.add_batch(125, RecordBatch(ids, schedules))  # .outcomes None = all added
        outcomes = await c.add_records(125, ids, schedules)   # one RecordOutcome per id, in order

Decisions 1-4, 10 and 11 live here. Transient failures (429/5xx, timeouts, dropped connections,
answers that break the contract) are retried per RetryPolicy (the shared loop of api/_calls.py)
and end as a record outcome with http_status None; terminal ones (AuthError, CampaignNotFound,
CampaignNotUsable) raise at once. Network errors are translated in api/_transport.py only.
Capabilities: batches up to LARGEST_BATCH, not atomic (a request refused whole with 400/413 is
split here, Decision 2), campaigns can be viewed and records deleted. Authentication is the
LegacyAuth strategy (api/vcc/_auth.py): two tokens, and DELETE's token learned (Decision 1).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Sequence
from typing import Any

import orjson

from bulk_loader import spec
from bulk_loader.api._calls import Calls, gather_or_cancel
from bulk_loader.api._http_trace import ATTEMPT, HttpTrace
from bulk_loader.api._limiter import ClientStats
from bulk_loader.api._retry import RetryPolicy
from bulk_loader.api._service import (
    AddResult,
    Capabilities,
    Purpose,
    RecordBatch,
    RecordOutcome,
)
from bulk_loader.api._transport import Reply, ambiguous
from bulk_loader.api.vcc._auth import LegacyAuth
from bulk_loader.api.vcc._campaign_info import CampaignInfo, parse_campaign
from bulk_loader.api.vcc._multistatus import (
    build_body,
    match_answer,
    parse_multistatus,
)
from bulk_loader.api.vcc._transport import (
    ANSWER_CAP,
    SMALL_ANSWER_CAP,
    Transport,
    check_entries,
    raise_for_common,
    server_message,
)
from bulk_loader.config import Credentials
from bulk_loader.errors import (
    AuthError,
    BadResponse,
    CampaignNotFound,
    CampaignNotUsable,
    CampaignRefused,
    TerminalError,
    TransientError,
    UsageError,
)

__all__ = [
    "CampaignClient",
    "CampaignInfo",
    "ClientStats",
    "LARGEST_BATCH",
    "RetryPolicy",
    "preflight",
]

RECORDS_PREFIX = "records.record.item"
LARGEST_BATCH = 100_000  # the most --chunk-size allows; nobody states the API's own limit
CAPABILITIES = Capabilities("legacy", LARGEST_BATCH, atomic_batches=False, can_view=True,
                            can_delete=True, seven_day_rule=True)


class _Refused(Exception):
    """A whole add-records request refused with 400/413: split it (Decision 2)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def not_usable(message: str) -> bool:
    """Does a refusal speak of the campaign, not of the records (Decision 12): the vendor's
    section-5 sentences verbatim, or any that says not dynamic / not enabled / disabled?"""
    if message in spec.ADD_CAMPAIGN_REFUSALS or message in spec.DELETE_CAMPAIGN_REFUSALS:
        return True
    m = message.lower()
    return "campaign" in m and ("dynamic" in m or "not enabled" in m or "disabled" in m)


def _campaign_missing(message: str) -> bool:
    """Does a 404 body speak of the campaign rather than of a customer record?"""
    m = message.lower()
    return "campaign" in m and "customer" not in m


class CampaignClient(Calls):
    capabilities = CAPABILITIES

    def __init__(
        self,
        base_url: str,
        credentials: Credentials | LegacyAuth,
        *,
        concurrency: int = 4,
        retry: RetryPolicy | None = None,
        timeout: float = 60.0,
        on_notice: Callable[[str], None] | None = None,
        recover_successes: int = 20,
        recover_seconds: float = 5.0,
    ) -> None:
        super().__init__(concurrency=concurrency, retry=retry, timeout=timeout,
                         on_notice=on_notice, recover_successes=recover_successes,
                         recover_seconds=recover_seconds)
        self.auth = credentials if isinstance(credentials, LegacyAuth) else LegacyAuth(credentials)
        self._transport = Transport(base_url, timeout=timeout, pool=concurrency + 4)
        self._transport.secrets = self.auth.echoes()
        self._refused: dict[int | str, CampaignRefused] = {}  # campaign -> its refusal of deletes

    # -- lifecycle -------------------------------------------------------------------------------
    async def __aenter__(self) -> CampaignClient:
        await self._transport.open()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self._transport.close()

    def trace_http(self, trace: HttpTrace | None) -> None:
        """Write every request of this client to `trace` (--trace-http)."""
        self._transport.trace = trace

    @property
    def delete_token_kind(self) -> str:
        """The token kind DELETE uses now: 'action' until a 401 proves the data token is wanted."""
        return self.auth.delete_kind

    def _send_once(self, method: str, path: str, kind: str, what: str,
                   body: bytes | None = None, cap: int = ANSWER_CAP) -> Any:
        """The request as the shared loop sends it (api/_calls.py `Send`)."""
        headers = self.auth.headers_of(kind)  # type: ignore[arg-type]
        return lambda: self._transport.request(method, path, headers, what, body, cap)

    async def _call(
        self, method: str, path: str, purpose: Purpose, what: str, body: bytes | None = None
    ) -> Reply:
        """A small call retried per policy; returns the first answer that is not transient."""
        kind = self.auth.kind_for(purpose)
        result, _ = await self._retrying(
            self._send_once(method, path, kind, what, body, SMALL_ANSWER_CAP),
            lambda reply: raise_for_common(reply, kind))
        if isinstance(result, TransientError):
            raise result
        return result

    # -- campaign status -----------------------------------------------------------------------
    async def campaign_status(self, campaign_id: int) -> CampaignInfo:
        path = spec.CAMPAIGN_STATUS_PATH.format(campaign_id=campaign_id)
        reply = await self._call("GET", path, "read", f"the status of campaign {campaign_id}")
        if reply.status == 404:
            raise CampaignNotFound(f"campaign {campaign_id} was not found (HTTP 404)", status=404)
        if reply.status != 200:
            raise BadResponse(
                f"the status of campaign {campaign_id} came back as HTTP {reply.status}: "
                f"{server_message(reply.body)}",
                status=reply.status,
            )
        return parse_campaign(reply.body, campaign_id)

    async def set_campaign_status(self, campaign_id: int, status: str) -> str:
        """RUNNING, PAUSED, PURGED or STOPPED (final); returns the server's message."""
        if status not in spec.CAMPAIGN_STATUS_CHANGES:
            raise UsageError(f"campaign status must be one of {', '.join(spec.CAMPAIGN_STATUS_CHANGES)}")
        path = spec.CAMPAIGN_CHANGE_PATH.format(campaign_id=campaign_id)
        body = orjson.dumps({"status": status})
        what = f"the status change of campaign {campaign_id}"
        reply = await self._call("POST", path, "write", what, body)
        if reply.status == 404:
            raise CampaignNotFound(f"campaign {campaign_id} was not found (HTTP 404)", status=404)
        if not 200 <= reply.status < 300:
            raise BadResponse(f"{what} was refused (HTTP {reply.status}): {server_message(reply.body)}",
                              status=reply.status)
        return server_message(reply.body) or spec.MSG_STATUS_CHANGED

    async def status(self, campaign: int | str) -> CampaignInfo:
        """`CampaignService.status`: the campaign's info (Decision 10's read)."""
        return await self.campaign_status(int(campaign))

    async def preflight(self, campaign: int | str, *, deletes: bool = False) -> CampaignInfo:
        """`CampaignService.preflight`: see `preflight` below (Decisions 10 and 12)."""
        return await preflight(self, int(campaign), deletes=deletes)

    # -- add records ---------------------------------------------------------------------------
    async def add_batch(self, campaign: int | str, batch: RecordBatch) -> AddResult:
        """`CampaignService.add_batch`: the legacy API carries ids and call times only."""
        return await self.add_chunk(int(campaign), batch.ids, batch.schedules)  # type: ignore[arg-type]

    async def add_records(
        self,
        campaign_id: int,
        ids: Sequence[int],
        schedules: Sequence[str | None] | None = None,
    ) -> list[RecordOutcome]:
        """Post one chunk; one outcome per id, in input order. `schedules` are UTC `...sssZ` or None.

        The chunk must not repeat a customer-id (answers are matched by id, Decision 4).
        """
        return (await self.add_chunk(campaign_id, ids, schedules)).expand(ids)

    async def add_chunk(
        self,
        campaign_id: int,
        ids: Sequence[int],
        schedules: Sequence[str | None] | None = None,
    ) -> AddResult:
        """add_records without per-record objects when every record was added (the upload's
        hot path: at 5M records those objects were a tenth of the client's CPU)."""
        if schedules is not None and len(schedules) != len(ids):
            raise ValueError("ids and schedules differ in length")
        if not ids:
            return AddResult(0, False, [])
        if len(set(ids)) != len(ids):
            raise ValueError("a chunk must not hold the same customer-id twice")
        out: list[RecordOutcome | None] = [None] * len(ids)
        trace = [False]  # may a request of this chunk have reached the server?
        try:
            whole = await self._send(campaign_id, ids, schedules, None, out, 0, False, trace)
        except TerminalError as exc:
            exc.maybe_taken = trace[0]
            raise
        if whole is not None:
            return AddResult(whole[0], whole[1], None)
        done: list[RecordOutcome] = out  # type: ignore[assignment]  # _send filled every position
        return AddResult(max(o.attempts for o in done), any(o.resent for o in done), done)

    async def _post_once(
        self, campaign_id: int, body: bytes, n: int
    ) -> list[Any]:
        path = spec.ADD_PATH.format(campaign_id=campaign_id)
        kind = self.auth.kind_for("write")
        reply = await self._request(self._send_once("POST", path, kind,
                                                    f"a request of {n} records", body))
        status = reply.status
        if 200 <= status < 300:
            check_entries(reply.body, n, f"a request of {n} records")
            try:
                return parse_multistatus(reply.body)
            except BadResponse:
                self.stats.bad_answers += 1
                raise
        if status in (400, 403, 409, 413, 422):
            msg = server_message(reply.body)
            if not_usable(msg):
                raise CampaignNotUsable(f"campaign {campaign_id} refuses records: {msg}",
                                        status=status)
        raise_for_common(reply, kind)
        if status == 404:
            raise CampaignNotFound(
                f"campaign {campaign_id} was not found (HTTP 404): {server_message(reply.body)}",
                status=404,
            )
        if status in (400, 413):
            raise _Refused(status, server_message(reply.body) or f"HTTP {status}")
        self.stats.bad_answers += 1
        raise BadResponse(
            f"a request of {n} records came back as HTTP {status}: {server_message(reply.body)}",
            status=status,
        )

    async def _send(
        self,
        campaign_id: int,
        ids: Sequence[int],
        schedules: Sequence[str | None] | None,
        todo: list[int] | None,
        out: list[RecordOutcome | None],
        prior: int,
        resent: bool,
        trace: list[bool],
    ) -> tuple[int, bool] | None:
        """Send the records at `todo` (None = all) until each has an outcome; fills `out`.

        `prior`: requests that already carried these records (a split keeps counting). When one
        request of the whole chunk added every record, `out` is left alone and (attempts,
        resent) returned.
        """
        tries = failures = 0
        last_error = ""
        error: TransientError
        body: bytes | None = None  # encoded again only when what is sent changes
        while True:
            if tries:
                self.stats.retries += 1
            tries += 1
            ATTEMPT.set(prior + tries)
            n = len(ids) if todo is None else len(todo)
            if body is None:
                body = build_body(ids, schedules, todo)
            try:
                answer = await self._post_once(campaign_id, body, n)
            except asyncio.CancelledError:  # a half cut by its sibling's error: maybe stored
                trace[0] = True
                raise
            except TransientError as exc:
                last_error, resent, error = str(exc), resent or ambiguous(exc), exc
                trace[0] = trace[0] or resent
            except _Refused as refused:
                split = list(range(len(ids))) if todo is None else todo
                if len(split) == 1:
                    i = split[0]
                    out[i] = RecordOutcome(ids[i], refused.status, refused.message,
                                           prior + tries, resent,
                                           refused.message == spec.MSG_DUPLICATE)
                    return None
                self.stats.splits += 1
                half = len(split) // 2
                await gather_or_cancel(
                    self._send(campaign_id, ids, schedules, part, out, prior + tries, resent,
                               trace)
                    for part in (split[:half], split[half:])
                )
                return None
            else:
                trace[0] = True  # answered: some records may have been taken
                positions = range(len(ids)) if todo is None else todo
                missing = match_answer(ids, positions, answer, prior + tries, resent, out,
                                       lazy=todo is None)
                if missing is None:  # the whole chunk added by this request: no objects made
                    return prior + tries, resent
                if not missing:
                    return None
                self.stats.bad_answers += 1
                last_error = (
                    f"the server answered {len(missing)} of the {n} records sent with a server "
                    "error or not at all"
                )
                todo, resent, error, body = missing, True, BadResponse(last_error), None
            failures += 1
            if tries >= self.retry.max_attempts:
                attempts = prior + tries
                for i in range(len(ids)) if todo is None else todo:
                    out[i] = RecordOutcome(ids[i], None, last_error, attempts, resent)
                return None
            await self._wait(failures, error)

    # -- delete ----------------------------------------------------------------------------------
    async def delete_record(self, campaign_id: int | str,
                            customer_id: int | str) -> RecordOutcome:
        """204 deleted (any 2xx is reported as it came), 404 absent, 400 refused; None = failed.
        A terminal error says in `maybe_taken` whether an earlier try may have deleted it."""
        trace = [False]
        try:
            return await self._delete_record(campaign_id, customer_id, trace)
        except TerminalError as exc:
            exc.maybe_taken = trace[0]
            if isinstance(exc, CampaignRefused):
                self._refused[campaign_id] = exc
            raise

    async def _delete_record(self, campaign_id: int | str, customer_id: int | str,
                             trace: list[bool]) -> RecordOutcome:
        path = spec.DELETE_PATH.format(campaign_id=campaign_id, customer_id=customer_id)
        what = f"the delete of customer {customer_id}"
        tries = failures = 0
        resent = False
        while True:
            tries += 1
            ATTEMPT.set(tries)
            try:
                async with self.limiter.slot() as slot:
                    refused = self._refused.get(campaign_id)
                    if refused is not None:  # the campaign refused deletes: do not even send
                        raise type(refused)(str(refused), status=refused.status)
                    kind = self.auth.delete_kind  # read once we may send: an answer may switch it
                    reply = await self._attempt(slot, self._send_once(
                        "DELETE", path, kind, what, cap=SMALL_ANSWER_CAP))
                if reply.status in (401, 403):
                    if self.auth.switch_delete(kind):
                        continue
                    if kind == "data" and self.auth.kind_for("write") == "action":
                        raise AuthError(
                            "neither the action token nor the data token was accepted for "
                            f"DELETE (HTTP {reply.status})",
                            status=reply.status,
                        )
                raise_for_common(reply, kind)
            except TransientError as exc:
                failures += 1
                resent = resent or ambiguous(exc)
                trace[0] = resent
                if failures >= self.retry.max_attempts:
                    return RecordOutcome(customer_id, None, str(exc), tries, resent)
                self.stats.retries += 1
                await self._wait(failures, exc)
                continue
            status = reply.status
            msg = server_message(reply.body) or None
            if status == 404 and msg and _campaign_missing(msg):
                raise CampaignNotFound(f"campaign {campaign_id} was not found (HTTP 404): {msg}",
                                       status=404)
            if 200 <= status < 300 or status == 404:
                note = self.auth.confirm_delete(kind)
                if note is not None:
                    self._notice(note)
                return RecordOutcome(customer_id, status, None if status < 300 else msg, tries,
                                     resent)
            if status in (400, 409, 422):
                if msg and not_usable(msg):
                    raise CampaignNotUsable(f"campaign {campaign_id} refuses deletes: {msg}",
                                            status=status)
                return RecordOutcome(customer_id, status, msg, tries, resent)
            failures += 1
            self.stats.bad_answers += 1
            err = f"the delete of customer {customer_id} came back as HTTP {status}"
            if failures >= self.retry.max_attempts:
                return RecordOutcome(customer_id, None, err, tries, resent)
            self.stats.retries += 1
            await self._wait(failures, BadResponse(err))

    # -- view records ----------------------------------------------------------------------------
    async def iter_records(self, campaign_id: int | str) -> AsyncIterator[dict[str, Any]]:
        """Every record of records.json, parsed as a stream (Decision 11).

        Retried like any call until the first record is yielded; after that a failure raises
        (a half-read listing cannot be resumed: the API has no paging).
        """
        path = spec.RECORDS_PATH.format(campaign_id=campaign_id)
        kind = self.auth.kind_for("read")
        headers = self.auth.headers("read")
        what = f"the records of campaign {campaign_id}"
        failures = 0
        started = False
        while True:
            try:
                async with self._transport.stream(path, headers, what) as sr:
                    self.stats.requests += 1
                    if sr.status != 200:
                        reply = sr.reply(await sr.read_all())
                        if sr.status == 404:
                            raise CampaignNotFound(
                                f"campaign {campaign_id} was not found (HTTP 404)", status=404)
                        raise_for_common(reply, kind)
                        raise BadResponse(f"{what} came back as HTTP {sr.status}",
                                          status=sr.status)
                    async for record in sr.items(RECORDS_PREFIX):
                        started = True
                        yield record
                    return
            except TransientError as exc:
                if started:
                    raise
                failures += 1
                if failures >= self.retry.max_attempts:
                    raise
                self.stats.retries += 1
                await self._wait(failures, exc)




async def preflight(client: CampaignClient, campaign_id: int, *,
                    deletes: bool = False) -> CampaignInfo:
    """Decision 10: the campaign exists, is dynamic and enabled, and the data token works.
    Decision 12: a status that cannot take records (never started, stopped or completed) is
    refused before anything is sent; paused and purged get a notice and the server decides.
    `deletes`: for a delete run, where a campaign that never started is no obstacle."""
    info = await client.campaign_status(campaign_id)
    label = f"campaign {campaign_id}" + (f' ("{info.name}")' if info.name else "")
    _check_status(client, info, label, deletes)
    if info.dynamic is None:
        raise CampaignNotUsable(
            f"the status of {label} does not say whether it is a dynamic campaign; "
            "use --no-preflight to send anyway"
        )
    if not info.dynamic:
        raise CampaignNotUsable(
            f"{label} is not a dynamic campaign, and records can only be added to a dynamic "
            "campaign; pick a dynamic campaign or change it in Configuration Manager"
        )
    if info.enabled is False:
        raise CampaignNotUsable(
            f"{label} is not enabled; enable it in Configuration Manager and run again"
        )
    return info


def _check_status(client: CampaignClient, info: CampaignInfo, label: str, deletes: bool) -> None:
    status, name = info.status, info.status_name
    if status in spec.STATUS_STOPPED:
        what = "deleted from" if deletes else "added to"
        raise CampaignNotUsable(
            f"{label} is {name} (status {status}): records cannot be {what} a stopped "
            "campaign; start it again in Configuration Manager or pick another campaign, then "
            "run the same command again")
    if status in spec.STATUS_NEVER_STARTED and not deletes:
        raise CampaignNotUsable(
            f"{label} has never been started (status {status}, {name}), and the vendor refuses "
            "records for it; start the campaign, then run the same command again")
    if status in spec.STATUS_WARN:
        client.notice(f"note: {label} is {name} (status {status}); sending anyway, the "
                      "server decides")
