"""A profile holds the whole nightly job: every key has a test that it reaches the run, flags
beat the environment which beats the profile, unknown keys and missing profiles are refused
with a sentence that helps, and the default config file follows XDG_CONFIG_HOME."""

from __future__ import annotations

import json
import math
import os
import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner, Result
from prometheus_client.parser import text_string_to_metric_families

from bulk_loader.cli import cli
from bulk_loader.profile_keys import KNOWN_KEYS
from tests.simulator_fixture import RunningSimulator
from tests.upload_support import read_csv, valid_rows, write_csv

ROWS = 20


def _toml(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return json.dumps(value)  # TOML's true/false, strings and lists read as JSON does
    return str(value)


def write_profile(path: Path, name: str, table: dict[str, Any]) -> Path:
    path.write_text(f"[{name}]\n" + "".join(f"{k} = {_toml(v)}\n" for k, v in table.items()),
                    encoding="utf-8")
    os.chmod(path, 0o600)
    return path


def base_profile(sim: RunningSimulator, tmp: Path) -> dict[str, Any]:
    return {"username": sim.config.username, "action_token": sim.config.action_token,
            "data_token": sim.config.data_token, "base_url": sim.base_url, "campaign": 125,
            "journal": str(tmp / "journal.sqlite")}


def run(tmp: Path, file: Path, table: dict[str, Any], *args: str,
        env: dict[str, str] | None = None) -> Result:
    cfg = write_profile(tmp / "config.toml", "nightly", table)
    full_env = {"BULK_LOADER_CONFIG": str(cfg), "BULK_LOADER_USERNAME": "",
                "BULK_LOADER_ACTION_TOKEN": "", "BULK_LOADER_DATA_TOKEN": "",
                "BULK_LOADER_JOURNAL": "", "BULK_LOADER_CHUNK_SIZE": "", **(env or {})}
    return CliRunner().invoke(cli, ["upload", str(file), "--profile", "nightly", "--json",
                                    "--quiet", *args], env=full_env, catch_exceptions=False)


def settings(journal: Path) -> dict[str, Any]:
    with sqlite3.connect(journal) as c:
        return json.loads(c.execute("SELECT settings FROM runs ORDER BY seq DESC").fetchone()[0])


def start_event(log: Path) -> dict[str, Any]:
    return json.loads(log.read_text().splitlines()[0])


def test_the_whole_job_comes_from_the_profile(simulator: RunningSimulator, tmp_path: Path) -> None:
    """username, action_token, data_token, base_url, campaign, journal: one line runs it."""
    f = write_csv(tmp_path / "c.csv", valid_rows(ROWS))
    r = run(tmp_path, f, base_profile(simulator, tmp_path))
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["counts"]["accepted"] == ROWS
    assert (tmp_path / "journal.sqlite").exists() and len(simulator.records(125)) == ROWS


def _naive_time() -> str:
    return (datetime.now(UTC) + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%S")


def _xlsx(path: Path) -> Path:
    book = openpyxl.Workbook()
    notes = book.active
    assert notes is not None
    notes.title = "Notes"
    notes.append(["nothing here"])
    sheet = book.create_sheet("Customers")
    sheet.append(["Customer ID"])
    for r in valid_rows(ROWS, scheduled_every=0):
        sheet.append([r[0]])
    book.save(path)
    return path


Check = Callable[[Path, Result], None]


def _accepted(n: int) -> Check:
    def check(tmp: Path, r: Result) -> None:
        assert r.exit_code == 0, r.output
        assert json.loads(r.stdout)["counts"]["accepted"] == n
    return check


def _setting(key: str, value: Any, reader: bool = False) -> Check:
    def check(tmp: Path, r: Result) -> None:
        assert r.exit_code == 0, r.output
        got = settings(tmp / "journal.sqlite")
        assert (got["reader"] if reader else got)[key] == value
    return check


def _logged(key: str, value: Any) -> Check:
    def check(tmp: Path, r: Result) -> None:
        assert r.exit_code == 0, r.output
        assert start_event(tmp / "run.log")[key] == value
    return check


def _exists(name: str, marker: str) -> Check:
    def check(tmp: Path, r: Result) -> None:
        assert r.exit_code == 0, r.output
        assert marker in (tmp / name).read_text()
    return check


def _results_in_dir(tmp: Path, r: Result) -> None:
    s = json.loads(r.stdout)
    assert s["results"] == str(tmp / "out" / f"{s['run_id']}.results.csv")
    assert Path(s["results"]).exists()


def _requests(n: int) -> Check:
    def check(tmp: Path, r: Result) -> None:
        assert r.exit_code == 0, r.output
        assert json.loads(r.stdout)["http"]["requests"] == n
    return check


def _scheduled(tmp: Path, r: Result) -> None:
    assert r.exit_code == 0, r.output
    lines = read_csv(Path(json.loads(r.stdout)["results"]))[1:]
    assert len(lines) == ROWS and all(line[2] for line in lines)


def _metrics(tmp: Path, r: Result) -> None:
    names = {f.name for f in text_string_to_metric_families((tmp / "m.prom").read_text())}
    assert "bulk_loader_exit_code" in names


# key -> (value, extra flags, file maker, check); each key's effect is seen in the run.
CASES: dict[str, tuple[Any, list[str], str, Check]] = {
    "platform": ("na12", ["--dry-run", "--no-preflight", "--log-file", "{tmp}/run.log"], "csv",
                 _logged("endpoint", "https://vcc-na12.8x8.com")),
    "timezone": ("Europe/London", ["--no-preflight"], "naive", _accepted(ROWS)),
    "id_column": ("Ref", [], "odd", _accepted(ROWS)),
    "schedule_column": ("Call at", ["--id-column", "Ref"], "odd-scheduled", _scheduled),
    "sheet": ("Customers", [], "xlsx", _accepted(ROWS)),
    "encoding": ("cp1252", [], "csv", _setting("encoding", "cp1252", reader=True)),
    "delimiter": (";", [], "semicolon", _setting("delimiter", ";", reader=True)),
    "chunk_size": (7, ["--no-preflight"], "csv", _requests(math.ceil(ROWS / 7))),
    "concurrency": (3, [], "csv", _setting("concurrency", 3)),
    "results_dir": ("{tmp}/out", [], "csv", _results_in_dir),
    "retry_for": ("15m", ["--log-file", "{tmp}/run.log"], "csv",
                  _logged("retry_for_seconds", 900.0)),
    "max_rate": (50, ["--log-file", "{tmp}/run.log"], "csv", _logged("max_rate", 50.0)),
    "metrics_file": ("{tmp}/m.prom", [], "csv", _metrics),
    "log_file": ("{tmp}/run.log", [], "csv", _exists("run.log", '"event":"end"')),
    "trace_http": ("{tmp}/trace.jsonl", [], "csv", _exists("trace.jsonl", '"method":"POST"')),
    "date_formats": (["%d/%m/%Y %H:%M"], [], "dmy", _scheduled),
    "timezone_column": ("Zone", ["--no-preflight"], "zoned", _accepted(ROWS)),
    "no_schedule": (True, [], "dated", _accepted(ROWS)),
    "skip_known": (True, [], "csv", _setting("skip_known", True)),
    "timeout": (5, ["--log-file", "{tmp}/run.log"], "csv", _logged("timeout_seconds", 5.0)),
}


def _file(kind: str, tmp: Path) -> Path:
    rows = valid_rows(ROWS, scheduled_every=0)
    if kind == "naive":
        return write_csv(tmp / "c.csv", [[r[0], _naive_time()] for r in rows],
                         ["Customer ID", "Schedule Date Time"])
    if kind == "odd":
        return write_csv(tmp / "c.csv", [[r[0], "x"] for r in rows], ["Ref", "Note"])
    if kind == "odd-scheduled":
        when = (datetime.now(UTC) + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
        return write_csv(tmp / "c.csv", [[r[0], when] for r in rows], ["Ref", "Call at"])
    if kind == "dmy":
        when = (datetime.now(UTC) + timedelta(days=1)).strftime("%d/%m/%Y %H:%M")
        return write_csv(tmp / "c.csv", [[r[0], when] for r in rows],
                         ["Customer ID", "Schedule Date Time"])
    if kind == "zoned":
        return write_csv(tmp / "c.csv", [[r[0], _naive_time(), "Europe/London"] for r in rows],
                         ["Customer ID", "Schedule Date Time", "Zone"])
    if kind == "dated":  # dates, but no schedule column: --no-schedule confirms that
        return write_csv(tmp / "c.csv", [[r[0], "2026-11-01"] for r in rows],
                         ["Customer ID", "Last order"])
    if kind == "xlsx":
        return _xlsx(tmp / "c.xlsx")
    if kind == "semicolon":
        path = tmp / "c.csv"
        path.write_text("Customer ID;Name\n" + "".join(f"{r[0]};n\n" for r in rows))
        return path
    return write_csv(tmp / "c.csv", rows)


def test_every_job_key_is_covered_here() -> None:
    credentials_and_base = {"username", "action_token", "data_token", "base_url", "campaign",
                            "journal",
                            # the v1 API's keys: tests/test_cli_backend.py shows each at work
                            "api", "site", "api_key", "tenant"}
    assert set(CASES) | credentials_and_base == KNOWN_KEYS


@pytest.mark.parametrize("key", sorted(CASES))
def test_each_profile_key_reaches_the_run(simulator: RunningSimulator, tmp_path: Path,
                                          key: str) -> None:
    value, flags, kind, check = CASES[key]
    table = base_profile(simulator, tmp_path)
    if key == "platform":
        del table["base_url"]
    table[key] = value.format(tmp=tmp_path) if isinstance(value, str) else value
    f = _file(kind, tmp_path)
    check(tmp_path, run(tmp_path, f, table, *(x.format(tmp=tmp_path) for x in flags)))


@pytest.mark.parametrize("key", ["timezone", "id_column", "schedule_column", "sheet",
                                 "chunk_size", "platform", "date_formats", "timezone_column",
                                 "no_schedule", "skip_known", "timeout"])
def test_without_the_key_the_same_run_turns_out_otherwise(simulator: RunningSimulator,
                                                          tmp_path: Path, key: str) -> None:
    """The checks above can fail: the same run with the key left out does not pass them."""
    _, flags, kind, check = CASES[key]
    table = base_profile(simulator, tmp_path)
    f = _file(kind, tmp_path)
    r = run(tmp_path, f, table, *(x.format(tmp=tmp_path) for x in flags), "--new-run")
    with pytest.raises(AssertionError):
        check(tmp_path, r)


def test_flags_beat_the_environment_which_beats_the_profile(simulator: RunningSimulator,
                                                            tmp_path: Path) -> None:
    f = write_csv(tmp_path / "c.csv", valid_rows(ROWS))
    table = {**base_profile(simulator, tmp_path), "chunk_size": 7}
    env = {"BULK_LOADER_CHUNK_SIZE": "5"}
    by_flag = run(tmp_path, f, table, "--no-preflight", "--chunk-size", "3", env=env)
    by_env = run(tmp_path, f, table, "--no-preflight", "--new-run", env=env)
    by_profile = run(tmp_path, f, table, "--no-preflight", "--new-run")
    got = [json.loads(r.stdout)["http"]["requests"] for r in (by_flag, by_env, by_profile)]
    assert got == [math.ceil(ROWS / 3), math.ceil(ROWS / 5), math.ceil(ROWS / 7)]


def test_a_base_url_flag_hides_the_profiles_platform(simulator: RunningSimulator,
                                                      tmp_path: Path) -> None:
    f = write_csv(tmp_path / "c.csv", valid_rows(ROWS))
    table = {**base_profile(simulator, tmp_path), "platform": "na12"}
    del table["base_url"]
    r = run(tmp_path, f, table, "--base-url", simulator.base_url)
    assert r.exit_code == 0, r.output


def test_a_bad_value_in_the_profile_is_named_with_where_it_came_from(
        simulator: RunningSimulator, tmp_path: Path) -> None:
    f = write_csv(tmp_path / "c.csv", valid_rows(ROWS))
    r = run(tmp_path, f, {**base_profile(simulator, tmp_path), "chunk_size": 0})
    assert r.exit_code == 2
    assert r.stderr == (f"error: chunk_size in profile [nightly] of {tmp_path / 'config.toml'}: "
                        "0 is not in the range 1<=x<=100000. (got 0)\n")
    assert simulator.records(125) == {}


def test_an_unknown_key_is_refused_naming_it(simulator: RunningSimulator, tmp_path: Path) -> None:
    f = write_csv(tmp_path / "c.csv", valid_rows(ROWS))
    r = run(tmp_path, f, {**base_profile(simulator, tmp_path), "chunksize": 10})
    assert r.exit_code == 2
    assert r.stderr.startswith(f"error: config file {tmp_path / 'config.toml'}: [nightly] has an "
                               "unknown key 'chunksize'; known keys: action_token, api, api_key, base_url, ")
    assert simulator.records(125) == {}


def test_a_missing_profile_lists_those_that_exist(simulator: RunningSimulator,
                                                  tmp_path: Path) -> None:
    cfg = tmp_path / "config.toml"
    cfg.write_text('[nightly]\ncampaign = 125\n[weekly]\ncampaign = 126\n')
    os.chmod(cfg, 0o600)
    f = write_csv(tmp_path / "c.csv", valid_rows(ROWS))
    r = CliRunner().invoke(cli, ["upload", str(f), "--profile", "nighlty"],
                           env={"BULK_LOADER_CONFIG": str(cfg)})
    assert r.exit_code == 2
    assert r.stderr == (f"error: profile [nighlty] not found in {cfg}; it holds [nightly], "
                        "[weekly]\n")


def test_the_default_config_file_follows_xdg_config_home(simulator: RunningSimulator,
                                                         tmp_path: Path) -> None:
    folder = tmp_path / "xdg" / "bulk-loader"
    folder.mkdir(parents=True)
    write_profile(folder / "config.toml", "nightly", base_profile(simulator, tmp_path))
    f = write_csv(tmp_path / "c.csv", valid_rows(ROWS))
    env = {"XDG_CONFIG_HOME": str(tmp_path / "xdg"), "BULK_LOADER_CONFIG": "",
           "BULK_LOADER_USERNAME": "", "BULK_LOADER_ACTION_TOKEN": "",
           "BULK_LOADER_DATA_TOKEN": "", "BULK_LOADER_JOURNAL": ""}
    r = CliRunner().invoke(cli, ["upload", str(f), "--profile", "nightly", "--quiet", "--json"],
                           env=env)
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["counts"]["accepted"] == ROWS


def test_other_commands_take_where_from_the_profile_but_not_how(simulator: RunningSimulator,
                                                                tmp_path: Path) -> None:
    """campaign, records and delete read campaign, endpoint and journal from the profile."""
    table = {**base_profile(simulator, tmp_path), "concurrency": 3}
    cfg = write_profile(tmp_path / "config.toml", "nightly", table)
    env = {"BULK_LOADER_CONFIG": str(cfg), "BULK_LOADER_USERNAME": "",
           "BULK_LOADER_ACTION_TOKEN": "", "BULK_LOADER_DATA_TOKEN": "", "BULK_LOADER_JOURNAL": ""}
    shown = CliRunner().invoke(cli, ["campaign", "--profile", "nightly", "--json"], env=env)
    assert shown.exit_code == 0, shown.output
    assert json.loads(shown.stdout)["campaign-id"] == 125
    f = write_csv(tmp_path / "c.csv", valid_rows(ROWS))
    assert run(tmp_path, f, table).exit_code == 0
    listed = CliRunner().invoke(cli, ["records", "--profile", "nightly"], env=env)
    assert listed.exit_code == 0 and listed.stdout.startswith(f"Campaign 125: {ROWS} records")
    gone = CliRunner().invoke(cli, ["delete", str(f), "--profile", "nightly", "--yes", "--json",
                                    "--quiet"], env=env)
    assert gone.exit_code == 0, gone.output
    assert json.loads(gone.stdout)["counts"]["deleted"] == ROWS
    assert simulator.records(125) == {}
    assert settings(tmp_path / "journal.sqlite")["concurrency"] == 8  # delete's own default


def test_a_date_format_from_the_environment_is_one_format(simulator: RunningSimulator,
                                                          tmp_path: Path) -> None:
    f = _file("dmy", tmp_path)
    r = run(tmp_path, f, base_profile(simulator, tmp_path),
            env={"BULK_LOADER_DATE_FORMATS": "%d/%m/%Y %H:%M"})
    _scheduled(tmp_path, r)
