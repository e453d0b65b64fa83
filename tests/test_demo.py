"""`make demo` end to end: the real CLI, a real simulator subprocess, real files."""

import csv
import os
import subprocess
import sys
from pathlib import Path

from openpyxl import load_workbook

ROOT = Path(__file__).resolve().parent.parent


def test_demo_runs_end_to_end(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for key in ("BULK_LOADER_ACTION_TOKEN", "BULK_LOADER_DATA_TOKEN", "BULK_LOADER_USERNAME",
                "BULK_LOADER_API_KEY", "BULK_LOADER_TENANT", "BULK_LOADER_API",
                "BULK_LOADER_SITE"):
        env.pop(key, None)
    done = subprocess.run([sys.executable, "-m", "bulk_loader.demo"], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "Simulator listening on http://127.0.0.1:" in done.stdout
    assert "Demo finished (upload exit code 1" in done.stdout
    with (tmp_path / "demo_output" / "results.csv").open(newline="") as f:
        rows = list(csv.DictReader(f))
    outcomes = [r["outcome"] for r in rows]
    assert len(rows) == 3000
    assert outcomes.count("accepted") == 2991 and outcomes.count("invalid") == 8
    assert outcomes.count("rejected") == 1
    book = load_workbook(tmp_path / "demo_output" / "report.xlsx", read_only=True)
    assert "Summary" in book.sheetnames and "Failures" in book.sheetnames
    # The Campaigns API v1 upload: every valid row in, the bad priority refused before sending.
    assert "Campaigns API v1 upload exit code 1" in done.stdout
    with (tmp_path / "demo_output" / "results-v1.csv").open(newline="") as f:
        v1 = list(csv.DictReader(f))
    assert len(v1) == 250
    assert [r["outcome"] for r in v1].count("accepted") == 249
    assert [(r["customer-id"], r["outcome"]) for r in v1 if r["outcome"] != "accepted"] == [
        ("CRM-00017", "invalid")]
    # The demo tokens and key travel by environment only, never on a command line.
    commands = [line for line in done.stdout.splitlines() if line.startswith("$ bulk-loader")]
    assert len(commands) == 5
    assert not [c for c in commands if "demo-action" in c or "demo-data" in c or "eght_" in c]
