"""Readers: a file path in, a `Document` (cleaned text plus page metadata) out.

One module per format; `read_document` picks one by file suffix. Readers raise `InputError`
with a message key for anything they cannot read, never a bare exception.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from checker.errors import InputError
from checker.model import Document
from checker.read import docx, html, legacy, md, ofd, pdf, txt

READERS: dict[str, Callable[[bytes, str], Document]] = {
    ".txt": txt.read,
    ".text": txt.read,
    ".html": html.read,
    ".htm": html.read,
    ".shtml": html.read,
    ".docx": docx.read,
    ".pdf": pdf.read,
    ".md": md.read,
    ".ofd": ofd.read,
    ".doc": legacy.read_doc,
    ".wps": legacy.read_wps,
}

SUFFIXES = tuple(READERS)

# Reports are a few hundred KB at most; anything far larger is not a report and would only
# slow a batch down. Configurable for odd cases.
DEFAULT_MAX_BYTES = 20 * 1024 * 1024
MIN_CHINESE = 10  # Chinese characters below which a file is not a report
_CJK = re.compile(r"[\u4e00-\u9fff]")


def read_document(path: str | Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Document:
    """Read one report file; `path` is kept as given for `Document.source`."""
    source = str(path)
    p = Path(path)
    reader = READERS.get(p.suffix.lower())
    if reader is None:
        raise InputError("input.unsupported", path=source, suffix=p.suffix or "(none)")
    try:
        if not p.exists():
            raise InputError("input.not_found", path=source)
        if not p.is_file():  # a folder, a FIFO, a device: reading it could block or mislead
            raise InputError("input.not_regular", path=source)
        size = p.stat().st_size
        if size > max_bytes:
            raise InputError("input.too_large", path=source, size=size, limit=max_bytes)
        data = p.read_bytes()
    except InputError:
        raise
    except OSError as exc:
        raise InputError("input.unreadable", path=source, reason=exc.strerror or str(exc)) from exc
    return read_bytes(data, source, suffix=p.suffix.lower())


def _enough_chinese(text: str) -> bool:
    """At least MIN_CHINESE Chinese characters (stops counting there)."""
    for n, _ in enumerate(_CJK.finditer(text), 1):
        if n >= MIN_CHINESE:
            return True
    return False


def read_bytes(data: bytes, source: str, *, suffix: str) -> Document:
    """Read report content already in memory (used by the file reader and by services)."""
    reader = READERS.get(suffix)
    if reader is None:
        raise InputError("input.unsupported", path=source, suffix=suffix or "(none)")
    if not data.strip():
        raise InputError("input.empty", path=source)
    if suffix == ".pdf" and not data.lstrip().startswith(b"%PDF"):
        raise InputError("input.bad_pdf", path=source)
    doc = reader(data, source)
    if not doc.text.strip():
        raise InputError("input.no_text", path=source)
    if not _enough_chinese(doc.text):
        # Junk, an image-only page, a page in another language: not a report to judge.
        raise InputError("input.no_chinese", path=source)
    return doc
