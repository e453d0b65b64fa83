"""The pieces the v1 simulator now shares with the legacy one: the request budget per tenant
(simulator/rate_limit.py), the fault options (simulator/config.py FaultOptions) and the counters
(simulator/tally.py), over real HTTP."""

from __future__ import annotations

import pytest

from bulk_loader.simulator import SimulatorConfig
from bulk_loader.simulator.campaigns_v1 import V1Config
from tests.simulator_v1_fixture import RUNNING_ID, running_v1_simulator


async def test_the_v1_budget_is_per_tenant_and_says_when_to_come_back() -> None:
    with running_v1_simulator(rate_limit=0.2) as sim:  # one token, back in 5 s
        url = sim.url(RUNNING_ID) + "/records"
        first = await sim.call("POST", url, body={"records": [{"crmRecordId": "a"}]})
        second = await sim.call("POST", url, body={"records": [{"crmRecordId": "b"}]})
        other = await sim.call("POST", url, body={"records": [{"crmRecordId": "c"}]},
                               headers={"X-8x8-Tenant": "another"})
        assert first[0] == 200
        assert (second[0], second[1]["detail"]) == (429, "Rate limit exceeded; retry later.")
        assert second[2]["Retry-After"] in {"4", "5"}  # whole seconds to the next token
        assert other[0] == 404  # its own bucket: refused for the tenant, not for the budget
        stats = sim.stats()
        assert stats["rate_limited"] == 1 and stats["by_status"] == {"200": 1, "404": 1,
                                                                     "429": 1}


@pytest.mark.parametrize("config", [SimulatorConfig, V1Config])
def test_both_configs_check_the_fault_options_alike(config: type) -> None:
    with pytest.raises(ValueError, match=r"unknown fault kinds \['boom'\]"):
        config(fault_kinds=("boom",))
    with pytest.raises(ValueError, match="fault rates must be between 0 and 1"):
        config(fault_rate=1.5)
    with pytest.raises(ValueError, match="rate_limit must be 0"):
        config(rate_limit=-1)


async def test_a_wrong_method_on_a_v1_path_is_a_problem_body_too() -> None:
    with running_v1_simulator() as sim:
        status, body, headers = await sim.call("GET", sim.url(RUNNING_ID))
        assert (status, headers["Allow"]) == (405, "PATCH")
        assert headers["Content-Type"] == "application/problem+json"
        assert body["title"] == "Method Not Allowed" and body["status"] == 405
        assert body["detail"] == "GET is not allowed here; use PATCH."
        assert body["instance"] == f"/cc/US1/campaigns/v1/{RUNNING_ID}"
        status, body, headers = await sim.call("DELETE", sim.url(RUNNING_ID) + "/records")
        assert (status, headers["Allow"], body["status"]) == (405, "POST", 405)
