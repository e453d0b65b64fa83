"""The XLSX report for the person who opens it in Excel, written with XlsxWriter in constant memory.

Why XlsxWriter: on the same 200,000 rows of a Results sheet, in the same window, openpyxl's
write-only mode (with lxml) took 14.1 s and 47 MB, XlsxWriter's constant_memory mode 4.8-7.2 s
and 21 MB (BENCHMARKS.md, bench_report). It also draws Excel's native charts and tables.

Data sheets are streamed row by row (constant_memory: a sheet's rows go to a temporary file as
they are written), with a bold frozen header, an autofilter, columns sized from their first rows,
and landscape, fit-to-width printing. A sheet holds at most 1,048,576 rows; past that the rows
continue on "Title (2)", "Title (3)"... and the Summary lists every sheet with its row count, so
nothing is cut off silently.

The Summary is the first tab but is filled last, once the data sheets have been streamed and their
counts are known. It is small, so it is the one sheet kept in memory (Excel tables need that:
XlsxWriter refuses add_table in constant_memory mode); its tables carry a defined table style and
each chart reads its figures from the table beside it.

Cell types: numbers are number cells, datetimes are Excel date-times with a date format (the
caller localises them: the zone is named in the header), text is text. A text cell that Excel could
run as a formula (= + - @ tab CR) is a string cell with the quote prefix: Excel shows it as text,
keeps it as text when edited, never runs it. No cell is ever written as a formula.
"""

from __future__ import annotations

import itertools
import os
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

import xlsxwriter

from bulk_loader.reports._writers import FORMULA_TRIGGERS, atomic_output

XLSX_MAX_ROWS = 1_048_576  # Excel's hard limit per sheet, header included
SIZE_SAMPLE = 200  # rows looked at to size the columns
MIN_WIDTH, MAX_WIDTH = 8, 60
CHART_ROWS = 14  # rows a chart covers; a table beside a chart is padded to this height
SUMMARY_WIDTHS = (50, 50, 14, 14, 14)  # the Summary's columns A-E, in characters
TABLE_STYLE = "Table Style Medium 2"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
DATE_FORMAT = "yyyy-mm-dd"
ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # not allowed in XML 1.0
_EXCEL_EPOCH = datetime(1899, 12, 30)  # serial 0, valid from 1900-03-01 (Excel's leap-year bug)
_SERIAL_SAFE = datetime(1900, 3, 1)
_DAY = timedelta(days=1)


@dataclass
class DataSheet:
    """A table to stream into one sheet (or several, past the row limit)."""

    title: str
    headers: Sequence[str]
    rows: Iterable[Sequence[Any]]
    autofilter: bool = True


@dataclass
class Table:
    """A small table on the Summary sheet, styled as an Excel table, optionally charted.

    chart: "bar" (horizontal), "column", "stacked" (stacked columns), "pie" or None. The chart's
    categories are column `label_col`, its series the columns in `value_cols`."""

    title: str
    headers: Sequence[str]
    rows: Sequence[Sequence[Any]]
    chart: str | None = None
    label_col: int = 0
    value_cols: Sequence[int] = (1,)


@dataclass
class CountTable:
    """A `label | Count` table on the Summary sheet, optionally charted."""

    title: str
    label: str
    counts: Sequence[tuple[str, int]]
    chart: str | None = "bar"  # "bar", "pie" or None

    def table(self) -> Table:
        return Table(self.title, (self.label, "Count"), self.counts, self.chart)


@dataclass
class Summary:
    title: str
    facts: Sequence[tuple[str, Any]] = ()
    tables: Sequence[CountTable | Table] = ()
    notes: list[str] = field(default_factory=list)


def column_widths(headers: Sequence[str], sample: Sequence[Sequence[Any]]) -> list[int]:
    widths = [len(str(h)) + 2 for h in headers]
    for row in sample:
        for i, value in enumerate(row[: len(widths)]):
            if isinstance(value, datetime):
                widths[i] = max(widths[i], 18)
            elif value is not None:
                widths[i] = max(widths[i], len(str(value)) + 1)
    return [min(MAX_WIDTH, max(MIN_WIDTH, w)) for w in widths]


def _sheet_title(base: str, part: int) -> str:
    suffix = "" if part == 1 else f" ({part})"
    return base[: 31 - len(suffix)] + suffix  # Excel's 31-character limit


def _print_setup(ws: Any, header_rows: int = 1) -> None:
    ws.set_landscape()
    ws.fit_to_pages(1, 0)  # one page wide, as many tall as needed
    if header_rows:
        ws.repeat_rows(0, header_rows - 1)


class XlsxReport:
    """Build a report workbook: data sheets first (streamed), then the Summary (first tab)."""

    def __init__(self, target: Any, *, max_rows: int = XLSX_MAX_ROWS) -> None:
        if max_rows < 2:
            raise ValueError("max_rows must leave room for a header and a row")
        self.max_rows = max_rows
        self.wb = xlsxwriter.Workbook(target, {
            "constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
            "strings_to_numbers": False, "nan_inf_to_errors": True,
        })
        # The Summary alone is kept in memory (tables need it). XlsxWriter closes every sheet's
        # temporary file when the workbook was opened in constant_memory mode: this one has none.
        self.wb.constant_memory = False
        self.summary_ws: Any = self.wb.add_worksheet("Summary")
        self.summary_ws.row_data_fh_closed = True
        self.wb.constant_memory = True
        self.fmt_header = self.wb.add_format({"bold": True, "bg_color": "#DDEBF7",
                                              "bottom": 1})
        self.fmt_quote = self.wb.add_format({"quote_prefix": True})
        self.fmt_datetime = self.wb.add_format({"num_format": DATETIME_FORMAT})
        self.fmt_date = self.wb.add_format({"num_format": DATE_FORMAT})
        self.fmt_date_left = self.wb.add_format({"num_format": DATE_FORMAT, "align": "left",
                                                 "valign": "top"})
        self.fmt_time = self.wb.add_format({"num_format": "hh:mm:ss"})
        self.fmt_title = self.wb.add_format({"bold": True, "font_size": 14})
        self.fmt_heading = self.wb.add_format({"bold": True, "font_size": 12})
        self.fmt_label = self.wb.add_format({"bold": True, "valign": "top", "text_wrap": True})
        self.fmt_top = self.wb.add_format({"valign": "top"})
        self.fmt_wrap = self.wb.add_format({"text_wrap": True, "valign": "top"})
        self.fmt_left = self.wb.add_format({"align": "left", "valign": "top"})
        self.fmt_stamp_left = self.wb.add_format({"num_format": DATETIME_FORMAT,
                                                  "align": "left"})
        self.sheet_rows: list[tuple[str, int]] = []  # (sheet title, data rows) in tab order

    # -- cells -----------------------------------------------------------------------------------
    def put(self, ws: Any, r: int, c: int, value: Any, fmt: Any = None,
            stamp: Any = None) -> None:
        """One cell by its Python type; never a formula. `stamp`: a date-time's format."""
        kind = type(value)
        if kind is int or kind is float:
            ws.write_number(r, c, value, fmt)
        elif value is None:
            return
        elif kind is str:
            if ILLEGAL.search(value):
                value = ILLEGAL.sub("", value)
            if value.startswith(FORMULA_TRIGGERS):
                ws.write_string(r, c, value, self.fmt_quote)
            else:
                ws.write_string(r, c, value, fmt)
        elif kind is bool:
            ws.write_boolean(r, c, value, fmt)
        elif isinstance(value, datetime):
            if value.tzinfo is not None:
                raise ValueError("datetimes must be localised (naive) before writing")
            ws.write_datetime(r, c, value, stamp or self.fmt_datetime)
        elif isinstance(value, date):
            ws.write_datetime(r, c, value, self.fmt_date_left if stamp else self.fmt_date)
        elif isinstance(value, time):
            ws.write_datetime(r, c, value, self.fmt_time)
        elif isinstance(value, int | float):
            ws.write_number(r, c, value, fmt)
        else:
            self.put(ws, r, c, str(value), fmt)

    # -- data sheets -----------------------------------------------------------------------------
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
            written = self._stream(ws, itertools.islice(rows, per_sheet))
            if sheet.autofilter and sheet.headers:
                ws.autofilter(0, 0, written, len(sheet.headers) - 1)
            self.sheet_rows.append((ws.name, written))
            total += written
            more = next(rows, None) if written == per_sheet else None
            if more is None:
                break
            rows = itertools.chain([more], rows)
            part += 1
        return total

    def _stream(self, ws: Any, rows: Iterable[Sequence[Any]]) -> int:
        # Hot loop (one pass per row of millions): the common cells, ints, None and plain
        # text, are written without a call to put().
        number, string, put = ws.write_number, ws.write_string, self.put
        triggers, illegal, stamp = FORMULA_TRIGGERS, ILLEGAL, self.fmt_datetime
        r = 0
        for r, row in enumerate(rows, 1):
            for c, value in enumerate(row):
                kind = type(value)
                if kind is int:
                    number(r, c, value)
                elif value is None:
                    continue
                elif kind is str and not value.startswith(triggers) and not illegal.search(value):
                    string(r, c, value)
                elif kind is datetime and value.tzinfo is None and value >= _SERIAL_SAFE:
                    # Excel's serial day number, computed here: 0.23 µs a cell against 1.47 µs
                    # for write_datetime's general conversion (timeit), the same number.
                    number(r, c, (value - _EXCEL_EPOCH) / _DAY, stamp)
                else:
                    put(ws, r, c, value)
        return r

    def _start_sheet(self, title: str, headers: Sequence[str], widths: Sequence[int]) -> Any:
        ws: Any = self.wb.add_worksheet(title)
        for i, width in enumerate(widths):
            ws.set_column(i, i, width)
        ws.freeze_panes(1, 0)
        _print_setup(ws)
        for c, name in enumerate(headers):
            ws.write_string(0, c, ILLEGAL.sub("", str(name)), self.fmt_header)
        return ws

    # -- summary ---------------------------------------------------------------------------------
    def write_summary(self, summary: Summary) -> None:
        ws = self.summary_ws
        for i, width in enumerate(SUMMARY_WIDTHS):
            ws.set_column(i, i, width)
        ws.freeze_panes(1, 0)
        _print_setup(ws, header_rows=0)
        ws.write_string(0, 0, summary.title, self.fmt_title)
        row = 1
        for label, value in summary.facts:
            self.put(ws, row, 0, label, self.fmt_label)
            self.put(ws, row, 1, value, self.fmt_wrap if isinstance(value, str)
                     else self.fmt_left, self.fmt_stamp_left)
            self._fit_row(ws, row, [label, value])
            row += 1
        for note in summary.notes:
            ws.merge_range(row, 0, row, 5, "")
            self.put(ws, row, 0, note, self.fmt_wrap)
            ws.set_row(row, 15 * (1 + len(note) // 110))
            row += 1
        for table in summary.tables:
            row = self.summary_table(ws, table if isinstance(table, Table) else table.table(),
                                     row + 1)
        if self.sheet_rows:
            sheets = Table("Sheets in this workbook", ("Sheet", "Rows"), self.sheet_rows)
            self.summary_table(ws, sheets, row + 1)

    def summary_table(self, ws: Any, table: Table, row: int) -> int:
        """Heading, then the table at `row` + 1; returns the first free row below it (and its
        chart)."""
        ws.write_string(row, 0, table.title, self.fmt_heading)
        top = row + 1
        width = len(table.headers)
        if table.rows:
            data = [[ILLEGAL.sub("", v) if isinstance(v, str) else v for v in r]
                    for r in table.rows]
            ws.add_table(top, 0, top + len(data), width - 1, {
                "style": TABLE_STYLE, "autofilter": False,
                "name": f"T{top + 1}_{re.sub(r'[^A-Za-z0-9]', '', table.title)[:40]}",
                "columns": [{"header": str(h)} for h in table.headers],
            })
            # Header and cells are put one by one, typed and formatted (add_table's own `data`
            # goes through write(); its style is not drawn by every spreadsheet).
            for c, name in enumerate(table.headers):
                ws.write_string(top, c, str(name), self.fmt_header)
            for i, r in enumerate(data, top + 1):
                for c, value in enumerate(r):
                    self.put(ws, i, c, value, self.fmt_wrap if isinstance(value, str)
                             else self.fmt_top, self.fmt_stamp_left)
                self._fit_row(ws, i, r)
        else:
            for c, name in enumerate(table.headers):
                ws.write_string(top, c, str(name), self.fmt_header)
            ws.write_string(top + 1, 0, "(none)")
        last = top + max(len(table.rows), 1)
        end = last + 1
        if table.chart and table.rows:
            self._chart(ws, table, top, last, width)
            end = max(end, top + CHART_ROWS)
        return end

    def _chart(self, ws: Any, table: Table, top: int, last: int, width: int) -> None:
        kind = {"bar": ("bar", None), "column": ("column", None),
                "stacked": ("column", "stacked"), "pie": ("pie", None)}[table.chart or "bar"]
        chart: Any = self.wb.add_chart({"type": kind[0], **({"subtype": kind[1]}
                                                             if kind[1] else {})})
        name = ws.name
        for col in table.value_cols:
            chart.add_series({
                "name": [name, top, col],
                "categories": [name, top + 1, table.label_col, last, table.label_col],
                "values": [name, top + 1, col, last, col],
                **({"data_labels": {"value": True}} if kind[0] == "bar" else {}),
            })
        chart.set_title({"name": table.title})
        if isinstance(table.rows[0][table.label_col], date):  # days: shown as days, not serials
            chart.set_x_axis({"date_axis": True, "num_format": "ddd d mmm",
                              "major_unit": 1, "major_unit_type": "days"})
        if kind[0] == "bar":
            chart.set_y_axis({"reverse": True})  # first row on top, as in the table
        if len(table.value_cols) == 1 and kind[0] != "pie":
            chart.set_legend({"none": True})
        chart.set_size({"width": 560, "height": 270})
        anchor = max(width, 3) + 1
        ws.insert_chart(top - 1, anchor, chart, {"x_offset": 10})

    @staticmethod
    def _fit_row(ws: Any, row: int, values: Sequence[Any]) -> None:
        """A row tall enough for its wrapped text (spreadsheets do not all grow it)."""
        lines = 1
        for c, value in enumerate(values[: len(SUMMARY_WIDTHS)]):
            if isinstance(value, str):
                lines = max(lines, -(-len(value) // SUMMARY_WIDTHS[c]))
        if lines > 1:
            ws.set_row(row, 15 * lines)

    def close(self) -> None:
        self.wb.close()


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
        report = XlsxReport(handle, max_rows=max_rows)
        for sheet in sheets:
            report.add_sheet(sheet)
        report.write_summary(summary())
        report.close()
    return report.sheet_rows
