"""The README's nightly section, run as written: the venv install, the profile (its endpoint,
tokens and paths pointed at a simulator and a temporary home), the one-line command, the script,
the cron line and the systemd ExecStart, with a fake `mail` that records what it was given.

One install (about 20 s) serves every night played here: a clean night, an empty delta, rows
that need a look (ops is mailed, nobody paged) and a dead server (ops mailed and the pager paged,
both with the one-sentence reason).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import tomllib
from pathlib import Path
from typing import Any

import pytest

from tests.simulator_fixture import running_simulator
from tests.upload_support import ROOT, free_port, valid_rows
from tests.upload_support import write_csv as write_any

HEADERS = ["ACCOUNTNUM", "Call Time", "Name"]  # the README profile's id_column and schedule_column

FAKE_MAIL = '#!/bin/sh\n{ echo "to=$3 subject=$2"; cat; echo "--"; } >> "$HOME/mail.log"\n'


def section() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index("## Nightly jobs")
    return text[start:text.index("\n## ", start + 5)]


def blocks(lang: str) -> list[str]:
    return re.findall(rf"```{lang}\n(.*?)```", section(), re.S)


def sh(command: str, home: Path, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    full = {"HOME": str(home), "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", **env}
    return subprocess.run(["/bin/sh", "-c", command], cwd=cwd, env=full, capture_output=True,
                          text=True, timeout=300, check=False)


def profile(home: Path, base_url: str, **changes: Any) -> None:
    """The README's [nightly] profile, pointed at the simulator and the temporary home."""
    table = tomllib.loads(blocks("toml")[0])["nightly"]
    table.pop("platform")
    share = home / ".local/share/bulk-loader"
    table.update(base_url=base_url, username="demo", action_token="demo-action",
                 data_token="demo-data", journal=str(share / "journal.sqlite"),
                 results_dir=str(home / "exports/results"), retry_for="1s",
                 metrics_file=str(home / "metrics/bulk_loader.prom"),
                 log_file=str(home / "log/nightly.jsonl"), **changes)
    for folder in ("metrics", "log", "exports/results"):
        (home / folder).mkdir(parents=True, exist_ok=True)
    cfg = home / ".config/bulk-loader/config.toml"
    cfg.parent.mkdir(parents=True, exist_ok=True)
    cfg.write_text("[nightly]\n" + "".join(f"{k} = {json.dumps(v)}\n" for k, v in table.items()))
    cfg.chmod(0o600)


def write_csv(path: Path, rows: list[list[Any]]) -> Path:
    return write_any(path, rows, HEADERS)


def mails(home: Path) -> str:
    log = home / "mail.log"
    return log.read_text() if log.exists() else ""


@pytest.mark.slow
def test_the_readme_nightly_section_runs_as_written(tmp_path: Path) -> None:
    home = tmp_path / "home"
    exports = home / "exports"
    exports.mkdir(parents=True)
    (tmp_path / "bulk-loader").symlink_to(ROOT)
    install, one_line, script = blocks("sh")
    got = sh(install, home, tmp_path)
    assert got.returncode == 0, got.stderr
    assert (home / "bulk-loader/bin/bulk-loader").exists()
    (home / ".local/bin").mkdir(parents=True)
    (home / ".local/bin/mail").write_text(FAKE_MAIL)
    (home / ".local/bin/mail").chmod(0o755)
    (home / "bin").mkdir()
    (home / "bin/bulk-loader-nightly").write_text(script)
    (home / "bin/bulk-loader-nightly").chmod(0o700)
    cron = blocks("cron")[0].split(None, 5)[5].strip()
    service = blocks("ini")[0]
    exec_start = re.search(r"^ExecStart=(.*)$", service, re.M)
    assert exec_start is not None
    systemd = exec_start.group(1).replace("%h", str(home))
    today = subprocess.run(["date", "+%F"], capture_output=True, text=True, check=True).stdout
    tonight = exports / f"customers-{today.strip()}.csv"
    venv_path = f"{home}/bulk-loader/bin:/usr/bin:/bin"

    with running_simulator() as sim:
        profile(home, sim.base_url)
        # 1. A clean night, by the one-line command.
        write_csv(tonight, valid_rows(50))
        got = sh(one_line, home, exports, PATH=venv_path)
        assert got.returncode == 0 and got.stderr == "", got.stderr
        assert json.loads(got.stdout)["counts"]["accepted"] == 50
        # 2. An empty delta, by cron: exit 0 and no mail.
        write_csv(tonight, [])
        got = sh(cron, home, home, EXPORTS=str(exports))
        assert got.returncode == 0, got.stderr
        assert mails(home) == ""
        # 3. Rows that need a look, by systemd's ExecStart: ops is mailed, nobody paged.
        write_csv(tonight, [*valid_rows(5, start=11_000_000), ["10O3629", "", "typo"]])
        got = sh(systemd, home, home, EXPORTS=str(exports))
        assert got.returncode == 1, got.stderr
        assert mails(home).startswith("to=ops@example.com subject=bulk-loader: some rows need")
        assert "pager" not in mails(home)
        summaries = [json.loads(x) for x in (exports / "upload.jsonl").read_text().splitlines()]
        assert [s["exit_code"] for s in summaries] == [0, 1]  # the script's nights
        # 4. The command the section gives to list runs.
        runs = re.search(r"`(bulk-loader runs [^`]*)`", section())
        assert runs is not None
        got = sh(runs.group(1), home, home, PATH=venv_path)
        assert got.returncode == 0 and got.stdout == "", got.stderr  # nothing stopped yet
    # 5. A server that stays down: ops and the pager get tonight's one sentence.
    (home / "mail.log").unlink()
    profile(home, f"http://127.0.0.1:{free_port()}")
    write_csv(tonight, valid_rows(5, start=12_000_000))
    got = sh(cron, home, home, EXPORTS=str(exports))
    assert got.returncode == 3, got.stderr
    sent = mails(home).split("--\n")[:-1]
    assert [m.splitlines()[0] for m in sent] == [
        "to=ops@example.com subject=bulk-loader stopped (exit 3)",
        "to=oncall-pager@example.com subject=bulk-loader stopped (exit 3)"]
    for m in sent:
        reason = m.splitlines()[1:]
        assert len(reason) == 1 and reason[0].startswith("error: cannot connect to 127.0.0.1:")
    prom = (home / "metrics/bulk_loader.prom").read_text()
    assert 'bulk_loader_exit_code{campaign="125",profile="nightly"} 3.0' in prom
    assert "demo-action" not in (home / "log/nightly.jsonl").read_text()
    assert os.listdir(exports / "results")  # results_dir from the profile
