"""Choosing the API on the command line: --api, --site, --base-url, --campaign and the v1
credentials, from flags, the environment or a profile (cli/backend.py), against the v1
simulator over real HTTP where a command sends something."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from bulk_loader.cli.backend import CAMPAIGN_REF, Target, resolve_target
from tests.simulator_v1_fixture import READY_ID, RunningV1Simulator, running_v1_simulator
from tests.v1_cli_support import run_v1, v1_args, v1_env, write_profile


@pytest.fixture(scope="module")
def sim() -> Iterator[RunningV1Simulator]:
    with running_v1_simulator(transient_seconds=0) as s:
        yield s


def _purge(sim: RunningV1Simulator, env: dict[str, str | None], *argv: str) -> tuple[int, str]:
    """PURGE changes no state, so every test may send it to the READY campaign... which refuses
    it (409, exit 4): proof enough that the request reached the simulator with the right key."""
    res = run_v1(env, "campaign", *argv, "--action", "PURGE", "--json")
    return res.exit_code, res.output


def test_v1_needs_a_site_and_says_which(sim: RunningV1Simulator) -> None:
    res = run_v1(v1_env(sim), "campaign", "--api", "campaigns-v1", "--base-url", sim.base_url,
                 "--campaign", READY_ID, "--action", "START")
    assert res.exit_code == 2
    assert "--api campaigns-v1 needs --site US1, US2, UK3" in res.output
    assert "Traceback" not in res.output


def test_v1_campaign_must_be_a_uuid(sim: RunningV1Simulator) -> None:
    res = run_v1(v1_env(sim), "campaign", *v1_args(sim, "125"), "--action", "START")
    assert res.exit_code == 2
    assert "--campaign for --api campaigns-v1 is the campaign's UUID" in res.output
    assert "(got 125)" in res.output


def test_a_campaign_that_is_neither_number_nor_uuid_is_refused_naming_both() -> None:
    res = run_v1(v1_env(), "records", "--campaign", "abc-125", "--base-url", "http://127.0.0.1:9")
    assert res.exit_code == 2
    assert "must be a campaign number such as 125 (legacy API) or a campaign UUID" in res.output
    assert "(got 'abc-125')" in res.output


def test_legacy_refuses_a_uuid_and_a_site() -> None:
    res = run_v1(v1_env(), "campaign", "--base-url", "http://127.0.0.1:9", "--campaign", READY_ID)
    assert res.exit_code == 2
    assert f"--campaign {READY_ID} is a Campaigns API v1 UUID: add --api campaigns-v1" in res.output
    res = run_v1(v1_env(), "campaign", "--base-url", "http://127.0.0.1:9", "--campaign", "125",
                 "--site", "US1")
    assert res.exit_code == 2
    assert "--site is for --api campaigns-v1" in res.output


def test_v1_refuses_platform_and_plain_http_to_another_machine(sim: RunningV1Simulator) -> None:
    res = run_v1(v1_env(sim), "campaign", "--api", "campaigns-v1", "--site", "US1",
                 "--platform", "na12", "--campaign", READY_ID, "--action", "START")
    assert res.exit_code == 2
    assert "--platform is the legacy API's; the Campaigns API v1 takes --site" in res.output
    res = run_v1(v1_env(sim), "campaign", "--api", "campaigns-v1", "--site", "US1",
                 "--base-url", "http://example.com", "--campaign", READY_ID, "--action", "START")
    assert res.exit_code == 2
    assert "--base-url must use https unless it points at this machine" in res.output


def test_site_is_case_insensitive_and_keeps_the_v1_path() -> None:
    target = resolve_target({"api": "campaigns-v1", "site": "uk3", "campaign_id": READY_ID,
                             "base_url": "http://localhost:8088/"}, credentials=False)
    assert target.endpoint == "http://127.0.0.1:8088/cc/UK3/campaigns/v1"
    assert target.site == "UK3" and target.host == "http://127.0.0.1:8088"
    real = resolve_target({"api": "campaigns-v1", "site": "US2", "campaign_id": READY_ID},
                          credentials=False)
    assert real.endpoint == "https://api.8x8.com/cc/US2/campaigns/v1" and real.host is None


def test_the_uuid_is_kept_in_one_spelling_and_a_number_stays_a_number() -> None:
    assert CAMPAIGN_REF.convert(f" {READY_ID.upper()} ", None, None) == READY_ID
    assert CAMPAIGN_REF.convert("125", None, None) == 125


def test_a_missing_api_key_and_tenant_are_named_without_a_traceback(
        sim: RunningV1Simulator) -> None:
    res = run_v1(v1_env(), "campaign", *v1_args(sim, READY_ID), "--action", "START")
    assert res.exit_code == 2
    assert "no API key is configured: set BULK_LOADER_API_KEY or add api_key to a profile" \
        in res.output
    res = run_v1(v1_env(BULK_LOADER_API_KEY=sim.config.api_key), "campaign",
                 *v1_args(sim, READY_ID), "--action", "START")
    assert res.exit_code == 2
    assert "no tenant is configured: set BULK_LOADER_TENANT" in res.output


def test_a_key_of_the_wrong_shape_is_refused_without_echoing_it(
        sim: RunningV1Simulator) -> None:
    secret = "sk-not-an-8x8-key-12345"
    res = run_v1(v1_env(BULK_LOADER_API_KEY=secret, BULK_LOADER_TENANT="demo"), "campaign",
                 *v1_args(sim, READY_ID), "--action", "START")
    assert res.exit_code == 2
    assert "the API key must start with eght_" in res.output
    assert secret not in res.output


def test_the_key_never_shows_in_a_target_or_the_output(sim: RunningV1Simulator) -> None:
    env = v1_env(sim)
    target = resolve_target({"api": "campaigns-v1", "site": "US1", "campaign_id": READY_ID,
                             "base_url": sim.base_url}, env=env)  # type: ignore[arg-type]
    assert target.auth is not None and sim.config.api_key not in repr(target)
    assert target.secrets() == [sim.config.api_key]
    res = run_v1(env, "campaign", *v1_args(sim, READY_ID), "--action", "BUILD", "--json")
    assert res.exit_code == 0, res.output  # BUILD from READY, back to READY at once here
    assert json.loads(res.output)["state"] == "READY"
    assert sim.config.api_key not in res.output


def test_api_site_campaign_and_credentials_come_from_a_profile(
        sim: RunningV1Simulator, tmp_path: Path) -> None:
    config = write_profile(tmp_path / "c.toml", "v1", {
        "api": "campaigns-v1", "site": "US1", "base_url": sim.base_url, "campaign": READY_ID,
        "api_key": sim.config.api_key, "tenant": sim.config.tenant})
    env = v1_env(BULK_LOADER_CONFIG=str(config))
    code, out = _purge(sim, env, "--profile", "v1")
    assert code == 4, out  # PURGE from READY: the simulator answered 409 to our key
    assert "refused PURGE (HTTP 409" in out


def test_flags_beat_the_environment_which_beats_the_profile(
        sim: RunningV1Simulator, tmp_path: Path) -> None:
    config = write_profile(tmp_path / "c.toml", "v1", {
        "api": "legacy", "site": "UK3", "base_url": sim.base_url, "campaign": READY_ID,
        "api_key": "eght_wrong_key", "tenant": sim.config.tenant})
    env = v1_env(BULK_LOADER_CONFIG=str(config), BULK_LOADER_API="campaigns-v1",
                 BULK_LOADER_API_KEY=sim.config.api_key)
    # api from the environment over the profile's legacy; the key from the environment too;
    # --site US1 (flag) over the profile's UK3 (the simulator serves every site alike).
    code, out = _purge(sim, env, "--profile", "v1", "--site", "US1")
    assert code == 4 and "refused PURGE (HTTP 409" in out, out
    # The profile's wrong key, once the environment's is gone: 401, exit 3.
    env["BULK_LOADER_API_KEY"] = None
    code, out = _purge(sim, env, "--profile", "v1")
    assert code == 3 and "the API key was refused (HTTP 401" in out, out
    assert "eght_wrong_key" not in out
    # --api legacy (flag) over the environment: the UUID is then refused.
    res = run_v1(env, "campaign", "--profile", "v1", "--api", "legacy")
    assert res.exit_code == 2 and "is a Campaigns API v1 UUID" in res.output


def test_a_bad_api_in_the_profile_is_named_with_where_it_came_from(tmp_path: Path) -> None:
    config = write_profile(tmp_path / "c.toml", "v1", {"api": "campaigns-v2"})
    res = run_v1(v1_env(BULK_LOADER_CONFIG=str(config)), "records", "--profile", "v1",
                 "--campaign", "125", "--base-url", "http://127.0.0.1:9")
    assert res.exit_code == 2
    assert f"api in profile [v1] of {config}" in res.output and "campaigns-v2" in res.output


def test_a_target_names_the_legacy_api_by_default() -> None:
    target = resolve_target({"campaign_id": 125, "base_url": "http://127.0.0.1:9"},
                            credentials=False)
    assert target == Target("legacy", 125, "http://127.0.0.1:9")
    assert target.campaign_number() == 125 and not target.is_v1


def test_json_of_a_command_on_the_legacy_default_is_unchanged_by_the_new_options(
        simulator: object) -> None:
    from tests.ops_support import env_for, run_cli

    res = run_cli(simulator, "campaign", "--campaign", "125", "--base-url",
                  simulator.base_url, "--json")  # type: ignore[attr-defined]
    assert res.exit_code == 0
    assert json.loads(res.output)["campaign-id"] == 125
    assert "BULK_LOADER_API" not in env_for(simulator)


def test_the_run_log_blanks_the_api_key_registered_from_a_target(tmp_path: Path) -> None:
    from bulk_loader.cli.job_outputs import JobOutputs

    env = v1_env(BULK_LOADER_API_KEY="eght_secret_key_123", BULK_LOADER_TENANT="acme")
    target = resolve_target({"api": "campaigns-v1", "site": "US1", "campaign_id": READY_ID},
                            env=env)  # type: ignore[arg-type]
    outputs = JobOutputs({"log_file": tmp_path / "run.log"}, 0.0)
    outputs.open()
    outputs.secrets(target.secrets())
    assert outputs.log is not None
    outputs.log.event("odd", said="refused eght_secret_key_123 at once")
    text = (tmp_path / "run.log").read_text()
    assert "eght_secret_key_123" not in text and "refused *** at once" in text
