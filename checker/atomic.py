"""Write files so that a reader (or an interrupted run) never sees half of one.

Every output goes to a temporary file in the same folder and is renamed over the target; a
rename within one file system is atomic, so the target is either the old file or the new one
(an interrupted run leaves at most a stray `.NAME.*.tmp`, never a truncated output). There is
no fsync: this protects against interruption, not power loss, and keeps batch caches fast.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def _file_mode() -> int:
    """The mode a plain `open()` would give a new file (mkstemp's files are private, 0600)."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


_MODE = _file_mode()


def write_bytes(path: Path, data: bytes) -> None:
    """Atomically replace `path` with `data`."""
    with replacing(path) as tmp:
        tmp.write_bytes(data)


def write_text(path: Path, text: str, encoding: str = "utf-8") -> None:
    """Atomically replace `path` with `text`."""
    write_bytes(path, text.encode(encoding))


@contextmanager
def replacing(path: Path) -> Iterator[Path]:
    """A temporary path beside `path` to write to; renamed over `path` when the block succeeds.

    For outputs written piece by piece (the summaries of a large audit are streamed, so that
    memory does not grow with the number of reports) or by a library that wants a file name.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.fchmod(fd, _MODE)
    os.close(fd)
    try:
        yield Path(tmp)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
