import csv
from datetime import UTC, datetime

from click.testing import CliRunner
from openpyxl import load_workbook

from bulk_loader.cli import cli
from bulk_loader.sample import DELIBERATE, HEADERS, write_samples

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)


def test_samples_are_relative_to_now_and_alike(tmp_path):
    csv_path, xlsx_path = write_samples(tmp_path, 3000, now=NOW)
    with csv_path.open(newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0] == HEADERS and len(rows) == 3001
    times = [r[1] for i, r in enumerate(rows[1:]) if r[1] and i not in DELIBERATE]
    assert min(times) > "2026-11-27T12:00" and max(times) < "2026-12-03T14:00"
    assert rows[1 + 1024][1] == "2016-08-29T 09:00:00.000Z"
    sheet = load_workbook(xlsx_path, read_only=True).active
    xrows = list(sheet.iter_rows(values_only=True))
    assert len(xrows) == 3001
    assert xrows[1][0] == int(rows[1][0])  # ids stored as Excel numbers
    assert xrows[1 + 17][0] == rows[1 + 17][0]  # the bad id stays text


def test_sample_cli(tmp_path):
    result = CliRunner().invoke(cli, ["sample", "--out", str(tmp_path), "--rows", "3000"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"wrote {tmp_path / 'customers.csv'} and ")
    assert "9 of them wrong on purpose" in result.output
