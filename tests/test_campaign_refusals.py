"""Which whole-request refusals speak of the campaign (stop the run, exit 4, never split) and
which may concern the records (split): docs/contract.md Decision 12, section 5's sentences verbatim."""

from __future__ import annotations

import pytest

from bulk_loader import spec
from bulk_loader.api.vcc import not_usable
from bulk_loader.errors import EXIT_CAMPAIGN, CampaignNotFound, CampaignNotUsable


@pytest.mark.parametrize("message", [*spec.ADD_CAMPAIGN_REFUSALS, *spec.DELETE_CAMPAIGN_REFUSALS])
def test_the_vendors_campaign_sentences_stop_the_run(message: str) -> None:
    assert not_usable(message)


@pytest.mark.parametrize("message", [spec.MSG_LIST_INVALID, spec.MSG_DELETE_BUSY,
                                     spec.MSG_DUPLICATE, "Bad Request", ""])
def test_refusals_that_may_concern_the_records_do_not(message: str) -> None:
    assert not not_usable(message)


def test_a_campaign_that_refuses_records_exits_4_not_3() -> None:
    assert CampaignNotUsable("x").exit_code == CampaignNotFound("x").exit_code == EXIT_CAMPAIGN
    assert EXIT_CAMPAIGN == 4
