"""Decision 2's isolation as a pure algorithm: over an in-memory all-or-nothing campaign, every
record ends with its own outcome, the campaign holds exactly the good records, and the request
count stays within the bound for named and unnamed refusals."""

from __future__ import annotations

import asyncio
import math
from collections.abc import Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bulk_loader.api.campaigns_v1.isolate import (
    Accepted,
    Failed,
    Named,
    Pick,
    Unnamed,
    Verdict,
    isolate,
)
from bulk_loader.errors import CampaignNotUsable


class AtomicCampaign:
    """The contract's add semantics in memory: any present or invalid record refuses the batch;
    a refusal names the first present id, and the first invalid record only when named=True."""

    def __init__(self, present: set[str], invalid: set[str], named: bool) -> None:
        self.held = set(present)
        self.invalid = invalid
        self.named = named
        self.requests = 0

    async def send(self, batch: Sequence[str]) -> Verdict:
        self.requests += 1
        await asyncio.sleep(0)  # let concurrent halves interleave
        for i, rec in enumerate(batch):
            if rec in self.held:  # the duplicate's detail always names its id
                return Named(409, (Pick(i, "already-present", f"has {rec}"),))
            if rec in self.invalid:
                if not self.named:
                    return Unnamed(400, "Validation failed")
                return Named(400, (Pick(i, "invalid", f"bad {rec}"),))
        self.held.update(batch)
        return Accepted(201)


@settings(max_examples=60, deadline=None)
@given(n=st.integers(1, 100), data=st.data(), named=st.booleans())
def test_every_record_ends_with_its_own_outcome(n: int, data: st.DataObject, named: bool) -> None:
    records = [f"r{i}" for i in range(n)]
    bad = data.draw(st.sets(st.sampled_from(records), max_size=min(n, 8)))
    present = data.draw(st.sets(st.sampled_from(sorted(bad)), max_size=len(bad))) if bad else set()
    campaign = AtomicCampaign(present, bad - present, named)
    results = asyncio.run(isolate(records, campaign.send))
    for rec, res in zip(records, results, strict=True):
        expected = ("already-present" if rec in present else "invalid" if rec in bad
                    else "accepted")
        assert res.outcome == expected
        assert res.requests >= 1 and not res.resent
    assert campaign.held == set(records) - (bad - present)
    if named:
        assert campaign.requests == len(bad) + (1 if len(bad) < n else 0)
    else:
        levels = math.ceil(math.log2(n)) if n > 1 else 0
        invalid = len(bad - present)
        assert campaign.requests <= 1 + len(present) + 2 * invalid * levels


def test_a_named_refusal_resends_the_rest_at_once_keeping_order() -> None:
    seen: list[list[str]] = []

    async def send(batch: Sequence[str]) -> Verdict:
        seen.append(list(batch))
        if "b" in batch and "d" in batch:
            return Named(400, (Pick(batch.index("b"), "invalid", "bad b"),
                               Pick(batch.index("d"), "invalid", "bad d")))
        return Accepted(200)

    results = asyncio.run(isolate(["a", "b", "c", "d", "e"], send))
    assert seen == [["a", "b", "c", "d", "e"], ["a", "c", "e"]]
    assert [(r.outcome, r.detail, r.requests) for r in results] == [
        ("accepted", None, 2), ("invalid", "bad b", 1), ("accepted", None, 2),
        ("invalid", "bad d", 1), ("accepted", None, 2)]


def test_failed_batches_leave_their_records_failed_with_the_resent_mark() -> None:
    async def send(batch: Sequence[str]) -> Verdict:
        return Failed("no answer after 6 attempts", resent=True)

    results = asyncio.run(isolate(["a", "b"], send))
    assert {(r.outcome, r.status, r.detail, r.resent) for r in results} == {
        ("failed", None, "no answer after 6 attempts", True)}


def test_a_named_index_outside_the_batch_halves_instead() -> None:
    async def send(batch: Sequence[str]) -> Verdict:
        if "x" in batch:
            return Named(400, (Pick(99, "invalid", "?"),))
        return Accepted(200)

    results = asyncio.run(isolate(["a", "x", "b", "c"], send))
    assert [r.outcome for r in results] == ["accepted", "invalid", "accepted", "accepted"]


def test_a_campaign_level_stop_propagates_and_cancels_the_other_half() -> None:
    started: list[list[str]] = []

    async def send(batch: Sequence[str]) -> Verdict:
        started.append(list(batch))
        if len(started) == 1:
            return Unnamed(400, "split me")
        if batch[0] == "a":
            raise CampaignNotUsable("campaign refuses records (HTTP 409)")
        await asyncio.sleep(10)  # the other half: cancelled, never answered
        return Accepted(200)

    with pytest.raises(CampaignNotUsable, match="HTTP 409"):
        asyncio.run(asyncio.wait_for(isolate(["a", "b", "c", "d"], send), 5))
    assert started == [["a", "b", "c", "d"], ["a", "b"], ["c", "d"]]
