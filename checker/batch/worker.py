"""The work a batch does per file and per agency, inside a worker process.

Each worker is initialised once with the compiled rules (inherited from the parent when the
platform forks, so nothing is loaded twice) and builds its own Checker, and so its own
durable-rules host: the C engine keeps per-process state and never releases the GIL, so
processes, not threads, give the speed-up (../shared/notes/durable-rules.md §6). The same
functions run in the main process when the batch is too small to be worth a pool.
"""

from __future__ import annotations

import multiprocessing as mp
import signal
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from checker.api import Checker, Overrides
from checker.atomic import write_text
from checker.batch.agencies import history
from checker.batch.cache import Cache
from checker.batch.record import entry_for, error_entry, summary_row
from checker.compiled import Compiled
from checker.errors import CheckerError
from checker.limits import DEFAULT_TIME_LIMIT, cap_memory, memory_ceiling_mb
from checker.read import DEFAULT_MAX_BYTES
from checker.render.context import RenderContext

_STATE: dict[str, Any] = {}


def init(rules: Compiled, lang: str, overrides: Overrides, cache_dir: str, salt: str,
         max_bytes: int = DEFAULT_MAX_BYTES, time_limit: float = DEFAULT_TIME_LIMIT) -> None:
    """Pool initializer: set up the checker once per process."""
    if threading.current_thread() is threading.main_thread() and mp.parent_process() is not None:
        # A worker process: Ctrl-C is the parent's to handle (it stops the pool), so a worker
        # finishes or abandons its file quietly instead of printing a traceback.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        cap_memory(memory_ceiling_mb(max_bytes))  # a file that needs more fails alone (input.out_of_memory)
    checker = Checker(rules=rules, max_bytes=max_bytes, time_limit=time_limit)
    _STATE.update(
        checker=checker,
        ctx=RenderContext((), (), checker.ruleset, lang),
        lang=lang,
        overrides=overrides,
        cache=Cache(Path(cache_dir), salt),
        weights={r.id: r.weight for r in checker.ruleset.rules},
        titles={r.id: r.text("title", lang) for r in checker.ruleset.rules},
    )


def warm() -> None:
    """Compile every rule's patterns now, before the first report needs them."""
    checker: Checker = _STATE["checker"]
    for matcher in checker._matchers:
        matcher.patterns()


def run_chunk(fn: Callable[..., Any], tasks: list[tuple[Any, ...]]) -> list[Any]:
    """Run several tasks in one round trip to the worker."""
    return [fn(*task) for task in tasks]


def check_one(path: str, digest: str | None) -> dict[str, Any]:
    """Check `path`, cache its entry (when its content could be hashed), return its summary row."""
    checker: Checker = _STATE["checker"]
    try:
        result = checker.check_path(path, _STATE["overrides"])
        entry = entry_for(result, _STATE["ctx"], digest)
    except CheckerError as exc:
        entry = error_entry(path, exc.key, {k: str(v) for k, v in exc.args_map.items()})
    except Exception as exc:
        entry = error_entry(path, "input.internal", {"path": path, "reason": f"{type(exc).__name__}: {exc}"})
    if entry["ok"] and digest is not None:
        _STATE["cache"].put(digest, entry)
    return summary_row(entry, _STATE["weights"])


def write_agency(name: str, level: str | None, members: list[tuple[str, str]], folder: str,
                 stem: str) -> tuple[str, str | None, bool]:
    """Write one agency's reports (Markdown, HTML, JSON) from its cached entries.

    `members` are (digest, source) of its checked files; entries are read back from the cache
    here, so the main process never holds them. Returns (name, level, whether it was written).
    """
    from checker.render import audit as out  # jinja2 and the templates: only where pages are written

    cache: Cache = _STATE["cache"]
    entries = []
    for digest, source in members:
        entry = cache.get(digest)
        if entry is not None:
            entry["source"] = source
            entries.append(entry)
    if not entries:
        return name, level, False
    checker: Checker = _STATE["checker"]
    lang = _STATE["lang"]
    h = history(name, level, entries, _STATE["titles"])
    base = Path(folder)
    write_text(base / f"{stem}.md", out.agency_markdown(h, checker.ruleset, lang))
    write_text(base / f"{stem}.html", out.agency_html(h, checker.ruleset, lang))
    write_text(base / f"{stem}.json", out.agency_json(h))
    return name, level, True
