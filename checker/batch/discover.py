"""Find the report files under the paths given to `fzzf audit`.

Folders are walked recursively without following symlinked folders (a symlink loop cannot
trap the walk); symlinked files are followed and, like every file, reported once however many
paths lead to it. Folders that cannot be listed become error rows instead of stopping the run.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from checker.read import SUFFIXES

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


def discover(paths: list[str], suffixes: tuple[str, ...] = AUDIT_SUFFIXES) -> list[Found]:
    """Report files under `paths` in a stable order, each once; unreadable places as errors."""
    out: list[Found] = []
    seen: set[str] = set()

    def add(path: str) -> None:
        try:
            key = os.path.realpath(path)
        except OSError:
            key = path
        if key not in seen:
            seen.add(key)
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
    return out
