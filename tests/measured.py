"""`run_measured(argv, env)`: the CLI in a child process, with the child's own peak memory.

Why a launcher: a child forked from a large pytest process inherits that process's peak in its
rusage (Linux keeps the pre-exec high-water mark), so wait4 on it would report pytest's size. A
small launcher forks the real child instead, and reports RUSAGE_CHILDREN: that child alone.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from tests.upload_support import spawn

_LAUNCH = ("import resource, subprocess, sys\n"
           "code = subprocess.call(sys.argv[2:])\n"
           "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
           "open(sys.argv[1], 'w').write(str(peak))\n"
           "sys.exit(code if code >= 0 else 128 - code)\n")


def run_measured(argv: list[str], env: dict[str, str],
                 hang: float = 600) -> tuple[int, str, str, int]:
    """(exit code, stdout, stderr, peak RSS in KB) of `bulk-loader argv`; `hang` bounds a run
    that never ends (subprocess.TimeoutExpired), it is not a speed assertion."""
    with tempfile.TemporaryDirectory() as tmp:
        peak_file = Path(tmp) / "peak"
        proc = spawn([sys.executable, "-c", _LAUNCH, str(peak_file), sys.executable, "-m",
                      "bulk_loader", *argv], env)
        out, err = proc.communicate(timeout=hang)
        return proc.returncode, out, err, int(peak_file.read_text())
