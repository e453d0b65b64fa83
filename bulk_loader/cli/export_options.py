"""Options for real-world exports (readers/_exports.py), shared by `validate` and `upload`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])


def export_options(f: F) -> F:
    for option in reversed((
        click.option("--date-format", "date_formats", multiple=True, metavar="FORMAT",
                     help="strptime layout of non-ISO schedule values, e.g. '%d/%m/%Y %H:%M'; "
                          "repeat it to try several in order. Day-first is never guessed."),
        click.option("--timezone-column", metavar="NAME",
                     help="Column holding each row's time zone (default: a header timezone, "
                          "time zone or tz)."),
        click.option("--no-schedule", is_flag=True,
                     help="Confirm that the file has no call times (each customer is dialled "
                          "as soon as possible)."),
    )):
        f = option(f)
    return f
