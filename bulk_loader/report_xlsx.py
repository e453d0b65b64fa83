"""The XLSX report for the person who opens it in Excel, written in constant memory.

openpyxl's write-only mode streams each sheet to its own temporary file, so sheets can be filled in
any order: the Summary sheet is created first (it is the first tab) but filled last, once the data
sheets have been streamed and their counts are known.

Each data sheet gets a bold frozen header, an autofilter and columns sized from its first rows (in
write-only mode widths must be set before the first row). A sheet holds at most 1,048,576 rows;
past that the rows continue on "Title (2)", "Title (3)"... and the Summary lists every sheet with
its row count, so nothing is ever cut off silently.

A text cell that Excel could run as a formula (= + - @ tab CR) is written as an explicit string
cell with the quotePrefix style: Excel shows it as text, keeps it as text when edited, never runs it.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.chart import BarChart, PieChart, Reference
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from bulk_loader.report import FORMULA_TRIGGERS, atomic_output

XLSX_MAX_ROWS = 1_048_576  # Excel's hard limit per sheet, header included
SIZE_SAMPLE = 200  # rows looked at to size the columns
MIN_WIDTH, MAX_WIDTH = 8, 60
CHART_ROWS = 16  # rows a chart covers; a table beside a chart is padded to this height

_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")


@dataclass
class DataSheet:
    """A table to stream into one sheet (or several, past the row limit)."""

    title: str
    headers: Sequence[str]
    rows: Iterable[Sequence[Any]]
    autofilter: bool = True


@dataclass
class CountTable:
    """A small `label | Count` table on the Summary sheet, optionally charted."""

    title: str
    label: str
    counts: Sequence[tuple[str, int]]
    chart: str | None = "bar"  # "bar", "pie" or None


@dataclass
class Summary:
    title: str
    facts: Sequence[tuple[str, Any]] = ()
    tables: Sequence[CountTable] = ()
    notes: list[str] = field(default_factory=list)


def _plain(value: Any) -> Any:
    """A value openpyxl can store: aware datetimes to naive UTC, control characters dropped."""
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(UTC).replace(tzinfo=None)
    if isinstance(value, str) and ILLEGAL_CHARACTERS_RE.search(value):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


def _text_cell(ws: Any, value: str) -> Any:
    """Text that Excel could run as a formula, as an explicit string cell shown as text."""
    cell = WriteOnlyCell(ws, value)
    cell.data_type = "s"  # openpyxl made "=..." a formula; this makes it text again
    cell.quotePrefix = True
    return cell


def _cells(ws: Any, row: Sequence[Any]) -> list[Any]:
    # Hot loop (one call per row): ints and None, the common cells, cost one type check.
    out = list(row)
    for i, value in enumerate(out):
        kind = type(value)
        if kind is int or value is None:
            continue
        if kind is str:
            if ILLEGAL_CHARACTERS_RE.search(value):
                value = ILLEGAL_CHARACTERS_RE.sub("", value)
                out[i] = value
            if value.startswith(FORMULA_TRIGGERS):
                out[i] = _text_cell(ws, value)
        else:
            out[i] = _plain(value)
    return out


def _header(ws: Any, headers: Sequence[str]) -> list[Any]:
    cells = []
    for name in headers:
        cell = WriteOnlyCell(ws, _plain(str(name)))
        cell.data_type = "s"
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
        cells.append(cell)
    return cells


def column_widths(headers: Sequence[str], sample: Sequence[Sequence[Any]]) -> list[int]:
    widths = [len(str(h)) + 2 for h in headers]
    for row in sample:
        for i, value in enumerate(row[: len(widths)]):
            if value is not None:
                widths[i] = max(widths[i], len(str(value)) + 1)
    return [min(MAX_WIDTH, max(MIN_WIDTH, w)) for w in widths]


def _sheet_title(base: str, part: int) -> str:
    suffix = "" if part == 1 else f" ({part})"
    return base[: 31 - len(suffix)] + suffix  # Excel's 31-character limit


class XlsxReport:
    """Build a report workbook: data sheets first (streamed), then the Summary (first tab)."""

    def __init__(self, *, max_rows: int = XLSX_MAX_ROWS) -> None:
        if max_rows < 2:
            raise ValueError("max_rows must leave room for a header and a row")
        self.max_rows = max_rows
        self.wb = Workbook(write_only=True)
        self.summary_ws: Any = self.wb.create_sheet("Summary")
        self.sheet_rows: list[tuple[str, int]] = []  # (sheet title, data rows) in tab order

    def add_sheet(self, sheet: DataSheet) -> int:
        """Stream `sheet.rows` into one or more sheets; returns the number of data rows."""
        rows: Iterator[Sequence[Any]] = iter(sheet.rows)
        sample = list(itertools.islice(rows, SIZE_SAMPLE))
        widths = column_widths(sheet.headers, sample)
        rows = itertools.chain(sample, rows)
        per_sheet = self.max_rows - 1
        total, part = 0, 1
        while True:
            ws = self._start_sheet(_sheet_title(sheet.title, part), sheet.headers, widths)
            written = 0
            for row in itertools.islice(rows, per_sheet):
                ws.append(_cells(ws, row))
                written += 1
            if sheet.autofilter and sheet.headers:
                last = get_column_letter(len(sheet.headers))
                ws.auto_filter.ref = f"A1:{last}{written + 1}"
            self.sheet_rows.append((ws.title, written))
            total += written
            more = next(rows, None) if written == per_sheet else None
            if more is None:
                break
            rows = itertools.chain([more], rows)
            part += 1
        return total

    def _start_sheet(
        self, title: str, headers: Sequence[str], widths: Sequence[int]
    ) -> Any:
        ws: Any = self.wb.create_sheet(title)
        for i, width in enumerate(widths, 1):
            ws.column_dimensions[get_column_letter(i)].width = width
        ws.freeze_panes = "A2"
        ws.append(_header(ws, headers))
        return ws

    def write_summary(self, summary: Summary) -> None:
        ws = self.summary_ws
        ws.column_dimensions["A"].width = 34
        ws.column_dimensions["B"].width = 40
        title = WriteOnlyCell(ws, summary.title)
        title.font = Font(bold=True, size=14)
        ws.append([title])
        row = 1
        for label, value in summary.facts:
            ws.append(_cells(ws, [label, value]))
            row += 1
        for note in summary.notes:
            ws.append(_cells(ws, [note]))
            row += 1
        for table in summary.tables:
            ws.append([])
            row += 1
            row = self._count_table(ws, table, row)
        if len(self.sheet_rows) > 0:
            ws.append([])
            row += 1
            sheets = CountTable("Sheets in this workbook", "Sheet", self.sheet_rows, chart=None)
            self._count_table(ws, sheets, row, count_label="Rows")

    def _count_table(
        self, ws: Any, table: CountTable, row: int, count_label: str = "Count"
    ) -> int:
        heading = WriteOnlyCell(ws, table.title)
        heading.font = Font(bold=True, size=12)
        ws.append([heading])
        ws.append(_header(ws, [table.label, count_label]))
        header_row = row + 2
        for name, count in table.counts:
            ws.append(_cells(ws, [name, count]))
        last = header_row + len(table.counts)
        row = last
        if table.chart and table.counts:
            self._chart(ws, table, header_row, last)
            while row < header_row + CHART_ROWS:  # keep the next table clear of the chart
                ws.append([])
                row += 1
        return row

    def _chart(self, ws: Any, table: CountTable, header_row: int, last: int) -> None:
        data = Reference(ws, min_col=2, min_row=header_row, max_row=last)
        labels = Reference(ws, min_col=1, min_row=header_row + 1, max_row=last)
        chart: BarChart | PieChart
        if table.chart == "pie":
            chart = PieChart()
        else:
            chart = BarChart()
            chart.type = "bar"
            chart.legend = None
            chart.y_axis.title = "records"
        chart.title = table.title
        chart.add_data(data, titles_from_data=True)
        chart.set_categories(labels)
        chart.height, chart.width = 7.5, 15
        ws.add_chart(chart, f"D{header_row - 1}")



def write_xlsx(
    path: str | os.PathLike[str],
    sheets: Iterable[DataSheet],
    summary: Callable[[], Summary],
    *,
    max_rows: int = XLSX_MAX_ROWS,
) -> list[tuple[str, int]]:
    """Write the sheets in order, then the Summary; returns (sheet title, data rows) per sheet.

    `sheets` may be a generator: a sheet's rows can depend on counts gathered by an earlier one.
    """
    # Opened first: a missing directory fails before any row is fetched or written.
    with atomic_output(path, "wb") as handle:
        report = XlsxReport(max_rows=max_rows)
        for sheet in sheets:
            report.add_sheet(sheet)
        report.write_summary(summary())
        report.wb.save(handle)
    return report.sheet_rows
