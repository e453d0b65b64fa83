"""Everything written for people after (or about) a run: the streaming table writers (CSV, JSON,
XLSX), results and failures files, run and period reports, reconciliation against the campaign,
the words for each outcome, and the campaign view.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bulk_loader.lazy import lazy_names

if TYPE_CHECKING:
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
        RECON_LABELS,
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
        atomic_output,
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

# Each name is imported on first use (PEP 562), so that a command loads only what it runs:
# `bulk-loader --version` took 0.10 s with each subpackage loaded whole, 0.06 s this way.
_WHERE = {
    "CountTable": "_xlsx",
    "DataSheet": "_xlsx",
    "FAILED_STATES": "_results",
    "NOT_MATCHABLE": "_run",
    "PeriodReport": "_period",
    "RESULTS_SHEET_MAX": "_run",
    "RecordSummary": "_campaign_view",
    "RunFilter": "_runs_filter",
    "RECON_LABELS": "_run",
    "RunReport": "_run",
    "STDOUT": "_writers",
    "Summary": "_xlsx",
    "UNKNOWN_TODO": "_words",
    "Workspace": "_reconcile",
    "XlsxReport": "_xlsx",
    "campaign_status": "_campaign_fetch",
    "check_writable": "_results",
    "csv_safe": "_writers",
    "customer_id_of": "_reconcile",
    "decoded_rows": "_campaign_view",
    "failures_path_for": "_results",
    "fast_lines": "_results",
    "needs_rows": "_words",
    "ordered": "_words",
    "output_format": "_writers",
    "parse_status_filter": "_campaign_view",
    "plain": "_words",
    "report_zone": "_time",
    "since_iso": "_runs_filter",
    "stream_records": "_campaign_fetch",
    "atomic_output": "_writers",
    "write_csv": "_writers",
    "write_failures": "_results",
    "write_json": "_writers",
    "write_jsonl": "_writers",
    "write_period_report": "_period",
    "write_records": "_campaign_view",
    "write_results": "_results",
    "write_run_report": "_run",
    "write_xlsx": "_xlsx",
}

__all__ = [
    "CountTable",
    "DataSheet",
    "FAILED_STATES",
    "NOT_MATCHABLE",
    "PeriodReport",
    "RESULTS_SHEET_MAX",
    "RecordSummary",
    "RunFilter",
    "RECON_LABELS",
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
    "atomic_output",
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


__getattr__ = lazy_names(__name__, _WHERE, globals())
