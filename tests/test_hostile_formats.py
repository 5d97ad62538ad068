"""Hostile input for the readers of issue 14: one case (or more) per reader.

Every case must end in one `input.*` error (never a traceback, a hang or gigabytes of memory),
and nothing outside the input may be read.
"""

from __future__ import annotations

import io
import time
import zipfile
from pathlib import Path

import ofdbuild
import pytest
import wordbuild as wb

from checker.batch.discover import discover
from checker.errors import InputError
from checker.read import legacy, ocr, read_bytes, read_document

LAUGHS = ('<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
          '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">')


def _error(data: bytes, suffix: str) -> str:
    t = time.perf_counter()
    with pytest.raises(InputError) as exc:
        read_bytes(data, f"x{suffix}", suffix=suffix)
    assert time.perf_counter() - t < 20
    return exc.value.key


def _replace(data: bytes, name: str, content: bytes) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for n in src.namelist():
            z.writestr(n, content if n == name else src.read(n))
    return out.getvalue()


# ---- .docx: every part read is parsed safely, not only document.xml ----------------------------


def test_docx_entities_in_numbering_part() -> None:
    bad = (f'<?xml version="1.0"?><!DOCTYPE w:numbering [<!ENTITY xxe SYSTEM "file:///etc/passwd">{LAUGHS}]>'
           f'<w:numbering xmlns:w="{wb.W}"><w:abstractNum w:abstractNumId="0"><w:lvl w:ilvl="0">'
           '<w:lvlText w:val="&xxe;&d;"/></w:lvl></w:abstractNum></w:numbering>').encode()
    data = _replace(wb.build(wb.para("正文", num=1)), "word/numbering.xml", bad)
    assert _error(data, ".docx") == "input.bad_docx"


def test_docx_nested_ten_thousand_levels_deep() -> None:
    deep = "<w:sdt><w:sdtContent>" * 10_000 + wb.para("深层文字") + "</w:sdtContent></w:sdt>" * 10_000
    assert _error(wb.build(deep), ".docx") == "input.bad_docx"  # libxml2's depth limit, no recursion


def test_docx_member_larger_than_its_header_says() -> None:
    data = bytearray(wb.build(wb.para("正文" * 100)))
    # Shrink the declared size of word/document.xml in the central directory: zipfile stops at
    # the declared size and the CRC check fails, instead of reading on.
    central = bytes(data).find(b"PK\x01\x02")
    entry = bytes(data).find(b"word/document.xml", central) - 46
    assert bytes(data)[entry:entry + 4] == b"PK\x01\x02"
    data[entry + 24:entry + 28] = (50).to_bytes(4, "little")  # uncompressed size
    assert _error(bytes(data), ".docx") == "input.bad_docx"


# ---- .ofd ---------------------------------------------------------------------------------------


def test_ofd_xxe_in_page_content() -> None:
    page = (f'<?xml version="1.0"?><!DOCTYPE ofd:Page [<!ENTITY xxe SYSTEM "file:///etc/passwd">{LAUGHS}]>'
            f'<ofd:Page {ofdbuild.NS}><ofd:Content><ofd:Layer><ofd:TextObject Boundary="0 0 10 10" Size="5">'
            "<ofd:TextCode X=\"0\" Y=\"5\">&xxe;&d;</ofd:TextCode></ofd:TextObject></ofd:Layer></ofd:Content>"
            "</ofd:Page>")
    assert _error(ofdbuild.build("", pages_xml=[page]), ".ofd") == "input.bad_ofd"


def test_ofd_zip_bomb_refused_before_inflating(tmp_path: Path) -> None:
    p = tmp_path / "bomb.ofd"
    with zipfile.ZipFile(p, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("OFD.xml", "<ofd:OFD/>")
        with z.open("Doc_0/Pages/Page_0/Content.xml", "w", force_zip64=True) as fh:
            block = b" " * (1 << 20)
            for _ in range(260):
                fh.write(block)
    assert p.stat().st_size < 2_000_000
    t = time.perf_counter()
    with pytest.raises(InputError) as exc:
        read_document(p)
    assert exc.value.key == "input.zip_bomb" and time.perf_counter() - t < 10


def test_ofd_page_location_cannot_leave_the_package() -> None:
    document = (f'<ofd:Document {ofdbuild.NS}><ofd:Pages><ofd:Page ID="1" BaseLoc="../../../etc/passwd"/>'
                '<ofd:Page ID="2" BaseLoc="/../../etc/hostname"/></ofd:Pages></ofd:Document>')
    data = _replace(ofdbuild.build("正文"), "Doc_0/Document.xml", document.encode())
    assert _error(data, ".ofd") in ("input.no_text", "input.empty")


# ---- .doc / .wps --------------------------------------------------------------------------------


@pytest.mark.skipif(legacy.soffice() is None, reason="LibreOffice is not installed")
def test_doc_with_a_word_signature_and_garbage() -> None:
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(range(256)) * 200
    assert _error(data, ".doc") == "input.bad_doc"


def test_doc_converter_past_its_time_is_killed(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # A stand-in converter that never finishes: the whole process group is killed at the limit.
    fake = tmp_path / "soffice"
    fake.write_text("#!/bin/sh\nsleep 30 &\nsleep 30\n")
    fake.chmod(0o755)
    monkeypatch.setattr(legacy, "soffice", lambda: str(fake))
    monkeypatch.setattr(legacy, "CONVERT_TIMEOUT", 0.5)
    t = time.perf_counter()
    assert _error(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 1000, ".wps") == "input.timeout"
    assert time.perf_counter() - t < 5


# ---- notices: an attachment link cannot point outside the page's folder -------------------------


def test_notice_link_cannot_reach_outside_its_folder(tmp_path: Path) -> None:
    (tmp_path / "secret.pdf").write_bytes(b"%PDF-1.4 not yours")
    inner = tmp_path / "site"
    inner.mkdir()
    (inner / "report.docx").write_bytes(wb.build(wb.para("无关的文件。")))
    page = ('<html><body><div class="content"><p>现将年度报告予以公布。</p>'
            '<p>附件：<a href="..%2F..%2Fsecret.pdf">../secret.pdf</a></p></div></body></html>')
    (inner / "notice.html").write_text(page, encoding="utf-8")
    found = discover([str(inner)])
    assert sorted(Path(f.path).name for f in found) == ["notice.html", "report.docx"]
    assert all(f.page is None for f in found)


def test_notice_with_unparsable_links_is_still_one_error() -> None:
    page = ('<html><body><div class="content"><p>现将年度报告予以公布，请下载附件查看。</p>'
            '<p>附件：<a href="http://[::1/report.pdf">云溪县年度报告.pdf</a></p></div></body></html>')
    with pytest.raises(InputError) as exc:
        read_bytes(page.encode(), "n.html", suffix=".html")
    assert exc.value.key == "input.attachment" and exc.value.args_map["attachment"] == "云溪县年度报告.pdf"


# ---- OCR ----------------------------------------------------------------------------------------


@pytest.mark.skipif(not ocr.available(), reason="OCR extra not installed")
def test_ocr_is_cut_by_the_time_limit(tmp_path: Path) -> None:
    import scanbuild
    from conftest import ROOT

    from checker.api import Checker

    p = tmp_path / "scan.pdf"
    p.write_bytes(scanbuild.scan((ROOT / "tests" / "fixtures" / "yunxi-county-2024.pdf").read_bytes(), pages=2))
    t = time.perf_counter()
    with pytest.raises(InputError) as exc:
        Checker(time_limit=1).check_path(p)
    assert exc.value.key == "input.timeout" and time.perf_counter() - t < 30
