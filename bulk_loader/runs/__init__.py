"""What upload and delete share while a run lives: Ctrl-C and SIGTERM, progress, the circuit
breaker, GC tuning, the run key (file sha256), --retry-for, --log-file and --metrics-file.
"""

from bulk_loader.runs._breaker import (
    Breaker,
    dead_reason,
    limit_for,
)
from bulk_loader.runs._gc_relax import (
    THRESHOLDS,
    relaxed_gc,
)
from bulk_loader.runs._interrupt import (
    EXIT_TERMINATED,
    Terminated,
    ctrl_c,
    install_sigterm,
)
from bulk_loader.runs._metrics import (
    check_metrics_path,
    write_metrics,
)
from bulk_loader.runs._progress import (
    Progress,
    choose_mode,
)
from bulk_loader.runs._ride_out import (
    Patience,
    describe,
    parse_duration,
)
from bulk_loader.runs._run_key import (
    Stamp,
    file_sha256,
    left_behind,
    left_behind_notice,
)
from bulk_loader.runs._run_log import (
    RunLog,
)

__all__ = [
    "Breaker",
    "EXIT_TERMINATED",
    "Patience",
    "Progress",
    "RunLog",
    "Stamp",
    "THRESHOLDS",
    "Terminated",
    "check_metrics_path",
    "choose_mode",
    "ctrl_c",
    "dead_reason",
    "describe",
    "file_sha256",
    "install_sigterm",
    "left_behind",
    "left_behind_notice",
    "limit_for",
    "parse_duration",
    "relaxed_gc",
    "write_metrics",
]
