"""Run every benchmark and write the table in docs/benchmarks.md (one command to regenerate it).

    python bench/run_all.py            # about ten minutes on a 2-core machine
    python bench/run_all.py --quick    # smaller runs, to try the script

Figures depend on the machine and on what else it is doing: on a shared virtual machine they
vary by a third from one run to the next, which is why each audit figure is the median of
several runs and the page says when and where it was measured.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import bench_audit  # noqa: E402
import bench_check  # noqa: E402
import bench_scaling  # noqa: E402

DOC = ROOT / "docs" / "benchmarks.md"
BEGIN, END = "<!-- bench:begin -->", "<!-- bench:end -->"


def floor(n: int) -> dict[str, Any]:
    """bench_floor.py in its own interpreter (it loads the whole pipeline)."""
    p = subprocess.run([sys.executable, str(HERE / "bench_floor.py"), "--n", str(n), "--json"], capture_output=True,
                       text=True, check=True)
    return json.loads(p.stdout)


def cpu() -> str:
    """The processor's model name, as /proc/cpuinfo gives it."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def table(results: dict[str, Any]) -> str:
    """The Markdown block written between the markers of docs/benchmarks.md."""
    a1, a2 = results["audit_1"], results["audit_2"]
    big = results["audit_big"]
    chk = results["check"]
    fl = results["floor"]
    per_core = a1["reports_per_s"]
    lines = [
        f"Measured {results['date']} on {results['cores']} cores ({results['cpu']}), Python "
        f"{results['python']}, {results['os']}. Regenerate with `python bench/run_all.py`.",
        "",
        "| Measure | Result | Target |",
        "|---|---|---|",
        f"| `audit`, {a1['n']:,} reports, 1 core | **{a1['reports_per_s']:.0f} reports/s** median "
        f"(runs: {', '.join(map(str, a1['runs']))}) | |",
        f"| `audit`, {a2['n']:,} reports, 2 cores | **{a2['reports_per_s']:.0f} reports/s** median "
        f"(runs: {', '.join(map(str, a2['runs']))}) | ≥ 300 reports/s |",
        f"| peak memory, {a2['n']:,} reports, 2 cores | main {a2['main_rss_mb']:.0f} MB, "
        f"largest worker {a2['worker_rss_mb']:.0f} MB | flat |",
        f"| peak memory, {big['n']:,} reports, 2 cores | main {big['main_rss_mb']:.0f} MB, "
        f"largest worker {big['worker_rss_mb']:.0f} MB ({big['reports_per_s']:.0f} reports/s) | flat |",
        f"| main process memory per report | "
        f"{(big['main_rss_mb'] - a2['main_rss_mb']) * 1024 / (big['n'] - a2['n']):.1f} KB | |",
        f"| cold `fzzf check one.txt` | **{chk['median_s']:.2f} s** median of {chk['runs']} "
        f"(min {chk['min_s']:.2f}, max {chk['max_s']:.2f}) | < 0.5 s |",
        f"| … first run after installing or changing rules | {chk['first_run_median_s']:.2f} s | |",
        f"| raw floor: read, decode, every rule's term pattern over the text | "
        f"{fl['floor_reports_per_s']:.0f} reports/s per core (the audit on 1 core does "
        f"{per_core / fl['floor_reports_per_s']:.1f}× that) | |",
        f"| raw floor: read, decode, one pass for all term literals | "
        f"{fl['literal_floor_reports_per_s']:.0f} reports/s per core "
        f"(the audit on 1 core does 1/{fl['literal_floor_reports_per_s'] / per_core:.0f} of that) | |",
        "",
        f"Where one report's time goes (one process, {fl['n']:,} reports, ms per report):",
        "",
        "| Stage | ms |",
        "|---|---|",
    ]
    for stage, ms in sorted(fl["stages_ms"].items(), key=lambda kv: -kv[1]):
        lines.append(f"| {stage} | {ms:.2f} |")
    lines.append(f"| **total** | **{sum(fl['stages_ms'].values()):.2f}** |")
    scaling = results.get("scaling")
    if scaling:
        names = {"txt": "short sentences, .txt", "docx": "one short paragraph each, .docx",
                 "html": "one `<p>` each, .html"}
        sizes = [r["mb"] for r in next(iter(scaling.values()))]
        lines += ["", "Time per MB of report text as a report grows (`bench/bench_scaling.py`; read, check, JSON; "
                  "one fresh process per file, start-up not counted; peak memory in brackets):", "",
                  "| Shape | " + " | ".join(f"{mb:g} MB" for mb in sizes) + " | largest/smallest |",
                  "|---|" + "---|" * (len(sizes) + 1)]
        for shape, rows in scaling.items():
            cells = " | ".join(f"{r['s_per_mb']:.2f} s/MB ({r['peak_rss_mb']:.0f} MB)" for r in rows)
            lines.append(f"| {names.get(shape, shape)} | {cells} | {rows[-1]['s_per_mb'] / rows[0]['s_per_mb']:.2f} |")
    return "\n".join(lines)


SCALING = "Time per MB of report text"


def write(block: str, keep_scaling: bool = False) -> None:
    """Replace the generated block of docs/benchmarks.md, keeping the prose around it.

    `keep_scaling`: the block has no scaling table (it was not measured this time), so the
    page's current one, with the date it gives, stays.
    """
    text = DOC.read_text(encoding="utf-8")
    head, _, rest = text.partition(BEGIN)
    old, _, tail = rest.partition(END)
    if keep_scaling and SCALING in old:
        block = f"{block}\n\n{SCALING}{old.split(SCALING, 1)[1].rstrip()}"
    DOC.write_text(f"{head}{BEGIN}\n{block}\n{END}{tail}", encoding="utf-8")


def main() -> None:
    """Run the benchmarks and update docs/benchmarks.md."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="small runs (the table is printed, not written)")
    ap.add_argument("--keep-scaling", action="store_true",
                    help="skip bench_scaling.py (minutes) and keep the page's current scaling table")
    args = ap.parse_args()
    n, big, repeat = (200, 1000, 1) if args.quick else (1000, 10000, 3)
    results: dict[str, Any] = {
        "date": dt.date.today().isoformat(), "cores": os.cpu_count(), "cpu": cpu(),
        "python": platform.python_version(), "os": f"{platform.system()} {platform.release()}",
    }
    print("cold check …", file=sys.stderr)
    results["check"] = bench_check.measure(5 if args.quick else 11)
    print("floor and stages …", file=sys.stderr)
    results["floor"] = floor(n)
    scratch = Path(tempfile.mkdtemp(prefix="fzzf-bench-"))
    try:
        folder = bench_audit.corpus(scratch, n)
        print(f"audit of {n} reports …", file=sys.stderr)
        results["audit_1"] = bench_audit.measure(folder, scratch, 1, repeat)
        results["audit_2"] = bench_audit.measure(folder, scratch, 2, repeat)
        print(f"audit of {big} reports …", file=sys.stderr)
        results["audit_big"] = bench_audit.measure(bench_audit.corpus(scratch, big), scratch, 2, 1)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    if not args.keep_scaling:
        print("time per MB as reports grow …", file=sys.stderr)
        results["scaling"] = bench_scaling.measure([0.1, 1] if args.quick else [0.1, 1, 5, 20])
    block = table(results)
    print(block)
    if not args.quick:
        write(block, keep_scaling=args.keep_scaling)
        (DOC.parent / "benchmarks.json").write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
