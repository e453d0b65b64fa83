"""Finding the id and schedule columns by header, and small helpers shared by reader and validator.

Pure code: no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime, time
from typing import Any

from bulk_loader.errors import InputFileError

# Headers compare case- and punctuation-insensitively: "Customer ID" == "customer_id" == "CUSTOMERID".
ID_ALIASES = ("customer-id", "customer_id", "Customer ID", "CustomerID", "ACCOUNTNUM", "account_num")
SCHEDULE_ALIASES = ("schedule-date-time", "schedule", "scheduled_at", "Schedule Date Time")

_NOT_ALNUM = re.compile(r"[\W_]+")


def normalise_header(name: object) -> str:
    return _NOT_ALNUM.sub("", str(name or "").casefold())


_ID_KEYS = {normalise_header(a) for a in ID_ALIASES}
_SCHEDULE_KEYS = {normalise_header(a) for a in SCHEDULE_ALIASES}


# More headers, from the config file's id_aliases / schedule_aliases (readers/_header_config.py).
_EXTRA: ContextVar[tuple[frozenset[str], frozenset[str]]] = ContextVar(
    "extra_aliases", default=(frozenset(), frozenset()))


@contextmanager
def extra_aliases(ids: Sequence[str], schedules: Sequence[str]) -> Iterator[None]:
    """Within the block, these headers also name the id and schedule columns."""
    token = _EXTRA.set((frozenset(map(normalise_header, ids)),
                        frozenset(map(normalise_header, schedules))))
    try:
        yield
    finally:
        _EXTRA.reset(token)


class AmbiguousColumns(InputFileError):
    """Two columns could be the one wanted: no row below can settle that."""


class RowProblem:
    """Put by a reader in `Batch.ids` for a row it could not split properly (too many fields).

    The validator turns it into an invalid row with this reason; it is never a valid id.
    """

    __slots__ = ("reason",)

    def __init__(self, reason: str) -> None:
        self.reason = reason

    def __repr__(self) -> str:
        return f"RowProblem({self.reason!r})"


def _find(headers: Sequence[str], wanted: str | None, keys: set[str], what: str,
          param: str) -> int | None:
    if wanted is not None:
        exact = [i for i, h in enumerate(headers) if h == wanted]
        if not exact:
            key = normalise_header(wanted)
            exact = [i for i, h in enumerate(headers) if key and normalise_header(h) == key]
        if not exact:
            raise InputFileError(
                f"no column named {wanted!r} ({param}); headers found: {_listing(headers)}.",
                param=param)
        return exact[0]
    found = [i for i, h in enumerate(headers) if normalise_header(h) in keys]
    if len(found) > 1:
        names = ", ".join(repr(headers[i]) for i in found)
        raise AmbiguousColumns(f"several columns could be the {what} ({names}); "
                               f"choose one with {param}.", param=param)
    return found[0] if found else None


def _listing(headers: Sequence[str]) -> str:
    shown = [repr(h) for h in headers[:20]]
    if len(headers) > 20:
        shown.append(f"... ({len(headers)} in all)")
    return ", ".join(shown) if shown else "none"


def find_columns(headers: Sequence[str], id_column: str | None = None,
                 schedule_column: str | None = None) -> tuple[int, int | None]:
    """(id index, schedule index or None); InputFileError when there is no id column."""
    more_ids, more_schedules = _EXTRA.get()
    id_index = _find(headers, id_column, _ID_KEYS | more_ids, "customer-id", "id_column")
    if id_index is None:
        hint = ""
        if headers and all(str(h).strip().isdigit() for h in headers if str(h).strip()):
            hint = " The first row looks like data: the file needs a header row."
        raise InputFileError(
            "no customer-id column (looked for a header such as customer-id, Customer ID or "
            f"ACCOUNTNUM; pass id_column to name another); headers found: {_listing(headers)}."
            + hint, param="id_column")
    schedule_index = _find(headers, schedule_column, _SCHEDULE_KEYS | more_schedules, "schedule",
                           "schedule_column")
    if schedule_index == id_index:
        raise AmbiguousColumns("the customer-id and schedule columns cannot be the same column.")
    return id_index, schedule_index


HEADER_SEARCH_ROWS = 20  # a title or notes above the header row are skipped, up to this many rows


def pick_header(candidates: Sequence[Sequence[str]], id_column: str | None,
                schedule_column: str | None) -> tuple[int, int, int | None]:
    """(which candidate row is the header, id index, schedule index).

    The first non-blank row that has a customer-id column; if none has one, the error names the
    headers of the first row.
    """
    first_error: InputFileError | None = None
    for n, headers in enumerate(candidates):
        try:
            return (n, *find_columns(headers, id_column, schedule_column))
        except AmbiguousColumns:
            raise
        except InputFileError as exc:
            first_error = first_error or exc
    assert first_error is not None
    raise first_error


def cell_text(value: Any) -> str:
    """A cell as text that the reader reads back to the same value (for --invalid-out, reports).

    Excel datetimes have no zone, so they are written without one and read again in --timezone.
    An Excel date-only cell is written as a date: it is refused again, as in the first read.
    """
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e18:
        return str(int(value))
    if isinstance(value, datetime):
        text = value.isoformat(timespec="milliseconds")
        return text.removesuffix(".000")
    if isinstance(value, date):  # a date-only cell stays a date (the validator refuses it)
        return value.isoformat()
    if isinstance(value, time):
        return value.isoformat()
    if isinstance(value, RowProblem):
        return ""
    return str(value)


def got(value: Any) -> str:
    text = value if isinstance(value, str) else _shown(value)
    if len(text) > 40:
        text = text[:37] + "..."
    return f" (got {text!r})"


def _shown(value: Any) -> str:
    return cell_text(value) if not isinstance(value, float) else repr(value)
