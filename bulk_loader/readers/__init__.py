"""Stage 1, reading: open a customer file (CSV or XLSX, from a path, stdin or gzip) and stream
its rows in batches, in constant memory; map its columns; recognise real-world exports.

    with open_table(path) as table:
        for batch in table.batches(): ...

Imports only the ground floor (errors, model, states, spec, config...). See docs/architecture.md.
"""

from bulk_loader.readers._columns import (
    RowProblem,
    got,
)
from bulk_loader.readers._exports import (
    ExportOptions,
    Mapping,
    Sample,
    add_samples,
    check_schedule,
    row_zones,
    zone_index,
)
from bulk_loader.readers._failures_file import (
    TRIGGERS,
    FailuresWriter,
    failures_writer,
    guard,
    unguard,
)
from bulk_loader.readers._header_config import (
    aliases_from_config,
)
from bulk_loader.readers._input_source import (
    local_input,
)
from bulk_loader.readers._open import (
    OLE2_MAGIC,
    iter_rows,
    open_table,
    sniff_format,
)
from bulk_loader.readers._table import (
    DEFAULT_BATCH,
    Table,
)

__all__ = [
    "DEFAULT_BATCH",
    "ExportOptions",
    "FailuresWriter",
    "Mapping",
    "OLE2_MAGIC",
    "RowProblem",
    "Sample",
    "TRIGGERS",
    "Table",
    "add_samples",
    "aliases_from_config",
    "check_schedule",
    "failures_writer",
    "got",
    "guard",
    "iter_rows",
    "local_input",
    "open_table",
    "row_zones",
    "sniff_format",
    "unguard",
    "zone_index",
]
