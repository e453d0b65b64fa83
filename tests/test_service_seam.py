"""The back-end seam: the legacy client is a CampaignService built by the one factory, its
capabilities and auth strategy are what the runs branch on, and nothing outside `api/` names a
back end's class."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import pytest

from bulk_loader.api import (
    Auth,
    CampaignService,
    Capabilities,
    RecordBatch,
    RetryPolicy,
    ServiceConfig,
    capabilities_of,
    open_service,
    require,
)
from bulk_loader.api.campaigns_v1 import ApiKeyAuth
from bulk_loader.api.vcc import LegacyAuth
from bulk_loader.config import Credentials
from bulk_loader.errors import UsageError
from tests.simulator_fixture import running_simulator

PACKAGE = Path(__file__).resolve().parent.parent / "bulk_loader"
FAST = RetryPolicy(max_attempts=4, base_delay=0.001, max_delay=0.01)


def test_the_factory_builds_the_legacy_back_end_as_a_campaign_service() -> None:
    service = open_service(ServiceConfig("http://127.0.0.1:9", Credentials("u", "a", "d")))
    assert isinstance(service, CampaignService)
    caps = service.capabilities
    assert caps == capabilities_of("legacy")
    assert (caps.name, caps.atomic_batches, caps.can_view, caps.can_delete) == (
        "legacy", False, True, True)
    assert caps.largest_batch == 100_000  # the most --chunk-size allows


def test_an_unknown_api_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="api must be legacy or campaigns-v1"):
        open_service(ServiceConfig("http://127.0.0.1:9", Credentials("u", "a", "d"), api="soap"))


def test_require_refuses_a_command_the_back_end_cannot_serve() -> None:
    blind = Capabilities("blind", 10, atomic_batches=True, can_view=False, can_delete=False)
    with pytest.raises(UsageError) as caught:
        require(blind, "delete", "delete")
    assert caught.value.exit_code == 2
    assert str(caught.value) == "delete needs an API that can delete records, and the blind API cannot"
    with pytest.raises(UsageError, match="view a campaign"):
        require(blind, "view", "records")
    require(capabilities_of("legacy"), "delete", "delete")  # the legacy API can: no error


def test_legacy_auth_picks_the_token_by_purpose_and_hides_both() -> None:
    auth: Auth = LegacyAuth(Credentials("tenant", "act-secret", "data-secret"))
    write, read = auth.headers("write"), auth.headers("read")
    assert write["Authorization"] != read["Authorization"]
    assert auth.headers("delete") == write  # DELETE starts with the action token (Decision 1)
    assert sorted(auth.secrets()) == ["act-secret", "data-secret"]
    one = LegacyAuth(Credentials("tenant", None, "only"))
    assert one.headers("write") == one.headers("read")  # one token serves every purpose


def test_legacy_auth_switches_delete_to_the_data_token_once() -> None:
    auth = LegacyAuth(Credentials("tenant", "act", "data"))
    assert auth.switch_delete("action") and auth.kind_for("delete") == "data"
    assert auth.headers("delete") == auth.headers("read")
    assert auth.confirm_delete("data") == (
        "DELETE accepted the data token; using it for the rest of the run")
    assert not auth.switch_delete("data")  # the data token refused too: no third try


def test_the_v1_api_key_is_an_auth_strategy_too() -> None:
    auth: Auth = ApiKeyAuth("eght_secret", "acme")
    assert auth.headers("read") == auth.headers("delete") == ApiKeyAuth("eght_secret",
                                                                         "acme").headers()
    assert list(auth.secrets()) == ["eght_secret"]


def test_add_batch_marks_a_duplicate_for_upload_to_judge() -> None:
    async def go(base_url: str, creds: Credentials) -> list[tuple[int | None, bool]]:
        async with open_service(ServiceConfig(base_url, creds, retry=FAST)) as service:
            first = await service.add_batch(125, RecordBatch([10_000_001, 10_000_002]))
            assert first.outcomes is None  # all added by one request: no per-record objects
            again = await service.add_batch(125, RecordBatch([10_000_002, 10_000_003]))
            return [(o.http_status, o.duplicate) for o in again.expand([10_000_002, 10_000_003])]

    with running_simulator() as sim:
        assert asyncio.run(go(sim.base_url, sim.credentials)) == [(400, True), (200, False)]


def test_status_and_preflight_read_the_campaign_through_the_protocol() -> None:
    async def go(base_url: str, creds: Credentials) -> tuple[object, object]:
        async with open_service(ServiceConfig(base_url, creds, retry=FAST)) as service:
            info = await service.status(125)
            checked = await service.preflight(125)
            return info.campaign_id, checked.campaign_id  # type: ignore[attr-defined]

    with running_simulator() as sim:
        assert asyncio.run(go(sim.base_url, sim.credentials)) == (125, 125)


def _python_files(under: Path) -> list[Path]:
    return sorted(p for p in under.rglob("*.py"))


def test_only_the_factory_names_a_back_end_client_outside_api() -> None:
    named = re.compile(r"\b(CampaignClient|CampaignsV1Client)\b|bulk_loader\.api\.vcc\b")
    offenders = [str(p.relative_to(PACKAGE)) for p in _python_files(PACKAGE)
                 if p.relative_to(PACKAGE).parts[0] != "api" and named.search(p.read_text())]
    assert offenders == []


def test_the_v1_back_end_borrows_nothing_from_the_legacy_one() -> None:
    borrowing = [str(p.relative_to(PACKAGE)) for p in _python_files(PACKAGE / "api" / "campaigns_v1")
                 if "bulk_loader.api.vcc" in p.read_text()]
    assert borrowing == []
