"""`fzzf audit`: check every report under some paths, in parallel, and write the outputs.

Flow: discover files → skip those whose cached entry is current → check the rest in worker
processes (each stores its entry in the cache) → summary rows → filters → per-agency histories
(read back from the cache one agency at a time) → summary and agency outputs, each written
atomically. A file that cannot be read becomes an error row; nothing else stops the batch.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import re
import sys
import unicodedata
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from checker.api import Overrides
from checker.atomic import write_bytes, write_text
from checker.batch import worker
from checker.batch.agencies import AgencyHistory, history
from checker.batch.cache import Cache, file_digest, run_salt
from checker.batch.discover import discover
from checker.batch.record import error_entry, summary_row
from checker.limits import DEFAULT_TIME_LIMIT
from checker.read import DEFAULT_MAX_BYTES
from checker.render import audit as out
from checker.ruleset.load import RuleSet, load_rules

RETRIES = 2  # times a crashed worker pool is restarted for the files it had not finished


@dataclass
class AuditOptions:
    """What `fzzf audit` was asked to do."""

    paths: list[str]
    outdir: Path
    jobs: int = 0  # 0: all cores
    packs: list[Path] = field(default_factory=list)
    lang: str = "zh"
    overrides: Overrides = field(default_factory=Overrides)
    levels: tuple[str, ...] = ()
    years: tuple[int, ...] = ()
    use_cache: bool = True
    max_bytes: int = DEFAULT_MAX_BYTES
    time_limit: float = DEFAULT_TIME_LIMIT


@dataclass
class AuditResult:
    """What happened, for the closing line and the exit status."""

    rows: list[dict[str, Any]]
    checked: int
    cached: int
    errors: int
    filtered: int
    agencies: int


def _settings(opts: AuditOptions) -> dict[str, Any]:
    o = opts.overrides
    return {"agency": o.agency, "level": o.level, "year": o.year, "published": o.published,
            "profile": o.profile, "max_bytes": opts.max_bytes, "time_limit": opts.time_limit}


def _run_pool(todo: list[tuple[str, str | None]], init_args: tuple[Any, ...], jobs: int,
              done: Callable[[dict[str, Any]], None]) -> None:
    """Check `todo` in `jobs` processes; a crashed pool is restarted for the unfinished files."""
    ctx = mp.get_context("fork") if "fork" in mp.get_all_start_methods() else mp.get_context("spawn")
    pending = list(todo)
    for attempt in range(RETRIES + 1):
        if not pending:
            return
        finished: set[str] = set()
        pool = ProcessPoolExecutor(max_workers=jobs, mp_context=ctx, initializer=worker.init, initargs=init_args)
        try:
            futures = {pool.submit(worker.check_one, path, digest): path for path, digest in pending}
            for fut in as_completed(futures):
                done(fut.result())
                finished.add(futures[fut])
            pool.shutdown(wait=True)
            return
        except KeyboardInterrupt:
            # Ctrl-C: drop what has not started, let running files finish (they are bounded by
            # the time limit and write their cache entries atomically), write no outputs.
            pool.shutdown(wait=True, cancel_futures=True)
            raise
        except BrokenProcessPool:
            pool.shutdown(wait=False, cancel_futures=True)
            pending = [(p, d) for p, d in pending if p not in finished]
            if attempt == RETRIES or len(pending) == 1:
                for path, _ in pending:
                    done(summary_row(error_entry(path, "input.internal",
                                                 {"path": path, "reason": "worker process crashed"}), {}))
                return


def run_audit(opts: AuditOptions, progress: Callable[[int], Any] | None = None,
              ruleset: RuleSet | None = None) -> AuditResult:
    """Run the audit and write every output under `opts.outdir`."""
    ruleset = ruleset or load_rules(packs=opts.packs)
    weights = {r.id: r.weight for r in ruleset.rules}
    opts.outdir.mkdir(parents=True, exist_ok=True)
    cache = Cache(opts.outdir / ".cache", run_salt(ruleset.version, opts.lang, _settings(opts)))
    rows: list[dict[str, Any]] = []
    todo: list[tuple[str, str | None]] = []
    cached = 0
    for f in discover(opts.paths):
        error = f.error
        if error is None and not os.path.isfile(f.path):
            # A FIFO, a device, a dangling link: opening it could block or mean nothing.
            error = "input.not_regular" if os.path.lexists(f.path) and os.path.exists(f.path) else "input.not_found"
        if error:
            rows.append(summary_row(error_entry(f.path, error, {"path": f.path, "reason": f.reason}), weights))
            continue
        digest = file_digest(f.path)
        entry = cache.get(digest) if (digest and opts.use_cache) else None
        if entry is not None:
            entry["source"] = f.path
            rows.append(summary_row(entry, weights))
            cached += 1
        else:
            todo.append((f.path, digest))
    if progress:
        progress(cached + len([r for r in rows if not r["ok"]]))

    def done(row: dict[str, Any]) -> None:
        rows.append(row)
        if progress:
            progress(1)

    init_args = ([str(p) for p in opts.packs], opts.lang, opts.overrides, str(cache.folder), cache.salt,
                 opts.max_bytes, opts.time_limit)
    jobs = opts.jobs or os.cpu_count() or 1
    if jobs == 1 or len(todo) <= 2:
        worker.init(*init_args)
        for path, digest in todo:
            done(worker.check_one(path, digest))
    else:
        _run_pool(todo, init_args, min(jobs, len(todo)), done)

    before = len(rows)
    rows = [r for r in rows if not r["ok"] or ((not opts.levels or r["level"] in opts.levels)
                                               and (not opts.years or r["year"] in opts.years))]
    filtered = before - len(rows)
    histories = _write_agencies(rows, cache, ruleset, opts)
    _write_summary(rows, histories, ruleset, opts)
    return AuditResult(rows=rows, checked=len(todo), cached=cached, errors=sum(not r["ok"] for r in rows),
                       filtered=filtered, agencies=len(histories))


def slug(name: str, taken: set[str]) -> str:
    """A file name for an agency: its own letters only (never a path), unique in the folder."""
    name = unicodedata.normalize("NFKC", name)
    base = re.sub(r"[^\w\u4e00-\u9fff]+", "_", name).strip("._")[:60] or "agency"
    candidate, n = base, 2
    while candidate.lower() in taken:
        candidate, n = f"{base}_{n}", n + 1
    taken.add(candidate.lower())
    return candidate


def _write_agencies(rows: list[dict[str, Any]], cache: Cache, ruleset: RuleSet,
                    opts: AuditOptions) -> list[tuple[AgencyHistory, str]]:
    groups: dict[tuple[str, str | None], list[dict[str, Any]]] = {}
    for r in rows:
        if r["ok"]:
            name = r["agency"] or f"{Path(r['source']).stem}"
            groups.setdefault((name, r["level"]), []).append(r)
    titles = {r.id: r.text("title", opts.lang) for r in ruleset.rules}
    folder = opts.outdir / "agencies"
    taken: set[str] = set()
    out_list: list[tuple[AgencyHistory, str]] = []
    for (name, level), members in sorted(groups.items(), key=lambda kv: (kv[0][0], kv[0][1] or "")):
        entries = []
        for m in members:
            entry = cache.get(m["digest"]) if m.get("digest") else None
            if entry is not None:
                entry["source"] = m["source"]
                entries.append(entry)
        if not entries:
            continue
        h = history(name, level, entries, titles)
        stem = slug(name, taken)
        write_text(folder / f"{stem}.md", out.agency_markdown(h, ruleset, opts.lang))
        write_text(folder / f"{stem}.html", out.agency_html(h, ruleset, opts.lang))
        write_text(folder / f"{stem}.json", out.agency_json(h))
        out_list.append((h, f"agencies/{stem}.html"))
    return out_list


def _write_summary(rows: list[dict[str, Any]], histories: list[tuple[AgencyHistory, str]], ruleset: RuleSet,
                   opts: AuditOptions) -> None:
    import json

    write_bytes(opts.outdir / "summary.csv", out.summary_csv(rows, opts.lang))
    write_bytes(opts.outdir / "summary.xlsx", out.summary_xlsx(rows, opts.lang))
    write_text(opts.outdir / "summary.html", out.summary_html(rows, histories, ruleset, opts.lang))
    data = {"rows": out.ranked([dict(r) for r in rows]) + [r for r in rows if not r["ok"]]}
    for r in data["rows"]:
        r.pop("digest", None)
    write_text(opts.outdir / "summary.json", json.dumps(data, ensure_ascii=False, indent=1) + "\n")


def show_progress() -> bool:
    """A progress bar on an interactive terminal, none in CI or when output is redirected."""
    return sys.stderr.isatty() and not os.environ.get("CI")
