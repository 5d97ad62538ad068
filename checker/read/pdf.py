"""PDFs as published (with a text layer), via PDFium.

Text extracted from a PDF is broken into visual lines; lines are joined back into paragraphs
(a line continues unless it ends a sentence or the next one starts a numbered heading), and
page numbers are dropped. A PDF with no text layer (a scan) is read by OCR when the optional
extra is installed (checker/read/ocr.py; the document's format is then `pdf-ocr`), and gets a
clear "needs OCR" error naming the install command otherwise; an encrypted or damaged PDF gets
its own error.

Bounded work: before PDFium sees the file, every compressed stream in it (except images, which
text extraction never decodes) is inflated once against the file's unpacking budget
(checker/read/archive.py), each stream also within the size limit for files; then pages are
loaded one at a time within limits on pages, objects per page and in total, and characters per
page and in total — a stream shared by hundreds of pages is parsed once per page, so it is the
running totals that stop it. A page PDFium cannot load (a page tree with a loop, a wrong
/Count, thousands of levels) makes the file `input.bad_pdf`.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterator

from checker.errors import InputError
from checker.limits import memory_ceiling_mb, run_isolated
from checker.model import Document
from checker.read import ocr
from checker.read.archive import CHUNK, UNPACK_FACTOR, Budget, current_budget, inflate
from checker.read.clean import Fields, clean_text, is_title

MAX_PAGES = 500
MAX_PAGE_OBJECTS = 100_000  # a dense page of text has a few thousand; a detailed map tens of thousands
MAX_OBJECTS = 1_000_000  # all pages together (a shared content stream is parsed once per page)
MAX_PAGE_CHARS = 100_000  # a page of 5-point type holds about 10,000
MAX_FILTER_LAYERS = 3  # /Filter [/FlateDecode /FlateDecode …] beyond this is not a real file
_STREAM = re.compile(rb"(?<!end)stream(?:\r\n|\n|\r)")
_SPACE = re.compile(rb"\s+")
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


def _chunks(data: bytes, start: int) -> Iterator[bytes]:
    for i in range(start, len(data), CHUNK):
        yield data[i:i + CHUNK]


def prescan(data: bytes, source: str, budget: Budget) -> None:
    """Inflate every Flate stream once, counting its bytes; InputError("input.too_large") past a limit.

    The stream's dictionary is the text between the object's `obj` and its `stream` keyword.
    One stream may not exceed the size limit for files; all of them together the file's budget.
    Images are not charged to the budget (text extraction never decodes them, and a scanned
    page's raw pixels are large), but one may not exceed twice the size limit either: a
    dictionary's /Subtype is only a claim, and PDFium parses a content stream whatever it says.
    Data that is not deflate is left for PDFium to judge.
    """
    per_stream = max(budget.limit // UNPACK_FACTOR, 1)
    for m in _STREAM.finditer(data):
        head = data[max(0, m.start() - 2048):m.start()]
        head = _SPACE.sub(b"", head[head.rfind(b"obj") + 1:])
        layers = min(head.count(b"/FlateDecode"), MAX_FILTER_LAYERS)
        if not layers:
            continue
        image = b"/Subtype/Image" in head
        charged = (Budget(2 * per_stream, source),) if image else (budget, Budget(per_stream, source))
        try:
            out = inflate(_chunks(data, m.end()), *charged, keep=layers > 1)
            for layer in range(2, layers + 1):
                out = inflate(_chunks(out, 0), *charged, keep=layer < layers)
        except zlib.error:
            continue


def _page_lines(pdf: object, source: str, budget: Budget) -> list[str]:
    """Text lines of every page, page by page within the object and character limits."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    lines: list[str] = []
    objects = chars = 0
    max_chars = max(budget.limit // UNPACK_FACTOR, 1)  # as much text as the largest .txt read
    for index in range(len(pdf)):  # type: ignore[arg-type]
        try:
            page = pdf[index]  # type: ignore[index]
        except pdfium.PdfiumError as exc:  # a broken page tree: a loop, a wrong /Count, too deep
            raise InputError("input.bad_pdf", path=source) from exc
        try:
            n = pdfium_c.FPDFPage_CountObjects(page.raw)
            objects += max(n, 0)
            if n > MAX_PAGE_OBJECTS or objects > MAX_OBJECTS:
                raise InputError("input.pdf_too_complex", path=source, page=index + 1)
            textpage = page.get_textpage()
            try:
                count = textpage.count_chars()
                chars += max(count, 0)
                if count > MAX_PAGE_CHARS or chars > max_chars:
                    raise InputError("input.pdf_too_complex", path=source, page=index + 1)
                text = textpage.get_text_range()
            finally:
                textpage.close()
        except pdfium.PdfiumError as exc:
            raise InputError("input.bad_pdf", path=source) from exc
        finally:
            page.close()
        lines += text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        lines.append("")
    return lines


def _extract(data: bytes, source: str, limit: int, scan: bool = False) -> list[str]:
    """Open the PDF and read its pages' lines (in an isolated child process).

    With `scan`, the pages are rendered and read by OCR instead (a PDF without a text layer).
    """
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise InputError("input.pdf_encrypted", path=source) from exc
        raise InputError("input.bad_pdf", path=source) from exc
    try:
        if len(pdf) > MAX_PAGES:
            raise InputError("input.too_many_pages", path=source, pages=len(pdf), limit=MAX_PAGES)
        if scan:
            return ocr.read_pages(pdf, source)
        return _page_lines(pdf, source, Budget(limit, source))
    finally:
        pdf.close()


def read(data: bytes, source: str) -> Document:
    """Read a text-layer PDF.

    PDFium runs in a child process that is killed when it overruns the time limit: parsing a
    page can loop in C (form objects drawing each other: 2^40 draws) where no Python time limit
    reaches, and a crash there must not take the checker with it. The child also runs under the
    memory ceiling of an audit worker, in `fzzf check` too.
    """
    import pypdfium2  # noqa: F401  # loaded here once, so each child inherits it instead of importing it again

    budget = current_budget(source)
    prescan(data, source, budget)
    lines = run_isolated(lambda: _extract(data, source, budget.limit), source, crashed_key="input.bad_pdf",
                         memory_mb=memory_ceiling_mb(budget.limit // UNPACK_FACTOR))
    raw = unwrap(lines)
    fmt = "pdf"
    if _cjk_count(raw) < 20:
        # No text layer: a scan, read by OCR when the extra is installed (input.needs_ocr naming
        # the install command otherwise). The OCR engine reserves more address space than the
        # text reader's ceiling allows, so its child is bounded by time alone.
        if not ocr.available():
            raise InputError("input.needs_ocr", path=source, install=ocr.INSTALL)
        lines = run_isolated(lambda: _extract(data, source, budget.limit, scan=True), source,
                             crashed_key="input.ocr_failed")
        raw, fmt = unwrap(lines), "pdf-ocr"
        if _cjk_count(raw) < 20:
            raise InputError("input.no_chinese", path=source)
    fields = Fields()
    text = clean_text(raw, fields)
    return Document(source=source, text=text, format=fmt, encoding="pdf", fields=fields.values,
                    field_sources=fields.sources)


def _cjk_count(text: str) -> int:
    return sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff")
