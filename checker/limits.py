"""Bound the time one file may take, so a pathological input cannot stall a batch.

Uses a real-time interval timer (SIGALRM), which interrupts pure-Python and regex work alike;
it is only available in a process's main thread on POSIX, which is where `fzzf check` and the
audit's worker processes run. Elsewhere (the service's worker threads) the caller bounds time
another way (the service answers 504 after its own time limit).
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from checker.errors import InputError

DEFAULT_TIME_LIMIT = 60.0  # seconds per file; a real report takes well under a second


@contextmanager
def bounded(seconds: float | None, path: str) -> Iterator[None]:
    """Raise InputError("input.timeout") if the block runs longer than `seconds`."""
    usable = (
        seconds
        and hasattr(signal, "setitimer")
        and threading.current_thread() is threading.main_thread()
    )
    if not usable:
        yield
        return

    def expired(signum: int, frame: object) -> None:
        raise InputError("input.timeout", path=path, seconds=f"{seconds:g}")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, float(seconds))  # type: ignore[arg-type]
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def cap_memory(megabytes: int) -> None:
    """Limit this process's address space (RLIMIT_AS) to `megabytes`.

    A runaway allocation then ends in MemoryError inside this process instead of exhausting the
    machine. Meant for worker processes (the service's, the audit's): the limit counts virtual memory,
    so it must leave room for the interpreter and its libraries (~300–500 MB mapped before any
    report is read). Never lowers a stricter limit already in place; a no-op where the
    platform has no RLIMIT_AS.
    """
    try:
        import resource
    except ImportError:  # pragma: no cover - not POSIX
        return
    if not hasattr(resource, "RLIMIT_AS") or megabytes <= 0:
        return
    wanted = megabytes * 1024 * 1024
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        wanted = min(wanted, hard)
    if soft != resource.RLIM_INFINITY and soft <= wanted:
        return
    resource.setrlimit(resource.RLIMIT_AS, (wanted, hard))
