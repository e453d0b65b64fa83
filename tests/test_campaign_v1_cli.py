"""`campaign --api campaigns-v1 --action ...` and the commands this API cannot serve, through the
real CLI against the v1 simulator over HTTP."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from bulk_loader.api.campaigns_v1.spec import VALID_FROM
from bulk_loader.cli.records import ACTIONS
from tests.simulator_v1_fixture import READY_ID, RUNNING_ID, running_v1_simulator
from tests.v1_cli_support import run_v1, v1_args, v1_env


def _add(sim: object, campaign: str, ids: list[str]) -> None:
    async def go() -> None:
        for start in range(0, len(ids), 100):
            body = {"records": [{"crmRecordId": i} for i in ids[start:start + 100]]}
            status, _, _ = await sim.call("POST", sim.url(campaign) + "/records",  # type: ignore[attr-defined]
                                          body=body)
            assert status == 200, status
    asyncio.run(go())


def test_the_action_list_is_the_contracts() -> None:
    assert tuple(VALID_FROM) == ACTIONS


def test_an_action_shows_the_campaign_that_comes_back_with_its_counts() -> None:
    with running_v1_simulator(transient_seconds=0) as sim:
        _add(sim, RUNNING_ID, [f"CRM-{i}" for i in range(250)])
        res = run_v1(v1_env(sim), "campaign", *v1_args(sim, RUNNING_ID), "--action", "pause",
                     "--json")
        assert res.exit_code == 0, res.output
        doc = json.loads(res.output)
        assert doc["api"] == "campaigns-v1" and doc["campaign-id"] == RUNNING_ID
        assert doc["action"] == "PAUSE" and doc["state"] == "PAUSED"
        assert doc["display-status"] == "Paused" and doc["records"] == 250
        assert doc["record-counts"] == [{"type": "DYNAMIC", "state": "PENDING", "result": None,
                                         "count": 250}]
        assert sim.state_of(RUNNING_ID) == "PAUSED"
        text = run_v1(v1_env(sim), "campaign", *v1_args(sim, RUNNING_ID), "--action", "RESUME")
        assert text.exit_code == 0, text.output
        lines = text.output.splitlines()
        assert lines[0] == f"Campaign {RUNNING_ID} after RESUME"
        assert lines[1] == '  state:           RUNNING (shown as "Running")'
        assert lines[2] == "  records:         250"
        assert "    PENDING" in lines[4] and lines[4].endswith("250")


def test_a_transient_state_is_named_as_one() -> None:
    with running_v1_simulator(transient_seconds=60) as sim:
        res = run_v1(v1_env(sim), "campaign", *v1_args(sim, READY_ID), "--action", "START")
        assert res.exit_code == 0, res.output
        assert '  state:           STARTING (shown as "Starting"); it moves on by itself' \
            in res.output
        again = run_v1(v1_env(sim), "campaign", *v1_args(sim, READY_ID), "--action", "START")
        assert again.exit_code == 4
        assert again.output.endswith(
            "START is valid only from READY; no action is valid from STARTING (a transient "
            "state: send the action again once the campaign has moved on)\n")


def test_an_action_invalid_from_the_state_exits_4_naming_the_state_and_valid_actions() -> None:
    with running_v1_simulator(transient_seconds=0) as sim:
        res = run_v1(v1_env(sim), "campaign", *v1_args(sim, READY_ID), "--action", "PAUSE")
        assert res.exit_code == 4
        assert res.output.startswith(f"error: campaign {READY_ID} refused PAUSE (HTTP 409")
        assert "PAUSE is valid only from RUNNING; from READY the valid actions are BUILD, " \
               "RESET, START" in res.output
        assert res.output.count("\n") == 1  # one sentence, one line
        assert sim.state_of(READY_ID) == "READY"


def test_a_disabled_campaign_accepts_only_build_and_reset() -> None:
    with running_v1_simulator(transient_seconds=0) as sim:
        res = run_v1(v1_env(sim), "campaign", *v1_args(sim, READY_ID), "--action", "BUILD",
                     "--disabled", "--json")
        assert res.exit_code == 0 and json.loads(res.output)["state"] == "READY", res.output
        res = run_v1(v1_env(sim), "campaign", *v1_args(sim, READY_ID), "--action", "START")
        assert res.exit_code == 4
        assert "a disabled campaign accepts only BUILD and RESET (add --enabled" in res.output
        res = run_v1(v1_env(sim), "campaign", *v1_args(sim, READY_ID), "--action", "BUILD",
                     "--enabled")
        assert res.exit_code == 0
        res = run_v1(v1_env(sim), "campaign", *v1_args(sim, READY_ID), "--action", "START",
                     "--json")
        assert res.exit_code == 0 and json.loads(res.output)["state"] == "RUNNING"


def test_without_an_action_it_says_this_api_has_no_read() -> None:
    with running_v1_simulator() as sim:
        res = run_v1(v1_env(sim), "campaign", *v1_args(sim, RUNNING_ID))
        assert res.exit_code == 2
        assert res.output == (
            "error: the Campaigns API v1 has no call that reads a campaign: its state and "
            "record counts come only from the answer to a state action; give --action "
            "BUILD|RESET|START|PAUSE|RESUME|RETRY|CANCEL|PURGE (PURGE changes no state)\n")
        assert sim.stats()["requests"] == 0


def test_a_wrong_key_and_a_key_without_the_product_are_one_sentence_each() -> None:
    with running_v1_simulator() as sim:
        wrong = run_v1(v1_env(sim, BULK_LOADER_API_KEY="eght_not_this_one"), "campaign",
                       *v1_args(sim, RUNNING_ID), "--action", "PAUSE")
        assert wrong.exit_code == 3
        assert wrong.output.startswith("error: the API key was refused (HTTP 401")
        assert "eght_not_this_one" not in wrong.output and wrong.output.count("\n") == 1
        assert sim.config.no_product_key is not None
        no_product = run_v1(v1_env(sim, BULK_LOADER_API_KEY=sim.config.no_product_key),
                            "campaign", *v1_args(sim, RUNNING_ID), "--action", "PAUSE")
        assert no_product.exit_code == 3
        assert "attach the Contact Center Campaigns API product to the key's app" \
            in no_product.output
        assert sim.state_of(RUNNING_ID) == "RUNNING"


def test_an_unknown_campaign_is_exit_4_naming_site_and_tenant() -> None:
    with running_v1_simulator() as sim:
        res = run_v1(v1_env(sim), "campaign",
                     *v1_args(sim, "11111111-2222-4333-8444-555555555555"), "--action", "START")
        assert res.exit_code == 4
        assert "was not found (HTTP 404" in res.output and "the site (US1)" in res.output


def test_legacy_campaign_refuses_the_v1_only_options() -> None:
    res = run_v1(v1_env(), "campaign", "--campaign", "125", "--base-url", "http://127.0.0.1:9",
                 "--action", "START")
    assert res.exit_code == 2
    assert "--action, --enabled and --disabled are for --api campaigns-v1" in res.output


@pytest.mark.parametrize(("argv", "sentence"), [
    (["records"], "the Campaigns API v1 has no endpoint to list a campaign's records, so this "
                  "command works with the legacy API only (--api legacy)"),
    (["delete", "FILE", "--yes"], "the Campaigns API v1 has no endpoint to delete a record, so "
                                  "this command works with the legacy API only (--api legacy)"),
])
def test_records_and_delete_exit_2_with_one_sentence(tmp_path: Path, argv: list[str],
                                                     sentence: str) -> None:
    f = tmp_path / "ids.csv"
    f.write_text("customer-id\nCRM-1\n")
    with running_v1_simulator() as sim:
        argv = [str(f) if a == "FILE" else a for a in argv]
        res = run_v1(v1_env(sim), argv[0], *v1_args(sim, RUNNING_ID), *argv[1:])
        assert res.exit_code == 2
        assert res.output == f"error: {sentence}\n"
        assert sim.stats()["requests"] == 0


def test_report_reconcile_exits_2_for_v1_and_the_journal_report_still_works(
        simulator: object, tmp_path: Path) -> None:
    from tests.ops_support import env_for, seed  # noqa: F401  the legacy simulator's helpers

    journal = tmp_path / "j.sqlite"
    f = tmp_path / "up.csv"
    f.write_text("customer-id\n10000001\n10000002\n")
    env = {**v1_env(), **env_for(simulator), "BULK_LOADER_JOURNAL": str(journal)}
    up = run_v1(env, "upload", str(f), "--campaign", "125", "--base-url",
                simulator.base_url, "--quiet", "--no-preflight")  # type: ignore[attr-defined]
    assert up.exit_code == 0, up.output
    res = run_v1(env, "report", "--latest", "--output", str(tmp_path / "r.csv"), "--reconcile",
                 "--api", "campaigns-v1")
    assert res.exit_code == 2
    assert res.output == ("error: the Campaigns API v1 has no endpoint to list a campaign's "
                          "records, so --reconcile cannot compare a run with the campaign; "
                          "without --reconcile the report is read from the journal and works\n")
    plain = run_v1(env, "report", "--latest", "--output", str(tmp_path / "r.csv"), "--api",
                   "campaigns-v1")
    assert plain.exit_code == 0, plain.output
    assert (tmp_path / "r.csv").read_text().count("\n") == 3


def test_upload_to_v1_of_a_missing_file_is_one_sentence_and_sends_nothing(
        tmp_path: Path) -> None:
    # The v1 upload itself is proven in tests/test_v1_upload.py.
    with running_v1_simulator() as sim:
        res = run_v1(v1_env(sim), "upload", str(tmp_path / "missing.csv"),
                     *v1_args(sim, RUNNING_ID))
        assert res.exit_code == 2
        assert res.output == (f"error: cannot open {tmp_path / 'missing.csv'}: No such file or "
                              "directory.\n")
        assert sim.stats()["requests"] == 0
