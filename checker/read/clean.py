"""Clean text scraped from government portals and pick out the page's own fields.

Pages saved as text keep the portal's table pipes (`索引号 | … | 发布日期 | 2024-03-25 |`),
navigation remnants (`部  门`), view counters and `打印本页 关闭窗口`. This module removes that
chrome and records the fields (发布日期, 发布机构, 索引号 …) it finds on the way, so the body
text that segmentation sees is the report and nothing else.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_DATE = r"(\d{4})\s*[-年/.]\s*(\d{1,2})\s*[-月/.]\s*(\d{1,2})\s*日?"

# Page field labels, in order of preference for the publication date (LABELING.md §8).
DATE_LABELS = ("发布日期", "发布时间", "日期", "时间", "发文日期", "生成日期", "更新时间", "成文日期", "无标签日期")
# A numeric date on a line of page fields with no label of its own ("2024-03-26 10:30 来源：…").
_BARE_DATE = re.compile(r"(?<![\d/-])(20\d\d)[-/](\d{1,2})[-/](\d{1,2})(?![\d/-])")
# Labels stand before their value with a colon, a table pipe, a bracket ("[ 发布日期 ] 2024-…")
# or nothing at all ("发布日期2024-01-27").
# The label group is written to start with one character class, a look-behind then picking
# the branch: the engine skips to candidates in C instead of trying eight branches at every
# position. It matches as `(发布日期|发布时间|发文日期|生成日期|成文日期|更新时间|(?<![成发布文生])日期
# |(?<![发布新])时间)` does, branch for branch in the same order.
_DATE_FIELD = re.compile(
    r"([发生成更日时](?:(?<=发)(?:布日期|布时间|文日期)|(?<=生)成日期|(?<=成)文日期|(?<=更)新时间"
    r"|(?<=日)(?<![成发布文生]日)期|(?<=时)(?<![发布新]时)间))"
    r"\s*[\]】]?\s*[:：|]?\s*\|?\s*" + _DATE
)
_PUBLISHER_FIELD = re.compile(
    r"(发布机构|发文机关)\s*[\]】]?\s*[:：|]?\s*\|?\s*([^\s|:：\[\]【】]{2,40})"
    r"|(信息来源|文章来源|来源)\s*[\]】]?\s*[:：|]\s*\|?\s*(?!发布|发文|浏览|点击|时间|日期|作者|字号)([^\s|:：\[\]【】]{2,40})"
)
_INDEX_FIELD = re.compile(r"索引号\s*[:：|]\s*\|?\s*([0-9A-Za-z/\-_.]{4,60})")

# Whole lines (after pipes are removed) that are portal furniture, not report text.
_CHROME_LINE = re.compile(
    r"^(?:【?打印本页】?|【?关闭窗口】?|打印|关闭|返回顶部|分享(?:文章)?到[:：]?.*|字号[:：]?.*|字\s*号[:：]?.*"
    r"|【?\s*大\s*中\s*小\s*】?|浏览次数[:：]?.*|访问量[:：]?.*|扫一扫.*|来源[:：]?\s*|当前位置[:：].*"
    r"|主题分类.*|组配分类.*|文\s*号[:：]?|上一篇.*|下一篇.*|相关链接.*|【?\s*打印本页\s*】?\s*【?\s*关闭窗口\s*】?)$"
)
# Lines that are mostly field labels (索引号/发布机构/发布日期 …) are metadata, not body text.
_FIELD_LINE = re.compile(
    r"(索引号|发布机构|发布日期|发布时间|生成日期|成文日期|更新时间|信息来源|文章来源|浏览次数|文号|日期|时间[:：]\s*\d)"
)


# Control characters other than tab and line breaks: never text, and not allowed in XML.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Every byte but CONTROL's characters: deleting them from a text's ASCII bytes leaves its controls.
_NOT_CONTROL = bytes(b for b in range(256) if not CONTROL.match(chr(b)))


def strip_control(text: str) -> str:
    """`text` without CONTROL's characters.

    Almost no text holds one: two C passes (the ASCII characters, then those that are not
    controls deleted) rule them out at a third of the cost of the regex's scan, whose
    character-class test at every position cost ~50 µs on a saved page.
    """
    if not text.encode("ascii", "ignore").translate(None, _NOT_CONTROL):
        return text
    return CONTROL.sub("", text)


@dataclass
class Fields:
    """Fields found on a page, each with its label as provenance."""

    values: dict[str, str] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)

    def offer(self, key: str, value: str, source: str) -> None:
        """Keep the first value offered for a key, or a better-ranked date label."""
        if key not in self.values:
            self.values[key] = value
            self.sources[key] = source
        elif key == "published":
            old = self.sources[key].removeprefix("page:")
            new = source.removeprefix("page:")
            if new in DATE_LABELS and old in DATE_LABELS:
                if DATE_LABELS.index(new) < DATE_LABELS.index(old):
                    self.values[key] = value
                    self.sources[key] = source


def iso_date(y: str, m: str, d: str) -> str | None:
    """Format a date as YYYY-MM-DD, or None when it is not a calendar date."""
    import datetime as dt

    try:
        return dt.date(int(y), int(m), int(d)).isoformat()
    except ValueError:
        return None


def scan_fields(text: str, fields: Fields) -> None:
    """Record page fields (dates, publisher, index number) found anywhere in `text`."""
    for m in _DATE_FIELD.finditer(text):
        label = m.group(1)
        date = iso_date(m.group(2), m.group(3), m.group(4))
        if not date:
            continue
        # 成文日期 is when the report was signed, not when the public could read it.
        key = "written" if label == "成文日期" else "published"
        fields.offer(key, date, f"page:{label}")
    for m in _PUBLISHER_FIELD.finditer(text):
        label, value = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
        fields.offer("publisher", value, f"page:{label}")
    for m in _INDEX_FIELD.finditer(text):
        fields.offer("index_no", m.group(1), "page:索引号")


_PIPES = re.compile(r"\s*\|+\s*")


def _strip_pipes(line: str) -> str:
    # Table cells become separate phrases: "a | b" -> "a b"; runs of pipes vanish.
    # (Most lines have no pipe: they skip the substitution, ~1 µs a line.)
    if "|" in line:
        line = _PIPES.sub(" ", line)
    return line.strip()


def _is_field_line(line: str) -> bool:
    """A short line made of page fields, e.g. '信息来源:衢山镇 发布日期:2024-03-25 浏览次数:'."""
    # (The cheap tests first: a body line is long or has a full stop, and the label search
    # would walk all of it.)
    if len(line) > 160 or "。" in line:
        return False
    return _FIELD_LINE.search(line) is not None


# A site's breadcrumb ("首页 > 专题专栏 > ……年度报告公开 > 2025年", 当前位置): navigation, never a title.
_NAVIGATION = re.compile(r"[>›»]|当前位置|所在位置|首页\s*[/|]")


def is_title(line: str) -> bool:
    """A report title: mentions 报告 and 法治/依法行政, is short, and is no breadcrumb."""
    return (
        len(line) <= 80
        and "报告" in line
        and ("法治" in line or "依法行政" in line)
        and "。" not in line
        and not _NAVIGATION.search(line)
    )


# A line that is a body's name: the first line of a title split in two.
_NAME_LINE = re.compile(r"[\u4e00-\u9fff]{2,}(?:人民政府|政府|办事处|委员会|局|厅|办公室)$")
_TRAILING_CHROME = re.compile(r"\s*【?\s*打印本页\s*】?\s*【?\s*关闭窗口\s*】?\s*$")


def clean_text(raw: str, fields: Fields) -> str:
    """Remove portal chrome from scraped text, recording page fields on the way."""
    raw = raw.replace("\r\n", "\n").replace("\r", "\n").replace("\u3000", " ").replace("\xa0", " ")
    raw = strip_control(raw.replace("\ufeff", "").replace("\u200b", ""))
    raw_lines = raw.split("\n")
    # (A text without a pipe has every line only stripped: `map` in C, no Python call a line.)
    lines = list(zip(raw_lines, map(_strip_pipes if "|" in raw else str.strip, raw_lines), strict=True))
    # Navigation remnants ("部  门", "街  镇") are short lines before the title; without a
    # title in the text there is nothing to tell them from short headings, so keep them.
    title_at = next(
        (i for i, (_, line) in enumerate(lines)
         if is_title(line) and not _is_field_line(line) and not _CHROME_LINE.match(line)),
        None,
    )
    out: list[str] = []
    for i, (raw_line, line) in enumerate(lines):
        if not line:
            if out and out[-1] != "":
                out.append("")
            continue
        # Chrome glued to the end of a body line ("… 全方面全覆盖。 打印本页 关闭窗口").
        if "关闭窗口" in line or "打印本页" in line:
            line = _TRAILING_CHROME.sub("", line)
        if not line:
            continue
        if _is_field_line(line):
            scan_fields(raw_line, fields)
            m = None if _DATE_FIELD.search(raw_line) else _BARE_DATE.search(raw_line)
            if m and (date := iso_date(*m.groups())):
                fields.offer("published", date, "page:无标签日期")  # last in rank: a labelled date wins
            continue
        if len(line) <= 120 and "。" not in line and _CHROME_LINE.match(line):
            continue  # (a longer line, or one with a sentence, is text that starts like chrome)
        if i == title_at:
            fields.offer("title", line, "text:title")
        elif (title_at is not None and i < title_at and len(line) <= 12 and not re.search(r"[。，,；;]", line)
              and not _NAME_LINE.search(line)):
            continue  # (a body's name on its own line is the title's first line: "××县人民政府")
        out.append(line)
    while out and out[-1] == "":
        out.pop()
    return "\n".join(out)
