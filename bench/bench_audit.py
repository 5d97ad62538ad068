"""Benchmark `fzzf audit`: reports per second and peak memory (not a test; run by hand).

    python bench/bench_audit.py                    # 1,000 reports, 1 and 2 jobs, median of 3
    python bench/bench_audit.py --n 10000 --jobs 2 --repeat 1

Each run is what a user sees: `python -m checker audit FOLDER -o OUT --jobs N` in a fresh
interpreter, into a fresh output folder (no cache), timed from start to exit, so the figures
include the interpreter's start, imports, loading the rules, reading, checking and writing
every output (per-agency pages, summaries, cache entries). The measured commands read
compiled modules, as an installed copy does, whatever PYTHONDONTWRITEBYTECODE says
(`bench/bytecode_env.py`; `--bytecode as-is` to see the difference). Every synthetic report has an
agency of its own: the worst case for output writing (three pages per report). Output folders
are removed only at the end: deleting thousands of files makes the file system slow for a
while and would disturb the next run. Peak memory is the maximum resident set size of the main
process and of the largest worker; CPU is reported for both too, since on 2 cores the main
process's work competes with the workers'.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bytecode_env
from synth import make

# The command as a user types it (`python -m checker audit ...`), plus its resource use on exit.
RUN = r"""
import json, resource, runpy, sys, time
t = time.perf_counter()
folder, out, jobs = sys.argv[1:4]
sys.argv = ["fzzf", "audit", folder, "-o", out, "--jobs", jobs]
code = 0
try:
    runpy.run_module("checker", run_name="__main__")
except SystemExit as exc:
    code = exc.code
dt = time.perf_counter() - t
own = resource.getrusage(resource.RUSAGE_SELF)
kids = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"exit": code, "seconds": dt, "main_rss_mb": own.ru_maxrss / 1024,
                  "worker_rss_mb": kids.ru_maxrss / 1024, "main_cpu_s": own.ru_utime + own.ru_stime,
                  "workers_cpu_s": kids.ru_utime + kids.ru_stime}))
"""


def run_once(folder: Path, out: Path, jobs: int, env: dict[str, str] | None = None) -> dict[str, Any]:
    """One audit of `folder` into `out` with `jobs` workers, in a fresh interpreter."""
    t = time.perf_counter()
    p = subprocess.run([sys.executable, "-c", RUN, str(folder), str(out), str(jobs)], capture_output=True,
                       text=True, env=env)
    wall = time.perf_counter() - t
    data = json.loads(p.stdout.strip().splitlines()[-1]) if p.returncode == 0 and p.stdout.strip() else {}
    if data.get("exit") not in (0, 1):  # 1: some files could not be checked (counted below)
        raise RuntimeError(f"audit failed (exit {data.get('exit', p.returncode)}): {p.stderr[-2000:]}")
    rows = json.loads((out / "summary.json").read_text(encoding="utf-8"))["rows"]
    data["files"] = len(rows)
    data["errors"] = sum(1 for r in rows if not r.get("ok"))
    data["wall_seconds"] = wall
    data["reports_per_s"] = data["files"] / wall
    return data


def warm_up(scratch: Path, env: dict[str, str]) -> None:
    """One untimed audit of a few reports: compiles every module the measured runs import."""
    small = scratch / "warm-up"
    if not small.exists():
        make(small / "reports", 10)
        run_once(small / "reports", small / "out", 2, env)


def measure(folder: Path, scratch: Path, jobs: int, repeat: int, mode: str = "installed") -> dict[str, Any]:
    """Median figures of `repeat` runs for one configuration; throughput is over the wall time."""
    env = bytecode_env.environment(scratch, mode)
    warm_up(scratch, env)
    runs = []
    for i in range(repeat):
        runs.append(run_once(folder, scratch / f"out-j{jobs}-{i}-{time.monotonic_ns()}", jobs, env))
    mid = sorted(runs, key=lambda r: r["wall_seconds"])[len(runs) // 2]
    return {**mid, "jobs": jobs, "n": mid["files"], "bytecode": mode,
            "runs": [round(r["reports_per_s"], 1) for r in runs],
            "main_rss_mb": max(r["main_rss_mb"] for r in runs),
            "worker_rss_mb": max(r["worker_rss_mb"] for r in runs)}


def corpus(scratch: Path, n: int) -> Path:
    """`n` synthetic reports under `scratch`, written and flushed to disk."""
    folder = scratch / f"reports-{n}"
    make(folder, n)
    os.sync()
    return folder


def main() -> None:
    """Run the benchmark from the command line."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--bytecode", choices=bytecode_env.MODES, default="installed",
                    help="how the measured commands get compiled modules (see bench/bytecode_env.py)")
    ap.add_argument("--json", action="store_true", help="print results as JSON")
    args = ap.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="fzzf-bench-"))
    try:
        folder = corpus(scratch, args.n)
        results = []
        for jobs in args.jobs:
            r = measure(folder, scratch, jobs, args.repeat, args.bytecode)
            results.append(r)
            if not args.json:
                print(f"audit n={args.n} jobs={jobs}: {r['reports_per_s']:.0f} reports/s (median of {r['runs']}), "
                      f"CPU main {r['main_cpu_s']:.2f} s, workers {r['workers_cpu_s']:.2f} s; "
                      f"peak RSS main {r['main_rss_mb']:.0f} MB, largest worker {r['worker_rss_mb']:.0f} MB; "
                      f"{bytecode_env.describe(args.bytecode)}")
        if args.json:
            print(json.dumps(results))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
