"""PDFs as published (with a text layer), via PDFium.

Text extracted from a PDF is broken into visual lines; lines are joined back into paragraphs
(a line continues unless it ends a sentence or the next one starts a numbered heading), and
page numbers are dropped. A PDF with no text layer (a scan) is read by OCR when the optional
extra is installed (checker/read/ocr.py; the document's format is then `pdf-ocr`), and gets a
clear "needs OCR" error naming the install command otherwise; an encrypted or damaged PDF gets
its own error.
"""

from __future__ import annotations

import re

from checker.errors import InputError
from checker.model import Document
from checker.read import ocr
from checker.read.clean import Fields, clean_text, is_title

MAX_PAGES = 500
_PAGE_NUMBER = re.compile(r"^\s*[-—–]?\s*(第\s*)?\d{1,4}\s*(页)?\s*[-—–]?\s*(/\s*\d+)?\s*$")
_HEADING_START = re.compile(
    r"^\s*([一二三四五六七八九十]{1,3}[、.．]|[（(][一二三四五六七八九十\d]{1,3}[）)]|\d{1,2}[.．、](?!\d)"
    r"|[一二三四五六七八九十]{1,2}是|第[一二三四五六七八九十]部分)"
)
_ENDS = ("。", "！", "？", "；", "：", ":", "!", "?", ";")


def _width(line: str) -> float:
    """Printed width in em: Chinese and full-width characters 1, others (digits, Latin) 0.5."""
    return sum(1.0 if ord(ch) > 0x2E80 else 0.5 for ch in line)


def unwrap(lines: list[str]) -> str:
    """Join visual lines into paragraphs.

    A line continues into the next when it is full (about as long as the page's text lines),
    does not end a sentence, and the next line does not start a numbered heading. Titles,
    headings and the last line of a paragraph are shorter than full, so they stay lines.
    """
    stripped = [ln.strip() for ln in lines]
    lengths = sorted(_width(ln) for ln in stripped if len(ln) > 8)
    full = lengths[int(len(lengths) * 0.9)] if lengths else 0
    out: list[str] = []
    prev_full = False
    for line in stripped:
        if not line:
            if out and out[-1] != "":
                out.append("")
            prev_full = False
            continue
        if _PAGE_NUMBER.match(line):
            continue
        if out and out[-1] and prev_full and not out[-1].endswith(_ENDS) and not _HEADING_START.match(line):
            out[-1] += line
        else:
            out.append(line)
        prev_full = full > 0 and _width(line) >= full - 3
    return "\n".join(join_title(out))


TITLE_LINE_MAX = 40  # characters of one line of a typeset title; body lines are longer or end a sentence
_MASTHEAD = re.compile(r"文件$|〔\d{4}〕\s*\d+\s*号|\[\d{4}\]\s*\d+\s*号")
_TITLE_CHARS = re.compile(r"^[\u4e00-\u9fff0-9０-９（）()〔〕《》“”、·—－-]+$")
# How the first line of a title split before its last line ends: the body's name, or 关于…年.
_TITLE_HEAD = re.compile(r"(局|委员会|委|政府|办公室|办公厅|办事处|街道|镇|乡|县|市|区|州|盟|旗|厅|院|中心|署|部"
                         r"|年|年度)$|关于")


def join_title(lines: list[str]) -> list[str]:
    """Join a title typeset over two or three lines (江州市市场监督管理局 / 2023年法治政府建设情况报告).

    Only at the top of the document, before the first line that ends a sentence or the
    addressee (…：), among short lines of title characters (no field labels with dates, no
    table pipes, no masthead 云溪县人民政府文件 or document number 云政〔2025〕9号). A line that is a
    title by itself takes up to two lines before it that read as a title's head (a body's name,
    关于…年); otherwise two or three consecutive lines that only together make a title are joined.
    """
    top: list[int] = []
    for i, line in enumerate(lines[:12]):
        if not line:
            continue
        if len(line) > TITLE_LINE_MAX or line.endswith(_ENDS):
            break
        if _TITLE_CHARS.match(line) and not _MASTHEAD.search(line):
            top.append(i)
    first = next((n for n, i in enumerate(top) if is_title(lines[i])), None)
    if first is not None:
        start = first
        while (start > 0 and first - start < 2 and top[start - 1] == top[start] - 1
               and _TITLE_HEAD.search(lines[top[start - 1]])
               and is_title("".join(lines[j] for j in top[start - 1:first + 1]))):
            start -= 1
        window = top[start:first + 1]
    else:
        window = []
        for n in range(len(top)):
            for k in (2, 3):
                cand = top[n:n + k]
                if len(cand) == k and cand[-1] - cand[0] == k - 1 and is_title("".join(lines[j] for j in cand)):
                    window = cand
                    break
            if window:
                break
    if len(window) < 2:
        return lines
    return [*lines[:window[0]], "".join(lines[j] for j in window), *lines[window[-1] + 1:]]


def read(data: bytes, source: str) -> Document:
    """Read a text-layer PDF."""
    import pypdfium2 as pdfium  # imported here: only PDFs need it

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise InputError("input.pdf_encrypted", path=source) from exc
        raise InputError("input.bad_pdf", path=source) from exc
    try:
        if len(pdf) > MAX_PAGES:
            raise InputError("input.too_many_pages", path=source, pages=len(pdf), limit=MAX_PAGES)
        lines: list[str] = []
        for page in pdf:
            textpage = page.get_textpage()
            lines += textpage.get_text_range().replace("\r\n", "\n").replace("\r", "\n").split("\n")
            lines.append("")
            textpage.close()
            page.close()
        raw = unwrap(lines)
        fmt = "pdf"
        if _cjk_count(raw) < 20:  # no text layer: a scan, read by OCR when the extra is installed
            raw, fmt = unwrap(ocr.read_pages(pdf, source)), "pdf-ocr"
            if _cjk_count(raw) < 20:
                raise InputError("input.no_chinese", path=source)
    finally:
        pdf.close()
    fields = Fields()
    text = clean_text(raw, fields)
    return Document(source=source, text=text, format=fmt, encoding="pdf", fields=fields.values,
                    field_sources=fields.sources)


def _cjk_count(text: str) -> int:
    return sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff")
