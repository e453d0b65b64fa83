"""Guessing a CSV file's encoding and delimiter from its first bytes. Pure code: no I/O."""

from __future__ import annotations

import codecs
import csv
import io
from collections import Counter

from bulk_loader.errors import InputFileError, UsageError

DELIMITERS = (",", ";", "\t", "|")
DELIMITER_NAMES = {"tab": "\t", "comma": ",", "semicolon": ";", "pipe": "|"}  # said -> char
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16: its BOM starts with the UTF-16 LE one
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_CONTROL = bytes(b for b in range(32) if b not in b"\t\n\r\f\v\x1a")


def bom_encoding(sample: bytes) -> str | None:
    for bom, name in _BOMS:
        if sample.startswith(bom):
            return name
    return None


def check_text(sample: bytes, name: str) -> None:
    """InputFileError when the first bytes (without a BOM) cannot be a text file."""
    if b"\x00" in sample:
        hint = ""
        if sample[1::2].count(0) > len(sample) // 4 or sample[0::2].count(0) > len(sample) // 4:
            hint = " If it is UTF-16 text without a byte-order mark, pass --encoding utf-16-le."
        raise InputFileError(f"{name} does not look like a CSV or Excel file: it holds binary "
                             f"data.{hint}")
    controls = len(sample) - len(sample.translate(None, _CONTROL))
    if controls > max(8, len(sample) // 100):
        raise InputFileError(f"{name} does not look like a CSV or Excel file: it holds binary data.")


def check_encoding(name: str) -> str:
    try:
        found = codecs.lookup(name)
        "".encode(found.name)  # LookupError for a codec that is not a text encoding (zlib, hex)
        return found.name
    except LookupError:
        raise UsageError(f"unknown encoding {name!r} (encoding); try utf-8, cp1252 or "
                         "utf-16.", param="encoding") from None


def check_delimiter(value: str) -> str:
    value = {**DELIMITER_NAMES, "\\t": "\t"}.get(value.lower(), value)
    if len(value) != 1 or value in "\"\r\n":
        raise UsageError(f"delimiter must be one character such as , ; | or tab (got {value!r}).",
                         param="delimiter")
    return value


def sniff_delimiter(text: str, complete: bool) -> str:
    """The candidate that splits the header into the most fields, consistently across rows.

    `text` is the start of the file; unless `complete`, its last line may be cut and is ignored.
    """
    if not complete:
        cut = max(text.rfind("\n"), text.rfind("\r"))
        text = text[:cut] if cut > 0 else text
    best: tuple[float, int, int] = (0.0, 1, 0)
    choice = ","
    for order, delim in enumerate(DELIMITERS):
        try:
            rows = [r for r in csv.reader(io.StringIO(text, newline=""), delimiter=delim)
                    if any(c.strip() for c in r)][:200]
        except csv.Error:
            continue
        if not rows:
            continue
        # The most common width, so that a title line above the header does not decide.
        widths = Counter(len(r) for r in rows)
        width, count = max(widths.items(), key=lambda wc: (wc[1], wc[0]))
        if width < 2:
            continue
        score = (count / len(rows), width, -order)
        if score > best:
            best, choice = score, delim
    return choice
