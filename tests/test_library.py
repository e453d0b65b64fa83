"""`import bulk_loader` as a library: the README's example, the public names, a process left as
it was found, and errors that name parameters (the CLI names flags).

Every run here goes to the simulator over real HTTP on 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import contextlib
import csv
import gc
import importlib
import io
import re
import signal
from collections.abc import Iterator
from pathlib import Path
from types import FrameType

import orjson
import pytest
from click.testing import CliRunner

import bulk_loader
from bulk_loader import (
    BulkLoaderError,
    DeleteOptions,
    OutputError,
    UploadOptions,
    UsageError,
)
from bulk_loader.cli import cli
from tests.simulator_fixture import RunningSimulator
from tests.upload_support import env_for, valid_rows, write_csv

README = Path(__file__).resolve().parent.parent / "README.md"
README_URL = "http://127.0.0.1:8088"


def readme_library_block() -> str:
    """The python block of README's "Library use" section, as written there."""
    text = README.read_text(encoding="utf-8")
    section = text.split("\n## Library use\n", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```python\n(.*?)```", section, flags=re.S)
    assert len(blocks) == 1
    return str(blocks[0])


def test_the_readme_library_example_uploads_to_the_simulator_and_reads_its_summary(
        simulator: RunningSimulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    write_csv(tmp_path / "customers.csv", valid_rows(25))
    monkeypatch.chdir(tmp_path)
    for key, value in env_for(simulator).items():
        monkeypatch.setenv(key, value)
    code = readme_library_block()
    assert README_URL in code  # the one thing changed: the simulator's port
    exec(compile(code.replace(README_URL, simulator.base_url), "README.md", "exec"), {})
    out = capsys.readouterr().out.splitlines()
    assert out == ["25 valid rows, 0 invalid", "upload-1 completed 25 0"]
    assert len(simulator.records(125)) == 25


def test_every_public_name_resolves_and_upload_stays_the_function() -> None:
    for name in bulk_loader.__all__:
        assert getattr(bulk_loader, name) is not None, name
    importlib.import_module("bulk_loader.upload")  # the subpackage of the same name
    importlib.import_module("bulk_loader.delete")
    assert callable(bulk_loader.upload) and bulk_loader.upload.__name__ == "run_upload"
    assert callable(bulk_loader.delete) and bulk_loader.delete.__name__ == "run_delete"
    assert issubclass(OutputError, BulkLoaderError) and OutputError.exit_code == 2


def _sigint(signum: int, frame: FrameType | None) -> None:
    """The caller's own Ctrl-C handler, which the run must leave in place."""


def _sigterm(signum: int, frame: FrameType | None) -> None:
    """The caller's own SIGTERM handler."""


@contextlib.contextmanager
def callers_settings() -> Iterator[None]:
    """Process-wide settings of the caller's own, unlike the defaults; put back after the test."""
    threshold, enabled, limit = gc.get_threshold(), gc.isenabled(), csv.field_size_limit()
    old = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
    gc.set_threshold(900, 11, 12)
    csv.field_size_limit(4096)
    signal.signal(signal.SIGINT, _sigint)
    signal.signal(signal.SIGTERM, _sigterm)
    try:
        yield
    finally:
        gc.set_threshold(*threshold)
        (gc.enable if enabled else gc.disable)()
        csv.field_size_limit(limit)
        for sig, handler in old.items():
            signal.signal(sig, handler)


def _process_settings() -> tuple[object, ...]:
    return (gc.isenabled(), gc.get_threshold(), gc.get_freeze_count(),
            signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM),
            csv.field_size_limit())


def test_a_library_upload_and_delete_leave_the_process_as_they_found_it(
        simulator: RunningSimulator, tmp_path: Path) -> None:
    f = write_csv(tmp_path / "c.csv", valid_rows(300))
    journal = tmp_path / "j.sqlite"
    with callers_settings():
        before = _process_settings()
        assert before[2] == 0 and before[5] == 4096
        up = bulk_loader.upload(UploadOptions(
            file=f, campaign_id=125, endpoint=simulator.base_url,
            credentials=simulator.credentials, journal_path=journal, chunk_size=50))
        assert up.exit_code == 0 and up.summary["counts"]["accepted"] == 300
        assert _process_settings() == before
        gone = bulk_loader.delete(DeleteOptions(
            campaign_id=125, endpoint=simulator.base_url, credentials=simulator.credentials,
            journal_path=journal, source_run=up.summary["run_id"]))
        assert gone.exit_code == 0 and gone.summary["counts"]["deleted"] == 300
        assert _process_settings() == before
        # The caller's own csv limit is theirs again: a 5,000-character field is refused.
        with pytest.raises(csv.Error, match="field larger than field limit"):
            list(csv.reader(io.StringIO("x" * 5000)))


def test_a_library_upload_keeps_the_callers_event_loop_and_frozen_objects(
        simulator: RunningSimulator, tmp_path: Path) -> None:
    f = write_csv(tmp_path / "c.csv", valid_rows(120))
    mine = asyncio.new_event_loop()
    asyncio.set_event_loop(mine)
    try:
        with callers_settings():
            gc.freeze()  # the caller froze its own start-up objects
            frozen = gc.get_freeze_count()
            for n in (1, 2):
                up = bulk_loader.upload(UploadOptions(
                    file=f, campaign_id=125, endpoint=simulator.base_url,
                    credentials=simulator.credentials, journal_path=tmp_path / "j.sqlite",
                    chunk_size=50, new_run=True))
                assert up.exit_code == 0, n
                # Neither unfrozen (0) nor grown; a few of the caller's may have died since.
                assert frozen * 0.9 < gc.get_freeze_count() <= frozen, n
            gc.unfreeze()
        assert asyncio.get_event_loop_policy().get_event_loop() is mine
    finally:
        asyncio.set_event_loop(None)
        mine.close()


def test_a_wide_field_is_read_under_the_readers_own_limit_whatever_the_callers(
        tmp_path: Path) -> None:
    f = tmp_path / "wide.csv"
    f.write_text(f"customer-id,note\n10000001,{'n' * 200_000}\n", encoding="utf-8")
    with callers_settings():
        checked = bulk_loader.validate(f, bulk_loader.FileOptions())
        assert csv.field_size_limit() == 4096
    assert (checked.rows, checked.valid) == (1, 1)


def test_a_bad_option_names_the_parameter_in_the_library_and_the_flag_in_the_cli(
        simulator: RunningSimulator, tmp_path: Path) -> None:
    f = write_csv(tmp_path / "c.csv", valid_rows(3))
    opts = UploadOptions(file=f, campaign_id=125, endpoint=simulator.base_url,
                         credentials=simulator.credentials, journal_path=tmp_path / "j.sqlite",
                         concurrency=0)
    with pytest.raises(UsageError) as err:
        bulk_loader.upload(opts)
    assert str(err.value) == "concurrency must be at least 1 (got 0)"
    assert err.value.param == "concurrency" and err.value.exit_code == 2

    res = CliRunner().invoke(cli, ["upload", str(f), "--campaign", "125", "--base-url",
                                   simulator.base_url, "--journal", str(tmp_path / "j.sqlite"),
                                   "--retry-for", "8d"], env=env_for(simulator))
    assert res.exit_code == 2
    assert res.output == "error: --retry-for must be at most 7d (got '8d')\n"
    opts.concurrency, opts.retry_for = 1, -1.0
    with pytest.raises(UsageError) as err:
        bulk_loader.upload(opts)
    assert (str(err.value), err.value.param) == ("retry_for must be 0 or more seconds (got -1.0)",
                                                 "retry_for")
    assert simulator.stats()["records_received"] == 0


def test_a_json_error_names_the_flag_too(simulator: RunningSimulator, tmp_path: Path) -> None:
    f = write_csv(tmp_path / "c.csv", valid_rows(3))
    res = CliRunner().invoke(cli, ["upload", str(f), "--campaign", "125", "--base-url",
                                   simulator.base_url, "--journal", str(tmp_path / "j.sqlite"),
                                   "--results", str(f), "--json"], env=env_for(simulator))
    assert res.exit_code == 2
    doc = orjson.loads(res.stdout.splitlines()[0])
    assert doc["error"] == "--results must not name the input file: it would be overwritten"


def test_an_output_that_cannot_be_written_is_one_error_type_naming_its_path(
        simulator: RunningSimulator, tmp_path: Path) -> None:
    f = write_csv(tmp_path / "c.csv", valid_rows(3))
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    results = blocker / "results.csv"
    with pytest.raises(OutputError) as err:
        bulk_loader.upload(UploadOptions(
            file=f, campaign_id=125, endpoint=simulator.base_url,
            credentials=simulator.credentials, journal_path=tmp_path / "j.sqlite",
            results=results))
    assert err.value.exit_code == 2 and err.value.path == results
    assert str(err.value) == f"cannot write {results}: {blocker} is a file, not a folder"
    assert simulator.stats()["records_received"] == 0


def test_the_cli_names_the_flag_where_the_message_names_the_parameter_only() -> None:
    from bulk_loader.cli import flags

    err = UsageError("unknown time zone 'timezone' (timezone); use an IANA name", param="timezone")
    assert flags.message(err) == "unknown time zone 'timezone' (--timezone); use an IANA name"
    assert flags.message(UsageError("chunk_size must be at least 1 (got 0)",
                                    param="chunk_size")) == "--chunk-size must be at least 1 (got 0)"
    assert flags.message(UsageError("concurrency must be at least 1")) == \
        "concurrency must be at least 1"  # no param: the message as it is
