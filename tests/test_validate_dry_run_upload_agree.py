"""Issue 3, "no drift": `validate`, `upload --dry-run` and the real upload judge every row alike.

For files of mixed good and bad rows (CSV and XLSX): validate and the dry run report the same
counts, the same reasons and the same first invalid rows; the real upload's invalid rows in its
results CSV are exactly validate's --invalid-out rows, reason for reason.
"""

from __future__ import annotations

import csv
import json
import random
import re
import tempfile
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from bulk_loader.cli import cli
from tests.simulator_fixture import RunningSimulator, running_simulator
from tests.upload_support import HEADERS, iso_in, read_csv, upload, write_csv

ZONE = ("--timezone", "UTC")  # both commands read zone-less times the same way
KINDS = ("plain", "iso", "offset", "naive", "float_id", "empty_id", "text_id", "neg_id",
         "frac_id", "long_id", "past", "too_far", "bad_time", "bad_date")


def make_rows(plan: list[tuple[str, int | None]], xlsx: bool) -> list[list[Any]]:
    """One row per (kind, reuse): reuse = index of an earlier row whose id this row repeats."""
    now = datetime.now(UTC).replace(microsecond=0)
    rows: list[list[Any]] = []
    ids: list[Any] = []
    for i, (kind, reuse) in enumerate(plan):
        cid: Any = ids[reuse % len(ids)] if reuse is not None and ids else 10_000_000 + i
        sched: Any = ""
        if kind == "iso":
            sched = iso_in(1 + i % 100)
        elif kind == "offset":
            sched = (now + timedelta(hours=3)).astimezone(timezone(timedelta(hours=2))).isoformat()
        elif kind == "naive":
            at = (now + timedelta(hours=5 + i % 24)).replace(tzinfo=None)
            sched = at if xlsx else at.strftime("%Y-%m-%d %H:%M")
        elif kind == "float_id" and isinstance(cid, int):
            cid = float(cid) if xlsx else f"{cid}.0"
        elif kind == "empty_id":
            cid = ""
        elif kind == "text_id":
            cid = f"abc{i}"
        elif kind == "neg_id":
            cid = -10_000_000 - i
        elif kind == "frac_id":
            cid = "12.5"
        elif kind == "long_id":
            cid = "1" * 19
        elif kind == "past":
            sched = iso_in(-2)
        elif kind == "too_far":
            sched = iso_in(24 * 9)
        elif kind == "bad_time":
            sched = "next tuesday"
        elif kind == "bad_date":
            sched = "2030-02-30T10:00:00Z"
        ids.append(cid)
        rows.append([cid, sched, f"name {i}"])
    return rows


def write_file(path: Path, rows: list[list[Any]]) -> Path:
    if path.suffix == ".csv":
        return write_csv(path, rows)
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(HEADERS)
    for row in rows:
        ws.append([None if cell == "" else cell for cell in row])
    wb.save(path)
    return path


def run_validate(file: Path, out: Path) -> tuple[Result, dict[str, Any]]:
    r = CliRunner().invoke(cli, ["validate", str(file), *ZONE, "--invalid-out", str(out)],
                           catch_exceptions=False)
    assert r.exit_code in (0, 1), r.output
    text = r.stdout
    valid = re.search(r"^valid +([\d,]+)", text, re.M)
    invalid = re.search(r"^invalid +([\d,]+)", text, re.M)
    assert valid and invalid, text
    reasons: dict[str, int] = {}
    block = text[invalid.end():].split("first invalid rows")[0]
    for m in re.finditer(r"^ +([\d,]+)  (.+)$", block, re.M):
        reasons[m.group(2)] = int(m.group(1).replace(",", ""))
    bad = [(int(line[0]), line[-1]) for line in _csv_rows(out)[1:]] if out.exists() else []
    return r, {"valid": int(valid.group(1).replace(",", "")),
               "invalid": int(invalid.group(1).replace(",", "")), "reasons": reasons, "bad": bad}


def _csv_rows(path: Path) -> list[list[str]]:
    with open(path, newline="", encoding="utf-8-sig") as f:
        return list(csv.reader(f))


def dry_run(sim: RunningSimulator, file: Path, journal: Path, *args: str) -> Result:
    r = upload(sim, file, journal, "--dry-run", *ZONE, *args)
    assert r.exit_code in (0, 1), r.output
    assert not journal.exists()
    return r


def first_invalid_block(text: str) -> str:
    return text[text.index("first invalid rows"):] if "first invalid rows" in text else ""


def assert_same(sim: RunningSimulator, file: Path, work: Path) -> dict[str, Any]:
    """validate and the dry run agree on `file`; returns validate's findings."""
    vr, found = run_validate(file, work / f"{file.stem}.invalid.csv")
    dr = dry_run(sim, file, work / "dry.sqlite", "--json")
    dry = json.loads(dr.stdout)
    assert (dry["would_send"], dry["invalid"]) == (found["valid"], found["invalid"])
    assert dry["rows"] == found["valid"] + found["invalid"]
    assert {r["reason"]: r["count"] for r in dry["top_reasons"]} == found["reasons"]
    assert [(r["row"], r["reason"]) for r in dry["first_invalid"]] == found["bad"][:10]
    assert dr.exit_code == vr.exit_code
    return found


MIXED = [(k, None) for k in KINDS] + [("plain", 0), ("iso", 2), ("past", 1), ("plain", 10)]


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_validate_dry_run_and_upload_agree(simulator: RunningSimulator, tmp_path: Path,
                                           suffix: str) -> None:
    rng = random.Random(3)
    plan = MIXED * 3 + [(rng.choice(KINDS), rng.choice([None, rng.randrange(50)]))
                        for _ in range(40)]
    file = write_file(tmp_path / f"mixed{suffix}", make_rows(plan, suffix == ".xlsx"))
    found = assert_same(simulator, file, tmp_path)
    assert found["valid"] > 10 and found["invalid"] > 10  # the file really is mixed
    # The text outputs list the same first invalid rows, line for line.
    vr = CliRunner().invoke(cli, ["validate", str(file), *ZONE], catch_exceptions=False)
    dr = dry_run(simulator, file, tmp_path / "dry.sqlite")
    assert first_invalid_block(dr.stdout) == first_invalid_block(vr.stdout) != ""
    # The real run refuses exactly the rows validate refused, with the same reasons.
    results = tmp_path / "results.csv"
    r = upload(simulator, file, tmp_path / "j.sqlite", *ZONE, "--json", "--results",
               str(results))
    assert r.exit_code == 1, r.output
    lines = read_csv(results)
    assert lines[0][:4] == ["row", "customer-id", "schedule-date-time", "outcome"]
    refused = [(int(x[0]), x[5]) for x in lines[1:] if x[3] == "invalid"]
    assert refused == found["bad"]
    accepted = [x for x in lines[1:] if x[3] == "accepted"]
    assert len(accepted) == found["valid"] == len(simulator.records(125))


def test_header_only_file_is_refused_by_validate_and_nothing_to_send_for_upload_alike(
        simulator: RunningSimulator, tmp_path: Path) -> None:
    file = write_csv(tmp_path / "empty.csv", [])
    vr = CliRunner().invoke(cli, ["validate", str(file)])
    assert vr.exit_code == 2 and vr.stderr == "error: empty.csv has a header but no rows below it.\n"
    dr = upload(simulator, file, tmp_path / "dry.sqlite", "--dry-run", "--json")
    ur = upload(simulator, file, tmp_path / "j.sqlite", "--json")
    assert (dr.exit_code, dr.stderr, ur.exit_code, ur.stderr) == (0, "", 0, "")
    assert json.loads(dr.stdout)["would_send"] == 0
    summary = json.loads(ur.stdout)
    assert (summary["state"], summary["rows"], summary["sent_this_time"]) == ("completed", 0, 0)
    assert summary["note"] == "nothing to send: empty.csv has a header and no rows"


plans = st.lists(st.tuples(st.sampled_from(KINDS), st.one_of(st.none(), st.integers(0, 30))),
                 min_size=1, max_size=30)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plan=plans, xlsx=st.booleans())
def test_any_mix_validate_equals_dry_run(plan: list[tuple[str, int | None]], xlsx: bool) -> None:
    with running_simulator() as sim, tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        file = write_file(work / ("f.xlsx" if xlsx else "f.csv"), make_rows(plan, xlsx))
        assert_same(sim, file, work)
