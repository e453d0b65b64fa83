"""A hostile server, one misbehaviour per test, through the real CLI in a subprocess.

Each test asserts the exit code, the one-line reason on stderr, what reached which host, and
(for the flood) the child's peak memory from wait4. Hangs are bounded with a short --timeout,
never with a wall-clock assertion.
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import sys
from pathlib import Path

import orjson
from aiohttp import web

from tests.hostile_server import hostile
from tests.measured import run_measured
from tests.upload_support import spawn, valid_rows, write_csv

ENV = {"BULK_LOADER_USERNAME": "demo", "BULK_LOADER_ACTION_TOKEN": "a-token",
       "BULK_LOADER_DATA_TOKEN": "d-token", "BULK_LOADER_CONFIG": "/nonexistent/x.toml"}


def run_cli(*argv: str) -> tuple[int, str, str, int]:
    """(exit code, stdout, stderr, peak RSS in KB) of `bulk-loader argv` in a child process."""
    return run_measured(list(argv), ENV)


def upload_args(base_url: str, tmp_path: Path, *extra: str) -> list[str]:
    f = write_csv(tmp_path / "c.csv", valid_rows(3, scheduled_every=0))
    return ["upload", str(f), "--campaign", "125", "--base-url", base_url, "--journal",
            str(tmp_path / "j.sqlite"), "--no-preflight", "--quiet", *extra]


def test_a_redirect_is_not_followed_and_names_its_location(tmp_path: Path) -> None:
    async def elsewhere(request: web.Request) -> web.Response:
        return web.json_response([], status=207)

    with hostile(elsewhere) as other:
        async def redirect(request: web.Request) -> web.Response:
            raise web.HTTPTemporaryRedirect(other.base_url + request.path)

        with hostile(redirect) as api:
            code, out, err, _ = run_cli(*upload_args(api.base_url, tmp_path))
    assert code == 3
    assert f"the server redirected a request of 3 records (HTTP 307) to {other.base_url}/" in err
    assert "API calls never follow redirects" in err
    assert api.requests == ["POST /api/tstats/campaigns/125/customers"]
    assert other.requests == []  # no customer id left for the host nobody configured


def test_retry_after_of_a_day_stops_at_once_and_says_so(tmp_path: Path) -> None:
    async def throttle(request: web.Request) -> web.Response:
        return web.json_response({"message": "slow down"}, status=429,
                                 headers={"Retry-After": "86400"})

    with hostile(throttle) as api:
        code, out, err, _ = run_cli(*upload_args(api.base_url, tmp_path, "--json"))
    assert code == 3
    summary = orjson.loads(out)
    counts = summary["counts"]
    assert summary["state"] == "stopped" and counts["accepted"] == 0
    assert counts["pending"] + counts.get("in_flight", 0) == 3  # kept to send on a re-run
    assert ("the server asked to wait 86,400 s before trying again (Retry-After), more than the "
            "120 s this tool waits; try again later") in summary["message"]
    assert len(api.requests) == 1


def test_a_hung_server_is_bounded_by_timeout(tmp_path: Path) -> None:
    async def hang(request: web.Request) -> web.Response:
        await asyncio.sleep(3600)
        raise AssertionError("unreachable")

    with hostile(hang) as api:
        code, out, err, _ = run_cli("campaign", "--campaign", "125", "--base-url", api.base_url,
                                    "--timeout", "0.2")
    assert code == 3
    assert err.startswith("error: no answer to the status of campaign 125 within 0.2 s")
    assert err.count("\n") == 1
    assert len(api.requests) == 6  # every attempt of the retry policy, each cut at 0.2 s


def test_a_huge_answer_is_refused_past_64_mb_in_bounded_memory(tmp_path: Path) -> None:
    sent = [0]

    async def flood(request: web.Request) -> web.StreamResponse:
        resp = web.StreamResponse(status=207, headers={"Content-Type": "application/json"})
        await resp.prepare(request)
        piece = b" " * (1 << 20)
        try:
            await resp.write(b"[")
            for _ in range(1024):  # 1 GiB unless the client hangs up
                await resp.write(piece)
                sent[0] += 1
        except (ConnectionError, RuntimeError):
            pass
        return resp

    with hostile(flood) as api:
        code, out, err, peak_kb = run_cli(*upload_args(api.base_url, tmp_path))
    assert code == 3
    assert ("the answer to a request of 3 records is larger than 64 MB, the most this tool "
            "reads for it") in err
    assert len(api.requests) == 1 and sent[0] < 1024
    assert peak_kb < 400 * 1024  # reading 1 GiB whole took 2.17 GB


def test_control_characters_from_the_server_are_escaped(tmp_path: Path) -> None:
    evil = "bad\x1b]0;owned\x07 id\r\nFAKE: all accepted\x9b2J"

    async def refuse(request: web.Request) -> web.Response:
        return web.json_response({"message": evil}, status=400)

    with hostile(refuse) as api:
        code, out, err, _ = run_cli(*upload_args(api.base_url, tmp_path)[:-1])
    assert code == 1
    for text in (out, err):
        assert not any(ord(c) < 32 and c != "\n" or 0x7f <= ord(c) <= 0x9f for c in text)
    # CR/LF became a space (no forged line), ESC, BEL and CSI are shown as escapes.
    assert "bad\\x1b]0;owned\\x07 id FAKE: all accepted\\x9b2J" in out


def test_a_long_wait_is_announced_and_ctrl_c_cuts_it(tmp_path: Path) -> None:
    async def throttle(request: web.Request) -> web.Response:
        return web.json_response({"message": "busy"}, status=429, headers={"Retry-After": "100"})

    with hostile(throttle) as api:
        argv = upload_args(api.base_url, tmp_path, "--json")
        argv.remove("--quiet")
        proc = spawn([sys.executable, "-m", "bulk_loader", *argv], ENV)
        assert proc.stderr is not None
        line = ""
        while "waiting" not in line:
            line = proc.stderr.readline()
            assert line, "the child ended before announcing its wait"
        os.kill(proc.pid, signal.SIGINT)
        out, err = proc.communicate(timeout=60)  # a bound on a hang, far below the 100 s wait
    assert re.fullmatch(r"waiting 100 s, until \d\d:\d\d:\d\d UTC, as the server asked "
                        r"\(Retry-After\) after: the server answered HTTP 429 \(busy\)\n", line)
    assert proc.returncode == 130
    summary = orjson.loads(out)
    assert summary["state"] == "interrupted" and summary["counts"]["accepted"] == 0
    assert len(api.requests) == 1


def test_a_redirect_stops_the_status_and_the_records_view_too(tmp_path: Path) -> None:
    async def redirect(request: web.Request) -> web.Response:
        raise web.HTTPMovedPermanently("https://elsewhere.example/x")

    with hostile(redirect) as api:
        status = run_cli("campaign", "--campaign", "125", "--base-url", api.base_url)
        view = run_cli("records", "--campaign", "125", "--base-url", api.base_url)
    assert status[0] == 3 and status[2] == (
        "error: the server redirected the status of campaign 125 (HTTP 301) to "
        "https://elsewhere.example/x; API calls never follow redirects: check --base-url or "
        "--platform\n")
    assert view[0] == 3 and view[2] == (
        "error: the server redirected the records of campaign 125 (HTTP 301) to "
        "https://elsewhere.example/x; API calls never follow redirects: check --base-url or "
        "--platform\n")
    assert len(api.requests) == 2  # one each: a redirect is not retried


def test_an_answer_with_millions_of_entries_is_refused_before_parsing(tmp_path: Path) -> None:
    body = b"[" + b"{}," * 20_000_000 + b"{}]"  # 60 MB: under the size cap, 1.3 GB parsed

    async def swamp(request: web.Request) -> web.Response:
        return web.Response(body=body, status=207, content_type="application/json")

    with hostile(swamp) as api:
        code, out, err, peak_kb = run_cli(*upload_args(api.base_url, tmp_path))
    assert code == 3
    assert ("the answer to a request of 3 records holds far more entries than the 3 records "
            "sent") in err
    assert len(api.requests) == 1
    assert peak_kb < 400 * 1024


def test_a_campaign_status_answer_is_capped_at_1_mb(tmp_path: Path) -> None:
    async def bloated(request: web.Request) -> web.Response:
        return web.json_response({"name": "x" * (2 << 20)})

    with hostile(bloated) as api:
        code, out, err, _ = run_cli("campaign", "--campaign", "125", "--base-url", api.base_url)
    assert code == 3
    assert err == ("error: the answer to the status of campaign 125 is larger than 1 MB, the "
                   "most this tool reads for it; the server is not answering as the API "
                   "promises\n")
    assert len(api.requests) == 1


def test_a_v1_answer_that_echoes_the_api_key_leaves_it_out_of_every_output(
        tmp_path: Path) -> None:
    from click.testing import CliRunner

    from bulk_loader.cli import cli

    key = "eght_echoed_secret_9f3k"

    async def echo(request: web.Request) -> web.Response:
        detail = f"key {request.headers.get('X-API-Key')} is not valid"
        return web.json_response({"title": "Unauthorized", "status": 401, "detail": detail},
                                 status=401, content_type="application/problem+json")

    f = write_csv(tmp_path / "c.csv", [["c-1"], ["c-2"]], ["Customer ID"])
    journal, log = tmp_path / "j.sqlite", tmp_path / "run.log"
    with hostile(echo) as server:
        result = CliRunner().invoke(cli, [
            "upload", str(f), "--api", "campaigns-v1", "--site", "US1", "--base-url",
            server.base_url, "--campaign", "7c9e6679-7425-40de-944b-e07fc1f90ae7", "--journal",
            str(journal), "--log-file", str(log), "--json", "--quiet"],
            env={"BULK_LOADER_API_KEY": key, "BULK_LOADER_TENANT": "acme",
                 "BULK_LOADER_CONFIG": "/nonexistent/x.toml"})
    assert result.exit_code == 3, result.output
    assert "the API key was refused (HTTP 401: Unauthorized: key [the API key] is not valid)" \
        in result.stderr
    written = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert journal in written and log in written
    assert key not in result.output
    assert all(key.encode() not in p.read_bytes() for p in written)


def test_a_legacy_answer_that_echoes_a_token_leaves_it_out_of_every_output(
        tmp_path: Path) -> None:
    token = ENV["BULK_LOADER_ACTION_TOKEN"]

    async def echo(request: web.Request) -> web.Response:
        sent = request.headers.get("Authorization", "")
        # A refusal of the whole request, split down to each record: every reason echoes.
        return web.json_response({"message": f"credentials {sent} and {token} are not valid"},
                                 status=400)

    journal, log = tmp_path / "j.sqlite", tmp_path / "run.log"
    with hostile(echo) as api:
        code, out, err, _ = run_cli(*upload_args(api.base_url, tmp_path, "--json",
                                                 "--log-file", str(log)))
    assert code == 1, err
    written = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert journal in written and log in written
    assert any(b"[a token]" in p.read_bytes() for p in written if p.suffix == ".csv")
    sent = b"ZGVtbzphLXRva2Vu"  # base64 of demo:a-token: the Basic credential as sent
    assert all(token.encode() not in p.read_bytes() and sent not in p.read_bytes()
               for p in written)
    assert token not in out + err


def test_a_v1_redirect_is_not_followed_so_the_api_key_goes_nowhere_else(tmp_path: Path) -> None:
    async def elsewhere(request: web.Request) -> web.Response:
        return web.json_response({}, status=200)

    with hostile(elsewhere) as other:
        async def redirect(request: web.Request) -> web.Response:
            raise web.HTTPTemporaryRedirect(other.base_url + request.path)

        f = write_csv(tmp_path / "c.csv", [["c-1"], ["c-2"]], ["Customer ID"])
        with hostile(redirect) as api:
            code, _, err, _ = run_measured([
                "upload", str(f), "--api", "campaigns-v1", "--site", "US1", "--base-url",
                api.base_url, "--campaign", "7c9e6679-7425-40de-944b-e07fc1f90ae7",
                "--journal", str(tmp_path / "j.sqlite"), "--quiet"],
                {**ENV, "BULK_LOADER_API_KEY": "eght_demo_campaigns_key",
                 "BULK_LOADER_TENANT": "demo"})
    assert code == 3, err
    assert "(HTTP 307)" in err and "API calls never follow redirects" in err
    assert other.requests == []  # the key and the records went to no host nobody configured
