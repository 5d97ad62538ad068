"""Build small OFD (GB/T 33190) files for tests: text laid out on A4 pages as a typesetter would.

Lines are 28 characters wide and pages hold 22 lines (the official-document layout of
GB/T 9704); each line is split into two text objects written in reverse order, so a reader
that follows the XML instead of the reading position gets the text wrong.
"""

from __future__ import annotations

import io
import zipfile
from xml.sax.saxutils import escape

NS = 'xmlns:ofd="http://www.ofdspec.org/2016"'
LINE_EM = 28.0
LINES_PER_PAGE = 22
SIZE = 5.6  # mm: a 16 pt character, 28 to a 156 mm line
LEFT, TOP, LEADING = 27.0, 37.0, 10.5


def _width(text: str) -> float:
    return sum(1.0 if ord(ch) > 0x2E80 else 0.5 for ch in text)


def wrap(paragraph: str) -> list[str]:
    """Break a paragraph into visual lines of at most 28 em (digits and Latin are half wide)."""
    lines, line = [], ""
    for ch in paragraph:
        if _width(line + ch) > LINE_EM:
            lines.append(line)
            line = ""
        line += ch
    if line:
        lines.append(line)
    return lines


def _text_object(oid: int, x: float, y: float, text: str) -> str:
    return (f'<ofd:TextObject ID="{oid}" Boundary="{x:.2f} {y:.2f} {SIZE * _width(text):.2f} {SIZE * 1.2:.2f}" '
            f'Font="2" Size="{SIZE}"><ofd:TextCode X="0" Y="{SIZE:.2f}" DeltaX="g {max(len(text) - 1, 0)} {SIZE}">'
            f"{escape(text)}</ofd:TextCode></ofd:TextObject>")


def page_xml(lines: list[str], start_id: int = 100) -> str:
    """One page's Content.xml."""
    objs = []
    oid = start_id
    for i, line in enumerate(lines):
        y = TOP + i * LEADING
        half = len(line) // 2
        left, right = line[:half], line[half:]
        pair = [(LEFT, left), (LEFT + SIZE * _width(left), right)]
        for x, part in reversed(pair):  # right half first: only the position says which comes first
            if part:
                objs.append(_text_object(oid, x, y, part))
                oid += 1
    return (f'<?xml version="1.0" encoding="UTF-8"?><ofd:Page {NS}><ofd:Content><ofd:Layer ID="{start_id - 1}">'
            + "".join(objs) + "</ofd:Layer></ofd:Content></ofd:Page>")


def build(text: str, *, title: str = "", pages_xml: list[str] | None = None, ofd_xml: str | None = None) -> bytes:
    """An .ofd whose pages show `text` (paragraphs on their own lines), or the given raw pages."""
    if pages_xml is None:
        lines = [v for para in text.splitlines() if para.strip() for v in wrap(para.strip())]
        chunks = [lines[i:i + LINES_PER_PAGE] for i in range(0, len(lines), LINES_PER_PAGE)] or [[]]
        pages_xml = [page_xml(c, 100 + 1000 * n) for n, c in enumerate(chunks)]
    ofd = ofd_xml or (f'<?xml version="1.0" encoding="UTF-8"?><ofd:OFD {NS} Version="1.0" DocType="OFD">'
                      f"<ofd:DocBody><ofd:DocInfo><ofd:DocID>0c1d2e3f</ofd:DocID><ofd:Title>{escape(title)}"
                      "</ofd:Title><ofd:CreationDate>2025-03-28</ofd:CreationDate></ofd:DocInfo>"
                      "<ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>")
    document = (f'<?xml version="1.0" encoding="UTF-8"?><ofd:Document {NS}><ofd:CommonData>'
                "<ofd:MaxUnitID>99999</ofd:MaxUnitID><ofd:PageArea><ofd:PhysicalBox>0 0 210 297</ofd:PhysicalBox>"
                "</ofd:PageArea><ofd:PublicRes>PublicRes.xml</ofd:PublicRes></ofd:CommonData><ofd:Pages>"
                + "".join(f'<ofd:Page ID="{n + 1}" BaseLoc="Pages/Page_{n}/Content.xml"/>'
                          for n in range(len(pages_xml)))
                + "</ofd:Pages></ofd:Document>")
    res = (f'<?xml version="1.0" encoding="UTF-8"?><ofd:Res {NS} BaseLoc="Res"><ofd:Fonts>'
           '<ofd:Font ID="2" FontName="仿宋_GB2312" FamilyName="仿宋"/></ofd:Fonts></ofd:Res>')
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("OFD.xml", ofd)
        z.writestr("Doc_0/Document.xml", document)
        z.writestr("Doc_0/PublicRes.xml", res)
        for n, xml in enumerate(pages_xml):
            z.writestr(f"Doc_0/Pages/Page_{n}/Content.xml", xml)
    return out.getvalue()
