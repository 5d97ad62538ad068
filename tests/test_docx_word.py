""".docx read as Word shows it: automatic numbering, tracked changes, comments, tables, text boxes."""

from __future__ import annotations

import re

import pytest
import wordbuild as wb
from conftest import SAMPLES

from checker.errors import InputError
from checker.model import Status
from checker.read import read_bytes
from checker.read.docx import read_lines
from checker.read.numbering import format_number

NUMBERING = wb.numbering({0: wb.GONGWEN_LEVELS}, {1: (0, "")})


def _lines(data: bytes) -> list[str]:
    return read_lines(data, "t.docx")[0]


@pytest.mark.parametrize(
    ("n", "fmt", "shown"),
    [
        (1, "chineseCounting", "一"), (10, "chineseCounting", "十"), (11, "chineseCounting", "十一"),
        (20, "chineseCounting", "二十"), (35, "chineseCounting", "三十五"),
        (105, "chineseCountingThousand", "一百零五"), (123, "chineseCountingThousand", "一百二十三"),
        (1010, "chineseCountingThousand", "一千零一十"), (11, "chineseLegalSimplified", "壹拾壹"),
        (3, "ideographTraditional", "丙"), (11, "ideographTraditional", "甲"), (2, "ideographZodiac", "丑"),
        (10, "ideographDigital", "一〇"), (2, "decimalEnclosedParen", "(2)"), (3, "decimalEnclosedCircle", "③"),
        (4, "decimalEnclosedFullstop", "4."), (12, "decimalFullWidth", "１２"), (4, "upperRoman", "IV"),
        (28, "lowerLetter", "bb"), (7, "decimal", "7"), (5, "decimalZero", "05"), (3, "bullet", ""),
    ],
)
def test_number_formats_as_word_shows_them(n: int, fmt: str, shown: str) -> None:
    assert format_number(n, fmt) == shown


def test_numbering_levels_counters_and_restarts() -> None:
    body = "".join([
        wb.para("主要举措和成效", num=1, ilvl=0),
        wb.para("深入学习贯彻习近平法治思想", num=1, ilvl=1),
        wb.para("落实第一议题制度", num=1, ilvl=2),
        wb.para("开展集中学习研讨", num=1, ilvl=2),
        wb.para("持续优化营商环境", num=1, ilvl=1),
        wb.para("推进审批制度改革", num=1, ilvl=2),  # restarts at 1 under the new （二）
        wb.para("普通段落，没有编号。"),
        wb.para("存在的不足和原因", num=1, ilvl=0),
        wb.para("基层执法力量不足", num=1, ilvl=1),  # restarts at （一） under 二、
    ])
    assert _lines(wb.build(body, numbering_xml=NUMBERING)) == [
        "一、主要举措和成效", "（一）深入学习贯彻习近平法治思想", "1.落实第一议题制度", "2.开展集中学习研讨",
        "（二）持续优化营商环境", "1.推进审批制度改革", "普通段落，没有编号。", "二、存在的不足和原因",
        "（一）基层执法力量不足",
    ]


def test_list_instances_share_or_restart_their_abstract_list() -> None:
    numbering = wb.numbering(
        {0: wb.GONGWEN_LEVELS,
         1: wb.level(0, "ideographTraditional", "%1.") + wb.level(1, "decimalEnclosedParen", "%2")},
        {1: (0, ""), 2: (0, ""), 3: (0, wb.restart(0, 1)), 4: (1, "")},
    )
    body = "".join([
        wb.para("甲项", num=1), wb.para("乙项", num=1),
        wb.para("丙项", num=2),  # another instance of the same list continues it (Word's behaviour)
        wb.para("重新开始", num=3),  # an instance with w:startOverride counts on its own
        wb.para("天干编号", num=4), wb.para("括号数字", num=4, ilvl=1), wb.para("天干第二", num=4),
    ])
    assert _lines(wb.build(body, numbering_xml=numbering)) == [
        "一、甲项", "二、乙项", "三、丙项", "一、重新开始", "甲.天干编号", "(1)括号数字", "乙.天干第二",
    ]


def test_numbering_through_a_heading_style_and_start_values() -> None:
    numbering = wb.numbering({0: wb.level(0, "chineseCounting", "%1、", start=3, extra='<w:pStyle w:val="Heading1"/>')},
                             {7: (0, "")})
    # Heading 1 in python-docx's template gets the list through its style definition.
    patch = ('<w:style w:type="paragraph" w:styleId="Heading1">',
             '<w:style w:type="paragraph" w:styleId="Heading1"><w:pPr><w:numPr><w:numId w:val="7"/></w:numPr>'
             "</w:pPr>")
    body = wb.para("第三部分", style="Heading1") + wb.para("第四部分", style="Heading1")
    assert _lines(wb.build(body, numbering_xml=numbering, styles_patch=patch)) == ["三、第三部分", "四、第四部分"]


def test_tracked_changes_are_accepted() -> None:
    body = "".join([
        wb.para("全年办理行政复议案件", wb.dele("23"), wb.ins("32"), "件。"),
        wb.para("这一段已被整段删除。", mark_deleted=True),  # mark deleted: joins the next paragraph
        wb.para("下一段。"),
        wb.para("保留文字", '<w:moveFrom w:id="5" w:author="a"><w:r><w:t>搬走的</w:t></w:r></w:moveFrom>',
                '<w:moveTo w:id="6" w:author="a"><w:r><w:t>搬来的</w:t></w:r></w:moveTo>'),
    ])
    lines = _lines(wb.build(body))
    assert lines == ["全年办理行政复议案件32件。", "这一段已被整段删除。下一段。", "保留文字搬来的"]


def test_deleted_numbered_paragraph_does_not_take_a_number() -> None:
    body = (wb.para("主要举措", num=1) + wb.para(wb.dele("被删除的标题"), num=1, mark_deleted=True)
            + wb.para("存在的不足", num=1))
    assert _lines(wb.build(body, numbering_xml=NUMBERING)) == ["一、主要举措", "二、存在的不足"]


def test_comments_headers_footers_and_field_codes_are_left_out() -> None:
    field = ('<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> PAGE </w:instrText></w:r>'
             '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>7</w:t></w:r>'
             '<w:r><w:fldChar w:fldCharType="end"/></w:r>')
    hidden = '<w:r><w:rPr><w:vanish/></w:rPr><w:t>隐藏文字</w:t></w:r>'
    body = wb.para("正文", wb.comment_anchor("被批注的文字"), "结束。", hidden) + wb.para("第", field, "页")
    data = wb.build(body, comments={0: "批注内容：请核实数据"}, header="页眉：内部资料", footer="页脚：第1页")
    lines = _lines(data)
    assert lines == ["正文被批注的文字结束。", "第7页"]
    joined = "\n".join(lines)
    assert "批注内容" not in joined and "页眉" not in joined and "页脚" not in joined and "PAGE" not in joined


def test_tables_are_read_row_by_row() -> None:
    body = wb.para("主要数据如下：") + wb.table([["指标", "2024年"], ["行政复议案件", "186件"], ["", ""],
                                          ["持证率", "98.7%"]])
    assert _lines(wb.build(body)) == ["主要数据如下：", "指标 | 2024年", "行政复议案件 | 186件", "持证率 | 98.7%"]
    doc = read_bytes(wb.build(body + wb.para("以上为全年情况，共计若干项工作。")), "t.docx", suffix=".docx")
    assert "行政复议案件 186件" in doc.text  # one line per row: its figures stay in one sentence


def test_text_boxes_are_read_once() -> None:
    body = wb.para("正文第一段。", wb.text_box(wb.para("文本框里的说明文字。"))) + wb.para("正文第二段。")
    assert _lines(wb.build(body)) == ["正文第一段。", "文本框里的说明文字。", "正文第二段。"]


def _as_word(text: str) -> bytes:
    """A report's text as a Word draft: heading numbers become automatic numbering."""
    paras = []
    for line in text.splitlines():
        m = re.match(r"^([一二三四五六七八九十]{1,3})、(.+)$", line)
        m2 = re.match(r"^（([一二三四五六七八九十]{1,3})）(.+)$", line)
        if m:
            paras.append(wb.para(m.group(2), num=1, ilvl=0))
        elif m2:
            paras.append(wb.para(m2.group(2), num=1, ilvl=1))
        elif line.strip():
            paras.append(wb.para(line))
    return wb.build("".join(paras), numbering_xml=NUMBERING)


def test_report_with_automatic_numbering_reads_like_its_text(checker) -> None:
    text = (SAMPLES / "yunxi-county-2024.txt").read_text(encoding="utf-8")
    body = text[text.index("江州市人民政府："):]
    data = _as_word(body)
    assert "一、2024年推进" not in data.decode("latin-1")  # the numbers really are Word's, not text
    from_word = checker.check_document(read_bytes(data, "yunxi.docx", suffix=".docx"))
    from_text = checker.check_document(read_bytes(body.encode(), "yunxi.txt", suffix=".txt"))
    assert {i.id: i.status for i in from_word.items} == {i.id: i.status for i in from_text.items}
    assert [(p.id, p.heading) for p in from_word.parts] == [(p.id, p.heading) for p in from_text.parts]
    assert all(p.start < p.end for p in from_word.parts if p.id in ("measures", "shortcomings", "next_year"))
    assert sum(i.status is Status.MET for i in from_word.items) > 10


def test_damaged_parts_are_one_error() -> None:
    data = wb.build(wb.para("正文"), numbering_xml="<w:numbering><unclosed>")
    with pytest.raises(InputError) as exc:
        read_bytes(data, "t.docx", suffix=".docx")
    assert exc.value.key == "input.bad_docx"
