"""Stage 2, validation: customer ids, call times and zones, duplicates, and the loop over a whole
file that `validate`, `upload --dry-run` and the upload's load share.

Imports readers and the ground floor. See docs/architecture.md.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bulk_loader.lazy import lazy_names

if TYPE_CHECKING:
    from bulk_loader.validation._dedup import (
        SeenIds,
    )
    from bulk_loader.validation._file import (
        FileOptions,
        FileSummary,
        NoRowsError,
        parse_timezone,
        validate_file,
    )
    from bulk_loader.validation._ids import (
        ID_NOT_POSITIVE_INT,
        ID_TOO_LONG,
        parse_id,
        parse_ids,
    )
    from bulk_loader.validation._times import (
        NOT_ISO,
        ScheduleParser,
        canonical,
        send_time_reason,
    )
    from bulk_loader.validation._validator import (
        Validator,
        reason_key,
    )
    from bulk_loader.validation._when import (
        parse_period,
        parse_when,
    )

# Each name is imported on first use (PEP 562), so that a command loads only what it runs:
# `bulk-loader --version` took 0.10 s with each subpackage loaded whole, 0.06 s this way.
_WHERE = {
    "FileOptions": "_file",
    "FileSummary": "_file",
    "ID_NOT_POSITIVE_INT": "_ids",
    "ID_TOO_LONG": "_ids",
    "NOT_ISO": "_times",
    "NoRowsError": "_file",
    "ScheduleParser": "_times",
    "SeenIds": "_dedup",
    "Validator": "_validator",
    "canonical": "_times",
    "parse_id": "_ids",
    "parse_ids": "_ids",
    "parse_period": "_when",
    "parse_timezone": "_file",
    "parse_when": "_when",
    "reason_key": "_validator",
    "send_time_reason": "_times",
    "validate_file": "_file",
}

__all__ = [
    "FileOptions",
    "FileSummary",
    "ID_NOT_POSITIVE_INT",
    "ID_TOO_LONG",
    "NOT_ISO",
    "NoRowsError",
    "ScheduleParser",
    "SeenIds",
    "Validator",
    "canonical",
    "parse_id",
    "parse_ids",
    "parse_period",
    "parse_timezone",
    "parse_when",
    "reason_key",
    "send_time_reason",
    "validate_file",
]


__getattr__ = lazy_names(__name__, _WHERE, globals())
