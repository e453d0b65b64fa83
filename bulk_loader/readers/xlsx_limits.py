"""The caps that keep a hostile .xlsx bounded in time and memory (README: "Excel file limits").

A public module: the caps are read from here when a file is read, so a caller (or a test) may
lower one without building a file that big.

An .xlsx is a zip of XML parts, and a few KB of zip can inflate to gigabytes (a row that never
closes, a shared string that never ends, styles.xml padded to 1 GiB, 30 million shared strings).
Each cap is far above what any real workbook of 1,048,576 rows needs, and each refusal is an
InputFileError (exit 2, nothing sent) naming the part and the cap. Sizes are checked from the
zip's directory before a byte is inflated (zipfile never inflates past the declared size, and a
part that lies about it fails its CRC), so a bomb is refused at once; row and string lengths and
the count of shared strings are checked as the XML streams.

Measured for the ratio: openpyxl's sheets inflate 8-22 times (1 to 40 columns, repeated text
included); a deflate bomb inflates about 1,000 times.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from bulk_loader.errors import InputFileError

MIB = 1 << 20
SHEET_PART_MAX = 4096 * MIB  # a full sheet of 1,048,576 rows x 20 columns is about 1 GB
STRINGS_PART_MAX = 512 * MIB  # 5M unique strings of 60 characters is about 400 MB
WHOLE_PART_MAX = 32 * MIB  # parts read whole: workbook, styles, relationships
RATIO_MAX = 250  # inflated/packed size, for parts over RATIO_FROM
RATIO_FROM = 1 * MIB
ROW_MAX = 16 * MIB  # characters of XML in one row (16,384 cells of about 1 KB each)
STRING_MAX = 1 * MIB  # characters of XML in one shared string (Excel allows 32,767 characters)
STRINGS_COUNT_MAX = 8 * MIB  # shared strings (8 per row of a full sheet)


def refuse(path: Path, what: str) -> InputFileError:
    return InputFileError(f"{path.name} is refused: {what} (see README, Excel file limits); "
                          "nothing was sent.")


def check_part(path: Path, info: zipfile.ZipInfo, cap: int) -> None:
    """Refuse a part whose declared size or inflate ratio is over its caps (before reading)."""
    if info.file_size > cap:
        raise refuse(path, f"its part {info.filename} inflates to {info.file_size:,} bytes, over "
                           f"the cap of {cap:,} bytes for that part")
    if info.file_size > RATIO_FROM:
        ratio = info.file_size / max(1, info.compress_size)
        if ratio > RATIO_MAX:
            raise refuse(path, f"its part {info.filename} inflates {ratio:,.0f} times its packed "
                               f"size, over the cap of {RATIO_MAX} times (a zip bomb?)")


def too_long(path: Path, part: str, what: str, cap: int) -> InputFileError:
    return refuse(path, f"{what} in its part {part} is longer than the cap of {cap:,} characters")


def inside(tag: str) -> str:
    """A regex group for an element's content up to its end tag that stops at the next start or
    end of the same tag, so that every match attempt ends there and a scan stays linear however
    hostile the XML. (`(.*?)</c>` tried from each of n unclosed `<c>` is quadratic: measured,
    16 s for 120 KB.)"""
    return rf"([^<]*+(?:<(?!/?(?:\w+:)?{tag}\b)[^<]*+)*+)"
