"""Check one file inside a worker process and store its entry in the cache.

Each worker builds its own Checker (and so its own durable-rules host) once, in the pool's
initializer: the C engine keeps per-process state and never releases the GIL, so processes,
not threads, give the speed-up (../shared/notes/durable-rules.md §6).
"""

from __future__ import annotations

import multiprocessing as mp
import signal
import threading
from pathlib import Path
from typing import Any

from checker.api import Checker, Overrides
from checker.batch.cache import Cache
from checker.batch.record import entry_for, error_entry, summary_row
from checker.errors import CheckerError
from checker.limits import DEFAULT_TIME_LIMIT
from checker.read import DEFAULT_MAX_BYTES
from checker.render.context import RenderContext

_STATE: dict[str, Any] = {}


def init(packs: list[str], lang: str, overrides: Overrides, cache_dir: str, salt: str,
         max_bytes: int = DEFAULT_MAX_BYTES, time_limit: float = DEFAULT_TIME_LIMIT) -> None:
    """Pool initializer: load and compile the rules once per process."""
    if threading.current_thread() is threading.main_thread() and mp.parent_process() is not None:
        # A worker process: Ctrl-C is the parent's to handle (it stops the pool), so a worker
        # finishes or abandons its file quietly instead of printing a traceback.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    checker = Checker([Path(p) for p in packs], max_bytes=max_bytes, time_limit=time_limit)
    _STATE.update(
        checker=checker,
        ctx=RenderContext((), (), checker.ruleset, lang),
        overrides=overrides,
        cache=Cache(Path(cache_dir), salt),
        weights={r.id: r.weight for r in checker.ruleset.rules},
    )


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
