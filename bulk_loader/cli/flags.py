"""A library error names its parameter (`concurrency must be at least 1`); the CLI names its flag.

The library raises UsageError (or InputFileError) with `param` set to the parameters its message
names; `message` here puts the flag that sets each in its place, so that a person at the command
line reads `--concurrency must be at least 1` and a program calling `bulk_loader.upload` reads
the name of the argument it passed.
"""

from __future__ import annotations

import re

from bulk_loader.errors import BulkLoaderError

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
    "date_format": "--date-format",
    "platform": "--platform",
    "base_url": "--base-url",
    "api": "--api",
    "site": "--site",
    "campaign_id": "--campaign",
    "trace": "--trace-http",
    "since": "--since",
    "until": "--until",
    "status": "--status",
    "output": "--output",
    "format": "--format",
    "source_run": "--run",
    "id_column": "--id-column",
    "schedule_column": "--schedule-column",
    "no_schedule": "--no-schedule",
}

# A quoted value (`'x'`, `"x"`): a quote that no letter precedes (`campaign's` is not one).
_QUOTED = r"(?<!\w)(['\"])(?:\\.|(?!\1).)*\1"


def message(exc: BaseException) -> str:
    """`str(exc)`, with each parameter a library error names shown as its flag."""
    text = str(exc)
    params = exc.params if isinstance(exc, BulkLoaderError) else ()
    names = [p for p in params if p in FLAGS]
    if not names:
        return text
    # A name in parentheses marks the parameter, and the bare word is then English (`unknown
    # encoding 'x' (encoding)`); else every whole word is the name: never inside a longer word,
    # flag, path or file name (`sheets`, `--site`, `/tmp/output`, `format.csv`, `campaign's`),
    # nor inside a quoted value.
    unquoted = re.sub(_QUOTED, "", text)
    marked = {n for n in names if f"({n})" in unquoted}
    words = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    pattern = rf"{_QUOTED}|(?<![\w./\\-])(?:({words}))(?![\w/\\-]|['.]\w)"

    def swap(m: re.Match[str]) -> str:
        name = m.group(2)
        if name is None:
            return m.group(0)
        in_parens = text[m.start() - 1:m.start()] == "(" and text[m.end():m.end() + 1] == ")"
        return FLAGS[name] if name not in marked or in_parens else name

    return re.sub(pattern, swap, text)
