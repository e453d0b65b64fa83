"""HTTP Basic auth: the action token for writes, the data token for reads, DELETE per config."""

from __future__ import annotations

import base64

import aiohttp
import pytest

from bulk_loader import spec
from tests.simulator_fixture import RunningSimulator, running_simulator

ADD = spec.ADD_PATH.format(campaign_id=125)
VIEW = spec.RECORDS_PATH.format(campaign_id=125)
STATUS = spec.CAMPAIGN_STATUS_PATH.format(campaign_id=125)
CHANGE = spec.CAMPAIGN_CHANGE_PATH.format(campaign_id=125)
DELETE = spec.DELETE_PATH.format(campaign_id=125, customer_id=10_000_001)


def basic(user: str, token: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{token}".encode()).decode()}


async def status_with(sim: RunningSimulator, method: str, path: str,
                      headers: dict[str, str], body: bytes | None = None) -> int:
    async with aiohttp.ClientSession() as http, http.request(
            method, sim.url(path), data=body, headers=headers) as resp:
        if resp.status == 401:
            assert await resp.json() == {"message": "Unauthorized: wrong username or token."}
            assert resp.headers["WWW-Authenticate"].startswith("Basic")
        return resp.status


@pytest.mark.parametrize(("method", "path", "body", "good", "ok"), [
    ("POST", ADD, b"[]", "demo-action", 207),
    ("GET", VIEW, None, "demo-data", 200),
    ("GET", STATUS, None, "demo-data", 200),
    ("POST", CHANGE, b'{"status": "RUNNING"}', "demo-action", 200),
])
async def test_each_call_takes_its_token_only(simulator: RunningSimulator, method: str, path: str,
                                              body: bytes | None, good: str, ok: int) -> None:
    other = "demo-data" if good == "demo-action" else "demo-action"
    assert await status_with(simulator, method, path, basic("demo", good), body) == ok
    assert await status_with(simulator, method, path, basic("demo", other), body) == 401
    assert await status_with(simulator, method, path, basic("demo", "wrong"), body) == 401
    assert await status_with(simulator, method, path, basic("acme", good), body) == 401
    assert await status_with(simulator, method, path, {}, body) == 401
    assert await status_with(simulator, method, path, {"Authorization": "Basic !!!"}, body) == 401
    assert await status_with(simulator, method, path, {"Authorization": "Bearer x"}, body) == 401
    assert simulator.stats()["auth_failures"] == 6


@pytest.mark.parametrize(("delete_token", "accepted"), [
    ("action", {"demo-action"}), ("data", {"demo-data"}), ("either", {"demo-action", "demo-data"}),
])
async def test_delete_token_follows_config(delete_token: str, accepted: set[str]) -> None:
    with running_simulator(delete_token=delete_token) as sim:
        for token in ("demo-action", "demo-data", "nope"):
            # 404 (record absent) proves the token was accepted; 401 that it was not.
            expected = 404 if token in accepted else 401
            assert await status_with(sim, "DELETE", DELETE, basic("demo", token)) == expected


async def test_auth_checked_before_campaign_lookup(simulator: RunningSimulator) -> None:
    path = spec.CAMPAIGN_STATUS_PATH.format(campaign_id=999)
    assert await status_with(simulator, "GET", path, basic("demo", "bad")) == 401
    assert await status_with(simulator, "GET", path, basic("demo", "demo-data")) == 404


async def test_custom_tenant_and_tokens() -> None:
    with running_simulator(username="acme", action_token="a1", data_token="d1") as sim:
        assert await status_with(sim, "POST", ADD, basic("acme", "a1"), b"[]") == 207
        assert await status_with(sim, "GET", VIEW, basic("acme", "d1")) == 200
        assert await status_with(sim, "POST", ADD, basic("demo", "demo-action"), b"[]") == 401


async def test_stats_page_needs_no_auth(simulator: RunningSimulator) -> None:
    async with aiohttp.ClientSession() as http, http.get(
            simulator.url("/__simulator/stats")) as resp:
        assert resp.status == 200
        assert "faults" in await resp.json()
