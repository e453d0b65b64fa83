"""What upload and delete share while a run lives: Ctrl-C and SIGTERM, progress, the circuit
breaker, GC tuning, process-wide settings put back after a run, the run key (file sha256),
--retry-for, --log-file and --metrics-file.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bulk_loader.lazy import lazy_names

if TYPE_CHECKING:
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
    from bulk_loader.runs._lifecycle import (
        Stages,
        check_sizes,
        live,
        run_sync,
    )
    from bulk_loader.runs._metrics import (
        check_metrics_path,
        write_metrics,
    )
    from bulk_loader.runs._process import (
        freeze_startup,
        process_guard,
        restores_process,
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
    from bulk_loader.runs._sender import (
        ChunkKind,
        ChunkSender,
    )
    from bulk_loader.runs._tally import (
        Tally,
    )

# Each name is imported on first use (PEP 562), so that a command loads only what it runs:
# `bulk-loader --version` took 0.10 s with each subpackage loaded whole, 0.06 s this way.
_WHERE = {
    "Breaker": "_breaker",
    "ChunkKind": "_sender",
    "ChunkSender": "_sender",
    "EXIT_TERMINATED": "_interrupt",
    "Patience": "_ride_out",
    "Progress": "_progress",
    "RunLog": "_run_log",
    "Stages": "_lifecycle",
    "check_sizes": "_lifecycle",
    "live": "_lifecycle",
    "run_sync": "_lifecycle",
    "Stamp": "_run_key",
    "THRESHOLDS": "_gc_relax",
    "Tally": "_tally",
    "Terminated": "_interrupt",
    "check_metrics_path": "_metrics",
    "choose_mode": "_progress",
    "ctrl_c": "_interrupt",
    "dead_reason": "_breaker",
    "describe": "_ride_out",
    "file_sha256": "_run_key",
    "install_sigterm": "_interrupt",
    "left_behind": "_run_key",
    "left_behind_notice": "_run_key",
    "limit_for": "_breaker",
    "parse_duration": "_ride_out",
    "freeze_startup": "_process",
    "process_guard": "_process",
    "relaxed_gc": "_gc_relax",
    "restores_process": "_process",
    "write_metrics": "_metrics",
}

__all__ = [
    "Breaker",
    "ChunkKind",
    "ChunkSender",
    "EXIT_TERMINATED",
    "Patience",
    "Progress",
    "RunLog",
    "Stages",
    "Stamp",
    "THRESHOLDS",
    "Tally",
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
    "check_sizes",
    "live",
    "parse_duration",
    "freeze_startup",
    "process_guard",
    "relaxed_gc",
    "restores_process",
    "run_sync",
    "write_metrics",
]


__getattr__ = lazy_names(__name__, _WHERE, globals())
