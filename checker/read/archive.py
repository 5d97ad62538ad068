"""Bounded unpacking: every byte a reader inflates is charged to one budget per file.

A file's size on disk says little about what it costs to read: a 7 MB .docx can unpack to
190 MB of XML (and gigabytes of parsed tree), a 369 KB PDF can inflate one content stream that
every page then parses again. Readers therefore never call `zipfile` or `zlib` on untrusted
data themselves; they go through this module, which

- charges all the bytes unpacked while reading one file to a `Budget` whose limit is tied to the
  largest file read (`--max-size-mb`): `UNPACK_FACTOR` times it, 100 MB by default. Past it the
  file is refused with `input.too_large` while streaming, one chunk past the limit at most,
  whatever sizes the headers claim;
- refuses a zip member whose expansion ratio is absurd (over `MAX_RATIO` once it has unpacked
  `RATIO_FLOOR` bytes), a package with more than `MAX_MEMBERS` entries, or one whose honest
  declared sizes, or the reader's own cap, exceed its budget, with `input.zip_bomb`: a quick,
  clear answer for the classic bomb;
- turns zipfile's and zlib's many ways of saying "damaged" into the reader's key
  (`input.bad_docx`, `input.bad_ofd`, …);
- parses XML parts with entities, DTDs and network access off (`parse_xml`).

API, for a zip-based format::

    pkg = open_zip(data, source, bad_key="input.bad_docx")   # optional budget=BYTES: a tighter cap
    if pkg.has("word/document.xml"):
        root = parse_xml(pkg.read("word/document.xml"), source, "input.bad_docx")
    pkg.check_all()                                         # stream every member, keep nothing

and for raw deflate data (PDF streams): `inflate(chunks, budget)`.

The per-file budget is set by `checker.read.read_bytes` (`reading(source, limit)`) for the file
being read; helpers find it with `current_budget(source)`, so a reader needs no extra argument
(a reader called on its own gets the default limit). It lives in a context variable, so the
service's threads each have their own.
"""

from __future__ import annotations

import contextvars
import io
import re
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from lxml import etree

from checker.errors import InputError

# Bytes one file may unpack, as a multiple of the largest file read (--max-size-mb, 20 MB by
# default, so 100 MB). A real report unpacks to a few MB at most, whatever its format.
UNPACK_FACTOR = 5
DEFAULT_MAX_BYTES = 20 * 1024 * 1024  # the readers' default --max-size-mb (checker/read/__init__.py)
DEFAULT_BUDGET = UNPACK_FACTOR * DEFAULT_MAX_BYTES
# A zip member that expands more than MAX_RATIO times, once past RATIO_FLOOR bytes, is a bomb
# (Word XML compresses 10–120 times; a run of zeros 1,000 times).
MAX_RATIO = 200
RATIO_FLOOR = 10 * 1024 * 1024
MAX_MEMBERS = 10_000  # entries in one package; a report has a few dozen
CHUNK = 64 * 1024
# zipfile's and zlib's ways of saying "damaged".
ZIP_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, ValueError, OSError, EOFError,
              RuntimeError, zlib.error, KeyError)


def unpack_limit(max_bytes: int) -> int:
    """Bytes one file may unpack when files up to `max_bytes` are read."""
    return UNPACK_FACTOR * max_bytes


class Budget:
    """Bytes still allowed to be unpacked while reading one file (all members, all streams)."""

    def __init__(self, limit: int, source: str) -> None:
        self.limit = limit
        self.used = 0
        self.source = source

    def charge(self, n: int) -> None:
        """Count `n` more unpacked bytes; InputError("input.too_large") past the limit."""
        self.used += n
        if self.used > self.limit:
            # The same key as a file over --max-size-mb: what the file stands for is too large.
            raise InputError("input.too_large", path=self.source, size=self.used, limit=self.limit)


_CURRENT: contextvars.ContextVar[Budget | None] = contextvars.ContextVar("fzzf_unpack_budget", default=None)


@contextmanager
def reading(source: str, limit: int) -> Iterator[Budget]:
    """Make a fresh budget of `limit` bytes the current one while one file is read."""
    budget = Budget(limit, source)
    token = _CURRENT.set(budget)
    try:
        yield budget
    finally:
        _CURRENT.reset(token)


def current_budget(source: str) -> Budget:
    """The budget of the file being read, or a fresh default one (a reader called on its own)."""
    return _CURRENT.get() or Budget(DEFAULT_BUDGET, source)


def inflate(chunks: Iterable[bytes], *budgets: Budget, wbits: int = zlib.MAX_WBITS, keep: bool = True) -> bytes:
    """Inflate a zlib (or, with wbits=-15, raw deflate) stream, charging every byte to `budgets`.

    Output comes at most CHUNK bytes at a time, so a bomb stops one chunk past the limit. Data
    after the end of the compressed stream (a PDF's `endstream`) is ignored. With keep=False the
    output is only counted (returns b""). Raises zlib.error for data that is not deflate.
    """
    d = zlib.decompressobj(wbits)
    out = io.BytesIO()
    for chunk in chunks:
        buf = chunk
        while buf and not d.eof:
            piece = d.decompress(buf, CHUNK)
            for budget in budgets:
                budget.charge(len(piece))
            if keep:
                out.write(piece)
            buf = d.unconsumed_tail
        if d.eof:
            break
    rest = d.flush()  # output zlib still held for input already consumed (a few hundred bytes)
    for budget in budgets:
        budget.charge(len(rest))
    if keep:
        out.write(rest)
    return out.getvalue()


def _absurd(unpacked: int, packed: int) -> bool:
    """An expansion no document part reaches: a zip bomb."""
    return unpacked > RATIO_FLOOR and unpacked > MAX_RATIO * max(packed, 1)


@dataclass
class Package:
    """An opened zip whose reads are charged to the file's budget (and to an optional own cap)."""

    zip: zipfile.ZipFile
    source: str
    bad_key: str
    budget: int  # the reader's own cap for this package (input.zip_bomb past it)
    used: int = 0
    names: dict[str, str] = field(default_factory=dict)  # lower-cased name -> stored name
    file_budget: Budget | None = None  # the per-file budget (input.too_large past it)

    def has(self, name: str) -> bool:
        """Whether the package holds `name` (case-insensitive, as Windows tools write either)."""
        return name.lstrip("/").lower() in self.names

    def read(self, name: str) -> bytes:
        """A member's bytes; `bad_key` if absent or damaged, input.zip_bomb/too_large past a budget."""
        stored = self.names.get(name.lstrip("/").lower())
        if stored is None:
            raise InputError(self.bad_key, path=self.source)
        out = io.BytesIO()
        for piece in self._stream(self.zip.getinfo(stored)):
            out.write(piece)
        return out.getvalue()

    def check_all(self) -> None:
        """Stream every member once, keeping nothing: the whole package fits the budgets."""
        for info in self.zip.infolist():
            for _ in self._stream(info):
                pass

    def _stream(self, info: zipfile.ZipInfo) -> Iterator[bytes]:
        """A member's bytes in chunks, charged and ratio-checked as they come."""
        budget = self.file_budget or current_budget(self.source)
        unpacked = 0
        packed = info.compress_size
        try:
            with self.zip.open(info) as fh:
                while piece := fh.read(CHUNK):
                    unpacked += len(piece)
                    self.used += len(piece)
                    if self.used > self.budget or _absurd(unpacked, packed):
                        raise InputError("input.zip_bomb", path=self.source)
                    budget.charge(len(piece))
                    yield piece
        except InputError:
            raise
        except ZIP_ERRORS as exc:
            raise InputError(self.bad_key, path=self.source) from exc


def open_zip(data: bytes, source: str, *, bad_key: str, budget: int | None = None) -> Package:
    """Open a zip package held in memory; `bad_key` is the error for a damaged one.

    Reads are charged to the per-file budget (`current_budget`); `budget`, when given, is a
    tighter cap of the reader's own for this package.
    """
    try:
        z = zipfile.ZipFile(io.BytesIO(data))
        infos = z.infolist()
    except ZIP_ERRORS as exc:
        raise InputError(bad_key, path=source) from exc
    if len(infos) > MAX_MEMBERS or any(_absurd(i.file_size, i.compress_size) for i in infos):
        raise InputError("input.zip_bomb", path=source)
    file_budget = current_budget(source)
    # Declared sizes may lie, but honest ones over a budget are refused without inflating.
    declared = sum(i.file_size for i in infos)
    if budget is not None and declared > budget:
        raise InputError("input.zip_bomb", path=source)
    if declared > file_budget.limit - file_budget.used:
        raise InputError("input.too_large", path=source, size=declared, limit=file_budget.limit)
    cap = file_budget.limit if budget is None else budget
    names = {i.filename.lstrip("/").lower(): i.filename for i in infos}
    return Package(z, source, bad_key, cap, names=names, file_budget=file_budget)


_DOCTYPE = re.compile(rb"<!DOCTYPE", re.I)


def parse_xml(data: bytes, source: str, bad_key: str) -> etree._Element:
    """Parse one XML part: no DTD, no entities, no network, libxml2's default depth limit."""
    if _DOCTYPE.search(data) or b"<!ENTITY" in data:
        raise InputError(bad_key, path=source)
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
                             huge_tree=False, remove_comments=True, remove_pis=True)
    try:
        root = etree.fromstring(data, parser=parser)
    except (etree.XMLSyntaxError, ValueError) as exc:
        raise InputError(bad_key, path=source) from exc
    if root is None:
        raise InputError(bad_key, path=source)
    return root
