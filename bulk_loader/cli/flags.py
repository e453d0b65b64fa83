"""A library error names its parameter (`concurrency must be at least 1`); the CLI names its flag.

The library raises UsageError with `param` set to the parameter it names; `message` here puts
the flag that sets that parameter in its place, so that a person at the command line reads
`--concurrency must be at least 1` and a program calling `bulk_loader.upload` reads the name of
the argument it passed.
"""

from __future__ import annotations

import re

from bulk_loader.errors import UsageError

# Library parameter -> the CLI flag that sets it.
FLAGS = {
    "chunk_size": "--chunk-size",
    "concurrency": "--concurrency",
    "retry_for": "--retry-for",
    "results": "--results",
    "timezone": "--timezone",
    "timeout": "--timeout",
    "max_rate": "--max-rate",
    "sheet": "--sheet",
    "encoding": "--encoding",
    "delimiter": "--delimiter",
    "timezone_column": "--timezone-column",
}


def message(exc: BaseException) -> str:
    """`str(exc)`, with a UsageError's parameter shown as its flag."""
    text = str(exc)
    param = getattr(exc, "param", None) if isinstance(exc, UsageError) else None
    if param not in FLAGS:
        return text
    # Where a message names its parameter: first (`concurrency must ...`) or in parentheses
    # (`unknown time zone 'X' (timezone)`), never inside a quoted value.
    name = re.escape(param)
    return re.sub(rf"^{name}(?![\w-])|(?<=\(){name}(?=\))", FLAGS[param], text)
