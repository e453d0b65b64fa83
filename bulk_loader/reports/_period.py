"""The period report: every run on one campaign between two moments, the week at a glance.

`bulk-loader report --campaign ID --since WHEN [--until WHEN]` answers a campaign manager's
questions about a period: what ran (one line per run: when, which file, counts by outcome, wall
time, exit code), how each day went (accepted, already present, rejected, invalid per day, charted),
why records were not taken (the top reasons over the period), and how this period compares with
the one before it, of equal length.

A run that failed before sending (state `failed`), that had no rows, or that the campaign refused
(exit 4) before taking anything took nothing: it is listed apart ("not counted") and never counted
as a load, in this period or the previous one. "records" counts upload rows; the rows of delete
runs are "delete-records", apart. Wall time is the run's own `wall_seconds` when its summary has
it (a run resumed days later is not days long), else finished minus created.

Only runs are held in memory (hundreds, not records): counts come from the journal's per-run
counts, reasons from one grouped query over the outcome rows of the runs counted.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from bulk_loader.errors import EXIT_CAMPAIGN
from bulk_loader.journal import Journal, Run, run_ids_started_between
from bulk_loader.reports._advice import not_a_load
from bulk_loader.reports._time import Localizer
from bulk_loader.reports._words import FAILURES, ORDER, reason_rows
from bulk_loader.reports._xlsx import DataSheet, Summary, Table
from bulk_loader.states import DAY_OUTCOMES, DONE_STATES
from bulk_loader.summaries import PeriodReportDocument

# records: rows of the uploads counted; delete-records: rows of the delete runs, kept apart.
# The period document's keys (docs/summaries.md), not a set of states: outcomes beside counts.
TOTALS = ("loads", "records", "accepted", "already-present", "rejected", "invalid", "failed",
          "pending", "delete-records", "deleted", "absent")
TOP_REASONS = 10


def iso_utc(moment: datetime) -> str:
    """A moment as the journal writes its times (so that text comparison is time order)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _parse(ts: str | None) -> datetime | None:
    return datetime.fromisoformat(ts) if ts else None


@dataclass
class RunLine:
    run: Run
    counts: dict[str, int]
    not_counted: str | None  # why it is not a load, or None

    @property
    def started(self) -> datetime | None:
        return _parse(self.run.created_at)

    @property
    def wall_s(self) -> float | None:
        """The run's own wall time (`wall_seconds` of its summary: its last invocation's), else
        finished minus created (a run resumed days later was not days long)."""
        own = (self.run.summary or {}).get("wall_seconds")
        if isinstance(own, int | float):
            return round(float(own), 1)
        start, end = _parse(self.run.created_at), _parse(self.run.finished_at)
        return round((end - start).total_seconds(), 1) if start and end else None


@dataclass
class Period:
    start: datetime
    end: datetime
    lines: list[RunLine] = field(default_factory=list)

    @property
    def counted(self) -> list[RunLine]:
        return [ln for ln in self.lines if ln.not_counted is None]

    @property
    def not_counted(self) -> list[RunLine]:
        return [ln for ln in self.lines if ln.not_counted is not None]

    def totals(self) -> dict[str, int]:
        out: Counter[str] = Counter({k: 0 for k in TOTALS})
        for ln in self.counted:
            out["loads"] += ln.run.kind == "upload"
            out["records" if ln.run.kind == "upload" else "delete-records"] += sum(
                ln.counts.values())
            for name, n in ln.counts.items():
                out["pending" if name == "in_flight" else name] += n
        return dict(out)


def load_period(journal: Journal, campaign_id: int | str, start: datetime, end: datetime,
                endpoint: str | None = None) -> Period:
    """The runs on the campaign (on `endpoint` only, when given) started in [start, end)."""
    period = Period(start, end)
    for run_id in list(run_ids_started_between(journal, campaign_id, iso_utc(start),
                                               iso_utc(end), endpoint)):
        run = journal.get_run(run_id)
        counts = journal.counts(run)
        period.lines.append(RunLine(run, counts, _not_counted(run, counts)))
    return period


def _not_counted(run: Run, counts: dict[str, int]) -> str | None:
    """Why a run is no load of the period, or None. A run the campaign refused (exit 4) before
    it took anything is listed apart too (reconciliation still names it as unfinished)."""
    why = not_a_load(run, counts)
    if why is None and run.exit_code == EXIT_CAMPAIGN and not any(
            counts.get(k) for k in DONE_STATES):
        return "refused by the campaign before taking anything (exit 4)"
    return why


def _before(start: datetime, span: timedelta) -> datetime:
    """The previous period's start: `span` before `start`, or the calendar's first moment."""
    try:
        return start - span
    except OverflowError:
        return datetime.min.replace(tzinfo=UTC)


class PeriodReport:
    def __init__(self, journal: Journal, campaign_id: int | str, start: datetime, end: datetime,
                 local: Localizer, endpoint: str | None = None) -> None:
        self.journal = journal
        self.campaign_id = campaign_id
        self.local = local
        self.endpoint = endpoint.rstrip("/") if endpoint else None
        self.this = load_period(journal, campaign_id, start, end, self.endpoint)
        self.previous = load_period(journal, campaign_id, _before(start, end - start), start,
                                    self.endpoint)

    # -- figures ---------------------------------------------------------------------------------
    def outcome_columns(self) -> list[str]:
        seen = {k for ln in self.this.lines for k in ln.counts}
        known = [k for k in ORDER if k in seen or k in DAY_OUTCOMES]
        return known + sorted(seen - set(known))

    def per_day(self) -> list[tuple[date, dict[str, int]]]:
        """Every local day of the period, with the four day outcomes of the loads started then."""
        zone = self.local.zone
        first = self.this.start.astimezone(zone).date()
        last = (self.this.end - timedelta(microseconds=1)).astimezone(zone).date()
        days: dict[date, dict[str, int]] = {}
        day = first
        while day <= last:
            days[day] = {k: 0 for k in DAY_OUTCOMES}
            day += timedelta(days=1)
        for ln in self.this.counted:
            if ln.run.kind != "upload" or ln.started is None:
                continue
            bucket = days.setdefault(ln.started.astimezone(zone).date(),
                                     {k: 0 for k in DAY_OUTCOMES})
            for k in DAY_OUTCOMES:
                bucket[k] += ln.counts.get(k, 0)
        return sorted(days.items())

    def top_reasons(self) -> list[tuple[str, str, int]]:
        seqs = [ln.run.seq for ln in self.this.counted]
        if not seqs:
            return []
        merged: Counter[str] = Counter()
        for seq in seqs:
            for message, n in self.journal.top_reasons(seq, 1_000, FAILURES):
                merged[message] += n
        ranked = sorted(merged.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_REASONS]
        return reason_rows(ranked)

    def comparison(self) -> list[tuple[str, int, int, int, float | None]]:
        """(figure, this period, previous period, change, change in %)."""
        now, before = self.this.totals(), self.previous.totals()
        out = []
        for key in TOTALS:
            a, b = now[key], before[key]
            pct = round(100 * (a - b) / b, 1) if b else None
            out.append((key, a, b, a - b, pct))
        return out

    # -- tables ----------------------------------------------------------------------------------
    def run_headers(self, typed: bool) -> tuple[str, ...]:
        started = self.local.header("started") if typed else "started"
        return (started, "run", "kind", "file", "state", "exit-code", "wall-seconds",
                *self.outcome_columns(), "counted")

    def run_rows(self, lines: Sequence[RunLine], typed: bool) -> Iterator[tuple[Any, ...]]:
        cols = self.outcome_columns()
        for ln in lines:
            r = ln.run
            started = self.local.local(r.created_at) if typed else r.created_at
            source = r.file_path or (f"from {r.source_run}" if r.source_run else None)
            yield (started, r.run_id, r.kind, source, r.state, r.exit_code, ln.wall_s,
                   *(ln.counts.get(c, 0) for c in cols),
                   "yes" if ln.not_counted is None else f"no: {ln.not_counted}")

    def as_dict(self) -> PeriodReportDocument:
        """The JSON document (bulk_loader/summaries.py, docs/summaries.md); `runs` is written
        last, streamed."""
        headers = self.run_headers(False)
        return {
            "campaign": self.campaign_id, "endpoint": self.endpoint,
            "since": iso_utc(self.this.start), "until": iso_utc(self.this.end),
            "timezone": self.local.name,
            "not_counted": [dict(zip(headers, r, strict=True))
                            for r in self.run_rows(self.this.not_counted, False)],
            "per_day": [{"date": d.isoformat(), **v} for d, v in self.per_day()],
            "top_reasons": [{"reason": p, "message": m, "records": n}
                            for p, m, n in self.top_reasons()],
            "previous_period": {"since": iso_utc(self.previous.start),
                                "until": iso_utc(self.previous.end)},
            "totals": {"this": self.this.totals(), "previous": self.previous.totals(),
                       "change": {k: c for k, _, _, c, _ in self.comparison()}},
            "runs": [dict(zip(headers, r, strict=True))
                     for r in self.run_rows(self.this.counted, False)],
        }

    def summary(self) -> Summary:
        loc = self.local
        start, end = loc.local(self.this.start), loc.local(self.this.end)
        title = (f"Campaign {self.campaign_id}: {start:%Y-%m-%d %H:%M} to {end:%Y-%m-%d %H:%M} "
                 f"({loc.name})")
        prev_start = loc.local(self.previous.start)
        facts: list[tuple[str, Any]] = [
            ("Campaign", self.campaign_id), ("Endpoint", self.endpoint or "every endpoint"),
            (loc.header("From"), start),
            (loc.header("Until (not included)"), end),
            (loc.header("Previous period from"), prev_start),
            ("Loads counted", self.this.totals()["loads"]),
            ("Runs counted", len(self.this.counted)),
            ("Runs not counted (failed before sending, refused, or no rows)", len(self.this.not_counted)),
        ]
        days = [(d, *(v[k] for k in DAY_OUTCOMES)) for d, v in self.per_day()]
        tables: list[Table] = [
            Table("This period against the previous one",
                  ("Figure", "This period", "Previous period", "Change", "Change (%)"),
                  self.comparison(), chart="column", value_cols=(1, 2)),
            Table(f"Records per day ({loc.name})", ("Day", *DAY_OUTCOMES), days,
                  chart="stacked", value_cols=tuple(range(1, len(DAY_OUTCOMES) + 1))),
        ]
        reasons = self.top_reasons()
        tables.append(Table("Top reasons records were not taken",
                            ("Reason", "Message (as given)", "Records"), reasons, chart="bar",
                            value_cols=(2,)))
        notes = [] if self.this.lines else ["No run on this campaign started in this period."]
        return Summary(title, facts, tables, notes)


def write_period_report(path: str | os.PathLike[str], rep: PeriodReport,
                        fmt: str | None = None) -> list[tuple[str, int]]:
    """CSV: one line per run (counted or not); JSON: everything; XLSX: Summary, Runs, Not
    counted."""
    from bulk_loader.reports._writers import output_format, write_csv, write_json, write_jsonl
    from bulk_loader.reports._xlsx import write_xlsx

    fmt = output_format(path, fmt)
    lines = rep.this.lines
    if fmt == "csv":
        return [("runs", write_csv(path, rep.run_headers(False), rep.run_rows(lines, False)))]
    if fmt == "jsonl":
        return [("runs", write_jsonl(path, rep.run_headers(False), rep.run_rows(lines, False)))]
    if fmt == "json":
        doc = rep.as_dict()
        head = {k: v for k, v in doc.items() if k != "runs"}
        headers = rep.run_headers(False)
        n = write_json(path, headers, (tuple(r.values()) for r in doc["runs"]), head=head,
                       key="runs")
        return [("runs", n)]

    def sheets() -> Iterator[DataSheet]:
        yield DataSheet("Runs", rep.run_headers(True), rep.run_rows(rep.this.counted, True))
        yield DataSheet("Not counted", rep.run_headers(True),
                        rep.run_rows(rep.this.not_counted, True))

    return write_xlsx(Path(path), sheets(), rep.summary)
