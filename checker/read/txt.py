"""Plain-text reports: decode, then strip the chrome a scraped page leaves behind."""

from __future__ import annotations

from checker.model import Document
from checker.read.clean import Fields, clean_text
from checker.read.decode import decode


def read(data: bytes, source: str) -> Document:
    """Read a `.txt` report (UTF-8 with or without BOM, or GB18030/GBK)."""
    raw, encoding = decode(data, source)
    fields = Fields()
    text = clean_text(raw, fields)
    return Document(
        source=source,
        text=text,
        format="txt",
        encoding=encoding,
        fields=fields.values,
        field_sources=fields.sources,
    )
