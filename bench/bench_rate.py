"""A request budget: a simulator allowing 20 requests/s per tenant (`simulate --rate-limit 20`),
an upload at concurrency 16 and chunk 100, with and without `--max-rate 20`.

The aim (issue 12): with --max-rate at the budget, at least 90% of the allowed rate is used and at
most 10% of the requests are answered 429. Without it, the adaptive limiter alone (api/_limiter.py)
learns the budget from 429s; the row beside shows what that costs. `BENCH_RATE_N` sets the
records (default 20,000 = 200 requests, ~10 s at 20/s).
Run: python -m bench.run_all bench_rate
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from bench.bench_upload import _env, write_csv

RATE = 20.0


def _start(rate: float) -> tuple[subprocess.Popen[str], str]:
    sim = subprocess.Popen(
        [sys.executable, "-m", "bulk_loader", "simulate", "--port", "0", "--rate-limit",
         str(rate)], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=_env())
    assert sim.stdout is not None
    base = sim.stdout.readline().split()[-1]
    return sim, base


def one(n: int, max_rate: float | None, folder: Path) -> dict[str, float]:
    csv = folder / f"c{max_rate}.csv"
    trace = folder / f"t{max_rate}.jsonl"
    write_csv(csv, n)
    sim, base = _start(RATE)
    try:
        argv = [sys.executable, "-m", "bulk_loader", "upload", str(csv), "--campaign", "125",
                "--base-url", base, "--journal", str(folder / f"j{max_rate}.sqlite"),
                "--concurrency", "16", "--chunk-size", "100", "--quiet", "--json",
                "--no-preflight", "--trace-http", str(trace)]
        if max_rate:
            argv += ["--max-rate", str(max_rate)]
        began = time.monotonic()
        done = subprocess.run(argv, env=_env(), capture_output=True, text=True, check=False)
        wall = time.monotonic() - began
        with urllib.request.urlopen(base + "/__simulator/stats") as r:  # noqa: S310 (loopback)
            stats = json.load(r)
    finally:
        sim.terminate()
        sim.wait()
    summary = json.loads(done.stdout)
    requests = stats["requests"]
    answered_ok = requests - stats["rate_limited"]
    # The sending span, from the client's own trace (process start-up is not the server's
    # budget going unused); one interval added so that N evenly spaced requests score N/N.
    times = [_seconds(json.loads(line)["time"]) for line in trace.read_text().splitlines()]
    span = max(times) - min(times) + 1 / RATE
    return {"exit": done.returncode, "accepted": summary["counts"]["accepted"], "wall": wall,
            "requests": requests, "limited": stats["rate_limited"], "span": span,
            "used": answered_ok / span / RATE, "share_429": stats["rate_limited"] / requests}


def _seconds(stamp: str) -> float:
    from datetime import datetime

    return datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp()


def main() -> str:
    n = int(os.environ.get("BENCH_RATE_N", "20000"))
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for max_rate in (RATE, None):
            r = one(n, max_rate, Path(tmp))
            label = f"--max-rate {max_rate:g}" if max_rate else "adaptive limiter only"
            rows.append(f"| {label} | {r['accepted']:,} | {r['wall']:.1f} | {r['span']:.1f} | {r['requests']:,} | "
                        f"{r['limited']:,} ({r['share_429']:.1%}) | {r['used']:.0%} | "
                        f"{r['exit']} |")
    return "\n".join([
        f"## Request budget: simulator at {RATE:g} requests/s, concurrency 16, chunk 100, "
        f"{n:,} records",
        "",
        "Used = requests answered (not 429) per second of the sending span (first to last request, "
        "from --trace-http), against the budget. "
        "Aim with --max-rate: used >= 90%, 429s <= 10%.",
        "",
        "| client | accepted | wall s | sending s | requests | 429 | used | exit |",
        "|---|---|---|---|---|---|---|---|",
        *rows,
    ])


if __name__ == "__main__":
    print(main())
