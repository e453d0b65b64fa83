"""`make bench`: run every bench/bench_*.py and write their markdown into BENCHMARKS.md.

Each script has `main() -> str` returning one markdown section. Run one alone with
`python -m bench.bench_NAME`. Figures come from this machine (2 cores, shared, noisy).
"""

from __future__ import annotations

import importlib
import platform
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    only = sys.argv[1:]
    names = sorted(p.stem for p in (ROOT / "bench").glob("bench_*.py"))
    out = ROOT / "BENCHMARKS.md"
    old = out.read_text(encoding="utf-8") if out.exists() else ""
    kept = dict(re.findall(r"<!-- bench:(\w+) -->\n(.*?)<!-- /bench -->\n", old, re.S))
    for name in names:
        if only and name not in only:
            continue
        print(f"== {name}", flush=True)
        module = importlib.import_module(f"bench.{name}")
        started = time.perf_counter()
        text = module.main()
        print(text, flush=True)
        took = time.perf_counter() - started
        kept[name] = f"{text.rstrip()}\n\n_{name}: {took:.0f} s, {time.strftime('%Y-%m-%d')}_\n\n"
    head = (
        "# Benchmarks\n\nWritten by `make bench` (bench/run_all.py; `python -m bench.run_all "
        "bench_NAME` reruns one section), Python "
        f"{platform.python_version()}, "
        f"{platform.machine()}, 2 shared cores. A figure is one run unless its section says "
        "otherwise; rerun to compare.\n\n"
    )
    body = "".join(f"<!-- bench:{n} -->\n{kept[n]}<!-- /bench -->\n" for n in sorted(kept))
    out.write_text(head + body, encoding="utf-8")


if __name__ == "__main__":
    main()
