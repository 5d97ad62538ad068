"""Build .docx files for tests: a python-docx package with hand-written WordprocessingML.

python-docx cannot write list definitions, tracked changes, comments anchored in the text or
text boxes, so the body, numbering.xml and comments.xml are written as raw XML here and put
into a package python-docx made (styles, relationships and content types stay valid, so Word
and LibreOffice open the result).
"""

from __future__ import annotations

import io
import zipfile
from xml.sax.saxutils import escape

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = (f'xmlns:w="{W}" '
      'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
      'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
      'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
      'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
      'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
      'xmlns:v="urn:schemas-microsoft-com:vml" '
      'mc:Ignorable="wps"')
_CHANGE = 'w:author="审核人" w:date="2025-01-10T09:00:00Z"'


def run(text: str) -> str:
    """One run of plain text."""
    return f'<w:r><w:t xml:space="preserve">{escape(text)}</w:t></w:r>'


def ins(text: str, cid: int = 1) -> str:
    """A tracked insertion."""
    return f"<w:ins w:id=\"{cid}\" {_CHANGE}>{run(text)}</w:ins>"


def dele(text: str, cid: int = 2) -> str:
    """A tracked deletion (w:delText inside w:del)."""
    return (f'<w:del w:id="{cid}" {_CHANGE}><w:r><w:delText xml:space="preserve">{escape(text)}</w:delText>'
            "</w:r></w:del>")


def para(*content: str, num: int | None = None, ilvl: int = 0, style: str | None = None,
         mark_deleted: bool = False) -> str:
    """A paragraph; `content` items are plain strings (made runs) or raw XML (starting with '<')."""
    ppr = ""
    if style:
        ppr += f'<w:pStyle w:val="{style}"/>'
    if num is not None:
        ppr += f'<w:numPr><w:ilvl w:val="{ilvl}"/><w:numId w:val="{num}"/></w:numPr>'
    if mark_deleted:
        ppr += f'<w:rPr><w:del w:id="9" {_CHANGE}/></w:rPr>'
    body = "".join(c if c.startswith("<") else run(c) for c in content)
    return f"<w:p>{f'<w:pPr>{ppr}</w:pPr>' if ppr else ''}{body}</w:p>"


def table(rows: list[list[str]]) -> str:
    """A table, one paragraph per cell."""
    trs = "".join("<w:tr>" + "".join(f"<w:tc><w:tcPr><w:tcW w:w=\"2000\" w:type=\"dxa\"/></w:tcPr>{para(c)}</w:tc>"
                                     for c in row) + "</w:tr>" for row in rows)
    return ('<w:tbl><w:tblPr><w:tblW w:w="0" w:type="auto"/></w:tblPr><w:tblGrid>'
            + '<w:gridCol w:w="2000"/>' * max(len(r) for r in rows) + f"</w:tblGrid>{trs}</w:tbl>")


def text_box(*paragraphs: str) -> str:
    """A floating text box as Word writes it: a DrawingML shape with a VML fallback copy."""
    inner = "".join(paragraphs)
    return ('<w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wp:anchor distT="0" distB="0" '
            'distL="0" distR="0" simplePos="0" relativeHeight="1" behindDoc="0" locked="0" layoutInCell="1" '
            'allowOverlap="1"><wp:simplePos x="0" y="0"/><wp:positionH relativeFrom="column"><wp:posOffset>0'
            '</wp:posOffset></wp:positionH><wp:positionV relativeFrom="paragraph"><wp:posOffset>0</wp:posOffset>'
            '</wp:positionV><wp:extent cx="2000000" cy="600000"/><wp:wrapSquare wrapText="bothSides"/>'
            '<wp:docPr id="1" name="文本框 1"/><a:graphic><a:graphicData '
            'uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"><wps:wsp><wps:spPr>'
            '<a:xfrm><a:off x="0" y="0"/><a:ext cx="2000000" cy="600000"/></a:xfrm><a:prstGeom prst="rect">'
            f'<a:avLst/></a:prstGeom></wps:spPr><wps:txbx><w:txbxContent>{inner}</w:txbxContent></wps:txbx>'
            '<wps:bodyPr/></wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing></mc:Choice>'
            '<mc:Fallback><w:pict><v:shape style="width:157pt;height:47pt"><v:textbox><w:txbxContent>'
            f'{inner}</w:txbxContent></v:textbox></v:shape></w:pict></mc:Fallback></mc:AlternateContent></w:r>')


def level(ilvl: int, fmt: str, text: str, start: int = 1, extra: str = "") -> str:
    """One w:lvl of a list definition."""
    return (f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="{start}"/><w:numFmt w:val="{fmt}"/>'
            f'<w:lvlText w:val="{text}"/>{extra}<w:lvlJc w:val="left"/></w:lvl>')


# The numbering Chinese official documents use: 一、 （一） 1. （1）
GONGWEN_LEVELS = (level(0, "chineseCounting", "%1、") + level(1, "chineseCounting", "（%2）")
                  + level(2, "decimal", "%3.") + level(3, "decimal", "（%4）"))


def numbering(abstracts: dict[int, str], nums: dict[int, tuple[int, str]]) -> str:
    """numbering.xml: abstract lists by id (their w:lvl XML) and instances numId -> (abstractId, overrides)."""
    out = [f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:numbering {NS}>']
    for aid, levels in abstracts.items():
        out.append(f'<w:abstractNum w:abstractNumId="{aid}"><w:multiLevelType w:val="multilevel"/>{levels}'
                   "</w:abstractNum>")
    for nid, (aid, overrides) in nums.items():
        out.append(f'<w:num w:numId="{nid}"><w:abstractNumId w:val="{aid}"/>{overrides}</w:num>')
    out.append("</w:numbering>")
    return "".join(out)


def restart(ilvl: int, start: int = 1) -> str:
    """A w:lvlOverride restarting one level of a list instance."""
    return f'<w:lvlOverride w:ilvl="{ilvl}"><w:startOverride w:val="{start}"/></w:lvlOverride>'


def comment_anchor(text: str, cid: int = 0) -> str:
    """Commented text with its reference mark, as Word anchors a comment."""
    return (f'<w:commentRangeStart w:id="{cid}"/>{run(text)}<w:commentRangeEnd w:id="{cid}"/>'
            f'<w:r><w:commentReference w:id="{cid}"/></w:r>')


def build(body: str, *, numbering_xml: str | None = None, comments: dict[int, str] | None = None,
          header: str | None = None, footer: str | None = None, title: str | None = None,
          styles_patch: tuple[str, str] | None = None) -> bytes:
    """A complete .docx whose body is `body` (raw paragraphs and tables)."""
    from docx import Document

    d = Document()
    if header:
        d.sections[0].header.paragraphs[0].text = header
    if footer:
        d.sections[0].footer.paragraphs[0].text = footer
    if title:
        d.core_properties.title = title
    buf = io.BytesIO()
    d.save(buf)
    base = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    sect = ""
    doc_xml = base.read("word/document.xml").decode()
    if "<w:sectPr" in doc_xml:  # keep the section (it links the header and footer)
        sect = doc_xml[doc_xml.index("<w:sectPr"):doc_xml.index("</w:body>")]
    document = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document {NS}><w:body>{body}{sect}'
                "</w:body></w:document>")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for name in base.namelist():
            data = base.read(name)
            if name == "word/document.xml":
                data = document.encode()
            elif name == "word/numbering.xml" and numbering_xml is not None:
                data = numbering_xml.encode()
            elif name == "word/styles.xml" and styles_patch is not None:
                data = data.decode().replace(*styles_patch, 1).encode()
            elif name == "[Content_Types].xml" and comments:
                data = data.replace(b"</Types>", b'<Override PartName="/word/comments.xml" ContentType="'
                                    b'application/vnd.openxmlformats-officedocument.wordprocessingml.comments+xml"/>'
                                    b"</Types>")
            elif name == "word/_rels/document.xml.rels" and comments:
                data = data.replace(b"</Relationships>", b'<Relationship Id="rId99" Type="http://schemas.'
                                    b'openxmlformats.org/officeDocument/2006/relationships/comments" '
                                    b'Target="comments.xml"/></Relationships>')
            z.writestr(name, data)
        if comments:
            z.writestr("word/comments.xml", f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                       f"<w:comments {NS}>" + "".join(
                           f'<w:comment w:id="{cid}" {_CHANGE} w:initials="审"><w:p>{run(text)}</w:p></w:comment>'
                           for cid, text in comments.items()) + "</w:comments>")
    return out.getvalue()
