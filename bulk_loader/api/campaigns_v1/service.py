"""The Campaigns API v1 as a `CampaignService` (api/_service.py): what upload sends through.

    async with CampaignsV1Service("US1", auth, base_url=None, concurrency=4) as service:
        result = await service.add_batch(campaign_uuid, RecordBatch(ids, schedules,
                                                                    {"priority": p, "rank": r}))

A batch (at most 100 records) goes as one request. Refused, it is isolated (`isolate`,
docs/contract-campaigns-v1.md Decision 2): a record the problem names is taken out and the rest
resent at once, otherwise the batch is halved down to single records. Every record ends with one
`RecordOutcome`: 2xx added (200 and 201 alike, Decision 7); a duplicate (the 400 and the 409
variant) `duplicate=True` with the vendor's words, whose owner the journal decides (Decision 3);
a field error refused with the vendor's words; `http_status=None` when retries ran out.

A campaign-level answer (a state 409, a disabled or not dynamic campaign, 401/403/404) raises
from the client and nothing is split. When an earlier request of the same batch may have been
stored (a part accepted during isolation, an answer lost, or a half cancelled by its sibling's
error while its request was out), the error says so
(`maybe_taken`): the caller keeps the batch in flight, so a resume confirms those records as
its own (docs/contract.md Decision 14).

The usual batch, accepted by its first request, gives `AddResult(outcomes=None)` and is sent
straight from its columns (columns.py): no object per record on the hot path.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Sequence
from typing import Any

from bulk_loader.api._rate import RatePacer
from bulk_loader.api._retry import RetryPolicy
from bulk_loader.api._service import (
    AddResult,
    CampaignRef,
    Capabilities,
    RecordBatch,
    RecordId,
    RecordOutcome,
)
from bulk_loader.api.campaigns_v1.auth import ApiKeyAuth
from bulk_loader.api.campaigns_v1.client import Campaign, CampaignsV1Client
from bulk_loader.api.campaigns_v1.columns import RecordColumns
from bulk_loader.api.campaigns_v1.isolate import Accepted, RecordResult, Verdict, isolate
from bulk_loader.api.campaigns_v1.spec import MAX_BATCH
from bulk_loader.api.campaigns_v1.validate import V1Record
from bulk_loader.errors import TerminalError, TransientError, UsageError

CAPABILITIES = Capabilities(
    name="campaigns-v1", largest_batch=MAX_BATCH, atomic_batches=True, can_view=False,
    can_delete=False, record_fields=frozenset({"priority", "rank"}))
NO_VIEW = ("the Campaigns API v1 has no endpoint to read a campaign or list its records; "
           "its counts come only from the answer to a state action (bulk-loader campaign "
           "--action)")
NO_DELETE = "the Campaigns API v1 has no endpoint to delete a record"


def v1_records(batch: RecordBatch) -> RecordColumns:
    """The batch's columns as the client's records (priority and rank None = the API's default),
    with no V1Record built unless a refusal splits the batch (columns.py)."""
    return RecordColumns(batch.ids, batch.schedules, batch.fields.get("priority") or None,
                         batch.fields.get("rank") or None)


def to_outcome(record_id: RecordId, result: RecordResult) -> RecordOutcome:
    """One record's result in the seam's terms."""
    if result.outcome == "accepted":
        return RecordOutcome(record_id, result.status, None, result.requests, result.resent)
    if result.outcome == "failed":
        return RecordOutcome(record_id, None, result.detail, result.requests, result.resent)
    return RecordOutcome(record_id, result.status, result.detail, result.requests,
                         result.resent, duplicate=result.outcome == "already-present")


class CampaignsV1Service:
    """`CampaignService` for the Campaigns API v1: adds only (no read, no delete)."""

    capabilities = CAPABILITIES

    def __init__(self, site: str, auth: ApiKeyAuth, *, base_url: str | None = None,
                 concurrency: int = 4, retry: RetryPolicy | None = None,
                 timeout: float = 60.0, on_notice: Callable[[str], None] | None = None) -> None:
        self.client = CampaignsV1Client(site, auth, base_url=base_url, concurrency=concurrency,
                                        retry=retry, timeout=timeout, on_notice=on_notice)
        self.endpoint = self.client.base  # what the journal keys runs by (never credentials)
        self.stats = self.client.stats
        self.limiter = self.client.limiter
        self.notices = self.client.notices

    # The run's hooks (api/_service.py), set by the factory and the runner, live on the client.
    @property
    def stop(self) -> asyncio.Event | None:
        return self.client.stop

    @stop.setter
    def stop(self, event: asyncio.Event | None) -> None:
        self.client.stop = event

    @property
    def pacer(self) -> RatePacer | None:
        return self.client.pacer

    @pacer.setter
    def pacer(self, pacer: RatePacer | None) -> None:
        self.client.pacer = pacer

    @property
    def on_retry(self) -> Callable[[TransientError, float], None] | None:
        return self.client.on_retry

    @on_retry.setter
    def on_retry(self, hook: Callable[[TransientError, float], None] | None) -> None:
        self.client.on_retry = hook

    async def __aenter__(self) -> CampaignsV1Service:
        await self.client.__aenter__()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.client.__aexit__(*exc)

    async def add_batch(self, campaign: CampaignRef, batch: RecordBatch) -> AddResult:
        """One outcome per record of a batch of 1-100 (see the module docstring)."""
        records = v1_records(batch)
        if not records:
            return AddResult(0, False, [])
        campaign_id = str(campaign)
        stored = False  # may any request of this batch have been stored?

        async def send(part: Sequence[V1Record]) -> Verdict:
            nonlocal stored
            try:
                verdict = await self.client.add_batch(campaign_id, part)
            except asyncio.CancelledError:  # a half cut while its request was out: maybe stored
                stored = True
                raise
            stored = stored or verdict.resent or isinstance(verdict, Accepted)
            return verdict

        try:
            results = await isolate(records, send)
        except TerminalError as exc:
            exc.maybe_taken = exc.maybe_taken or stored
            raise
        first = results[0]
        if first.outcome == "accepted" and first.requests == 1:  # one request took them all
            return AddResult(1, first.resent, None)
        return AddResult(max(r.requests for r in results), any(r.resent for r in results),
                         [to_outcome(i, r) for i, r in zip(batch.ids, results, strict=True)])

    async def change_state(self, campaign: CampaignRef, action: str, *,
                           enabled: bool | None = None,
                           build_on_start: bool | None = None) -> Campaign:
        """One state action; the Campaign after it (the API's only read, Decision 6)."""
        return await self.client.change_state(str(campaign), action, enabled=enabled,
                                              build_on_start=build_on_start)

    async def delete_record(self, campaign: CampaignRef, record_id: RecordId) -> RecordOutcome:
        raise UsageError(NO_DELETE)

    async def status(self, campaign: CampaignRef) -> Any:
        raise UsageError(NO_VIEW)

    async def preflight(self, campaign: CampaignRef, *, deletes: bool = False) -> Any:
        """Never called (`can_view` is False): the run sends its first batch alone instead."""
        raise UsageError(NO_VIEW)

    def iter_records(self, campaign: CampaignRef) -> AsyncIterator[dict[str, Any]]:
        raise UsageError(NO_VIEW)
