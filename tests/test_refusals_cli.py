"""Refusals through the real CLI, each one sentence: outputs over inputs or the journal, a
missing folder, numbers that int() refuses, an option the command would ignore."""

from __future__ import annotations

from pathlib import Path

from bulk_loader.api.vcc import int_or_none
from bulk_loader.journal import Journal
from bulk_loader.reports import customer_id_of
from tests.ops_support import run_cli, seed
from tests.test_report_reconcile import FIRST, _upload_run


def test_records_status_with_a_non_ascii_digit_is_one_sentence(simulator) -> None:
    res = run_cli(simulator, "records", "--campaign", "125", "--base-url", simulator.base_url,
                  "--status", "\u00b2")
    assert res.exit_code == 2
    assert res.output.startswith("error: ")
    assert "Traceback" not in res.output


def test_xlsx_report_to_a_missing_folder_fails_before_writing(simulator, tmp_path: Path) -> None:
    jp = tmp_path / "j.sqlite"
    with Journal.open(jp) as j:
        up = _upload_run(j, simulator.base_url, 5)
    out = tmp_path / "no-such-dir" / "r.xlsx"
    res = run_cli(simulator, "report", up, "--journal", str(jp), "--output", str(out))
    assert res.exit_code == 2
    assert res.output.startswith("error: cannot write")
    assert "Traceback" not in res.output and "Exception ignored" not in res.output


def test_reconcile_summary_keeps_the_campaign_id(simulator, tmp_path: Path) -> None:
    jp = tmp_path / "j.sqlite"
    with Journal.open(jp) as j:
        up = _upload_run(j, simulator.base_url, 5)
    seed(simulator, 125, FIRST, 4)
    res = run_cli(simulator, "report", up, "--journal", str(jp), "--reconcile", "--output",
                  str(tmp_path / "r.csv"))
    assert res.exit_code == 0, res.output
    assert "campaign 125" in res.output and "campaign {" not in res.output


def test_delete_refuses_timezone_it_would_ignore(simulator, tmp_path: Path) -> None:
    f = tmp_path / "ids.csv"
    f.write_text("customer-id\n10000001\n")
    res = run_cli(simulator, "delete", str(f), "--campaign", "125", "--base-url",
                  simulator.base_url, "--timezone", "UTC", "--yes",
                  "--journal", str(tmp_path / "j.sqlite"))
    assert res.exit_code == 2
    assert res.output == ("error: --timezone does not apply to delete: "
                          "only the customer ids are read\n")


def test_server_numbers_that_int_refuses_are_unknown_not_a_crash() -> None:
    assert int_or_none("--5") is None and int_or_none("\u00b2") is None and int_or_none("12") == 12
    assert customer_id_of({"customer-id": "\u00b2"}) is None
    assert customer_id_of({"customer-id": " 42 "}) == 42


def test_validate_refuses_to_overwrite_its_input(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from bulk_loader.cli import cli

    f = tmp_path / "in.csv"
    f.write_text("customer-id\n10000001\nbad\n")
    before = f.read_bytes()
    res = CliRunner().invoke(cli, ["validate", str(f), "--invalid-out", str(f)])
    assert res.exit_code == 2
    assert res.output == ("error: --invalid-out must not be the input file: "
                          "it would be overwritten\n")
    assert f.read_bytes() == before


def test_upload_refuses_results_over_its_input(simulator, tmp_path: Path) -> None:
    f = tmp_path / "in.csv"
    f.write_text("customer-id\n10000001\n")
    before = f.read_bytes()
    res = run_cli(simulator, "upload", str(f), "--campaign", "125", "--base-url",
                  simulator.base_url, "--results", str(f), "--journal", str(tmp_path / "j.sqlite"))
    assert res.exit_code == 2
    assert "error: --results must not name the input file" in res.output
    assert f.read_bytes() == before
    assert simulator.records(125) == {}


def test_results_under_a_file_is_one_sentence(simulator, tmp_path: Path) -> None:
    f = tmp_path / "in.csv"
    f.write_text("customer-id\n10000001\n")
    blocker = tmp_path / "blocker"
    blocker.write_text("")
    res = run_cli(simulator, "upload", str(f), "--campaign", "125", "--base-url",
                  simulator.base_url, "--results", str(blocker / "r.csv"), "--quiet",
                  "--journal", str(tmp_path / "j.sqlite"))
    assert res.exit_code == 2
    assert res.output == f"error: cannot write {blocker / 'r.csv'}: {blocker} is a file, not a folder\n"
    assert simulator.records(125) == {}  # refused before anything was sent
    # The same command with a usable path carries on with the same run, and sends it all.
    res = run_cli(simulator, "upload", str(f), "--campaign", "125", "--base-url",
                  simulator.base_url, "--results", str(tmp_path / "out" / "r.csv"), "--quiet",
                  "--journal", str(tmp_path / "j.sqlite"))
    assert res.exit_code == 0, res.output
    assert simulator.records(125) == {10000001: None}
    assert (tmp_path / "out" / "r.csv").read_text().splitlines()[1] == "2,10000001,,accepted,200,"


def test_upload_refuses_results_over_its_journal(simulator, tmp_path: Path) -> None:
    f = tmp_path / "in.csv"
    f.write_text("customer-id\n10000001\n")
    journal = tmp_path / "j.sqlite"
    res = run_cli(simulator, "upload", str(f), "--campaign", "125", "--base-url",
                  simulator.base_url, "--results", str(journal), "--journal", str(journal))
    assert res.exit_code == 2
    assert res.output == "error: --results must not name the journal: it would be overwritten\n"
    assert simulator.records(125) == {}
