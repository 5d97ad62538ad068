"""`fzzf audit --manifest FILE.csv`: who sent what, as the supervisor knows it.

A supervisor often knows better than any report text which body sent which file and when it
was published. The manifest is a CSV table, one row per file (or glob), with the columns
file, agency, level, year, published — in that order, or in any order under a header row
(English or Chinese column names). Empty cells leave that field to the report. Excel's
UTF-8 (with BOM) and GB18030 exports both read. What a row gives wins over the text, with
the source `manifest`; a row that names no audited file is reported, never silently dropped.

Bounded like every input: at most MAX_BYTES and MAX_ROWS; a malformed cell is a one-line
error naming the line, before any file is checked.
"""

from __future__ import annotations

import csv
import fnmatch
import hashlib
import io
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from checker.api import Overrides
from checker.errors import InputError
from checker.model import LEVELS
from checker.read.clean import iso_date

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 100_000
COLUMNS = ("file", "agency", "level", "year", "published")

# Header names a supervisor may use for each column.
_HEADER = {
    "file": "file", "path": "file", "glob": "file", "文件": "file", "文件名": "file", "文件路径": "file",
    "路径": "file",
    "agency": "agency", "单位": "agency", "报告单位": "agency", "机构": "agency", "报送单位": "agency",
    "单位名称": "agency",
    "level": "level", "层级": "level", "级别": "level", "单位层级": "level",
    "year": "year", "年度": "year", "报告年度": "year", "年份": "year",
    "published": "published", "发布日期": "published", "公开日期": "published", "发布时间": "published",
}
# Level names as written in a Chinese table, besides the ids themselves.
_LEVEL_WORDS = {
    "省级": "province", "省": "province", "市级": "city", "市": "city", "地市": "city", "县级": "county",
    "县": "county", "区": "county", "县区": "county", "乡镇": "township", "乡": "township", "镇": "township",
    "街道": "street", "部门": "department", "政府部门": "department",
}
_GLOB = re.compile(r"[*?\[]")
_DATE = re.compile(r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:\s+[\d:]+)?\s*$")


@dataclass(frozen=True, slots=True)
class Row:
    """One manifest row: which files it names and what it says about them."""

    line: int
    file: str
    agency: str | None = None
    level: str | None = None
    year: int | None = None
    published: str | None = None

    def overrides(self, base: Overrides) -> Overrides:
        """`base` (the command line's) with this row's values on top."""
        return Overrides(
            agency=self.agency or base.agency, level=self.level or base.level, year=self.year or base.year,
            published=self.published or base.published, profile=base.profile, source="manifest",
        )

    def key(self) -> str:
        """A short digest of what the row says: part of the cache key of the files it names."""
        blob = json.dumps([self.agency, self.level, self.year, self.published], ensure_ascii=False)
        return hashlib.sha256(blob.encode()).hexdigest()[:12]


@dataclass(frozen=True, slots=True)
class Manifest:
    """The rows of a manifest and the folder relative paths in it are read against."""

    path: str
    base: Path
    rows: tuple[Row, ...]
    # Rows naming a bare file name, by that name (first row first): looked up, not scanned, so an
    # audit of many files against a long manifest stays fast.
    by_name: dict[str, Row] = field(default_factory=dict)
    by_path: dict[str, Row] = field(default_factory=dict)  # rows naming a path, by the path resolved

    def match(self, path: str) -> Row | None:
        """The row for an audited file: one naming it exactly wins over a glob; then the first."""
        named = self.by_name.get(PurePosixPath(_posix(path)).name)
        exact = self.by_path.get(_posix(path)) or self.by_path.get(_resolved(Path(path)))
        if named is not None and (exact is None or named.line < exact.line):
            return named
        if exact is not None:
            return exact
        return next((r for r in self.rows if _GLOB.search(r.file) and _globbed(r.file, path, self.base)), None)

    def unmatched(self, paths: Iterable[str]) -> list[Row]:
        """Rows that name none of `paths` (a misspelt name, a file not sent)."""
        used: set[int] = set()
        for p in paths:
            row = self.match(p)
            if row is not None:
                used.add(row.line)
        return [r for r in self.rows if r.line not in used]


def _posix(p: str) -> str:
    return p.replace("\\", "/")


def _globbed(pattern: str, path: str, base: Path) -> bool:
    pattern, path = _posix(pattern), _posix(path)
    if "/" not in pattern:
        return fnmatch.fnmatchcase(PurePosixPath(path).name, pattern)
    if fnmatch.fnmatchcase(path, pattern):
        return True
    try:
        rel = Path(path).resolve().relative_to(base.resolve()).as_posix()
    except (OSError, ValueError):
        return False
    return fnmatch.fnmatchcase(rel, pattern)


def _decode(data: bytes, path: str) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    for encoding in ("utf-8", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InputError("manifest.bad", path=path, reason="not UTF-8 or GB18030 text")


def _level(value: str, path: str, line: int) -> str:
    v = value.strip()
    if v.lower() in LEVELS:
        return v.lower()
    if v in _LEVEL_WORDS:
        return _LEVEL_WORDS[v]
    raise InputError("manifest.bad_row", path=path, line=str(line),
                     reason=f"level '{v}' (use {', '.join(LEVELS)} or 省级/市级/县级/乡镇/街道/部门)")


def _year(value: str, path: str, line: int) -> int:
    m = re.fullmatch(r"\s*(\d{4})\s*年?度?\s*", value)
    if not m or not 2000 <= int(m.group(1)) <= 2100:
        raise InputError("manifest.bad_row", path=path, line=str(line), reason=f"year '{value.strip()}'")
    return int(m.group(1))


def _published(value: str, path: str, line: int) -> str:
    m = _DATE.match(value)
    date = iso_date(*m.groups()) if m else None
    if not date:
        raise InputError("manifest.bad_row", path=path, line=str(line),
                         reason=f"date '{value.strip()}' (use YYYY-MM-DD)")
    return date


def parse(text: str, path: str, base: Path) -> Manifest:
    """Rows of a manifest's text; raises InputError naming the first bad line."""
    reader = csv.reader(io.StringIO(text))
    order: tuple[str, ...] = COLUMNS
    rows: list[Row] = []
    for line, cells in enumerate(reader, 1):
        if line > MAX_ROWS:
            raise InputError("manifest.bad", path=path, reason=f"more than {MAX_ROWS} rows")
        cells = [c.strip() for c in cells]
        if not any(cells) or cells[0].startswith("#"):
            continue
        if not rows and line == _first_line(text) and _is_header(cells):
            order = tuple(_HEADER.get(c.strip().lower(), _HEADER.get(c.strip(), "")) for c in cells)
            if "file" not in order:
                raise InputError("manifest.bad", path=path, reason="no file column in the header")
            continue
        values = {name: cell for name, cell in zip(order, cells, strict=False) if name and cell}
        if not values.get("file"):
            raise InputError("manifest.bad_row", path=path, line=str(line), reason="no file name")
        rows.append(Row(
            line=line,
            file=values["file"],
            agency=values.get("agency") or None,
            level=_level(values["level"], path, line) if values.get("level") else None,
            year=_year(values["year"], path, line) if values.get("year") else None,
            published=_published(values["published"], path, line) if values.get("published") else None,
        ))
    by_name: dict[str, Row] = {}
    by_path: dict[str, Row] = {}
    for r in rows:
        if _GLOB.search(r.file):
            continue
        if "/" not in _posix(r.file):
            by_name.setdefault(r.file, r)
            continue
        for key in (_posix(r.file), _resolved(Path(r.file)), _resolved(base / r.file)):
            by_path.setdefault(key, r)
    return Manifest(path=path, base=base, rows=tuple(rows), by_name=by_name, by_path=by_path)


def _resolved(p: Path) -> str:
    try:
        return p.resolve().as_posix()
    except (OSError, RuntimeError):
        return p.as_posix()


def _first_line(text: str) -> int:
    """Number of the first line with content (the header, if there is one)."""
    for n, line in enumerate(text.splitlines(), 1):
        if line.strip(" ,\t") and not line.lstrip().startswith("#"):
            return n
    return 1


def _is_header(cells: list[str]) -> bool:
    known = [c for c in cells if c.strip().lower() in _HEADER or c.strip() in _HEADER]
    return len(known) >= 2 or (len(known) == 1 and len(cells) == 1)


def load(path: str | Path) -> Manifest:
    """Read a manifest file; one-line InputError (manifest.bad / manifest.bad_row) when it cannot be used."""
    p = Path(path)
    try:
        if not p.is_file():
            raise InputError("manifest.bad", path=str(path), reason="no such file")
        if p.stat().st_size > MAX_BYTES:
            raise InputError("manifest.bad", path=str(path), reason=f"larger than {MAX_BYTES // (1024 * 1024)} MB")
        data = p.read_bytes()
    except OSError as exc:
        raise InputError("manifest.bad", path=str(path), reason=exc.strerror or str(exc)) from exc
    return parse(_decode(data, str(path)), str(path), p.parent)
