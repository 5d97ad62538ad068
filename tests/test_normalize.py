"""Text normalization (checker/normalize.py): what it removes and joins, that a report reads the
same with invisible characters, hard wraps, page chrome or traditional characters as without,
and that every quote and offset still points into the reader's own text."""

from __future__ import annotations

import itertools
import pickle
import re
from pathlib import Path

import opencc
import pytest
from conftest import CORPUS, ROOT, SAMPLES
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checker import normalize as normalize_mod
from checker.api import Checker
from checker.errors import InputError
from checker.model import Document, ReportResult
from checker.normalize import (
    OPENCC_CONFIG,
    TRADITIONAL_HINTS,
    OffsetMap,
    apply_edits,
    is_traditional,
    normalize,
    normalize_chars,
    normalize_lines,
)
from checker.read import SUFFIXES, read_bytes, read_document
from checker.render.context import RenderContext
from checker.render.jsonout import report_dict
from checker.segment import segment

SAMPLE = SAMPLES / "yunxi-county-2024.txt"
FIXTURES = ROOT / "tests" / "fixtures"


def _read(text: str, name: str = "r.txt") -> Document:
    return read_bytes(text.encode("utf-8"), name, suffix=".txt")


def _verdicts(r: ReportResult) -> tuple[dict[int, str], dict[str, bool]]:
    return {i.id: i.status.value for i in r.items}, {p.id: p.present for p in r.parts}


def _assert_quotes_original(r: ReportResult) -> None:
    """Every evidence, promise and part offset indexes the reader's text and quotes it exactly."""
    original = r.document.original
    for item in r.items:
        for e in (*item.evidence, *(e for c in item.checkpoints for e in c.evidence)):
            assert 0 <= e.start <= e.end <= len(original)
            assert original[e.start:e.end] == e.quote
    for e in r.promises:
        assert original[e.start:e.end] == e.quote
    for p in r.parts:
        if p.start is not None and p.end is not None:
            assert 0 <= p.start <= p.end <= len(original)
            if p.heading:
                # The heading is the report's own wording; a part split out of a merged one
                # ("存在的问题及下一步工作打算") starts after the heading it was found under.
                assert p.heading in original[: p.end]


# --- the offset map ---------------------------------------------------------------------------


def test_identity_map() -> None:
    m = OffsetMap.identity(10)
    assert m.span(2, 5) == (2, 5) and m.span(0, 10) == (0, 10) and len(m) == 0


def test_deletions_are_left_out_of_a_span() -> None:
    text = "不\u00ad足\u200d之处"
    out, stage = normalize_chars(text)
    assert out == "不足之处" and stage is not None
    m = OffsetMap().then(stage)
    a, b = m.span(0, 2)
    assert text[a:b] == "不\u00ad足"  # the inner soft hyphen stays inside the quote
    a, b = m.span(1, 4)
    assert text[a:b] == "足\u200d之处"
    assert m.span(2, 2)[0] == m.span(2, 2)[1]


@pytest.mark.parametrize("text", ["\u200b", "\u200b法治", "法治\u200b", "\u200b法\u200b\u200c治\u200b", "法治"])
def test_deletions_at_the_edges(text: str) -> None:
    out, stage = normalize_chars(text)
    m = OffsetMap((stage,) if stage else ())
    for i in range(len(out) + 1):
        for j in range(i, len(out) + 1):
            a, b = m.span(i, j)
            assert normalize_chars(text[a:b])[0] == out[i:j]


def test_a_replacement_that_changes_length_maps_as_a_whole() -> None:
    text = "abcXYZdef"
    out, edits = apply_edits(text, [(3, 6, "Q")])
    m = OffsetMap.identity(len(text)).compose(edits, len(out))
    assert out == "abcQdef"
    assert m.span(3, 4) == (3, 6)
    assert m.span(2, 5) == (2, 7)
    assert m.span(0, 3) == (0, 3) and m.span(4, 7) == (6, 9)


def test_chained_maps_and_pickling() -> None:
    text = "一\u200b二\n\n三四五"
    a, stage = normalize_chars(text)
    assert stage is not None
    b, e2 = apply_edits(a, [(2, 4, "")])
    m = OffsetMap().then(stage).compose(e2, len(b))
    assert b == "一二三四五"
    for i in range(len(b)):
        s, t = m.span(i, i + 1)
        assert text[s:t] == b[i]
    again = pickle.loads(pickle.dumps(m))
    assert [again.span(i, i + 1) for i in range(len(b))] == [m.span(i, i + 1) for i in range(len(b))]


# --- characters -------------------------------------------------------------------------------


@pytest.mark.parametrize("dirty, clean", [
    ("\u200f二、存在的问题", "二、存在的问题"),
    ("\u202e二、存在的问题\u202c", "二、存在的问题"),
    ("\u2066二、存在的问题\u2069", "二、存在的问题"),
    ("\u2f06、存在的问题", "二、存在的问题"),  # Kangxi radical two
    ("不\u00ad足", "不足"),
    ("不\u200d足", "不足"),
    ("不\u200b\u2060\ufeff足", "不足"),
    ("不\ufe00足", "不足"),  # variation selector
    ("\uf9fb法治", "炙法治"),  # a CJK compatibility ideograph
    ("２０２４年办理３２件", "2024年办理32件"),  # full-width digits
])
def test_invisible_and_lookalike_characters(dirty: str, clean: str) -> None:
    assert normalize_chars(dirty)[0] == clean


@pytest.mark.parametrize("dirty, clean", [
    ("宁遠(yuǎn)县教育局", "宁遠县教育局"),
    ("全區(qū)推进", "全區推进"),
    ("规(guī)范（fàn）执法", "规范执法"),
    ("附件(A类)", "附件(A类)"),  # no tone mark: not pinyin
    ("表(a)和(b)", "表(a)和(b)"),
    ("(ā)开头", "(ā)开头"),  # not after a Han character
])
def test_pinyin_annotations_are_deleted(dirty: str, clean: str) -> None:
    assert normalize_chars(dirty)[0] == clean


def test_pinyin_annotation_is_quoted_inside_its_word() -> None:
    text = "为宁遠(yuǎn)县\u200b教育局"
    out, stage = normalize_chars(text)
    assert out == "为宁遠县教育局" and stage is not None
    a, b = OffsetMap().then(stage).span(1, 4)
    assert text[a:b] == "宁遠(yuǎn)县"


def test_full_width_chinese_punctuation_is_left_alone() -> None:
    text = "一、主要举措：依法（依规）办理，全年完成；是否到位？到位！"
    assert normalize_chars(text) == (text, None)


def test_enumerators_are_spelled_out_and_quoted_as_written() -> None:
    text = "㈠加强领导\n⑵规范执法①全年办理⒈"
    doc = normalize(Document(source="e.txt", text=text, format="txt", encoding="utf-8"))
    assert doc.text == "(一)加强领导\n(2)规范执法①全年办理⒈"
    assert doc.quote(0, 3)[2] == "㈠"
    assert doc.quote(0, 7)[2] == "㈠加强领导"
    assert doc.quote(1, 2)[2] == "㈠"  # inside a spelled-out enumerator: the whole character


def test_sub_headings_numbered_with_enumerators_read_like_the_text(checker: Checker) -> None:
    plain = SAMPLE.read_text(encoding="utf-8")
    numbers = "一二三四五六七八九十"
    enumerated = re.sub("（([一二三四五六七八九十])）", lambda m: chr(0x3220 + numbers.index(m.group(1))), plain)
    assert "㈠" in enumerated
    ref = checker.check_document(_read(plain))
    got = checker.check_document(_read(enumerated))
    assert _verdicts(got) == _verdicts(ref)
    sections = [[s.heading for s in p.sections] for p in segment(got.document).parts]
    assert sections == [[s.heading for s in p.sections] for p in segment(ref.document).parts]
    _assert_quotes_original(got)


# --- lines ------------------------------------------------------------------------------------


def _wrap(text: str, width: int = 30, page_lines: int = 20, chrome: tuple[str, ...] = ("— {n} —",)) -> str:
    """A PDF copy: every paragraph cut every `width` characters, page chrome between pages."""
    out: list[str] = []
    page = count = 0
    for para in text.split("\n"):
        while para:
            out.append(para[:width])
            para = para[width:]
            count += 1
            if count % page_lines == 0:
                page += 1
                out += [c.format(n=page) for c in chrome]
    return "\n".join(out) + "\n"


@pytest.mark.parametrize("chrome", ["— 3 —", "- 3 -", "—3—", "第3页", "第 3 页 共 12 页", "3/12", "Page 3 of 12"])
def test_page_numbers_are_dropped(chrome: str) -> None:
    body = "\n".join(["这是正文内容第一行的文字，用来测试页码是否会被删除掉了。"] * 4)
    out, _ = normalize_lines(body + "\n" + chrome + "\n" + body)
    assert chrome not in out
    assert out.count("这是正文") == 8


def test_lines_that_look_like_numbers_but_are_text_stay() -> None:
    text = "一、主要工作\n12月\n全年办理案件\n32\n2024年"
    assert normalize_lines(text) == (text, [])
    rows = "\n".join(f"{i}\n第{i}项工作" for i in range(1, 6))  # a table's row numbers
    assert normalize_lines(rows) == (rows, [])


def test_hard_wraps_are_joined_but_not_before_headings() -> None:
    para = "全年共办理行政复议案件三十二件，依法纠正违法或者不当行政行为五件，纠错率为百分之十五点六，" * 3
    text = "一、主要举措和成效\n" + para + "\n（一）严格规范执法\n" + para + "\n二、存在的问题\n" + para
    out, edits = normalize_lines(_wrap(text))
    assert edits
    assert out.rstrip("\n") == text
    assert "\n二、存在的问题\n" in out and "\n（一）严格规范执法\n" in out


def test_text_that_is_not_wrapped_keeps_its_lines() -> None:
    text = SAMPLE.read_text(encoding="utf-8")
    out, _ = normalize_lines(text)
    assert out.count("\n") == text.count("\n")


def test_running_headers_are_dropped_and_the_title_kept() -> None:
    title = "云溪县人民政府关于2024年法治政府建设情况的报告"
    para = "全年共办理行政复议案件三十二件，依法纠正违法或者不当行政行为五件，纠错率为百分之十五点六，" * 8
    body = "\n".join([para] * 6)
    out, _ = normalize_lines(title + "\n" + _wrap(body, chrome=(title, "第{n}页")))
    assert out.count(title) == 1 and out.startswith(title)
    assert "第1页" not in out


def test_a_line_repeated_in_each_section_stays_in_a_text_that_is_no_pdf_copy() -> None:
    section = ["主要做法", *[f"第{i}项工作全面完成，取得明显成效。" for i in range(9)]]
    text = "\n".join(section * 4)
    assert normalize_lines(text) == (text, [])


# --- script -----------------------------------------------------------------------------------


def test_simplified_text_with_an_odd_traditional_character_is_not_converted() -> None:
    text = SAMPLE.read_text(encoding="utf-8") + "\n乾潭镇"
    assert not is_traditional(text)
    assert "乾潭镇" in _read(text).text


class _Shrinking:
    """A converter with a phrase that changes length (OpenCC's t2s rarely has one)."""

    def convert(self, text: str) -> str:
        return text.replace("國務院", "国院").replace("這", "这")


def test_a_phrase_that_changes_length_maps_to_its_clause(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(normalize_mod, "_t2s", _Shrinking)
    text = "這是第一句，國務院印發通知，這是第三句。\n這行不變。"
    out, edits = normalize_mod.to_simplified(text)
    assert out == "这是第一句，国院印發通知，这是第三句。\n这行不變。"
    assert edits == [(6, 13, 6)]  # the clause 國務院印發通知 only
    m = OffsetMap.identity(len(text)).compose(edits, len(out))
    for i, ch in enumerate(out):
        a, b = m.span(i, i + 1)
        if 6 <= i < 12:
            assert (a, b) == (6, 13)  # inside the changed clause: the whole clause
        else:
            assert b - a == 1 and (text[a] == ch or (text[a], ch) == ("這", "这"))


def test_the_traditional_hints_are_all_traditional_only() -> None:
    t2s = opencc.OpenCC(OPENCC_CONFIG)
    assert all(t2s.convert(ch) != ch for ch in TRADITIONAL_HINTS)


@pytest.mark.parametrize("config", ["s2t", "s2tw", "s2hk"])
def test_traditional_text_reads_as_simplified_and_quotes_the_original(checker: Checker, config: str) -> None:
    plain = SAMPLE.read_text(encoding="utf-8")
    trad = opencc.OpenCC(config).convert(plain)
    assert is_traditional(trad)
    doc = _read(trad, "trad.txt")
    assert doc.original == read_bytes(trad.encode(), "t.txt", suffix=".txt").original
    assert "法治政府建设" in doc.text and doc.fields.get("title", "").endswith("报告")
    ref = checker.check_document(_read(plain))
    got = checker.check_document(doc)
    assert _verdicts(got) == _verdicts(ref)
    assert (got.metadata.agency.value, got.metadata.year.value) == (ref.metadata.agency.value, ref.metadata.year.value)
    _assert_quotes_original(got)
    quotes = [e.quote for i in got.items for e in i.evidence]
    assert quotes and any("縣" in q or "區" in q or "這" in q or "為" in q or "與" in q for q in quotes)


# --- whole reports ----------------------------------------------------------------------------


def _inject(text: str) -> str:
    """Invisible characters and look-alikes where they hurt: before headings and inside terms."""
    for heading, dirty in (("一、", "\u2f00、"), ("二、", "\u200f\u2f06、"), ("三、", "\u202e三、\u202c"),
                           ("四、", "\u2066四、\u2069"), ("五、", "\u200d五、")):
        text = re.sub(f"^{heading}", dirty, text, count=1, flags=re.M)
    return text.replace("不足", "不\u00ad足").replace("问题", "问\u200d题").replace("法治", "法\u200b治")


def test_invisible_characters_change_no_verdict_and_the_gate_passes(checker: Checker) -> None:
    plain = SAMPLE.read_text(encoding="utf-8")
    dirty = _inject(plain)
    assert "\u2f06" in dirty and "\u00ad" in dirty and "\u200f" in dirty
    ref = checker.check_document(_read(plain))
    got = checker.check_document(_read(dirty))
    assert _verdicts(got) == _verdicts(ref)
    assert all(p.present for p in got.parts if p.id in ("measures", "shortcomings", "first_responsible", "next_year"))
    _assert_quotes_original(got)


@pytest.mark.parametrize("width, chrome", [
    (36, ("— {n} —", "云溪县人民政府")),
    (20, ("", "{n}", "")),  # a title cut in two, bare page numbers between blank lines
    (28, ("第{n}页 共99页",)),
])
def test_a_pdf_copy_reads_like_the_text(checker: Checker, width: int, chrome: tuple[str, ...]) -> None:
    plain = SAMPLE.read_text(encoding="utf-8")
    # A PDF holds the report, not the portal page around it.
    body = plain[plain.index("江州市人民政府："):plain.index("打印本页")]
    plain = "云溪县人民政府关于2024年法治政府建设情况的报告\n" + body
    wrapped = _wrap(plain, width=width, page_lines=25, chrome=chrome)
    ref = checker.check_document(_read(plain))
    got = checker.check_document(_read(wrapped))
    assert _verdicts(got) == _verdicts(ref)
    assert got.metadata == ref.metadata
    _assert_quotes_original(got)


def _readable(path: Path) -> bool:
    try:
        read_document(path)
    except InputError:  # fixtures that exist to be refused
        return False
    return True


def _files() -> list[Path]:
    found = [p for p in sorted(SAMPLES.iterdir()) if p.suffix.lower() in SUFFIXES]
    found += [p for p in sorted(FIXTURES.rglob("*")) if p.suffix.lower() in SUFFIXES and p.is_file()]
    return [p for p in found if _readable(p)]


@pytest.mark.parametrize("path", _files(), ids=lambda p: p.name)
def test_every_quote_is_the_slice_of_the_source_text(checker: Checker, path: Path) -> None:
    doc = read_document(path)
    try:
        r = checker.check_document(doc)
    except InputError as exc:  # look-alikes exist to be refused
        assert exc.key == "input.not_a_report", exc.key
        return
    _assert_quotes_original(r)
    out = report_dict(r, RenderContext(results=[r], errors=[], ruleset=checker.ruleset, lang="zh"))
    for item in out["items"]:
        for e in item["evidence"]:
            assert doc.original[e["start"]:e["end"]] == e["quote"]


def test_corpus_quotes_are_slices_of_the_source_text(checker: Checker) -> None:
    if not CORPUS.is_dir():
        pytest.skip("../shared/corpus is not present beside the repository")
    for path in sorted(CORPUS.glob("*.txt")):
        for text in (path.read_text(encoding="utf-8-sig"), opencc.OpenCC("s2t").convert(
                path.read_text(encoding="utf-8-sig"))):
            _assert_quotes_original(checker.check_document(_read(_inject(_wrap(text)), path.name)))


def test_a_normalized_document_is_not_normalized_twice() -> None:
    doc = _read(SAMPLE.read_text(encoding="utf-8").replace("二、", "\u200f二、"))
    assert doc.offsets is not None and normalize(doc) is doc


# --- property ---------------------------------------------------------------------------------

INVISIBLE = ["\u200b", "\u200c", "\u200d", "\u200e", "\u200f", "\u202a", "\u202e", "\u2066", "\u2069", "\u2060",
             "\ufeff", "\u00ad", "\ufe0f"]
PIECES = ["一、", "二、", "（三）", "不足", "存在的问题", "法治政府建设", "全年办理32件", "。", "，", " ", "2024年",
          "行政复议", "\u2f06", "\uff12", "縣", "為", "這", "\n", "— 2 —", "第3页"]
# Simplified text on one line: normalization has only the inserted characters to remove.
PLAIN = ["一、", "二、", "（三）", "不足", "存在的问题", "法治政府建设", "全年办理32件", "。", "，", " ", "2024年",
         "abc"]
pieces = st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=5)), max_size=120)
SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(pieces.map("".join), st.data())
def test_every_span_maps_into_the_original(text: str, data: st.DataObject) -> None:
    doc = normalize(Document(source="p.txt", text=text, format="txt", encoding="utf-8"))
    n = len(doc.text)
    assert doc.original == text
    cuts = sorted(data.draw(st.lists(st.integers(0, n), min_size=2, max_size=6)))
    prev_end = 0
    for a, b in itertools.pairwise(cuts):
        s, e, quote = doc.quote(a, b)
        assert 0 <= s <= e <= len(text) and quote == text[s:e]
        assert s >= prev_end or a == b  # consecutive spans never overlap in the original
        prev_end = max(prev_end, e)


@SETTINGS
@given(st.lists(st.sampled_from(PLAIN), max_size=60).map("".join), st.data())
def test_inserted_invisible_characters_are_removed_and_spans_quote_around_them(base: str, data: st.DataObject) -> None:
    chars = list(base)
    for _ in range(data.draw(st.integers(0, 20))):
        chars.insert(data.draw(st.integers(0, len(chars))), data.draw(st.sampled_from(INVISIBLE)))
    text = "".join(chars)
    doc = normalize(Document(source="p.txt", text=text, format="txt", encoding="utf-8"))
    assert doc.text == base
    a = data.draw(st.integers(0, len(base)))
    b = data.draw(st.integers(a, len(base)))
    s, e, quote = doc.quote(a, b)
    assert quote == text[s:e]
    assert normalize_chars(quote)[0] == base[a:b]


# One scan decides that a simplified report needs no character or script step: it may only say
# so when those steps would indeed change nothing.
RARE = [*INVISIBLE, "\U000e0041", "\U000e0101", "\U0002f800", "\u2f06", "\uf900", "\uff12", "\uff41", "\u2474",
        "\u3220", "\u2487", *TRADITIONAL_HINTS[:12], "宁遠(yuǎn)县", "(a)", "（一）"]


@SETTINGS
@given(st.lists(st.one_of(st.sampled_from(PLAIN), st.sampled_from(RARE)), max_size=40).map("".join))
def test_the_one_scan_skips_only_steps_that_change_nothing(text: str) -> None:
    if normalize_mod._unchanged_by_chars_and_script(text):
        assert normalize_chars(text) == (text, None)
        assert not normalize_mod.ENUMERATOR.search(text) and not is_traditional(text)
    for ch in RARE[:-2]:  # each rare piece alone is noticed
        assert not normalize_mod._unchanged_by_chars_and_script("一、法治" + ch + "建设")


def test_page_number_prefilter_and_widths_match_their_definitions() -> None:
    """_page_numbers tests only lines starting like a page number; _widths maps _width in C.

    Both must give what the plain definitions give: every line through both fullmatches, and
    `_width` line by line (random lines of page-number characters, digits of other scripts, Han).
    """
    import itertools
    import random

    def plain(lines: list[str]) -> set[int]:
        drop = {i for i, m in enumerate(map(normalize_mod._PAGE_NUMBER.fullmatch, lines))
                if m and normalize_mod._page_number(m)}
        bare = [i for i, m in enumerate(map(normalize_mod._BARE_NUMBER.fullmatch, lines)) if m]
        if len(bare) >= 3 and all(int(lines[a]) < int(lines[b]) and b - a >= 8 for a, b in itertools.pairwise(bare)):
            drop.update(bare)
        return drop

    rng = random.Random(12)
    alphabet = [*"0123456789０１٣-—–－―~～_ 共第页,，/Ppageof汉\t", "Page ", "第 3 页", "— 3 —"]
    for _ in range(2000):
        lines = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 8))).strip()
                 for _ in range(rng.randint(1, 30))]
        if rng.random() < 0.3:
            for j in range(0, len(lines), 9):
                lines[j] = str(j + 1)
        assert normalize_mod._page_numbers(lines) == plain(lines)
        assert normalize_mod._widths(lines) == list(map(normalize_mod._width, lines))
