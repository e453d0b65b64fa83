"""Instructions per record of the legacy upload, counted by valgrind's callgrind: a figure the
shared machine's noise cannot move.

On 2 shared cores the CPU seconds of one upload move by 20-40% from run to run (BENCHMARKS.md),
too much to see a 5% change between two versions of the code. callgrind counts the
instructions the uploader process executes, which are the same from run to run for the same code
and input. Start-up (imports) is the same whatever the size, so two sizes are uploaded and the
difference is divided by the difference in records: instructions per record, without start-up.

To compare two versions, run this in a checkout of each (each with its own .venv):
`python -m bench.upload_instructions [N1 N2]` (default 20,000 and 200,000; about 4 minutes,
python under callgrind runs some 50 times slower). Needs `valgrind` on the PATH.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.bench_upload import _env, start_simulator, stop, upload_argv, write_csv


def instructions(n: int, work: Path) -> int:
    """Instructions the uploader executed for an upload of `n` records to a fresh simulator."""
    file = work / f"in-{n}.csv"
    write_csv(file, n)
    proc, url = start_simulator(0.0)
    try:
        argv = upload_argv(url, file, work / f"j-{n}.sqlite")
        out = work / f"callgrind-{n}.out"
        done = subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}",
                               *argv], capture_output=True, text=True, env=_env())
    finally:
        stop(proc)
    found = re.search(r"Collected : (\d+)", done.stderr)
    if done.returncode != 0 or found is None:
        raise SystemExit(f"the upload of {n:,} records under callgrind failed "
                         f"(exit {done.returncode}): {done.stderr[-400:]}")
    return int(found.group(1))


def main() -> str:
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is not on the PATH")
    n1, n2 = (int(a) for a in sys.argv[1:3]) if len(sys.argv) >= 3 else (20_000, 200_000)
    with tempfile.TemporaryDirectory() as tmp:
        small, big = instructions(n1, Path(tmp)), instructions(n2, Path(tmp))
    per_record = (big - small) / (n2 - n1)
    start_up = small - per_record * n1
    return (f"upload instructions: {per_record:,.0f} per record (from {n1:,} and {n2:,} records: "
            f"{small:,} and {big:,}); start-up and fixed cost {start_up / 1e6:,.0f} M")


if __name__ == "__main__":
    print(main())
