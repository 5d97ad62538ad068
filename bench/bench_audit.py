"""Benchmark `fzzf audit`: reports per second and peak memory (not a test; run by hand).

    python bench/bench_audit.py                    # 1,000 reports, 1 and 2 jobs, best of 3
    python bench/bench_audit.py --n 10000 --jobs 2 --repeat 1

Each run is a fresh interpreter auditing into a fresh output folder (no cache), so the figures
include start-up, reading, checking and writing every output (per-agency pages, summaries,
cache entries). Every synthetic report has an agency of its own: the worst case for output
writing (three pages per report). Output folders are removed only at the end: deleting
thousands of files makes the file system slow for a while and would disturb the next run.
Peak memory is the maximum resident set size of the main process and of the largest worker.
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
from synth import make

RUN = r"""
import json, resource, sys, time
from pathlib import Path
from checker.batch.audit import AuditOptions, run_audit
t = time.perf_counter()
res = run_audit(AuditOptions(paths=[sys.argv[1]], outdir=Path(sys.argv[2]), jobs=int(sys.argv[3])))
dt = time.perf_counter() - t
own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({"seconds": dt, "files": res.files, "errors": res.errors,
                  "main_rss_mb": own / 1024, "worker_rss_mb": kids / 1024}))
"""


def run_once(folder: Path, out: Path, jobs: int) -> dict[str, Any]:
    """One audit of `folder` into `out` with `jobs` workers, in a fresh interpreter."""
    t = time.perf_counter()
    p = subprocess.run([sys.executable, "-c", RUN, str(folder), str(out), str(jobs)], capture_output=True,
                       text=True, check=True)
    wall = time.perf_counter() - t
    data = json.loads(p.stdout.strip().splitlines()[-1])
    data["wall_seconds"] = wall
    data["reports_per_s"] = data["files"] / wall
    return data


def measure(folder: Path, scratch: Path, jobs: int, repeat: int) -> dict[str, Any]:
    """Best (median of `repeat`) figures for one configuration; throughput is over the wall time."""
    runs = []
    for i in range(repeat):
        runs.append(run_once(folder, scratch / f"out-j{jobs}-{i}-{time.monotonic_ns()}", jobs))
    mid = sorted(runs, key=lambda r: r["wall_seconds"])[len(runs) // 2]
    return {**mid, "jobs": jobs, "n": mid["files"], "runs": [round(r["reports_per_s"], 1) for r in runs],
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
    ap.add_argument("--json", action="store_true", help="print results as JSON")
    args = ap.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="fzzf-bench-"))
    try:
        folder = corpus(scratch, args.n)
        results = []
        for jobs in args.jobs:
            r = measure(folder, scratch, jobs, args.repeat)
            results.append(r)
            if not args.json:
                print(f"audit n={args.n} jobs={jobs}: {r['reports_per_s']:.0f} reports/s (median of {r['runs']}), "
                      f"peak RSS main {r['main_rss_mb']:.0f} MB, largest worker {r['worker_rss_mb']:.0f} MB")
        if args.json:
            print(json.dumps(results))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
