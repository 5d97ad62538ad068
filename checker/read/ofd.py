"""OFD documents (GB/T 33190, the national fixed-layout format official documents are issued in).

An .ofd file is a zip of XML: OFD.xml names each document's root (DocBody/DocRoot), the
document's Document.xml lists its pages (Pages/Page/@BaseLoc), and each page's Content.xml
holds text objects (TextObject with a Boundary, TextCode runs with X/Y offsets) in layers and
page blocks. Like a PDF, text is placed, not flowed: runs are put in reading order by page,
then by line (top to bottom), then left to right, and visual lines are joined back into
paragraphs the way the PDF reader does (checker/read/pdf.py `unwrap`).

The package is unpacked within a byte budget and its XML parsed without DTDs or entities
(checker/read/archive.py); pages are capped like PDF pages.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass

from lxml import etree

from checker.errors import InputError
from checker.model import Document
from checker.read.archive import Package, open_zip, parse_xml
from checker.read.clean import Fields, clean_text, is_title
from checker.read.numbering import child, local
from checker.read.pdf import MAX_PAGES, unwrap

BAD = "input.bad_ofd"
MAX_UNPACKED: int | None = None  # None: the per-file budget alone, which follows --max-size-mb


@dataclass(frozen=True, slots=True)
class _Run:
    """A piece of text placed on a page (mm from the top-left corner)."""

    y: float
    x: float
    size: float
    text: str


def _floats(value: str | None, n: int) -> list[float]:
    try:
        out = [float(v) for v in (value or "").split()]
    except ValueError:
        return [0.0] * n
    return (out + [0.0] * n)[:n]


def _num(value: str | None, default: float) -> float:
    try:
        return float(value) if value is not None else default
    except ValueError:
        return default


def _resolve(base_dir: str, loc: str) -> str:
    """A location inside the package: absolute from its root or relative to `base_dir`."""
    loc = loc.strip().replace("\\", "/")
    path = loc.lstrip("/") if loc.startswith("/") else posixpath.join(base_dir, loc)
    return posixpath.normpath(path)


def _runs(page: etree._Element) -> list[_Run]:
    """Text runs of one page's content, from every layer and nested page block."""
    runs: list[_Run] = []
    stack = [page]
    while stack:
        el = stack.pop()
        name = local(el)
        if name == "TextObject":
            bx, by, _, _ = _floats(el.get("Boundary"), 4)
            size = _num(el.get("Size"), 3.5)
            for code in el:
                if local(code) != "TextCode" or not code.text:
                    continue
                runs.append(_Run(by + _num(code.get("Y"), 0.0), bx + _num(code.get("X"), 0.0), size, code.text))
        elif name in ("Template", "Annotations", "Actions", "PathObject", "ImageObject", "CompositeObject"):
            continue
        else:
            stack.extend(el)
    return runs


def _lines(runs: list[_Run]) -> list[str]:
    """Runs grouped into visual lines (baselines within half a character) in reading order."""
    lines: list[list[_Run]] = []
    for run in sorted(runs, key=lambda r: (r.y, r.x)):
        if lines and abs(run.y - lines[-1][0].y) <= max(run.size, lines[-1][0].size) * 0.5:
            lines[-1].append(run)
        else:
            lines.append([run])
    return ["".join(r.text for r in sorted(line, key=lambda r: r.x)) for line in lines]


def _document_roots(ofd: etree._Element) -> list[str]:
    roots = []
    for body in ofd:
        if local(body) == "DocBody":
            root = child(body, "DocRoot")
            if root is not None and (root.text or "").strip():
                roots.append(_resolve("", root.text or ""))
    return roots


def _title(ofd: etree._Element) -> str:
    for body in ofd:
        if local(body) == "DocBody":
            title = child(child(body, "DocInfo"), "Title")
            if title is not None and title.text:
                return " ".join(title.text.split())
    return ""


def _page_locations(pkg: Package, doc_path: str, source: str) -> list[str]:
    document = parse_xml(pkg.read(doc_path), source, BAD)
    pages = child(document, "Pages")
    if pages is None:
        raise InputError(BAD, path=source)
    base = posixpath.dirname(doc_path)
    return [_resolve(base, p.get("BaseLoc") or "") for p in pages if local(p) == "Page" and p.get("BaseLoc")]


def read_lines(data: bytes, source: str) -> tuple[list[str], str]:
    """Visual lines of every page in order (a blank line between pages), and the title."""
    pkg = open_zip(data, source, bad_key=BAD, budget=MAX_UNPACKED)
    if not pkg.has("OFD.xml"):
        raise InputError(BAD, path=source)
    ofd = parse_xml(pkg.read("OFD.xml"), source, BAD)
    roots = _document_roots(ofd)
    if not roots:
        raise InputError(BAD, path=source)
    locations = [loc for doc_path in roots for loc in _page_locations(pkg, doc_path, source)]
    if len(locations) > MAX_PAGES:
        raise InputError("input.too_many_pages", path=source, pages=len(locations), limit=MAX_PAGES)
    lines: list[str] = []
    for loc in locations:
        if not pkg.has(loc):
            continue  # a page listed but not stored: read the others
        lines += _lines(_runs(parse_xml(pkg.read(loc), source, BAD)))
        lines.append("")
    return lines, _title(ofd)


def read(data: bytes, source: str) -> Document:
    """Read an .ofd document."""
    lines, title = read_lines(data, source)
    fields = Fields()
    if title and is_title(title):
        fields.offer("title", title, "ofd:title")
    text = clean_text(unwrap(lines), fields)
    return Document(source=source, text=text, format="ofd", encoding="ofd", fields=fields.values,
                    field_sources=fields.sources)
