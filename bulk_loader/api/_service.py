"""The back-end seam: what upload, delete and the commands ask of a campaign service.

A back end is a folder under `api/` (`vcc/` for the legacy API, `campaigns_v1/` for the newer
one) with one class that satisfies `CampaignService`. Its `Capabilities` drive the callers:
how many records one add request carries (`largest_batch`), whether a refused request is split
by the runner or isolated by the service itself (`atomic_batches`), whether the campaign can be
read before a run (`can_view`; without it the first batch goes alone as the preflight, v1
Decision 5) and which commands are offered (`can_view`, `can_delete`).

Authentication is a strategy object of the back end (`Auth`), built from the credentials the
user configured; callers never pass token kinds or header names around.

Record ids are `int` for the legacy API and `str` (1-32 characters) for the newer one; campaigns
are an `int` or a UUID `str` the same way.

Members the runs (upload, delete) and the commands also rely on:
- `CampaignService.preflight(campaign, deletes=)`: the check before a run when `can_view`
  (legacy: Decisions 10 and 12; returns the back end's campaign info, whose `tzinfo`, `window`
  and `name` upload and delete read when present). Without `can_view` the run never calls it:
  its first batch goes alone instead (runs/_lifecycle.py).
- `stats` (api/_limiter.py `ClientStats`: the summary's `http` counters), `notices` (sentences
  said to the user), and `stop` (the run's stop event, set by the run: it cuts every wait).
  Pacing, tracing and the retry hook are set by the factory (api/_factory.py `open_service`).
- `require(capabilities, need, command)`: the one home of "this back end cannot do that"
  (exit 2, one sentence), for commands needing `can_view` or `can_delete`.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple, Protocol, runtime_checkable

from bulk_loader.api._limiter import ClientStats
from bulk_loader.errors import UsageError

RecordId = int | str
CampaignRef = int | str
Purpose = Literal["read", "write", "delete"]


@dataclass(frozen=True, slots=True)
class Capabilities:
    """What a back end can do, declared once; callers branch on these, never on its name."""

    name: str  # as --api spells it: "legacy", "campaigns-v1"
    largest_batch: int  # records one add request may carry
    atomic_batches: bool  # one bad record refuses the whole request; the service isolates it
    can_view: bool  # campaign status and record listing (preflight, records, reconcile)
    can_delete: bool  # delete one record (delete, --reschedule, undo)
    record_fields: frozenset[str] = frozenset()  # per-record fields beyond id and call time
    # Call times must lie within 7 days ahead, checked again when sent (legacy Decision 6).
    seven_day_rule: bool = False


class RecordOutcome(NamedTuple):
    """What became of one record.

    http_status: 2xx added (204 for a delete); 4xx refused, with the server's `message`; None
    when every attempt failed (message = the last error, as a sentence). attempts: requests that
    carried this record. resent: an earlier attempt that carried it ended without a usable
    answer, so the server may have taken it then. duplicate: the service says the campaign
    already holds this id; whose it is, the journal decides (docs/contract.md, Decision 14).
    """

    customer_id: RecordId
    http_status: int | None
    message: str | None
    attempts: int
    resent: bool = False
    duplicate: bool = False


@dataclass(frozen=True, slots=True)
class AddResult:
    """One batch's answer from `add_batch`.

    outcomes is None when one request added every record (the usual case, kept free of
    per-record objects: at 5M records those objects were a tenth of the client's CPU);
    `attempts` requests carried them and `resent` says whether an earlier one ended without a
    usable answer. Otherwise one outcome per id, in order.
    """

    attempts: int
    resent: bool
    outcomes: list[RecordOutcome] | None

    def expand(self, ids: Sequence[RecordId]) -> list[RecordOutcome]:
        if self.outcomes is not None:
            return self.outcomes
        return [RecordOutcome(c, 200, None, self.attempts, self.resent) for c in ids]


@dataclass(slots=True)
class RecordBatch:
    """Records to add, in columns (the hot path builds no object per record).

    schedules: UTC `...sssZ` or None per record. fields: per-record columns named in the back
    end's `Capabilities.record_fields` (v1: "priority", "rank"), each aligned with `ids`.
    """

    ids: Sequence[RecordId]
    schedules: Sequence[str | None] | None = None
    fields: Mapping[str, Sequence[Any]] = field(default_factory=dict)


class Auth(Protocol):
    """A back end's way of proving who is calling: headers per purpose, and the secrets that
    no log, journal, report or message may carry."""

    def headers(self, purpose: Purpose) -> Mapping[str, str]: ...

    def secrets(self) -> Sequence[str]: ...


@runtime_checkable
class CampaignService(Protocol):
    """One campaign service as the runs see it. Unsupported operations (see `capabilities`)
    raise `bulk_loader.errors.UsageError` naming the back end."""

    capabilities: Capabilities
    stats: ClientStats
    notices: list[str]
    stop: asyncio.Event | None

    async def __aenter__(self) -> CampaignService: ...

    async def __aexit__(self, *exc: object) -> None: ...

    async def add_batch(self, campaign: CampaignRef, batch: RecordBatch) -> AddResult: ...

    async def delete_record(self, campaign: CampaignRef, record_id: RecordId) -> RecordOutcome: ...

    async def status(self, campaign: CampaignRef) -> Any: ...

    def iter_records(self, campaign: CampaignRef) -> AsyncIterator[dict[str, Any]]: ...

    async def preflight(self, campaign: CampaignRef, *, deletes: bool = False) -> Any: ...


Need = Literal["view", "delete"]
_CAN = {"view": "view a campaign or its records", "delete": "delete records"}


def require(capabilities: Capabilities, need: Need, command: str) -> None:
    """Raise UsageError (exit 2) when the back end cannot serve `command`, before anything is
    read or sent."""
    able = capabilities.can_view if need == "view" else capabilities.can_delete
    if not able:
        raise UsageError(f"{command} needs an API that can {_CAN[need]}, and the "
                         f"{capabilities.name} API cannot")


__all__ = [
    "AddResult",
    "Auth",
    "CampaignRef",
    "CampaignService",
    "Capabilities",
    "Purpose",
    "RecordBatch",
    "RecordId",
    "RecordOutcome",
    "require",
]
