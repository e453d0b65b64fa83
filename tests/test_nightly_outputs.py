"""What a nightly job leaves for monitoring: the metrics file (read back with the Prometheus
client's own parser), the JSON log (every line parses, no token in any) and the HTTP trace (no
Authorization, no bodies unless asked)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from prometheus_client.parser import text_string_to_metric_families

from bulk_loader.spec import ADD_PATH
from tests.simulator_fixture import RunningSimulator, running_simulator
from tests.upload_support import env_for, free_port, upload, valid_rows, write_csv

TOKENS = ("demo-action", "demo-data")


def metrics(path: Path) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    out = {}
    for family in text_string_to_metric_families(path.read_text(encoding="utf-8")):
        for s in family.samples:
            out[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return out


def _labels(**extra: str) -> tuple[tuple[str, str], ...]:
    return tuple(sorted({"campaign": "125", "profile": "", **extra}.items()))


def test_metrics_file_parses_back_with_counts_exit_code_and_last_success(
        simulator: RunningSimulator, tmp_path: Path) -> None:
    rows = valid_rows(25) + [["bad-id", "", "x"]]
    f = write_csv(tmp_path / "c.csv", rows)
    prom = tmp_path / "bulk_loader.prom"
    r = upload(simulator, f, tmp_path / "j.sqlite", "--metrics-file", str(prom), "--json")
    assert r.exit_code == 1, r.output
    m = metrics(prom)
    assert m[("bulk_loader_records", _labels(outcome="accepted"))] == 25
    assert m[("bulk_loader_records", _labels(outcome="invalid"))] == 1
    assert m[("bulk_loader_records", _labels(outcome="pending"))] == 0
    assert m[("bulk_loader_records_sent_this_time", _labels())] == 25
    assert m[("bulk_loader_exit_code", _labels())] == 1
    assert m[("bulk_loader_wall_seconds", _labels())] > 0
    assert m[("bulk_loader_last_success_timestamp_seconds", _labels())] == m[
        ("bulk_loader_last_run_timestamp_seconds", _labels())]
    assert not list(tmp_path.glob("*.tmp*")), "the atomic write left its temporary file"


def test_a_stop_writes_metrics_and_keeps_the_last_success(tmp_path: Path) -> None:
    prom = tmp_path / "m.prom"
    with running_simulator() as sim:
        good = upload(sim, write_csv(tmp_path / "a.csv", valid_rows(5)), tmp_path / "j.sqlite",
                      "--metrics-file", str(prom))
        assert good.exit_code == 0
        success = metrics(prom)[("bulk_loader_last_success_timestamp_seconds", _labels())]
        env = env_for(sim)
    dead = upload_dead(tmp_path, env, "--metrics-file", str(prom))
    assert dead.exit_code == 3
    m = metrics(prom)
    assert m[("bulk_loader_exit_code", _labels())] == 3
    assert m[("bulk_loader_last_success_timestamp_seconds", _labels())] == success
    assert m[("bulk_loader_last_run_timestamp_seconds", _labels())] >= success


def upload_dead(tmp: Path, env: dict[str, str], *args: str) -> Any:
    from click.testing import CliRunner

    from bulk_loader.cli import cli

    f = write_csv(tmp / "b.csv", valid_rows(5, start=11_000_000))
    return CliRunner().invoke(cli, ["upload", str(f), "--campaign", "125", "--base-url",
                                    f"http://127.0.0.1:{free_port()}", "--journal",
                                    str(tmp / "j.sqlite"), "--quiet", "--json", *args],
                              env=env, catch_exceptions=False)


def test_json_log_has_one_parsable_event_per_line_and_no_token(tmp_path: Path) -> None:
    log = tmp_path / "run.log"
    rows = valid_rows(200)
    with running_simulator(fault_rate=0.3, fault_kinds=("429", "500"), retry_after_s=0,
                           seed=3) as sim:
        r = upload(sim, write_csv(tmp_path / "c.csv", rows), tmp_path / "j.sqlite",
                   "--chunk-size", "10", "--log-file", str(log))
        assert r.exit_code in (0, 1), r.output
        env = env_for(sim)
    assert upload_dead(tmp_path, env, "--log-file", str(log), "--no-preflight").exit_code == 3
    text = log.read_text(encoding="utf-8")
    events = [json.loads(line) for line in text.splitlines()]
    kinds = [e["event"] for e in events]
    assert kinds[:2] == ["start", "preflight"] and kinds.count("end") == 2
    assert "throttled" in kinds and "retry" in kinds
    assert sum(e["count"] for e in events if e["event"] in ("retry", "throttled")) >= len(
        [k for k in kinds if k in ("retry", "throttled")])
    stop = next(e for e in events if e["event"] == "stop")
    assert stop["exit_code"] == 3 and stop["reason"].startswith("stopped: the server did not")
    assert all(e["time"].endswith("Z") for e in events)
    assert not any(token in text for token in TOKENS)


def test_http_trace_has_no_authorization_and_bodies_only_when_asked(
        simulator: RunningSimulator, tmp_path: Path) -> None:
    f = write_csv(tmp_path / "c.csv", valid_rows(30))
    trace = tmp_path / "trace.jsonl"
    r = upload(simulator, f, tmp_path / "j.sqlite", "--chunk-size", "10", "--trace-http",
               str(trace))
    assert r.exit_code == 0, r.output
    text = trace.read_text(encoding="utf-8")
    lines = [json.loads(x) for x in text.splitlines()]
    assert [(x["method"], x["status"], x["attempt"]) for x in lines] == [
        ("GET", 200, 1), ("POST", 207, 1), ("POST", 207, 1), ("POST", 207, 1)]
    assert lines[1]["path"] == ADD_PATH.format(campaign_id=125)
    assert all(set(x) == {"time", "method", "path", "status", "attempt", "ms"} for x in lines)
    assert "Authorization" not in text and "Basic " not in text
    assert not any(token in text for token in TOKENS)
    assert "10000000" not in text  # no customer id without --trace-bodies
    bodies = tmp_path / "bodies.jsonl"
    r = upload(simulator, f, tmp_path / "j2.sqlite", "--chunk-size", "10", "--trace-http",
               str(bodies), "--trace-bodies", "--new-run")
    posts = [json.loads(x) for x in bodies.read_text().splitlines() if '"POST"' in x]
    assert "10000000" in posts[0]["request_body"] and posts[0]["response_body"]
    assert not any(token in bodies.read_text() for token in TOKENS)


def test_trace_counts_attempts_of_a_retried_request(tmp_path: Path) -> None:
    trace = tmp_path / "trace.jsonl"
    with running_simulator(fault_rate=0.5, fault_kinds=("503",), retry_after_s=0, seed=1) as sim:
        r = upload(sim, write_csv(tmp_path / "c.csv", valid_rows(40)), tmp_path / "j.sqlite",
                   "--chunk-size", "10", "--concurrency", "1", "--no-preflight",
                   "--trace-http", str(trace))
    assert r.exit_code == 0, r.output
    lines = [json.loads(x) for x in trace.read_text().splitlines()]
    statuses = [(x["status"], x["attempt"]) for x in lines]
    assert (503, 1) in statuses and any(a > 1 for s, a in statuses if s == 207)
    # Each success follows its own failed attempts, counted 1, 2, ... in a row.
    expected = 1
    for status, attempt in statuses:
        assert attempt == expected
        expected = 1 if status == 207 else expected + 1
