"""`bulk-loader delete`: remove an upload's records (or a file's) from a campaign, resumable.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bulk_loader.lazy import lazy_names

if TYPE_CHECKING:
    from bulk_loader.delete._run import (
        DeleteOptions,
        run_delete,
        run_delete_async,
    )
    from bulk_loader.delete._summary import (
        format_summary,
    )

# Each name is imported on first use (PEP 562), so that a command loads only what it runs:
# `bulk-loader --version` took 0.10 s with each subpackage loaded whole, 0.06 s this way.
_WHERE = {
    "DeleteOptions": "_run",
    "format_summary": "_summary",
    "run_delete": "_run",
    "run_delete_async": "_run",
}

__all__ = [
    "DeleteOptions",
    "format_summary",
    "run_delete",
    "run_delete_async",
]


__getattr__ = lazy_names(__name__, _WHERE, globals())
