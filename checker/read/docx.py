"""Word drafts (.docx) as drafting offices write them: paragraphs in order, tables as rows.

python-docx parses the package with entity resolution off. Before it opens anything, every
member of the zip is streamed once within the file's unpacking budget (checker/read/archive.py):
a package that would unpack beyond it (input.too_large), a zip bomb (input.zip_bomb) or a file
that is not a zip at all (input.bad_docx) is refused before python-docx parses a byte. A time
limit or memory ceiling reached while python-docx works is reported as such, never as a
damaged file.
"""

from __future__ import annotations

import io

from checker.errors import InputError
from checker.model import Document
from checker.read.archive import open_zip
from checker.read.clean import Fields, clean_text, is_title

BAD = "input.bad_docx"
# A cap of this reader's own on top of the per-file budget (input.zip_bomb past it); None: the
# per-file budget alone, which follows --max-size-mb.
MAX_UNPACKED: int | None = None


def _inspect(data: bytes, source: str) -> None:
    """Unpack every member once against the budget (keeping nothing); the main part must exist."""
    pkg = open_zip(data, source, bad_key=BAD, budget=MAX_UNPACKED)
    try:
        if not pkg.has("word/document.xml"):
            raise InputError(BAD, path=source)
        pkg.check_all()
    finally:
        pkg.zip.close()


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
# What python-docx's Paragraph.text gives for each run child (None: the element's own text).
_RUN_TEXT: dict[str, str | None] = {_W + "t": None, _W + "tab": "\t", _W + "ptab": "\t", _W + "cr": "\n",
                                    _W + "noBreakHyphen": "-"}


def _paragraph_text(p: object) -> str:
    """The text python-docx's Paragraph.text gives (runs, also inside hyperlinks), in linear time.

    Paragraph.text runs two XPath queries per paragraph and per run; on a long document that
    cost grew faster than the document (200,000 short paragraphs: 25 s). This walks the children.
    """
    parts: list[str] = []
    for el in p:  # type: ignore[attr-defined]
        if el.tag == _W + "r":
            runs = [el]
        elif el.tag == _W + "hyperlink":
            runs = [r for r in el if r.tag == _W + "r"]
        else:
            continue
        for run in runs:
            for c in run:
                if c.tag == _W + "br":  # a line break is a line; page and column breaks are nothing
                    parts.append("\n" if c.get(_W + "type", "textWrapping") == "textWrapping" else "")
                elif c.tag in _RUN_TEXT:
                    parts.append(_RUN_TEXT[c.tag] or c.text or "")
    return "".join(parts)


def _lines(doc: object, table: type) -> list[str]:
    """Paragraph texts and table rows in document order."""
    lines: list[str] = []
    for child in doc.element.body.iterchildren():  # type: ignore[attr-defined]
        tag = child.tag.rsplit("}", 1)[-1] if isinstance(child.tag, str) else ""
        if tag == "p":
            lines.append(_paragraph_text(child))
        elif tag == "tbl":
            for row in table(child, doc).rows:
                cells: list[str] = []
                for cell in row.cells:
                    text = " ".join(cell.text.split())
                    if text and (not cells or cells[-1] != text):  # merged cells repeat their text
                        cells.append(text)
                lines.append(" | ".join(cells))
    return lines


def read(data: bytes, source: str) -> Document:
    """Read a .docx draft."""
    _inspect(data, source)
    from docx import Document as open_docx  # imported here: only .docx drafts need it
    from docx.table import Table

    try:
        doc = open_docx(io.BytesIO(data))
        lines = _lines(doc, Table)
    except (InputError, MemoryError):  # the time limit (input.timeout) or the memory ceiling: not damage
        raise
    except Exception as exc:  # python-docx raises many types for damaged packages and damaged XML
        raise InputError(BAD, path=source) from exc
    fields = Fields()
    title = (doc.core_properties.title or "").strip()
    if title and is_title(title):
        fields.offer("title", title, "docx:title")
    text = clean_text("\n".join(lines), fields)
    return Document(source=source, text=text, format="docx", encoding="docx", fields=fields.values,
                    field_sources=fields.sources)
