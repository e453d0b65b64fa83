"""`bulk-loader delete`: remove an upload's records (or a file's) from a campaign, resumable.
"""

from bulk_loader.delete._run import (
    DeleteOptions,
    run_delete,
)
from bulk_loader.delete._summary import (
    format_summary,
)

__all__ = [
    "DeleteOptions",
    "format_summary",
    "run_delete",
]
