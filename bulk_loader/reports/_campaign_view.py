"""What a campaign holds: records decoded to names, a streaming summary, and writers.

Records arrive one dict at a time (docs/contract.md section 2, parsed as a stream by the client); each is
turned into a flat row with the codes' names beside the codes (spec.py tables), counted, and
handed on. Nothing here keeps more than the counters, whatever the campaign's size.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from bulk_loader import spec
from bulk_loader.errors import UsageError
from bulk_loader.reports._writers import output_format, write_csv, write_json, write_jsonl
from bulk_loader.reports._xlsx import CountTable, DataSheet, Summary, write_xlsx
from bulk_loader.summaries import CampaignRecords

RECORD_HEADERS = (
    "record-id", "status", "status-name", "status-code", "status-code-name",
    "disposition-code", "disposition-name", "phone-list", "ext-trans-data",
    "campaign-id", "campaign-name",
)
STATUS_COL, CODE_COL, DISP_COL = 1, 3, 5  # positions of the codes in a decoded row


def code_name(table: Mapping[int, str], code: object) -> str | None:
    """The name of a code; 'unknown' for a code the vendor's page does not list."""
    if type(code) is int:  # the common case, first: one dict lookup per code
        return table.get(code, "unknown")
    if code is None or code == "":
        return None
    try:
        return table.get(int(code), "unknown")  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return "unknown"


def label(table: Mapping[int, str], code: object) -> str:
    """'Completed (3)': the name a person reads, with the code a script greps for."""
    if code is None or code == "":
        return "(none)"
    return f"{code_name(table, code)} ({code})"


def decode(record: Mapping[str, Any]) -> tuple[Any, ...]:
    """One API record as a row in RECORD_HEADERS order."""
    status = record.get("status")
    code = record.get("status-code")
    disp = record.get("disposition-code")
    return (
        record.get("record-id"),
        status, code_name(spec.RECORD_STATUS, status),
        code, code_name(spec.STATUS_CODE, code),
        disp, code_name(spec.DISPOSITION_CODE, disp),
        record.get("phone-list"), record.get("ext-trans-data"),
        record.get("campaign-id"), record.get("campaign-name"),
    )


def parse_status_filter(values: Sequence[str]) -> frozenset[int] | None:
    """--status NAME (or code), repeatable; None when no filter is asked for."""
    if not values:
        return None
    by_name = {name.lower(): code for code, name in spec.RECORD_STATUS.items()}
    wanted = set()
    for raw in values:
        key = raw.strip().lower()
        if key.isascii() and key.isdecimal() and int(key) in spec.RECORD_STATUS:
            wanted.add(int(key))
        elif key in by_name:
            wanted.add(by_name[key])
        else:
            names = ", ".join(spec.RECORD_STATUS.values())
            raise UsageError(f"status must be one of {names} (got {raw!r})", param="status")
    return frozenset(wanted)


class RecordSummary:
    """Counts by status, status-code and disposition; O(distinct codes) memory."""

    def __init__(self) -> None:
        self._triples: Counter[tuple[Any, Any, Any]] = Counter()  # one update per record

    def add(self, row: Sequence[Any]) -> None:
        self._triples[(row[STATUS_COL], row[CODE_COL], row[DISP_COL])] += 1

    def add_codes(self, status: Any, code: Any, disposition: Any) -> None:
        """The same as add() for a record not decoded into a row."""
        self._triples[(status, code, disposition)] += 1

    def _by(self, i: int) -> Counter[Any]:
        out: Counter[Any] = Counter()
        for key, n in self._triples.items():
            out[key[i]] += n
        return out

    @property
    def total(self) -> int:
        return sum(self._triples.values())

    @property
    def status(self) -> Counter[Any]:
        return self._by(0)

    @property
    def status_code(self) -> Counter[Any]:
        return self._by(1)

    @property
    def disposition(self) -> Counter[Any]:
        return self._by(2)

    def breakdowns(self) -> list[tuple[str, str, dict[int, str], Counter[Any]]]:
        return [
            ("Campaign records by status", "Status", spec.RECORD_STATUS, self.status),
            ("Campaign records by status-code", "Status code", spec.STATUS_CODE, self.status_code),
            ("Campaign records by disposition", "Disposition", spec.DISPOSITION_CODE,
             self.disposition),
        ]

    def count_tables(self) -> list[CountTable]:
        out = []
        for i, (title, head, table, counter) in enumerate(self.breakdowns()):
            counts = [(label(table, k), n) for k, n in _sorted(counter)]
            out.append(CountTable(title, head, counts, chart="pie" if i == 0 else "bar"))
        return out

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"records": self.total}
        for key, (_, _, table, counter) in zip(
            ("by-status", "by-status-code", "by-disposition"), self.breakdowns(), strict=True
        ):
            out[key] = {label(table, k): n for k, n in _sorted(counter)}
        return out

    def as_summary(self) -> CampaignRecords:
        """as_dict with snake_case keys: a run report's `campaign_records` (docs/summaries.md)."""
        d = self.as_dict()
        return CampaignRecords(records=d["records"], by_status=d["by-status"],
                               by_status_code=d["by-status-code"],
                               by_disposition=d["by-disposition"])

    def lines(self) -> list[str]:
        """The terminal table."""
        blocks = [(head, [(label(table, k), n) for k, n in _sorted(counter)])
                  for _, head, table, counter in self.breakdowns()]
        width = max([len(name) for _, rows in blocks for name, _ in rows] + [12])
        out = []
        for head, rows in blocks:
            out.append(f"{head}:")
            out.extend(f"  {name:<{width}}  {n:>12,}" for name, n in rows or [("(none)", 0)])
        return out


def _sorted(counter: Counter[Any]) -> list[tuple[Any, int]]:
    # Codes in numeric order; anything odd (None, text) after them.
    return sorted(counter.items(), key=lambda kv: (not isinstance(kv[0], int), str(kv[0])
                                                   if not isinstance(kv[0], int) else kv[0]))


def decoded_rows(
    records: Iterable[Mapping[str, Any]],
    summary: RecordSummary,
    statuses: frozenset[int] | None = None,
) -> Iterator[tuple[Any, ...]]:
    """Decode every record, count it in `summary`, yield those the filter keeps."""
    for record in records:
        row = decode(record)
        summary.add(row)
        if statuses is None or row[STATUS_COL] in statuses:
            yield row


def write_records(
    path: str | os.PathLike[str],
    rows: Iterable[Sequence[Any]],
    summary: RecordSummary,
    *,
    campaign_id: int,
    fmt: str | None = None,
) -> int:
    """Write decoded rows as `fmt` (default: by the file's extension; `-` is stdout);
    `summary` is complete once rows are consumed."""
    fmt = output_format(path, fmt)
    written = 0

    def counting() -> Iterator[Sequence[Any]]:
        nonlocal written
        for row in rows:
            written += 1
            yield row

    if fmt == "csv":
        return write_csv(path, RECORD_HEADERS, rows)
    if fmt == "jsonl":
        return write_jsonl(path, RECORD_HEADERS, rows)
    if fmt == "json":
        return write_json(path, RECORD_HEADERS, rows, head={"campaign-id": campaign_id},
                          tail=lambda: {"summary": summary.as_dict()})

    def xlsx_summary() -> Summary:
        base = [("Campaign", campaign_id), ("Records in the campaign", summary.total),
                ("Records in this workbook", written)]
        return Summary(f"Campaign {campaign_id}", base, summary.count_tables())

    write_xlsx(path, [DataSheet("Records", RECORD_HEADERS, counting())], xlsx_summary)
    return written
