"""Find the report files under the paths given to `fzzf audit`.

Folders are walked recursively without following symlinked folders (a symlink loop cannot
trap the walk); symlinked files are followed and, like every file, reported once however many
paths lead to it. Folders that cannot be listed become error rows instead of stopping the run.

A portal page that is only a notice linking the report (附件：××.pdf) stands for its attachment:
when the attachment was saved beside the page (same folder, or the `NAME_files/` folder a
browser's "save page" makes), the attachment is checked instead and its row records the page.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from checker.read import SUFFIXES
from checker.read.html import ATTACHMENT_SUFFIXES, notice_attachments

# Published reports come as pages, text, Word or PDF; Markdown is a drafting format (and the
# usual format of README files lying next to reports), so an audit does not pick it up unless
# a .md file is named explicitly.
AUDIT_SUFFIXES = tuple(s for s in SUFFIXES if s != ".md")


@dataclass(frozen=True, slots=True)
class Found:
    """A path to check, or a path that could not be examined (error key set)."""

    path: str
    error: str | None = None
    reason: str = ""
    page: str | None = None  # the notice page this file is the attachment of


def discover(paths: list[str], suffixes: tuple[str, ...] = AUDIT_SUFFIXES) -> list[Found]:
    """Report files under `paths` in a stable order, each once; unreadable places as errors."""
    out: list[Found] = []
    keys: set[str] = set()
    real: dict[str, str] = {}  # path -> real path, reused by _follow_notices (each costs an lstat per part)

    def add(path: str) -> None:
        key = real[path] = _real(path)
        if key not in keys:
            keys.add(key)
            out.append(Found(path))

    for given in paths:
        p = Path(given)
        if p.is_dir():
            errors: list[OSError] = []
            for root, dirs, files in os.walk(p, onerror=errors.append, followlinks=False):
                dirs.sort()
                for name in sorted(files):
                    if Path(name).suffix.lower() in suffixes and not name.startswith("."):
                        add(os.path.join(root, name))
            for exc in errors:
                out.append(Found(str(exc.filename or given), "input.unreadable", exc.strerror or str(exc)))
        elif p.exists() or p.is_symlink():
            add(given)
        else:
            out.append(Found(given, "input.not_found"))
    return _follow_notices(out, real)


def _real(path: str) -> str:
    """The real path of `path` (symlinks resolved), or `path` when it cannot be resolved."""
    try:
        return os.path.realpath(path)
    except OSError:
        return path


_PAGE_SUFFIXES = (".html", ".htm", ".shtml")
NOTICE_MAX_BYTES = 2 * 1024 * 1024  # a notice is a small page; larger pages are not read twice
_ATTACHMENT_WORD = ("附件".encode(), "附件".encode("gb18030"))


def attachment_for(page: str, names: tuple[str, ...]) -> str | None:
    """The first of `names` saved beside `page`: in its folder or in its `NAME_files/` folder."""
    folder = os.path.dirname(page)
    for where in (folder, os.path.join(folder, Path(page).stem + "_files")):
        for name in names:
            candidate = os.path.join(where, name)
            if os.path.isfile(candidate):
                return candidate
    return None


def _follow_notices(found: list[Found], real: dict[str, str]) -> list[Found]:
    """Replace notice pages by their attachments found beside them; each file stays listed once.

    Only pages whose folder holds a report file or a `NAME_files/` folder are read here, so an
    audit of scraped pages alone pays nothing for this. `real`: real paths already known.
    """
    candidates: dict[str, bool] = {}

    def may_have_attachment(page: str) -> bool:
        folder = os.path.dirname(page) or "."
        if folder not in candidates:
            try:
                with os.scandir(folder) as it:
                    candidates[folder] = any(e.name.lower().endswith(ATTACHMENT_SUFFIXES) or e.name.endswith("_files")
                                             for e in it)
            except OSError:
                candidates[folder] = False
        return candidates[folder]

    out: list[Found] = []
    where: dict[str, int] = {}
    for f in found:
        if f.error is None and f.path.lower().endswith(_PAGE_SUFFIXES) and may_have_attachment(f.path):
            attachment = _attachment_of_notice(f.path)
            if attachment:
                f = Found(attachment, page=f.path)
        key = real.get(f.path) or _real(f.path)
        if key in where:
            if f.page:  # the attachment was also found on its own: one row, which names the page
                out[where[key]] = f
            continue
        where[key] = len(out)
        out.append(f)
    return out


def _attachment_of_notice(page: str) -> str | None:
    try:
        if not os.path.isfile(page) or os.path.getsize(page) > NOTICE_MAX_BYTES:
            return None
        with open(page, "rb") as fh:
            data = fh.read(NOTICE_MAX_BYTES)
    except OSError:
        return None
    lower = data.lower()
    # Cheap byte tests first: a notice names its 附件 (UTF-8 or GBK page) and links a report file.
    if not any(s.encode() in lower for s in ATTACHMENT_SUFFIXES) or not any(m in data for m in _ATTACHMENT_WORD):
        return None
    try:
        attachments = notice_attachments(data, page)
    except Exception:  # a reader bug must not stop the audit here: the page's worker reports it as a row
        return None
    for att in attachments:
        path = attachment_for(page, att.files)
        if path:
            return path
    return None
