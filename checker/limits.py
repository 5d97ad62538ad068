"""Bound the time and memory one file may take, so a pathological input cannot stall a batch.

Time: `bounded` uses a real-time interval timer (SIGALRM), which interrupts pure-Python and regex work alike;
it is only available in a process's main thread on POSIX, which is where `fzzf check` and the
audit's worker processes run. Elsewhere (the service's worker threads) the caller bounds time
another way (the service answers 504 after its own time limit).

Memory: `cap_memory` sets a ceiling on a worker process's address space (RLIMIT_AS), so a file
that slips past the readers' budgets makes an allocation fail with MemoryError — reported as
`input.out_of_memory` for that file — instead of exhausting the machine.
"""

from __future__ import annotations

import json
import os
import resource
import select
import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from typing import Any

from checker.errors import InputError

DEFAULT_TIME_LIMIT = 60.0  # seconds per file; a real report takes well under a second
# Address space per audit worker: a base for the interpreter, libraries and rules, plus room per
# MB of the largest file read. Measured: checking a 19 MB text report peaks at 430 MB (about
# 22 MB per MB of input); a 20 MB PDF content stream takes PDFium about 300 MB.
MEMORY_BASE_MB = 1024
MEMORY_PER_INPUT_MB = 50


def memory_ceiling_mb(max_bytes: int) -> int:
    """The address-space ceiling for a worker that reads files up to `max_bytes`."""
    return MEMORY_BASE_MB + MEMORY_PER_INPUT_MB * -(-max_bytes // (1024 * 1024))


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
    """Limit this process's address space to `megabytes` (RLIMIT_AS); allocations past it fail.

    Only lowers the limit (an existing lower hard or soft limit is kept) and is a no-op where
    the platform has no RLIMIT_AS. Call it in a worker process, never in a caller's own process:
    the limit holds for the rest of the process's life and is inherited by its children.
    """
    if megabytes <= 0 or not hasattr(resource, "RLIMIT_AS"):
        return
    wanted = megabytes * 1024 * 1024
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        wanted = min(wanted, hard)
    if soft != resource.RLIM_INFINITY:
        wanted = min(wanted, soft)
    try:
        resource.setrlimit(resource.RLIMIT_AS, (wanted, hard))
    except (ValueError, OSError):  # a sandbox that forbids it: the budgets still bound each file
        pass


def run_isolated(work: Callable[[], Any], path: str, seconds: float = DEFAULT_TIME_LIMIT, *,
                 crashed_key: str = "input.internal", memory_mb: int | None = None) -> Any:
    """Run `work` in a forked child and return its JSON-able result; kill the child when it overruns.

    For work inside a C library that Python's time limit cannot interrupt (PDFium parsing a page
    whose form objects draw each other exponentially never returns to Python, so the SIGALRM of
    `bounded` would wait for ever). The parent waits in `select`, which the time limit does
    interrupt, and gives up after `seconds` on its own (threads have no SIGALRM); either way the
    child is killed. An InputError raised by `work` is raised again in the parent; MemoryError
    becomes input.out_of_memory; anything else, or a child that dies (a crash in the library),
    `crashed_key`. With `memory_mb`, the child runs under that memory ceiling (`cap_memory`).
    Runs `work` in this process where fork is not available.
    """
    if not hasattr(os, "fork"):
        return work()
    r, w = os.pipe()
    parent = os.getpid()
    pid = os.fork()
    if pid == 0:  # the child: do the work, send the outcome, leave without any cleanup of the parent's
        status = 0
        try:
            os.close(r)
            _die_with(parent)
            if memory_mb:
                cap_memory(memory_mb)
            try:
                outcome: dict[str, Any] = {"ok": work()}
            except InputError as exc:
                outcome = {"key": exc.key, "args": exc.args_map}
            except MemoryError:
                outcome = {"key": "input.out_of_memory", "args": {"path": path}}
            data = json.dumps(outcome, default=str).encode()
            while data:
                data = data[os.write(w, data):]
        except BaseException:
            status = 1
        finally:
            os._exit(status)
    os.close(w)
    chunks: list[bytes] = []
    try:
        deadline = time.monotonic() + seconds
        while True:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([r], [], [], left)[0]:
                raise InputError("input.timeout", path=path, seconds=f"{seconds:g}")
            chunk = os.read(r, 1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(r)
        with suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    try:
        outcome = json.loads(b"".join(chunks))
    except ValueError as exc:  # the child died before it could answer (a crash in the library)
        raise InputError(crashed_key, path=path, reason="reader process ended without an answer") from exc
    if "key" in outcome:
        raise InputError(outcome["key"], **outcome["args"])
    return outcome["ok"]


def _die_with(parent: int) -> None:
    """Have the kernel kill this process when its parent dies (Linux).

    A checker killed with SIGKILL then leaves no child looping in a library behind. Exits at
    once if the parent is already gone.
    """
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # 1: PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # not Linux: the parent's finally still kills the child
        pass
    if os.getppid() != parent:
        os._exit(1)
