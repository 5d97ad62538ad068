"""The work a batch does per file and per agency, inside a worker process.

Each worker is initialised once with the compiled rules (inherited from the parent when the
platform forks, so nothing is loaded twice) and builds its own Checker, and so its own
durable-rules host: the C engine keeps per-process state and never releases the GIL, so
processes, not threads, give the speed-up (../shared/notes/durable-rules.md §6). The same
functions run in the main process when the batch is too small to be worth a pool.
"""

from __future__ import annotations

import ctypes
import gc
import multiprocessing as mp
import os
import signal
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from checker.api import Checker, Overrides
from checker.atomic import write_files
from checker.batch.agencies import history, to_data
from checker.batch.cache import Cache, content_digest, file_kind
from checker.batch.record import entry_for, error_entry, summary_row, usable
from checker.compiled import Compiled
from checker.errors import CheckerError
from checker.limits import DEFAULT_TIME_LIMIT, cap_memory, memory_ceiling_mb
from checker.read import DEFAULT_MAX_BYTES

_STATE: dict[str, Any] = {}
# A worker's collector runs when this many more container objects were made than freed. Python's
# 700 set off a collection about once per report (checking one allocates and frees thousands),
# half a millisecond a report in all; the objects a report makes are freed by reference counting
# as it ends, so fewer collections cost no memory that lasts.
GC_GEN0 = 20_000
PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


def die_with_parent() -> None:
    """Have the kernel kill this worker when the audit that started it ends, even by kill -9.

    Without it, orphaned workers wait forever for tasks from a parent that is gone. Linux only
    (prctl); the signal follows the thread that forked the worker, which for the audit's pool
    is the main thread. If the parent died before this ran, the worker leaves at once.
    """
    parent = mp.parent_process()
    if parent is None or not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
    except (OSError, AttributeError):
        return
    if os.getppid() != parent.pid:
        os._exit(1)


def init(rules: Compiled, lang: str, overrides: Overrides, cache_dir: str, salt: str,
         max_bytes: int = DEFAULT_MAX_BYTES, time_limit: float = DEFAULT_TIME_LIMIT, pages: Any = None) -> None:
    """Pool initializer: set up the checker once per process.

    `pages`: a queue (multiprocessing.SimpleQueue) that hears of every page OCR reads here, for
    the audit's progress display; SimpleQueue writes straight to its pipe, so a page read in the
    OCR child process (which leaves with os._exit) is heard too.
    """
    from checker.read import ocr

    ocr.on_page((lambda source, n, total: pages.put((source, n, total))) if pages is not None else None)
    if threading.current_thread() is threading.main_thread() and mp.parent_process() is not None:
        # A worker process: Ctrl-C is the parent's to handle (it stops the pool), so a worker
        # finishes or abandons its file quietly instead of printing a traceback. SIGTERM gets
        # its default back (the parent's handler is inherited through fork): the pool ends
        # broken workers with it.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        die_with_parent()
        cap_memory(memory_ceiling_mb(max_bytes))  # a file that needs more fails alone (input.out_of_memory)
    checker = Checker(rules=rules, max_bytes=max_bytes, time_limit=time_limit)
    _STATE.update(
        checker=checker,
        lang=lang,
        overrides=overrides,
        # Entries this run's workers write are read back for the agency pages without the
        # field-by-field check (`Cache.get`): they were made from a result a moment ago.
        cache=Cache(Path(cache_dir), salt, usable, trust_new=True),
        weights={r.id: r.weight for r in checker.ruleset.rules},
    )
    if mp.parent_process() is not None:
        # A worker: the rules, the compiled patterns and the modules it inherited or just built
        # live as long as it does. Frozen, the collector never walks them again (nor touches
        # their pages, which fork shares with the parent until written to).
        gc.set_threshold(GC_GEN0, *gc.get_threshold()[1:])
        gc.freeze()


def warm() -> None:
    """Compile every rule's patterns now, before the first report needs them."""
    checker: Checker = _STATE["checker"]
    for matcher in checker._matchers:
        matcher.patterns()


def run_chunk(fn: Callable[..., Any], tasks: list[tuple[Any, ...]]) -> list[Any]:
    """Run several tasks in one round trip to the worker; their cache entries go in one transaction."""
    with _STATE["cache"].batched():
        return [fn(*task) for task in tasks]


def check_one(path: str, variant: str | None = None, overrides: Overrides | None = None) -> dict[str, Any]:
    """Check `path`, cache its entry under the bytes that were checked, return its summary row.

    The digest is taken from the very bytes the reader parses, not from the parent's earlier
    read for the cache lookup: a file changed in between is stored under its new content.
    `variant` and `overrides` are a manifest row's: its values are this file's own (instead of
    the run's), and the same file under other values is another cache entry.
    """
    checker: Checker = _STATE["checker"]
    digests: list[str] = []
    digest: str | None = None
    try:
        result = checker.check_path(path, overrides or _STATE["overrides"], quotes=False,  # the entry keeps none
                                    seen=lambda data: digests.append(content_digest(data)))
        digest = digests[-1] if digests else None
        if digest is not None and variant:
            digest = f"{digest}+{variant}"
        entry = entry_for(result, checker.ruleset, digest)
    except CheckerError as exc:
        entry = error_entry(path, exc.key, {k: str(v) for k, v in exc.args_map.items()})
    except Exception as exc:
        entry = error_entry(path, "input.internal", {"path": path, "reason": f"{type(exc).__name__}: {exc}"})
    if entry["ok"] and digest is not None:
        _STATE["cache"].put(digest, file_kind(path), entry)
    return summary_row(entry, _STATE["weights"])


def write_agency(name: str, level: str | None, members: list[tuple[str, str]], folder: str,
                 stem: str) -> tuple[str, str | None, bool]:
    """Write one agency's reports (Markdown, HTML, JSON) from its cached entries.

    `members` are (digest, source) of its checked files; entries are read back from the cache
    here, so the main process never holds them. Returns (name, level, whether it was written).
    Entries this run's workers wrote are not checked field by field (`Cache.get`); should the
    pages still fail on one, every entry is read again and checked, so a bad one is left out
    as it always was instead of stopping the audit.
    """
    from checker.render import audit as out  # the renderers: only where pages are written

    checker: Checker = _STATE["checker"]
    lang = _STATE["lang"]
    entries = _entries(members, check=False)
    if not entries:
        return name, level, False
    try:
        md, html, data = out.agency_pages(to_data(history(name, level, entries)), checker.ruleset, lang)
    except (KeyError, TypeError, ValueError, AttributeError):
        entries = _entries(members, check=True)
        if not entries:
            return name, level, False
        md, html, data = out.agency_pages(to_data(history(name, level, entries)), checker.ruleset, lang)
    write_files(Path(folder), ((f"{stem}.md", md.encode("utf-8")), (f"{stem}.html", html.encode("utf-8")),
                               (f"{stem}.json", data)))
    return name, level, True


def _entries(members: list[tuple[str, str]], check: bool) -> list[dict[str, Any]]:
    """The cached entries of an agency's files, each under the file's own name."""
    cache: Cache = _STATE["cache"]
    entries = []
    for digest, source in members:
        entry = cache.get(digest, file_kind(source), check=check)
        if entry is not None:
            entry["source"] = source
            entries.append(entry)
    return entries
