"""Legacy Word (.doc) and WPS (.wps) files, converted by LibreOffice (or antiword) on the machine."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import wordbuild as wb
from conftest import SAMPLES
from test_docx_word import NUMBERING

from checker.errors import InputError
from checker.i18n import t
from checker.read import legacy, read_bytes, read_document

needs_office = pytest.mark.skipif(legacy.soffice() is None,
                                  reason="LibreOffice is not installed (apt-get install libreoffice-writer-nogui)")
TITLE = "云溪县人民政府关于2024年法治政府建设情况的报告"


def _report_body() -> str:
    text = (SAMPLES / "yunxi-county-2024.txt").read_text(encoding="utf-8")
    return TITLE + "\n" + text[text.index("江州市人民政府："):]


def _report_docx() -> bytes:
    import re

    paras = []
    for line in _report_body().splitlines():
        m = re.match(r"^([一二三四五六七八九十]{1,3})、(.+)$", line)
        paras.append(wb.para(m.group(2), num=1) if m else wb.para(line))
    paras.append(wb.table([["指标", "数值"], ["行政复议申请", "186件"]]) + wb.para("（表格完）"))
    return wb.build("".join(paras), numbering_xml=NUMBERING)


@pytest.fixture(scope="module")
def doc_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A .doc made by LibreOffice from a .docx with automatic numbering and a table."""
    exe = legacy.soffice()
    if exe is None:
        pytest.skip("LibreOffice is not installed (apt-get install libreoffice-writer-nogui)")
    d = tmp_path_factory.mktemp("doc")
    (d / "report.docx").write_bytes(_report_docx())
    subprocess.run([exe, f"-env:UserInstallation={(d / 'profile').as_uri()}", "--headless", "--convert-to", "doc",
                    "--outdir", str(d), str(d / "report.docx")], check=True, capture_output=True, timeout=120)
    return d / "report.doc"


@needs_office
def test_doc_reads_like_its_text(doc_file: Path, checker) -> None:
    doc = read_document(doc_file)
    assert doc.format == "doc"
    assert "一、2024年推进法治政府建设的主要举措和成效" in doc.text  # Word's numbering survives the conversion
    assert "行政复议申请 186件" in doc.text
    from_doc = checker.check_document(doc)
    from_text = checker.check_document(read_bytes(_report_body().encode(), "r.txt", suffix=".txt"))
    assert {i.id: i.status for i in from_doc.items} == {i.id: i.status for i in from_text.items}


@needs_office
def test_wps_is_read_like_doc(doc_file: Path, tmp_path: Path) -> None:
    # Kingsoft WPS Writer saves .wps in the Word binary format; LibreOffice reads it as such.
    wps = tmp_path / "report.wps"
    shutil.copy(doc_file, wps)
    doc = read_document(wps)
    assert doc.format == "wps" and "二、存在的不足和原因" in doc.text


def test_without_libreoffice_antiword_reads_doc(doc_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    if legacy.antiword() is None:
        pytest.skip("antiword is not installed (apt-get install antiword)")
    monkeypatch.setattr(legacy, "soffice", lambda: None)
    doc = read_document(doc_file)
    assert "存在的不足和原因" in doc.text and "行政复议申请" in doc.text


def test_no_converter_is_one_line_naming_the_install(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(legacy, "soffice", lambda: None)
    monkeypatch.setattr(legacy, "antiword", lambda: None)
    p = tmp_path / "old.wps"
    p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    with pytest.raises(InputError) as exc:
        read_document(p)
    assert exc.value.key == "input.needs_converter"
    line = t(exc.value.key, "zh", **exc.value.args_map)
    assert "apt-get install libreoffice-writer-nogui" in line and "\n" not in line


def test_not_a_word_binary_file(tmp_path: Path) -> None:
    p = tmp_path / "fake.doc"
    p.write_bytes("这不是 Word 文件，只是改了扩展名的文本。".encode() * 20)
    with pytest.raises(InputError) as exc:
        read_document(p)
    assert exc.value.key == "input.bad_doc"


@needs_office
def test_conversion_over_time_is_stopped(doc_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(legacy, "CONVERT_TIMEOUT", 0.05)
    with pytest.raises(InputError) as exc:
        read_document(doc_file)
    assert exc.value.key == "input.timeout"
