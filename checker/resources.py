"""The one place that locates the shipped `rules/` and `outline/` folders.

In a wheel they are packaged as `checker/_data/{rules,outline}`; in a source checkout or an
editable install they are the top-level folders of the repository.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _find(name: str) -> Path:
    for candidate in (_PACKAGE / "_data" / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"fzzf-checker is installed without its {name}/ folder")


@cache
def rules_dir() -> Path:
    """Folder holding the shipped rule files."""
    return _find("rules")


@cache
def outline_dir() -> Path:
    """Folder holding the outline and report requirements as data."""
    return _find("outline")
