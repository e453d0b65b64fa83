"""Stage 2, validation: customer ids, call times and zones, duplicates, and the loop over a whole
file that `validate`, `upload --dry-run` and the upload's load share.

Imports readers and the ground floor. See docs/architecture.md.
"""

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
