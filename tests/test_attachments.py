"""Portal notices whose report is an attachment, and WeChat article pages."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import ofdbuild
import pytest
import wordbuild as wb
from conftest import SAMPLES

from checker.batch.discover import discover
from checker.errors import InputError
from checker.read import read_bytes, read_document

YUNXI = "云溪县2024年法治政府建设年度报告"
JIANGZHOU = "江州市市场监督管理局2024年法治政府建设情况报告"


def notice(link: str, label: str) -> bytes:
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>通知公告</title></head><body>
<div class="nav">首页 &gt; 政务公开 &gt; 通知公告</div>
<div class="article"><h1>关于公布{label}的通知</h1><p>发布日期：2025-03-28 信息来源：县司法局</p>
<p>根据《法治政府建设与责任落实督察工作规定》要求，现将本单位2024年度法治政府建设情况报告予以公布，
欢迎社会各界监督。</p>
<p>附件：<a href="{link}">{label}</a></p></div>
<div class="footer">主办单位：云溪县人民政府办公室 版权所有</div></body></html>""".encode()


def _report_docx() -> bytes:
    text = (SAMPLES / "yunxi-county-2024.txt").read_text(encoding="utf-8")
    body = "云溪县人民政府关于2024年法治政府建设情况的报告\n" + text[text.index("江州市人民政府："):]
    return wb.build("".join(wb.para(line) for line in body.splitlines() if line.strip()))


def test_notice_page_is_an_attachment_error(tmp_path: Path) -> None:
    p = tmp_path / "notice.html"
    p.write_bytes(notice("/u/cms/" + quote(YUNXI + ".pdf"), YUNXI + ".pdf"))
    with pytest.raises(InputError) as exc:
        read_document(p)
    assert exc.value.key == "input.attachment"
    assert exc.value.args_map["attachment"] == YUNXI + ".pdf"


def test_report_page_that_also_links_its_pdf_is_read_as_the_report() -> None:
    text = (SAMPLES / "yunxi-county-2024.txt").read_text(encoding="utf-8")
    body = "".join(f"<p>{line}</p>" for line in text.splitlines())
    page = f'<html><body><div class="content">{body}<p>附件：<a href="r.pdf">报告.pdf</a></p></div></body></html>'
    doc = read_bytes(page.encode(), "r.html", suffix=".html")
    assert "法治政府" in doc.text and len(doc.text) > 5000


def test_wechat_page_reads_only_the_article() -> None:
    article = "".join(f"<section><span>{line}</span></section>" for line in
                      (SAMPLES / "yunxi-county-2024.txt").read_text(encoding="utf-8").splitlines()[6:])
    page = f"""<html><head><meta charset="utf-8"><meta property="og:title" content="法治云溪"></head><body>
<div id="js_article" class="rich_media"><div class="rich_media_inner">
<h1 class="rich_media_title" id="activity-name">云溪县人民政府关于2024年法治政府建设情况的报告</h1>
<div id="meta_content"><span id="js_name">法治云溪公众号</span><em id="publish_time">2025-03-28 18:30</em></div>
<div class="rich_media_content js_underline_content" id="js_content">{article}</div>
<div id="js_pc_qr_code">微信扫一扫关注该公众号，继续滑动看下一个，轻触阅读原文</div>
<div class="rich_media_tool"><a>阅读原文</a><span>阅读 2.3万</span><span>在看 56</span><span>写留言</span>
<p>推荐阅读：关于开展全县安全生产大检查的通知，县委理论学习中心组召开专题学习会议，欢迎留言分享转发</p></div>
</div></div></body></html>"""
    doc = read_bytes(page.encode(), "wx.html", suffix=".html")
    assert doc.text.startswith("云溪县人民政府关于2024年法治政府建设情况的报告")
    assert doc.fields["title"] == "云溪县人民政府关于2024年法治政府建设情况的报告"
    assert doc.fields["published"] == "2025-03-28" and doc.field_sources["published"] == "wechat:publish_time"
    for chrome in ("扫一扫", "阅读原文", "推荐阅读", "公众号", "写留言"):
        assert chrome not in doc.text


def test_discover_swaps_a_notice_for_its_attachment(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "notice.html").write_bytes(notice(quote(YUNXI + ".docx"), YUNXI + ".docx"))
    (tmp_path / "a" / (YUNXI + ".docx")).write_bytes(_report_docx())
    found = discover([str(tmp_path)])
    assert [(Path(f.path).name, f.page and Path(f.page).name) for f in found] == [(YUNXI + ".docx", "notice.html")]


def test_audit_checks_attachments_instead_of_their_notices(tmp_path: Path) -> None:
    a, b = tmp_path / "in" / "a", tmp_path / "in" / "b"
    a.mkdir(parents=True)
    b.mkdir(parents=True)
    # Same folder: the attachment is saved beside the page under the name in its link.
    (a / "notice.html").write_bytes(notice("/u/cms/" + quote(YUNXI + ".docx"), YUNXI + ".docx"))
    (a / (YUNXI + ".docx")).write_bytes(_report_docx())
    # A notice whose attachment was never saved: an error row naming the attachment.
    (a / "missing.html").write_bytes(notice("/u/cms/P0202503.pdf", "另一份报告.pdf"))
    # Browser "save page": NAME_files/ holds the attachment, saved under its link text.
    (b / "jz.htm").write_bytes(notice("/cms/P020250328_123.ofd", JIANGZHOU))
    (b / "jz_files").mkdir()
    jz = (SAMPLES / "jiangzhou-market-regulation-2024.txt").read_text(encoding="utf-8")
    (b / "jz_files" / (JIANGZHOU + ".ofd")).write_bytes(ofdbuild.build(jz))
    out = tmp_path / "out"
    r = subprocess.run([sys.executable, "-m", "checker", "audit", str(tmp_path / "in"), "-o", str(out), "-j", "1"],
                       capture_output=True, text=True, timeout=300,
                       env={"PATH": "/usr/bin:/bin", "CI": "1", "FZZF_CACHE_DIR": os.environ["FZZF_CACHE_DIR"]})
    assert r.returncode == 1, r.stderr  # one file could not be checked: the missing attachment
    rows = json.loads((out / "summary.json").read_text(encoding="utf-8"))["rows"]
    by_name = {Path(row["source"]).name: row for row in rows}
    assert set(by_name) == {YUNXI + ".docx", JIANGZHOU + ".ofd", "missing.html"}
    assert by_name[YUNXI + ".docx"]["page"].endswith("notice.html") and by_name[YUNXI + ".docx"]["agency"] == "云溪县"
    assert by_name[JIANGZHOU + ".ofd"]["page"].endswith("jz.htm") and by_name[JIANGZHOU + ".ofd"]["ok"]
    assert by_name["missing.html"]["error"]["key"] == "input.attachment"
    csv_text = (out / "summary.csv").read_text(encoding="utf-8-sig")
    assert "来自通知页面" in csv_text and "另一份报告.pdf" in csv_text
