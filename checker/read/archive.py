"""Zip packages (.docx, .ofd) read within a byte budget, and their XML parsed safely.

A zip's headers can lie about sizes, so nothing here trusts them: every member is read in
chunks and the bytes actually unpacked are counted against one budget per file. Past the
budget the file is refused as a zip bomb before the next chunk is inflated. XML inside a
package is parsed with entities, DTDs and network access off, and a document that declares a
DTD at all is refused: no legitimate Word or OFD part has one, and it is how XXE and
billion-laughs attacks start.

API: `open_zip(data, source, bad_key=...)` gives a `Package`; `Package.read(name)` returns a
member's bytes (charged to the budget); `parse_xml(data, source, bad_key)` returns the root.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from dataclasses import dataclass, field

from lxml import etree

from checker.errors import InputError

# Bytes unpacked per file, all members together: far beyond any report (a 300-page report's
# XML is a few MB), far below what would exhaust a worker's memory.
DEFAULT_BUDGET = 200 * 1024 * 1024
MAX_MEMBERS = 10_000  # entries in one package; a report has a few dozen
_CHUNK = 1 << 16
# zipfile's ways of saying "damaged".
ZIP_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, ValueError, OSError, EOFError,
              RuntimeError, zlib.error, KeyError)


@dataclass
class Package:
    """An opened zip whose reads are charged to one byte budget."""

    zip: zipfile.ZipFile
    source: str
    bad_key: str
    budget: int
    used: int = 0
    names: dict[str, str] = field(default_factory=dict)  # lower-cased name -> stored name

    def has(self, name: str) -> bool:
        """Whether the package holds `name` (case-insensitive, as Windows tools write either)."""
        return name.lstrip("/").lower() in self.names

    def read(self, name: str) -> bytes:
        """A member's bytes; raises input.zip_bomb past the budget, `bad_key` if absent or damaged."""
        stored = self.names.get(name.lstrip("/").lower())
        if stored is None:
            raise InputError(self.bad_key, path=self.source)
        out = bytearray()
        try:
            with self.zip.open(stored) as fh:
                while True:
                    chunk = fh.read(min(_CHUNK, self.budget - self.used + 1))
                    if not chunk:
                        break
                    self.used += len(chunk)
                    if self.used > self.budget:
                        raise InputError("input.zip_bomb", path=self.source)
                    out += chunk
        except InputError:
            raise
        except ZIP_ERRORS as exc:
            raise InputError(self.bad_key, path=self.source) from exc
        return bytes(out)


def open_zip(data: bytes, source: str, *, bad_key: str, budget: int = DEFAULT_BUDGET) -> Package:
    """Open a zip package held in memory; `bad_key` is the error for a damaged one."""
    try:
        z = zipfile.ZipFile(io.BytesIO(data))
        infos = z.infolist()
    except ZIP_ERRORS as exc:
        raise InputError(bad_key, path=source) from exc
    if len(infos) > MAX_MEMBERS:
        raise InputError("input.zip_bomb", path=source)
    # Declared sizes may lie, but an honest one over the budget is refused without inflating.
    if sum(i.file_size for i in infos) > budget:
        raise InputError("input.zip_bomb", path=source)
    names = {i.filename.lstrip("/").lower(): i.filename for i in infos}
    return Package(z, source, bad_key, budget, names=names)


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
