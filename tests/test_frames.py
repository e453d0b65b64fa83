"""bulk_loader.journal.frames and the README's "Library use" example, on journals of real uploads.

The journal comes from `bulk-loader upload` against the simulator over real HTTP; the frames are
checked against the results CSV that the same run wrote, so two writers must agree row by row.
"""

from __future__ import annotations

import ast
import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from bulk_loader.errors import JournalError
from bulk_loader.journal.frames import campaign_runs, iter_run_records, run_records
from tests.simulator_fixture import running_simulator
from tests.upload_support import iso_in, read_csv, upload, valid_rows, write_csv

ROOT = Path(__file__).resolve().parent.parent
BIG_ID = 999_999_999_999_999_999  # 18 digits: beyond float64's exact integers


@dataclass(frozen=True)
class Uploaded:
    home: Path
    journal: Path
    results: Path  # upload-3's results CSV
    rows: list[list[Any]]  # upload-3's input rows


@pytest.fixture(scope="module")
def uploaded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Uploaded]:
    """upload-1 and upload-3 on campaign 125, upload-2 on 126; upload-3 has every outcome."""
    tmp = tmp_path_factory.mktemp("frames")
    home = tmp / "home"
    journal = home / ".local" / "share" / "bulk-loader" / "journal.sqlite"
    rows: list[list[Any]] = [
        *valid_rows(120),                                  # rows 2-121 accepted, some with times
        [10_000_900, "", "already there"],                 # 122 already-present (upload-1's)
        [99_999_999, "", "not in CRM"],                    # 123 rejected: 404
        ["1000O003", "", "letter O"],                      # 124 invalid: not an integer
        [BIG_ID, "garbage", "bad time"],                   # 125 invalid: schedule
        [10_000_901, iso_in(-5), "in the past"],           # 126 invalid: past
    ]
    with running_simulator() as sim:
        first = write_csv(tmp / "first.csv", [[10_000_900, "", "x"]])
        assert upload(sim, first, journal).exit_code == 0
        other = write_csv(tmp / "other.csv", [[10_000_950, "", "y"]])
        assert upload(sim, other, journal, campaign=126).exit_code == 0
        mixed = write_csv(tmp / "mixed.csv", rows)
        results = tmp / "mixed.results.csv"
        done = upload(sim, mixed, journal, "--chunk-size", "50", "--results", str(results))
        assert done.exit_code == 1, done.output
        assert "run upload-3: completed (exit code 1)" in done.stdout
    yield Uploaded(home, journal, results, rows)


def test_run_records_has_one_typed_row_per_input_row(uploaded: Uploaded) -> None:
    records = run_records(uploaded.journal, "upload-3")
    assert list(records.columns) == ["row", "customer_id", "schedule", "state", "http_status",
                                     "message", "attempts"]
    assert records.dtypes.astype(str).to_dict() == {
        "row": "int64", "customer_id": "Int64", "schedule": "datetime64[us, UTC]",
        "state": "category", "http_status": "Int64", "message": "string", "attempts": "Int64"}
    assert records["row"].tolist() == list(range(2, 2 + len(uploaded.rows)))
    by_row = records.set_index("row")
    assert by_row.loc[125, "customer_id"] == BIG_ID  # exact, not rounded through a float
    assert by_row.loc[124, "customer_id"] is pd.NA
    assert "'1000O003'" in by_row.loc[124, "message"]
    assert by_row.loc[125, "schedule"] is pd.NaT
    assert by_row.loc[2, "schedule"] == pd.Timestamp(uploaded.rows[0][1])
    assert by_row.loc[2, "schedule"].tzname() == "UTC"
    assert by_row.loc[3, "schedule"] is pd.NaT  # no call time in the file


def test_run_records_agree_with_the_runs_results_csv(uploaded: Uploaded) -> None:
    records = run_records(uploaded.journal, "upload-3")
    lines = read_csv(uploaded.results)
    assert lines[0] == ["row", "customer-id", "schedule-date-time", "outcome", "http-status",
                        "message"]
    expected = [(int(r), o, int(h) if h else None, m or None) for r, _, _, o, h, m in lines[1:]]
    got = [(int(r.row), str(r.state), None if pd.isna(r.http_status) else int(r.http_status),
            None if pd.isna(r.message) else str(r.message)) for r in records.itertuples()]
    assert got == expected
    assert records["state"].value_counts().to_dict() == {"accepted": 120, "already-present": 1,
                                                         "invalid": 3, "rejected": 1}


def test_iter_run_records_chunks_add_up_to_run_records(uploaded: Uploaded) -> None:
    chunks = list(iter_run_records(uploaded.journal, "upload-3", chunk_rows=40))
    assert [len(c) for c in chunks] == [40, 40, 40, 5]
    assert {str(c["state"].dtype) for c in chunks} == {"category"}
    joined = pd.concat(chunks).sort_values("row", ignore_index=True)
    pd.testing.assert_frame_equal(joined, run_records(uploaded.journal, "upload-3"))


def test_campaign_runs_lists_that_campaigns_runs_oldest_first(uploaded: Uploaded) -> None:
    runs = campaign_runs(uploaded.journal, 125)
    assert runs["run_id"].tolist() == ["upload-1", "upload-3"]
    assert runs["exit_code"].tolist() == [0, 1]
    assert runs["total_rows"].tolist() == [1, len(uploaded.rows)]
    assert str(runs["created_at"].dtype) == "datetime64[us, UTC]"
    assert (runs["finished_at"] >= runs["created_at"]).all()
    assert campaign_runs(uploaded.journal, 126)["run_id"].tolist() == ["upload-2"]
    assert campaign_runs(uploaded.journal, 999).empty


def test_an_unknown_run_or_journal_is_one_sentence_and_creates_nothing(uploaded: Uploaded,
                                                                       tmp_path: Path) -> None:
    with pytest.raises(JournalError) as unknown_run:
        iter_run_records(uploaded.journal, "upload-9")
    assert str(unknown_run.value) == f"run_id: no run 'upload-9' in the journal {uploaded.journal}"
    missing = tmp_path / "none.sqlite"
    with pytest.raises(JournalError) as no_journal:
        run_records(missing, "upload-1")
    assert str(no_journal.value) == f"journal_path: no journal at {missing}"
    assert not missing.exists()
    not_a_journal = write_csv(tmp_path / "customers.csv", [[1, "", ""]])
    with pytest.raises(JournalError, match="cannot read .* as a bulk-loader journal"):
        campaign_runs(not_a_journal, 125)


def test_a_run_with_no_records_is_an_empty_typed_frame(tmp_path: Path) -> None:
    import sqlite3

    from bulk_loader.journal import Journal

    path = tmp_path / "j.sqlite"
    with Journal.open(path) as journal:
        journal.create_run("upload", campaign_id=125)
    empty = run_records(path, "upload-1")
    assert empty.empty and str(empty["schedule"].dtype) == "datetime64[us, UTC]"
    assert sqlite3.connect(path).execute("SELECT count(*) FROM runs").fetchone() == (1,)


def readme_block(heading: str, language: str) -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split(heading, 1)[1]
    match = re.search(rf"^```{language}\n(.*?)^```", section, re.MULTILINE | re.DOTALL)
    assert match, f"README.md has no {language} block after {heading!r}"
    return match.group(1)


def run_as_user(argv: list[str], home: Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    bin_dir = str(Path(sys.executable).parent)
    env = {**os.environ, "HOME": str(home), "PYTHONPATH": str(ROOT),
           "PATH": os.pathsep.join([bin_dir, os.environ.get("PATH", "")])}
    return subprocess.run(argv, capture_output=True, text=True, env=env, cwd=cwd, timeout=120)


def test_the_readme_library_example_runs_on_a_real_journal(uploaded: Uploaded,
                                                           tmp_path: Path) -> None:
    code = readme_block("### Library use", "python")
    done = run_as_user([sys.executable, "-c", code], uploaded.home, tmp_path)
    assert done.returncode == 0, done.stderr
    assert ast.literal_eval(done.stdout) == {"accepted": 120, "already-present": 1, "invalid": 3,
                                             "rejected": 1}
    look = read_csv(tmp_path / "needs-a-look.csv")
    assert look[0] == ["row", "customer_id", "schedule", "state", "http_status", "message",
                       "attempts"]
    assert [(line[0], line[3]) for line in look[1:]] == [
        ("123", "rejected"), ("124", "invalid"), ("125", "invalid"), ("126", "invalid")]
    assert look[3][1] == str(BIG_ID)


def test_the_readme_sqlite_utils_query_runs_on_a_real_journal(uploaded: Uploaded,
                                                              tmp_path: Path) -> None:
    command = readme_block("With sqlite-utils", "sh")
    done = run_as_user(["bash", "-c", command], uploaded.home, tmp_path)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == [
        {"row": 123, "customer_id": 99_999_999, "message": "The customer-id has not been found."},
    ]
