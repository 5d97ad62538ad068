"""Split a report into its parts, numbered sections and sentences.

Reports follow the five-part layout of 厅字〔2019〕28号 with wide variation: parts in other
orders, headings in many wordings, first-responsibility content as a sub-section of part 一,
and scraped pages that ran every heading into one line. Headings are found by their numbering
(一、 / （一） / 一是 / 1.) wherever they stand, kept only when the numbering runs in order, and
classified into parts by their wording. All offsets index `Document.text`.
"""

from __future__ import annotations

import itertools
import re
from bisect import bisect_right
from dataclasses import dataclass

from checker.model import Document, Part, Section, Segmented, Sentence

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
# A heading marker stands at the start of a line or after a space or sentence end. The
# patterns consume that one separator and look ahead for the marker (group `mk`): a pattern
# that starts with a character class lets the regex engine skip ahead in C, where a leading
# look-behind tests every position. `_find` puts a newline before the text for its start.
_SEP = r"[\s。；！？!?：:|]"
_L1 = re.compile(_SEP + rf"(?=(?P<mk>(?P<n>{_NUM})\s*[、.．]\s*|第(?P<p>{_NUM})部分[、:：\s]*))")
_L2 = re.compile(_SEP + rf"(?=(?P<mk>[（(]\s*(?P<n>{_NUM})\s*[）)]\s*))")
_L3 = re.compile(_SEP + rf"(?=(?P<mk>(?P<n>{_NUM})是[，,:：\s]?|(?P<d>\d{{1,2}})\s*[.．、](?!\d)\s*"
                 r"|[（(](?P<p>\d{1,2})[）)]\s*))")
# A heading's text runs to the line end, a sentence end, or a wide gap; never very far.
_HEADING_END = re.compile(r"[\s。！？!?；;]")
_SENT_END = re.compile(r"[。！？；;!?]+[”’」』)）]*|\n+")

# Heading wordings by part. Order matters: the first that matches wins.
_FIRST_RESP = re.compile(r"第一责任人|主要负责人|一把手|主要领导.{0,6}(履行|职责)|履职情况")
_OTHER = re.compile(r"^(其他|其它)|需要报告的(其他)?(情况|事项)")
_SHORT = re.compile(
    r"(存在|面临)的?(主要)?(问题|不足|困难|短板)|不足|短板|差距|薄弱|^问题|问题(和|与|及)(原因|不足|困难)"
    r"|困难(和|与|及)问题"
)
_NEXT = re.compile(r"下一步|下步|下一年|下年度|明年|来年|今后|努力方向|(工作|主要)?(安排|计划|打算|思路|展望|设想)")
_STUDY = re.compile(r"学习.{0,10}(习近平|总书记|重要讲话)")
_YEAR = re.compile(r"(20\d\d)\s*年")


@dataclass(frozen=True, slots=True)
class _Heading:
    level: int
    number: int
    marker: str
    text: str
    start: int
    heading_end: int


def classify_heading(text: str, year_hint: int | None, *, top: bool) -> str | None:
    """Part id for a heading's wording; None when it does not name a part.

    Top-level headings that name no part are thematic measures headings ("强化统筹、压实责任"),
    so the caller maps None to `measures` for them.
    """
    t = text.strip()
    if _FIRST_RESP.search(t):
        return "first_responsible"
    if _OTHER.search(t):
        return "other"
    if top and _STUDY.search(t) and not re.search(r"举措|成效|情况和|工作开展", t):
        return "study"
    if _SHORT.search(t) and not re.search(r"举措|成效|做法", t):
        return "shortcomings"
    years = [int(y) for y in _YEAR.findall(t)]
    if year_hint and any(y > year_hint for y in years):
        return "next_year"
    if _NEXT.search(t) and not re.search(r"举措|成效|完成情况|落实情况", t):
        if not years or not year_hint or all(y > year_hint for y in years):
            return "next_year"
    return None


def title_year(doc: Document) -> int | None:
    """The year named in the report title (the year reported on), used to read headings."""
    title = doc.fields.get("title") or doc.text[:200]
    m = _YEAR.search(title)
    return int(m.group(1)) if m else None


def _heading_text(text: str, start: int, limit: int) -> int:
    """End offset of a heading that starts at `start` (after its marker)."""
    window = text[start : start + limit]
    m = _HEADING_END.search(window)
    return start + (m.start() if m else len(window))


def _find(pattern: re.Pattern[str], text: str, level: int, limit: int) -> list[_Heading]:
    found: list[_Heading] = []
    padded = "\n" + text  # offsets in `padded` are one more than in `text`
    for m in pattern.finditer(padded):
        raw = next((g for g in m.groups()[1:] if g), None)
        if raw is None:
            continue
        number = cn_number(raw)
        if number is None:
            continue
        start, mk_end = m.start("mk") - 1, m.end("mk") - 1
        end = _heading_text(text, mk_end, limit)
        heading = text[mk_end:end].strip()
        if not heading or len(heading) < 2:
            continue
        found.append(_Heading(level, number, m.group("mk").strip(), heading, start, end))
    return found


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


def segment(doc: Document) -> Segmented:
    """Split `doc` into parts, sections and sentences."""
    text = doc.text
    year = title_year(doc)
    tops = _top_sequence(_find(_L1, text, 1, 60))
    seconds = _in_sequence(_find(_L2, text, 2, 70))
    if len(tops) < 2:
        # Some reports number their parts （一）（二）…: use those when they name parts.
        as_top = _top_sequence(_find(_L2, text, 1, 70))
        if len(as_top) >= 2 and any(classify_heading(h.text, year, top=True) for h in as_top):
            tops, seconds = as_top, []
        else:
            tops = _unnumbered_headings(text, year) or tops
    thirds = _in_sequence(_find(_L3, text, 3, 50))

    parts: list[Part] = []
    if not tops:
        # No recognisable layout: everything reads as work done; plan wording is still
        # caught sentence by sentence.
        parts.append(Part("measures", "", 0, len(text)))
    elif tops[0].start > 0:
        parts.append(Part("preamble", "", 0, tops[0].start))  # title and opening paragraph
    for i, h in enumerate(tops):
        end = tops[i + 1].start if i + 1 < len(tops) else len(text)
        pid = classify_heading(h.text, year, top=True) or "measures"
        subs = tuple(
            Section(s.level, s.marker, s.text, s.start, s.heading_end, _section_end(s, seconds, end))
            for s in seconds
            if h.start < s.start < end
        )
        parts.append(Part(pid, h.text, h.start, end, subs))

    # Parts that sit as a sub-section of another part (first-responsibility under 一、(四)).
    embedded: list[Part] = []
    for part in list(parts):
        if part.id not in ("measures", "other", "preamble", "study"):
            continue
        for s in part.sections:
            pid = classify_heading(s.heading, year, top=False)
            if pid in ("first_responsible", "shortcomings", "next_year"):
                embedded.append(Part(pid, s.heading, s.start, s.end, (s,), embedded=True))
    parts.extend(embedded)

    sentences = _sentences(text, parts, tops, seconds, thirds)
    return Segmented(document=doc, parts=tuple(parts), sentences=tuple(sentences))


def _section_end(s: _Heading, seconds: list[_Heading], limit: int) -> int:
    later = [o.start for o in seconds if s.start < o.start < limit]
    return min(later) if later else limit


def _unnumbered_headings(text: str, year: int | None) -> list[_Heading]:
    """Parts introduced by short heading lines without numbers (some portals strip them)."""
    found: list[_Heading] = []
    pos = 0
    for line in text.split("\n"):
        stripped = line.strip()
        if 4 <= len(stripped) <= 40 and not re.search(r"[。；;，,]$", stripped):
            if classify_heading(stripped, year, top=True) or re.search(r"举措|成效|主要做法|工作情况", stripped):
                start = pos + line.index(stripped)
                found.append(_Heading(1, len(found) + 1, "", stripped, start, start + len(stripped)))
        pos += len(line) + 1
    return found if len(found) >= 2 else []


def _sentences(
    text: str,
    parts: list[Part],
    tops: list[_Heading],
    seconds: list[_Heading],
    thirds: list[_Heading],
) -> list[Sentence]:
    """Sentences with their part and innermost section; headings end sentences."""
    cuts = {0, len(text)}
    heading_at: dict[int, int] = {}
    for h in (*tops, *seconds, *thirds):
        cuts.add(h.start)
        cuts.add(h.heading_end)
        heading_at[h.start] = h.heading_end
    for m in _SENT_END.finditer(text):
        cuts.add(m.end())
    bounds = sorted(cuts)
    top_parts = [p for p in parts if not p.embedded]
    inner = [p for p in parts if p.embedded]
    sections = sorted((*seconds, *thirds), key=lambda h: h.start)
    section_starts = [h.start for h in sections]
    out: list[Sentence] = []
    for a, b in itertools.pairwise(bounds):
        seg = text[a:b]
        lead = len(seg) - len(seg.lstrip())
        trail = len(seg.rstrip())
        start, end = a + lead, a + trail
        if end - start < 2:
            continue
        part = next((p for p in inner if p.start <= start < p.end), None) or next(
            (p for p in top_parts if p.start <= start < p.end), None
        )
        i = bisect_right(section_starts, start)
        section = sections[i - 1].text if i else None
        is_heading = heading_at.get(a) == b
        out.append(Sentence(len(out), start, end, part.id if part else "preamble", section, is_heading))
    return out
