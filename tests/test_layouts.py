"""Full reports in every layout real reports use, with the parts and headings each must yield.

The fixtures in tests/fixtures/layouts/ are written for these tests (no published text). Each
row names, per required part, the heading it must be found under (None: the part is present
without a heading of its own, found from the text; ABSENT: the report lacks it).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from checker.cli import cli
from checker.model import Document
from checker.read import read_document
from checker.segment import segment

LAYOUTS = Path(__file__).parent / "fixtures" / "layouts"
ABSENT = "<absent>"
CONTENT = None  # present, found from the text rather than under a heading

MEASURES_2024 = "2024年推进法治政府建设的主要举措和成效"
FR_FULL = "党政主要负责人履行推进法治建设第一责任人职责情况"
GUANGDONG_MEASURES = (
    "2024年推进法治政府建设的主要举措和成效、贯彻落实《法治政府建设实施纲要(2021-2025年)》"
    "和《广东省法治政府建设实施纲要（2021—2025年）》的情况"
)

# file: {part: heading}, for measures, shortcomings, first_responsible, next_year (+ study, other).
EXPECTED: dict[str, dict[str, str | None]] = {
    "standard.txt": {
        "measures": MEASURES_2024,
        "shortcomings": "2024年推进法治政府建设存在的不足和原因",
        "first_responsible": "党政主要负责人履行推进法治建设第一责任人职责，加强法治政府建设的有关情况",
        "next_year": "2025年推进法治政府建设的主要安排",
        "other": "其他需要报告的情况",
    },
    "guangdong.txt": {
        "study": "学习贯彻习近平法治思想情况",
        "measures": GUANGDONG_MEASURES,
        "shortcomings": "存在的不足和原因",
        "first_responsible": FR_FULL,
        "next_year": "2025年推进法治政府建设的主要安排",
    },
    "merged-subheadings.txt": {
        "measures": "主要举措和成效",
        "shortcomings": "存在的问题",
        "first_responsible": CONTENT,
        "next_year": "下一步工作打算",
    },
    "merged-plain.txt": {
        "measures": "主要做法和成效",
        "shortcomings": "存在的问题及下一步工作打算",
        "first_responsible": CONTENT,
        "next_year": "存在的问题及下一步工作打算",
    },
    "first-resp-part-one.txt": {
        "measures": "2023年推进法治政府建设的主要举措和成效",
        "shortcomings": "存在的不足和原因",
        "first_responsible": FR_FULL,
        "next_year": "2024年推进法治政府建设的主要安排",
    },
    "first-resp-subheading.txt": {
        "measures": "法治政府建设主要举措",
        "shortcomings": "存在的不足",
        "first_responsible": "主要负责人履行推进法治建设第一责任人职责情况",
        "next_year": "下一年度工作计划",
        "other": "其他需要报告的情况",
    },
    "first-resp-absent.txt": {
        "measures": MEASURES_2024,
        "shortcomings": "存在的不足和原因",
        "first_responsible": ABSENT,
        "next_year": "2025年推进法治政府建设的主要安排",
    },
    "combined-heading.txt": {
        "measures": "2023年法治政府建设主要举措、成效及党政主要负责人履行推进法治建设第一责任人职责情况",
        "shortcomings": "存在的不足和原因",
        "first_responsible": "2023年法治政府建设主要举措、成效及党政主要负责人履行推进法治建设第一责任人职责情况",
        "next_year": "2024年推进法治政府建设的主要安排",
    },
    "thematic.txt": {
        "measures": "强化组织领导，夯实法治基础",
        "shortcomings": "存在的问题与不足",
        "first_responsible": ABSENT,
        "next_year": "下一步工作计划",
    },
    "partno.txt": {
        "measures": "2023年推进法治政府建设的主要举措和成效",
        "shortcomings": "存在的不足和原因",
        "first_responsible": FR_FULL,
        "next_year": "2024年推进法治政府建设的主要安排",
    },
    "yishi.txt": {
        "measures": "主要举措和成效",
        "shortcomings": "存在的不足和原因",
        "first_responsible": FR_FULL,
        "next_year": "2025年工作安排",
    },
    "arabic-numbered.txt": {
        "measures": "主要举措和成效",
        "shortcomings": "存在的不足和原因",
        "first_responsible": "主要负责人履行推进法治建设第一责任人职责情况",
        "next_year": "2024年工作计划",
    },
    "oneline.txt": {
        "measures": "主要举措和成效",
        "shortcomings": "存在的问题",
        "first_responsible": FR_FULL,
        "next_year": "2025年工作安排",
    },
    "oneline-tight.txt": {
        "measures": "2023年推进法治政府建设的主要举措和成效",
        "shortcomings": "存在的不足和原因",
        "first_responsible": ABSENT,
        "next_year": "2024年推进法治政府建设的主要安排",
    },
    "markdown.txt": {
        "measures": "主要举措和成效",
        "shortcomings": "存在的不足和原因",
        "first_responsible": "主要负责人履行推进法治建设第一责任人职责情况",
        "next_year": "2025年工作安排",
    },
    "markdown.md": {
        "measures": "主要举措和成效",
        "shortcomings": "存在的不足和原因",
        "first_responsible": "主要负责人履行推进法治建设第一责任人职责情况",
        "next_year": "2025年工作安排",
    },
    "markdown-numbered.txt": {
        "measures": MEASURES_2024,
        "shortcomings": "存在的不足和原因",
        "first_responsible": FR_FULL,
        "next_year": "2025年推进法治政府建设的主要安排",
    },
    "other-order.txt": {
        "measures": MEASURES_2024,
        "shortcomings": "存在的不足和原因",
        "first_responsible": FR_FULL,
        "next_year": "2025年推进法治政府建设的主要安排",
    },
    "next-step-paragraphs.txt": {
        "measures": MEASURES_2024,
        "shortcomings": "存在的不足和原因",
        "first_responsible": FR_FULL,
        "next_year": "2025年推进法治政府建设的主要安排",
    },
    "basic-situation.txt": {
        "measures": "基本情况",
        "shortcomings": "存在的短板",
        "first_responsible": "党政主要负责人履职情况",
        "next_year": "下一步工作思路",
    },
}


def test_every_fixture_has_a_row() -> None:
    assert {p.name for p in LAYOUTS.iterdir()} == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_parts_and_headings(checker, name: str) -> None:
    result = checker.check_path(LAYOUTS / name)
    got = {p.id: p for p in result.parts}
    for pid, heading in EXPECTED[name].items():
        status = got[pid]
        if heading == ABSENT:
            assert not status.present, (pid, status)
            continue
        assert status.present, pid
        assert status.heading == heading, (pid, status.heading)
        if heading is CONTENT:
            assert status.how == "content", pid
    for pid in ("study", "other"):
        if pid not in EXPECTED[name]:
            assert not got[pid].present, pid
    assert not {f.rule for f in result.findings} & {"Q.structure-measures", "Q.structure-figures"}


def _part_text(name: str, pid: str) -> str:
    doc = read_document(LAYOUTS / name)
    seg = segment(doc)
    return "".join(doc.text[p.start:p.end] for p in seg.parts if p.id == pid and not p.embedded)


@pytest.mark.parametrize("name", ["merged-subheadings.txt", "merged-plain.txt"])
def test_merged_part_is_split_where_the_plans_begin(name: str) -> None:
    short, plans = _part_text(name, "shortcomings"), _part_text(name, "next_year")
    assert "原因" in short
    assert "将" not in short and "计划" not in short and "年内" not in short
    assert plans.lstrip().startswith(("（二）下一步工作打算", "下一步，我局将"))
    assert "原因" not in plans


def test_sentences_in_a_merged_part_get_their_side() -> None:
    doc = read_document(LAYOUTS / "merged-plain.txt")
    seg = segment(doc)
    where = {doc.text[s.start:s.end]: s.part for s in seg.sentences}
    assert where["究其原因，主要是专业人员配备不足，培训针对性不强。"] == "shortcomings"
    assert where["下一步，我局将从以下方面着力："] == "next_year"


def test_next_step_paragraphs_stay_in_their_section() -> None:
    """"下一步" closing each section of the measures part does not open a next-year part."""
    doc = read_document(LAYOUTS / "next-step-paragraphs.txt")
    seg = segment(doc)
    assert [p.id for p in seg.parts if not p.embedded] == [
        "preamble", "measures", "shortcomings", "first_responsible", "next_year"]
    s = next(s for s in seg.sentences if doc.text[s.start:s.end].startswith("下一步，我区将持续深化"))
    assert s.part == "measures" and s.section == "规范行政执法"


@pytest.mark.parametrize("fmt", ["text", "markdown", "html", "json"])
def test_every_output_names_the_heading(fmt: str) -> None:
    path = LAYOUTS / "guangdong.txt"
    out = CliRunner().invoke(cli, ["check", str(path), "--format", fmt, "--no-fail"]).output
    if fmt == "json":
        parts = json.loads(out)["reports"][0]["parts"]
        assert parts["measures"]["heading"] == GUANGDONG_MEASURES
        assert parts["first_responsible"]["heading"] == FR_FULL
    else:
        assert GUANGDONG_MEASURES in out
        assert FR_FULL in out


# ---- implausible structures (rules/quality.yaml Q.structure-*) ---------------------------------

_FIGURES = "全年组织培训12次，覆盖干部340人次，审查文件28件，办理案件57件，公开信息1260条。"


def _check(checker, text: str):
    title = text.split("\n", 1)[0]
    doc = Document(source="s.txt", text=text, format="txt", encoding="utf-8", fields={"title": title})
    return checker.check_document(doc)


def _structure_findings(result) -> set[str]:
    return {f.rule for f in result.findings if f.rule.startswith("Q.structure-")}


def test_figures_only_in_plans_are_implausible(checker) -> None:
    text = ("梅林县人民政府关于2024年度法治政府建设情况的报告\n一、主要举措和成效\n坚持依法行政，推进法治政府建设。\n"
            "二、存在的不足和原因\n法治意识有待提高，主要原因是培训不足。\n"
            "三、2025年工作安排\n" + _FIGURES * 6 + "\n")
    r = _check(checker, text)
    assert _structure_findings(r) == {"Q.structure-figures", "Q.structure-measures"}, r.quality
    assert r.quality["next_year_figure_share"] == 100
    finding = next(f for f in r.findings if f.rule == "Q.structure-figures")
    assert finding.args["next_year_figures"] == 30


def test_long_report_without_measures_is_implausible(checker) -> None:
    text = ("梅林镇2024年度法治政府建设工作报告\n一、存在的不足和原因\n" + "执法人员力量不足，主要原因是编制紧张。" * 30
            + "\n二、2025年工作安排\n" + "计划加强执法培训，力争年内实现全覆盖。" * 30 + "\n")
    r = _check(checker, text)
    assert r.quality["measures_chars"] == 0 and r.quality["body_chars"] >= 1000
    assert "Q.structure-measures" in _structure_findings(r)


def test_short_report_without_measures_gets_the_structure_rule_only(checker) -> None:
    text = "梅林镇2024年度法治政府建设工作报告\n一、存在的不足和原因\n力量不足。\n二、2025年工作安排\n加强培训。\n"
    r = _check(checker, text)
    assert "S.measures" in {f.rule for f in r.findings}
    assert not _structure_findings(r)


def test_a_year_in_a_cited_title_no_longer_moves_the_measures(checker) -> None:
    """The Guangdong measures heading once read as next year's plans: every figure 'planned'."""
    r = checker.check_path(LAYOUTS / "guangdong.txt")
    assert r.quality["measures_share"] > 30
    assert r.quality["next_year_figure_share"] < 50
    assert not _structure_findings(r)
