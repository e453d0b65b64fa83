"""customer-id: a positive integer of at most 18 digits. Pure code: no I/O.

Accepted: `10003629`, `" 10003629 "`, Excel's `10003629.0` and `1.0003629E7` (read exactly, as a
Decimal, never through a float). An id keeps every digit or is refused: scientific notation that
holds fewer digits than the number it stands for (`1.23457E+11`, Excel's display of a 12-digit id)
is what Excel cut, a fractional part is no id, and a number cell past Excel's 15 significant digits
(or a float past 2**53) may have been rounded. A whole batch of plain digit strings or ints takes a fast path of
C-level checks (about 0.1 µs an id); any other batch goes value by value.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal, InvalidOperation
from typing import Any

import numpy as np

from bulk_loader.readers import RowProblem, got
from bulk_loader.spec import MSG_BAD_ID

MAX_DIGITS = 18
LIMIT = 10**MAX_DIGITS
ID_EMPTY = f"{MSG_BAD_ID}: the cell is empty"
ID_NOT_POSITIVE_INT = f"{MSG_BAD_ID}: must be a positive integer"
ID_TOO_LONG = f"{MSG_BAD_ID}: more than {MAX_DIGITS} digits"
ID_CUT = (f"{MSG_BAD_ID}: Excel shortened this id to scientific notation and dropped digits; "
          "format the id column as Text (or Number with 0 decimals) in Excel and export again")
ID_FRACTION = f"{MSG_BAD_ID}: must be a positive integer, not a number with a fractional part"
ID_ROUNDED = (f"{MSG_BAD_ID}: a number cell holds only 15 significant digits, so Excel may have "
              "rounded this id; format the id column as Text in Excel and type it again")
EXACT_FLOAT = 2**53  # past this a float (an Excel number cell) is not exact: it may be rounded
_NUMBER = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?", re.ASCII)


def parse_id(value: Any) -> int | str:
    """The id as an int, or the reason it is not one (the reason is a str)."""
    if type(value) is int:
        number = value
    elif isinstance(value, str):
        text = value.strip()
        if not text:
            return ID_EMPTY
        if text.isascii() and text.isdigit():
            number = int(text) if len(text) <= 4300 else LIMIT  # int() refuses longer strings
        elif _NUMBER.fullmatch(text):
            decimal = Decimal(text)
            if decimal.adjusted() >= MAX_DIGITS:
                return ID_TOO_LONG + got(value) if decimal > 0 else ID_NOT_POSITIVE_INT + got(value)
            if decimal != decimal.to_integral_value():
                return (ID_FRACTION if decimal > 0 else ID_NOT_POSITIVE_INT) + got(value)
            if _cut(text, decimal):
                return ID_CUT + got(value)
            number = int(decimal)
        else:
            return ID_NOT_POSITIVE_INT + got(value)
    elif value is None:
        return ID_EMPTY
    elif isinstance(value, RowProblem):
        return value.reason
    elif isinstance(value, float) and not isinstance(value, bool):
        if not math.isfinite(value) or not value.is_integer():
            return (ID_FRACTION if math.isfinite(value) and value > 1 else
                    ID_NOT_POSITIVE_INT) + got(value)
        if value > EXACT_FLOAT:
            return ID_ROUNDED + got(value)
        try:
            number = int(Decimal(value))
        except (InvalidOperation, OverflowError):  # pragma: no cover - finite floats convert
            return ID_NOT_POSITIVE_INT + got(value)
    else:  # bool, datetime, time...: never an id
        return ID_NOT_POSITIVE_INT + got(value)
    if number <= 0:
        return ID_NOT_POSITIVE_INT + got(value)
    if number >= LIMIT:
        return ID_TOO_LONG + got(value)
    return number


def _cut(text: str, decimal: Decimal) -> bool:
    """True for scientific notation with fewer written digits than the integer has: the trailing
    zeros were invented (`1.23457E+11` -> 123457000000), so the real id is unknown."""
    if "e" not in text and "E" not in text:
        return False
    mantissa = text.lstrip("+-").split("e" if "e" in text else "E")[0]
    written = mantissa.replace(".", "").lstrip("0")
    return len(written) < len(str(int(decimal)))


def parse_ids(raw: list[Any]) -> tuple[np.ndarray, dict[int, str]]:
    """(int64 ids, 0 where invalid; {index: reason} for the invalid ones)."""
    n = len(raw)
    fast = _fast(raw)
    if fast is not None:
        return fast, {}
    ids = np.zeros(n, np.int64)
    bad: dict[int, str] = {}
    for i, value in enumerate(raw):
        result = parse_id(value)
        if type(result) is int:
            ids[i] = result
        else:
            bad[i] = str(result)
    return ids, bad


def _fast(raw: list[Any]) -> np.ndarray | None:
    """All valid, proved by whole-batch C-level checks; None means 'look row by row'."""
    n = len(raw)
    if n == 0:
        return np.zeros(0, np.int64)
    try:
        joined = "".join(raw)
    except TypeError:
        joined = None
    if joined is not None:
        if not (joined.isascii() and joined.isdigit()):
            return None
        try:  # "" and over-long digit strings fail here and go the slow way
            ids = np.array(list(map(int, raw)), np.int64)  # measured: faster than fromiter
        except (ValueError, OverflowError):
            return None
        if int(ids.max()) >= LIMIT:
            return None
    else:
        kinds = set(map(type, raw))
        if kinds == {int}:
            try:
                ids = np.array(raw, np.int64)
            except OverflowError:
                return None
            if int(ids.max()) >= LIMIT:
                return None
        else:
            return None
    if int(ids.min()) <= 0:
        return None
    return ids
