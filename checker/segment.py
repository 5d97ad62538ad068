"""Split a report into its parts, numbered sections and sentences.

Reports follow the five-part layout of 厅字〔2019〕28号 with wide variation: parts in other
orders, headings in many wordings, Guangdong's two leading study parts, first-responsibility
content as a part or as a sub-section of another part, shortcomings and next year's plans
merged under one heading, and scraped pages that ran every heading into one line.

Headings are found by their numbering (第一部分 / 一、 / （一） / 一是 / 1. / Markdown #)
wherever they stand, kept only when the numbering runs in order, and read as parts by their
wording. The wording of each part lives in `outline/report-requirements.yaml` (`headings`,
`heading_terms`, `heading_unless`); this module only decides the order in which parts are tried
and reads the years a heading names. Every step is linear in the text length (one regex pass
per heading kind, bisect lookups for each sentence). All offsets index `Document.text`.
"""

from __future__ import annotations

import itertools
import operator
import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import NamedTuple

from checker.model import PART_ROLE, Document, Part, Section, Segmented, Sentence
from checker.outline import load_parts

_CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


def cn_number(s: str) -> int | None:
    """Value of a Chinese numeral up to 99 (一 … 九十九) or of an Arabic one."""
    if s.isdigit():
        return int(s)
    if s in _CN_DIGITS:
        return _CN_DIGITS[s]
    if s == "十":
        return 10
    if len(s) == 2 and s[0] == "十" and s[1] in _CN_DIGITS:
        return 10 + _CN_DIGITS[s[1]]
    if len(s) == 2 and s[1] == "十" and s[0] in _CN_DIGITS:
        return 10 * _CN_DIGITS[s[0]]
    if len(s) == 3 and s[1] == "十" and s[0] in _CN_DIGITS and s[2] in _CN_DIGITS:
        return 10 * _CN_DIGITS[s[0]] + _CN_DIGITS[s[2]]
    return None


_NUM = "[一二三四五六七八九十]{1,3}"
# A heading marker stands at the start of a line or after a space, a sentence end or a
# Markdown `#`. The patterns consume that one separator and look ahead for the marker (group
# `mk`): a pattern that starts with a character class lets the regex engine skip ahead in C,
# where a leading look-behind tests every position. `_find_all` puts a newline before the text.
# Every character `\s` matches in a str pattern (those of str.isspace(); a test checks the list),
# spelled out: in a class that leads a pattern the engine then tests each character of the text
# against one table, where `\s` called the Unicode whitespace lookup for every character the
# table did not hold (~2x faster to scan a report for heading markers and heading ends).
_WS = "\t\n\x0b\x0c\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
_SEP = rf"[{_WS}。；！？!?：:|#]"
# The markers by kind: (marker, heading level, longest heading). The number is group `n` (a
# 1. / (1) marker of the third level has it in `d` or `p`).
_MARKERS: dict[str, tuple[str, int, int]] = {
    "partno": (rf"第(?P<n>{_NUM})部分[、:：.．\s]*", 1, 60),
    "l1": (rf"(?P<n>{_NUM})\s*[、.．]\s*", 1, 60),
    "l2": (rf"[（(]\s*(?P<n>{_NUM})\s*[）)]\s*", 2, 70),
    "l3": (rf"(?P<n>{_NUM})是[，,:：\s]?|(?P<d>\d{{1,2}})\s*[.．、](?:(?!\d)|(?=20\d\d\s*年))\s*"
           r"|[（(](?P<p>\d{1,2})[）)]\s*", 3, 50),
}
# All four kinds in one pass (~3x fewer scans of the text): the kinds cannot match at the same place
# (their markers differ in the first character, or, for 一、 and 一是, in the one after the
# numeral), so the alternation finds exactly the union of what each pattern finds. The group
# named after the kind holds the marker; its number groups are prefixed with the kind.
# Every marker starts with 第, a numeral, a digit or an opening bracket: a one-class look-ahead
# turns away the other separators (most of them: a sentence end before running text) before the
# alternation tries each kind's branches there.
_ANY_MARKER = re.compile(_SEP + r"(?=[第一二三四五六七八九十（(\d])(?=" + "|".join(
    f"(?P<{kind}>{marker.replace('(?P<', f'(?P<{kind}_')})" for kind, (marker, _, _) in _MARKERS.items()) + ")")
# Per kind, the indexes in `Match.groups()` of its number groups, in the order they are tried.
_NUMBER_GROUPS = {kind: tuple(i - 1 for name, i in sorted(_ANY_MARKER.groupindex.items(), key=lambda kv: kv[1])
                              if name.startswith(f"{kind}_"))
                  for kind in _MARKERS}
# Markdown headings pasted into plain text (a .md file's reader already drops the #).
_MD = re.compile(r"^[ \t]{0,3}(#{1,6})[ \t]*(\S[^\n]*)$", re.M)
# A heading runs to a sentence end, a wide gap or the first inline sub-heading that follows it
# ("一、主要举措和成效（一）…", "（一）依法决策一是…"); never very far. 《 and 》 are tracked so
# that a cited title ("《法治政府建设实施纲要(2021-2025年)》") never ends a heading early.
# (Written to start with one character class, each first character then allowed by exactly one
# look-behind: the engine skips to candidates in C. The plain alternation
# `[《》]|[\s。！？!?；;]|[（(][一二三四五六七八九十]{1,3}[）)]|一是|(?<![\d.．])1\s*[.．、](?!\d)`, which
# finds the same matches, tried its five branches at every position, ~3x slower.)
_HEADING_STOP = re.compile(
    rf"[《》{_WS}。！？!?；;（(一1]"
    rf"(?:(?<=[《》{_WS}。！？!?；;])"  # 《 》, a gap or a sentence end: the character itself
    r"|(?<=[（(])[一二三四五六七八九十]{1,3}[）)]"  # （一）
    r"|(?<=一)是"  # 一是
    r"|(?<=1)(?<![\d.．]1)\s*[.．、](?!\d))"  # 1. (not 11. nor 2.1.)
)
_LONGEST = 150  # characters: the longest heading (Guangdong's measures heading is ~90)
# A run of sentence ends with the closing quotes after it, or a run of line breaks. Written to
# start with one character class (the look-behind then picks the branch) so that the engine
# skips to candidates in C: as a plain alternation (`[。！？；;!?]+[”’」』)）]*|\n+`, the same
# matches) it tried both branches at every position, twice as slow.
_SENT_END = re.compile(r"[。！？；;!?\n](?:(?<=[。！？；;!?])[。！？；;!?]*[”’」』)）]*|(?<=\n)\n*)")
_END = operator.methodcaller("end")

# What a heading says apart from its wording: titles of cited documents, document numbers
# and year ranges name other years than the one the part is about ("贯彻落实《法治政府建设
# 实施纲要（2021—2025年）》" in a measures heading, 国办发〔2019〕).
_CITED = re.compile(
    r"《[^》\n]{0,100}》?|[〔\[［]\s*(?:19|20)\d\d\s*[〕\]］]"
    r"|(?<!\d)(?:19|20)\d\d\s*年?\s*[-—–~～至到]+\s*(?:19|20)?\d\d\s*年?(?:度)?"
)
_YEAR = re.compile(r"(20\d\d)\s*年")
_YEAR_NOT_DATE = re.compile(r"(20\d\d)\s*年(?!\s*\d{1,2}\s*月)")

# Parts that report work done: sub-sections in them may hold another part (first-responsibility
# content under 一、（四）); in shortcomings or plans the same wording is a problem or a plan.
_HOSTS = frozenset(p for p, role in PART_ROLE.items() if role == "done")
_EMBEDDABLE = ("first_responsible", "shortcomings", "next_year")

# A sentence that opens next year's plans inside a merged "存在的问题及下一步打算" part.
_ENUM = re.compile(
    r"^(?:[（(]\s*[一二三四五六七八九十\d]{1,3}\s*[）)]|[一二三四五六七八九十]{1,3}\s*[是、.．]|\d{1,2}\s*[.．、]"
    r"|第[一二三四五六七八九十]{1,3}[，,、]|首先|其次|再次|最后|同时|此外)[，,、：:\s]*"
)
_PLAN_LEAD = re.compile(r"^(?:下一步|下步|下一阶段|今后|明年|来年|新的一年|接下来|未来一年|(?P<y>20\d\d)\s*年)")
_PLAN_WILL = re.compile(r"^[^。；;]{0,16}?(?<!未)(?<!不)(?<!没有)(?:将|拟|力争)(?!来|近|其)")


class _Heading(NamedTuple):
    """A numbered (or Markdown, or unnumbered) heading found in the text.

    A named tuple, not a frozen dataclass: a report has dozens of heading candidates, and a
    frozen dataclass sets each field through object.__setattr__ (~4x slower to build).
    """

    level: int
    number: int
    marker: str
    text: str
    start: int
    heading_end: int


@dataclass(frozen=True, slots=True)
class _Wording:
    terms: re.Pattern[str]
    unless: re.Pattern[str] | None

    def says(self, text: str) -> re.Match[str] | None:
        m = self.terms.search(text)
        if m is None or (self.unless is not None and self.unless.search(text)):
            return None
        return m


@cache
def _wordings() -> dict[str, _Wording]:
    """Each part's heading wording, from the outline data (the one definition)."""
    out: dict[str, _Wording] = {}
    for pid, req in load_parts().items():
        alternatives = [re.escape(h) for h in req.headings] + list(req.heading_terms)
        unless = "|".join(f"(?:{u})" for u in req.heading_unless)
        out[pid] = _Wording(
            re.compile("|".join(f"(?:{a})" for a in alternatives) or r"(?!)"),
            re.compile(unless) if unless else None,
        )
    return out


def heading_names(part: str, heading: str) -> bool:
    """Whether `heading` uses the outline data's wording for `part` (and none of its exceptions).

    For other stages that read headings (metadata tells a "2024年工作安排" heading from a
    "2023年主要举措" one): one definition of each part's heading wording.
    """
    return _wordings()[part].says(heading) is not None


@dataclass(frozen=True, slots=True)
class _Reading:
    """What a heading says it introduces."""

    part: str | None  # None: a thematic heading (measures at the top level)
    merged: bool = False  # a shortcomings heading that also names next year's plans
    names_first_responsible: bool = False  # a measures heading that also names it


def strip_cited(text: str) -> str:
    """`text` without cited titles 《…》, document numbers 〔2019〕 and year ranges."""
    return _CITED.sub(" ", text)


def _years(text: str) -> list[int]:
    return [int(y) for y in _YEAR.findall(text)]


# Headings repeat from report to report (一、主要举措和成效, 二、存在的不足): their reading is
# kept, bounded. (_read is pure: the wording comes from the outline data, loaded once.)
@lru_cache(maxsize=4096)
def _read(text: str, year_hint: int | None, *, top: bool) -> _Reading:
    """What a heading introduces, from the parts' wording and the years it names.

    Parts are tried in the order first_responsible, other, study, shortcomings, next_year: a
    first-responsibility heading may also say 工作情况, a shortcomings heading may also name the
    plans (a merged part).
    """
    t = text.strip()
    bare = strip_cited(t)  # the wording of cited documents says nothing about this part…
    w = _wordings()
    fr = w["first_responsible"].says(t)  # …except 《…第一责任人职责规定》, first-responsibility work
    if fr:
        measures = w["measures"].says(t)
        if top and measures and measures.start() < fr.start():
            return _Reading(None, names_first_responsible=True)
        return _Reading("first_responsible")
    if w["other"].says(bare):
        return _Reading("other")
    if top and w["study"].says(bare):
        return _Reading("study")
    years = _years(bare)
    nxt = w["next_year"]
    results = nxt.unless is not None and nxt.unless.search(bare)  # a heading on results is never plans
    later = bool(year_hint and any(y > year_hint for y in years) and not results)
    plan = nxt.says(bare) and (not years or not year_hint or all(y > year_hint for y in years))
    if w["shortcomings"].says(bare):
        return _Reading("shortcomings", merged=bool(later or plan))
    if later or plan:
        return _Reading("next_year")
    return _Reading(None)


def classify_heading(text: str, year_hint: int | None, *, top: bool) -> str | None:
    """Part id for a heading's wording; None when it does not name a part.

    Top-level headings that name no part are thematic measures headings ("强化统筹、压实责任"),
    so the caller maps None to `measures` for them. A merged "存在的问题及下一步打算" heading
    reads as `shortcomings` here; `segment` splits its text between the two parts.
    """
    return _read(text, year_hint, top=top).part


def title_year(doc: Document) -> int | None:
    """The year named in the report title (the year reported on), used to read headings."""
    title = doc.fields.get("title") or doc.text[:200]
    # A date ("发布时间：2024年3月25日") names the year of publication, not the year reported on.
    m = _YEAR_NOT_DATE.search(strip_cited(title))
    return int(m.group(1)) if m else None


def _heading_end(text: str, start: int, limit: int) -> int:
    """End offset of a heading whose text starts at `start` (after its marker)."""
    far = min(start + _LONGEST, len(text))
    depth, titled = 0, False
    # `search` from the end of the last stop, not `finditer`: the same matches (each is one
    # character or more), without building an iterator for a heading that ends at its first stop.
    search = _HEADING_STOP.search
    pos = start
    while (m := search(text, pos, far)) is not None:
        c = m.group()
        if c == "《":
            depth, titled = depth + 1, True
        elif c == "》":
            depth = max(depth - 1, 0)
        elif not depth:
            # Past `limit` only when a cited title carried the heading there.
            return m.start() if m.start() <= start + limit or titled else start + limit
        pos = m.end()
    return min(start + limit, len(text))


_NEW_TUPLE = tuple.__new__


def _find_all(text: str) -> dict[str, list[_Heading]]:
    """Numbered heading candidates by marker kind (see `_MARKERS`), in text order."""
    found: dict[str, list[_Heading]] = {kind: [] for kind in _MARKERS}
    padded = "\n" + text  # offsets in `padded` are one more than in `text`
    # (Per candidate, ~40 a report: the number group is found by a plain loop, not a generator,
    # and `_line_start` is called only where a `#` or a space stands before the marker.)
    for m in _ANY_MARKER.finditer(padded):
        kind = m.lastgroup  # the marker's group closes last
        if kind is None:  # (cannot happen: one kind's group always matched)
            continue
        groups = m.groups()
        for i in _NUMBER_GROUPS[kind]:
            raw = groups[i]
            if raw:
                break
        else:
            continue
        number = _CN_DIGITS.get(raw) or cn_number(raw)  # (一 … 九 without a call)
        if number is None:
            continue
        _, level, limit = _MARKERS[kind]
        start, mk_end = m.span(kind)
        start -= 1
        mk_end -= 1
        end = _heading_end(text, mk_end, limit)
        heading = text[mk_end:end].strip().rstrip("：:")
        if len(heading) < 2:
            continue
        if start and text[start - 1] in "# \t":
            start = _line_start(text, start)
        # (tuple.__new__ builds the named tuple as its generated __new__ does, without that Python call.)
        found[kind].append(_NEW_TUPLE(_Heading, (level, number, m.group(kind).strip(), heading, start, end)))
    return found


def _line_start(text: str, start: int) -> int:
    """`start`, moved back over a Markdown `##` that opens the heading's line."""
    j = start
    while j > 0 and start - j < 8 and text[j - 1] in "# \t":
        j -= 1
    if j < start and "#" in text[j:start] and (j == 0 or text[j - 1] == "\n"):
        return j
    return start


def _in_sequence(cands: list[_Heading]) -> list[_Heading]:
    """Keep headings whose numbers run 1, 2, 3 … (restarting at 1 is allowed)."""
    kept: list[_Heading] = []
    expected = 1
    for h in cands:
        if h.number == expected:
            kept.append(h)
            expected += 1
        elif h.number == 1 and kept:
            # A fresh list (e.g. 一是/二是 restarting in the next section).
            kept.append(h)
            expected = 2
    return kept


def _top_sequence(cands: list[_Heading]) -> list[_Heading]:
    """Top-level headings: one increasing run from 一 (no restarts)."""
    kept: list[_Heading] = []
    for h in cands:
        if h.number == len(kept) + 1:
            kept.append(h)
    return kept


def _names_a_part(hs: list[_Heading], year: int | None) -> bool:
    return any(classify_heading(h.text, year, top=True) for h in hs)


def _layout(text: str, year: int | None) -> tuple[list[_Heading], list[_Heading], list[_Heading]]:
    """(part headings, their sections, finer headings) for the report's numbering scheme."""
    found = _find_all(text)
    l1, l2, l3_all = found["l1"], found["l2"], found["l3"]
    l3 = _in_sequence(l3_all)
    parts = _top_sequence(found["partno"]) if "部分" in text else []
    if len(parts) >= 2:
        # 第一部分 … 第二部分: 一、 numbers sections inside each part, （一） the finer ones.
        seconds = _in_sequence(l1)
        if seconds:
            return parts, seconds, sorted([*_in_sequence(l2), *l3], key=lambda h: h.start)
        return parts, _in_sequence(l2) or _own_lines(text, l3), l3
    tops = _top_sequence(l1)
    if len(tops) >= 2:
        return tops, _in_sequence(l2) or _own_lines(text, l3), l3
    md_tops, md_subs = _markdown_headings(text, year)
    if md_tops:
        return md_tops, _in_sequence(l2) or md_subs or _own_lines(text, l3), l3
    # Some reports number their parts （一）（二）…: use those when they name parts.
    as_top = _top_sequence([_Heading(1, h.number, h.marker, h.text, h.start, h.heading_end) for h in l2])
    if len(as_top) >= 2 and _names_a_part(as_top, year):
        return as_top, [], l3
    # A few number their parts 一是 / 1. / (1): only when at least two of them name distinct
    # parts. Each style is tried alone, so that (1) inside 1. is not read as 2.
    for style in ("是", "(", "."):
        run = _top_sequence([_Heading(1, h.number, h.marker, h.text, h.start, h.heading_end)
                             for h in l3_all if _style(h.marker) == style])
        named = {classify_heading(h.text, year, top=True) for h in run} - {None}
        if len(run) >= 2 and len(named) >= 2:
            return run, _in_sequence([h for h in l3_all if _style(h.marker) != style]), []
    unnumbered = _unnumbered_headings(text, year)
    if unnumbered:
        return unnumbered, _in_sequence(l2) or _own_lines(text, l3), l3
    return tops, _in_sequence(l2) or _own_lines(text, l3), l3


def _own_lines(text: str, hs: list[_Heading]) -> list[_Heading]:
    """1. / 一是 headings that stand on a line of their own: sections when there is no （一）."""
    return [h for h in hs if h.heading_end == len(text) or text.startswith("\n", h.heading_end)]


def _style(marker: str) -> str:
    """The numbering style of a 一是 / 1. / (1) marker."""
    if marker.endswith("是") or "是" in marker[-2:]:
        return "是"
    return "(" if marker[0] in "(（" else "."


def _markdown_headings(text: str, year: int | None) -> tuple[list[_Heading], list[_Heading]]:
    """Unnumbered Markdown headings (## 主要举措和成效): the shallowest level that names parts."""
    levels: dict[int, list[_Heading]] = {}
    for m in _MD.finditer(text):
        depth = len(m.group(1))
        hs = levels.setdefault(depth, [])
        heading = m.group(2).strip().rstrip("：:")
        hs.append(_Heading(depth, len(hs) + 1, m.group(1), heading, m.start(), m.end()))
    depths = sorted(levels)
    for i, depth in enumerate(depths):
        hs = levels[depth]
        if len(hs) >= 2 and (_names_a_part(hs, year) or any(_measures_words(h.text) for h in hs)):
            subs = levels[depths[i + 1]] if i + 1 < len(depths) else []
            return [_Heading(1, h.number, h.marker, h.text, h.start, h.heading_end) for h in hs], [
                _Heading(2, h.number, h.marker, h.text, h.start, h.heading_end) for h in subs
            ]
    return [], []


def _measures_words(text: str) -> bool:
    return _wordings()["measures"].says(strip_cited(text)) is not None


def segment(doc: Document) -> Segmented:
    """Split `doc` into parts, sections and sentences."""
    text = doc.text
    year = title_year(doc)
    tops, seconds, finer = _layout(text, year)
    second_starts = [s.start for s in seconds]

    parts: list[Part] = []
    if not tops:
        # No recognisable layout: everything reads as work done; plan wording is still
        # caught sentence by sentence.
        parts.append(Part("measures", "", 0, len(text)))
    elif tops[0].start > 0:
        parts.append(Part("preamble", "", 0, tops[0].start))  # title and opening paragraph
    names_fr: set[int] = set()  # starts of measures parts whose heading also names first-responsibility
    for i, h in enumerate(tops):
        end = tops[i + 1].start if i + 1 < len(tops) else len(text)
        lo, hi = bisect_right(second_starts, h.start), bisect_left(second_starts, end)
        subs = tuple(
            Section(s.level, s.marker, s.text, s.start, s.heading_end, seconds[k + 1].start if k + 1 < hi else end)
            for k, s in enumerate(seconds[lo:hi], lo)
        )
        reading = _read(h.text, year, top=True)
        if reading.merged:
            parts.extend(_split_merged(text, h, end, subs, year))
            continue
        parts.append(Part(reading.part or "measures", h.text, h.start, end, subs))
        if reading.names_first_responsible:
            names_fr.add(h.start)

    # Parts that sit as a sub-section of a part on work done (first-responsibility under 一、(四)).
    embedded: list[Part] = []
    named_only: list[Part] = []  # named by a measures heading only: a part, but not for sentences
    for part in parts:
        # A shortcomings part may end on a sub-section for the plans ("（三）下一步工作打算").
        wanted = _EMBEDDABLE if part.id in _HOSTS else ("next_year",) if part.id == "shortcomings" else ()
        found = False
        for s in part.sections:
            reading = _read(s.heading, year, top=False)
            pid = reading.part
            if pid not in wanted or pid == part.id:
                continue
            found = found or pid == "first_responsible"
            cut = _plan_start(text, s.heading_end, s.end, (), year) if reading.merged else None
            if cut is None:
                embedded.append(Part(pid, s.heading, s.start, s.end, (s,), embedded=True))
            else:  # "（五）存在的问题及下一步打算" closing a measures part
                embedded.append(Part("shortcomings", s.heading, s.start, cut, (s,), embedded=True))
                embedded.append(Part("next_year", s.heading, cut, s.end, embedded=True))
        if part.start in names_fr and not found:
            named_only.append(Part("first_responsible", part.heading, part.start, part.end, embedded=True))

    last = parts[-1]
    if last.id == "shortcomings" and not any(p.id == "next_year" for p in (*parts, *embedded)):
        # No part for the plans, but the report ends on them: "……。下一步，我镇将……".
        cut = _plan_start(text, last.start, last.end, last.sections, year, strong=True)
        if cut is not None:
            embedded.append(Part("next_year", last.heading, cut, last.end, embedded=True))

    sentences = _sentences(text, parts, embedded, [*tops, *seconds, *finer], sorted((*seconds, *finer),
                                                                                 key=lambda x: x.start))
    return Segmented(document=doc, parts=(*parts, *embedded, *named_only), sentences=tuple(sentences))


def _plan_sentence(piece: str, year: int | None, *, strong: bool = False) -> bool:
    """Whether a sentence opens plans ("下一步，我镇将…", "2025年，将…", "一是将…")."""
    s = piece.lstrip() if strong else _ENUM.sub("", piece.lstrip(), count=1)
    m = _PLAN_LEAD.match(s)
    if m and (not m.group("y") or not year or int(m.group("y")) > year):
        return True
    return not strong and (s.startswith("计划") or bool(_PLAN_WILL.match(s)))


def _split_merged(text: str, h: _Heading, end: int, subs: tuple[Section, ...], year: int | None) -> list[Part]:
    """Shortcomings and next year's plans under one heading, split where the plans begin.

    Sub-headings decide when one of them names the plans ("（二）下一步工作打算"); otherwise
    the first sentence in plan language does (at its sub-heading when it opens one).
    """
    for k, s in enumerate(subs):
        r = _read(s.heading, year, top=False)
        if r.part == "next_year" or _plan_sentence(s.heading, year):
            own = next((x.heading for x in subs[:k] if classify_heading(x.heading, year, top=False) == "shortcomings"),
                       h.text)
            return [Part("shortcomings", own, h.start, s.start, subs[:k]),
                    Part("next_year", s.heading, s.start, end, subs[k:])]
    cut = _plan_start(text, h.heading_end, end, subs, year)
    if cut is None:
        return [Part("shortcomings", h.text, h.start, end, subs)]
    before = tuple(
        Section(s.level, s.marker, s.heading, s.start, s.heading_end, min(s.end, cut)) for s in subs if s.start < cut
    )
    after = tuple(s for s in subs if s.start >= cut)
    return [Part("shortcomings", h.text, h.start, cut, before), Part("next_year", h.text, cut, end, after)]


def _plan_start(text: str, start: int, end: int, subs: tuple[Section, ...], year: int | None,
                *, strong: bool = False) -> int | None:
    """Offset where plan language begins in text[start:end], or None.

    `strong`: only a sentence that opens with 下一步 / 今后 / next year counts (not a bare 将).
    """
    cuts = {start, end}
    for s in subs:
        cuts.update((s.start, s.heading_end))
    for m in _SENT_END.finditer(text, start, end):
        cuts.add(m.end())
    sub_starts = [s.start for s in subs]
    for a, b in itertools.pairwise(sorted(cuts)):
        piece = text[a:b]
        if not piece.strip() or not _plan_sentence(piece, year, strong=strong):
            continue
        a += len(piece) - len(piece.lstrip())
        k = bisect_right(sub_starts, a) - 1
        if k >= 0 and a >= subs[k].heading_end and not text[subs[k].heading_end : a].strip():
            return subs[k].start  # the plan opens its sub-section: the sub-heading belongs to it
        return a
    return None


def _unnumbered_headings(text: str, year: int | None) -> list[_Heading]:
    """Parts introduced by short heading lines without numbers (some portals strip them)."""
    found: list[_Heading] = []
    pos = 0
    for line in text.split("\n"):
        stripped = line.strip()
        # An opening line ("现将…报告如下：") is no heading.
        if 4 <= len(stripped) <= 40 and not re.search(r"[。；;，,：:]$", stripped):
            if classify_heading(stripped, year, top=True) or _measures_words(stripped):
                start = pos + line.index(stripped)
                found.append(_Heading(1, len(found) + 1, "", stripped, start, start + len(stripped)))
        pos += len(line) + 1
    return found if len(found) >= 2 else []


def _sentences(
    text: str,
    parts: list[Part],
    embedded: list[Part],
    headings: list[_Heading],
    sections: list[_Heading],
) -> list[Sentence]:
    """Sentences with their part and innermost section; headings end sentences.

    Each sentence finds its part and section by bisection: linear in the number of sentences,
    whatever the number of parts.
    """
    cuts = {0, len(text)}
    heading_at: dict[int, int] = {}
    for h in headings:
        cuts.add(h.start)
        cuts.add(h.heading_end)
        if h.level < 3 or _run_in_heading(text, h):
            heading_at[h.start] = h.heading_end
    cuts.update(map(_END, _SENT_END.finditer(text)))
    bounds = sorted(cuts)
    # The lookups below are inlined, with the tables in plain lists: this loop runs once per
    # piece of text between two cuts (a few hundred per report), and function calls and
    # attribute reads were most of its cost. A sentence's part is one bisection in the table of
    # intervals between part boundaries (`_part_table`).
    points, labels = _part_table(parts, embedded)
    section_starts = [h.start for h in sections]
    section_texts = [None, *(h.text for h in sections)]  # index i: the section before bisect point i
    out: list[Sentence] = []
    append = out.append
    new = object.__new__
    for a, b in itertools.pairwise(bounds):
        rest = text[a:b].lstrip()
        n = len(rest.rstrip())
        if n < 2:
            continue  # (blank, or a single character)
        start = b - len(rest)
        # Built field by field, as Sentence's generated __init__ does (every field is set), but
        # without calling through the type: ~40% less per sentence, ~100 a report.
        s = new(Sentence)
        s.index, s.start, s.end = len(out), start, start + n
        s.part = labels[bisect_right(points, start)]
        s.section = section_texts[bisect_right(section_starts, start)]
        s.heading = heading_at.get(a) == b
        append(s)
    return out


def _part_table(parts: list[Part], embedded: list[Part]) -> tuple[list[int], list[str]]:
    """(points, labels): the part of offset x is labels[bisect_right(points, x)].

    The part of an offset is the embedded part that starts last at or before it if that one is
    still open there, else the part that starts last at or before it if still open there, else
    the preamble. That changes only at a part's start or end, so it is worked out once per
    interval between those points (a report has a dozen) instead of once per sentence.
    """
    outer = sorted(parts, key=lambda p: p.start)
    inner = sorted(embedded, key=lambda p: p.start)
    outer_starts, outer_ends, outer_ids = [p.start for p in outer], [p.end for p in outer], [p.id for p in outer]
    inner_starts, inner_ends, inner_ids = [p.start for p in inner], [p.end for p in inner], [p.id for p in inner]

    def part_at(x: int) -> str:
        i = bisect_right(inner_starts, x) - 1
        if i >= 0 and x < inner_ends[i]:
            return inner_ids[i]
        i = bisect_right(outer_starts, x) - 1
        return outer_ids[i] if i >= 0 and x < outer_ends[i] else "preamble"

    points = sorted({*outer_starts, *outer_ends, *inner_starts, *inner_ends})
    return points, ["preamble", *map(part_at, points)]


# Compiled once: `_run_in_heading` runs for every 一是 / 1. candidate (~15 a report), and
# `re.search` with a pattern string looks its compiled pattern up in re's cache on each call.
_FIGURE_OR_COMMA = re.compile(r"[\d，,]")


def _run_in_heading(text: str, h: _Heading) -> bool:
    """Whether a 一是 / 1. marker opens a heading rather than a clause of running text.

    "一是加强组织领导。" and a marker line of its own are headings; "一是加强执法监督，全年开展
    评查2次；" is a clause whose figures count.
    """
    if h.heading_end == len(text) or text.startswith("\n", h.heading_end):
        return True
    return _FIGURE_OR_COMMA.search(h.text) is None
