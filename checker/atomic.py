"""Write files so that a reader never sees half of one, and never replace what is not a file.

Every regular output goes to a temporary file in the same folder and is renamed over the
target; a rename within one file system is atomic, so the target is either the old file or the
new one (an interrupted run leaves at most a stray `.NAME.PID.*.tmp`, never a truncated output;
the next audit removes strays whose process is gone). There is no fsync: this protects against
interruption, not power loss, and keeps batch caches fast.

A path the user names (`fzzf check -o PATH`) may be something other than a regular file:
`write_output` writes a character device or a FIFO in place (renaming over `/dev/null` as root
would replace the system's device with a report), writes a symlink's target and keeps the link,
and refuses folders and block devices. Several outputs that must agree (the audit's summaries)
are written into a temporary folder and moved in together (`swapping`).
"""

from __future__ import annotations

import errno
import os
import re
import shutil
import signal
import stat
import tempfile
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from checker.errors import CheckerError


def _file_mode() -> int:
    """The mode a plain `open()` would give a new file (mkstemp's files are private, 0600)."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


_MODE = _file_mode()
# `.NAME.PID.XXXXXXXX.tmp` (mkstemp's random part is 8 characters of [a-z0-9_])
STRAY_TMP = re.compile(r"^\..+\.(\d+)\.[a-z0-9_]{8}\.tmp$")
# `.swap.PID.XXXXXXXX` folders of `swapping`
STRAY_SWAP = re.compile(r"^\.swap\.(\d+)\.[a-z0-9_]{8}$")


def write_bytes(path: Path, data: bytes) -> None:
    """Atomically replace `path` with `data`."""
    with replacing(path) as tmp:
        tmp.write_bytes(data)


def write_text(path: Path, text: str, encoding: str = "utf-8") -> None:
    """Atomically replace `path` with `text`."""
    write_bytes(path, text.encode(encoding))


# How `write_files` creates its temporary files: as mkstemp does (exclusive, no link followed).
_TMP_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
_TMP_TRIES = 100  # names tried before giving up (8 random hex digits: a clash is already unlikely)


def write_files(folder: Path, files: Iterable[tuple[str, bytes]]) -> None:
    """Atomically replace each of several files of one folder: what `write_bytes` does for each.

    The same temporary name (`.NAME.PID.XXXXXXXX.tmp`, created exclusively, with the mode
    `open()` gives) and the same rename, without mkstemp's name machinery, the chmod and
    pathlib for every file: the audit writes three pages per agency, and `write_bytes` cost
    a fifth of a millisecond of CPU each, this a fifteenth. The folder is made if missing.
    """
    base = os.fspath(folder)
    pid = os.getpid()
    for name, data in files:
        try:
            fd, tmp = _new_tmp(base, f".{name}.{pid}.")
        except FileNotFoundError:  # the folder is missing: made here, not checked for every call
            folder.mkdir(parents=True, exist_ok=True)
            fd, tmp = _new_tmp(base, f".{name}.{pid}.")
        try:
            try:
                view = memoryview(data)
                while view:
                    view = view[os.write(fd, view):]
            finally:
                os.close(fd)
            os.replace(tmp, os.path.join(base, name))
        except BaseException:
            _discard(tmp)
            raise


def _discard(tmp: str) -> None:
    """Remove a temporary file a failed or interrupted write leaves, if it is still there."""
    try:
        os.unlink(tmp)
    except OSError:
        pass


def _new_tmp(base: str, prefix: str) -> tuple[int, str]:
    """A new temporary file `base/PREFIX` + 8 random hex digits + `.tmp`, opened for writing."""
    for _ in range(_TMP_TRIES):
        tmp = os.path.join(base, f"{prefix}{os.urandom(4).hex()}.tmp")
        try:
            return os.open(tmp, _TMP_FLAGS, _MODE), tmp
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "no free temporary file name", base)


@contextmanager
def replacing(path: Path, mode: int | None = None) -> Iterator[Path]:
    """A temporary path beside `path` to write to; renamed over `path` when the block succeeds.

    For outputs written piece by piece (the summaries of a large audit are streamed, so that
    memory does not grow with the number of reports) or by a library that wants a file name.
    `mode`: permission bits of the new file (default: what `open()` would give).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.{os.getpid()}.", suffix=".tmp", dir=path.parent)
    os.fchmod(fd, _MODE if mode is None else mode)
    os.close(fd)
    try:
        yield Path(tmp)
        os.replace(tmp, path)
    except BaseException:
        _discard(tmp)
        raise


def write_output(path: Path, data: bytes) -> None:
    """Write an output the user named, without ever replacing what is not a regular file.

    A new path or a regular file: atomically (temp file and rename), keeping an existing file's
    permission bits (and, as root, its owner). A symlink: its target is written by these same
    rules and the link is kept. A character device or a FIFO (`/dev/null`, `/dev/stdout`, a
    pipe another program reads): opened for writing and written in place, never renamed over;
    a socket cannot be opened and gives an OSError. A folder or a block device (a disk):
    refused with `output.not_a_file`. Other failures raise OSError.
    """
    target = Path(os.path.realpath(path)) if os.path.islink(path) else path
    try:
        st: os.stat_result | None = os.lstat(target)
    except FileNotFoundError:
        st = None
    if st is not None and stat.S_ISLNK(st.st_mode):  # still a link after resolving: a loop
        raise OSError(errno.ELOOP, os.strerror(errno.ELOOP), str(path))
    if st is not None and not stat.S_ISREG(st.st_mode):
        if stat.S_ISDIR(st.st_mode) or stat.S_ISBLK(st.st_mode):
            raise CheckerError("output.not_a_file", path=str(path))
        if _write_in_place(target, data):
            return
        st = os.lstat(target)  # it became a regular file meanwhile: replace it as one
    with replacing(target, None if st is None else stat.S_IMODE(st.st_mode) & 0o777) as tmp:
        tmp.write_bytes(data)
        if st is not None and os.geteuid() == 0 and (st.st_uid, st.st_gid) != (0, 0):
            try:
                os.chown(tmp, st.st_uid, st.st_gid)
            except OSError:
                pass


def _write_in_place(target: Path, data: bytes) -> bool:
    """Write `data` into a device or FIFO; False when `target` turned out to be a regular file.

    O_NOFOLLOW: a link swapped in after the check is not followed. A FIFO blocks here until
    something reads it, as a shell redirection would.
    """
    fd = os.open(target, os.O_WRONLY | os.O_NOCTTY | os.O_NOFOLLOW)
    try:
        if stat.S_ISREG(os.fstat(fd).st_mode):
            return False
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
    finally:
        os.close(fd)
    return True


@contextmanager
def swapping(folder: Path, names: tuple[str, ...]) -> Iterator[Path]:
    """A temporary folder inside `folder` for the files `names`, moved into `folder` together.

    Everything that needs disk space happens inside the block; the moves are renames within
    one folder, which need none, and Ctrl-C or SIGTERM is held back while they run. So the
    files in `folder` are all from one run or all from the one before, even on a full disk
    or when interrupted (the temporary folder is removed either way).
    """
    tmpdir = Path(tempfile.mkdtemp(prefix=f".swap.{os.getpid()}.", dir=folder))
    try:
        yield tmpdir
        missing = [n for n in names if not (tmpdir / n).is_file()]
        if missing:
            raise FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT), str(tmpdir / missing[0]))
        in_the_way = [n for n in names if (folder / n).is_dir() and not (folder / n).is_symlink()]
        if in_the_way:  # a rename onto it would fail after the others had succeeded
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(folder / in_the_way[0]))
        with _signals_held():
            for name in names:
                os.replace(tmpdir / name, folder / name)
            shutil.rmtree(tmpdir, ignore_errors=True)
    finally:
        shutil.rmtree(tmpdir, ignore_errors=True)


@contextmanager
def _signals_held() -> Iterator[None]:
    """Delay SIGINT and SIGTERM (delivered when the block ends); only possible in the main thread."""
    held = {signal.SIGINT, signal.SIGTERM}
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "pthread_sigmask"):
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)
