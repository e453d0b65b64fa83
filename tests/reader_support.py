"""Helpers for the reader and validator tests (no tests here)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bulk_loader.model import Invalid
from bulk_loader.readers import open_table
from bulk_loader.validation import FileOptions, FileSummary, validate_file

NOW = datetime(2030, 1, 1, tzinfo=UTC)
SOON = "2030-01-02T09:00:00.000Z"  # inside the 7-day window after NOW


def read_all(path: Path, size: int = 3, **kwargs: Any) -> dict[str, Any]:
    """Every batch of a file, concatenated (small batches to cross batch edges)."""
    out: dict[str, Any] = {"rows": [], "ids": [], "schedules": [], "cells": []}
    with open_table(path, **kwargs) as table:
        out["table"] = {"headers": table.headers, "id_index": table.id_index,
                        "schedule_index": table.schedule_index, "encoding": table.encoding,
                        "delimiter": table.delimiter, "sheet": table.sheet,
                        "header_row": table.header_row, "format": table.format}
        for batch in table.batches(size):
            assert len(batch.rows) == len(batch.ids) == len(batch.schedules) == len(batch.cells)
            out["rows"] += batch.rows
            out["ids"] += batch.ids
            out["schedules"] += batch.schedules
            out["cells"] += [tuple(c) for c in batch.cells]
    return out


def check(path: Path, **options: Any) -> tuple[FileSummary, list[Invalid], list[tuple[int, int]]]:
    """Validate with the fixed NOW: (summary, invalid rows, valid (row, id) pairs)."""
    invalid: list[Invalid] = []
    valid: list[tuple[int, int]] = []

    def on_batch(batch: Any, validated: Any) -> None:
        invalid.extend(validated.invalid)
        valid.extend(zip(validated.rows, validated.ids, strict=True))

    summary = validate_file(path, FileOptions(**options), now=lambda: NOW, on_batch=on_batch,
                            batch_size=4)
    return summary, invalid, valid


def reasons(invalid: list[Invalid]) -> dict[int, str]:
    return {bad.row: bad.reason for bad in invalid}
