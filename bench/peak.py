"""Peak RSS of one command, measured so that the bench's own size does not leak into it.

    argv = peak.wrap(argv, peak_file)   # run it as usual, wait4 for CPU and wall
    rss_mb = peak.read(peak_file)

Why: Linux keeps a process's pre-exec high-water mark in its rusage, so a child spawned by a
large bench process (a 5M-record journal built in-process, a simulator's records) reports that
process's peak as its own: bench_read_validate once showed 327 MB for a bare csv read that needs
about 50. A small launcher (this module, about 10 MB) spawns the real command and writes its
RUSAGE_CHILDREN peak, which is that command's alone. Its own CPU (one Python start-up, about
20 ms) is inside the wait4 figures of the caller: under 0.2% of any figure in BENCHMARKS.md.
"""

from __future__ import annotations

import resource
import subprocess
import sys
from pathlib import Path


def wrap(argv: list[str], peak_file: Path) -> list[str]:
    return [sys.executable, "-m", "bench.peak", str(peak_file), *argv]


def read(peak_file: Path) -> float:
    """The command's peak RSS in MB (ru_maxrss is in KB on Linux)."""
    return int(peak_file.read_text()) / 1024


def main() -> None:
    code = subprocess.call(sys.argv[2:])
    Path(sys.argv[1]).write_text(str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))
    sys.exit(code if code >= 0 else 128 - code)


if __name__ == "__main__":
    main()
