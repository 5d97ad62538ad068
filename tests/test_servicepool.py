"""The service's worker pool: jobs in killable processes with a memory ceiling."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import tempfile
from typing import Any

import pytest

from checker.servicepool import OutOfMemory, WorkerFailed, WorkerPool


def setup_echo(tag: str) -> Any:
    """Worker setup used by these tests (imported by the spawned workers)."""

    def handle(job: Any, fd: int | None) -> Any:
        if job == "hog":
            return len(bytearray(1024 * 1024 * 1024))  # 1 GB: over the ceiling
        if job == "spin":
            while True:
                pass
        if job == "bug":
            raise ValueError("a bug")
        if fd is not None:
            return tag, os.pread(fd, 100, 0), os.getpid()
        return tag, job, os.getpid()

    return handle


def _run(coro: Any) -> Any:
    return asyncio.run(coro)


def test_jobs_bytes_and_file_descriptors() -> None:
    async def main() -> None:
        pool = WorkerPool(1, setup_echo, ("t",), 512)
        await pool.start()
        try:
            assert (await pool.run("hello", None, 30))[:2] == ("t", "hello")
            with tempfile.TemporaryFile() as fh:
                fh.write(b"spooled upload")
                fh.flush()
                assert (await pool.run("file", fh.fileno(), 30))[1] == b"spooled upload"
        finally:
            await pool.close()

    _run(main())


def test_a_job_over_the_memory_ceiling_is_refused_and_its_worker_replaced() -> None:
    async def main() -> None:
        pool = WorkerPool(1, setup_echo, ("t",), 400)
        await pool.start()
        try:
            [before] = pool.pids()
            with pytest.raises(OutOfMemory):
                await pool.run("hog", None, 30)
            reply = await pool.run("after", None, 60)  # waits for the replacement
            assert reply[1] == "after" and reply[2] != before
        finally:
            await pool.close()

    _run(main())


def test_a_job_past_its_time_is_killed() -> None:
    async def main() -> None:
        pool = WorkerPool(1, setup_echo, ("t",), 512)
        await pool.start()
        try:
            [before] = pool.pids()
            with pytest.raises(TimeoutError):
                await pool.run("spin", None, 0.5)
            assert not _alive(before)  # killed and reaped at once, not left running or as a zombie
            assert (await pool.run("again", None, 60))[1] == "again"
        finally:
            await pool.close()

    _run(main())


def test_a_failing_job_is_reported_and_the_worker_kept() -> None:
    async def main() -> None:
        pool = WorkerPool(1, setup_echo, ("t",), 512)
        await pool.start()
        try:
            [before] = pool.pids()
            with pytest.raises(WorkerFailed, match="a bug"):
                await pool.run("bug", None, 30)
            assert (await pool.run("next", None, 30))[1:] == ("next", before)
        finally:
            await pool.close()

    _run(main())


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_cap_memory_turns_a_huge_allocation_into_memoryerror() -> None:
    code = ("from checker.limits import cap_memory\ncap_memory(300)\n"
            "try:\n    bytearray(2 * 1024 ** 3)\nexcept MemoryError:\n    print('refused')\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == "refused", out.stderr


def test_the_guard_caps_requests_but_not_health_checks() -> None:
    httpx = pytest.importorskip("httpx")
    from checker.service import Guard, ServiceConfig

    release = asyncio.Event()
    entered = asyncio.Event()

    async def app(scope: Any, receive: Any, send: Any) -> None:
        entered.set()
        if scope["path"] != "/healthz":
            await release.wait()
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    async def main() -> None:
        guard = Guard(app, ServiceConfig(max_requests=1, workers=1))
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=guard), base_url="http://t") as client:
            first = asyncio.ensure_future(client.get("/slow"))
            await entered.wait()
            second = await client.get("/other")
            assert second.status_code == 503 and second.headers["retry-after"]
            assert second.json()["error"] == "service.busy"
            assert (await client.get("/healthz")).status_code == 200
            release.set()
            assert (await first).status_code == 200
            assert (await client.get("/after")).status_code == 200  # the slot is free again

    _run(main())


def test_an_upload_is_spooled_to_an_unlinked_file_not_kept_in_memory(tmp_path: Any) -> None:
    from checker.service import SPOOL_MEMORY, Upload

    small = Upload(str(tmp_path))
    small.write(b"x" * 100)
    assert small.job_data() == (b"x" * 100, None)  # small: handed over as bytes
    small.close()
    big = Upload(str(tmp_path))
    for _ in range(8):
        big.write(b"y" * SPOOL_MEMORY)
    data, fd = big.job_data()
    assert data is None and fd is not None
    st = os.fstat(fd)
    assert st.st_size == 8 * SPOOL_MEMORY and st.st_nlink == 0  # on disk, under no name
    assert list(tmp_path.iterdir()) == []
    big.close()
