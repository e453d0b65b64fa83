"""`bulk-loader upload --api campaigns-v1`, end to end through the CLI against the v1 simulator
over real HTTP: exact campaign contents, isolation at a few requests per record, duplicates and
their owners, campaign-level stops, credentials, and what this API cannot do."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from bulk_loader.journal import Journal
from bulk_loader.simulator.campaigns_v1 import V1Campaign
from tests.simulator_v1_fixture import RUNNING_ID, RunningV1Simulator, running_v1_simulator
from tests.upload_support import read_csv
from tests.v1_cli_support import run_v1, v1_args, v1_env
from tests.v1_upload_support import (
    expected_store,
    matches,
    v1_rows,
    v1_upload,
    write_v1_csv,
)

OTHER_ID = "44444444-4444-4444-8444-444444444444"


def adds(sim: RunningV1Simulator) -> int:
    return int(sim.stats()["by_route"].get("add", 0))


def test_the_campaign_holds_exactly_the_file_with_priorities_ranks_and_schedules_20_days_ahead(
        tmp_path: Path) -> None:
    rows = v1_rows(1000, days=20)
    f = write_v1_csv(tmp_path / "customers.csv", rows)
    with running_v1_simulator() as sim:
        result, summary = v1_upload(sim, RUNNING_ID, f, tmp_path / "j.sqlite")
        held = sim.records(RUNNING_ID)
        requests = adds(sim)
    assert result.exit_code == 0, result.output
    assert summary is not None and summary["counts"]["accepted"] == 1000
    assert summary["campaign_id"] == RUNNING_ID
    assert requests == 10  # batches of 100, the first alone as the preflight
    assert matches(held, expected_store(rows))
    with Journal.open(tmp_path / "j.sqlite") as j:
        run = j.get_run(summary["run_id"])
        assert run.api == "campaigns-v1" and j.counts(run) == {"accepted": 1000}


@pytest.mark.parametrize("duplicate_status", [409, 400])
def test_five_ids_already_present_among_2000_cost_one_request_each_and_are_not_failures(
        tmp_path: Path, duplicate_status: int) -> None:
    present = ["c-00007", "c-00450", "c-00451", "c-01234", "c-01999"]
    rows = v1_rows(2000, every=0)
    f = write_v1_csv(tmp_path / "customers.csv", rows)
    first = write_v1_csv(tmp_path / "first.csv", [r for r in rows if r[0] in present])
    with running_v1_simulator(duplicate_status=duplicate_status) as sim:
        # Put there outside this journal: nobody the journal knows added them.
        outside = tmp_path / "elsewhere.sqlite"
        v1_upload(sim, RUNNING_ID, first, outside)
        before = adds(sim)
        result, summary = v1_upload(sim, RUNNING_ID, f, tmp_path / "j.sqlite",
                                    "--results", str(tmp_path / "results.csv"))
        spent = adds(sim) - before
        held = sim.records(RUNNING_ID)
    assert result.exit_code == 0, result.output
    assert summary is not None
    assert (summary["counts"]["accepted"], summary["counts"]["already_present"]) == (1995, 5)
    assert spent == 20 + 5  # one request per batch, one more per present id
    assert set(held) == {r[0] for r in rows}
    lines = {line[1]: line for line in read_csv(tmp_path / "results.csv")[1:]}
    for crm in present:
        assert lines[crm][3] == "already-present"
        assert lines[crm][4] == str(duplicate_status)
        assert lines[crm][5] == "Duplicate customer: already in the campaign, not added by this run"


def test_a_duplicate_another_run_of_the_journal_added_names_that_run(tmp_path: Path) -> None:
    rows = v1_rows(300, every=0)
    journal = tmp_path / "j.sqlite"
    first = write_v1_csv(tmp_path / "night1.csv", rows[:10])
    second = write_v1_csv(tmp_path / "night2.csv", rows)
    with running_v1_simulator() as sim:
        _, night1 = v1_upload(sim, RUNNING_ID, first, journal)
        result, night2 = v1_upload(sim, RUNNING_ID, second, journal,
                                   "--results", str(tmp_path / "results.csv"))
    assert night1 is not None and night2 is not None and result.exit_code == 0
    assert (night2["counts"]["accepted"], night2["counts"]["already_present"]) == (290, 10)
    lines = read_csv(tmp_path / "results.csv")[1:]
    assert {line[5] for line in lines[:10]} == {
        f"Duplicate customer: already in the campaign, added by {night1['run_id']}"}


def test_skip_known_sends_nothing_the_journal_knows_is_there(tmp_path: Path) -> None:
    rows = v1_rows(250, every=0)
    journal = tmp_path / "j.sqlite"
    with running_v1_simulator() as sim:
        v1_upload(sim, RUNNING_ID, write_v1_csv(tmp_path / "a.csv", rows[:120]), journal)
        before = sim.stats()["records_received"]
        result, summary = v1_upload(sim, RUNNING_ID, write_v1_csv(tmp_path / "b.csv", rows),
                                    journal, "--skip-known")
        received = sim.stats()["records_received"] - before
    assert result.exit_code == 0, result.output
    assert summary is not None and summary["skipped_known"] == 120
    assert summary["counts"]["already_present"] == 120 and summary["counts"]["accepted"] == 130
    assert received == 130


def test_a_record_only_the_server_refuses_is_rejected_and_its_batch_goes_in(
        tmp_path: Path) -> None:
    rows = v1_rows(300, every=0)
    f = write_v1_csv(tmp_path / "customers.csv", rows)
    with running_v1_simulator(refuse_ids=frozenset({"c-00137"})) as sim:
        result, summary = v1_upload(sim, RUNNING_ID, f, tmp_path / "j.sqlite",
                                    "--results", str(tmp_path / "results.csv"))
        held = sim.records(RUNNING_ID)
        requests = adds(sim)
    assert result.exit_code == 1, result.output  # finished, one row needs a look
    assert summary is not None
    assert (summary["counts"]["accepted"], summary["counts"]["rejected"]) == (299, 1)
    assert requests == 3 + 1  # refused once, resent at once without it
    assert set(held) == {r[0] for r in rows} - {"c-00137"}
    bad = [line for line in read_csv(tmp_path / "results.csv")[1:] if line[3] != "accepted"]
    assert bad == [["139", "c-00137", "", "rejected", "400",
                    "crmRecordId: is refused by the server"]]


@pytest.mark.parametrize("success_status", [200, 201])
def test_both_success_codes_are_accepted(tmp_path: Path, success_status: int) -> None:
    f = write_v1_csv(tmp_path / "customers.csv", v1_rows(150))
    with running_v1_simulator(success_status=success_status) as sim:
        result, summary = v1_upload(sim, RUNNING_ID, f, tmp_path / "j.sqlite")
        held = sim.records(RUNNING_ID)
    assert result.exit_code == 0, result.output
    assert summary is not None and summary["counts"]["accepted"] == 150 and len(held) == 150


@pytest.mark.parametrize(("campaign", "words"), [
    (V1Campaign(OTHER_ID, "COMPLETE"), "is in state COMPLETE"),
    (V1Campaign(OTHER_ID, "BUILDING"), "is in state BUILDING"),
    (V1Campaign(OTHER_ID, "RUNNING", enabled=False), "is disabled"),
], ids=["complete", "building", "disabled"])
def test_a_campaign_that_refuses_records_stops_at_the_first_batch_with_exit_4(
        tmp_path: Path, campaign: V1Campaign, words: str) -> None:
    f = write_v1_csv(tmp_path / "customers.csv", v1_rows(500))
    with running_v1_simulator(campaigns={OTHER_ID: campaign}) as sim:
        result, summary = v1_upload(sim, OTHER_ID, f, tmp_path / "j.sqlite")
        requests = adds(sim)
        held = sim.records(OTHER_ID)
    assert result.exit_code == 4, result.output
    assert requests == 1  # the first batch alone: nothing split, nothing else sent
    assert summary is not None and summary["counts"]["pending"] == 500
    assert summary["message"].startswith(f"stopped: campaign {OTHER_ID} refuses records "
                                         "(HTTP 409: ")
    assert words in summary["message"]
    assert held == {}


def test_after_the_campaign_is_fixed_the_same_command_sends_the_rest(tmp_path: Path) -> None:
    f = write_v1_csv(tmp_path / "customers.csv", v1_rows(250))
    journal = tmp_path / "j.sqlite"
    campaigns = {OTHER_ID: V1Campaign(OTHER_ID, "READY", enabled=False)}
    with running_v1_simulator(campaigns=campaigns) as sim:
        refused, _ = v1_upload(sim, OTHER_ID, f, journal)
        fixed = run_v1(v1_env(sim), "campaign", *v1_args(sim, OTHER_ID, "--action", "BUILD",
                                                          "--enabled"))
        sim.advance(10)  # BUILDING -> READY, which takes records
        result, summary = v1_upload(sim, OTHER_ID, f, journal)
        held = sim.records(OTHER_ID)
    assert refused.exit_code == 4 and fixed.exit_code == 0, fixed.output
    assert result.exit_code == 0, result.output
    assert summary is not None and summary["resumed"] and summary["counts"]["accepted"] == 250
    assert summary["counts"]["already_present"] == 0 and len(held) == 250


def test_a_wrong_key_is_401_naming_the_api_key_never_its_value(tmp_path: Path) -> None:
    f = write_v1_csv(tmp_path / "customers.csv", v1_rows(10))
    with running_v1_simulator() as sim:
        env = v1_env(sim, BULK_LOADER_API_KEY="eght_wrong_key_1234")
        result, _ = v1_upload(sim, RUNNING_ID, f, tmp_path / "j.sqlite", env=env)
        held = sim.records(RUNNING_ID)
    assert result.exit_code == 3, result.output
    assert "the API key was refused (HTTP 401" in result.output
    assert "eght_wrong_key_1234" not in result.output and held == {}


def test_a_key_without_the_product_is_403_saying_what_to_attach(tmp_path: Path) -> None:
    f = write_v1_csv(tmp_path / "customers.csv", v1_rows(10))
    with running_v1_simulator() as sim:
        env = v1_env(sim, BULK_LOADER_API_KEY=sim.config.no_product_key)
        result, _ = v1_upload(sim, RUNNING_ID, f, tmp_path / "j.sqlite", env=env)
    assert result.exit_code == 3, result.output
    assert "attach the Contact Center Campaigns API product" in result.output
    assert str(sim.config.no_product_key) not in result.output


def test_dry_run_checks_the_file_and_sends_nothing(tmp_path: Path) -> None:
    rows = v1_rows(120)
    rows[5][2] = "URGENT"
    f = write_v1_csv(tmp_path / "customers.csv", rows)
    with running_v1_simulator() as sim:
        result, summary = v1_upload(sim, RUNNING_ID, f, tmp_path / "j.sqlite", "--dry-run")
        requests = sim.stats()["requests"]
    assert result.exit_code == 1, result.output
    assert summary is not None and (summary["would_send"], summary["invalid"]) == (119, 1)
    assert requests == 0


def test_reschedule_needs_a_delete_which_this_api_has_not(tmp_path: Path) -> None:
    f = write_v1_csv(tmp_path / "customers.csv", v1_rows(10))
    with running_v1_simulator() as sim:
        result, _ = v1_upload(sim, RUNNING_ID, f, tmp_path / "j.sqlite", "--reschedule")
        requests = sim.stats()["requests"]
    assert result.exit_code == 2
    assert result.output.strip().splitlines()[-1] == (
        "error: --reschedule deletes a record's earlier callback, and the Campaigns API v1 has "
        "no endpoint to delete a record; upload without --reschedule")
    assert requests == 0


def test_a_chunk_size_over_100_is_capped_at_the_apis_largest_batch(tmp_path: Path) -> None:
    f = write_v1_csv(tmp_path / "customers.csv", v1_rows(450))
    with running_v1_simulator() as sim:
        result, summary = v1_upload(sim, RUNNING_ID, f, tmp_path / "j.sqlite",
                                    "--chunk-size", "1000")
        requests = adds(sim)
    assert result.exit_code == 0, result.output
    assert requests == 5
    assert summary is not None and summary["counts"]["accepted"] == 450
    with Journal.open(tmp_path / "j.sqlite") as j:
        assert j.get_run(summary["run_id"]).settings["chunk_size"] == 100


def test_the_summary_counts_are_what_the_journal_says(tmp_path: Path) -> None:
    rows = v1_rows(200, every=0)
    rows[3][0] = "x" * 33  # caught locally: invalid, never sent
    f = write_v1_csv(tmp_path / "customers.csv", rows)
    with running_v1_simulator() as sim:
        result, summary = v1_upload(sim, RUNNING_ID, f, tmp_path / "j.sqlite")
    assert result.exit_code == 1
    assert summary is not None
    with Journal.open(tmp_path / "j.sqlite") as j:
        counts = j.counts(j.get_run(summary["run_id"]))
    assert counts == {"accepted": 199, "invalid": 1}
    assert Counter({k: v for k, v in summary["counts"].items() if v}) == Counter(
        {"accepted": 199, "invalid": 1})
    json.dumps(summary)  # the summary stays plain JSON


def test_max_rate_paces_the_v1_batches_too(tmp_path: Path) -> None:
    f = write_v1_csv(tmp_path / "customers.csv", v1_rows(300))
    with running_v1_simulator() as sim:
        result, summary = v1_upload(sim, RUNNING_ID, f, tmp_path / "j.sqlite", "--max-rate", "50")
        held = sim.records(RUNNING_ID)
    assert result.exit_code == 0, result.output
    assert summary is not None and summary["http"]["requests"] == 3 and len(held) == 300


def test_a_report_of_a_v1_run_keeps_00123_and_123_as_two_text_ids(tmp_path: Path) -> None:
    from click.testing import CliRunner
    from openpyxl import load_workbook

    from bulk_loader.cli import cli

    rows = v1_rows(20, every=0)
    rows[5][0], rows[6][0] = "00123", "123"
    f = write_v1_csv(tmp_path / "customers.csv", rows)
    journal = tmp_path / "j.sqlite"
    with running_v1_simulator() as sim:
        result, _ = v1_upload(sim, RUNNING_ID, f, journal)
        held = sim.records(RUNNING_ID)
    assert result.exit_code == 0 and {"00123", "123"} <= set(held)
    report = CliRunner().invoke(cli, ["report", "--latest", "--journal", str(journal),
                                      "--output", str(tmp_path / "r.xlsx")], env=v1_env())
    assert report.exit_code == 0, report.output
    sheet = load_workbook(tmp_path / "r.xlsx", read_only=True)["Results"]
    ids = [r[1] for r in sheet.iter_rows(min_row=2, values_only=True)]
    assert ids[5:7] == ["00123", "123"] and ids[0] == "c-00000"


def test_an_in_flight_batch_found_present_on_resume_is_the_runs_own_not_already_present(
        tmp_path: Path) -> None:
    import asyncio

    from bulk_loader.api import RecordBatch
    from bulk_loader.api.campaigns_v1 import CampaignsV1Service

    rows = v1_rows(250, every=0)
    f = write_v1_csv(tmp_path / "customers.csv", rows)
    journal = tmp_path / "j.sqlite"
    campaigns = {OTHER_ID: V1Campaign(OTHER_ID, "READY", enabled=False)}
    with running_v1_simulator(campaigns=campaigns) as sim:
        refused, first = v1_upload(sim, OTHER_ID, f, journal)  # nothing taken, all pending
        run_v1(v1_env(sim), "campaign", *v1_args(sim, OTHER_ID, "--action", "BUILD",
                                                  "--enabled"))
        sim.advance(10)
        # The first batch reached the server but its answer was lost: stored, and in flight.
        first_ids = [r[0] for r in rows[:100]]

        async def store() -> None:
            async with CampaignsV1Service("US1", sim.auth, base_url=sim.base_url) as s:
                await s.add_batch(OTHER_ID, RecordBatch(first_ids))

        asyncio.run(store())
        with Journal.open(journal) as j, j.transaction():
            j.mark_in_flight(j.get_run("upload-1"), 0)
        result, summary = v1_upload(sim, OTHER_ID, f, journal)
        held = sim.records(OTHER_ID)
        later, night2 = v1_upload(sim, OTHER_ID, write_v1_csv(tmp_path / "again.csv", rows[:5]),
                                  journal, "--results", str(tmp_path / "again.results.csv"))
    assert refused.exit_code == 4 and first is not None and first["counts"]["pending"] == 250
    assert result.exit_code == 0, result.output
    assert summary is not None and summary["run_id"] == "upload-1"
    assert (summary["counts"]["accepted"], summary["counts"]["already_present"]) == (250, 0)
    assert summary["confirmed_on_resume"] == 100
    assert set(held) == {r[0] for r in rows}
    # Another run meets them later: they are upload-1's, named as such.
    assert later.exit_code == 0 and night2 is not None
    assert night2["counts"]["already_present"] == 5
    assert {line[5] for line in read_csv(tmp_path / "again.results.csv")[1:]} == {
        "Duplicate customer: already in the campaign, added by upload-1"}


def test_the_default_chunk_size_is_the_apis_100_without_a_note(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from bulk_loader.cli import cli
    from tests.v1_upload_support import v1_upload_args

    f = write_v1_csv(tmp_path / "customers.csv", v1_rows(250))
    with running_v1_simulator() as sim:
        argv = [a for a in v1_upload_args(sim, RUNNING_ID, f, tmp_path / "j.sqlite")
                if a != "--quiet"]
        result = CliRunner().invoke(cli, argv, env=v1_env(sim), catch_exceptions=False)
        requests = adds(sim)
    assert result.exit_code == 0, result.output
    assert requests == 3
    assert "note:" not in result.stderr


def test_a_base_url_pasted_with_the_api_path_reaches_the_same_api_and_run(tmp_path: Path) -> None:
    from tests.v1_upload_support import v1_upload_args

    journal = tmp_path / "j.sqlite"
    f = write_v1_csv(tmp_path / "customers.csv", v1_rows(30, every=0))
    with running_v1_simulator() as sim:
        first, summary = v1_upload(sim, RUNNING_ID, f, journal)
        pasted = v1_upload_args(sim, RUNNING_ID, f, journal)
        pasted[pasted.index(sim.base_url)] = sim.base_url + "/cc/US1/campaigns/v1/"
        again = run_v1(v1_env(sim), *pasted)
        elsewhere = pasted.copy()
        elsewhere[elsewhere.index(sim.base_url + "/cc/US1/campaigns/v1/")] = sim.base_url + "/api"
        refused = run_v1(v1_env(sim), *elsewhere)
    assert first.exit_code == 0 and summary is not None
    assert again.exit_code == 0, again.output
    reprint = json.loads(again.stdout)
    assert reprint["already_finished"] is True and reprint["run_id"] == summary["run_id"]
    assert reprint["endpoint"] == summary["endpoint"] == sim.base_url + "/cc/US1/campaigns/v1"
    assert refused.exit_code == 2
    assert refused.stderr == (
        f"error: --base-url is the host only, such as http://127.0.0.1:8088; the path "
        f"/cc/US1/campaigns/v1 comes from --site (got {sim.base_url + '/api'!r})\n")


@pytest.mark.parametrize(("name", "value", "words"), [
    ("BULK_LOADER_API_KEY", "eght_pasted_with_a_line_break\n", "the API key"),
    ("BULK_LOADER_TENANT", "demo\r\nX-Other: 1", "the tenant"),
])
def test_a_key_or_tenant_with_a_line_break_is_one_sentence_exit_2_and_sends_nothing(
        tmp_path: Path, name: str, value: str, words: str) -> None:
    f = write_v1_csv(tmp_path / "customers.csv", v1_rows(10))
    with running_v1_simulator() as sim:
        result, _ = v1_upload(sim, RUNNING_ID, f, tmp_path / "j.sqlite",
                              env=v1_env(sim, **{name: value}))
        requests = sim.stats()["requests"]
    assert result.exit_code == 2, result.output
    assert result.stderr == (f"error: {words} holds a control character (a line break or a tab?); "
                             f"check {name} or the profile's "
                             f"{'api_key' if 'KEY' in name else 'tenant'}\n")
    assert requests == 0 and "eght_pasted" not in result.output
