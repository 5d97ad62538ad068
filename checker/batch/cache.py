"""A content-keyed store of checked reports, so a re-run skips what has not changed.

The key is the SHA-256 of the bytes that were checked (hashed by the worker from the very
bytes it parsed, not from an earlier read: a file changed in between is stored under its new
content), the file type (which reader parses it: the same bytes as `.txt` and as `.html` are
two different reports), and everything else that changes the result: the tool and rules
versions (rule packs included), the metadata overrides and the limits — not the output
language: entries are the result in language-neutral terms (ids, statuses, numbers, quotes;
checker/batch/record.py) plus reuse fingerprints, so any language renders from them. Stored in one SQLite database
under `OUTDIR/.cache/`; an interrupted run leaves only complete entries, and the next run
resumes from them. An entry that cannot be used (damaged bytes, not JSON, a field missing or of
the wrong type) is deleted and counted, and its file is checked again.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import time
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

import orjson

from checker import __version__
from checker.read import READERS

# Bump when the entry layout or the key changes: the salt holds it, so entries of another layout
# are never found (3: language-neutral entries; 4: checkpoints as [rule, severity, status, reason]).
FORMAT = 4


def content_digest(data: bytes) -> str:
    """The key of some content: its SHA-256 (what `file_digest` gives for a file holding it)."""
    return hashlib.sha256(data).hexdigest()


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


MAX_ENTRY = 64 << 20  # bytes an entry may unpack to (a real one is well under a megabyte)


def _inflate(blob: bytes) -> bytes:
    """Unpack an entry, bounded: a planted blob that unpacks to gigabytes is damaged, not read."""
    d = zlib.decompressobj()
    data = d.decompress(blob, MAX_ENTRY)
    if d.unconsumed_tail or not d.eof:
        raise ValueError("cache entry too large or truncated")
    return data


def file_kind(path: str) -> str:
    """The file type as far as the result is concerned: the reader that parses it."""
    suffix = os.path.splitext(path)[1].lower()
    reader = READERS.get(suffix)
    return reader.__module__.rsplit(".", 1)[-1] if reader is not None else suffix


def run_salt(rules_version: str, settings: dict[str, Any]) -> str:
    """What, besides the file's content, a cached result depends on.

    Not the language: entries hold no translated text, so `--lang` re-renders from them.
    """
    blob = json.dumps([FORMAT, __version__, rules_version, settings], sort_keys=True)
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

    def __init__(self, folder: Path, salt: str, usable: Callable[[Any], bool] | None = None,
                 trust_new: bool = False) -> None:
        self.folder = folder
        self.salt = salt
        self.usable = usable  # what an entry must satisfy to be returned (default: a JSON object)
        self.damaged = 0  # entries dropped by `get` in this process
        self.trust_new = trust_new
        self._con: sqlite3.Connection | None = None
        self._pid = 0
        self._known: int | None = None  # the last row id when this process opened the database
        self._pending: list[tuple[str, bytes]] | None = None  # puts held by `batched`, not yet written

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
            self._known = None
            if self.trust_new:
                try:
                    self._known = con.execute("SELECT max(rowid) FROM entries").fetchone()[0] or 0
                except sqlite3.Error:
                    pass
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

    def _key(self, digest: str, kind: str) -> str:
        return f"{digest}-{kind}-{self.salt}"

    def get(self, digest: str, kind: str, check: bool = False) -> dict[str, Any] | None:
        """The cached entry of content `digest` read as `kind` (`file_kind`), or None.

        None when there is none or the database cannot be read (the file is simply checked
        again). An entry that is there but cannot be used is deleted and counted in `damaged`.
        With `trust_new`, an entry written after this process opened the database — by this
        run's own workers, from a result they had just made — is returned without `usable`
        walking every field (a third of a millisecond a report); every older one is checked,
        and so is every entry when `check` is set. Row ids tell them apart: SQLite gives a new
        row a larger id than any row there (or, past 2**63, a random one: then it is checked).
        """
        key = self._key(digest, kind)
        try:
            row = self._db().execute("SELECT rowid, entry FROM entries WHERE key = ?", (key,)).fetchone()
        except (sqlite3.Error, OSError):
            return None
        if row is None:
            return None
        rowid, blob = row
        try:
            found = orjson.loads(_inflate(blob)) if isinstance(blob, bytes) else None
        except (ValueError, zlib.error):
            found = None
        if isinstance(found, dict) and (self.usable is None or self._new(rowid, check) or self.usable(found)):
            return found
        self.damaged += 1
        try:
            self._db().execute("DELETE FROM entries WHERE key = ?", (key,))
        except (sqlite3.Error, OSError):
            pass
        return None

    def _new(self, rowid: Any, check: bool) -> bool:
        """Whether a row was written after this process opened the database (and may be trusted)."""
        return not check and self._known is not None and isinstance(rowid, int) and rowid > self._known

    def put(self, digest: str, kind: str, entry: dict[str, Any]) -> bool:
        """Store an entry (one transaction, or the `batched` block's); False when the cache could not take it.

        orjson, not the standard library: every entry is written once and read back once per
        audit, and the standard encoder alone took a tenth of the time spent per report. Entries
        are compressed (zlib, fastest level: a seventh of the size for a tenth of a millisecond):
        tens of megabytes of cache per thousand reports kept the disk busy while the agency
        pages were being written.
        """
        try:
            data = orjson.dumps(entry)
        except TypeError:  # a key that is not a string (orjson.JSONEncodeError): the slower option writes it
            data = orjson.dumps(entry, option=orjson.OPT_NON_STR_KEYS)
        try:
            blob = zlib.compress(data, 1)
            if self._pending is not None:
                self._pending.append((self._key(digest, kind), blob))
                return True
            self._db().execute("INSERT OR REPLACE INTO entries (key, entry) VALUES (?, ?)",
                               (self._key(digest, kind), blob))
        except (sqlite3.Error, OSError):
            return False
        return True

    @contextmanager
    def batched(self) -> Iterator[None]:
        """Hold the entries put inside the block and write them in one transaction as it ends.

        A worker writes a chunk's entries together: one transaction per entry had two workers
        take turns at the database's write lock (and its file locks) for every report. The
        entries are held only until the block ends (a chunk: a few compressed entries), and
        they are written before the chunk's rows are handed back, so the agency pages still
        find them. Each entry stays all-or-nothing; a worker killed mid-chunk leaves that
        chunk's entries unwritten, and the next run checks those files again.
        """
        if self._pending is not None:  # nested: the outer block writes
            yield
            return
        self._pending = []
        try:
            yield
        finally:
            pending, self._pending = self._pending, None
            if pending:
                self._write(pending)

    def _write(self, pending: list[tuple[str, bytes]]) -> None:
        """Write held entries in one transaction; on failure none is written (the cache only speeds up)."""
        try:
            con = self._db()
        except (sqlite3.Error, OSError):
            return
        try:
            con.execute("BEGIN IMMEDIATE")
            con.executemany("INSERT OR REPLACE INTO entries (key, entry) VALUES (?, ?)", pending)
            con.execute("COMMIT")
        except (sqlite3.Error, OSError):
            with suppress(sqlite3.Error):
                if con.in_transaction:
                    con.execute("ROLLBACK")
