"""Markdown drafts: text with its markup (#, **, list markers, links) removed."""

from __future__ import annotations

import re

from checker.model import Document
from checker.read.clean import Fields, clean_text
from checker.read.decode import decode

_HEADING = re.compile(r"^\s{0,3}#{1,6}\s*")
_LIST = re.compile(r"^\s*(?:[-*+]|>)\s+")
_EMPHASIS = re.compile(r"(\*\*|__|\*|_|`)(?=\S)(.+?)(?<=\S)\1")
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")


def read(data: bytes, source: str) -> Document:
    """Read a .md draft."""
    raw, encoding = decode(data, source)
    lines = []
    for line in raw.replace("\r\n", "\n").split("\n"):
        if re.match(r"^\s*(```|---+\s*$|\|?\s*:?-{3,})", line):
            continue
        line = _HEADING.sub("", line)
        line = _LIST.sub("", line)
        line = _LINK.sub(r"\1", line)
        line = _EMPHASIS.sub(r"\2", line)
        lines.append(line)
    fields = Fields()
    text = clean_text("\n".join(lines), fields)
    return Document(source=source, text=text, format="md", encoding=encoding, fields=fields.values,
                    field_sources=fields.sources)
