"""The journal's holdings (docs/contract.md Decision 14): a journal written before them is migrated, and
the simulator's side of Decisions 12-13 (vendor messages, PATCH)."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from pathlib import Path

from bulk_loader import spec
from bulk_loader.journal import SCHEMA_VERSION, Journal
from bulk_loader.simulator.lifecycle import mix
from bulk_loader.upload import CONFIRMED_ON_RESUME
from tests.ops_support import run_cli, seed
from tests.simulator_fixture import RunningSimulator, running_simulator

FIRST = 10_000_000


def _version_1_journal(path: Path, endpoint: str) -> None:
    """Two nights as the code before holdings journaled them: night 2 took night 1's ids 5-9,
    answered "Duplicate customer" after a refused token, for its own (confirmed on resume)."""
    with Journal.open(path) as j:
        for seq, first in ((1, 0), (2, 5)):
            run = j.create_run("upload", file_sha256=f"sha{seq}", campaign_id=125,
                               endpoint=endpoint, state="sending")
            rows = list(range(2, 12))
            cids = [FIRST + first + i for i in range(10)]
            with j.transaction():
                j.add_chunk(run, 0, rows, cids, [None] * 10)
                notes = [] if seq == 1 else [
                    (rows[i], cids[i], None, "accepted", 400, CONFIRMED_ON_RESUME, 2)
                    for i in range(5)]
                j.finish_chunk(run, 0, "accepted", 200, 1, notes)
            j.set_state(run, "completed", exit_code=0)
    conn = sqlite3.connect(path)
    conn.executescript("DROP VIEW campaign_holdings; DROP TABLE holdings; DROP TABLE scopes; "
                       "PRAGMA user_version=1;")
    conn.close()


def test_a_version_1_journal_is_migrated_and_its_undo_spares_the_earlier_night(
        simulator: RunningSimulator, tmp_path: Path) -> None:
    jp = tmp_path / "old.sqlite"
    _version_1_journal(jp, simulator.base_url)
    seed(simulator, 125, FIRST, 15)
    res = run_cli(simulator, "delete", "--run", "upload-2", "--campaign", "125", "--base-url",
                  simulator.base_url, "--journal", str(jp), "--yes", "--json", "--quiet")
    assert res.exit_code == 0, res.output
    summary = json.loads(res.output)
    assert summary["counts"]["deleted"] == 5 and summary["counts"]["left"] == 5
    assert summary["left_reasons"] == [{"count": 5, "reason": "left in place: already in the "
                                        "campaign before upload-2 (added by upload-1)"}]
    assert set(simulator.records(125)) == {FIRST + i for i in range(10)}
    conn = sqlite3.connect(jp)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 3
    held = conn.execute("SELECT customer_id, added_by, removed_by FROM campaign_holdings "
                        "ORDER BY customer_id").fetchall()
    assert held == [(FIRST + i, "upload-1", None) for i in range(10)] + [
        (FIRST + i, "upload-2", "delete-3") for i in range(10, 15)]


def _stage_s(customer_id: int, seed: int = 0, stage_seconds: float = 10) -> float:
    """How long this record spends in each stage of the simulator's lifecycle."""
    return stage_seconds * (512 + (mix(seed, customer_id) & 1023)) / 1024


def test_simulator_refuses_adds_and_deletes_with_the_vendors_sentences(tmp_path: Path) -> None:
    add = "/api/tstats/campaigns/125/customers"
    with running_simulator(stage_seconds=10) as sim:
        async def go() -> list[tuple[int, object]]:
            out = []
            status, _, _ = await sim.call("POST", add, body=[{"customer-id": FIRST}])
            sim.advance(2.5 * _stage_s(FIRST))  # mid-way through Accepted: being offered
            out.append((await sim.call("DELETE", f"{add}/{FIRST}"))[:2])
            out.append((await sim.call("DELETE", f"{add}/{FIRST + 1}"))[:2])
            patch = await sim.call("PATCH", "/api/tstats/campaigns/125", body={"status": "STOPPED"})
            out.append(patch[:2])
            out.append((await sim.call("POST", add, body=[{"customer-id": FIRST + 2}]))[:2])
            out.append((await sim.call("DELETE", f"{add}/{FIRST}"))[:2])
            again = await sim.call("PATCH", "/api/tstats/campaigns/125", body={"status": "RUNNING"})
            out.append(again[:2])
            return out

        got = asyncio.run(go())
        sim.set_campaign_status(126, 0)
        never = asyncio.run(sim.call("POST", "/api/tstats/campaigns/126/customers",
                                     body=[{"customer-id": FIRST}]))
    assert got == [
        (400, {"message": spec.MSG_DELETE_BUSY}),
        (404, {"message": spec.MSG_DELETE_NOT_LOCATED}),
        (200, {"message": spec.MSG_STATUS_HAS_CHANGED}),
        (400, {"message": spec.MSG_ADD_STOPPED}),
        (400, {"message": spec.MSG_DELETE_STOPPED}),
        (400, {"message": spec.MSG_INVALID_TRANSITION}),
    ]
    assert never[:2] == (400, {"message": spec.MSG_ADD_NOT_STARTED})
