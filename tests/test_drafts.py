"""Drafts as drafting offices write them: .docx, .pdf (text layer), .md."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest
import yaml
from conftest import ROOT, SAMPLES

from checker.errors import InputError
from checker.model import Status
from checker.read import docx as docx_reader
from checker.read import read_bytes, read_document

FIXTURES = ROOT / "tests" / "fixtures"


def _expected(file: str) -> dict:
    text = (SAMPLES / "README.md").read_text(encoding="utf-8")
    blocks = [yaml.safe_load(b) for b in re.findall(r"```yaml\n(.*?)```", text, re.S)]
    return next(b for b in blocks if b and b.get("file") == file)


def _statuses(result) -> dict[str, list[int]]:
    return {s.value: sorted(i.id for i in result.items if i.status is s) for s in Status}


def test_pdf_reads_like_the_txt_it_was_printed_from(checker) -> None:
    exp = _expected("yunxi-county-2024.txt")
    r = checker.check_path(FIXTURES / "yunxi-county-2024.pdf")
    assert r.document.format == "pdf"
    assert (r.metadata.agency.value, r.metadata.level.value, r.metadata.year.value) == ("云溪县", "county", 2024)
    got = _statuses(r)
    for key in ("met", "partial", "planned", "missing", "not_applicable"):
        assert got[key] == sorted(exp[key]), key
    assert all(p.present for p in r.parts if p.id in ("measures", "shortcomings", "first_responsible", "next_year"))


def test_scanned_pdf_needs_ocr(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import pypdfium2 as pdfium

    from checker.read import ocr

    monkeypatch.setattr(ocr, "available", lambda: False)  # as without the OCR extra

    pdf = pdfium.PdfDocument.new()
    pdf.new_page(595, 842)
    buf = io.BytesIO()
    pdf.save(buf)
    p = tmp_path / "scan.pdf"
    p.write_bytes(buf.getvalue())
    with pytest.raises(InputError) as exc:
        read_document(p)
    assert exc.value.key == "input.needs_ocr"


@pytest.mark.parametrize(
    ("data", "key"),
    [
        ((FIXTURES / "encrypted.pdf").read_bytes(), "input.pdf_encrypted"),
        ((FIXTURES / "yunxi-county-2024.pdf").read_bytes()[:3000], "input.bad_pdf"),
        (b"%PDF-1.7\n garbage garbage", "input.bad_pdf"),
    ],
)
def test_bad_pdfs(data: bytes, key: str) -> None:
    with pytest.raises(InputError) as exc:
        read_bytes(data, "x.pdf", suffix=".pdf")
    assert exc.value.key == key


def _docx() -> bytes:
    from docx import Document

    d = Document()
    d.core_properties.title = "云溪县人民政府关于2024年法治政府建设情况的报告"
    d.add_heading("云溪县人民政府关于2024年法治政府建设情况的报告", 0)
    d.add_heading("一、2024年推进法治政府建设的主要举措和成效", 1)
    d.add_paragraph("全年主动公开政府信息1265条，办理依申请公开43件。")
    table = d.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "指标"
    table.cell(0, 1).text = "数值"
    table.cell(1, 0).text = "行政执法人员持证率"
    table.cell(1, 1).text = "98%"
    d.add_heading("二、存在的不足和原因", 1)
    d.add_paragraph("基层执法力量不足，主要原因是编制紧张。")
    d.add_heading("三、党政主要负责人履行推进法治建设第一责任人职责情况", 1)
    d.add_paragraph("县长主持召开县政府常务会议研究法治工作4次。")
    d.add_heading("四、2025年推进法治政府建设的主要安排", 1)
    d.add_paragraph("下一步将推进行政复议规范化建设。")
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def test_docx_paragraphs_headings_tables(checker) -> None:
    doc = read_bytes(_docx(), "draft.docx", suffix=".docx")
    assert doc.format == "docx"
    assert doc.fields["title"] == "云溪县人民政府关于2024年法治政府建设情况的报告"
    assert "行政执法人员持证率 98%" in doc.text and "|" not in doc.text
    r = checker.check_document(doc)
    assert all(p.present for p in r.parts if p.id in ("measures", "shortcomings", "first_responsible", "next_year"))
    status = {i.id: i.status for i in r.items}
    assert status[27] is Status.MET and status[22] is Status.PLANNED and status[15] is Status.MET
    assert r.metadata.agency.value == "云溪县"


def test_docx_not_a_zip_and_zip_without_document() -> None:
    with pytest.raises(InputError) as exc:
        read_bytes(b"PK\x03\x04 broken", "x.docx", suffix=".docx")
    assert exc.value.key == "input.bad_docx"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("hello.txt", "hi")
    with pytest.raises(InputError) as exc:
        read_bytes(buf.getvalue(), "x.docx", suffix=".docx")
    assert exc.value.key == "input.bad_docx"


def test_docx_zip_bomb_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(docx_reader, "MAX_UNPACKED", 1_000_000)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("word/document.xml", "<a>" + "0" * 2_000_000 + "</a>")
    assert len(buf.getvalue()) < 100_000
    with pytest.raises(InputError) as exc:
        read_bytes(buf.getvalue(), "bomb.docx", suffix=".docx")
    assert exc.value.key == "input.zip_bomb"


def test_markdown_draft(checker) -> None:
    md = ("# 云溪县人民政府关于2024年法治政府建设情况的报告\n\n## 一、主要举措和成效\n\n"
          "- 全年**主动公开**政府信息1265条。\n\n## 二、存在的不足和原因\n\n执法力量不足，主要原因是编制紧张。\n\n"
          "## 三、党政主要负责人履行推进法治建设第一责任人职责情况\n\n县长主持召开常务会议研究法治工作3次。\n\n"
          "## 四、2025年工作安排\n\n下一步将推进行政复议规范化建设。\n")
    doc = read_bytes(md.encode(), "draft.md", suffix=".md")
    assert "#" not in doc.text and "**" not in doc.text
    r = checker.check_document(doc)
    assert all(p.present for p in r.parts if p.id in ("measures", "shortcomings", "first_responsible", "next_year"))
    assert {i.id: i.status for i in r.items}[27] is Status.MET
