"""Properties over generated inputs (hypothesis): reading, segmentation and metadata never raise
on any text, and every offset quotes the source exactly. Also a small fuzz of the HTML and DOCX
readers; `python bench/fuzz_readers.py --seconds N` runs the same targets for longer."""

from __future__ import annotations

import io

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checker.errors import InputError
from checker.metadata import extract
from checker.model import Document
from checker.read import read_bytes
from checker.segment import segment

# Text built from the pieces reports are made of, so generated inputs reach deep paths.
PIECES = ["一、", "二、", "三、", "四、", "（一）", "(二)", "一是", "1.", "2、", "存在的问题", "下一步工作计划",
          "第一责任人", "主要举措和成效", "2024年", "发布日期：2025-03-28", "云溪县", "人民政府", "法治政府建设",
          "年度报告", "。", "，", "；", "\n", " ", "|", "全年主动公开政府信息1265条", "尚未建立", "下一步将",
          "在行政复议等各项工作中发挥作用", "打印本页", "关闭窗口", "索引号", "\u3000", "\ufeff", "<p>", "</p>"]
report_text = st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=8)), max_size=80).map("".join)
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _doc(text: str) -> Document:
    return Document(source="p.txt", text=text, format="txt", encoding="utf-8", fields={})


@SETTINGS
@given(report_text)
def test_segmentation_never_raises_and_offsets_quote_the_source(text: str) -> None:
    seg = segment(_doc(text))
    for s in seg.sentences:
        piece = text[s.start:s.end]
        assert piece and piece == piece.strip()
    for p in seg.parts:
        assert 0 <= p.start <= p.end <= len(text)
        for sec in p.sections:
            assert text[sec.start:sec.heading_end].strip()


@SETTINGS
@given(report_text)
def test_metadata_never_raises(text: str) -> None:
    title = text.split("\n", 1)[0][:80]
    m = extract(Document(source="p.txt", text=text, format="txt", encoding="utf-8", fields={"title": title}))
    assert m.level.value in (None, "province", "city", "county", "township", "street", "department")


@SETTINGS
@given(st.binary(max_size=4000) | report_text.map(lambda s: s.encode("utf-8")) | report_text.map(
    lambda s: s.encode("gb18030", errors="ignore")))
def test_reading_any_bytes_gives_a_document_or_an_input_error(data: bytes) -> None:
    for suffix in (".txt", ".html", ".md"):
        try:
            doc = read_bytes(data, "x" + suffix, suffix=suffix)
        except InputError:
            continue
        assert doc.text.strip()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(report_text)
def test_checking_any_text_quotes_exactly(checker, text: str) -> None:
    text = "云溪县2024年法治政府建设年度报告\n" + text
    r = checker.check_document(_doc(text))
    assert [i.id for i in r.items] == list(range(1, 36))
    for item in r.items:
        for e in item.evidence:
            assert text[e.start:e.end] == e.quote
    assert 0 <= r.score.total <= 100


def mutate(data: bytes, seed: int) -> bytes:
    """A deterministic mutation: flip, drop and duplicate a few bytes."""
    import random

    rng = random.Random(seed)
    buf = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        if not buf:
            break
        i = rng.randrange(len(buf))
        op = rng.randrange(3)
        if op == 0:
            buf[i] ^= 1 << rng.randrange(8)
        elif op == 1:
            del buf[i:i + rng.randint(1, 64)]
        else:
            buf[i:i] = buf[i:i + rng.randint(1, 64)]
    return bytes(buf)


def _docx_seed() -> bytes:
    from docx import Document as Docx

    d = Docx()
    d.add_paragraph("云溪县2024年法治政府建设年度报告")
    d.add_paragraph("一、主要举措和成效 全年主动公开政府信息1265条。")
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


HTML_SEED = ("<html><head><meta name='PubDate' content='2025-03-01'><title>云溪县2024年法治政府建设年度报告</title>"
             "</head><body><div class='nav'>首页</div><div class='article-content'><p>一、主要举措和成效</p>"
             "<p>全年主动公开政府信息1265条。</p><table><tr><td>发布日期：</td><td>2025-03-28</td></tr></table>"
             "</div></body></html>").encode()


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=0, max_value=2**32))
def test_fuzz_html_reader(seed: int) -> None:
    try:
        read_bytes(mutate(HTML_SEED, seed), "f.html", suffix=".html")
    except InputError:
        pass


@settings(max_examples=100, deadline=None)
@given(st.integers(min_value=0, max_value=2**32))
def test_fuzz_docx_reader(seed: int) -> None:
    seed_doc = _docx_seed()
    try:
        read_bytes(mutate(seed_doc, seed), "f.docx", suffix=".docx")
    except InputError:
        pass
