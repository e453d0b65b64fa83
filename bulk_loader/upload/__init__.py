"""`bulk-loader upload`: the main job, resumable at any instant (load, then send), and its dry run.
"""

from bulk_loader.upload._dry import (
    # only here: it imports the validator,
    format_dry_run,
)
from bulk_loader.upload._load import (
    load_file,
)
from bulk_loader.upload._run import (
    UploadOptions,
    fallback_zone,
    run_upload,
)
from bulk_loader.upload._send import (
    CONFIRMED_ON_RESUME,
)
from bulk_loader.upload._summary import (
    format_summary,
    iso_utc,
)

__all__ = [
    "# only here: it imports the validator",
    "CONFIRMED_ON_RESUME",
    "UploadOptions",
    "fallback_zone",
    "format_dry_run",
    "format_summary",
    "iso_utc",
    "load_file",
    "run_upload",
]
