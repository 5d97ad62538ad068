from __future__ import annotations

from pathlib import Path

import pytest

from checker.errors import InputError
from checker.read import read_bytes, read_document

BODY = "云溪县2024年法治政府建设年度报告\n一、主要举措和成效\n全年主动公开政府信息1265条。\n"


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (BODY.encode("utf-8"), "utf-8"),
        (b"\xef\xbb\xbf" + BODY.encode("utf-8"), "utf-8-sig"),
        (BODY.encode("gb18030"), "gb18030"),
        (BODY.encode("gbk"), "gb18030"),
    ],
)
def test_txt_encodings(data: bytes, encoding: str) -> None:
    doc = read_bytes(data, "x.txt", suffix=".txt")
    assert doc.encoding == encoding
    assert "主动公开政府信息1265条" in doc.text
    assert not doc.text.startswith("\ufeff")


def test_txt_scraped_chrome_is_removed_and_fields_kept() -> None:
    raw = (
        "索引号 | 113309/2024-91060 | 生成日期 | 2024-03-25 |\n"
        "发布机构 | 衢山镇 | 文号 | |\n"
        "衢山镇2023年度法治政府建设工作报告 | ||||\n|\n"
        "信息来源:衢山镇 发布日期:2024-03-26 16:36 浏览次数: | ||||\n"
        "现将情况报告如下: 一、强化统筹 全年开展培训3次。 |\n||||\n打印本页 关闭窗口 |"
    )
    doc = read_bytes(raw.encode("utf-8"), "q.txt", suffix=".txt")
    assert "|" not in doc.text
    assert "打印本页" not in doc.text and "浏览次数" not in doc.text
    assert doc.text.startswith("衢山镇2023年度法治政府建设工作报告")
    assert doc.fields["published"] == "2024-03-26"  # 发布日期 wins over 生成日期
    assert doc.field_sources["published"] == "page:发布日期"
    assert doc.fields["publisher"] == "衢山镇"
    assert doc.fields["index_no"] == "113309/2024-91060"


HTML = """<html><head><meta charset="{charset}">
<meta name="ArticleTitle" content="梅岭镇2024年法治政府建设年度报告">
<meta name="PubDate" content="2025-03-15 09:30"><meta name="ContentSource" content="梅岭镇人民政府">
<style>.a{{color:red}}</style><script>var x = "一、脚本";</script></head>
<body><div class="nav"><a>首页</a><a>政务公开</a></div>
<div class="position">当前位置：首页 &gt; 法治政府建设</div>
<div class="article-content"><p>一、主要举措和成效</p><p>全年主动公开政府信息128条。</p>
<p>二、存在的问题</p><p>政务公开专栏更新不及时。</p></div>
<div class="share">分享到：微信 微博</div><div class="related">相关链接：<a>某某</a></div>
<p><a href="javascript:window.print()">【打印本页】</a><a>【关闭窗口】</a></p>
<div class="footer">主办单位：云溪县人民政府 网站标识码 123</div></body></html>"""


@pytest.mark.parametrize("charset", ["utf-8", "gb18030", "gbk"])
def test_html_body_meta_and_chrome(charset: str) -> None:
    enc = "gb18030" if charset == "gbk" else charset
    doc = read_bytes(HTML.format(charset=charset).encode(enc), "m.html", suffix=".html")
    assert doc.fields["title"] == "梅岭镇2024年法治政府建设年度报告"
    assert doc.fields["published"] == "2025-03-15"
    assert doc.field_sources["published"] == "meta:PubDate"
    assert doc.fields["publisher"] == "梅岭镇人民政府"
    for chrome in ("首页", "当前位置", "分享到", "相关链接", "打印本页", "关闭窗口", "主办单位", "脚本", "color"):
        assert chrome not in doc.text, chrome
    assert "全年主动公开政府信息128条。" in doc.text
    assert doc.text.startswith("梅岭镇2024年法治政府建设年度报告")


def test_html_on_page_fields() -> None:
    page = """<html><body><table class="info"><tr><td>索引号：</td><td>0001/2025-01</td>
    <td>发布机构：</td><td>云溪县城东街道办事处</td></tr><tr><td>发布日期：</td><td>2025-04-15</td>
    <td>成文日期：</td><td>2025-04-10</td></tr></table><h1>城东街道2024年法治政府建设年度报告</h1>
    <div id="zoom"><p>一、主要举措和成效</p><p>全年办理行政复议案件3件。</p></div></body></html>"""
    doc = read_bytes(page.encode(), "c.html", suffix=".html")
    assert doc.fields["published"] == "2025-04-15"
    assert doc.fields["written"] == "2025-04-10"
    assert doc.fields["publisher"] == "云溪县城东街道办事处"
    assert "索引号" not in doc.text


@pytest.mark.parametrize(
    ("name", "data", "key"),
    [
        ("empty.txt", b"", "input.empty"),
        ("blank.txt", b"  \n\n ", "input.empty"),
        ("nul.txt", b"abc\x00def" * 10, "input.binary"),
        ("x.doc", b"\xd0\xcf\x11\xe0 old Word", "input.bad_doc"),
        ("x.pdf", b"not a pdf at all", "input.bad_pdf"),
    ],
)
def test_bad_input_raises_input_error(tmp_path: Path, name: str, data: bytes, key: str) -> None:
    p = tmp_path / name
    p.write_bytes(data)
    with pytest.raises(InputError) as exc:
        read_document(p)
    assert exc.value.key == key


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError) as exc:
        read_document(tmp_path / "nope.txt")
    assert exc.value.key == "input.not_found"


def test_corpus_reads_cleanly(corpus: Path) -> None:
    for path in sorted(corpus.glob("*.txt")):
        doc = read_document(path)
        assert "|" not in doc.text, path.name
        assert "打印本页" not in doc.text and "分享文章到" not in doc.text, path.name
        assert "报告" in doc.fields["title"], path.name


def test_inflate_charges_every_byte_and_stops_one_chunk_past_the_budget() -> None:
    import zlib

    from checker.read.archive import CHUNK, Budget, inflate

    data = zlib.compress(b"0" * 5_000_000)
    whole = Budget(10_000_000, "x")
    assert inflate([data], whole) == b"0" * 5_000_000 and whole.used == 5_000_000
    small = Budget(1_000_000, "x")
    with pytest.raises(InputError) as exc:
        inflate([data[i:i + 100] for i in range(0, len(data), 100)], small, keep=False)
    assert exc.value.key == "input.too_large" and small.used <= 1_000_000 + CHUNK


def test_each_file_read_gets_its_own_budget() -> None:
    import threading

    from checker.read.archive import DEFAULT_BUDGET, current_budget, reading, unpack_limit

    assert current_budget("x").limit == DEFAULT_BUDGET == unpack_limit(20 * 1024 * 1024)
    seen: dict[str, int] = {}

    def other_thread() -> None:
        seen["limit"] = current_budget("y").limit

    with reading("x", 1234) as budget:
        assert current_budget("x") is budget
        t = threading.Thread(target=other_thread)
        t.start()
        t.join()
    assert seen["limit"] == DEFAULT_BUDGET and current_budget("x").limit == DEFAULT_BUDGET


def test_open_zip_names_are_case_insensitive_and_damage_has_the_readers_key() -> None:
    import io
    import zipfile

    from checker.read.archive import open_zip

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("Word/Document.xml", "<a/>")
    pkg = open_zip(buf.getvalue(), "x.docx", bad_key="input.bad_docx")
    assert pkg.has("word/document.xml") and pkg.read("/word/document.xml") == b"<a/>"
    with pytest.raises(InputError) as exc:
        pkg.read("word/missing.xml")
    assert exc.value.key == "input.bad_docx"
    with pytest.raises(InputError) as exc:
        open_zip(b"PK\x03\x04 not really", "x.ofd", bad_key="input.bad_ofd")
    assert exc.value.key == "input.bad_ofd"


@pytest.mark.parametrize(("declared", "expected"), [
    ("GB2312", "gb18030"), ("gbk", "gb18030"), ("UTF-8", "utf-8"), ("big5", "big5"), ("utf-16", "utf-8"),
    ("rot13", None), ("hex", None), ("base64", None), ("zlib", None), ("undefined", None), ("unicode_escape", None),
    ("no-such", None),
])
def test_declared_charsets_are_text_encodings_or_nothing(declared: str, expected: str | None) -> None:
    from checker.read.decode import normalise_encoding

    assert normalise_encoding(declared) == expected
