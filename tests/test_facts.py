"""The generic hit flags: negated, planned, passing, quantified, slogan, restates_outline,
earlier_year; planned paragraphs; section headings as context."""

from __future__ import annotations

import pytest

from checker.facts import (
    OutlineWording,
    SectionHeadings,
    _SentenceScan,
    flags,
    planned_paragraphs,
    restates_outline,
    year_borne_out,
)
from checker.model import Document, Segmented
from checker.outline import load_outline
from checker.segment import segment


def f(sentence: str, term: str) -> dict[str, bool]:
    pos = sentence.index(term)
    return flags(sentence, 0, len(sentence), pos, pos + len(term))


@pytest.mark.parametrize(
    ("sentence", "term", "expected"),
    [
        ("全年主动公开政府信息1265条。", "主动公开", {"quantified": True}),
        ("严格落实行政执法公示制度。", "执法公示", {"slogan": True}),
        ("坚持依法行政，高度重视政务公开工作。", "政务公开", {"slogan": True}),
        ("全面推行行政执法公示制度，公示执法信息。", "执法公示", {}),
        ("行政问责机制尚未健全。", "问责", {"negated": True, "slogan": True}),
        ("缺乏专业的法治工作队伍。", "法治工作队伍", {"negated": True, "slogan": True}),
        ("针对执法人员不足的问题，开展执法培训3期。", "执法培训", {"quantified": True}),
        ("下一步将进一步加强政务公开。", "政务公开", {"planned": True, "slogan": True}),
        ("下一步，我们将全面推行执法公示。", "执法公示", {"planned": True}),
        ("力争年内完成权责清单调整。", "权责清单", {"planned": True}),
        ("2025年将推进行政复议规范化建设。", "行政复议", {"planned": True, "slogan": True}),
        ("全年办结行政复议案件12件，下一步将继续加强应诉工作。", "行政复议", {"quantified": True}),
        ("将法治建设纳入年度综合考核，分值占6%。", "考核", {"quantified": True}),
        ("将推进法治政府建设情况纳入年终述职内容。", "述职", {}),
        ("全年计划开展培训5次，实际开展6次。", "培训", {"quantified": True}),
        ("对拟出台的规范性文件开展合法性审核19件。", "合法性审核", {"quantified": True}),
        ("拟于明年出台行政执法监督办法。", "行政执法监督", {"planned": True}),
        ("争取上级资金200万元建设法治公园。", "法治公园", {"quantified": True}),
        ("法律顾问在行政复议诉讼等各项工作中发挥重要作用。", "行政复议", {"passing": True, "slogan": True}),
        ("深化场镇管理、应急管理等重点领域依法行政制度体系建设。", "应急管理", {"passing": True, "slogan": True}),
        ("召开县委依法治县委员会第五次会议。", "依法治县委员会", {}),
        ("印发《2023年法治建设工作要点》。", "工作要点", {}),
        ("召开依法治县委员会第5次会议。", "依法治县委员会", {}),
        ("将于2024年6月前出台行政执法监督办法。", "行政执法监督", {"planned": True}),
        ("将在全镇推广行政调解工作法。", "行政调解", {"planned": True, "slogan": True}),
        ("将在执法检查中发现的问题纳入整改清单。", "执法检查", {}),
        ("镇综合执法队暂无专职法制审核人员。", "法制审核", {"negated": True, "slogan": True}),
        # A part or section title names a topic, it reports no act.
        ("（五）依法化解矛盾纠纷", "化解矛盾纠纷", {"slogan": True}),
        ("（二）开展行政复议规范化建设，办结案件32件", "行政复议", {"quantified": True}),
    ],
)
def test_flags(sentence: str, term: str, expected: dict[str, bool]) -> None:
    want = {"negated": False, "planned": False, "passing": False, "quantified": False, "slogan": False,
            "restates_outline": False, "earlier_year": False, **expected}
    assert f(sentence, term) == want


def test_literal_prefilter_finds_the_same_hits(checker) -> None:
    """Candidate sentences found by substring search give exactly the hits a full scan gives."""
    from conftest import CORPUS, SAMPLES

    from checker.facts import SectionHeadings, _heading_test, _hit, build_matchers, extract_hits
    from checker.read import read_document
    from checker.segment import segment

    matchers = build_matchers(checker.ruleset.rules)
    paths = sorted(SAMPLES.glob("*.txt")) + sorted(SAMPLES.glob("*.html")) + sorted(CORPUS.glob("*.txt"))
    for path in paths:
        seg = segment(read_document(path))
        fast = [(h.rule, h.sentence, h.start, h.end) for h in extract_hits(seg, matchers)]
        slow = []
        heads = SectionHeadings(seg)
        for sent in seg.sentences:
            for mt in matchers:
                pat = matchers.heading_pattern(mt.rule)
                ctx = _heading_test(pat, heads, sent) if pat is not None else None
                h = _hit(mt.without_prefilter(), seg.document.text, sent, heading_context=ctx)
                if h is not None:
                    slow.append((mt.rule, sent.index, h[0], h[1]))
        assert sorted(fast) == sorted(slow), path.name


def test_literal_masks_and_candidates_match_a_plain_search(checker) -> None:
    """sentences_with and candidates (a scan per sentence, terms visited by their leading
    literals) agree with `in` per literal and sentence and a plain AND/OR of every term's
    clauses, on random texts of literals, with gaps and overlaps between the sentences."""
    import random

    from checker.model import Sentence

    index = checker._matchers
    lits = index.literals
    rng = random.Random(12)
    filler = list("法治政府建设行政执法。，、3 ")
    for _ in range(300):
        pieces = [rng.choice(lits) if rng.random() < 0.5 else rng.choice(filler) for _ in range(rng.randint(1, 30))]
        text = "".join(pieces)
        cuts = sorted(rng.sample(range(len(text) + 1), min(len(text) + 1, rng.randint(1, 10))))
        spans = list(zip(cuts, [*cuts[1:], len(text)], strict=True))
        if rng.random() < 0.3:  # overlapping sentences (segment never makes them)
            spans = [(max(0, a - rng.randint(0, 2)), min(len(text), b + rng.randint(0, 2))) for a, b in spans]
        sentences = [Sentence(i, a, b, "p", None) for i, (a, b) in enumerate(spans)]
        holding = index.sentences_with(text, sentences)
        want = [sum(1 << k for k, s in enumerate(sentences) if lit in text[s.start:s.end]) for lit in lits]
        assert holding == want
        plain = []
        for terms in index.clauses:
            mask = 0
            for term in terms or ():
                common = -1
                for clause in term:
                    union = 0
                    for lid in clause:
                        union |= holding[lid]
                    common &= union
                mask |= common
            plain.append(mask)
        assert index.candidates(holding) == plain


WORDING = OutlineWording(load_outline())


def g(sentence: str, term: str, year: int | None = 2023) -> dict[str, bool]:
    pos = sentence.index(term)
    return flags(sentence, 0, len(sentence), pos, pos + len(term), wording=WORDING, year=year)


@pytest.mark.parametrize(
    ("sentence", "term", "restates"),
    [
        # The outline's own task wording, with nothing done behind it.
        ("全面推行行政执法三项制度，严格规范公正文明执法。", "三项制度", True),
        ("全面严格落实行政执法公示、执法全过程记录、重大执法决定法制审核制度。", "执法公示", True),
        ("推行行政审批告知承诺制，积极推进“证照分离”改革全覆盖。", "告知承诺制", True),
        ("深入实施《优化营商环境条例》，强化公平竞争审查制度刚性约束。", "公平竞争审查", True),
        ("坚持以公开为常态、不公开为例外，全面主动落实政务公开。", "政务公开", True),
        ("严格遵循法定权限和程序作出决策，注重听取法律顾问、公职律师的意见。", "法律顾问", True),
        # Another item's wording copied under this term is still only wording.
        ("健全以“双随机、一公开”监管和“互联网+监管”为基本手段的新型监管机制。", "互联网+监管", True),
        # The same wording with an act of the report's own is work.
        ("全面推行行政执法三项制度，全年公示执法信息1200条。", "三项制度", False),
        ("全面推行行政执法三项制度，3月印发《镇行政执法公示办法》。", "三项制度", False),
        ("全面落实行政裁量权基准制度，修订完善《镇行政处罚裁量基准》。", "裁量权基准", False),
        ("严格落实重大执法决定法制审核制度，已审核重大执法决定。", "法制审核", False),
        ("聘请律师事务所担任政府法律顾问，列席镇党委会议。", "法律顾问", False),
        ("推行行政审批告知承诺制，梳理告知承诺事项清单并在政务服务中心公示。", "告知承诺制", False),
        ("坚持以公开为常态、不公开为例外，开设重点领域信息公开专栏。", "信息公开", False),
        ("按时向社会公开2022年度法治政府建设年度报告。", "年度报告", False),
        ("2023年，全面推行行政执法三项制度，严格规范公正文明执法。", "三项制度", True),
        # Not outline wording at all: the ordinary slogan flag decides, not this one.
        ("镇政府高度重视法治宣传工作。", "法治宣传", False),
    ],
)
def test_restates_outline(sentence: str, term: str, restates: bool) -> None:
    assert restates_outline(sentence, _SentenceScan(sentence, 0, len(sentence)), WORDING) is restates
    # As a flag it is set only where it decides: on a hit that would otherwise be evidence.
    f = g(sentence, term)
    assert f["restates_outline"] is (restates and not f["slogan"])


@pytest.mark.parametrize(
    ("sentence", "term", "earlier"),
    [
        ("权责清单已于2022年编制完成，本年度未作调整。", "权责清单", True),
        ("2022年获评省级法治政府建设示范镇。", "示范", True),
        ("2021年12月，镇政府印发《重大行政决策程序规定》。", "重大行政决策", True),
        ("我镇早在2022年就建立了法律顾问制度。", "法律顾问", True),
        # The report year named, or work running into it: this year's.
        ("2023年以来，共办理行政复议案件12件。", "行政复议", False),
        ("自2021年起实行“局队合一”，至今运行良好。", "局队合一", False),
        ("权责清单2022年底启动编制、2023年完成公布。", "权责清单", False),
        ("在2022年编制权责清单的基础上，动态调整事项15项。", "权责清单", False),
        ("全年办理行政复议案件12件，较2022年增长20%。", "行政复议", False),
        ("与2022年相比，行政诉讼案件下降3件。", "行政诉讼", False),
        ("组织开展2022年度法治政府建设考核。", "法治政府建设考核", False),
        ("贯彻《法治政府建设实施纲要（2021－2025年）》，制定实施方案。", "实施纲要", False),
        ("2022年获评示范镇，今年持续巩固创建成果，完成复核。", "示范", False),
        # A year naming what an act of this year was about.
        ("按时公开2022年法治政府建设年度报告。", "年度报告", False),
        ("完成2022年法治政府建设考核，考核结果已通报。", "法治政府建设考核", False),
        ("2022年12月，镇政府印发《行政执法公示办法》。", "行政执法公示", True),
    ],
)
def test_earlier_year(sentence: str, term: str, earlier: bool) -> None:
    assert g(sentence, term)["earlier_year"] is earlier


@pytest.mark.parametrize(
    ("sentence", "term", "planned"),
    [
        ("到2025年，实现行政执法人员培训全覆盖。", "培训", True),
        ("2024年底前完成权责清单动态调整。", "权责清单", True),
        ("到2023年底，累计培训行政执法人员360人次。", "培训", False),
        ("2023年底前完成权责清单动态调整，调整事项15项。", "权责清单", False),
        ("印发《法治宣传教育第八个五年规划（2021至2025年）》，开展普法活动12场。", "普法", False),
        ("制定法治宣传教育三年行动计划（2023至2025年），开展普法活动12场。", "普法", False),
    ],
)
def test_targets_after_the_report_year_are_plans(sentence: str, term: str, planned: bool) -> None:
    assert g(sentence, term)["planned"] is planned


def test_earlier_year_needs_the_report_year() -> None:
    assert g("权责清单已于2022年编制完成，本年度未作调整。", "权责清单", year=None)["earlier_year"] is False


def _seg(text: str) -> Segmented:
    return segment(Document(source="<t>", text=text, format="txt", encoding="utf-8"))


@pytest.mark.parametrize(
    ("text", "planned"),
    [
        # The sentence after "下一步，…" in the same paragraph is planned too.
        ("一、主要举措\n办理行政复议案件12件。\n下一步，我镇将继续深化改革。加强行政复议工作，提升办案质量。\n"
         "二、存在的不足\n人员不足。\n三、下一步安排\n完善制度。", {"加强行政复议工作，提升办案质量。"}),
        # …and the list items after a lead that ends with "：".
        ("一、主要举措\n下一步，我们将重点抓好以下工作：\n一是加强行政复议工作。\n二是规范执法公示。\n"
         "（二）规范执法\n公示执法信息。", {"一是加强行政复议工作", "二是规范执法公示"}),
        # A new paragraph, or a heading in a report run into one line, ends it.
        ("一、主要举措\n下一步，我镇将继续深化改革。\n加强行政复议工作，办结案件12件。", set()),
        ("一、主要举措 （一）执法 下一步，我镇将继续深化改革。（二）复议 办结行政复议案件12件。", set()),
        ("力争到2025年实现执法全覆盖。开展执法检查。", set()),
        # In one paragraph: the items of an announced list are plans, the section's next item is not.
        ("一、主要举措\n下一步，我们将：一是加强行政复议工作；二是规范执法公示。",
         {"一是加强行政复议工作", "二是规范执法公示"}),
        ("一、主要举措\n一是规范执法。下一步，将继续推进。二是强化复议，办结案件12件。", set()),
    ],
)
def test_planned_paragraphs(text: str, planned: set[str]) -> None:
    seg = _seg(text)
    got = {text[s.start:s.end] for s in seg.sentences if s.index in planned_paragraphs(text, seg.sentences)}
    assert got == planned


def test_plan_and_negation_inside_measures_are_not_evidence(checker) -> None:
    """Plans and negations in the measures part never give evidence, wherever they stand."""
    from checker.ruletest import gives_evidence

    for rule, sentence in [
        ("C22.01", "下一步，我镇将推进行政复议规范化建设。"),
        ("C04.01", "力争到2025年完成权责清单动态调整。"),
        ("C10.01", "尚未建立政府法律顾问参与决策的制度。"),
        ("C27.01", "还没有开展政府信息主动公开专项检查。"),
    ]:
        assert gives_evidence(checker, rule, sentence) is False, sentence


def test_section_heading_gives_context() -> None:
    text = ("一、主要举措\n（一）坚持依法决策\n聘请律师作为法律顾问，参与行政行为全过程。\n"
            "二、存在的不足\n（一）执法\n不足。")
    seg = _seg(text)
    heads = SectionHeadings(seg)
    sent = next(s for s in seg.sentences if "聘请" in text[s.start:s.end])
    assert "坚持依法决策" in heads.of(sent)
    # A sentence of the next part never takes the sub-heading of the part before.
    later = next(s for s in seg.sentences if text[s.start:s.end] == "不足。")
    assert "坚持依法决策" not in heads.of(later)


def test_a_report_year_the_text_does_not_bear_out_dates_nothing() -> None:
    text = ("一、主要举措\n2023年3月，印发《实施方案》。2023年6月，召开会议。权责清单已于2023年编制完成。\n"
            "二、存在的不足\n不足。")
    seg = _seg(text)
    assert year_borne_out(text, seg.sentences, 2023)
    assert not year_borne_out(text, seg.sentences, 2024)  # e.g. the publication year taken for it


# ---- the per-sentence answers flags reads agree with the searches they stand for ----

_EDGES = [
    "对拟出台的规范性文件开展合法性审核19件。",
    "拟于明年出台行政执法监督办法，争取在年内完成。",
    "将法治建设纳入年度综合考核，全年计划开展培训5次，实际开展6次。",
    "下一步将继续加强应诉工作，到2025年实现全覆盖，2024年底前完成清单调整。",
    "行政问责机制尚未健全，缺乏专业队伍，有待完善。",
]


def _sentences_of_samples() -> list[tuple[str, int, int]]:
    from conftest import SAMPLES

    from checker.read import read_document

    out = [(s, 0, len(s)) for s in _EDGES]
    for path in sorted(SAMPLES.glob("*.txt"))[:4]:
        seg = segment(read_document(path))
        out += [(seg.document.text, s.start, s.end) for s in seg.sentences]
    return out


def test_scan_answers_match_the_searches() -> None:
    """planned_before, future_before and the clause negations equal the searches up to each end."""
    from checker.facts import NEGATION, PLAN, _future_target, _plan_counts

    for text, a, b in _sentences_of_samples():
        scan = _SentenceScan(text, a, b)
        for end in range(a + 1, b + 1):
            slow = any(_plan_counts(text, scan, m) for m in PLAN.finditer(text, a, end))
            assert scan.planned_before(text, end) is slow, (text[a:b], end - a)
            for year in (2022, 2023):
                assert scan.future_before(text, end, year) is _future_target(text, a, end, year)
        for pos in range(a, b):
            c0, c1 = scan.clause(pos, pos + 1)
            k = next((n for n in scan.negations if n >= c0), None)
            assert (k is not None and k < c1) is (NEGATION.search(text, c0, c1) is not None)


def _restates_by_sets(sentence: str, wording: OutlineWording) -> bool:
    """restates_outline as first written (sets of character offsets, a lookup per position)."""
    from checker.facts import DIGIT, FIGURE, FILLER, HAN_RUN, LEAD_YEAR, NGRAM, RESTATE_SHARE, WORDING_CUT, _acts

    if FIGURE.search(sentence):
        return False
    lead = LEAD_YEAR.match(sentence)
    if DIGIT.search(sentence, lead.end() if lead else 0):
        return False
    found: list[tuple[tuple[int, ...], tuple[int, ...]]] = []
    total = pos = 0
    for m in [*WORDING_CUT.finditer(sentence), None]:
        stop = m.start() if m else len(sentence)
        offsets = [k for r in HAN_RUN.finditer(sentence, pos, stop) for k in range(r.start(), r.end())]
        total += len(offsets)
        han = "".join(sentence[k] for k in offsets)
        found += [(tuple(offsets[k:k + NGRAM]), wording.index[han[k:k + NGRAM]])
                  for k in range(len(han) - NGRAM + 1) if han[k:k + NGRAM] in wording.index]
        pos = m.end() if m else pos
    if total < NGRAM or not found:
        return False
    need = RESTATE_SHARE * total
    filler = {i for m in FILLER.finditer(sentence) for i in range(m.start(), m.end())}
    per_item: dict[int, set[int]] = {}
    for offsets, items in found:
        for it in items:
            per_item.setdefault(it, set()).update(offsets)
    for shared in per_item.values():
        inside = shared | filler
        if len(inside) >= need and not any(k not in inside and "\u4e00" <= sentence[k] <= "\u9fff"
                                           for a, b in _acts(sentence) for k in range(a, b)):
            return True
    return False


def test_restates_outline_agrees_with_sets_on_generated_sentences() -> None:
    """The bit-set, automaton-found restates_outline equals the set-based one (random sentences)."""
    import random

    rng = random.Random(5)
    texts = [t for it in load_outline().items.values() if it.scored and (t := it.text.get("zh", ""))]
    marks = ["，", "、", "“", "”", "：", " ", "全面", "推进", "已", "了", "开展", "《办法》", "2023年，", "12件", "abc"]
    seen = set()
    for _ in range(600):
        parts = []
        for _ in range(rng.randint(1, 8)):
            t = rng.choice(texts)
            a = rng.randrange(len(t))
            parts += [t[a:a + rng.randint(2, 16)], rng.choice(marks)]
        sentence = "".join(parts) + "。"
        got = restates_outline(sentence, _SentenceScan(sentence, 0, len(sentence)), WORDING)
        assert got is _restates_by_sets(sentence, WORDING), sentence
        seen.add(got)
    assert seen == {True, False}


def test_stepped_ends_at_the_text_end() -> None:
    """A term pattern that matches empty at the text's end no longer loops forever."""
    import re

    from checker.facts import _stepped

    assert _stepped(re.compile("x?"), "abxcd", 0, 5) == [(2, 3)]
