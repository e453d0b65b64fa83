"""A run's report: its records from the journal, later deletions, and (reconciled) the campaign.

    with Workspace() as ws:
        rep = RunReport(journal, run, ws)          # ws may be None: no deletions, no campaign
        rep.load_deletions(); rep.load_campaign(records_iterator)   # optional
        for row in rep.rows(): ...                 # streamed; counts fill in as rows pass
        rep.summary_dict()                         # once rows() is consumed

An upload's record accepted and later removed by a delete run (same campaign and endpoint) shows
as outcome `deleted`, with that run in `deleted-by`: an undone upload reads as undone. Only a
removal of this run's own holding counts (journal/holdings.py), not one of the same id held by another run.

CSV and JSON carry the journal's values (UTC ISO 8601 text); the XLSX gets typed cells: times as
local Excel date-times (report_time.Localizer, the zone named in the header) and every id that is
a whole number as a number, on every sheet. A run of more than RESULTS_SHEET_MAX rows keeps its
per-row results (and a campaign of more than that its records) in a CSV beside the workbook,
which the Summary names: a 5M-row sheet takes minutes to write and Excel struggles to open it.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from bulk_loader import spec
from bulk_loader.journal import OPEN_CHUNK_STATES, Journal, Record, Run, holdings
from bulk_loader.reports._advice import advice, journal_expectation
from bulk_loader.reports._campaign_view import RecordSummary, label
from bulk_loader.reports._reconcile import CampaignLoad, Workspace, batched
from bulk_loader.reports._results import outcome_of
from bulk_loader.reports._time import Localizer
from bulk_loader.reports._words import FAILURES, OPEN_OUTCOMES, needs_rows, ordered, reason_rows
from bulk_loader.reports._xlsx import CountTable, Table
from bulk_loader.states import DONE_DELETE_STATES, DONE_UPLOAD_STATES
from bulk_loader.summaries import (
    Advice,
    Reconciliation,
    ReportNeed,
    ReportReason,
    RunNotCounted,
    RunOpen,
    RunReportSummary,
)

BASE_HEADERS = ("row", "customer-id", "schedule-date-time", "outcome", "http-status", "message",
                "attempts", "deleted-by")
MATCH_HEADERS = ("in-campaign", "campaign-status", "campaign-status-code",
                 "campaign-disposition", "check")
# Not done: the failures and everything still open (pending, in flight, busy...).
FAILED = tuple(dict.fromkeys((*FAILURES, *OPEN_OUTCOMES, *OPEN_CHUNK_STATES)))
NOT_SENT_YET = "not sent yet: re-run the same command"  # an open row has no message of its own
SUCCESS = {"upload": DONE_UPLOAD_STATES, "delete": DONE_DELETE_STATES}
RESULTS_SHEET_MAX = 250_000  # per-row sheets beyond this go to a CSV beside the XLSX
TOP_REASONS = 10
# The reconciliation's figures in words, in the XLSX Summary's order.
RECON_LABELS = {
    "campaign_records_now": "Campaign records now",
    "journal_expects": "Journal: accepted minus deleted, all runs on this campaign",
    "difference": "Difference (campaign - journal)",
    "accepted_not_removed": "This run: accepted and not removed since",
    "found_in_campaign": "  found in the campaign",
    "not_in_campaign": "  not in the campaign (deleted since)",
    "campaign_not_from_run": "Campaign records not from this run",
    "deleted_yet_in_campaign": "This run: deleted or absent, yet in the campaign",
}
NOT_MATCHABLE = ("The campaign's records do not name their customer ids (the vendor's view shows "
                 "only a record-id), so they are compared by count, not one by one.")


class RunReport:
    def __init__(self, journal: Journal, run: Run, workspace: Workspace | None = None) -> None:
        self.journal = journal
        self.run = run
        self.ws = workspace
        self.deletion_runs: list[str] = []
        self.campaign: CampaignLoad | None = None
        self.campaign_summary = RecordSummary()
        self.outcomes: Counter[str] = Counter()
        self.deleted_since = 0  # success of this run, removed by a later delete run
        self.found = 0  # success of this run, found in the campaign (matchable only)
        self.missing = 0  # upload: accepted, not deleted by us, not in the campaign
        self.still_there = 0  # delete: deleted/absent, yet in the campaign
        self.rows_seen = 0
        self.local = Localizer(None)  # the XLSX's zone (report_time.report_zone)
        self.campaign_state: str | None = None  # "Manual Purged (10)", when it was fetched
        # (rows_seen, facts): the facts cost journal counts and a campaign scan; reuse them
        # while no more rows have been walked.
        self._recon: tuple[int, Reconciliation] | None = None

    # -- loading ---------------------------------------------------------------------------------
    def load_deletions(self) -> None:
        if self.ws is None or self.run.kind != "upload":
            return
        runs = self.journal.later_runs(self.run, "delete")
        if runs:
            self.ws.load_deletions(self.journal, runs)
            self.deletion_runs = [r.run_id for r in runs]

    def load_campaign(self, records: Iterable[Mapping[str, Any]],
                      keep_all: bool = True, keep_max: int | None = None) -> CampaignLoad:
        """keep_all: every record is kept for a Campaign sheet (XLSX), not only matchable ones,
        up to keep_max records (past it there is no Campaign sheet)."""
        assert self.ws is not None, "reconciling needs a Workspace"
        self.campaign = self.ws.load_campaign(records, self.campaign_summary, keep_all,
                                              keep_max)
        return self.campaign

    @property
    def matchable(self) -> bool:
        return self.campaign is not None and self.campaign.matchable

    @property
    def headers(self) -> tuple[str, ...]:
        return BASE_HEADERS + (MATCH_HEADERS if self.matchable else ())

    # -- rows ------------------------------------------------------------------------------------
    def rows(self) -> Iterator[tuple[Any, ...]]:
        """Every journaled row of the run, in row order (counted as it goes)."""
        success = SUCCESS.get(self.run.kind, DONE_UPLOAD_STATES)
        for batch in batched(self.journal.iter_records(self.run)):
            ids = [r.customer_id for r in batch if isinstance(r.customer_id, int)]
            gone = self._removed_own(ids) if self.deletion_runs else {}
            seen = self.ws.in_campaign(ids) if self.ws is not None and self.matchable else {}
            if self.ws is not None and self.matchable:
                self.ws.note_run_ids(r.customer_id for r in batch if r.state in success)
            for rec in batch:
                yield self._row(rec, success, gone, seen)

    def _removed_own(self, ids: list[int]) -> dict[Any, str]:
        """{customer_id: run_id of the run that removed it} for the ids whose holding this run
        had (journal/holdings.py): another run's undo of the same ids did not remove this run's own."""
        facts = holdings.history(self.journal.conn, self.journal.scope(self.run), ids)
        out = {cid: removed for cid, (seq, _, removed) in facts.items()
               if seq == self.run.seq and removed is not None}
        later = [cid for cid, (seq, _, _) in facts.items() if seq > self.run.seq]
        if later and self.ws is not None:  # removed, then added again by a later run
            out.update(self.ws.deleted_by(later))
        return out

    def _row(self, rec: Record, success: tuple[str, ...], gone: Mapping[Any, str],
             seen: Mapping[Any, tuple[Any, Any, Any]]) -> tuple[Any, ...]:
        outcome, message = outcome_of(rec.state), rec.message
        if outcome in OPEN_OUTCOMES and not message:
            message = NOT_SENT_YET
        by = gone.get(rec.customer_id) if rec.state == "accepted" else None
        if by is not None:
            outcome = "deleted"
            message = f"accepted, then removed by {by}" + (f" ({message})" if message else "")
        row: tuple[Any, ...] = (rec.row, rec.customer_id, rec.schedule, outcome, rec.http_status,
                                message, rec.attempts, by)
        in_campaign = seen.get(rec.customer_id)
        self.rows_seen += 1
        self.outcomes[outcome] += 1
        if by is not None:
            self.deleted_since += 1
        if not self.matchable:
            return row
        check = ""
        if rec.state in success:
            if in_campaign is not None and self.run.kind == "upload" and by is None:
                self.found += 1
            elif in_campaign is None and self.run.kind == "upload" and by is None:
                check = "deleted since: not in the campaign any more"
                self.missing += 1
            elif in_campaign is not None and (self.run.kind == "delete" or by is not None):
                check = "still in the campaign"
                self.still_there += 1
        if in_campaign is None:
            return row + ("no", None, None, None, check)
        status, code, disp = in_campaign
        return row + ("yes", label(spec.RECORD_STATUS, status), label(spec.STATUS_CODE, code),
                      label(spec.DISPOSITION_CODE, disp), check)

    def failure_rows(self, original: Iterator[tuple[int, Sequence[Any]]] | None,
                     width: int) -> Iterator[tuple[Any, ...]]:
        """Failed rows as (row, *original cells, outcome, reason); `original` is the input
        re-read as (row, cells) in row order, or None (then the journal's id and schedule)."""
        failed = self.journal.iter_records(self.run, FAILED)
        rec: Record | None
        if original is None:
            for rec in failed:
                yield (rec.row, rec.customer_id, rec.schedule, outcome_of(rec.state), _reason(rec))
            return
        rec = next(failed, None)
        if rec is None:
            return  # no failure: the file is not even opened
        for row, cells in original:
            while rec is not None and rec.row < row:
                yield (rec.row, *([None] * width), outcome_of(rec.state), _reason(rec))
                rec = next(failed, None)
            if rec is None:
                return
            if rec.row == row:
                padded = tuple(cells[:width]) + (None,) * (width - len(cells))
                yield (rec.row, *padded, outcome_of(rec.state), _reason(rec))
                rec = next(failed, None)
        while rec is not None:  # past the file's end (it changed): keep every failure
            yield (rec.row, *([None] * width), outcome_of(rec.state), _reason(rec))
            rec = next(failed, None)

    @property
    def campaign_headers(self) -> tuple[str, ...]:
        if self.matchable:
            return ("record-id", "customer-id", "status", "status-code", "disposition",
                    "phone-list", "ext-trans-data", "from-this-run")
        return ("record-id", "status", "status-code", "disposition", "phone-list",
                "ext-trans-data")

    def campaign_rows(self) -> Iterator[tuple[Any, ...]]:
        """The campaign's records as received, decoded (after rows(), for from-this-run)."""
        assert self.ws is not None
        match = self.matchable
        for (rid, cid, status, code, disp, phones, ext), mine in self.ws.campaign_rows():
            named = (label(spec.RECORD_STATUS, status), label(spec.STATUS_CODE, code),
                     label(spec.DISPOSITION_CODE, disp), phones, ext)
            yield (rid, cid, *named, "yes" if mine else "no") if match else (rid, *named)

    # -- summary -----------------------------------------------------------------------------
    def facts(self, typed: bool = False) -> list[tuple[str, Any]]:
        """The run's facts; `typed`: times as local datetimes, the zone in their labels."""
        r = self.run
        if typed:
            started = (self.local.header("Started"), self.local.local(r.created_at))
            finished = (self.local.header("Finished"), self.local.local(r.finished_at))
        else:
            started, finished = ("Started (UTC)", r.created_at), ("Finished (UTC)", r.finished_at)
        facts: list[tuple[str, Any]] = [
            ("Run", r.run_id), ("Kind", r.kind), ("State", r.state), ("Exit code", r.exit_code),
            ("File", r.file_path), ("Source run", r.source_run), ("Campaign", r.campaign_id),
            ("Campaign state", self.campaign_state),
            ("Endpoint", r.endpoint), started, finished, ("Rows in the report", self.rows_seen),
        ]
        if self.deletion_runs:
            facts.append(("Later delete runs", ", ".join(self.deletion_runs)))
            facts.append(("Records removed since by them", self.deleted_since))
        return [(k, v) for k, v in facts if v is not None]

    def reconciliation(self) -> Reconciliation | None:
        """The campaign's records now against the journal's expectation (machine keys), or
        None before load_campaign."""
        if self.campaign is None:
            return None
        if self._recon is not None and self._recon[0] == self.rows_seen:
            return self._recon[1]
        expected = journal_expectation(self.journal, self.run)
        out = Reconciliation(
            campaign_records_now=self.campaign.records, journal_expects=expected.records,
            difference=self.campaign.records - expected.records,
            runs_counted=list(expected.counted),
            runs_not_counted=[RunNotCounted(run_id=r, why=why)
                              for r, why in expected.not_counted],
            unfinished_runs=[RunOpen(run_id=r, open_records=n) for r, n in expected.unfinished])
        if self.run.kind == "upload":
            out["accepted_not_removed"] = self.outcomes.get("accepted", 0)
            if self.matchable:
                out["found_in_campaign"] = self.found
                out["not_in_campaign"] = self.missing
                out["campaign_not_from_run"] = (self.ws.campaign_not_in_run()
                                                if self.ws is not None else None)
        elif self.matchable:
            out["deleted_yet_in_campaign"] = self.still_there
        self._advice = advice(self.campaign.records - expected.records, self.run.campaign_id,
                              expected, self.campaign_state)
        self._recon = (self.rows_seen, out)
        return out

    def reconcile_facts(self) -> list[tuple[str, Any]]:
        """The reconciliation in words, for the XLSX Summary (the JSON has reconciliation())."""
        recon = self.reconciliation()
        if recon is None:
            return []
        facts: list[tuple[str, Any]] = [(RECON_LABELS[k], recon.get(k)) for k in RECON_LABELS
                                        if k in recon]
        counted = recon["runs_counted"]
        facts.append((f"Runs counted ({len(counted)})", ", ".join(counted)))
        if recon["runs_not_counted"]:
            facts.append((f"Runs not counted ({len(recon['runs_not_counted'])})",
                          ", ".join(f"{r['run_id']} ({r['why']})"
                                    for r in recon["runs_not_counted"])))
        if recon["unfinished_runs"]:
            facts.append(("Unfinished runs", ", ".join(
                f"{r['run_id']} ({r['open_records']:,} records open)"
                for r in recon["unfinished_runs"])))
        return facts

    def advice(self) -> list[tuple[str, str]]:
        """(likely cause, how to narrow it down) for a difference; after reconcile_facts()."""
        self.reconcile_facts()
        return getattr(self, "_advice", [])

    def top_reasons(self) -> list[tuple[str, int]]:
        return self.journal.top_reasons(self.run, TOP_REASONS, FAILURES)

    def outcome_counts(self) -> list[tuple[str, int]]:
        return ordered(self.outcomes)

    def count_tables(self) -> list[CountTable | Table]:
        """The Summary's tables: outcomes, top reasons (charted), what each group needs, the
        reconciliation and its advice, the campaign's breakdown."""
        tables: list[CountTable | Table] = [
            CountTable("Outcomes of this run", "Outcome", self.outcome_counts())]
        top = self.top_reasons()
        reasons = reason_rows(top)
        if reasons:
            tables.append(Table("Top reasons records were not taken",
                                ("Reason", "Message (as given)", "Records"), reasons,
                                chart="bar", value_cols=(2,)))
        needs = needs_rows(self.outcomes, top)
        if needs:
            tables.append(Table("What each group needs", ("Group", "What to do", "Records"),
                                needs))
        if self.campaign is not None:
            todo = self.advice()
            if todo:
                tables.append(Table("The difference: likely causes and how to narrow it down",
                                    ("Likely cause", "How to narrow it down"), todo))
            tables += self.campaign_summary.count_tables()
        return tables

    def notes(self) -> list[str]:
        if self.campaign is not None and not self.campaign.matchable:
            return [NOT_MATCHABLE]
        return []

    def summary_dict(self) -> RunReportSummary:
        """The report's summary with machine keys (bulk_loader/summaries.py,
        docs/summaries.md); the words are the text formatter's and the XLSX's."""
        r = self.run
        top = self.top_reasons()
        out = RunReportSummary(
            run_id=r.run_id, kind=r.kind, state=r.state, exit_code=r.exit_code,
            file=r.file_path, source_run=r.source_run, campaign_id=r.campaign_id,
            campaign_state=self.campaign_state, endpoint=r.endpoint,
            started_at=r.created_at, finished_at=r.finished_at, rows_in_report=self.rows_seen,
            later_delete_runs=list(self.deletion_runs), removed_since=self.deleted_since,
            outcomes=dict(self.outcome_counts()),
            top_reasons=[ReportReason(reason=p, message=m, records=n)
                         for p, m, n in reason_rows(top)],
            needs=[ReportNeed(group=g, what_to_do=w, records=n)
                   for g, w, n in needs_rows(self.outcomes, top)])
        recon = self.reconciliation()
        if recon is not None:
            out["reconciliation"] = recon
            out["reconciliation_advice"] = [Advice(cause=c, narrow_it_down=h)
                                            for c, h in self.advice()]
            out["campaign_records"] = self.campaign_summary.as_summary()
            if self.notes():
                out["note"] = self.notes()[0]
        return out


def original_rows(run: Run) -> tuple[list[str], Iterator[tuple[int, Sequence[Any]]]] | None:
    """The run's input file re-read as (row, cells), if it is still there and unchanged."""
    headers = run.settings.get("headers")
    if not run.file_path or not headers or not os.path.isfile(run.file_path):
        return None
    from bulk_loader.runs import file_sha256

    if run.file_sha256 and file_sha256(Path(run.file_path)) != run.file_sha256:
        return None
    from bulk_loader.model import ReaderOptions
    from bulk_loader.readers import iter_rows

    reader = ReaderOptions(**(run.settings.get("reader") or {}))
    return list(headers), iter_rows(run.file_path, **reader.kwargs())


def _reason(rec: Record) -> str | None:
    """The failure's message; an open row (never answered) says what to do instead."""
    if not rec.message and outcome_of(rec.state) in OPEN_OUTCOMES:
        return NOT_SENT_YET
    return rec.message


def as_id(value: Any) -> Any:
    """An id that is a whole number, as a number (a CSV cell reads as text): one type per sheet,
    so that a lookup between sheets matches. Anything else stays as it was."""
    if type(value) is str:
        text = value.strip()
        if text.isascii() and text.isdecimal() and len(text.lstrip("0")) <= 15:
            return int(text)  # 00012345 too: the id sent was 12345, a number on Results
    return value


def typed(rows: Iterable[Sequence[Any]], local: Localizer, id_col: int | None,
          time_cols: Sequence[int]) -> Iterator[tuple[Any, ...]]:
    """Rows as the XLSX shows them: the id a number, the times local date-times."""
    for row in rows:
        out = list(row)
        if id_col is not None and id_col < len(out) and type(out[id_col]) is not int:
            out[id_col] = as_id(out[id_col])
        for i in time_cols:
            if i < len(out) and out[i] is not None:
                out[i] = local.local(out[i])
        yield tuple(out)


def side_csv(path: str | os.PathLike[str], part: str) -> Path:
    """`out/report.xlsx` -> `out/report.results.csv`."""
    p = Path(path)
    return p.with_name(f"{p.stem}.{part}.csv")


def write_run_report(path: str | os.PathLike[str], rep: RunReport, fmt: str | None = None,
                     *, sheet_max: int = RESULTS_SHEET_MAX) -> list[tuple[str, int]]:
    """Write the report as `fmt` (default: by extension; `path` "-" is stdout); returns
    (part, rows) written (sheets for XLSX, and any CSV left beside it)."""
    from bulk_loader.reports._writers import output_format, write_csv, write_json, write_jsonl

    fmt = output_format(path, fmt)
    if fmt == "csv":
        return [("rows", write_csv(path, rep.headers, rep.rows()))]
    if fmt == "jsonl":
        return [("rows", write_jsonl(path, rep.headers, rep.rows()))]
    if fmt == "json":
        n = write_json(path, rep.headers, rep.rows(), head={"run": rep.run.run_id},
                       tail=lambda: {"summary": rep.summary_dict()})
        return [("records", n)]
    return _write_xlsx(path, rep, sheet_max)


def _write_xlsx(path: str | os.PathLike[str], rep: RunReport,
                sheet_max: int) -> list[tuple[str, int]]:
    from bulk_loader.reports._writers import write_csv
    from bulk_loader.reports._xlsx import DataSheet, Summary, write_xlsx

    counts = rep.journal.counts(rep.run)
    any_failed = any(counts.get(s) for s in FAILED)
    original = original_rows(rep.run) if any_failed else None  # hashing 5M rows costs seconds
    local = rep.local
    # A Campaigns API v1 run's ids are text: "00123" and "123" are two customers, never numbers.
    id_col: int | None = None if rep.run.text_ids else 1
    if original is not None:
        file_headers, cells = original
        id_i, sched_i = rep.run.settings.get("id_index"), rep.run.settings.get("schedule_index")
        if rep.run.text_ids:
            id_i = None
        fail_headers = ("row", *file_headers, "outcome", "reason")
        failures = typed(rep.failure_rows(cells, len(file_headers)), local,
                         None if id_i is None else id_i + 1,
                         () if sched_i is None else (sched_i + 1,))
        if sched_i is not None:
            fail_headers = tuple(local.header(h) if i == sched_i + 1 else h
                                 for i, h in enumerate(fail_headers))
    else:
        fail_headers = ("row", "customer-id", local.header("schedule-date-time"), "outcome",
                        "reason")
        failures = typed(rep.failure_rows(None, 0), local, id_col, (2,))
    headers = tuple(local.header(h) if h == "schedule-date-time" else h for h in rep.headers)
    left: list[tuple[str, Path, int, str]] = []  # (what, csv path, rows, sheet left out)
    notes: list[str] = []

    def sheets() -> Iterator[DataSheet]:
        total = sum(counts.values())
        if total > sheet_max:
            side = side_csv(path, "results")
            n = write_csv(side, rep.headers, rep.rows())
            left.append(("Per-row results", side, n, "Results"))
        else:
            yield DataSheet("Results", headers, typed(rep.rows(), local, id_col, (2,)))
        yield DataSheet("Failures", fail_headers, failures)
        if rep.campaign is not None:
            if rep.campaign.records > sheet_max:
                notes.append(
                    f"The campaign's {rep.campaign.records:,} records are counted here, not "
                    f"listed (past {sheet_max:,} rows a sheet takes minutes to write and Excel "
                    f"struggles to open it): `bulk-loader records --campaign "
                    f"{rep.run.campaign_id} --output records.csv` writes every one.")
            else:
                yield DataSheet("Campaign", rep.campaign_headers, rep.campaign_rows())

    def summary() -> Summary:
        beside = [f"{what}: {n:,} rows, in {csv_path.name} beside this workbook (no {sheet} "
                  f"sheet: past {sheet_max:,} rows a sheet takes minutes to write and Excel "
                  "struggles to open it; the Summary and Failures cover the whole run)."
                  for what, csv_path, n, sheet in left]
        return Summary(f"bulk-loader report: {rep.run.run_id}",
                       rep.facts(typed=True) + rep.reconcile_facts(), rep.count_tables(),
                       beside + notes + rep.notes())

    parts = write_xlsx(path, sheets(), summary)
    return parts + [(side.name, n) for _, side, n, _ in left]
