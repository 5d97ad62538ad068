"""Report-quality checks (rules/quality.yaml over checker/quality.py measures)."""

from __future__ import annotations

import pytest

from checker.model import Document
from checker.quality import FIELDS
from checker.ruleset.compile import FACT_FIELDS

GOOD = """云溪县人民政府关于2024年度法治政府建设情况的报告
一、2024年推进法治政府建设的主要举措和成效
全年主动公开政府信息1265条，办理依申请公开43件，组织会前学法12次。
审查规范性文件28件，办理行政复议案件31件，纠错率9.7%。
二、存在的不足和原因
行政复议案件办理周期偏长，主要原因是复议机构仅有专职人员2名。
三、党政主要负责人履行推进法治建设第一责任人职责情况
县长主持召开县政府常务会议研究法治工作4次，带头出庭应诉2次。
四、2025年推进法治政府建设的主要安排
年底前出台《云溪县行政复议工作规则》，全年组织执法培训不少于6期。
"""


def check(checker, text: str):
    title = text.split("\n", 1)[0]
    doc = Document(source="q.txt", text=text, format="txt", encoding="utf-8", fields={"title": title})
    return checker.check_document(doc)


def fired(result) -> set[str]:
    return {f.rule for f in result.findings if f.kind == "quality"}


def test_fields_match_fact_vocabulary() -> None:
    assert set(FIELDS) == set(FACT_FIELDS["quality"])


def test_good_report_has_no_quality_findings(checker) -> None:
    r = check(checker, GOOD)
    assert fired(r) == set(), r.quality
    assert r.quality["figures_per_k"] > 5


@pytest.mark.parametrize(
    ("old", "new", "rule"),
    [
        ("主要原因是复议机构仅有专职人员2名", "复议机构有待加强", "Q.shortcomings-causes"),
        ("行政复议案件办理周期偏长，主要原因是复议机构仅有专职人员2名。",
         "法治思维有待提升，工作开展不够均衡，主要原因是认识不足。", "Q.shortcomings-specific"),
        ("年底前出台《云溪县行政复议工作规则》，全年组织执法培训不少于6期。",
         "进一步加强法治政府建设，推动各项工作再上新台阶。", "Q.next-year-concrete"),
        ("县长主持召开县政府常务会议研究法治工作4次，带头出庭应诉2次。",
         "县政府主要负责人高度重视法治政府建设，切实扛起第一责任人责任。", "Q.first-responsible-acts"),
        ("云溪县人民政府关于2024年度法治政府建设情况的报告", "云溪县工作总结", "Q.title-form"),
    ],
)
def test_each_quality_rule_fires(checker, old: str, new: str, rule: str) -> None:
    assert old in GOOD
    assert rule in fired(check(checker, GOOD.replace(old, new)))


def test_concreteness_index(checker) -> None:
    text = GOOD
    for fig in ("1265条", "43件", "12次", "28件", "31件", "9.7%", "4次", "2次"):
        text = text.replace(fig, "若干")
    r = check(checker, text)
    assert "Q.concreteness" in fired(r)
    finding = next(f for f in r.findings if f.rule == "Q.concreteness")
    assert "figures_per_k" in finding.args


def test_year_consistency(checker) -> None:
    text = GOOD.replace("全年主动公开", "2023年主动公开").replace("审查规范性文件", "2023年审查规范性文件")
    r = check(checker, text)
    assert r.quality["dominant_year"] == 2023
    assert "Q.year-consistency" in fired(r)


def test_quality_does_not_change_the_score(checker) -> None:
    a = check(checker, GOOD)
    b = check(checker, GOOD.replace("主要原因是复议机构仅有专职人员2名", "复议机构有待加强"))
    assert fired(b) - fired(a)  # b has a quality finding a has not …
    assert [(i.id, i.status) for i in a.items] == [(i.id, i.status) for i in b.items]
    assert a.score == b.score  # … and the same score, to the last part


def test_quality_findings_alone_do_not_move_the_score(checker) -> None:
    r = check(checker, GOOD)
    poor = check(checker, GOOD.replace("主要原因是复议机构仅有专职人员2名", "复议机构有待加强"))
    assert fired(poor)
    # The score is made of the item verdicts, the required parts and timeliness alone: recomputed
    # from them (no finding, quality or other, is an input) it is the result's score.
    from checker.score import score as score_of

    for res in (r, poor):
        assert score_of(checker.ruleset, res.items, res.required_parts, res.timeliness.status, res.profile) == res.score
