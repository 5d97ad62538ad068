"""Readers: a file path in, a `Document` (cleaned text plus page metadata) out.

`read_bytes` normalizes what a reader produced (checker/normalize.py), so `Document.text` is
the analysis text and `Document.original` the reader's text that quotes index.

One module per format; `read_document` picks one by file suffix. Readers raise `InputError`
with a message key for anything they cannot read, never a bare exception. Everything a reader
unpacks (zip members, PDF streams) is charged to one budget per file, a multiple of the size
limit (checker/read/archive.py); a reader that runs out of memory gives `input.out_of_memory`.
"""

from __future__ import annotations

import errno
import importlib
import os
import re
import stat
from collections.abc import Callable
from pathlib import Path

from checker.errors import InputError
from checker.model import Document
from checker.normalize import normalize
from checker.read.archive import DEFAULT_MAX_BYTES, reading, unpack_limit


def _lazy(module: str, name: str = "read") -> Callable[[bytes, str], Document]:
    """`checker.read.<module>.<name>`, imported on its first call.

    A run imports only the readers its files need: the docx, PDF, OFD and legacy readers (and
    what they import) cost every process ~20–60 ms of start-up otherwise. The stand-in carries
    the reader module's name (`__module__`), which the audit cache records as the file's kind.
    """
    qualified = f"checker.read.{module}"
    target: list[Callable[[bytes, str], Document]] = []

    def reader(data: bytes, source: str) -> Document:
        if not target:
            target.append(getattr(importlib.import_module(qualified), name))
        return target[0](data, source)

    reader.__module__ = qualified
    reader.__name__ = reader.__qualname__ = name
    return reader


READERS: dict[str, Callable[[bytes, str], Document]] = {
    ".txt": _lazy("txt"),
    ".text": _lazy("txt"),
    ".html": _lazy("html"),
    ".htm": _lazy("html"),
    ".shtml": _lazy("html"),
    ".docx": _lazy("docx"),
    ".pdf": _lazy("pdf"),
    ".md": _lazy("md"),
    ".ofd": _lazy("ofd"),
    ".doc": _lazy("legacy", "read_doc"),
    ".wps": _lazy("legacy", "read_wps"),
}

SUFFIXES = tuple(READERS)

# Reports are a few hundred KB at most; anything far larger is not a report and would only
# slow a batch down. Configurable for odd cases. DEFAULT_MAX_BYTES (20 MB) is defined beside the
# unpacking budget it sets (checker/read/archive.py) and re-exported here.
MIN_CHINESE = 10  # Chinese characters below which a file is not a report
_CJK = re.compile(r"[\u4e00-\u9fff]")
# The errors Path.exists() takes for "no such file" (pathlib's _IGNORED_ERRNOS and _IGNORED_WINERRORS).
_NOT_FOUND = (errno.ENOENT, errno.ENOTDIR, errno.EBADF, errno.ELOOP)
_NOT_FOUND_WIN = (21, 123, 1921)


def read_document(path: str | Path, *, max_bytes: int = DEFAULT_MAX_BYTES,
                  seen: Callable[[bytes], object] | None = None) -> Document:
    """Read one report file; `path` is kept as given for `Document.source`.

    `seen` is given the bytes that are about to be parsed (the audit's cache hashes exactly
    those, so a file changed between its lookup and its check is stored under what was checked).
    """
    source = str(path)
    p = Path(path)
    reader = READERS.get(p.suffix.lower())
    if reader is None:
        raise InputError("input.unsupported", path=source, suffix=p.suffix or "(none)")
    # One stat answers what Path.exists(), is_file() and stat() asked with three (the same
    # errors count as "not found": pathlib's _IGNORED_ERRNOS), and the file is read with one
    # open and read: ~25 µs a file less.
    try:
        try:
            st = os.stat(p)
        except ValueError:  # a NUL in the path: Path.exists() says False
            raise InputError("input.not_found", path=source) from None
        except OSError as exc:
            if exc.errno in _NOT_FOUND or getattr(exc, "winerror", None) in _NOT_FOUND_WIN:
                raise InputError("input.not_found", path=source) from None
            raise
        if not stat.S_ISREG(st.st_mode):  # a folder, a FIFO, a device: reading it could block or mislead
            raise InputError("input.not_regular", path=source)
        size = st.st_size
        if size > max_bytes:
            raise InputError("input.too_large", path=source, size=size, limit=max_bytes)
        with open(p, "rb") as fh:
            data = fh.read()
    except InputError:
        raise
    except OSError as exc:
        raise InputError("input.unreadable", path=source, reason=exc.strerror or str(exc)) from exc
    if seen is not None:
        seen(data)
    return read_bytes(data, source, suffix=p.suffix.lower(), max_bytes=max_bytes)


def _enough_chinese(text: str) -> bool:
    """At least MIN_CHINESE Chinese characters (stops counting there)."""
    for n, _ in enumerate(_CJK.finditer(text), 1):
        if n >= MIN_CHINESE:
            return True
    return False


def read_bytes(data: bytes, source: str, *, suffix: str, max_bytes: int = DEFAULT_MAX_BYTES) -> Document:
    """Read report content already in memory (used by the file reader and by services).

    `max_bytes` is the size limit the content was admitted under (--max-size-mb, the service's
    upload limit): what the reader may unpack is tied to it (`unpack_limit`).
    """
    reader = READERS.get(suffix)
    if reader is None:
        raise InputError("input.unsupported", path=source, suffix=suffix or "(none)")
    if not data.strip():
        raise InputError("input.empty", path=source)
    if suffix == ".pdf" and not data.lstrip().startswith(b"%PDF"):
        raise InputError("input.bad_pdf", path=source)
    try:
        with reading(source, unpack_limit(max_bytes)):
            # Every caller (check, audit, service) gets the normalized analysis text with its
            # map back to what the reader produced.
            doc = normalize(reader(data, source))
    except MemoryError as exc:  # a worker's memory ceiling (checker.limits.cap_memory) or the machine's
        raise InputError("input.out_of_memory", path=source) from exc
    if not doc.text.strip():
        raise InputError("input.no_text", path=source)
    if not _enough_chinese(doc.text):
        # Junk, an image-only page, a page in another language: not a report to judge.
        raise InputError("input.no_chinese", path=source)
    return doc
