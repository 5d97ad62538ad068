"""A content-keyed store of checked reports, so a re-run skips what has not changed.

The key is the SHA-256 of the file's bytes together with everything else that changes the
result: the tool and rules versions (rule packs included), the output language, and the
metadata overrides. Entries are JSON files written atomically under `OUTDIR/.cache/`; an
interrupted run leaves only complete entries, and the next run resumes from them.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import orjson

from checker import __version__
from checker.atomic import write_bytes

FORMAT = 1  # bump when the entry layout changes


def file_digest(path: str) -> str | None:
    """SHA-256 of a file's bytes, or None when it cannot be read (the worker reports why)."""
    h = hashlib.sha256()
    try:
        with open(path, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                h.update(block)
    except OSError:
        return None
    return h.hexdigest()


def run_salt(rules_version: str, lang: str, settings: dict[str, Any]) -> str:
    """What, besides the file's content, a cached result depends on."""
    blob = json.dumps([FORMAT, __version__, rules_version, lang, settings], sort_keys=True)
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


class Cache:
    """JSON entries under a folder, keyed by content digest and run salt."""

    def __init__(self, folder: Path, salt: str) -> None:
        self.folder = folder
        self.salt = salt

    def _path(self, digest: str) -> Path:
        key = f"{digest}-{self.salt}"
        return self.folder / key[:2] / f"{key}.json"

    def get(self, digest: str) -> dict[str, Any] | None:
        """The cached entry, or None (missing or unreadable entries are simply recomputed)."""
        try:
            found = orjson.loads(self._path(digest).read_bytes())
        except (OSError, ValueError):
            return None
        return found if isinstance(found, dict) else None

    def put(self, digest: str, entry: dict[str, Any]) -> None:
        """Store an entry atomically.

        orjson, not the standard library: every entry is written once and read back once per
        audit, and the standard encoder alone took a tenth of the time spent per report.
        """
        write_bytes(self._path(digest), orjson.dumps(entry, option=orjson.OPT_NON_STR_KEYS))
