"""The summaries every command hands back: one public, typed interface with stable machine keys.

The `--json` line of upload, delete and validate is what cron jobs parse; the same upload and
delete summaries are stored in the journal's `runs.summary` column; a run report's JSON carries
its summary under `"summary"`. Their keys are snake_case words that do not change with the data
(the report once used English labels such as `"Runs counted (4)"`); human labels belong to the
text formatters only. docs/summaries.md documents every key, and tests/test_summaries.py checks
that page, these types and the commands' real output against one another.

`NotRequired` marks a key that only some runs carry (a reprinted run's `note`, a refused run's
`error`).
"""

from typing import NotRequired, TypedDict


class ReasonCount(TypedDict):
    reason: str
    count: int


class RowReason(TypedDict):
    row: int
    reason: str


class UploadCounts(TypedDict):
    accepted: int
    rejected: int
    invalid: int
    failed: int
    pending: int
    already_present: int


class HttpCounts(TypedDict, total=False):
    """The client's counters; empty when nothing was sent in this invocation."""

    requests: int
    retries: int
    throttled: int
    server_errors: int
    network_errors: int
    bad_answers: int
    splits: int


class AlreadySentAs(TypedDict):
    run_id: str
    file: str
    finished_at: str | None


class UploadSummary(TypedDict):
    """`upload --json`, and an upload run's `summary` in the journal."""

    run_id: str
    state: str
    exit_code: int
    campaign_id: int | str | None  # a legacy campaign's number, a v1 campaign's UUID
    file: str | None
    endpoint: str | None
    rows: int
    counts: UploadCounts
    confirmed_on_resume: int
    top_reasons: list[ReasonCount]
    sent_this_time: int
    skipped_known: int
    resumed: bool
    http: HttpCounts
    wall_seconds: float
    started_at: str
    finished_at: str
    version: str
    already_finished: bool
    results: str
    failures: str
    message: str | None
    outputs_written: NotRequired[bool]
    note: NotRequired[str]
    reprinted_at: NotRequired[str]
    already_sent_as: NotRequired[AlreadySentAs]


class DeleteCounts(TypedDict):
    deleted: int
    absent: int
    busy: int
    left: int
    rejected: int
    invalid: int
    failed: int
    pending: int


class DeleteSummary(TypedDict):
    """`delete --json`, and a delete run's `summary` in the journal."""

    run_id: str
    kind: str
    state: str
    exit_code: int
    campaign_id: int | str | None  # a legacy campaign's number, a v1 campaign's UUID
    endpoint: str | None
    file: str | None
    source_run: str | None
    records: int
    counts: DeleteCounts
    confirmed_on_resume: int
    top_reasons: list[ReasonCount]
    left_reasons: list[ReasonCount]
    sent_this_time: int
    resumed: bool
    wall_seconds: float
    message: str | None
    started_at: str
    finished_at: str
    version: str
    note: NotRequired[str]


class RefusedSummary(TypedDict):
    """The journal's `summary` of a run that failed while loading its file (nothing sent)."""

    run_id: str
    state: str
    exit_code: int
    error: str


# How the file's columns were read (readers' Mapping.as_json); its keys name the vendor's columns.
Columns = TypedDict("Columns", {"customer-id": str | None, "schedule-date-time": str | None,
                                "time-zone": str | None})


class TimeZoneUsed(TypedDict):
    zone: str | None
    source: str | None


class Sample(TypedDict):
    row: int
    value: str
    zone: str
    utc: str


class MappingJson(TypedDict):
    columns: Columns
    time_zone: TimeZoneUsed
    samples: list[Sample]


class DryRunSummary(TypedDict):
    """`upload --dry-run --json`: what the run would send; nothing is journaled."""

    dry_run: bool
    campaign_id: int | str  # a legacy campaign's number, a v1 campaign's UUID
    campaign_name: str | None
    file: str
    rows: int
    would_send: int
    with_schedule: int
    chunks: int
    invalid: int
    top_reasons: list[ReasonCount]
    first_invalid: list[RowReason]
    preflight: bool
    columns: Columns
    time_zone: TimeZoneUsed
    samples: list[Sample]
    wall_seconds: float


class ValidateSummary(TypedDict):
    """`validate --json`."""

    file: str
    read_as: str
    columns: Columns
    time_zone: TimeZoneUsed
    samples: list[Sample]
    rows: int
    header_row: int
    last_line: int | None
    valid: int
    with_schedule: int
    without_schedule: int
    invalid: int
    top_reasons: list[ReasonCount]
    first_invalid: list[RowReason]
    invalid_out: str | None
    api: NotRequired[str]  # only with --api campaigns-v1
    priority_column: NotRequired[str | None]
    rank_column: NotRequired[str | None]


class ErrorSummary(TypedDict):
    """Any command's `--json` when it stops on an error before a summary exists."""

    error: str
    exit_code: int
    finished_at: str
    version: str


class ReportReason(TypedDict):
    reason: str
    message: str
    records: int


class ReportNeed(TypedDict):
    group: str
    what_to_do: str
    records: int


class RunNotCounted(TypedDict):
    run_id: str
    why: str


class RunOpen(TypedDict):
    run_id: str
    open_records: int


class Reconciliation(TypedDict):
    """A reconciled report: the campaign's records now against what the journal expects."""

    campaign_records_now: int
    journal_expects: int
    difference: int
    accepted_not_removed: NotRequired[int]
    found_in_campaign: NotRequired[int]
    not_in_campaign: NotRequired[int]
    campaign_not_from_run: NotRequired[int | None]
    deleted_yet_in_campaign: NotRequired[int]
    runs_counted: list[str]
    runs_not_counted: list[RunNotCounted]
    unfinished_runs: list[RunOpen]


class Advice(TypedDict):
    cause: str
    narrow_it_down: str


class CampaignRecords(TypedDict, total=False):
    """The campaign's records by status, status code and disposition (label -> count)."""

    records: int
    by_status: dict[str, int]
    by_status_code: dict[str, int]
    by_disposition: dict[str, int]


class RunReportSummary(TypedDict):
    """`report RUN_ID --format json`: the document's `summary` object."""

    run_id: str
    kind: str
    state: str
    exit_code: int | None
    file: str | None
    source_run: str | None
    campaign_id: int | str | None  # a legacy campaign's number, a v1 campaign's UUID
    campaign_state: str | None
    endpoint: str | None
    started_at: str | None
    finished_at: str | None
    rows_in_report: int
    later_delete_runs: list[str]
    removed_since: int
    outcomes: dict[str, int]
    top_reasons: list[ReportReason]
    needs: list[ReportNeed]
    reconciliation: NotRequired[Reconciliation]
    reconciliation_advice: NotRequired[list[Advice]]
    campaign_records: NotRequired[CampaignRecords]
    note: NotRequired[str]


class PeriodSpan(TypedDict):
    since: str
    until: str


class PeriodTotals(TypedDict):
    """Figures of a period (`loads`, `records`, each outcome, `delete-records`), by name."""

    this: dict[str, int]
    previous: dict[str, int]
    change: dict[str, int]


# One run's line in a period report: the CSV's columns (`started`, `run`, `kind`, `file`,
# `state`, `exit-code`, `wall-seconds`, the outcome counts, `counted`) as keys.
RunLine = dict[str, str | int | float | None]


class PeriodReportDocument(TypedDict):
    """`report --campaign ID --since WHEN --format json`: the whole document."""

    campaign: int | str  # a legacy campaign's number, a v1 campaign's UUID
    endpoint: str | None
    since: str
    until: str
    timezone: str
    not_counted: list[RunLine]
    per_day: list[dict[str, str | int]]
    top_reasons: list[ReportReason]
    previous_period: PeriodSpan
    totals: PeriodTotals
    runs: list[RunLine]


# What each command prints with --json (and what the journal stores), for docs and tests.
COMMAND_SUMMARIES: dict[str, type] = {
    "upload": UploadSummary,
    "upload --dry-run": DryRunSummary,
    "delete": DeleteSummary,
    "validate": ValidateSummary,
    "report": RunReportSummary,
    "report --campaign": PeriodReportDocument,
    "error": ErrorSummary,
}

__all__ = [
    "Advice", "AlreadySentAs", "COMMAND_SUMMARIES", "CampaignRecords", "DeleteCounts",
    "DeleteSummary", "DryRunSummary", "ErrorSummary", "HttpCounts", "Columns", "MappingJson", "TimeZoneUsed", "Sample",
    "ReasonCount", "Reconciliation", "RefusedSummary", "ReportNeed", "ReportReason", "RowReason",
    "RunNotCounted", "RunOpen", "RunReportSummary", "UploadCounts", "UploadSummary",
    "ValidateSummary", "PeriodReportDocument", "PeriodSpan", "PeriodTotals",
]
