"""Who wrote the report, on which year, and when it was published and written — each with its source.

A reader finds these in many places, and so does this module: the title; the page chrome
(发布机构, 来源, 发布日期/发布时间, 成文日期); the addressee line ("县委、县政府：" names the bodies
reported *to*); the opening subject ("2022年，清河县人民政府坚持……"); "现将……年度……报告如下";
numbered headings ("一、2023年推进……"); the signature block at the end (name, then date); the
way the report speaks of itself (我镇/我局/街道) for the level; and, as a last resort, the file
name. Each place yields candidates; the most trusted one wins and records where it came from.

Names are only ever emitted when they have the shape of a Chinese administrative name: units
ending in the level suffixes the outline data lists (outline/report-requirements.yaml, `levels`),
optionally followed by a department name; never a fragment that starts with a function word or
holds 关于/现将/我/报告. The agency is the body's own name without the higher-level prefix and
without 人民政府/办事处 (衢山镇, not 岱山县衢山镇人民政府). Years never come from a cited document's
title, a document number or a range ("2021-2025年"). Nothing is guessed silently: a value no
place carries stays None.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import PurePath
from typing import Any

import yaml

from checker.model import Document, Metadata, MetaValue
from checker.outline import load_levels
from checker.read.clean import Fields, iso_date, scan_fields
from checker.resources import outline_dir
from checker.segment import heading_names

GOV_LEVELS = ("province", "city", "county", "township", "street")
_ONE_DOWN = {"province": "city", "city": "county", "county": "township"}

# Suffixes the body's own name loses: its government, office or party organ.
_WS = re.compile(r"\s+")
_CJK_ONLY = re.compile(r"[\u4e00-\u9fff]+")
_STREET_OFFICE = re.compile(r"街道办事处$|街道办$")
_GOV_SUFFIX = re.compile(r"(?:人民政府|政府|办事处|管理委员会|管委会|党工委|党委|街道办)$")
# A unit's core (the characters before its suffix) that is a single generic character is not
# a place name: 市市场监管局, 城乡建设局, 全县 are no units.
_GENERIC_CORE = set("省市县区乡镇州城街道村社全本我该各其此每原")
# Characters that never stand inside a place name's core.
_NOT_IN_CORE = set("的之委、，,。；;：: 0123456789")
# A name never starts with a function word or a fragment of a neighbouring word.
# (Only characters that rarely start a place name: 和田市, 全椒县, 本溪市, 于都县 are real.)
_BAD_FIRST = set("在对把向为以按据经被让使我该此每现就委度年的是了之其各局厅办部党")
# Substrings that make a candidate a phrase rather than a name.
_BANNED = re.compile(r"关于|现将|现就|我|报告|年度|法治|依法|如下|以来|坚持|领导|的|本级|有关|情况|工作|推进|全面"
                     r"|全[省市县区镇乡旗]")  # (召开全区: a phrase; 全州县, 全椒县 are names)

# A year in a title (quality.title_form asks whether the title names one).
_YEAR_IN_TITLE = re.compile(r"(20\d\d)\s*年")
# (The look-behind stands after the 20 it is about: a pattern that starts with a literal is
# searched for that literal in C, one that starts with a look-behind tests every position.)
_YEAR = re.compile(r"(20(?<![\d〔\[［(（\-－—–~～至到]20)\d\d)(?![\d〕\]］号])\s*年")
_KEY = re.compile(r"法治政府建设|法治政府|依法行政|法治建设|法治工作")
_SEP = set("\n，。,；;：:！？!?|《》“”\"'（）()【】[]")
_CN_DIGIT = {"〇": 0, "○": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
             "八": 8, "九": 9}
_DATE = re.compile(r"(20\d\d)\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_CN_DATE = re.compile(r"(二[〇○零][一二三四五六七八九〇○零]{2})\s*年\s*([一二三四五六七八九十]{1,2})\s*月"
                      r"\s*([一二三四五六七八九十]{1,3})\s*日")
# What follows the subject of an opening sentence ("清河县人民政府坚持……", "××镇在县委……").
_VERBS = ("坚持", "认真", "深入", "全面", "始终", "紧紧", "紧扣", "持续", "聚焦", "牢固", "围绕", "积极",
          "不断", "高度", "扎实", "按照", "贯彻", "立足", "着力", "严格", "全力", "切实", "紧密", "大力",
          "进一步", "在", "以", "把", "主动", "强化", "加强", "锚定", "狠抓", "秉持", "落实", "继续", "对标",
          "根据", "结合", "统筹", "着眼", "树牢", "坚定", "法治", "依法", "党委", "党工委",
          "（以下", "(以下", "，", ",", "全年", "共", "先后")
# How a report speaks of itself, by level: 我镇, 本街道, 全县 ….
# (The lookahead lets the engine skip to candidate characters: twice as fast on a long report.)
# No groups: `findall` gives the words themselves, counted in C (_self_level).
# (It starts with the class of first characters, a look-behind then picking the branch: the
# engine skips to candidates in C.)
_SELF = re.compile(r"[我本全街](?:(?<=[我本])(?:街道|镇|乡|县|区|市|省|局|委|办|厅|部门)"
                   r"|(?<=全)(?:街道|镇|乡|县|区|市|省)|(?<=街)道(?:党工委|办事处))")
# Searched in the text behind a line break (standing for the text's start, see _self_level):
# without a `^` branch the pattern starts with a character class, which the engine skips to in C.
_GOV_SUBJECT = re.compile(r"[，,。：:\n]\s*(省|市|州|县|区|旗|镇|乡|街道)(?:人民政府|政府|办事处)"
                          r"(?:坚持|认真|深入|全面|始终|高度|积极|不断|持续|紧紧|扎实|严格|以习)")
_SELF_LEVEL = {"街道": "street", "镇": "township", "乡": "township", "县": "county", "区": "county",
               "市": "city", "省": "province", "局": "department", "委": "department", "办": "department",
               "厅": "department", "部门": "department"}
_ADDRESSEE_UNIT = {"省": "province", "市": "city", "州": "city", "盟": "city", "县": "county", "区": "county",
                   "旗": "county", "镇": "township", "乡": "township"}
# One body an addressee line names, whatever its form: 县委, 中共××县委员会, ××县人民政府,
# 区人大常委会, 县委全面依法治县委员会(办公室) ….
_BODY = (r"[\u4e00-\u9fff]{1,20}?(?:委员会|委|人民政府|政府|人大常委会|人大|政协|办公室|办|局|厅)"
         r"(?:[（(]办公室[）)])?")
# The line of bodies reported to, ending with a colon, at the start of a line before the body.
_ADDRESSEE = re.compile(rf"^[ \t]*((?:{_BODY})(?:\s*[、，,和]\s*(?:{_BODY}))*)\s*[:：]", re.M)
# A party committee (中共××县委员会, ××县委) reports to its superiors and is never the reporting
# government or department: the name's rest after its units is only 委员会 or 委.
_PARTY_REST = ("委员会", "委")
# What a title never starts with: the introduction, or a numbered heading.
_NOT_TITLE_START = re.compile(
    r"现[将就把]|根据|按照|为|在|[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十]+[）)]|\d+[、.．]"
)
# Searched in the text behind a line break (standing for the text's start, see _heading_year).
_HEADING_YEAR = re.compile(
    r"[\s。：:][一二三四五六七八九十]{1,3}\s*[、.．]\s*(?:[^\n。]{0,12}?)(20\d\d)\s*年度?([^\n。]{0,30})"
)
_DATE_AFTER_TITLE = re.compile(
    r"[\s|]*((?:20\d\d|二[〇○零][一二三四五六七八九〇○零]{2})\s*年[^\n，。]{1,8}?日)(?!\s*星期|\s*\d{1,2}\s*(?:[:：]|时))"
)
# Last characters of a name as written (a unit, a department, 人民政府, 办事处 …): a cheap first test.
_NAME_LAST = set("省市州盟区县旗乡镇木街道局委厅办室署心部府处会")
# The second line of a hard-wrapped title: a short rest that ends the line with 报告/情况/总结.
_TITLE_TAIL = re.compile(r"\s*([^\n，。,：:；;\s]{0,14}?(?:报告|情况|总结))[ \t]*(?=\n|$)")
# A bare 日期/时间 label counts in the text only near the top and with a numeric date (2023-01-09).
_BARE_DATE_FIELD = re.compile(r"(?<![成发布文生新])(?:日期|时间)\s*[:：|]?\s*\|?\s*\d{4}[-/.]\d{1,2}[-/.]\d{1,2}")
_DATE_UNDER_TITLE = re.compile(r"(?:[^\d\n。]{0,12}?)(20\d\d)[-/.](\d{1,2})[-/.](\d{1,2})(?![\d])")
# The same page stamp written 年月日 with its time ("• 2024年03月28日 16时05分"): a cover letter's
# date never carries a time.
_TIME = r"\s*\d{1,2}\s*(?:[:：]|时)\s*\d{2}"
_STAMP_UNDER_TITLE = re.compile(
    rf"(?:[^\d\n。]{{0,12}}?)(20\d\d)\s*年\s*(\d{{1,2}})\s*月\s*(\d{{1,2}})\s*日(?={_TIME})"
)
# A township's or street's name in running text: after a word boundary (在下太镇, 、石门镇) and
# before its organs, a verb or punctuation (……镇人民政府, ……镇坚持, ……镇落地生根).
_BOUNDARY = set(" \t\n在对和与及、，,。；;：:“（(为将把让是了到于从向由的至")
_AFTER_NAME = "|".join(re.escape(w) for w in (*_VERBS, "人民政府", "党委", "政府", "党工委", "办事处", "落地",
                                               "召开", "组建", "聘请", "推进", "开展"))
_BODY_NAME = {
    "township": re.compile(rf"(?:镇|乡)(?=[^\u4e00-\u9fff]|{_AFTER_NAME})"),
    "street": re.compile(rf"街道(?=[^\u4e00-\u9fff]|{_AFTER_NAME})"),
}
# Words shaped like a township's name that name no township.
_COMMON_PLACE_NOUNS = frozenset({"集镇", "小城镇", "特色小镇", "重点镇", "中心镇", "建制镇", "各乡镇", "全乡镇",
                                 "所在镇", "本乡镇", "农村乡镇", "边境乡镇"})
_REPORT_INTRO = re.compile(r"现[将就把][^。！？\n]{0,60}?报告如下|特此报告")
# A site's navigation: a breadcrumb's separators, 当前位置, 首页. A title never stands in it.
NAV_SEPARATORS = ">›»"
# A title from the page chrome rather than the report: the site's or column's name.
_BREADCRUMB = re.compile(
    r"(?:(?:当前位置|所在位置|您的位置|现在的位置)\s*[:：]?\s*)?(?:[^\s>›»。，,；;]{1,30}[ \t]*[>›»][ \t]*)+"
    r"[^\s>›»。，,；;]{0,30}"
)
_SITE_WORDS = re.compile(r"网站|门户|专题|专栏|栏目|频道|公开目录|信息公开")
_LEVEL_RANK = {"province": 0, "city": 1, "county": 2, "township": 3, "street": 3}
_CHROME_TAIL = re.compile(r"(?:[\s|【】]|打印本页|关闭窗口|分享(?:文章)?到[:：]?|返回顶部|打印|关闭)+$")
_CHROME_LAST = "|【】页口到:：部印闭"  # the last characters of _CHROME_TAIL's words, besides spaces


# Patterns of find_title, _agency_in_title and _valid_years, compiled once: they run several
# times a report, and `re.search(pattern_string, …)` looks the compiled pattern up on each call.
_TITLE_END = re.compile(r"报告|情况|总结")
_NAME_ABOVE = re.compile(r"(?:^|\n)\s*([\u4e00-\u9fff]{2,30}(?:人民政府|政府|办事处|局|委员会|办公室|厅))\s*$")
_ABOUT_OR_YEAR = re.compile(r"关于|20\d\d\s*年")
_TITLE_YEAR = re.compile(r"20\d\d\s*年度?|[（(【\[]\s*\d{4}\s*年?\s*[）)】\]]")
_TITLE_PIECE_SEP = re.compile(r"[^\u4e00-\u9fff]+|关于|推进|全面|加强|年度|本级")
_RANGE_AFTER = re.compile(r"\s*[-－—–~～至到]")
_YEAR_CLAUSE = re.compile(r"\s*(?:度|以来)?\s*[，,]")


@dataclass(frozen=True, slots=True)
class _Grammar:
    """Level suffixes from the outline data, longest first."""

    gov: tuple[tuple[str, str], ...]  # (suffix, level) for governments; 市 appears for several levels
    dept: tuple[str, ...]
    municipalities: frozenset[str]


@cache
def _grammar() -> _Grammar:
    suffixes, names = load_levels()
    pairs: list[tuple[str, str]] = []
    for lv in GOV_LEVELS:
        for s in suffixes.get(lv, ()):
            # 街道办事处/街道办 are stripped with the government suffixes before splitting.
            if not s.endswith(("办事处", "办")):
                pairs.append((s, lv))
    pairs.sort(key=lambda p: -len(p[0]))
    dept = tuple(sorted(suffixes.get("department", ()), key=len, reverse=True))
    return _Grammar(tuple(pairs), dept, frozenset(names.get("province", ())))


def _unit_ends(name: str, pos: int) -> Iterator[int]:
    """Ends of the administrative units that may start at `pos` (温州市, 泰顺县, 洛浦街道), shortest first."""
    g = _grammar()
    for end in range(pos + 2, min(len(name), pos + 14) + 1):
        piece = name[pos:end]
        for suffix, _ in g.gov:
            if not piece.endswith(suffix):
                continue
            core = piece[: -len(suffix)]
            # 和/与/及 inside a core join two words (住房和城乡建设局), at its edge they are a name (政和县).
            if not core or any(c in _NOT_IN_CORE for c in core) or any(c in "和与及" for c in core[1:-1]):
                continue
            if (len(core) == 1 and core in _GENERIC_CORE) or core.endswith("自治"):
                continue  # 自治区 is a suffix, not a unit named 自治
            nxt = name[end:end + 1]
            if suffix == "州" and nxt in ("市", "县", "区"):
                continue  # 杭州市, 通州区: 州 is part of the name
            if suffix == "街" and nxt == "道":
                continue  # 洛浦街道: the longer suffix follows
            yield end
            break


def _split(name: str) -> tuple[list[str], str] | None:
    """Units such that what is left is nothing or a department; None if impossible.

    Solved from the end backwards, one answer per position (the end of its first unit, or -1
    where a department starts), so the time stays linear in the name's length whatever it
    holds: no backtracking over every way to cut it.
    """
    n = len(name)
    # Whether name[pos:] is a department depends on pos only through its first character and
    # any punctuation after it (see _is_dept).
    dept_tail = _dept_ending(name)
    last_punct = max(name.rfind(c) for c in "、，,。")
    step = [-2] * (n + 1)  # -2: no way; -1: a department starts here; else the first unit's end
    step[n] = n
    for pos in range(n - 1, -1, -1):
        for end in _unit_ends(name, pos):
            if step[end] != -2:
                step[pos] = end
                break
        else:
            if dept_tail and n - pos >= 2 and pos > last_punct and name[pos] not in "全本我各该此其每":
                step[pos] = -1
    if step[0] == -2:
        return None
    units: list[str] = []
    pos = 0
    while pos < n and step[pos] >= 0:
        units.append(name[pos:step[pos]])
        pos = step[pos]
    return units, name[pos:]


def split_units(name: str) -> tuple[list[str], str]:
    """Split a name into administrative units and the rest (a department name, if any)."""
    units, rest = _split_cached(name)
    return list(units), rest


@lru_cache(maxsize=4096)
def _split_cached(name: str) -> tuple[tuple[str, ...], str]:
    """split_units, cached: the same names recur in every report of a batch.

    The split that leaves nothing or a department wins (红旗镇 is one unit, not 红旗 + 镇);
    failing one, units are taken shortest first and the rest is returned as it is.
    """
    found = _split(name)
    if found is not None:
        return tuple(found[0]), found[1]
    units: list[str] = []
    pos = 0
    while pos < len(name):
        end = next(_unit_ends(name, pos), None)
        if end is None:
            break
        units.append(name[pos:end])
        pos = end
    return tuple(units), name[pos:]


def _dept_ending(rest: str) -> bool:
    """Ends like a department: a department suffix, but not 干部/内部/支部 … (部 only after a field)."""
    if len(rest) < 2 or not rest.endswith(_grammar().dept):
        return False
    return not (rest.endswith("部") and rest[-2] in "干全内支本外局总中东西南北各党乐")


def _is_dept(rest: str) -> bool:
    """A department name: ends with a department suffix, and is no phrase (全镇党员干部, 内部)."""
    return _dept_ending(rest) and rest[0] not in "全本我各该此其每" and not any(c in "、，,。" for c in rest)


def _unit_level(unit: str, above: str | None) -> str | None:
    g = _grammar()
    if unit in g.municipalities:
        return "province"
    for suffix, lv in g.gov:
        if unit.endswith(suffix):
            if suffix == "市":
                # A 市 under a city-level unit (苏州市昆山市, 伊犁州奎屯市) is a county-level city.
                if above and _unit_level(above, None) == "city":
                    return "county"
                return "city"
            return lv
    return None


def level_of(name: str) -> str | None:
    """Level of a reporting body from its (own) name."""
    if not name:
        return None
    units, rest = split_units(name)
    if rest:
        return "department" if _is_dept(rest) else None
    if not units:
        return None
    return _unit_level(units[-1], units[-2] if len(units) > 1 else None)


def own_name(raw: str) -> str | None:
    """The body's own name: drop 人民政府 and the units above the body's own government."""
    name = _STREET_OFFICE.sub("街道", _WS.sub("", raw).removeprefix("中共"))
    name = _GOV_SUFFIX.sub("", name)
    if not name:
        return None
    units, rest = split_units(name)
    if rest:
        if not _is_dept(rest) or (units and rest in _PARTY_REST):
            return None
        # A department keeps the government it belongs to (泰顺县司法局, 静海区人民政府办公室);
        # what is above goes.
        return (units[-1] if units else "") + rest
    if not units:
        return None
    return units[-1]


def _stripped(raw: str) -> str:
    return _GOV_SUFFIX.sub("", _STREET_OFFICE.sub("街道", _WS.sub("", raw).removeprefix("中共")))


@lru_cache(maxsize=4096)
def parse_name(raw: str) -> tuple[str, str] | None:
    """(own name, level) when `raw` has the shape of an administrative name, else None.

    Rejects fragments a naive reading produces (度, 委汉中市, 现将我镇, 人民政府关于保定市): a
    name starts at a word boundary that is no function word and holds no phrase words. The
    level is read on the whole name, so a 市 under a city (苏州市昆山市) is a county-level city.
    """
    raw = _WS.sub("", raw).removeprefix("中共")
    if not (2 <= len(raw) <= 40) or raw[0] in _BAD_FIRST or not _CJK_ONLY.fullmatch(raw) or _BANNED.search(raw):
        return None
    name = own_name(raw)
    level = level_of(_stripped(raw)) if name else None
    if not name or not level:
        return None
    return name, level


def valid_name(raw: str) -> str | None:
    """The own name of `raw` when it has the shape of an administrative name (see parse_name)."""
    parsed = parse_name(raw)
    return parsed[0] if parsed else None


# --- where a reader finds the title ---------------------------------------------------------

def find_title(text: str) -> tuple[str, int, int] | None:
    """The report's title near the top, with its span, even when the whole text is one line.

    A title holds 法治政府建设 (or 依法行政 …) and ends at 报告/情况/总结 before the body
    starts; one inside 《》 (a cited document) or starting with 现将 (the introduction) is none.
    """
    head = text[:800]
    found: list[tuple[str, int, int]] = []
    for m in _KEY.finditer(head):
        start = m.start()
        while start > 0 and head[start - 1] not in _SEP and not head[start - 1].isspace() and m.start() - start < 45:
            start -= 1
        # Joint reports: "中共××市委 ××市人民政府关于……" keeps the party committee before a space.
        before = head[max(0, start - 30):start]
        j = re.search(r"(中共[\u4e00-\u9fff]{2,20}委)\s+$", before) if "中共" in before else None
        if j:
            start = start - len(j.group(0))
        if start > 0 and head[start - 1] in "《“\"":
            continue
        if _NOT_TITLE_START.match(head, start):
            continue  # the introduction or a numbered heading, not the title
        if head[max(0, start - 6):start].rstrip().endswith(tuple(NAV_SEPARATORS)):
            continue  # an item of a breadcrumb ("首页 > 专题专栏 > ××县法治政府建设年度报告公开 > …")
        if head.count("。", 0, start) >= 2:
            break  # the body has begun: a title stands before it
        end = None
        for e in _TITLE_END.finditer(head[m.end():m.end() + 40]):
            pos = m.end() + e.end()
            between = head[m.end():m.end() + e.start()]
            if any(c in _SEP or c.isspace() for c in between):
                break
            nxt = head[pos:pos + 2]
            if nxt[:1] in ("的", "和") or nxt in ("报告", "总结"):
                continue
            if nxt == "如下":
                break
            end = pos
            break
        title = head[start:end].strip() if end is not None else ""
        if end is not None and head[end:end + 20].lstrip(" \t\u3000公开").startswith(tuple(NAV_SEPARATORS)):
            continue  # a breadcrumb item followed by the next one
        if end is None:
            # A title hard-wrapped onto a second line (a PDF copy): "……法治政府建设情\n况的报告".
            nl = head.find("\n", m.end())
            rest = head[m.end():nl] if nl != -1 else ""
            cont = _TITLE_TAIL.match(head, nl + 1) if nl != -1 and len(rest) <= 40 else None
            if cont is None or any(c in _SEP or c.isspace() for c in rest):
                continue
            title, end = head[start:nl].strip() + cont.group(1), cont.end()
        # The name on a line of its own above "关于……的报告" (a PDF's or a letter's heading).
        above = _NAME_ABOVE.search(head[:start])
        if above and _ABOUT_OR_YEAR.match(title) and parse_name(above.group(1)):
            # ("××县人民政府" / "关于……的报告" or "2022年度法治政府建设情况报告")
            title, start = above.group(1) + title, above.start(1)
        if len(title) >= 8:
            found.append((title, start, end))
    # A chrome cell ("组配分类 | 法治政府建设报告") may come first: prefer a title with a year or a name.
    return next((f for f in found if _year_near(f[0]) or _agency_in_title(f[0])), found[0] if found else None)


Named = tuple[str, str]  # (own name, level)


def _agency_in_title(title: str, text: str = "") -> Named | None:
    """The reporting body named in a title, validated ("中共××市委 ××市人民政府关于…": the government).

    A doc site's name glued to the title ("范文网湖北省人民政府关于……") makes the first unit too
    long; of the name's tails that parse, the one the report's text uses most wins (ties: the
    longest), so the site's name falls away when the body names the body.
    """
    m = _KEY.search(title)
    prefix = title[: m.start()] if m else title
    prefix = _TITLE_YEAR.sub(" ", prefix)
    # A joint report written without a space: 中共汉中市委汉中市人民政府 → 中共汉中市委 汉中市人民政府.
    if prefix.startswith("中共"):  # (the substitution is anchored there)
        prefix = re.sub(r"^(中共[\u4e00-\u9fff]+?委(?:员会)?)(?=[\u4e00-\u9fff]{2,20}?(?:人民政府|政府))", r"\1 ",
                        prefix)
    pieces = [p for p in _TITLE_PIECE_SEP.split(prefix) if p]
    found = [(p, n) for p in pieces if (n := _best_tail(p, text))]
    if not found:
        return None
    govs = [n for p, n in found if not p.endswith("委")]
    # Prefer a government over a party committee, and the last name (nearest the subject).
    return (govs or [n for _, n in found])[-1]


def _best_tail(piece: str, text: str) -> Named | None:
    parsed = parse_name(piece)
    if parsed is None or not text or parsed[1] == "department" or len(parsed[0]) < 5:
        return parsed  # (a glued site name makes a long first unit: only then look for a tail)
    own = text.count(parsed[0])
    tails = [(c, len(n[0]), n) for i in range(1, len(piece) - 2)
             if (n := parse_name(piece[i:])) and len(n[0]) >= 3 and n[1] == parsed[1]
             and (c := text.count(n[0])) > own]
    return max(tails)[2] if tails else parsed


def _below(level: str, other: str) -> bool:
    """A government level below another (a township below a county)."""
    return level in _LEVEL_RANK and other in _LEVEL_RANK and _LEVEL_RANK[level] > _LEVEL_RANK[other]


# What an opening clause may start with before its subject ("2022年，", "今年以来，").
_CLAUSE_LEAD = re.compile(r"\s*(?:20\d\d\s*年度?(?:以来)?|今年以来|一年来|过去一年)?\s*[，,]?\s*")


def _opening_agency(body: str) -> Named | None:
    """The subject of the opening sentences: "2022年，清河县人民政府坚持……" (a breadcrumb is none)."""
    head = body[:600]
    if any(c in head for c in NAV_SEPARATORS):  # (a breadcrumb has one; its search costs ~0.3 ms)
        head = _BREADCRUMB.sub(" ", head)
    head = head[:400]
    # The first 14 clause starts (generated lazily: the rest of the 400 characters is not read).
    starts = itertools.chain((0,), (i + 1 for i, c in enumerate(head) if c in "，,。；;：:\n "))
    for s in itertools.islice(starts, 14):
        clause = head[s:]
        clause = clause[_CLAUSE_LEAD.match(clause).end():]  # type: ignore[union-attr]  # (matches empty)
        for end in range(2, min(26, len(clause)) + 1):
            if clause[end - 1] not in _NAME_LAST:
                continue
            nxt = clause[end:]
            if not nxt.startswith(_VERBS):
                continue
            name = parse_name(clause[:end])
            if name:
                return name
    return None


def _named_in_body(text: str, level: str | None) -> Named | None:
    """The body's own name where the body uses it ("……在下太镇落地生根", 《松河区2023年度……计划》).

    Last resort, once the level is known (我镇, 我局, 区政府坚持 …) and no place names the body:
    the most frequent name of that level standing after a word boundary. A township's or
    street's name before its organs, a verb or punctuation is looked for first; failing one,
    any name of the level, also at the start of a 《》 title of the body's own documents (a
    cited national or provincial document names a body of another level, or no unit at all).
    """
    if level is None:
        return None
    strict = _BODY_NAME.get(level)
    found = _most_named(text, strict, level, range(2, 5)) if strict is not None else None
    if level == "province":
        return found  # a province is found by its name from the outline data (_province_named)
    return found or _most_named(text, _level_suffixes(level), level, range(1, 15))


# Characters that, after a level suffix, make it part of a word (区域, 市场, 县级) or a pair of
# levels (市县, 乡镇): a name does not end there.
_WORD_INSIDE = "域级划场民容貌情属界内外省县区乡镇州村"
_WORD_AFTER_UNIT = _WORD_INSIDE + "市"
# Two levels named together (乡镇, 县乡, 市县 …): 深化乡镇 is no town.
_LEVEL_PAIRS = frozenset("乡镇 县乡 县区 县市 市县 市区 区县 省市 市州 州市 镇村 镇街".split())
# Function characters a place name's core never holds where a phrase does (成立以镇, 全部在县).
_FUNCTION_CHARS = set("以在对为把向从由被将于之的等并或跨")


@cache
def _level_suffixes(level: str) -> re.Pattern[str]:
    """A level's name endings (局, 委员会 … for a department), not followed by a word they start (区域)."""
    g = _grammar()
    ends = g.dept if level == "department" else tuple(s for s, lv in g.gov if lv == level)
    alts = "|".join(re.escape(e) for e in sorted(ends, key=len, reverse=True))
    # (市县, 乡镇, 区域, 镇级 …: the suffix starts a word or a pair of levels, not a name's end)
    return re.compile(rf"(?:{alts})(?![{_WORD_AFTER_UNIT}])")


def _most_named(text: str, pattern: re.Pattern[str], level: str, cores: range) -> Named | None:
    counts: Counter[str] = Counter()
    head = text[:30000]
    for m in pattern.finditer(head):
        for k in cores:  # the shortest stretch that starts after a word boundary
            start = m.start() - k
            if start < 0:
                break
            before = head[start - 1] if start else "\n"
            if before not in _BOUNDARY and before not in "《“‘" and not (
                    before == "年" and head[start - 2:start - 1].isdigit()):
                continue
            name = head[start:m.end()]
            if name not in _COMMON_PLACE_NOUNS and (parsed := parse_name(name)) and parsed[1] == level \
                    and _own_body_name(name, level):
                counts[parsed[0]] += 1
            break
    if not counts:
        return None
    name, _ = counts.most_common(1)[0]
    return name, level


# What ends the core of a word shaped like a unit that names no administrative unit:
# 旅游景区, 工业园区, 城市社区, 经济开发区, 示范区, 重点镇 ….
_NOT_A_UNIT_CORE = re.compile(
    r"(?:^[一二三四五六七八九十两百千万多山景园辖片校小矿库牧湾林厂灾]|[景园社辖全本各该我此场超]"
    r"|开发|示范|试验|实验|保护|功能|经济|自贸|高新|工业|产业|集聚|核心|重点|中心|行政|贫困|边境|沿海|农村|城乡"
    r"|城市|特色|建制|制度|机制|体系|建设|管理|服务|工作|活动|项目|平台)$"
)
# A core that starts with a verb is a clause ("，指导市水利局……", "督促县……"), not a name.
# (And one that starts with a time word: 今年乡镇…….)
_VERB_CORE = re.compile(
    r"^(?:指导|督促|推动|组织|协调|配合|联合|会同|带领|引导|支持|帮助|召开|举办|参加|深入|走进|覆盖|保障"
    r"|监督|检查|要求|加强|完善|建立|健全|落实|开展|推进|实现|促进|印发|制定|出台|审议|通过|深化|建设|选取|提交|厘清"
    r"|鼓励|根据|按照|依照|围绕|聚焦|推行|实施|完成|规范|指定|确定|成立|设立|统筹|牵头|构建|打造|[今去明当全本同近每历]年)"
)


def _own_body_name(raw: str, level: str) -> bool:
    """A name found in running text (as written) that can be the reporter's.

    Every unit is a real one: a core of two or three characters (a county may have one, 赵县;
    an autonomous unit more; a rare four-character name such as 鄂尔多斯 is lost here rather
    than read 主持召开县 as one) without function characters, no noun phrase (旅游景区), no
    clause (指导市……, 市政府和区委 → 市政府和区), not the first half of a word or a pair of
    levels (农贸市场, 县级, 乡镇). A department has its jurisdiction named, below province (not
    a cited 省教育厅).
    """
    name = _stripped(raw)
    units, _ = split_units(name)
    if not units or any("政府" in u for u in units) or _VERB_CORE.match(units[0]):
        return False
    g = _grammar()
    pos = 0
    for unit in units:
        pos += len(unit)
        suffix = next((sfx for sfx, _ in g.gov if unit.endswith(sfx)), "")
        core = unit[: len(unit) - len(suffix)]
        if (len(core) > (8 if suffix.startswith("自治") else 3) or (len(core) == 1 and suffix != "县")
                or _NOT_A_UNIT_CORE.search(core) or (pos < len(name) and name[pos] in _WORD_INSIDE)
                or any(c in _FUNCTION_CHARS for c in core) or (len(core) > 2 and any(c in "和与及" for c in core))
                or core[-1:] + suffix[:1] in _LEVEL_PAIRS):
            return False
    return not (level == "department" and _unit_level(units[-1], None) == "province")


@cache
def _provinces() -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The provincial-level divisions (full name, short forms), from outline/divisions.yaml."""
    path = outline_dir() / "divisions.yaml"
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    return tuple((str(p["name"]), tuple(str(x) for x in p.get("short") or ())) for p in data["provinces"])


def _province_named(texts: list[str]) -> Named | None:
    """A province's report that names itself only by its short name (2022年，江西……; 《云南日报》).

    The province the title and the opening name most often (full or short name); its full name.
    """
    counts: Counter[str] = Counter()
    for full, short in _provinces():
        n = sum(t.count(w) for t in texts for w in (short or (full,)))
        if n:
            counts[full] = n
    if not counts:
        return None
    return counts.most_common(1)[0][0], "province"


def _intro_agency(body: str) -> Named | None:
    """The name in "现将××县2023年度法治政府建设情况报告如下"."""
    m = re.search(r"现[将就把]\s*([\u4e00-\u9fff]{2,30}?)(?:20\d\d\s*年|本年度|上一?年度|全年|一年来|有关|法治|依法)",
                  body[:1500])
    return parse_name(m.group(1)) if m else None


def _addressee(body: str) -> tuple[str | None, int]:
    """Level implied by an addressee line ("县委、县政府：") and where the line ends.

    The line stands before the first sentence, at the start of the body or of a line below
    page fields ("中共××县委员会,××县人民政府:"); it names the bodies reported *to*, never the
    reporter, so the opening is read after it.
    """
    head = body[:600]
    first_stop = head.find("。")
    m = _ADDRESSEE.search(head, 0, first_stop if first_stop != -1 else len(head))
    if not m:
        return None, 0
    parts = [p.strip() for p in re.split(r"[、，,和]", m.group(1))]
    first = parts[0].removeprefix("中共")
    unit_level = _ADDRESSEE_UNIT.get(first[0])
    if unit_level is None:
        units, _ = split_units(re.sub(r"(委员会|委|人民政府|政府)$", "", first))
        unit_level = _unit_level(units[-1], None) if units else None
    if unit_level is None:
        return None, 0
    same = any("人大" in p or "政协" in p for p in parts)
    return (unit_level if same else _ONE_DOWN.get(unit_level)), m.end()


# A 党组 of its own, not a government's (省政府党组) and no 党组织.
_PARTY_GROUP = re.compile(r"(?<!政府)党组(?!织)")
# 自治区 standing alone (自治区人民政府把……, 在自治区党委……): an autonomous region speaking of itself.
_BARE_REGION = re.compile(r"(?<![\u4e00-\u9fff])自治区|(?<=[在和与及为由对将把是经])自治区")


def _self_level(text: str) -> tuple[str | None, str | None]:
    """The level the report speaks of itself at (我镇, 本局, 全县 …) and the words that say so.

    An autonomous region says 全区/我区 of itself too: where 自治区 alone (自治区人民政府) is
    said about as often as those, that 区 is the region, province level.
    """
    counts: Counter[str] = Counter()
    words: dict[str, Counter[str]] = {}
    district = 0  # weight of 我区/全区/区政府 in the county count
    # The line break put before the text stands for its start (a subject may open the text); a
    # match that begins with it is the same match without it.
    for m in _GOV_SUBJECT.finditer("\n" + text[:3000]):
        # "2023年，省政府坚持……": the government as the subject of its own report.
        lv = _SELF_LEVEL.get(m.group(1), "city" if m.group(1) == "州" else "county")
        counts[lv] += 3
        district += 3 if m.group(1) == "区" else 0
        words.setdefault(lv, Counter())[m.group(0)[1 if m.start() == 0 else 0:-2]] += 1
    # Each distinct word once, with how often it occurs (Counter keeps first-occurrence order,
    # so ties between levels and words break as they would match by match): a report says 我县
    # hundreds of times, and a Python step per occurrence cost ~0.2 ms.
    for word, n in Counter(_SELF.findall(text)).items():
        key = word[1:] if word[0] in "我本全" else "街道"  # (街道党工委, 街道办事处)
        lv = _SELF_LEVEL[key]
        weight = 3 if word[0] in "我本" else 1
        if lv == "department" and word[0] == "全":
            continue
        counts[lv] += weight * n
        district += weight * n if key == "区" else 0
        words.setdefault(lv, Counter())[word] += n
    # (A text without 自治区 is not searched: the look-behinds test every position, ~0.1 ms.)
    region = len(_BARE_REGION.findall(text)) if "自治区" in text else 0
    if region >= 2 and 3 * region >= district:
        counts["county"] -= district
        counts["province"] += district + 3 * region
        words.setdefault("province", Counter())["自治区"] += region
    counts = +counts  # (drop levels left at zero)
    if not counts:
        return None, None
    # A department speaks of its jurisdiction too (我县 … 我局): its own 我局 decides.
    if counts["department"] >= 6 or (counts["department"] and counts["department"] * 2 >= max(counts.values())):
        best = "department"
    else:
        best = max((lv for lv in counts if lv != "department"), key=lambda lv: counts[lv], default=None)
        if best is None:
            best = "department"
    if counts[best] < 3:
        return None, None  # one 全县 is no self-reference
    return best, words[best].most_common(1)[0][0]


def _valid_years(text: str) -> Iterator[tuple[int, int, int]]:
    """Years (year, start, end) that may be the report year: not in 《》, ranges or numbers."""
    depth = 0
    last = 0
    for m in _YEAR.finditer(text):
        for c in text[last:m.start()]:
            if c == "《":
                depth += 1
            elif c == "》" and depth:
                depth -= 1
        last = m.start()
        if depth:
            continue
        after = text[m.end():m.end() + 3]
        if _RANGE_AFTER.match(after):
            continue  # 2022—2024年: a range's first year
        yield int(m.group(1)), m.start(), m.end()


def _year_near(text: str) -> int | None:
    for y, _, _ in _valid_years(text):
        return y
    return None


def _first_year_clause(head: str) -> int | None:
    """A clause near the top that starts with the year ("……。2019 年以来，我镇……")."""
    for y, _, end in _valid_years(head):
        if _YEAR_CLAUSE.match(head[end:end + 6]):
            return y
    return None


def _heading_year(body: str) -> int | None:
    """A year in a numbered heading: "一、2023年推进……" (work) or "三、2024年工作安排" (next year)."""
    # The line break put before the text stands for its start (a heading may open it); a match
    # that begins with it is the same match without it.
    for m in _HEADING_YEAR.finditer("\n" + body[:20000]):
        y = int(m.group(1))
        if not any(v == y for v, _, _ in _valid_years(m.group(0)[1 if m.start() == 0 else 0:])):
            continue
        return y - 1 if heading_names("next_year", m.group(2)) else y
    return None


def _cn_number(s: str) -> int:
    if "十" in s:
        tens, _, ones = s.partition("十")
        return (_CN_DIGIT.get(tens, 1) if tens else 1) * 10 + (_CN_DIGIT.get(ones, 0) if ones else 0)
    return int("".join(str(_CN_DIGIT[c]) for c in s))


def _dates(text: str) -> Iterator[tuple[str, int, int]]:
    for m in _DATE.finditer(text):
        d = iso_date(m.group(1), m.group(2), m.group(3))
        if d:
            yield d, m.start(), m.end()
    for m in _CN_DATE.finditer(text):
        d = iso_date(str(_cn_number(m.group(1))), str(_cn_number(m.group(2))), str(_cn_number(m.group(3))))
        if d:
            yield d, m.start(), m.end()


_SIGNER_SUFFIXES = ("人民政府", "政府", "办事处", "局", "委员会", "办公室", "厅", "中心", "部")


def _signature(text: str) -> tuple[Named | None, str | None]:
    """The signature block at the end: (own name, ISO date), either may be None.

    The date is written 年月日, in Chinese numerals, or (under a signer's name) 2024-03-01.
    """
    tail = text[-400:]
    # Chrome can end the text only with a space or the last character of a chrome word: the
    # substitution (which tries every position of the tail) is skipped otherwise.
    if tail and (tail[-1].isspace() or tail[-1] in _CHROME_LAST):
        tail = _CHROME_TAIL.sub("", tail)
    best: tuple[str, int, int] | None = None
    for d, s, e in _dates(tail):
        if len(tail) - e <= 3 and (best is None or s > best[1]):
            best = (d, s, e)
    iso = None if best else re.search(r"(20\d\d)[-/.](\d{1,2})[-/.](\d{1,2})\s*$", tail)
    if iso and (d := iso_date(*iso.groups())):
        best = (d, iso.start(), iso.end())
    if best is None:
        return None, None
    date, s, _ = best
    before = tail[:s].rstrip()
    # The signer stands apart (own line or after a space), and is a body: 人民政府, 局 ….
    # (`before` is right-stripped: the anchored search can match only when it ends with a suffix.)
    m = re.search(r"(?:^|[\s。；;|])([\u4e00-\u9fff（）()]{2,40}(?:人民政府|政府|办事处|局|委员会|办公室|厅|中心|部))$",
                  before) if before.endswith(_SIGNER_SUFFIXES) else None
    if iso and not m:
        return None, None  # a bare numeric date at the end is a page's, not a signature's
    return (parse_name(m.group(1)) if m else None), date


def _cover_date(text: str, title_end: int | None) -> str | None:
    """A cover letter's date: alone on a line near the top, or right after the title.

    A page clock is none: it comes with 星期, or before the title.
    """
    if title_end is not None:
        m = _DATE_AFTER_TITLE.match(text[title_end:title_end + 40])
        if m:
            return next((d for d, _, _ in _dates(m.group(1))), None)
    for line in text[:600].split("\n")[:12]:
        line = line.strip(" |")
        m = _DATE.fullmatch(line) or _CN_DATE.fullmatch(line)
        if m:
            return next((d for d, _, _ in _dates(line)), None)
    return None


def _from_publisher(raw: str, self_level: str | None) -> Named | None:
    """The reporter named by 发布机构/来源, or None when the field names a reposting body.

    A government's office posts for its government (静海区人民政府办公室 → 静海区); a
    department whose jurisdiction is at the level the report speaks at (来源：××县司法局 on a
    report that says 我县) drafted or forwarded it: the reporter is that jurisdiction.
    """
    parsed = parse_name(raw)
    if not parsed:
        return None
    name, lv = parsed
    if lv != "department":
        return parsed if self_level in (None, lv) else None
    units, rest = split_units(name)
    gov = (units[-1], level_of(units[-1]) or "") if units else None
    if rest.startswith(("人民政府", "政府")) and gov:
        return gov if self_level in (None, gov[1]) else None
    if self_level in (None, "department"):
        return parsed
    if gov and gov[1] == self_level:
        return gov
    return None


def _not_before(date: str | None, year: int | None) -> str | None:
    """Drop a date earlier than the year reported on (a page clock, a bogus URL date)."""
    if date and year and dt.date.fromisoformat(date).year < year:
        return None
    return date



class _Once:
    """A value computed on its first call and kept (for `extract`'s places read only when needed)."""

    __slots__ = ("_fn", "_value")

    def __init__(self, fn: Callable[[], Any]) -> None:
        self._fn: Callable[[], Any] | None = fn
        self._value: Any = None

    def __call__(self) -> Any:
        if self._fn is not None:
            self._value, self._fn = self._fn(), None
        return self._value


def _agency_candidates(text: str, body: str, titles: list[str], fields: Fields, stem: str,
                       sig_name: Named | None, addressee_level: str | None, self_level: _Once,
                       opening_agency: _Once) -> Iterator[tuple[Named | None, str]]:
    """The places that may name the agency, most trusted first (read one at a time, see `extract`).

    The last resorts come only after every other place named nothing (the caller stops at the
    first name).
    """
    for t in titles:
        named = _agency_in_title(t, text)
        if named and _SITE_WORDS.search(t) and (opening := opening_agency()) and _below(opening[1], named[1]):
            named = None  # a site's or column's name ("××县人民政府门户网站 专题专栏"): not the reporter
        yield named, "title"
    yield sig_name, "text:signature"
    yield opening_agency(), "text:opening"
    yield _intro_agency(body), "text:现将"
    if fields.values.get("publisher"):
        yield _from_publisher(fields.values["publisher"], self_level()[0]), fields.sources["publisher"]
    yield (_agency_in_title(stem) if stem else None), "file name"
    # Last resorts once the level is known: a province named by its short name in the title
    # and opening (湖北, 内蒙古), else the name of that level the body uses most.
    known_level = self_level()[0] or addressee_level
    if known_level == "province":
        yield _province_named([*titles, body[:3000]]), "text:name in body"
    yield _named_in_body(body, known_level), "text:name in body"


_OPENING_YEAR = re.compile(r"\s*(?:[^\n。]{0,30}?[，,]\s*)?(20\d\d)\s*年(?:度|以来)?\s*(?:[，,]|来)")


def _year_candidates(body: str, titles: list[str], title: str | None, stem: str) -> Iterator[tuple[int | None, str]]:
    """The places that may name the report's year, most trusted first (read one at a time)."""
    for t in titles:
        yield _year_near(t), "title" if t == title else "text:title"
    intro = _REPORT_INTRO.search(body[:3000])
    yield (_year_near(intro.group(0)) if intro else None), "text:现将"
    opening = _OPENING_YEAR.match(body[:200])
    yield (int(opening.group(1)) if opening else None), "text:opening"
    yield _heading_year(body), "text:heading"
    yield _first_year_clause(body[:400]), "text:opening"
    yield (_year_near(stem) if stem else None), "file name"


def extract(
    doc: Document,
    *,
    agency: str | None = None,
    level: str | None = None,
    year: int | None = None,
    published: str | None = None,
    written: str | None = None,
    override_source: str = "cli",
    use_file_name: bool = True,
) -> Metadata:
    """Metadata of a report; keyword arguments are overrides (from the CLI or a manifest) and win."""
    text = doc.text
    # Page fields the reader could not see because the text came as one line (or was pasted).
    fields = Fields(dict(doc.fields), dict(doc.field_sources))
    page = Fields()
    scan_fields(text[:600], page)
    scan_fields(text[-300:], page)
    for key, value in page.values.items():
        label = page.sources[key].removeprefix("page:")
        if label in ("日期", "时间") and not _BARE_DATE_FIELD.search(text[:300]):
            continue  # a bare 日期/时间 in prose ("会议时间：2023年5月8日") is no page field
        fields.offer(key, value, f"text:{label}")

    found = find_title(text)
    if found and "published" not in fields.values:
        # A portal's date line under the title with no label: "2024-03-26 10:30 来源：××县司法局".
        # (Or the same stamp with a bullet and in 年月日: "• 2024年03月28日 16时05分".)
        under = next((ln for ln in text[found[2]:found[2] + 160].split("\n") if ln.strip(" \t|")), "")
        under = under.strip(" \t|")
        m = _DATE_UNDER_TITLE.match(under) or _STAMP_UNDER_TITLE.match(under)
        if m and (d := iso_date(*m.groups())):
            fields.offer("published", d, "text:date under title")
    title = doc.fields.get("title")
    title_mv = MetaValue(title, doc.field_sources.get("title")) if title else MetaValue(None)
    if found and not title:
        title_mv = MetaValue(found[0], "text:title")
    titles = [t for t in (title, found[0] if found else None) if t]
    body_start = found[2] if found else 0
    body = text[body_start:]
    addressee_level, skip = _addressee(body)
    body = body[skip:]
    sig_name, sig_date = _signature(text)
    stem = PurePath(doc.source).stem if use_file_name else ""
    # The places below are read lazily, in order of trust, and only until one of them names the
    # agency (or the year): a report whose title names both never reads its opening sentences,
    # the way it speaks of itself or its headings (about a third of this stage's time).
    self_level = _Once(lambda: _self_level(text[:60000]))
    opening_agency = _Once(lambda: _opening_agency(body))

    # --- agency: the most trusted place that names the body ----------------------------------
    named_level = None
    if agency:
        agency_mv = MetaValue(agency, override_source)
        named_level = level_of(own_name(agency) or agency)
    else:
        candidates = _agency_candidates(text, body, titles, fields, stem, sig_name, addressee_level,
                                        self_level, opening_agency)
        best = next(((n, s) for n, s in candidates if n), None)
        agency_mv = MetaValue(best[0][0], best[1]) if best else MetaValue(None)
        named_level = best[0][1] if best else None

    # --- level: the name's suffix, else how the report speaks of itself, else the addressee --
    if level:
        level_mv = MetaValue(level, override_source)
    elif named_level:
        level_mv = MetaValue(named_level, "agency name")
    elif (self_lv_word := self_level())[0]:
        level_mv = MetaValue(self_lv_word[0], f"text:{self_lv_word[1]}")
    elif addressee_level:
        level_mv = MetaValue(addressee_level, "text:addressee")
    elif len(_PARTY_GROUP.findall(text[:60000])) >= 2:
        # A body that speaks of itself only through its 党组 ("党组召开会议……"): a department
        # (a government's is 政府党组; a township or street has a 党委/党工委).
        level_mv = MetaValue("department", "text:党组")
    else:
        level_mv = MetaValue(None)

    # --- year: title, "现将…年度", the opening, headings; never cited titles or numbers ---------
    if year is not None:
        year_mv = MetaValue(year, override_source)
    else:
        years = _year_candidates(body, titles, title, stem)
        year_mv = next((MetaValue(y, s) for y, s in years if y), MetaValue(None))
    known_year = year_mv.value if isinstance(year_mv.value, int) else None

    # --- dates: published (the page's) and written (成文日期 or the signature's) -------------
    pub = None if published else _not_before(fields.values.get("published"), known_year)
    if published:
        pub_mv = MetaValue(published, override_source)
    else:
        pub_mv = MetaValue(pub, fields.sources.get("published")) if pub else MetaValue(None)
    if written:
        written_mv = MetaValue(written, override_source)
    elif w := _not_before(fields.values.get("written"), known_year):
        written_mv = MetaValue(w, fields.sources.get("written"))
    elif w := _not_before(sig_date, known_year):
        written_mv = MetaValue(w, "text:落款日期")
    elif w := _not_before(_cover_date(text, found[2] if found else None), known_year):
        written_mv = MetaValue(w, "text:cover date")
    else:
        written_mv = MetaValue(None)

    if year_mv.value is None:
        # Last resort: a report published or written in the first half of a year is on the year before.
        date, basis = (pub_mv.value or written_mv.value), ("published" if pub_mv.value else "written")
        if isinstance(date, str) and dt.date.fromisoformat(date).month <= 6:
            year_mv = MetaValue(dt.date.fromisoformat(date).year - 1, f"{basis} date")

    return Metadata(agency=agency_mv, level=level_mv, year=year_mv, published=pub_mv, title=title_mv,
                    written=written_mv)
