"""Input files for bench_read_validate: made once under bench/out/ and reused (the XLSX is slow).

Schedules sit in the week after a fixed NOW (2030), so the cached files never go stale: the bench
injects NOW as the validator's clock. Ids are unique, like a CRM export.
"""

from __future__ import annotations

import csv
import random
import zipfile
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

OUT = Path(__file__).resolve().parent / "out"
NOW = datetime(2030, 1, 1, tzinfo=UTC)
HEADERS = ["Customer ID", "Schedule Date Time", "First Name", "Last Name", "Phone", "Region"]
CSV_ROWS = 5_000_000
XLSX_ROWS = 1_048_575  # + the header = 1,048,576, Excel's sheet limit
_NAMES = ["Ana", "Ben", "Chloe", "Dev", "Emma", "Farid", "Grace", "Hiro", "Ines", "Jamal"]
_LAST = ["Adams", "Berg", "Costa", "Diaz", "Evans", "Fischer", "Garcia", "Hughes", "Ito"]
_REGIONS = ["North", "South", "East", "West", "Central"]


def _rows(count: int, seed: int = 5) -> Iterator[tuple[int, str, str, str, str, str]]:
    import numpy as np

    rng = random.Random(seed)
    ids = np.random.default_rng(seed).permutation(6_000_000)[:count] + 10_000_000
    base = NOW + timedelta(hours=2)
    # A few thousand distinct call times, on the minute, as a scheduler would produce.
    times = [(base + timedelta(minutes=15 * k)).strftime("%Y-%m-%dT%H:%M:%S.000Z")
             for k in range(4 * 24 * 6)]
    for cid in ids.tolist():
        schedule = "" if rng.random() < 0.25 else rng.choice(times)
        yield (cid, schedule, rng.choice(_NAMES), rng.choice(_LAST),
               f"+1555{rng.randrange(10**6, 10**7)}", rng.choice(_REGIONS))


def csv_file() -> Path:
    path = OUT / f"customers_{CSV_ROWS}.csv"
    if not path.exists():
        OUT.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        with tmp.open("w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(HEADERS)
            w.writerows(_rows(CSV_ROWS))
        tmp.rename(path)
    return path


REGIONAL_HEADERS = ["Customer ID", "Callback Time", "First Name", "Last Name", "Phone", "Region"]
REGIONAL_FORMAT = "%d/%m/%Y %H:%M"  # as a UK CRM exports it; read with --date-format
REGIONAL_ZONE = "Europe/London"


def regional_csv_file(rows: int = CSV_ROWS) -> Path:
    """The CSV's rows with the call time as a UK export writes it (`02/01/2030 14:30`, local
    time, no offset): a few thousand distinct times shared by many rows, as a scheduler makes."""
    path = OUT / f"customers_{rows}_regional.csv"
    if not path.exists():
        OUT.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        with tmp.open("w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(REGIONAL_HEADERS)
            for cid, schedule, *rest in _rows(rows):
                if schedule:
                    schedule = datetime.strptime(schedule, "%Y-%m-%dT%H:%M:%S.000Z").strftime(
                        REGIONAL_FORMAT)  # London is on UTC in January: the same wall time
                w.writerow((cid, schedule, *rest))
        tmp.rename(path)
    return path


def xlsx_file() -> Path:
    """Written with openpyxl's write-only mode (shared strings, numeric ids, as Excel saves)."""
    path = OUT / f"customers_{XLSX_ROWS + 1}.xlsx"
    if not path.exists():
        from openpyxl import Workbook

        OUT.mkdir(parents=True, exist_ok=True)
        wb = Workbook(write_only=True)
        ws = wb.create_sheet("customers")
        ws.append(HEADERS)
        for row in _rows(XLSX_ROWS):
            ws.append(row)
        tmp = path.with_suffix(".tmp.xlsx")
        wb.save(tmp)
        tmp.rename(path)
    return path


def xlsx_shared_file() -> Path:
    """The same rows laid out as Excel saves them: a shared strings table, rows with spans.

    Written as XML directly (openpyxl only writes inline strings), streamed into the zip.
    """
    from xml.sax.saxutils import escape

    path = OUT / f"customers_{XLSX_ROWS + 1}_shared.xlsx"
    if path.exists():
        return path
    OUT.mkdir(parents=True, exist_ok=True)
    strings: dict[str, int] = {}

    def row(r: int, values: tuple[object, ...] | list[str]) -> str:
        cells = []
        for col, v in zip("ABCDEF", values, strict=True):
            if v == "":
                continue
            if isinstance(v, int):
                cells.append(f'<c r="{col}{r}"><v>{v}</v></c>')
            else:
                index = strings.setdefault(str(v), len(strings))
                cells.append(f'<c r="{col}{r}" t="s"><v>{index}</v></c>')
        return f'<row r="{r}" spans="1:6" x14ac:dyDescent="0.25">{"".join(cells)}</row>'

    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    pkg = "http://schemas.openxmlformats.org/package/2006/relationships"
    tmp = path.with_suffix(".tmp.xlsx")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as z:
        ct = "application/vnd.openxmlformats-officedocument.spreadsheetml"
        z.writestr("[Content_Types].xml", (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org'
            '/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.'
            'openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="'
            'application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{ct}.sheet.main+xml"/>'
            f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{ct}.worksheet+xml"/>'
            f'<Override PartName="/xl/sharedStrings.xml" ContentType="{ct}.sharedStrings+xml"/>'
            '</Types>'))
        z.writestr("_rels/.rels", f'<Relationships xmlns="{pkg}"><Relationship Id="rId1" '
                   f'Type="{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>')
        z.writestr("xl/workbook.xml", f'<workbook xmlns="{main}" xmlns:r="{rel}"><sheets>'
                   '<sheet name="customers" sheetId="1" r:id="rId1"/></sheets></workbook>')
        z.writestr("xl/_rels/workbook.xml.rels", (
            f'<Relationships xmlns="{pkg}"><Relationship Id="rId1" Type="{rel}/worksheet" '
            'Target="worksheets/sheet1.xml"/><Relationship Id="rId2" '
            f'Type="{rel}/sharedStrings" Target="sharedStrings.xml"/></Relationships>'))
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            x14ac = "http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac"
            sheet.write(f'<worksheet xmlns="{main}" xmlns:x14ac="{x14ac}"><dimension ref="A1:F{XLSX_ROWS + 1}"/>'
                        f'<sheetData>{row(1, HEADERS)}'.encode())
            block: list[str] = []
            for r, values in enumerate(_rows(XLSX_ROWS), start=2):
                block.append(row(r, values))
                if len(block) == 10_000:
                    sheet.write("".join(block).encode())
                    block = []
            sheet.write(("".join(block) + "</sheetData></worksheet>").encode())
        items = "".join(f"<si><t>{escape(t)}</t></si>" for t in strings)
        z.writestr("xl/sharedStrings.xml", f'<sst xmlns="{main}" count="{len(strings)}" '
                   f'uniqueCount="{len(strings)}">{items}</sst>')
    tmp.rename(path)
    return path


if __name__ == "__main__":
    print(csv_file())
    print(xlsx_file())
    print(xlsx_shared_file())
