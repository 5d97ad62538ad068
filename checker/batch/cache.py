"""A content-keyed store of checked reports, so a re-run skips what has not changed.

The key is the SHA-256 of the file's bytes together with everything else that changes the
result: the tool and rules versions (rule packs included), the output language, and the
metadata overrides. Entries are the JSON contract's report plus reuse fingerprints, stored in
one SQLite database under `OUTDIR/.cache/`; an interrupted run leaves only complete entries,
and the next run resumes from them.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import time
import zlib
from pathlib import Path
from typing import Any

import orjson

from checker import __version__

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
    """Entries in one SQLite database, `FOLDER/entries.sqlite`, keyed by content digest and run salt.

    One database rather than one file per report: creating a file cost more than checking a
    fifth of a report on the machines we measured, and SQLite's write-ahead log makes every
    entry all-or-nothing, so an interrupted run leaves only complete entries. Each process
    (the audit's main process and every worker) opens its own connection, checked by process
    id, and never uses one it inherited through fork; pool workers end with `os._exit`, so an
    inherited connection is never closed by them either (SQLite's rule for programs that fork).
    The cache only ever makes a run faster: an entry that cannot be read is recomputed, one
    that cannot be written is skipped, and a damaged database is set aside and started afresh.
    """

    def __init__(self, folder: Path, salt: str) -> None:
        self.folder = folder
        self.salt = salt
        self._con: sqlite3.Connection | None = None
        self._pid = 0

    @property
    def path(self) -> Path:
        """The database file."""
        return self.folder / "entries.sqlite"

    def _db(self) -> sqlite3.Connection:
        if self._con is None or self._pid != os.getpid():
            self.folder.mkdir(parents=True, exist_ok=True)
            try:
                con = self._open()
            except sqlite3.DatabaseError:  # not a database (damaged, or some other file)
                self.path.replace(self.path.with_name(f"entries.damaged-{os.getpid()}-{time.time_ns()}.sqlite"))
                con = self._open()
            self._con, self._pid = con, os.getpid()
        return self._con

    def _open(self) -> sqlite3.Connection:
        con = sqlite3.connect(self.path, timeout=60, isolation_level=None, check_same_thread=False)
        try:
            con.execute("PRAGMA journal_mode=WAL")
            con.execute("PRAGMA synchronous=NORMAL")  # with WAL: durable across crashes, not power loss
            con.execute("CREATE TABLE IF NOT EXISTS entries (key TEXT PRIMARY KEY, entry BLOB NOT NULL)")
        except sqlite3.DatabaseError:
            con.close()
            raise
        return con

    def tidy(self) -> None:
        """Fold the write-ahead log into the database and close, once no worker uses it.

        Workers end without closing their connections; the last connection to close cleanly
        removes the `-wal` and `-shm` files, so that is done here after the pool has gone.
        """
        try:
            if self.path.exists():
                self._db().execute("PRAGMA wal_checkpoint(TRUNCATE)")
        except (sqlite3.Error, OSError):
            pass
        self.close()

    def close(self) -> None:
        """Close this process's connection."""
        if self._con is not None and self._pid == os.getpid():
            self._con.close()
        self._con = None

    def get(self, digest: str) -> dict[str, Any] | None:
        """The cached entry, or None (missing or unreadable entries are simply recomputed)."""
        try:
            row = self._db().execute("SELECT entry FROM entries WHERE key = ?", (f"{digest}-{self.salt}",)).fetchone()
            found = orjson.loads(zlib.decompress(row[0])) if row else None
        except (sqlite3.Error, OSError, ValueError, zlib.error):
            return None
        return found if isinstance(found, dict) else None

    def put(self, digest: str, entry: dict[str, Any]) -> bool:
        """Store an entry (one transaction); False when the cache could not take it.

        orjson, not the standard library: every entry is written once and read back once per
        audit, and the standard encoder alone took a tenth of the time spent per report. Entries
        are compressed (zlib, fastest level: a seventh of the size for a tenth of a millisecond):
        tens of megabytes of cache per thousand reports kept the disk busy while the agency
        pages were being written.
        """
        try:
            blob = zlib.compress(orjson.dumps(entry, option=orjson.OPT_NON_STR_KEYS), 1)
            self._db().execute("INSERT OR REPLACE INTO entries (key, entry) VALUES (?, ?)",
                               (f"{digest}-{self.salt}", blob))
        except (sqlite3.Error, OSError):
            return False
        return True
