"""Text of scanned PDFs by OCR, an optional extra: `pip install "fzzf-checker[ocr]"`.

Many bodies publish the signed and sealed report as a scan. When a PDF has no text layer, its
pages are rendered (PDFium, 200 dpi) and read by RapidOCR (PaddleOCR's Chinese PP-OCR models run
on ONNX Runtime). The models ship inside the `rapidocr-onnxruntime` wheel, so nothing is
downloaded when a report is read. Red seal ink is whitened before recognition, so a seal over
the signature or the date does not hide the black text under it. Recognised boxes are put in
reading order (lines top to bottom, boxes left to right) and the lines joined into paragraphs
like a PDF's text layer (checker/read/pdf.py `unwrap`).

The extra is optional because the engine and its models are about 170 MB; without it a scan
gets one line naming the command that installs it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from checker.errors import InputError

DPI = 200
INSTALL = 'pip install "fzzf-checker[ocr]"'
_ENGINE: list[Any] = []  # one engine per process: its models load in about a second
# Who hears of each page read (the audit's progress bar): (source, page, pages). OCR runs in a
# child process of the checker, which inherits the hook; the audit's hook writes to a pipe.
_PAGE_HOOKS: list[Callable[[str, int, int], None]] = []


def on_page(hook: Callable[[str, int, int], None] | None) -> None:
    """Call `hook(source, page, pages)` after every page OCR reads in this process (None: nobody)."""
    _PAGE_HOOKS.clear()
    if hook is not None:
        _PAGE_HOOKS.append(hook)


def page_done(source: str, page: int, pages: int) -> None:
    """Tell the hook a page was read; a hook that fails never stops the reading."""
    for hook in _PAGE_HOOKS:
        try:
            hook(source, page, pages)
        except Exception:  # progress is a courtesy: a closed pipe costs nothing but the display
            pass


def available() -> bool:
    """Whether the OCR extra is installed."""
    try:
        import rapidocr_onnxruntime  # noqa: F401
    except ImportError:
        return False
    return True


def _engine() -> Any:
    if not _ENGINE:
        from rapidocr_onnxruntime import RapidOCR

        _ENGINE.append(RapidOCR())
    return _ENGINE[0]


def _without_seal(image: Any) -> Any:
    """Whiten red ink (seals, red-header lines) in a BGR image."""
    b, g, r = (image[..., i].astype("int16") for i in range(3))
    red = (r > 120) & (r - g > 60) & (r - b > 60)
    out = image.copy()
    out[red] = 255
    return out


def lines_of(boxes: list[Any]) -> list[str]:
    """Recognised boxes ([corner points, text, score]) as visual lines in reading order.

    A box joins the current line when its vertical centre lies within half a line height of
    the line's; a slightly rotated scan keeps each line's boxes together this way.
    """
    items = []
    for points, text, _score in boxes:
        ys = [p[1] for p in points]
        xs = [p[0] for p in points]
        top, bottom = min(ys), max(ys)
        items.append(((top + bottom) / 2, min(xs), max(bottom - top, 1.0), text))
    items.sort()
    lines: list[list[tuple[float, float, float, str]]] = []
    for item in items:
        if lines:
            line = lines[-1]
            centre = sum(i[0] for i in line) / len(line)
            height = max(i[2] for i in line)
            if abs(item[0] - centre) <= 0.5 * max(height, item[2]):
                line.append(item)
                continue
        lines.append([item])
    return ["".join(i[3] for i in sorted(line, key=lambda i: i[1])) for line in lines]


def read_pages(pdf: Any, source: str) -> list[str]:
    """OCR every page of an open PDFium document; lines per page, a blank line between pages."""
    if not available():
        raise InputError("input.needs_ocr", path=source, install=INSTALL)
    engine = _engine()
    lines: list[str] = []
    total = len(pdf)
    for n in range(total):
        page = pdf[n]
        try:
            bitmap = page.render(scale=DPI / 72)
            image = _without_seal(bitmap.to_numpy()[..., :3])
        finally:
            page.close()
        try:
            result, _ = engine(image)
        except Exception as exc:
            # RapidOCR wraps whatever interrupts inference (the per-file time limit included).
            cause = exc.__cause__ or exc.__context__
            if isinstance(cause, InputError):
                raise cause from None
            raise InputError("input.ocr_failed", path=source, reason=type(exc).__name__) from exc
        lines += lines_of(result or [])
        lines.append("")
        page_done(source, n + 1, total)
    return lines
