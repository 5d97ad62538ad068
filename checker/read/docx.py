"""Word drafts (.docx) as drafting offices write them: paragraphs in order, tables as rows.

python-docx parses the package with entity resolution off. Before it opens anything, the zip
is inspected: a package whose entries would expand beyond a sane size (a zip bomb), or that is
not a zip at all, is refused with a clear error.
"""

from __future__ import annotations

import io
import zipfile
import zlib

from checker.errors import InputError
from checker.model import Document
from checker.read.clean import Fields, clean_text, is_title

MAX_UNPACKED = 200 * 1024 * 1024  # bytes: far beyond any report, far below a bomb
MAX_RATIO = 200  # expansion ratio of one entry beyond which it is treated as a bomb


def _inspect(data: bytes, source: str) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            infos = z.infolist()
            names = {i.filename for i in infos}
            total = 0
            for i in infos:
                total += i.file_size
                if i.compress_size and i.file_size / max(i.compress_size, 1) > MAX_RATIO and i.file_size > 10_000_000:
                    raise InputError("input.zip_bomb", path=source)
            if total > MAX_UNPACKED:
                raise InputError("input.zip_bomb", path=source)
            if "word/document.xml" not in names:
                raise InputError("input.bad_docx", path=source)
    except InputError:
        raise
    except (zipfile.BadZipFile, NotImplementedError, ValueError, OSError, EOFError, RuntimeError,
            zlib.error) as exc:  # zipfile's ways of saying "damaged"
        raise InputError("input.bad_docx", path=source) from exc


def _lines(doc: object, paragraph: type, table: type) -> list[str]:
    """Paragraph texts and table rows in document order."""
    lines: list[str] = []
    for child in doc.element.body.iterchildren():  # type: ignore[attr-defined]
        tag = child.tag.rsplit("}", 1)[-1] if isinstance(child.tag, str) else ""
        if tag == "p":
            lines.append(paragraph(child, doc).text)
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
    from docx.text.paragraph import Paragraph

    try:
        doc = open_docx(io.BytesIO(data))
    except Exception as exc:  # python-docx raises many types for damaged packages
        raise InputError("input.bad_docx", path=source) from exc
    try:
        lines = _lines(doc, Paragraph, Table)
    except Exception as exc:  # damaged XML inside a valid package
        raise InputError("input.bad_docx", path=source) from exc
    fields = Fields()
    title = (doc.core_properties.title or "").strip()
    if title and is_title(title):
        fields.offer("title", title, "docx:title")
    text = clean_text("\n".join(lines), fields)
    return Document(source=source, text=text, format="docx", encoding="docx", fields=fields.values,
                    field_sources=fields.sources)
