"""The service's checks, each run in a worker process that is killed when it runs too long.

A check runs Python and C code (regular expressions, XML and PDF parsing) that a thread cannot
be stopped in: answering 504 at the time limit left the thread burning CPU and memory. Here
every check runs in one of a few worker processes; past its time limit the worker is killed
(SIGKILL), the system gets its memory back, and a fresh worker takes its place.

Workers are started with `spawn`: they inherit no threads, locks or sockets of the server.
Each caps its own address space (RLIMIT_AS, `limits.cap_memory`), ignores Ctrl-C (the server
stops them), exits when its pipe closes and, on Linux, is killed with the server
(PR_SET_PDEATHSIG) even mid-check, so none outlives the server. A job's upload goes
to the worker as bytes when small, else as the file descriptor of the server's spooled temp
file (SCM_RIGHTS), never copied into the server's memory.
"""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing as mp
import os
import signal
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from multiprocessing import reduction
from multiprocessing.connection import Connection
from typing import Any

from checker.limits import cap_memory

Handler = Callable[[Any, int | None], Any]  # (job, file descriptor or None) -> reply


class WorkerFailed(Exception):
    """A worker died (crashed or was killed by the system) before answering, or its job raised."""


class OutOfMemory(Exception):
    """A job needed more memory than a worker may have."""


class Busy(Exception):
    """No worker became free before the job's time was up."""


def _die_with(parent: int) -> None:
    """Be killed when the server dies, even by SIGKILL mid-check (Linux: PR_SET_PDEATHSIG)."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # not Linux: an idle worker still ends when its pipe closes
        return
    if os.getppid() != parent:  # the server died before the line above took effect
        os._exit(0)


def _main(conn: Connection, setup: Callable[..., Handler], args: tuple[Any, ...], memory_mb: int,
          parent: int) -> None:
    """A worker's life: set up once, then answer jobs until the pipe closes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the server's to handle
    _die_with(parent)
    try:
        cap_memory(memory_mb)
        handle = setup(*args)
    except BaseException as exc:  # reported to the server, which refuses to start
        conn.send(("failed", f"{type(exc).__name__}: {exc}"))
        return
    conn.send(("ready", os.getpid()))
    while True:
        try:
            job = conn.recv()
            fd = reduction.recv_handle(conn) if job[0] == "fd" else None
        except (EOFError, OSError):
            return  # the server is gone
        try:
            reply = handle(job[1], fd)
        except MemoryError:
            reply = _MEMORY
        except Exception as exc:  # a bug: the server answers 500, the worker goes on
            reply = (_FAILED[0], f"{type(exc).__name__}: {exc}")
        finally:
            if fd is not None:
                os.close(fd)
        try:
            conn.send(reply)
        except (OSError, ValueError):
            return
        if reply is _MEMORY:
            return  # a heap that ran out once is not reused


_MEMORY = ("__fzzf_out_of_memory__",)
_FAILED = ("__fzzf_failed__",)


class _Worker:
    """One worker process and the server's end of its pipe."""

    def __init__(self, ctx: Any, setup: Callable[..., Handler], args: tuple[Any, ...], memory_mb: int) -> None:
        parent, child = ctx.Pipe(duplex=True)
        self.proc = ctx.Process(target=_main, args=(child, setup, args, memory_mb, os.getpid()), daemon=True,
                                name="fzzf-check-worker")
        self.proc.start()
        child.close()
        self.conn: Connection = parent
        self._lock = threading.Lock()
        self.pid = 0

    def wait_ready(self) -> None:
        """Block until the worker has set up (it may take a second); raises WorkerFailed."""
        try:
            hello = self.conn.recv()
        except (EOFError, OSError) as exc:
            self.kill()
            raise WorkerFailed("the worker died while starting") from exc
        if hello[0] != "ready":
            self.kill()
            raise WorkerFailed(hello[1])
        self.pid = hello[1]

    def exchange(self, job: Any, fd: int | None) -> Any:
        """Send a job (and its file descriptor) and wait for the reply; runs in a thread."""
        try:
            if fd is None:
                self.conn.send(("bytes", job))
            else:
                self.conn.send(("fd", job))
                reduction.send_handle(self.conn, fd, self.proc.pid)
            return self.conn.recv()
        except (EOFError, OSError, ValueError) as exc:
            raise WorkerFailed("the worker died during a check") from exc

    def kill(self) -> None:
        """SIGKILL the process and reap it: its memory is the system's again."""
        with self._lock:
            if self.proc.is_alive():
                self.proc.kill()
            self.proc.join(10)
            self.conn.close()

    def stop(self) -> None:
        """Ask an idle worker to exit (its pipe closes), killing it if it does not."""
        with self._lock:
            self.conn.close()
            self.proc.join(2)
            if self.proc.is_alive():
                self.proc.kill()
                self.proc.join(5)


class WorkerPool:
    """`size` worker processes, each running `setup(*args)` once and the handler it returns per job."""

    def __init__(self, size: int, setup: Callable[..., Handler], args: tuple[Any, ...], memory_mb: int) -> None:
        self.size = size
        self._setup = setup
        self._args = args
        self._memory_mb = memory_mb
        self._ctx = mp.get_context("spawn")
        self._threads = ThreadPoolExecutor(max_workers=2 * size + 2, thread_name_prefix="fzzf-pool")
        self._idle: asyncio.Queue[_Worker] | None = None
        self._workers: set[_Worker] = set()
        self._spawning: set[asyncio.Task[None]] = set()
        self._closed = False

    async def _new(self) -> _Worker:
        # Started from the event loop's thread, which lives as long as the server: the kernel's
        # "parent died" signal (PR_SET_PDEATHSIG) follows the thread that started the process.
        worker = _Worker(self._ctx, self._setup, self._args, self._memory_mb)
        await asyncio.get_running_loop().run_in_executor(self._threads, worker.wait_ready)
        self._workers.add(worker)
        return worker

    async def start(self) -> None:
        """Start every worker; raises WorkerFailed when one cannot set up (e.g. invalid rules)."""
        self._idle = asyncio.Queue()
        workers = await asyncio.gather(*(self._new() for _ in range(self.size)), return_exceptions=True)
        failed = [w for w in workers if isinstance(w, BaseException)]
        if failed:
            await self.close()
            raise failed[0]
        for w in workers:
            self._idle.put_nowait(w)  # type: ignore[arg-type]

    def pids(self) -> list[int]:
        """Process ids of the live workers."""
        return sorted(w.pid for w in self._workers)

    async def run(self, job: Any, fd: int | None, timeout: float) -> Any:
        """The handler's reply to `job`, within `timeout` seconds from now (waiting included).

        Raises Busy when no worker became free in time, TimeoutError when the job ran past the
        limit (its worker is then killed and replaced), OutOfMemory or WorkerFailed.
        """
        assert self._idle is not None, "start() the pool first"
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        try:
            worker = await asyncio.wait_for(self._idle.get(), timeout)
        except TimeoutError as exc:
            raise Busy from exc
        exchange = loop.run_in_executor(self._threads, worker.exchange, job, fd)
        try:
            reply = await asyncio.wait_for(asyncio.shield(exchange), max(0.01, deadline - loop.time()))
        except TimeoutError:
            await self._retire(worker)  # the exchange thread then sees the pipe close and ends
            with contextlib.suppress(WorkerFailed):
                await exchange
            raise
        except WorkerFailed:
            await self._retire(worker)
            raise
        if reply == _MEMORY:
            await self._retire(worker)
            raise OutOfMemory
        self._idle.put_nowait(worker)
        if isinstance(reply, tuple) and len(reply) == 2 and reply[0] == _FAILED[0]:
            raise WorkerFailed(reply[1])
        return reply

    async def _retire(self, worker: _Worker) -> None:
        """Kill a worker and start another in its place (in the background)."""
        self._workers.discard(worker)
        await asyncio.get_running_loop().run_in_executor(self._threads, worker.kill)
        if not self._closed:
            task = asyncio.ensure_future(self._replace())
            self._spawning.add(task)
            task.add_done_callback(self._spawning.discard)

    async def _replace(self) -> None:
        delay = 0.5
        while not self._closed:
            try:
                worker = await self._new()
            except WorkerFailed:  # e.g. the machine is out of memory right now: try again later
                await asyncio.sleep(delay)
                delay = min(delay * 2, 30)
                continue
            if self._closed:
                worker.stop()
                return
            assert self._idle is not None
            self._idle.put_nowait(worker)
            return

    async def close(self) -> None:
        """Stop every worker (idle or busy) and the helper threads."""
        self._closed = True
        for task in list(self._spawning):
            task.cancel()
        loop = asyncio.get_running_loop()
        workers = list(self._workers)
        self._workers.clear()
        await asyncio.gather(*(loop.run_in_executor(self._threads, w.kill) for w in workers),
                             return_exceptions=True)
        self._threads.shutdown(wait=False, cancel_futures=True)
