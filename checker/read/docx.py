"""Word drafts (.docx) read as Word shows them with all changes accepted.

- Automatic numbering (numbering.xml, directly or through the paragraph style) is rendered into
  the text, so 一、 / （一） / 1. headings stay headings (checker/read/numbering.py).
- Tracked changes are accepted: insertions (w:ins, w:moveTo) kept, deletions (w:del,
  w:delText, w:moveFrom, deleted table rows) dropped; a deleted paragraph mark joins the
  paragraph to the next one.
- Comments, headers, footers and footnotes live in other parts of the package and are not
  read; field codes (w:instrText) are dropped and their shown results kept; hidden text
  (w:vanish) is left out.
- Tables are read row by row, the cells of a row on one line, so a row's figures count as one
  sentence; text boxes (w:txbxContent) follow the paragraph they are anchored to, read once
  (the VML fallback copy in mc:Fallback is skipped).

The package is unpacked within a byte budget and its XML parsed without DTDs or entities
(checker/read/archive.py). The walk is iterative or bounded by libxml2's depth limit.
"""

from __future__ import annotations

from lxml import etree

from checker.errors import InputError
from checker.model import Document
from checker.read.archive import Package, open_zip, parse_xml
from checker.read.clean import Fields, clean_text, is_title
from checker.read.numbering import Numbering, Styles, attr, child, local

BAD = "input.bad_docx"
# A cap of this reader's own on top of the per-file budget (input.zip_bomb past it); None: the
# per-file budget alone, which follows --max-size-mb (checker/read/archive.py).
MAX_UNPACKED: int | None = None
# Subtrees that are never shown text once changes are accepted (or that hold properties only).
_SKIP = frozenset({"del", "moveFrom", "delText", "delInstrText", "instrText", "pPr", "rPr", "Fallback",
                   "commentReference", "footnoteReference", "endnoteReference", "annotationRef", "sym",
                   "fldData", "trPr", "tcPr", "tblPr", "tblGrid", "sectPr", "sdtPr"})
# Wrappers whose children are block or row content of the same kind as their parent's.
_WRAPPERS = frozenset({"sdt", "sdtContent", "customXml", "ins", "moveTo", "smartTag"})
_OFF = ("0", "false", "off")


def _flat(parent: etree._Element) -> list[etree._Element]:
    """Children of `parent`, with content controls and tracked-insertion wrappers opened."""
    out: list[etree._Element] = []
    stack = list(reversed(parent))
    while stack:
        el = stack.pop()
        name = local(el)
        if name in _WRAPPERS:
            stack.extend(reversed(el))
        elif name and name not in _SKIP:
            out.append(el)
    return out


def _on(el: etree._Element | None) -> bool:
    return el is not None and attr(el) not in _OFF


class _Reader:
    """Walks word/document.xml in order, numbering paragraphs as it goes."""

    def __init__(self, numbering: Numbering) -> None:
        self.numbering = numbering
        self.pending = ""  # text of a paragraph whose mark was deleted: joins the next one

    def blocks(self, container: etree._Element, out: list[str]) -> None:
        for el in _flat(container):
            name = local(el)
            if name == "p":
                self.paragraph(el, out)
            elif name == "tbl":
                self.table(el, out)

    def paragraph(self, p: etree._Element, out: list[str]) -> None:
        boxes: list[etree._Element] = []
        text = self.pending + _runs(p, boxes)
        self.pending = ""
        ppr = child(p, "pPr")
        mark = child(ppr, "rPr")
        if child(mark, "del") is not None or child(mark, "moveFrom") is not None:
            self.pending = text  # the paragraph mark was deleted: Word joins this text to the next
        elif not _on(child(mark, "vanish")) or text.strip():
            num_pr = child(ppr, "numPr")
            ilvl = attr(child(num_pr, "ilvl"))
            found = self.numbering.resolve(
                attr(child(num_pr, "numId")),
                int(ilvl) if ilvl is not None and ilvl.isdigit() else None,
                attr(child(ppr, "pStyle")),
            )
            label = self.numbering.label(*found) if found else ""
            if text.strip():
                out.append(label + text)
        for box in boxes:
            self.blocks(box, out)

    def table(self, tbl: etree._Element, out: list[str]) -> None:
        for row in _flat(tbl):
            if local(row) != "tr":
                continue
            if child(child(row, "trPr"), "del") is not None:
                continue  # a deleted row
            cells: list[str] = []
            for cell in _flat(row):
                if local(cell) != "tc":
                    continue
                lines: list[str] = []
                self.blocks(cell, lines)
                text = " ".join(" ".join(lines).split())
                if text:
                    cells.append(text)
            if cells:
                out.append(" | ".join(cells))


def _runs(p: etree._Element, boxes: list[etree._Element]) -> str:
    """The shown text of one paragraph; text boxes met on the way are collected in `boxes`."""
    parts: list[str] = []
    stack = list(reversed(p))
    while stack:
        el = stack.pop()
        name = local(el)
        if not name or name in _SKIP:
            continue
        if name == "txbxContent":
            boxes.append(el)
            continue
        if name == "r" and _on(child(child(el, "rPr"), "vanish")):
            continue
        if name == "t":
            parts.append(el.text or "")
        elif name in ("tab", "ptab"):
            parts.append(" ")
        elif name in ("br", "cr"):
            parts.append("\n")
        elif name == "noBreakHyphen":
            parts.append("-")
        elif name == "p":  # a paragraph nested in a run-level container (rare): its own line
            parts.append("\n")
            stack.extend(reversed(el))
        else:
            stack.extend(reversed(el))
    return "".join(parts)


def _part(pkg: Package, name: str, source: str) -> etree._Element | None:
    if not pkg.has(name):
        return None
    return parse_xml(pkg.read(name), source, BAD)


def _title(pkg: Package, source: str) -> str:
    root = _part(pkg, "docProps/core.xml", source)
    if root is None:
        return ""
    for el in root:
        if local(el) == "title":
            return " ".join((el.text or "").split())
    return ""


def read_lines(data: bytes, source: str) -> tuple[list[str], str]:
    """The document's lines in reading order, and its title property (may be empty)."""
    pkg = open_zip(data, source, bad_key=BAD, budget=MAX_UNPACKED)
    if not pkg.has("word/document.xml"):
        raise InputError(BAD, path=source)
    root = _part(pkg, "word/document.xml", source)
    body = child(root, "body")
    if body is None:
        raise InputError(BAD, path=source)
    styles = Styles.parse(_part(pkg, "word/styles.xml", source))
    numbering = Numbering(_part(pkg, "word/numbering.xml", source), styles)
    reader = _Reader(numbering)
    lines: list[str] = []
    reader.blocks(body, lines)
    if reader.pending.strip():
        lines.append(reader.pending)
    return lines, _title(pkg, source)


def read(data: bytes, source: str) -> Document:
    """Read a .docx draft."""
    lines, title = read_lines(data, source)
    fields = Fields()
    if title and is_title(title):
        fields.offer("title", title, "docx:title")
    text = clean_text("\n".join(lines), fields)
    return Document(source=source, text=text, format="docx", encoding="docx", fields=fields.values,
                    field_sources=fields.sources)
