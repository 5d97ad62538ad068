from __future__ import annotations

from pathlib import Path

import pytest

from checker.model import Document
from checker.read import read_document
from checker.segment import classify_heading, cn_number, segment, title_year


def doc(text: str) -> Document:
    return Document(source="t", text=text, format="txt", encoding="utf-8", fields={})


@pytest.mark.parametrize(("s", "n"), [("一", 1), ("十", 10), ("十二", 12), ("二十", 20), ("三十五", 35), ("7", 7)])
def test_cn_number(s: str, n: int) -> None:
    assert cn_number(s) == n


@pytest.mark.parametrize(
    ("heading", "part"),
    [
        ("2023年推进法治政府建设的主要举措和成效", None),
        ("基本情况", None),
        ("强化统筹、压实责任,强化法治政府建设保障", None),
        ("存在的问题与不足", "shortcomings"),
        ("2023年法治政府建设存在的不足", "shortcomings"),
        ("短板和差距", "shortcomings"),
        ("下一步的工作计划", "next_year"),
        ("下一年度推进法治政府建设的主要安排", "next_year"),
        ("2024年法治政府建设主要工作安排", "next_year"),
        ("2024年工作重点", "next_year"),
        ("县政府主要负责人履行法治建设第一责任人、加强法治政府建设有关情况", "first_responsible"),
        ("其他需要报告的情况", "other"),
        ("学习贯彻习近平法治思想情况", "study"),
        ("学习贯彻党的二十大精神情况", "study"),
        ("学习贯彻党的二十大精神，推进法治政府建设取得新成效", None),
    ],
)
def test_classify_heading(heading: str, part: str | None) -> None:
    assert classify_heading(heading, 2023, top=True) == part


def test_run_together_headings() -> None:
    text = ("某镇2023年度法治政府建设工作报告\n现将情况报告如下: 一、强化统筹 全年开展培训3次。 "
            "二、健全机制 (一)严格审查。审核合同32件。(二)决策目录化。公布目录1份。 "
            "三、存在的问题与不足 一是思路故旧。 四、下一步的工作计划 一是强化数字化执法。")
    seg = segment(doc(text))
    ids = [p.id for p in seg.parts if not p.embedded]
    assert ids == ["preamble", "measures", "measures", "shortcomings", "next_year"]
    second = next(p for p in seg.parts if p.heading == "健全机制")
    assert [s.heading for s in second.sections] == ["严格审查", "决策目录化"]


def test_embedded_first_responsible_section() -> None:
    text = ("一、主要举措和成效\n（一）依法决策\n审查议题12件。\n（二）主要负责人履行第一责任人职责情况\n"
            "书记主持召开专题会议3次。\n二、存在的不足和原因\n执法力量不足。\n三、下一步工作安排\n加强培训。\n")
    seg = segment(doc(text))
    fr = [p for p in seg.parts if p.id == "first_responsible"]
    assert len(fr) == 1 and fr[0].embedded
    s = next(s for s in seg.sentences if "主持召开" in text[s.start:s.end])
    assert s.part == "first_responsible"


def test_no_headings_is_all_measures() -> None:
    seg = segment(doc("全年主动公开政府信息12条。下一步将加强培训。"))
    assert [p.id for p in seg.parts] == ["measures"]
    assert len(seg.sentences) == 2


def test_sentence_offsets_quote_source(corpus: Path) -> None:
    for path in sorted(corpus.glob("*.txt")):
        d = read_document(path)
        seg = segment(d)
        assert seg.sentences, path.name
        for s in seg.sentences:
            piece = d.text[s.start:s.end]
            assert piece == piece.strip() and piece
        for p in seg.parts:
            assert 0 <= p.start < p.end <= len(d.text)


def test_corpus_parts_match_labels(corpus: Path, labels: dict, checker) -> None:
    for name, gold in labels.items():
        result = checker.check_path(corpus / name)
        got = {p.id: p.present for p in result.parts}
        for part, present in gold["parts"].items():
            assert got[part] == present, (name, part)


def test_every_heading_the_outline_data_lists_is_read_as_its_part() -> None:
    """outline/report-requirements.yaml lists heading wordings per part; segmentation must agree."""
    from checker.outline import load_outline

    outline = load_outline()
    for pid, part in outline.parts.items():
        for heading in part.headings:
            assert (classify_heading(heading, 2023, top=True) or "measures") == pid, heading


@pytest.mark.parametrize(
    ("heading", "part"),
    [
        # Years inside cited titles, document numbers and ranges say nothing about the part.
        ("2024年推进法治政府建设的主要举措和成效、贯彻落实《法治政府建设实施纲要(2021-2025年)》"
         "和《广东省法治政府建设实施纲要（2021—2025年）》的情况", None),
        ("贯彻落实《法治政府建设实施纲要（2021—2025年）》情况", None),
        ("落实厅字〔2025〕28号文件情况", None),
        ("2024年法治政府建设三年行动计划（2024-2026年）完成情况", None),
        ("《2025年法治政府建设工作要点》", None),
        # …while a year after the year reported on still makes next year's part.
        ("2025年工作重点", "next_year"),
        ("2025年推进法治政府建设的主要安排（对照《纲要（2021-2025年）》）", "next_year"),
        # Merged parts read as shortcomings here (segment() splits them).
        ("存在的问题及下一步工作打算", "shortcomings"),
        # Measures wording before first-responsibility wording: a measures heading naming both.
        ("2024年主要举措、成效及党政主要负责人履职情况", None),
        ("党政主要负责人履行推进法治建设第一责任人职责工作情况", "first_responsible"),
    ],
)
def test_classify_heading_years_and_combinations(heading: str, part: str | None) -> None:
    assert classify_heading(heading, 2024, top=True) == part


def test_title_year_ignores_cited_ranges() -> None:
    d = Document(source="t", text="贯彻《纲要（2021—2025年）》，2024年度报告", format="txt", encoding="utf-8")
    assert title_year(d) == 2024


def _ids(text: str) -> list[tuple[str, str]]:
    seg = segment(doc(text))
    return [(p.id, p.heading) for p in seg.parts if p.id != "preamble"]


def test_markdown_headings_without_numbers() -> None:
    text = ("# 某镇2024年度法治政府建设报告\n\n## 主要举措和成效\n\n### 依法决策\n\n审查议题12件。\n\n"
            "### 主要负责人履职情况\n\n书记主持会议3次。\n\n## 存在的不足\n\n力量不足。\n\n"
            "## 2025年工作计划\n\n加强培训。\n")
    assert _ids(text) == [("measures", "主要举措和成效"), ("shortcomings", "存在的不足"),
                          ("next_year", "2025年工作计划"), ("first_responsible", "主要负责人履职情况")]
    s = next(s for s in segment(doc(text)).sentences if s.start == text.index("## 存在"))
    assert s.heading and text[s.start:s.end] == "## 存在的不足"


def test_part_numbers_with_sections_numbered_one_two() -> None:
    text = ("某县2023年度报告\n第一部分 主要举措和成效\n一、依法决策\n审查12件。\n"
            "二、主要负责人履行第一责任人职责情况\n县长主持会议3次。\n第二部分 存在的不足\n力量不足。\n"
            "第三部分 下一步工作计划\n一、加强培训\n培训8期。\n")
    assert _ids(text) == [("measures", "主要举措和成效"), ("shortcomings", "存在的不足"),
                          ("next_year", "下一步工作计划"), ("first_responsible", "主要负责人履行第一责任人职责情况")]


def test_parts_numbered_yishi() -> None:
    text = ("某镇2023年度法治政府建设报告\n一是主要举措和成效。审查合同12份。\n二是存在的问题。执法力量不足。\n"
            "三是下一步工作打算。加强培训。\n")
    assert [p for p, _ in _ids(text)] == ["measures", "shortcomings", "next_year"]


def test_merged_part_split_at_a_plan_sub_heading_without_plan_wording() -> None:
    """No sub-heading names the plans, but the one that opens them starts in plan language."""
    text = ("某镇2023年度报告\n一、主要举措和成效\n审查12件。\n二、存在的问题和下一步打算\n（一）执法力量不足\n"
            "执法人员仅3名。\n（二）加强执法队伍建设\n下一步将招录执法人员2名。\n")
    seg = segment(doc(text))
    nxt = next(p for p in seg.parts if p.id == "next_year")
    assert text[nxt.start:].startswith("（二）加强执法队伍建设")
    short = next(p for p in seg.parts if p.id == "shortcomings")
    assert short.end == nxt.start and [s.heading for s in short.sections] == ["执法力量不足"]


def test_merged_part_without_plans_stays_shortcomings() -> None:
    text = "某镇2023年度报告\n一、主要举措和成效\n审查12件。\n二、存在的问题及下一步打算\n执法力量不足，人员仅3名。\n"
    assert [p for p, _ in _ids(text)] == ["measures", "shortcomings"]


def test_first_responsible_sub_heading_in_a_plan_is_a_plan() -> None:
    text = ("某镇2023年度报告\n一、主要举措和成效\n审查12件。\n二、下一步工作计划\n（一）压实第一责任人职责\n"
            "将组织述法1次。\n")
    assert "first_responsible" not in [p for p, _ in _ids(text)]


def test_inline_sub_heading_ends_the_heading() -> None:
    text = "某镇2023年度报告 一、主要举措和成效（一）依法决策。审查12件。二、存在的不足一是力量不足。"
    assert _ids(text)[:2] == [("measures", "主要举措和成效"), ("shortcomings", "存在的不足")]


@pytest.mark.parametrize(
    ("heading", "part"),
    [
        ("2024年推进法治政府建设的主要举措和成效", None),  # the title said 2023年度: results are not plans
        ("2024年工作任务完成情况", None),
        ("下一步工作举措", "next_year"),
        ("2024年工作思路和主要举措", "next_year"),
    ],
)
def test_results_wording_beats_a_later_year(heading: str, part: str | None) -> None:
    assert classify_heading(heading, 2023, top=True) == part


def test_measures_heading_naming_first_responsibility() -> None:
    head = "一、2023年主要举措、成效及主要负责人履职情况\n"
    plain = head + "（一）依法决策\n审查12件。\n二、存在的不足\n力量不足。\n"
    seg = segment(doc(plain))
    fr = [p for p in seg.parts if p.id == "first_responsible"]
    assert [p.id for p in seg.parts if not p.embedded] == ["measures", "shortcomings"]
    assert len(fr) == 1 and fr[0].embedded and fr[0].heading.startswith("2023年主要举措")
    # Its sentences stay measures (the whole part is not first-responsibility content)…
    assert next(s for s in seg.sentences if plain[s.start:s.end] == "审查12件。").part == "measures"
    # …and a sub-section of its own replaces the heading's mention.
    with_sub = (head + "（一）依法决策\n审查12件。\n（二）主要负责人履职情况\n县长主持会议3次。\n"
                "二、存在的不足\n力量不足。\n")
    fr = [p for p in segment(doc(with_sub)).parts if p.id == "first_responsible"]
    assert [p.heading for p in fr] == ["主要负责人履职情况"]


def test_merged_sub_section_of_the_measures_is_split_too() -> None:
    text = ("某镇2023年度法治政府建设报告\n一、工作开展情况\n（一）依法决策\n审查12件。\n（二）存在问题及下步打算\n"
            "执法人员仅3名，力量不足。下步将招录执法人员2名。\n")
    seg = segment(doc(text))
    where = {text[s.start:s.end]: s.part for s in seg.sentences}
    assert where["执法人员仅3名，力量不足。"] == "shortcomings"
    assert where["下步将招录执法人员2名。"] == "next_year"
    assert where["审查12件。"] == "measures"


def test_title_year_skips_a_publication_date() -> None:
    d = Document(source="t", text="发布时间：2024年3月25日\n某镇2023年度法治政府建设工作报告\n", format="txt",
                 encoding="utf-8")
    assert title_year(d) == 2023


def test_plans_closing_the_last_part_without_a_heading_of_their_own() -> None:
    text = ("某镇2023年度法治政府建设报告\n一、主要举措和成效\n审查12件。下一步将继续审查。\n二、存在的不足\n"
            "执法人员仅3名，力量不足。\n下一步，我镇将招录执法人员2名。\n")
    seg = segment(doc(text))
    nxt = [p for p in seg.parts if p.id == "next_year"]
    assert len(nxt) == 1 and nxt[0].embedded and nxt[0].heading == "存在的不足"
    assert text[nxt[0].start:].startswith("下一步，我镇将")
    where = {text[s.start:s.end]: s.part for s in seg.sentences}
    assert where["执法人员仅3名，力量不足。"] == "shortcomings"
    assert where["下一步将继续审查。"] == "measures"  # plans inside the measures stay there


def test_no_trailing_plan_split_when_a_plan_part_exists() -> None:
    text = ("某镇2023年度法治政府建设报告\n一、2024年工作计划\n培训3次。\n二、存在的不足\n力量不足。\n"
            "下一步，我镇将招录2名。\n")
    assert [p.id for p in segment(doc(text)).parts if p.id == "next_year"] == ["next_year"]


def test_plans_sub_section_closing_the_shortcomings_part() -> None:
    text = ("某镇2023年度法治政府建设报告\n一、主要举措和成效\n审查12件。\n二、存在的不足\n（一）存在的问题\n"
            "力量不足。\n（二）下一步工作打算\n一是招录2名。\n")
    nxt = [p for p in segment(doc(text)).parts if p.id == "next_year"]
    assert [(p.heading, p.embedded) for p in nxt] == [("下一步工作打算", True)]


def test_first_responsibility_under_a_numbered_line_without_parenthesised_sections() -> None:
    text = ("某镇2023年度法治政府建设报告\n一、主要举措和成效\n1.依法决策\n审查12件。\n"
            "2.主要负责人履行第一责任人职责情况\n书记主持会议3次。\n二、存在的不足\n力量不足。\n")
    seg = segment(doc(text))
    fr = [p for p in seg.parts if p.id == "first_responsible"]
    assert [(p.heading, p.embedded) for p in fr] == [("主要负责人履行第一责任人职责情况", True)]
    assert next(s for s in seg.sentences if text[s.start:s.end] == "书记主持会议3次。").part == "first_responsible"


def test_heading_end_matches_its_finditer_definition() -> None:
    """_heading_end searches stop by stop; the answer is the one a finditer walk gives."""
    import random

    from checker import segment as seg_mod

    def plain(text: str, start: int, limit: int) -> int:
        far = min(start + seg_mod._LONGEST, len(text))
        depth, titled = 0, False
        for m in seg_mod._HEADING_STOP.finditer(text, start, far):
            c = m.group()
            if c == "《":
                depth, titled = depth + 1, True
            elif c == "》":
                depth = max(depth - 1, 0)
            elif not depth:
                return m.start() if m.start() <= start + limit or titled else start + limit
        return min(start + limit, len(text))

    rng = random.Random(3)
    alphabet = "《》《》 \n。！？!?；;（(一二1.．、）)是十2x汉a0\u3000"
    for _ in range(5000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 200)))
        start, limit = rng.randint(0, len(text)), rng.choice([0, 3, 50, 60, 70, 150])
        assert seg_mod._heading_end(text, start, limit) == plain(text, start, limit)


def test_whitespace_class_is_exactly_backslash_s() -> None:
    """`_WS` spells out `\\s` (str.isspace) so that leading classes scan fast; it must hold exactly those."""
    import re

    from checker import segment as seg_mod

    cls = re.compile(f"[{seg_mod._WS}]")
    spelled = [c for c in map(chr, range(0x110000)) if cls.match(c)]
    assert spelled == [c for c in map(chr, range(0x110000)) if c.isspace()]


def test_sentence_fields_are_the_ones_segment_sets() -> None:
    """`_sentences` builds each Sentence field by field (no __init__ call): a new field must be set there too."""
    import dataclasses

    from checker.model import Sentence

    assert [f.name for f in dataclasses.fields(Sentence)] == ["index", "start", "end", "part", "section", "heading"]


def test_marker_lookahead_guard_changes_no_match() -> None:
    """`_ANY_MARKER`'s one-class look-ahead (what every marker starts with) only turns away separators early."""
    import random
    import re

    from checker import segment as seg_mod

    guard = r"(?=[第一二三四五六七八九十（(\d])"
    assert guard in seg_mod._ANY_MARKER.pattern
    unguarded = re.compile(seg_mod._ANY_MARKER.pattern.replace(guard, "", 1))
    rng = random.Random(12)
    alphabet = [*"第一二三四五六七八九十部分是、.．:：（()）。；！？|#，0123456789年法a",
                " ", "\n", "\t", "\u3000", "\xa0", "٣", "３", "2024年", "（一）", "(1)", "一是", "1."]
    for _ in range(3000):
        text = "\n" + "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 60)))
        got = [(m.span(), m.groups(), m.lastgroup) for m in seg_mod._ANY_MARKER.finditer(text)]
        assert got == [(m.span(), m.groups(), m.lastgroup) for m in unguarded.finditer(text)]
