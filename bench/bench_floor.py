"""The raw floor, and where a report's time goes (not a test; run by hand).

    python bench/bench_floor.py --n 1000

The floor is what any checker must do at least: read each file, decode it and scan its text
once for every rule's terms (each rule's term pattern run over the whole text). The stage
table times the real pipeline, stage by stage, in one process, on the same reports: it is
what to look at before optimising anything.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synth import make

from checker import metadata as meta_mod
from checker.api import Checker
from checker.batch.agencies import history, to_data
from checker.batch.cache import Cache
from checker.batch.record import fingerprints, neutral_report
from checker.compiled import compiled
from checker.facts import counted_hits, extract_hits, year_borne_out
from checker.lookalike import refuse_lookalike
from checker.quality import measure as quality
from checker.read import read_document
from checker.read.decode import decode
from checker.render import audit as out
from checker.segment import segment
from checker.verdict import judge_items


def floor(files: list[Path]) -> float:
    """Seconds to read, decode and scan every file once with every rule's term pattern."""
    patterns = [m.terms for m in compiled().index.matchers]
    for p in patterns:  # compiled before the clock starts, as a checker's would be
        p.search("")
    t = time.perf_counter()
    found = 0
    for f in files:
        text, _ = decode(f.read_bytes(), str(f))
        for p in patterns:
            for _ in p.finditer(text):
                found += 1
    return time.perf_counter() - t


def literal_floor(files: list[Path]) -> float:
    """Seconds to read, decode and find every literal of every rule's terms in one pass.

    A lower bound for any scan for the terms: the checker's own prefilter does exactly this
    before it runs a single pattern.
    """
    index = compiled().index
    t = time.perf_counter()
    found = 0
    for f in files:
        text, _ = decode(f.read_bytes(), str(f))
        found += len(index._automaton.find_matches_as_indexes(text, overlapping=True))
    return time.perf_counter() - t


def stages(files: list[Path], scratch: Path) -> dict[str, float]:
    """Milliseconds per report spent in each stage of the pipeline."""
    rules = compiled()
    checker = Checker(rules=rules)
    ruleset = rules.ruleset
    cache = Cache(scratch / "cache", "bench")
    spent: dict[str, float] = defaultdict(float)

    def timed(stage: str, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        # CPU time of this process: on a shared machine wall time measures the neighbours too.
        t = time.process_time()
        result = fn(*args, **kwargs)
        spent[stage] += time.process_time() - t
        return result

    checker.check_path(files[0])  # compiles the patterns the reports need, outside the clock
    spent.clear()
    for i, f in enumerate(files):
        doc = timed("read (decode, HTML, clean, normalize)", read_document, f)
        timed("look-alike refusal", refuse_lookalike, doc)
        seg = timed("segment", segment, doc)
        meta = timed("metadata", meta_mod.extract, doc)
        year = meta.year.value if isinstance(meta.year.value, int) else None
        if year is not None and not timed("term hits and flags", year_borne_out, doc.text, seg.sentences, year):
            year = None
        hits = timed("term hits and flags", extract_hits, seg, checker._matchers, year=year)
        q = timed("quality measures", quality, seg, meta, hits, checker._checkpoint_ids)
        level = meta.level.value if isinstance(meta.level.value, str) else None
        counted = timed("facts", counted_hits, hits, checker.plan)
        facts = timed("facts", checker.facts, seg, meta, hits, q, level, counted)
        firings = timed("durable-rules", checker._engine.evaluate, facts)
        timed("verdicts", judge_items, ruleset, seg, hits, firings, checker.plan, counted)
        result = checker.check_document(doc)
        entry = {"ok": True, "source": str(f), "sha256": str(i),
                 "report": timed("cache entry (neutral report)", neutral_report, result, ruleset),
                 "sentences": timed("reuse fingerprints", fingerprints, doc.text)}
        timed("cache entry written", cache.put, str(i), "txt", entry)
        h = timed("agency pages", lambda e: to_data(history("x", None, [e])), cache.get(str(i), "txt"))
        timed("agency pages", out.agency_pages, h, ruleset, "zh")
    return {k: v / len(files) * 1000 for k, v in spent.items()}


def main() -> None:
    """Run the benchmark from the command line."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="fzzf-bench-floor-"))
    try:
        files = make(scratch / "reports", args.n)
        seconds = floor(files)
        literal = literal_floor(files)
        split = stages(files, scratch)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    result = {"n": args.n, "floor_reports_per_s": args.n / seconds, "literal_floor_reports_per_s": args.n / literal,
              "stages_ms": split}
    if args.json:
        print(json.dumps(result))
        return
    print(f"raw floor: {result['floor_reports_per_s']:.0f} reports/s (read, decode, every rule's term pattern once); "
          f"{result['literal_floor_reports_per_s']:.0f} reports/s (read, decode, one pass for all term literals)")
    for k, v in sorted(split.items(), key=lambda kv: -kv[1]):
        print(f"  {k:28s} {v:6.2f} ms/report")


if __name__ == "__main__":
    main()
