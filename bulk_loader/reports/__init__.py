"""Everything written for people after (or about) a run: the streaming table writers (CSV, JSON,
XLSX), results and failures files, run and period reports, reconciliation against the campaign,
the words for each outcome, and the campaign view.
"""

from bulk_loader.reports._campaign_fetch import (
    campaign_status,
    stream_records,
)
from bulk_loader.reports._campaign_view import (
    RecordSummary,
    decoded_rows,
    parse_status_filter,
    write_records,
)
from bulk_loader.reports._period import (
    PeriodReport,
    write_period_report,
)
from bulk_loader.reports._reconcile import (
    Workspace,
    customer_id_of,
)
from bulk_loader.reports._results import (
    FAILED_STATES,
    check_writable,
    failures_path_for,
    fast_lines,
    write_failures,
    write_results,
)
from bulk_loader.reports._run import (
    NOT_MATCHABLE,
    RESULTS_SHEET_MAX,
    RunReport,
    write_run_report,
)
from bulk_loader.reports._runs_filter import (
    RunFilter,
    since_iso,
)
from bulk_loader.reports._time import (
    report_zone,
)
from bulk_loader.reports._words import (
    UNKNOWN_TODO,
    needs_rows,
    ordered,
    plain,
)
from bulk_loader.reports._writers import (
    STDOUT,
    csv_safe,
    output_format,
    write_csv,
    write_json,
    write_jsonl,
)
from bulk_loader.reports._xlsx import (
    CountTable,
    DataSheet,
    Summary,
    XlsxReport,
    write_xlsx,
)

__all__ = [
    "CountTable",
    "DataSheet",
    "FAILED_STATES",
    "NOT_MATCHABLE",
    "PeriodReport",
    "RESULTS_SHEET_MAX",
    "RecordSummary",
    "RunFilter",
    "RunReport",
    "STDOUT",
    "Summary",
    "UNKNOWN_TODO",
    "Workspace",
    "XlsxReport",
    "campaign_status",
    "check_writable",
    "csv_safe",
    "customer_id_of",
    "decoded_rows",
    "failures_path_for",
    "fast_lines",
    "needs_rows",
    "ordered",
    "output_format",
    "parse_status_filter",
    "plain",
    "report_zone",
    "since_iso",
    "stream_records",
    "write_csv",
    "write_failures",
    "write_json",
    "write_jsonl",
    "write_period_report",
    "write_records",
    "write_results",
    "write_run_report",
    "write_xlsx",
]
