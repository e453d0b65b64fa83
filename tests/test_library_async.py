"""The async cores of upload and delete run inside a caller's own event loop, against the
simulator over real HTTP; the sync wrappers stay what the CLI calls."""

from __future__ import annotations

import asyncio
from pathlib import Path

from bulk_loader.api import RetryPolicy
from bulk_loader.delete import DeleteOptions, run_delete_async
from bulk_loader.outcome import RunOutcome
from bulk_loader.upload import UploadOptions, run_upload_async
from tests.simulator_fixture import RunningSimulator
from tests.upload_support import valid_rows, write_csv

FAST = RetryPolicy(max_attempts=3, base_delay=0.001, max_delay=0.002)


def test_upload_then_delete_from_inside_a_running_event_loop(
        simulator: RunningSimulator, tmp_path: Path) -> None:
    f = write_csv(tmp_path / "in.csv", valid_rows(30, start=10_000_000))
    journal = tmp_path / "journal.sqlite"

    async def caller() -> tuple[RunOutcome, RunOutcome, int]:
        ticks = 0

        async def beside() -> None:  # the caller's own task, alive across both cores
            nonlocal ticks
            while True:
                ticks += 1
                await asyncio.sleep(0)

        other = asyncio.create_task(beside())
        up = await run_upload_async(UploadOptions(
            file=f, campaign_id=125, endpoint=simulator.base_url,
            credentials=simulator.credentials, journal_path=journal, chunk_size=7,
            retry=FAST, notice=lambda _: None))
        gone = await run_delete_async(DeleteOptions(
            campaign_id=125, endpoint=simulator.base_url, credentials=simulator.credentials,
            journal_path=journal, source_run=str(up.summary["run_id"]), retry=FAST,
            notice=lambda _: None))
        other.cancel()
        return up, gone, ticks

    before = len(simulator.records(125))
    up, gone, ticks = asyncio.run(caller())
    assert (up.exit_code, up.summary["state"], up.summary["counts"]["accepted"]) == (
        0, "completed", 30)
    assert (gone.exit_code, gone.summary["state"], gone.summary["counts"]["deleted"]) == (
        0, "completed", 30)
    assert len(simulator.records(125)) == before
    assert ticks > 0  # the caller's own task ran while the cores waited on the network


def test_a_finished_upload_reprints_from_the_async_core_too(
        simulator: RunningSimulator, tmp_path: Path) -> None:
    f = write_csv(tmp_path / "in.csv", valid_rows(5, start=10_000_100))
    opts = UploadOptions(file=f, campaign_id=125, endpoint=simulator.base_url,
                         credentials=simulator.credentials, journal_path=tmp_path / "j.sqlite",
                         retry=FAST, notice=lambda _: None)

    async def twice() -> tuple[RunOutcome, RunOutcome]:
        return await run_upload_async(opts), await run_upload_async(opts)

    first, again = asyncio.run(twice())
    assert first.summary["counts"]["accepted"] == 5
    assert (again.exit_code, again.summary["already_finished"], again.summary["sent_this_time"]) \
        == (0, True, 0)


def test_chunks_larger_than_the_back_end_carries_are_cut_to_its_largest_batch(
        simulator: RunningSimulator, tmp_path: Path) -> None:
    f = write_csv(tmp_path / "in.csv", valid_rows(12, start=10_000_200))
    said: list[str] = []
    out = asyncio.run(run_upload_async(UploadOptions(
        file=f, campaign_id=125, endpoint=simulator.base_url, credentials=simulator.credentials,
        journal_path=tmp_path / "j.sqlite", chunk_size=250_000, retry=FAST, notice=said.append)))
    assert (out.exit_code, out.summary["counts"]["accepted"]) == (0, 12)
    assert ("note: chunks of 100,000 records, the most one request to the legacy API carries "
            "(--chunk-size 250,000)") in said
