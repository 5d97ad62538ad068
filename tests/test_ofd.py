"""OFD (GB/T 33190) documents: text in reading order, joined into paragraphs, read safely."""

from __future__ import annotations

import io
import zipfile

import ofdbuild
import pytest
from conftest import SAMPLES

from checker.errors import InputError
from checker.read import ofd as ofd_reader
from checker.read import read_bytes

TITLE = "云溪县人民政府关于2024年法治政府建设情况的报告"


def _body() -> str:
    text = (SAMPLES / "yunxi-county-2024.txt").read_text(encoding="utf-8")
    return TITLE + "\n" + text[text.index("江州市人民政府："):]


def test_lines_follow_the_reading_position_not_the_xml_order() -> None:
    text = "一、主要举措和成效\n" + "全年办理行政复议案件186件，直接纠错率8.7%，行政复议案件调解和解率达31.6%。" * 2
    lines, title = ofd_reader.read_lines(ofdbuild.build(text, title=TITLE), "t.ofd")
    assert title == TITLE
    assert lines[0] == "一、主要举措和成效"
    assert "".join(lines[1:]) == text.split("\n")[1]
    doc = read_bytes(ofdbuild.build(text, title=TITLE), "t.ofd", suffix=".ofd")
    assert doc.format == "ofd" and doc.fields["title"] == TITLE
    assert doc.text.splitlines()[1] == text.split("\n")[1]  # visual lines joined back into the paragraph


def test_pages_in_order_and_page_blocks_read_templates_not() -> None:
    block = ('<ofd:PageBlock ID="5"><ofd:TextObject ID="6" Boundary="20 50 100 8" Size="5">'
             '<ofd:TextCode X="0" Y="5">第二页的正文。</ofd:TextCode></ofd:TextObject></ofd:PageBlock>')
    page2 = (f'<ofd:Page {ofdbuild.NS}><ofd:Template TemplateID="1"/><ofd:Content><ofd:Layer ID="4">{block}'
             "</ofd:Layer></ofd:Content></ofd:Page>")
    data = ofdbuild.build("", pages_xml=[ofdbuild.page_xml(["第一页的正文。"]), page2])
    lines, _ = ofd_reader.read_lines(data, "t.ofd")
    assert [ln for ln in lines if ln] == ["第一页的正文。", "第二页的正文。"]


def test_report_as_ofd_reads_like_its_text(checker) -> None:
    body = _body()
    from_ofd = checker.check_document(read_bytes(ofdbuild.build(body, title=TITLE), "y.ofd", suffix=".ofd"))
    from_text = checker.check_document(read_bytes(body.encode(), "y.txt", suffix=".txt"))
    assert {i.id: i.status for i in from_ofd.items} == {i.id: i.status for i in from_text.items}
    assert [p.id for p in from_ofd.parts] == [p.id for p in from_text.parts]
    assert from_ofd.metadata.agency.value == "云溪县" and from_ofd.metadata.year.value == 2024


def _zip(files: dict[str, bytes | str]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name, data in files.items():
            z.writestr(name, data)
    return out.getvalue()


@pytest.mark.parametrize(
    ("data", "key"),
    [
        (b"PK\x03\x04 not really a zip", "input.bad_ofd"),
        (_zip({"hello.txt": "hi"}), "input.bad_ofd"),
        (ofdbuild.build("正文", ofd_xml=f"<ofd:OFD {ofdbuild.NS}><ofd:DocBody/></ofd:OFD>"), "input.bad_ofd"),
        (ofdbuild.build("正文", ofd_xml="<ofd:OFD><unclosed>"), "input.bad_ofd"),
    ],
    ids=["not a zip", "no OFD.xml", "no document root", "damaged XML"],
)
def test_damaged_ofd_is_one_error(data: bytes, key: str) -> None:
    with pytest.raises(InputError) as exc:
        read_bytes(data, "x.ofd", suffix=".ofd")
    assert exc.value.key == key


def test_page_and_size_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    data = ofdbuild.build("一行文字。\n" * 200)
    monkeypatch.setattr(ofd_reader, "MAX_PAGES", 3)
    with pytest.raises(InputError) as exc:
        read_bytes(data, "x.ofd", suffix=".ofd")
    assert exc.value.key == "input.too_many_pages"
    monkeypatch.setattr(ofd_reader, "MAX_PAGES", 500)
    monkeypatch.setattr(ofd_reader, "MAX_UNPACKED", 20_000)
    with pytest.raises(InputError) as exc:
        read_bytes(data, "x.ofd", suffix=".ofd")
    assert exc.value.key == "input.zip_bomb"


@pytest.mark.parametrize(
    ("lines", "joined"),
    [
        (["江州市市场监督管理局", "2023年法治政府建设情况报告", "", "江州市人民政府："],
         ["江州市市场监督管理局2023年法治政府建设情况报告", "", "江州市人民政府："]),
        (["云溪县人民政府文件", "云政〔2025〕9号", "云溪县人民政府关于2024年", "法治政府建设情况的报告",
          "江州市人民政府："],
         ["云溪县人民政府文件", "云政〔2025〕9号", "云溪县人民政府关于2024年法治政府建设情况的报告",
          "江州市人民政府："]),
        (["江州市市场监督管理局", "关于2023年法治政府建设", "情况的报告"],
         ["江州市市场监督管理局关于2023年法治政府建设情况的报告"]),
        (["云溪县人民政府关于2024年法治政府建设情况的报告", "江州市人民政府："],
         ["云溪县人民政府关于2024年法治政府建设情况的报告", "江州市人民政府："]),
        (["江州市人民政府：", "现将法治建设情况", "报告如下"], ["江州市人民政府：", "现将法治建设情况", "报告如下"]),
    ],
    ids=["two lines", "masthead and number kept apart", "three lines", "one line", "after the addressee"],
)
def test_title_typeset_over_several_lines_is_one_line(lines: list[str], joined: list[str]) -> None:
    from checker.read.pdf import join_title

    assert join_title(lines) == joined


def test_two_line_title_keeps_the_agency(checker) -> None:
    body = _body().replace(TITLE, "云溪县人民政府关于2024年\n法治政府建设情况的报告", 1)
    r = checker.check_document(read_bytes(ofdbuild.build(body), "y.ofd", suffix=".ofd"))
    assert r.metadata.agency.value == "云溪县" and r.metadata.year.value == 2024
