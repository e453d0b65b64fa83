"""`--metrics-file PATH`: the run's figures in the Prometheus text format, for node_exporter's
textfile collector (point it at a folder and name the file `*.prom`).

Written with the official client (prometheus-client), whose write_to_textfile writes a
temporary file and renames it over the old one: the collector never reads half a file. It is
written at the end of every run and on every stop (errors, Ctrl-C, SIGTERM), so an alert on
`bulk_loader_exit_code` or on the age of `bulk_loader_last_success_timestamp_seconds` works even
when the night went wrong. The last success time is carried over from the previous file when
this run did not finish (exit 0 or 1 = finished: the file was processed).
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from prometheus_client import CollectorRegistry, Gauge, write_to_textfile
from prometheus_client.parser import text_string_to_metric_families

from bulk_loader.errors import OutputError
from bulk_loader.states import UPLOAD_OUTCOMES

PREFIX = "bulk_loader_"
LABELS = ("campaign", "profile")
OUTCOMES = UPLOAD_OUTCOMES
LAST_SUCCESS = f"{PREFIX}last_success_timestamp_seconds"


def check_metrics_path(path: Path) -> None:
    """Before anything is sent: the folder must exist and be writable."""
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise OutputError(f"--metrics-file {path}: the folder {folder} does not exist",
                          path=path)
    if path.is_dir():
        raise OutputError(f"--metrics-file {path} is a folder, not a file", path=path)


def previous_success(path: Path, labels: dict[str, str]) -> float | None:
    """The last success time in the file a previous run wrote, for the same labels."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    try:
        for family in text_string_to_metric_families(text):
            for sample in family.samples:
                if sample.name == LAST_SUCCESS and all(
                        sample.labels.get(k) == v for k, v in labels.items()):
                    return float(sample.value)
    except ValueError:  # not a metrics file (or damaged): start afresh
        return None
    return None


def write_metrics(path: Path, *, campaign: int | None, profile: str | None, exit_code: int,
                  wall_seconds: float, summary: dict[str, Any] | None) -> None:
    labels = {"campaign": str(campaign) if campaign is not None else "",
              "profile": profile or ""}
    now = time.time()
    last_success = now if exit_code in (0, 1) else previous_success(path, labels)
    reg = CollectorRegistry()

    def gauge(name: str, doc: str, value: float, extra: tuple[str, ...] = ()) -> Gauge:
        g = Gauge(PREFIX + name, doc, (*LABELS, *extra), registry=reg)
        if not extra:
            g.labels(**labels).set(value)
        return g

    records = gauge("records", "Records of the run by outcome.", 0, ("outcome",))
    counts = (summary or {}).get("counts") or {}
    for outcome in OUTCOMES:
        records.labels(**labels, outcome=outcome).set(counts.get(outcome, 0))
    gauge("records_sent_this_time", "Records answered by the server during this invocation.",
          (summary or {}).get("sent_this_time", 0) or 0)
    gauge("wall_seconds", "Wall time of this invocation.", wall_seconds)
    gauge("exit_code", "Exit code of this invocation (0 ok, 1 rows to look at, 2 input, "
          "3 stopped, 130/143 interrupted).", exit_code)
    gauge("last_run_timestamp_seconds", "When this invocation ended (Unix time).", now)
    if last_success is not None:
        gauge("last_success_timestamp_seconds",
              "When a run last finished (exit 0 or 1; Unix time).", last_success)
    try:
        write_to_textfile(str(path), reg)
    except OSError as exc:
        raise OutputError(f"--metrics-file {path} cannot be written: {exc.strerror}",
                          path=path) from exc
