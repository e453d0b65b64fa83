"""`make bench`: run every bench/bench_*.py and write their markdown into BENCHMARKS.md.

Each script has `main() -> str` returning one markdown section. Run one alone with
`python -m bench.bench_NAME`. Figures come from this machine (2 cores, shared, noisy).
"""

from __future__ import annotations

import importlib
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    only = sys.argv[1:]
    names = sorted(p.stem for p in (ROOT / "bench").glob("bench_*.py"))
    sections = []
    for name in names:
        if only and name not in only:
            continue
        print(f"== {name}", flush=True)
        module = importlib.import_module(f"bench.{name}")
        started = time.perf_counter()
        text = module.main()
        print(text, flush=True)
        sections.append(f"{text.rstrip()}\n\n_{name}: {time.perf_counter() - started:.0f} s_\n")
    head = (
        "# Benchmarks\n\nWritten by `make bench` (bench/run_all.py) on "
        f"{time.strftime('%Y-%m-%d')}, Python {platform.python_version()}, "
        f"{platform.machine()}, 2 shared cores. Every figure below is one run; rerun to compare.\n\n"
    )
    (ROOT / "BENCHMARKS.md").write_text(head + "\n".join(sections), encoding="utf-8")


if __name__ == "__main__":
    main()
