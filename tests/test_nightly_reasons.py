"""Every stop and every error writes its one-sentence reason on stderr under --quiet --json
(a nightly job mails stderr), while stdout keeps one JSON object; and what the summary says
about the night: timestamps, version, an empty delta, an honest reprint."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from bulk_loader.cli import cli
from tests.simulator_fixture import RunningSimulator, running_simulator
from tests.upload_support import env_for, free_port, upload, valid_rows, write_csv

RESUME = "run the same command again to resume."


def _run(argv: list[str], env: dict[str, str]) -> tuple[int, str, str]:
    r = CliRunner().invoke(cli, argv, env=env, catch_exceptions=False)
    return r.exit_code, r.stdout, r.stderr


def _one_reason(code: int, out: str, err: str, want_code: int, starts: str) -> None:
    assert code == want_code, (out, err)
    assert err.count("\n") == 1 and err.startswith(starts), err
    json.loads(out)  # stdout is still one JSON object


@pytest.mark.parametrize(("case", "code", "starts"), [
    ("no campaign", 2, "error: give --campaign ID"),
    ("0-byte file", 2, "error: "),
    ("bad token", 3, "error: the data token was refused (HTTP 401)"),
    ("unknown campaign", 4, "error: campaign 999 was not found (HTTP 404)"),
    ("static campaign", 4, 'error: campaign 127 ("Demo Static List") is not a dynamic campaign'),
    ("dead preflight", 3, "error: cannot connect to 127.0.0.1:"),
    ("dead server mid-run", 3, "error: stopped: the server did not answer"),
    ("refused mid-run", 3, "error: stopped: the action token was refused"),
    ("unknown profile key", 2, "error: config file "),
    ("bad retry-for", 2, "error: --retry-for must be a duration such as 15m"),
    ("metrics folder missing", 2, "error: --metrics-file "),
])
def test_every_stop_has_one_reason_on_stderr_under_quiet_json(
        simulator: RunningSimulator, tmp_path: Path, case: str, code: int, starts: str) -> None:
    f = write_csv(tmp_path / "c.csv", valid_rows(20))
    env = env_for(simulator)
    base = ["upload", str(f), "--base-url", simulator.base_url, "--journal",
            str(tmp_path / "j.sqlite"), "--quiet", "--json"]
    campaign = ["--campaign", "125"]
    if case == "no campaign":
        campaign = []
    elif case == "0-byte file":
        (tmp_path / "c.csv").write_bytes(b"")
    elif case == "bad token":
        env = env_for(simulator, BULK_LOADER_DATA_TOKEN="wrong")
    elif case == "unknown campaign":
        campaign = ["--campaign", "999"]
    elif case == "static campaign":
        campaign = ["--campaign", "127"]
    elif case in ("dead preflight", "dead server mid-run"):
        base[3] = f"http://127.0.0.1:{free_port()}"
        if case == "dead server mid-run":
            base.append("--no-preflight")
    elif case == "refused mid-run":
        env = env_for(simulator, BULK_LOADER_ACTION_TOKEN="wrong")
    elif case == "bad retry-for":
        base += ["--retry-for", "soon"]
    elif case == "metrics folder missing":
        base += ["--metrics-file", str(tmp_path / "nowhere" / "m.prom")]
    elif case == "unknown profile key":
        cfg = tmp_path / "c.toml"
        cfg.write_text('[nightly]\nchunksize = 10\n')
        os.chmod(cfg, 0o600)
        base += ["--config", str(cfg), "--profile", "nightly"]
    _one_reason(*_run(base + campaign, env), code, starts)


def test_zero_byte_file_stays_an_input_error(simulator: RunningSimulator, tmp_path: Path) -> None:
    f = tmp_path / "empty.csv"
    f.write_bytes(b"")
    r = upload(simulator, f, tmp_path / "j.sqlite", "--json")
    assert r.exit_code == 2
    assert json.loads(r.stdout)["exit_code"] == 2
    assert simulator.records(125) == {}


def test_header_only_file_is_a_clean_night_every_night(simulator: RunningSimulator,
                                                       tmp_path: Path) -> None:
    journal = tmp_path / "j.sqlite"
    first = upload(simulator, write_csv(tmp_path / "d1.csv", []), journal, "--json")
    again = upload(simulator, write_csv(tmp_path / "d2.csv", []), journal, "--json")
    assert (first.exit_code, first.stderr, again.exit_code, again.stderr) == (0, "", 0, "")
    s1, s2 = json.loads(first.stdout), json.loads(again.stdout)
    assert s1["note"] == "nothing to send: d1.csv has a header and no rows"
    assert s2["note"].startswith(f"nothing to send: d2.csv has a header and no rows (as run "
                                 f"{s1['run_id']} found on ")
    assert s1["sent_this_time"] == s2["sent_this_time"] == 0


def test_summary_has_timestamps_and_version_and_a_reprint_says_nothing_was_sent(
        simulator: RunningSimulator, tmp_path: Path) -> None:
    from bulk_loader import __version__

    rows = valid_rows(30)
    f = write_csv(tmp_path / "c.csv", rows)
    journal = tmp_path / "j.sqlite"
    first = json.loads(upload(simulator, f, journal, "--json").stdout)
    assert first["version"] == __version__
    assert first["started_at"] <= first["finished_at"]
    assert first["finished_at"].endswith("Z") and len(first["finished_at"]) == 20
    assert (first["sent_this_time"], first["already_finished"]) == (30, False)
    r = upload(simulator, f, journal, "--json")
    again = json.loads(r.stdout)
    assert r.exit_code == 0 and r.stderr == ""
    assert (again["sent_this_time"], again["already_finished"]) == (0, True)
    assert again["run_id"] == first["run_id"] and "already_sent_as" not in again
    assert again["note"].startswith(f"run {first['run_id']} already finished on ")


def test_same_bytes_under_another_name_name_the_run_that_sent_them(
        simulator: RunningSimulator, tmp_path: Path) -> None:
    rows = valid_rows(10)
    monday = write_csv(tmp_path / "customers-2026-11-23.csv", rows)
    tuesday = tmp_path / "customers-2026-11-24.csv"
    tuesday.write_bytes(monday.read_bytes())
    journal = tmp_path / "j.sqlite"
    first = json.loads(upload(simulator, monday, journal, "--json").stdout)
    r = upload(simulator, tuesday, journal, "--json")
    again = json.loads(r.stdout)
    assert again["sent_this_time"] == 0 and again["already_finished"] is True
    assert again["already_sent_as"]["run_id"] == first["run_id"]
    assert again["already_sent_as"]["file"] == str(monday.resolve())
    assert again["already_sent_as"]["finished_at"]
    assert again["note"].startswith(f"customers-2026-11-24.csv holds the same bytes as "
                                    f"{monday.resolve()}, which run {first['run_id']} sent on ")


def test_a_stop_in_text_mode_says_why_on_stderr_and_not_twice(tmp_path: Path) -> None:
    f = write_csv(tmp_path / "c.csv", valid_rows(20))
    with running_simulator() as sim:
        env = env_for(sim)
    code, out, err = _run(["upload", str(f), "--campaign", "125", "--base-url",
                           f"http://127.0.0.1:{free_port()}", "--no-preflight", "--journal",
                           str(tmp_path / "j.sqlite"), "--quiet"], env)
    assert code == 3
    assert err.startswith("error: stopped: the server did not answer") and err.endswith(
        RESUME + "\n") and err.count("\n") == 1
    assert "did not answer" not in out
