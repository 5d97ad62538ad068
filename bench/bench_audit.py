"""Benchmark `fzzf audit`: reports per second and peak memory (not a test; run by hand or CI-free).

    python bench/bench_audit.py                 # 1,000 reports, 1 and 2 jobs
    python bench/bench_audit.py --n 10000 --jobs 2

Each configuration runs in a fresh interpreter on a fresh output folder (no cache), so the
figures include start-up, reading, checking, and writing every output. Peak memory is the
maximum resident set size of the main process and of the largest worker.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

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
print(json.dumps({"seconds": dt, "files": len(res.rows), "errors": res.errors,
                  "main_rss_mb": own / 1024, "worker_rss_mb": kids / 1024}))
"""


def run(folder: Path, jobs: int) -> dict[str, float]:
    """One audit of `folder` with `jobs` workers in a fresh interpreter."""
    with tempfile.TemporaryDirectory() as out:
        t = time.perf_counter()
        p = subprocess.run([sys.executable, "-c", RUN, str(folder), out, str(jobs)], capture_output=True,
                           text=True, check=True)
        wall = time.perf_counter() - t
    data = json.loads(p.stdout.strip().splitlines()[-1])
    data["wall_seconds"] = wall
    data["reports_per_s"] = data["files"] / data["seconds"]
    return data


def main() -> None:
    """Run the benchmark from the command line."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--json", action="store_true", help="print results as JSON")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        folder = Path(d) / "reports"
        make(folder, args.n)
        results = []
        for jobs in args.jobs:
            r = run(folder, jobs)
            r.update(n=args.n, jobs=jobs)
            results.append(r)
            if not args.json:
                print(f"audit n={args.n} jobs={jobs}: {r['reports_per_s']:.0f} reports/s "
                      f"({r['seconds']:.1f} s in run_audit, {r['wall_seconds']:.1f} s wall), "
                      f"peak RSS main {r['main_rss_mb']:.0f} MB, largest worker {r['worker_rss_mb']:.0f} MB")
    if args.json:
        print(json.dumps(results))


if __name__ == "__main__":
    main()
