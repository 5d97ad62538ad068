"""Scanned PDFs: OCR when the extra is installed, one line naming the install command when not."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from conftest import ROOT

from checker.errors import InputError
from checker.i18n import t
from checker.read import ocr, read_bytes

FIXTURE = ROOT / "tests" / "fixtures" / "yunxi-county-2024.pdf"
needs_ocr_extra = pytest.mark.skipif(not ocr.available(), reason='OCR extra not installed: pip install ".[ocr]"')


def _blank_pdf() -> bytes:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument.new()
    pdf.new_page(595, 842)
    buf = io.BytesIO()
    pdf.save(buf)
    return buf.getvalue()


def test_without_the_extra_the_error_names_the_install_command(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ocr, "available", lambda: False)
    with pytest.raises(InputError) as exc:
        read_bytes(_blank_pdf(), "scan.pdf", suffix=".pdf")
    assert exc.value.key == "input.needs_ocr"
    for lang in ("zh", "en"):
        line = t(exc.value.key, lang, **exc.value.args_map)
        assert 'pip install "fzzf-checker[ocr]"' in line and "\n" not in line


def test_boxes_are_put_in_reading_order() -> None:
    # Two lines of a page turned by about one degree, each recognised as two boxes, shuffled.
    def box(x0: float, y0: float, x1: float, text: str, tilt: float = 0.017) -> list:
        return [[[x0, y0 + x0 * tilt], [x1, y0 + x1 * tilt], [x1, y0 + 40 + x1 * tilt], [x0, y0 + 40 + x0 * tilt]],
                text, 0.99]

    boxes = [box(800, 160, 1500, "第二行后半"), box(100, 100, 780, "第一行前半"), box(100, 160, 780, "第二行前半"),
             box(800, 100, 1500, "第一行后半")]
    assert ocr.lines_of(boxes) == ["第一行前半第一行后半", "第二行前半第二行后半"]


def test_red_seal_ink_is_whitened() -> None:
    np = pytest.importorskip("numpy")
    img = np.zeros((2, 2, 3), dtype="uint8")  # BGR: black text everywhere ...
    img[0, 0] = (40, 30, 210)  # ... but one red seal pixel
    out = ocr._without_seal(img)
    assert out[0, 0].tolist() == [255, 255, 255] and out[1, 1].tolist() == [0, 0, 0]


@needs_ocr_extra
def test_scan_is_read_by_ocr_and_says_so(checker, tmp_path: Path) -> None:
    import scanbuild

    # The top of the first page (title, addressee, opening) keeps the test to a few seconds.
    data = scanbuild.scan(FIXTURE.read_bytes(), pages=1, keep=0.45)
    doc = read_bytes(data, "scan.pdf", suffix=".pdf")
    assert doc.format == "pdf-ocr"
    assert "云溪县人民政府关于2024年法治政府建设情况的报告" in doc.text
    r = checker.check_document(doc)
    assert r.metadata.agency.value == "云溪县" and r.metadata.year.value == 2024
    from checker.render.context import RenderContext
    from checker.render.text import render

    out = render(RenderContext((r,), (), checker.ruleset, "zh"))
    assert "OCR" in out
