"""`fzzf audit`: check every report under some paths, in parallel, and write the outputs.

Flow: claim the output folder (never an input, never another's files: `outdir`) → discover
files → skip those whose cached entry is current → check the rest in worker processes (each
stores its entry in the cache) → summary rows → filters → per-agency histories (read back from
the cache one agency at a time) → agency pages, each written atomically, and the four
summaries, swapped in together. A file that cannot be read becomes an error row; nothing else
stops the batch.
"""

from __future__ import annotations

import errno
import gc
import itertools
import multiprocessing as mp
import os
import re
import signal
import sqlite3
import sys
import threading
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from checker.api import Overrides
from checker.atomic import swapping
from checker.batch import worker
from checker.batch.agencies import AgencyLink
from checker.batch.cache import Cache, file_digest, file_kind, run_salt
from checker.batch.discover import discover
from checker.batch.manifest import Manifest
from checker.batch.outdir import AGENCIES, CACHE, SUMMARIES, OutputFolder
from checker.batch.record import error_entry, summary_row, usable
from checker.batch.rows import RowStore
from checker.compiled import Compiled, compiled
from checker.limits import DEFAULT_TIME_LIMIT
from checker.read import DEFAULT_MAX_BYTES
from checker.render import audit as out
from checker.ruleset.load import RuleSet

T = TypeVar("T")
SMALL = 2  # tasks a phase runs in this process rather than starting a pool for
CHUNK = 16  # most tasks sent to a worker at once


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
    manifest: Manifest | None = None  # --manifest: per-file metadata that wins over the text


@dataclass
class AuditResult:
    """What happened, for the closing line and the exit status."""

    files: int  # rows in the outputs: one per input file that passed the filters
    checked: int
    cached: int
    errors: int
    filtered: int
    agencies: int
    damaged: int = 0  # cache entries that could not be used: dropped, their files checked again
    unmatched: tuple[Any, ...] = ()  # manifest rows that named no audited file


def _settings(opts: AuditOptions) -> dict[str, Any]:
    o = opts.overrides
    return {"agency": o.agency, "level": o.level, "year": o.year, "published": o.published,
            "profile": o.profile, "max_bytes": opts.max_bytes, "time_limit": opts.time_limit}


def chunk_size(left: int, jobs: int, sent: int | None = None) -> int:
    """Tasks to send a worker at once, with about `left` tasks still to send (`sent` chunks sent so far).

    One round trip per task cost this process about a millisecond, as much as writing an
    agency's pages, so tasks travel in chunks of up to CHUNK. Chunks shrink as the end nears,
    down to single tasks: a full chunk sent last kept one worker busy for up to 16 reports
    while the other had nothing left (0.1 s of a 1,000-report audit with one core idle). They
    start shrinking when about four chunks per worker are left: sooner costs round trips.
    The first chunks grow from single tasks (1, 2, 4, ... per worker): a worker hands back a
    whole chunk at once, so the first result (the progress bar's first step) waited for 16
    reports; this costs about eight more round trips.
    """
    ramp = CHUNK if sent is None else 1 << min(sent // jobs, 8)
    return max(1, min(CHUNK, ramp, left // (jobs * 4)))


def _idle() -> None:
    """The `meanwhile` callback when no pool is running: nothing to hand on."""


TICK = 0.1  # seconds the pool loop waits for results before it looks for a held Ctrl-C


class _HeldSignals:
    """Ctrl-C and SIGTERM noted while this process talks to its pool, raised where that is safe.

    A KeyboardInterrupt raised inside concurrent.futures can leave one of its locks taken:
    `wait` takes every future's lock in a Python loop and releases none if interrupted there,
    and the pool's own thread then blocks on that lock for ever, so `shutdown` never returns
    and the audit never exits (seen once in CI: no exit 120 s after Ctrl-C). Inside the block
    the signal only sets a note; `check` raises it (KeyboardInterrupt, or whatever the
    handler in place raises, such as the CLI's Terminated) from the audit's own code, and one
    noted but not yet raised when the block ends is raised then. Signals that are ignored or
    left to the system, and any outside the main thread, are not touched.
    """

    def __init__(self) -> None:
        self._previous: dict[int, Callable[..., Any]] = {}
        self._noted: list[tuple[int, Any]] = []

    def __enter__(self) -> _HeldSignals:
        if threading.current_thread() is threading.main_thread():
            for sig in (signal.SIGINT, signal.SIGTERM):
                handler = signal.getsignal(sig)
                if callable(handler):
                    self._previous[sig] = handler
                    signal.signal(sig, self._note)
        return self

    def _note(self, signum: int, frame: Any) -> None:
        self._noted.append((signum, frame))

    def check(self) -> None:
        """Raise a signal noted since the block began, as its own handler would have."""
        if self._noted:
            signum, frame = self._noted[0]
            self._noted.clear()
            self._previous[signum](signum, frame)

    def __exit__(self, *exc: object) -> None:
        for sig, handler in self._previous.items():
            signal.signal(sig, handler)
        self.check()


class _Workers:
    """A process pool created on first need and reused for both phases (files, then agencies).

    A pool that breaks (a worker killed by the OS, a crash in a C library) is replaced, and the
    tasks it had not finished are run again with at most one per worker in flight, so that the
    task that crashes can be found and only it is handed to `lost`. Small batches run in this
    process: forking workers would cost more than it saves.
    """

    def __init__(self, jobs: int, init_args: tuple[Any, ...]) -> None:
        self.jobs = jobs
        self.init_args = init_args
        self._pool: ProcessPoolExecutor | None = None
        self._local = False

    def __enter__(self) -> _Workers:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)

    def warm(self) -> None:
        """Start the workers now (they load and compile while this process does other work).

        Started before this process opens its cache connection, so none inherits it.
        """
        if self.jobs > 1:
            pool = self._start()
            for _ in range(self.jobs):
                pool.submit(worker.warm)

    def _new_pool(self, workers: int) -> ProcessPoolExecutor:
        # fork where there is one: workers inherit the loaded rules instead of unpickling them
        ctx = mp.get_context("fork") if "fork" in mp.get_all_start_methods() else mp.get_context("spawn")
        return ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=worker.init,
                                   initargs=self.init_args)

    def _start(self) -> ProcessPoolExecutor:
        if self._pool is None:
            self._pool = self._new_pool(self.jobs)
        return self._pool

    def run(self, fn: Callable[..., Any], tasks: Iterable[tuple[Any, ...]], done: Callable[[Any], None],
            lost: Callable[[tuple[Any, ...]], None], *, expected: int,
            meanwhile: Callable[[Callable[[], None]], None] | None = None) -> None:
        """Call `fn(*task)` for every task; `done` gets each result, `lost` each task given up on.

        `tasks` may be a generator: it is read as the workers need more, so neither the tasks
        nor their results pile up here. `expected` (about how many there are) sizes the chunks.
        `meanwhile` runs in this process while the workers are busy, exactly once unless the
        run is interrupted. It is handed a function to call every so often (a few times per
        millisecond of its work at least): that hands on finished chunks and sends new ones,
        without waiting, so the workers are not left idle until `meanwhile` returns.
        """
        it = iter(tasks)
        if self.jobs == 1 or (self._pool is None and expected <= SMALL):
            if not self._local:
                worker.init(*self.init_args)
                self._local = True
            for task in it:
                done(fn(*task))
            if meanwhile:
                meanwhile(_idle)
            return
        left = expected  # about how many tasks are still to be sent: sizes the chunks
        sent = 0  # chunks sent
        in_flight: dict[Future[Any], list[tuple[Any, ...]]] = {}
        unsent: list[tuple[Any, ...]] = []  # taken from `tasks` when the pool refused them
        stalled = False  # top_up saw a failure: left to the loop below, once `meanwhile` has returned
        pool = self._start()
        held = _HeldSignals()

        def fill() -> None:
            nonlocal left, sent
            while len(in_flight) < self.jobs * 4:
                chunk = list(itertools.islice(it, chunk_size(left, self.jobs, sent)))
                if not chunk:
                    return
                left -= len(chunk)
                sent += 1
                try:
                    in_flight[pool.submit(worker.run_chunk, fn, chunk)] = chunk
                except BrokenProcessPool:
                    unsent.extend(chunk)
                    raise

        def collect(ready: Iterable[Future[Any]]) -> None:
            for fut in ready:
                for result in fut.result():
                    done(result)
                del in_flight[fut]

        def top_up() -> None:
            nonlocal stalled
            held.check()
            if stalled:
                return
            ready = [fut for fut in in_flight if fut.done()]
            if any(fut.exception() is not None for fut in ready):  # a broken pool, a task that raised
                stalled = True
                return
            collect(ready)
            try:
                fill()
            except BrokenProcessPool:
                stalled = True

        try:
            with held:
                while True:
                    fill()
                    if meanwhile:
                        meanwhile(top_up)
                        meanwhile = None
                    if not in_flight:
                        return
                    ready, _ = wait(in_flight, timeout=TICK, return_when=FIRST_COMPLETED)
                    held.check()
                    collect(ready)
        except KeyboardInterrupt:
            # Ctrl-C: drop what has not started, let running files finish (they are bounded by
            # the time limit and write their cache entries atomically), write no outputs.
            pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
            raise
        except BrokenProcessPool:
            self._drop_pool()
            left_over = [task for chunk in in_flight.values() for task in chunk] + unsent
            self._isolate(fn, itertools.chain(left_over, it), done, lost)
        if meanwhile:
            meanwhile(_idle)

    def _drop_pool(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None

    def _isolate(self, fn: Callable[..., Any], tasks: Iterator[tuple[Any, ...]], done: Callable[[Any], None],
                 lost: Callable[[tuple[Any, ...]], None]) -> None:
        """After a worker crashed: finish `tasks` so that only the task that crashes is lost.

        At most one task per worker is in flight; when the pool breaks again, each task that
        was in flight is retried alone in a pool of its own, and only one that crashes alone is
        given up on (`lost`). Then the rest go on in a fresh pool.
        """
        retry: list[tuple[Any, ...]] = []  # taken from `tasks` but not yet run

        def next_task() -> tuple[Any, ...] | None:
            return retry.pop() if retry else next(tasks, None)

        while True:
            pool = self._start()
            in_flight: dict[Future[Any], tuple[Any, ...]] = {}
            broken = False
            exhausted = False
            while not broken:
                while len(in_flight) < self.jobs:
                    task = next_task()
                    if task is None:
                        exhausted = True
                        break
                    try:
                        in_flight[pool.submit(fn, *task)] = task
                    except BrokenProcessPool:
                        retry.append(task)
                        broken = True
                        break
                if broken or not in_flight:
                    break
                ready, _ = wait(in_flight, return_when=FIRST_COMPLETED)
                for fut in ready:
                    try:
                        result = fut.result()
                    except BrokenProcessPool:
                        broken = True
                        continue
                    done(result)
                    del in_flight[fut]
            if not broken:
                if exhausted and not in_flight:
                    return
                continue
            self._drop_pool()
            suspects = list(in_flight.values()) or [retry.pop()]  # the pool broke before any ran
            for task in suspects:
                self._alone(fn, task, done, lost)

    def _alone(self, fn: Callable[..., Any], task: tuple[Any, ...], done: Callable[[Any], None],
               lost: Callable[[tuple[Any, ...]], None]) -> None:
        """Run one suspect task in a pool of its own: its result, or `lost` if it crashes it."""
        with self._new_pool(1) as pool:
            try:
                result = pool.submit(fn, *task).result()
            except BrokenProcessPool:
                lost(task)
                return
        done(result)


def run_audit(opts: AuditOptions, progress: Callable[[int], Any] | None = None,
              rules: Compiled | None = None, on_start: Callable[[int], Any] | None = None,
              on_page: Callable[[str, int, int], Any] | None = None) -> AuditResult:
    """Run the audit and write every output under `opts.outdir` (`rules`: already loaded).

    `on_start` hears how many files were found, `progress` each file done (a progress bar),
    `on_page` each page of a scan read by OCR (source, page, pages), from whichever worker.
    Raises CheckerError when the output folder may not be used (`outdir.*`), OSError when it
    cannot be written (a full disk: the four summaries are all new or all as before).
    """
    folder = OutputFolder.claim(opts.outdir, opts.paths)
    try:
        with _page_reports(on_page) as pages, _fewer_collections():
            return _run_audit(opts, folder, progress, rules, on_start, pages)
    except sqlite3.Error as exc:  # the scratch row database (the cache never raises)
        full = getattr(exc, "sqlite_errorname", "") == "SQLITE_FULL"
        code = errno.ENOSPC if full else errno.EIO
        raise OSError(code, os.strerror(code) if full else str(exc), str(opts.outdir / CACHE)) from exc


@contextmanager
def _fewer_collections() -> Iterator[None]:
    """Run the collector less often during the audit (as in the workers: `worker.GC_GEN0`).

    Writing the summaries allocates and frees many small objects: Python's threshold (700)
    set off a collection every few rows, a tenth of this process's CPU time. The objects are
    freed by reference counting, so collecting less often keeps no more memory than before.
    The caller's threshold is restored afterwards.
    """
    before = gc.get_threshold()
    gc.set_threshold(max(before[0], worker.GC_GEN0), *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)


@contextmanager
def _page_reports(on_page: Callable[[str, int, int], Any] | None) -> Iterator[Any]:
    """A queue the workers report OCR pages to, heard by a thread here that calls `on_page`."""
    if on_page is None:
        yield None
        return
    ctx = mp.get_context("fork") if "fork" in mp.get_all_start_methods() else mp.get_context("spawn")
    queue = ctx.SimpleQueue()

    def listen() -> None:
        while (message := queue.get()) is not None:
            with suppress(Exception):  # the display never stops the audit
                on_page(*message)

    thread = threading.Thread(target=listen, name="fzzf-ocr-pages", daemon=True)
    thread.start()
    try:
        yield queue
    finally:
        queue.put(None)
        thread.join(timeout=5)
        queue.close()


def _run_audit(opts: AuditOptions, folder: OutputFolder, progress: Callable[[int], Any] | None,
               rules: Compiled | None, on_start: Callable[[int], Any] | None, pages_queue: Any = None) -> AuditResult:
    """The audit proper, in a folder already claimed.

    Nothing here grows with the number of reports but the list of files found: results go to
    the cache database, summary rows to a scratch database, and both are read back as streams.
    """
    rules = rules or compiled(opts.packs)
    ruleset = rules.ruleset
    weights = {r.id: r.weight for r in ruleset.rules}
    cache = Cache(opts.outdir / CACHE, run_salt(ruleset.version, _settings(opts)), usable)
    init_args = (rules, opts.lang, opts.overrides, str(cache.folder), cache.salt, opts.max_bytes, opts.time_limit,
                 pages_queue)
    jobs = opts.jobs or os.cpu_count() or 1
    counts = {"cached": 0, "checked": 0}
    with _Workers(jobs, init_args) as workers, RowStore(cache.folder) as rows:
        # Each checked row is put into the summaries' words as it comes in, while the workers
        # check the rest: writing the summaries at the end only puts the pieces together.
        rows.prepare = lambda row: out.row_pieces(row, ruleset, opts.lang)

        pages: dict[str, str] = {}  # attachment checked instead of its notice page -> the page

        def keep(row: dict[str, Any]) -> None:
            if row["source"] in pages:
                row["page"] = pages[row["source"]]
            rows.add(row)
            if progress:
                progress(1)

        found = discover(opts.paths)
        unmatched = tuple(opts.manifest.unmatched(f.path for f in found)) if opts.manifest else ()
        extra = {"manifest": {"file": opts.manifest.path, "unmatched": [
            {"line": r.line, "file": r.file} for r in unmatched]}} if opts.manifest else None
        pages.update((f.path, f.page) for f in found if f.page)
        if on_start:
            on_start(len(found))
        if len(found) > SMALL:
            workers.warm()  # workers start up while this process hashes the first files

        def to_check() -> Iterator[tuple[Any, ...]]:
            """Files that need checking; cached and unreadable ones become rows on the way."""
            for f in found:
                error = f.error
                if error is None and not os.path.isfile(f.path):
                    # A FIFO, a device, a dangling link: opening it could block or mean nothing.
                    error = ("input.not_regular" if os.path.lexists(f.path) and os.path.exists(f.path)
                             else "input.not_found")
                if error:
                    keep(summary_row(error_entry(f.path, error, {"path": f.path, "reason": f.reason}), weights))
                    continue
                # A lookup only: what is stored is keyed by the bytes the worker checks.
                digest = file_digest(f.path) if opts.use_cache else None
                row = opts.manifest.match(f.path) if opts.manifest else None
                if row is not None and digest:
                    digest = f"{digest}+{row.key()}"  # the same file under other manifest values is another entry
                entry = cache.get(digest, file_kind(f.path)) if digest else None
                if entry is not None:
                    entry["source"] = f.path
                    keep(summary_row(entry, weights))
                    counts["cached"] += 1
                else:
                    counts["checked"] += 1
                    # A manifest row's values go with its file; other tasks are (path,).
                    yield (f.path, row.key(), row.overrides(opts.overrides)) if row else (f.path,)

        def crashed(task: tuple[Any, ...]) -> None:
            path = task[0]
            keep(summary_row(error_entry(path, "input.internal", {"path": path, "reason": "worker process crashed"}),
                             {}))

        workers.run(worker.check_one, to_check(), keep, crashed, expected=len(found))
        cache.close()  # this process's connection; workers have their own
        filtered = rows.keep_only(opts.levels, opts.years)
        pages = folder.subdir(AGENCIES)
        _plan_agencies(rows, pages, folder)
        failed: list[tuple[str, str | None]] = []
        # The summaries are written while the workers write the agency pages: the links and
        # heat map they need follow from the rows. Should a page not get written after all,
        # the summaries are written again without it.
        workers.run(worker.write_agency, _agency_tasks(rows, pages),
                    lambda r: None if r[2] else failed.append((r[0], r[1])),
                    lambda task: failed.append((task[0], task[1])),
                    expected=rows.count(True), meanwhile=lambda pump: _write_summary(rows, ruleset, opts, extra, pump))
        cache.tidy()
        for name, level in failed:
            rows.drop_link(name, level)
        if failed:
            _write_summary(rows, ruleset, opts, extra)
        return AuditResult(files=len(rows), checked=counts["checked"], cached=counts["cached"],
                           errors=rows.count(False), filtered=filtered, agencies=rows.link_count(),
                           damaged=cache.damaged, unmatched=unmatched)


def slug(name: str, taken: set[str], free: Callable[[str], bool] = lambda stem: True) -> str:
    """A file name for an agency: its own letters only (never a path), unique in the folder.

    `free` says whether a candidate may be used (its files are absent or the audit's own).
    """
    name = unicodedata.normalize("NFKC", name)
    base = re.sub(r"[^\w\u4e00-\u9fff]+", "_", name).strip("._")[:60] or "agency"
    candidate, n = base, 2
    while candidate.lower() in taken or not free(candidate):
        candidate, n = f"{base}_{n}", n + 1
    taken.add(candidate.lower())
    return candidate


PAGE_TYPES = ("md", "html", "json")


def _plan_agencies(rows: RowStore, pages: Path, folder: OutputFolder) -> None:
    """Give every agency (name and level) a file name of its own and record its page's link.

    The link carries the latest report's chapter scores, chosen as `agencies.history` orders
    reports. Done before any page is written, so the summaries can link them all; a name
    whose files exist but were not written by the audit is passed over, and the names chosen
    are entered in the output folder's marker before any page is written.
    """
    taken: set[str] = set()
    planned: list[str] = []
    with os.scandir(pages) as entries:
        # A folder with nothing in it (a first run) has no file to pass over: that saves three
        # lstat calls per agency while the workers wait for their first page.
        empty = next(entries, None) is None

    def free(stem: str) -> bool:
        return empty or all(folder.free(f"{pages.name}/{stem}.{ext}") for ext in PAGE_TYPES)

    for name, level, members in rows.groups():
        stem = slug(name, taken, free)
        planned += [f"{pages.name}/{stem}.{ext}" for ext in PAGE_TYPES]
        latest = max(members, key=lambda m: (m["year"] is None, m["year"] or 0, m["source"]))
        rows.add_link(AgencyLink(name, level, f"{pages.name}/{stem}.html", latest["year"], latest["chapters"]))
    folder.record(planned)


def _agency_tasks(rows: RowStore, folder: Path) -> Iterator[tuple[Any, ...]]:
    """One task per agency: its checked files and the file name `_plan_agencies` gave it."""
    for name, level, members in rows.groups():
        link = rows.link(name, level)
        if link is not None:
            yield name, level, [(m["digest"], m["source"]) for m in members], str(folder), Path(link).stem


PUMP_EVERY = 16  # rows the summaries write between two calls of `pump` (~5 ms of work)


def _pumped(rows: Iterable[T], pump: Callable[[], None]) -> Iterator[T]:
    """`rows`, calling `pump` every PUMP_EVERY of them."""
    for i, row in enumerate(rows):
        if i % PUMP_EVERY == 0:
            pump()
        yield row


def summary_data(rows: RowStore, pump: Callable[[], None] = _idle) -> out.Summary:
    """The summaries' input as plain data streamed from the row store (renderers know no SQLite).

    `pump` is called every few rows read: while the summaries are written, it keeps the workers
    supplied with agency pages to write (`_Workers.run`).
    """

    def ranked() -> Iterator[dict[str, Any]]:
        return _pumped(rows.ranked(links=True), pump)

    def errors() -> Iterator[dict[str, Any]]:
        return _pumped(rows.errors(), pump)

    def agencies() -> Iterator[dict[str, Any]]:
        for a in _pumped(rows.links(), pump):
            yield {"name": a.name, "level": a.level, "year": a.year, "chapters": a.chapters}

    def prepared(kind: int) -> Iterator[tuple[int, str | None, Any]]:
        return _pumped(rows.prepared(kind), pump)

    timed, on_time = rows.on_time()
    counts = {"files": len(rows), "ok": rows.count(True), "errors": rows.count(False),
              "agencies": rows.link_count(), "timed": timed, "on_time": on_time}
    return out.Summary(ranked, errors, agencies, counts, rows.levels(), rows.years(), rows.scores,
                       prepared if rows.all_prepared() else None)


def _write_summary(rows: RowStore, ruleset: RuleSet, opts: AuditOptions, extra: dict[str, Any] | None = None,
                   pump: Callable[[], None] = _idle) -> None:
    """The four summaries, streamed into a temporary folder and moved into place together.

    One at a time, a full disk left the CSV from this run beside the JSON and HTML of the last
    (310 rows against 300); now either all four are replaced or none is. `pump`: see
    `summary_data`.
    """
    from xlsxwriter.exceptions import FileCreateError

    data = summary_data(rows, pump)
    with swapping(opts.outdir, SUMMARIES) as tmp:
        with (tmp / "summary.csv").open("w", encoding="utf-8", newline="") as fh:
            out.summary_csv(data, ruleset, opts.lang, fh)
        try:
            out.summary_xlsx(data, ruleset, opts.lang, tmp / "summary.xlsx")
        except FileCreateError as exc:  # xlsxwriter's wrapper of the OSError
            cause = exc.args[0] if exc.args and isinstance(exc.args[0], OSError) else OSError(str(exc))
            raise cause from exc
        with (tmp / "summary.html").open("w", encoding="utf-8") as fh:
            out.summary_html(data, ruleset, opts.lang, fh)
        with (tmp / "summary.json").open("w", encoding="utf-8") as fh:
            out.summary_json(data, ruleset, opts.lang, fh, extra)


def show_progress() -> bool:
    """A progress bar on an interactive terminal, none in CI or when output is redirected."""
    return sys.stderr.isatty() and not os.environ.get("CI")
