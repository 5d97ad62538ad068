"""Benchmark cold `fzzf check one.txt`: wall time of the whole command, median of several runs.

    python bench/bench_check.py --runs 11

Two figures: the usual case, where the compiled rules are already in the user's cache (every
run after the first one since the rules last changed), and the first run after installing or
editing rules, which loads, validates and indexes the YAML files (each such run gets an empty
cache folder of its own). Output goes to /dev/null; the time is the command's, start to exit.
The command reads compiled modules, as an installed copy does, whatever PYTHONDONTWRITEBYTECODE
says (`bench/bytecode_env.py`; `--bytecode as-is` to see the difference).
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bytecode_env

ROOT = Path(__file__).resolve().parent.parent
REPORT = ROOT / "samples" / "yunxi-county-2024.txt"


def fzzf() -> list[str]:
    """The installed command beside this interpreter, else the module."""
    exe = Path(sys.executable).parent / "fzzf"
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "checker"]


def timed(env: dict[str, str]) -> float:
    """Wall seconds of one `fzzf check REPORT`."""
    t = time.perf_counter()
    subprocess.run([*fzzf(), "check", str(REPORT)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   env=env, check=True)
    return time.perf_counter() - t


def measure(runs: int, mode: str = "installed") -> dict[str, Any]:
    """Median wall times with a warm and with an empty rules cache."""
    scratch = Path(tempfile.mkdtemp(prefix="fzzf-bench-check-"))
    try:
        env = {**bytecode_env.environment(scratch, mode), "FZZF_CACHE_DIR": str(scratch / "warm")}
        env.pop("FZZF_NO_CACHE", None)
        timed(env)  # fills the rules cache, the bytecode folder and the OS page cache
        warm = [timed(env) for _ in range(runs)]
        first = []
        for i in range(max(3, runs // 2)):
            first.append(timed({**env, "FZZF_CACHE_DIR": str(scratch / f"empty-{i}")}))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return {"runs": runs, "median_s": statistics.median(warm), "min_s": min(warm), "max_s": max(warm),
            "first_run_median_s": statistics.median(first), "bytecode": mode}


def main() -> None:
    """Run the benchmark from the command line."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=11)
    ap.add_argument("--bytecode", choices=bytecode_env.MODES, default="installed",
                    help="how the command gets compiled modules (see bench/bytecode_env.py)")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    r = measure(args.runs, args.bytecode)
    if args.json:
        print(json.dumps(r))
    else:
        print(f"cold `fzzf check one.txt`: median {r['median_s']:.3f} s over {r['runs']} runs "
              f"(min {r['min_s']:.3f}, max {r['max_s']:.3f}); first run after a rules change "
              f"{r['first_run_median_s']:.3f} s; {bytecode_env.describe(args.bytecode)}")


if __name__ == "__main__":
    main()
