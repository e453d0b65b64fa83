"""`bulk-loader simulate` as a real process: it prints its URL, answers, and stops on SIGTERM."""

from __future__ import annotations

import base64
import os
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import aiohttp
import orjson

from bulk_loader import spec

READY = "Simulator listening on http://127.0.0.1:"


@contextmanager
def simulate(*args: str, env: dict[str, str] | None = None) -> Iterator[tuple[str, list[str]]]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "bulk_loader", "simulate", "--port", "0", *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, **(env or {})})
    assert proc.stdout is not None
    try:
        first = proc.stdout.readline()
        assert first.startswith(READY), first + (proc.stderr.read() if proc.stderr else "")
        lines = [first]
        yield first.split()[-1], lines
    finally:
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=20)
    assert proc.returncode == 0, err
    assert out.rstrip().endswith("Simulator stopped.")
    assert "Traceback" not in err


def basic(user: str, token: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{token}".encode()).decode()}


async def test_cli_serves_the_api(tmp_path: Path) -> None:
    state = tmp_path / "state.sqlite"
    with simulate("--state", str(state), "--seed", "3") as (base_url, _):
        async with aiohttp.ClientSession() as http:
            async with http.post(base_url + spec.ADD_PATH.format(campaign_id=125),
                                 data=orjson.dumps([{"customer-id": 10_000_001}]),
                                 headers=basic("demo", "demo-action")) as resp:
                assert resp.status == 207
                assert (await resp.json())[0]["http-status"] == 200
            async with http.get(base_url + "/__simulator/stats") as resp:
                assert (await resp.json())["records_added"] == 1
    with simulate("--state", str(state)) as (base_url, _):
        async with aiohttp.ClientSession() as http, http.get(
                base_url + spec.CAMPAIGN_STATUS_PATH.format(campaign_id=125),
                headers=basic("demo", "demo-data")) as resp:
            assert (await resp.json())["campaign"]["no-of-records"] == 1


async def test_cli_tokens_from_environment() -> None:
    env = {"BULK_LOADER_SIM_TENANT": "acme", "BULK_LOADER_SIM_ACTION_TOKEN": "act",
           "BULK_LOADER_SIM_DATA_TOKEN": "dat"}
    with simulate(env=env) as (base_url, _):
        async with aiohttp.ClientSession() as http:
            url = base_url + spec.RECORDS_PATH.format(campaign_id=125)
            async with http.get(url, headers=basic("acme", "dat")) as resp:
                assert resp.status == 200
                assert await resp.json() == {"records": {"record": []}}
            async with http.get(url, headers=basic("demo", "demo-data")) as resp:
                assert resp.status == 401


def test_cli_port_in_use_is_one_sentence() -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        done = subprocess.run(
            [sys.executable, "-m", "bulk_loader", "simulate", "--port", str(port)],
            capture_output=True, text=True, timeout=30)
    assert done.returncode == 2
    assert done.stderr == (f"error: port {port} on 127.0.0.1 is already in use; pick another "
                           "with --port (0 = any free port)\n")


def test_cli_bad_fault_kind() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bulk_loader", "simulate", "--fault-kinds", "boom"],
        capture_output=True, text=True, timeout=30)
    assert done.returncode == 2
    assert done.stderr.startswith("error: unknown fault kinds ['boom']")
