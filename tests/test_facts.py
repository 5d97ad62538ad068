"""The generic hit flags: negated, planned, passing, quantified."""

from __future__ import annotations

import pytest

from checker.facts import flags


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
    ],
)
def test_flags(sentence: str, term: str, expected: dict[str, bool]) -> None:
    want = {"negated": False, "planned": False, "passing": False, "quantified": False, "slogan": False,
            **expected}
    assert f(sentence, term) == want


def test_literal_prefilter_finds_the_same_hits(checker) -> None:
    """Candidate sentences found by substring search give exactly the hits a full scan gives."""
    from conftest import CORPUS, SAMPLES

    from checker.facts import _hit, build_matchers, extract_hits
    from checker.read import read_document
    from checker.segment import segment

    matchers = build_matchers(checker.ruleset.rules)
    paths = sorted(SAMPLES.glob("*.txt")) + sorted(SAMPLES.glob("*.html")) + sorted(CORPUS.glob("*.txt"))
    for path in paths:
        seg = segment(read_document(path))
        fast = [(h.rule, h.sentence, h.start, h.end) for h in extract_hits(seg, matchers)]
        slow = []
        for sent in seg.sentences:
            for mt in matchers:
                h = _hit(mt.without_prefilter(), seg.document.text, sent)
                if h is not None:
                    slow.append((mt.rule, sent.index, h[0], h[1]))
        assert sorted(fast) == sorted(slow), path.name
