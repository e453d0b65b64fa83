"""Stage 1, reading: open a customer file (CSV or XLSX, from a path, stdin or gzip) and stream
its rows in batches, in constant memory; map its columns; recognise real-world exports.

    with open_table(path) as table:
        for batch in table.batches(): ...

Imports only the ground floor (errors, model, states, spec, config...). See docs/architecture.md.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bulk_loader.lazy import lazy_names

if TYPE_CHECKING:
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

# Each name is imported on first use (PEP 562), so that a command loads only what it runs:
# `bulk-loader --version` took 0.10 s with each subpackage loaded whole, 0.06 s this way.
_WHERE = {
    "DEFAULT_BATCH": "_table",
    "ExportOptions": "_exports",
    "FailuresWriter": "_failures_file",
    "Mapping": "_exports",
    "OLE2_MAGIC": "_open",
    "RowProblem": "_columns",
    "Sample": "_exports",
    "TRIGGERS": "_failures_file",
    "Table": "_table",
    "add_samples": "_exports",
    "aliases_from_config": "_header_config",
    "check_schedule": "_exports",
    "failures_writer": "_failures_file",
    "got": "_columns",
    "guard": "_failures_file",
    "iter_rows": "_open",
    "local_input": "_input_source",
    "open_table": "_open",
    "row_zones": "_exports",
    "sniff_format": "_open",
    "unguard": "_failures_file",
    "zone_index": "_exports",
}

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


__getattr__ = lazy_names(__name__, _WHERE, globals())
