"""Evidence a reviewer trusts (checker/evidence.py): one quote per sentence, cut at clause
bounds outside titles and quotations, never a heading, the strongest first."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import SAMPLES
from hypothesis import given
from hypothesis import strategies as st

from checker.api import Checker
from checker.evidence import LEAD_JUNK, QUOTE_MAX, cut, merge, pick, strongest
from checker.model import Document, Evidence, Hit, Segmented, Sentence
from checker.segment import segment


def _hit(i: int, sent: Sentence, term: str, text: str, *, quantified: bool = False, part: str = "measures") -> Hit:
    at = text.index(term, sent.start)
    return Hit(i, "r.x", part, "done", sent.index, at, at + len(term), sent.start, sent.end,
               negated=False, planned=False, passing=False, quantified=quantified)


def _seg(text: str, heading_lines: tuple[int, ...] = ()) -> Segmented:
    """One sentence per line; the lines numbered in `heading_lines` are headings."""
    sents, pos = [], 0
    for n, line in enumerate(text.split("\n")):
        sents.append(Sentence(n, pos, pos + len(line), "measures", None, n in heading_lines))
        pos += len(line) + 1
    return Segmented(Document("t.txt", text, "txt", "utf-8"), (), tuple(sents))


LONG = ("严格执行《县委常委会议事规则》制度，凡是涉及“三重一大”事项，均提交常委会会议集体决策，自觉接受人大、政协和"
        "社会各界监督，主动邀请县人大、县政协、县纪委列席政府常务会议、县长办公会议，全面落实重大行政决策、重大行政"
        "机关合同和重大行政执法决定合法性审查制度，全年审查文件共计一百余件，有效防范了法律风险。")


def test_a_long_sentence_is_cut_at_clause_bounds_never_inside_a_title() -> None:
    assert len(LONG) > QUOTE_MAX
    for term in ("合法性审查", "三重一大", "议事规则", "法律风险"):
        t0 = LONG.index(term)
        a, b = cut(LONG, 0, len(LONG), t0, t0 + len(term))
        q = LONG[a:b]
        assert term in q and len(q) <= QUOTE_MAX
        assert a == 0 or LONG[a - 1] == "，", q  # starts after a clause bound …
        assert b == len(LONG) or LONG[b] == "，", q  # … and ends before one
        assert not q.startswith(("度", "》", "，")), q


def test_a_comma_inside_a_title_or_quotation_is_no_bound() -> None:
    text = "印发《关于加强法治建设，推进依法行政的意见》" + "并组织全体干部认真学习" * 8 + "，取得良好效果。"
    t0 = text.index("推进依法行政")
    a, b = cut(text, 0, len(text), t0, t0 + 6, limit=60)
    assert not text[a:b].startswith("推进依法行政的意见》")


@given(st.lists(st.sampled_from(["开展", "审查", "，", "、", "《", "》", "“", "”", "12件", "制度", "。"]),
                min_size=1, max_size=120), st.integers(0, 400), st.integers(10, 80))
def test_cut_stays_in_its_sentence_and_keeps_the_term(pieces: list[str], at: int, limit: int) -> None:
    text = "".join(pieces)
    t0 = at % len(text)
    t1 = min(len(text), t0 + 2)
    a, b = cut(text, 0, len(text), t0, t1, limit=limit)
    assert 0 <= a <= b <= len(text)
    assert b - a <= limit
    assert a == b or text[a] not in LEAD_JUNK


def test_one_quote_per_sentence_headings_left_out_strongest_first() -> None:
    text = "\n".join([
        "一是强化公平竞争审查",  # a heading
        "开展公平竞争审查工作，完善审查机制。",  # no figures
        "对政策措施开展公平竞争审查183件，纠正12件。",  # figures
        "在公平竞争审查中开展公平竞争审查培训。",  # no figures, two terms
    ])
    seg = _seg(text, heading_lines=(0,))
    s = seg.sentences
    hits = [_hit(0, s[0], "公平竞争审查", text, quantified=False), _hit(1, s[1], "公平竞争审查", text),
            _hit(2, s[2], "公平竞争审查", text, quantified=True), _hit(3, s[3], "公平竞争审查", text),
            _hit(4, s[3], "审查培训", text), _hit(5, s[2], "纠正", text, quantified=True)]
    order = [h.sentence for h in strongest(seg, hits)]
    assert order == [2, 3, 1]  # figures; then most terms; the heading never
    quotes = pick(seg, hits, "r.x")
    assert [q.quote for q in quotes] == [text.split("\n")[i] for i in (2, 3, 1)]
    assert all(q.quote != "一是强化公平竞争审查" for q in quotes)


def test_the_measures_part_outranks_the_preamble() -> None:
    text = "今年我镇被评为先进调解乡镇3次。\n开展法治宣传活动12场。"
    seg = _seg(text)
    s = seg.sentences
    hits = [_hit(0, s[0], "调解", text, quantified=True, part="preamble"),
            _hit(1, s[1], "法治宣传", text, quantified=True)]
    assert [h.sentence for h in strongest(seg, hits)] == [1, 0]


def test_an_item_never_shows_one_sentence_twice() -> None:
    a = Evidence("甲句", "measures", 0, 10, "r.a", False)
    a_clip = Evidence("甲", "measures", 3, 8, "r.b", False)  # the same sentence, cut for another checkpoint
    b = Evidence("乙句", "measures", 20, 30, "r.b", True)
    c = Evidence("丙句", "preamble", 40, 50, "r.a", True)
    assert merge([[a], [a_clip, b], [c]]) == (b, c, a)


@pytest.mark.parametrize("path", sorted(SAMPLES.glob("*.*[tl]")), ids=lambda p: p.name)
def test_samples_evidence_is_trustworthy(checker: Checker, path: Path) -> None:
    r = checker.check_path(path)
    seg = segment(r.document)
    heads = [r.document.source_span(s.start, s.end) for s in seg.sentences if s.heading]
    for item in r.items:
        quotes = list(item.evidence)
        for i, e in enumerate(quotes):
            assert r.document.original[e.start:e.end] == e.quote
            assert e.quote and e.quote[0] not in LEAD_JUNK, e.quote
            assert len(e.quote) <= QUOTE_MAX + 10  # analysis-text limit; the source may hold a few more
            assert not any(a < e.end and e.start < b for a, b in heads), (item.id, e.quote)
            assert all(e.end <= o.start or o.end <= e.start for o in quotes[i + 1:]), (item.id, e.quote)
        flags = [(not e.quantified, e.part != "measures") for e in quotes]
        assert flags == sorted(flags), item.id
