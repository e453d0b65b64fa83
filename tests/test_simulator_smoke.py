"""Smoke test of the shared simulator fixture: one add, one view, over real HTTP."""

from __future__ import annotations

import aiohttp
import orjson

from tests.simulator_fixture import RunningSimulator


async def test_add_then_view(simulator: RunningSimulator) -> None:
    body = [{"customer-id": 10000001}, {"customer-id": 10000001}, {"customer-id": 9}]
    async with aiohttp.ClientSession() as http:
        async with http.post(simulator.url("/api/tstats/campaigns/125/customers"),
                             data=orjson.dumps(body), headers=simulator.auth("action")) as r:
            assert r.status == 207
            answer = await r.json()
        async with http.get(simulator.url("/api/stats/campaigns/125/records.json"),
                            headers=simulator.auth("data")) as r:
            assert r.status == 200
            view = orjson.loads(await r.read())
    assert [a["http-status"] for a in answer] == [200, 400, 404]
    assert answer[1]["message"] == "Duplicate customer"
    assert simulator.records(125) == {10000001: None}
    assert [rec["record-id"] for rec in view["records"]["record"]] == [10000000]
    assert simulator.stats()["records_added"] == 1


def test_fixture_usable_from_sync_code(simulator: RunningSimulator) -> None:
    assert simulator.base_url.startswith("http://127.0.0.1:")
    assert simulator.records(126) == {}
