"""The demo's customer files: realistic rows with call times relative to now.

Fixed dates would be stale within a week, so `make demo` regenerates sample_data/ before every
run. The rows are deterministic from the seed; only the schedule times move with the clock. A
handful of rows are wrong on purpose, one of each kind, so that the reports have something to show.
"""

from __future__ import annotations

import csv
import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bulk_loader.spec import iso_utc_ms

HEADERS = ["Customer ID", "Schedule Date Time", "First Name", "Last Name", "Phone", "Region"]
FIRST = ["Ana", "Ben", "Chloe", "Dev", "Emma", "Farid", "Grace", "Hiro", "Ines", "Jamal", "Kofi",
         "Lena", "Marta", "Nils", "Olu", "Priya", "Quinn", "Rosa", "Sven", "Tariq", "Uma", "Yara"]
LAST = ["Adams", "Berg", "Costa", "Diaz", "Evans", "Fischer", "Garcia", "Hughes", "Ito", "Jones",
        "Khan", "Lopez", "Moreau", "Nowak", "Okafor", "Patel", "Rossi", "Silva", "Tanaka", "Weber"]
REGIONS = ["North", "South", "East", "West", "Central"]

# (row index, what is wrong, how the row is spoiled) -- one of each kind a report should show.
DELIBERATE = {
    17: "customer-id with a letter O for a zero",
    230: "customer-id that is not in the CRM",
    480: "schedule in the past",
    777: "schedule more than 7 days ahead",
    1024: "the vendor's own bad ISO 8601 example",
    1500: "a date without a time",
    2048: "customer-id repeated from an earlier row",
    2600: "empty customer-id",
    2999: "negative customer-id",
}


def sample_rows(count: int, now: datetime, seed: int = 8) -> Iterator[list[str]]:
    rng = random.Random(seed)
    ids = rng.sample(range(10_000_000, 15_999_999), count)
    for i, cid in enumerate(ids):
        # Most rows are scheduled in the next 6 days, on the minute; some have no time at all.
        if rng.random() < 0.25:
            schedule = ""
        else:
            when = now + timedelta(hours=2 + rng.random() * 24 * 6)
            schedule = iso_utc_ms(when.replace(second=0, microsecond=0))
        first, last = rng.choice(FIRST), rng.choice(LAST)
        phone = f"+1555{rng.randrange(10**6, 10**7)}"
        row = [str(cid), schedule, first, last, phone, rng.choice(REGIONS)]
        match i:
            case 17:
                row[0] = str(cid).replace("0", "O", 1) if "0" in str(cid) else "10O3629"
            case 230:
                row[0] = "99000017"
            case 480:
                row[1] = iso_utc_ms((now - timedelta(days=2)).replace(microsecond=0))
            case 777:
                row[1] = iso_utc_ms((now + timedelta(days=9)).replace(microsecond=0))
            case 1024:
                row[1] = "2016-08-29T 09:00:00.000Z"
            case 1500:
                row[1] = (now + timedelta(days=1)).strftime("%Y-%m-%d")
            case 2048:
                row[0] = str(ids[100])
            case 2600:
                row[0] = ""
            case 2999:
                row[0] = "-" + str(cid)
        yield row


def write_samples(directory: Path, count: int = 3000, now: datetime | None = None,
                  seed: int = 8) -> tuple[Path, Path]:
    """Write customers.csv and customers.xlsx (same rows) into `directory`."""
    from openpyxl import Workbook

    from bulk_loader.reports import atomic_output

    now = now or datetime.now(UTC)
    directory.mkdir(parents=True, exist_ok=True)
    csv_path, xlsx_path = directory / "customers.csv", directory / "customers.xlsx"
    rows = list(sample_rows(count, now, seed))  # a few thousand rows: small by design
    # Written aside and renamed, as every output is: a reader never sees half a file.
    with atomic_output(csv_path) as f:
        writer = csv.writer(f)
        writer.writerow(HEADERS)
        writer.writerows(rows)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Customers")
    ws.append(HEADERS)
    for row in rows:
        # Ids as Excel numbers where they are numbers, as a CRM export would have them.
        cid: object = int(row[0]) if row[0].isdigit() else row[0]
        ws.append([cid, *row[1:]])
    with atomic_output(xlsx_path, "wb") as out:
        wb.save(out)
    return csv_path, xlsx_path
