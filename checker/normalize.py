"""Normalize a report's text for analysis, keeping a map back to the text the reader produced.

Reports reach us through PDF copies, word processors and portals that leave traces a reader
cannot see but a pattern can: bidi controls and zero-width characters inside words, soft
hyphens, Kangxi radicals that look exactly like 一二三, compatibility ideographs, full-width
digits, page numbers and running headers between the lines of a hard-wrapped PDF copy, and
whole reports in traditional characters. Each would hide a heading or a term from
segmentation and the rules. This module removes them, once per document, in this order:

1. characters: invisible format characters and a gateway's pinyin annotations (宁遠(yuǎn)县)
   are deleted; Kangxi radicals, CJK compatibility ideographs and full-width letters and
   digits become the characters they stand for (NFKC,
   restricted to those classes: full-width Chinese punctuation such as ，：（） is left alone,
   segmentation and the rules read it as it is); single-character enumerators (⑴ ㈠)
   are spelled out as the numbering they stand for;
2. script: a report written in traditional characters is converted to simplified (OpenCC
   tw2s), and the reader's page cleaning, which looks for simplified labels (发布日期, 报告),
   runs again; a report in simplified characters is left as it is;
3. lines: page numbers (— 3 —, 第3页, 3/12) and running headers or footers (a short line
   repeated at page intervals) are dropped, and a hard-wrapped paragraph is joined again (a
   line break after a full line that does not end a sentence, when the next line is not a
   heading); the page cleaning runs again, for a title the wrap had cut in two.

Each step that moves offsets yields a map from its output to its input; `OffsetMap` chains
them, so any span of the normalized text maps to the span of the reader's text it came from.
`Document.text` is the normalized text every stage reads; `Document.original` is the reader's
text that quotes and offsets index.

Everything here is linear in the text's length: regular expressions, slicing and joining per
run or per line, never a Python loop over characters.
"""

from __future__ import annotations

import dataclasses
import itertools
import operator
import re
import unicodedata
from array import array
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from checker.model import Document

# An edit of one stage, in that stage's input coordinates: text[start:end] became `length`
# characters. Deletions have length 0. Edits are sorted and do not overlap.
Edit = tuple[int, int, int]


_SPAN = operator.methodcaller("span")


class _Stage:
    """How one stage's output maps to its input.

    Segments: one per run of characters that came through unchanged (linear: the n-th
    character of the segment is the n-th of its source run) or per replacement whose length
    changed (atomic: any part of it maps to the whole source run). Deleted characters are the
    gaps between segments. A lookup is a binary search.
    """

    __slots__ = ("_lin", "_norm", "_olen", "_orig")

    def __init__(self, norm: array, orig: array, olen: array, lin: bytearray) -> None:
        self._norm = norm  # where each segment starts in the output
        self._orig = orig  # where its source run starts in the input
        self._olen = olen  # length of its source run
        self._lin = lin  # 1: linear, 0: atomic

    @classmethod
    def from_edits(cls, edits: Sequence[Edit], in_length: int) -> _Stage:
        """The stage that applied `edits` to a text of `in_length` characters."""
        norm, orig, olen, lin = array("i"), array("i"), array("i"), bytearray()
        pos_in = pos_out = 0
        for s, e, n in edits:
            if s > pos_in:
                norm.append(pos_out), orig.append(pos_in), olen.append(s - pos_in), lin.append(1)
                pos_out += s - pos_in
            if n > 0:
                norm.append(pos_out), orig.append(s), olen.append(e - s), lin.append(0)
                pos_out += n
            pos_in = e
        if in_length > pos_in:
            norm.append(pos_out), orig.append(pos_in), olen.append(in_length - pos_in), lin.append(1)
        return cls(norm, orig, olen, lin)

    @classmethod
    def from_deletions(cls, pattern: re.Pattern[str], text: str) -> _Stage:
        """The stage that deleted every match of `pattern` from `text`.

        Built with C-level iteration only (no Python loop or object kept per match), so a
        text with an invisible character after every character stays fast and small.
        """
        spans = array("i", itertools.chain.from_iterable(map(_SPAN, pattern.finditer(text))))
        starts, ends = spans[0::2], spans[1::2]
        del spans
        starts.append(len(text))
        orig = array("i", [0]) + ends  # each kept run starts where a deletion ended
        kept = array("i", map(operator.sub, starts, orig))
        del starts, ends
        norm = array("i", itertools.accumulate(kept[:-1], initial=0))
        return cls(norm, orig, kept, bytearray(b"\x01") * len(kept))

    def __len__(self) -> int:
        return len(self._norm)

    def start(self, i: int) -> int:
        """Input offset where a span starting at output offset `i` starts."""
        k = bisect_right(self._norm, i) - 1
        if k < 0:
            return self._orig[0] if self._norm else 0
        if not self._lin[k]:
            return self._orig[k]
        return self._orig[k] + min(i - self._norm[k], self._olen[k])

    def end(self, j: int) -> int:
        """Input offset where a span ending at output offset `j` ends."""
        k = bisect_left(self._norm, j) - 1
        if k < 0:
            return self._orig[0] if self._norm else 0
        if not self._lin[k]:
            return self._orig[k] + self._olen[k]
        return self._orig[k] + min(j - self._norm[k], self._olen[k])

    def __reduce__(self) -> tuple[Any, ...]:
        return (_Stage, (self._norm, self._orig, self._olen, self._lin))


class OffsetMap:
    """Maps spans of a normalized text to spans of the text it was made from.

    A chain of stages (one per normalization step that changed offsets), each mapping its
    output to its input; a span is mapped through them from the last to the first. The map
    is as small as the edits (one segment each) and a lookup is a binary search per stage, so
    building and using it stays linear on a 20 MB report.
    """

    __slots__ = ("_stages",)

    def __init__(self, stages: tuple[_Stage, ...] = ()) -> None:
        self._stages = stages

    @classmethod
    def identity(cls, length: int) -> OffsetMap:
        """The map of a text that was not changed (`length` is kept for symmetry)."""
        return cls()

    def __len__(self) -> int:
        """Number of segments over all stages."""
        return sum(map(len, self._stages))

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original span that normalized text[start:end] came from (never reversed)."""
        a, b = start, end
        for stage in reversed(self._stages):
            a, b = stage.start(a), (stage.end(b) if b > a else stage.start(a))
            b = max(a, b)
        return a, b

    def then(self, stage: _Stage) -> OffsetMap:
        """The map with one more stage after the others."""
        return OffsetMap((*self._stages, stage))

    def compose(self, edits: Sequence[Edit], new_length: int) -> OffsetMap:
        """The map of the text made by applying `edits` to the text this map describes."""
        in_length = new_length - sum(n - (e - s) for s, e, n in edits)
        return self.then(_Stage.from_edits(edits, in_length))

    def __reduce__(self) -> tuple[Any, ...]:
        return (OffsetMap, (self._stages,))


def apply_edits(text: str, edits: Sequence[tuple[int, int, str]]) -> tuple[str, list[Edit]]:
    """Apply replacements (start, end, new text) to `text`; the edits in `Edit` form."""
    pieces: list[str] = []
    pos = 0
    for s, e, new in edits:
        pieces.append(text[pos:s])
        pieces.append(new)
        pos = e
    pieces.append(text[pos:])
    return "".join(pieces), [(s, e, len(new)) for s, e, new in edits]


# --- 1. characters ------------------------------------------------------------------------

# Format characters with no visible form: bidi marks and embeddings/isolates, zero-width
# space/joiners, word joiner and invisible operators, BOM, soft hyphen, Arabic letter mark,
# Mongolian vowel separator, variation selectors (also the ideographic ones) and tag characters.
_INVISIBLE_BMP = "\u00ad\u034f\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufe00-\ufe0f\ufeff"
_INVISIBLE_ASTRAL = "\U000e0001\U000e0020-\U000e007f\U000e0100-\U000e01ef"
INVISIBLE = re.compile(f"[{_INVISIBLE_BMP}{_INVISIBLE_ASTRAL}]+")
# A gateway's pinyin annotation right after a Han character, 宁遠(yuǎn)县 (traditional-script
# gateways add them to rare characters): the reading is no part of the text and breaks the name
# it stands in. Only a syllable with a tone mark counts, so (a), (A类) or (yes) stay.
# (The parenthesis first, then the look back at the character before it: a scan for one
# character class, four times faster than testing the look-behind at every position.)
_TONE_MARKED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ"  # a pinyin syllable's tone-marked vowel
PINYIN = re.compile(
    f"[(（](?<=[\u4e00-\u9fff][(（])[a-zü]{{0,5}}[{_TONE_MARKED}][a-zü]{{0,5}}[)）]"
)
# Character classes NFKC is applied to. Each maps to exactly one character, so the stage
# never changes the text's length (checked when the table is built).
_COMPAT_RANGES = (
    (0x2E80, 0x2EFF),  # CJK radicals supplement (the two with a compatibility mapping)
    (0x2F00, 0x2FDF),  # Kangxi radicals: ⼀⼆⼗ look exactly like 一二十
    (0xF900, 0xFAFF),  # CJK compatibility ideographs
    (0xFF10, 0xFF19),  # full-width digits
    (0xFF21, 0xFF3A),  # full-width Latin capitals
    (0xFF41, 0xFF5A),  # full-width Latin small letters
    (0x2F800, 0x2FA1F),  # CJK compatibility ideographs supplement
)


@lru_cache(maxsize=1)
def _compat_table() -> tuple[dict[int, str], re.Pattern[str]]:
    table: dict[int, str] = {}
    for lo, hi in _COMPAT_RANGES:
        for cp in range(lo, hi + 1):
            ch = chr(cp)
            nf = unicodedata.normalize("NFKC", ch)
            if nf != ch and len(nf) == 1:
                table[cp] = nf
    # The class as ranges of code points: a class of single characters makes `search` slow.
    ranges: list[list[int]] = []
    for cp in sorted(table):
        if ranges and cp == ranges[-1][1] + 1:
            ranges[-1][1] = cp
        else:
            ranges.append([cp, cp])
    cls = "".join(f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in ranges)
    return table, re.compile(f"[{cls}]")


_DELETED = re.compile(f"{INVISIBLE.pattern}|{PINYIN.pattern}")
# The tag characters and ideographic variation selectors outside the BMP, looked for only in a
# text that has characters outside the BMP: a class with astral ranges is tested range by range
# at every position (~4x slower than a BMP class).
_ASTRAL_INVISIBLE = re.compile(f"[{_INVISIBLE_ASTRAL}]")


def _astral(text: str) -> bool:
    """Whether `text` has a character outside the BMP (4 bytes of UTF-16 instead of 2; ~1 µs)."""
    return len(text.encode("utf-16-le", "surrogatepass")) > 2 * len(text)


def _has_invisible(text: str) -> bool:
    """`INVISIBLE.search(text)`, the astral part only for a text that has astral characters."""
    return _INVISIBLE_BMP_CLASS.search(text) is not None or (
        _astral(text) and _ASTRAL_INVISIBLE.search(text) is not None)


_INVISIBLE_BMP_CLASS = re.compile(f"[{_INVISIBLE_BMP}]")


def normalize_chars(text: str) -> tuple[str, _Stage | None]:
    """Delete invisible characters and pinyin annotations, map compatibility forms (same length) to plain ones.

    Returns the text and the stage map of the deletions (None when there were none).
    """
    stage = None
    out = text
    pinyin = PINYIN.search(text) is not None
    if pinyin or _has_invisible(text):
        gone = _DELETED if pinyin else INVISIBLE
        stage = _Stage.from_deletions(gone, text)
        out = gone.sub("", text)
    table, compat = _compat_table()
    if compat.search(out):
        out = out.translate(table)
    return out, stage


# Enumerators a word processor's automatic numbering leaves as single characters: ⑴ … ⒇ and
# ㈠ … ㈩. NFKC spells them out as (1) and (一), numbering segmentation reads as sub-headings.
# Circled numbers (①) would become bare digits and ⒈ a "1." read as a third-level heading
# wherever it stands: both are left alone.
ENUMERATOR = re.compile("[\u2474-\u2487\u3220-\u3229]")


def expand_enumerators(text: str) -> tuple[str, list[Edit]]:
    """Spell out single-character enumerators (⑴ → (1), ㈠ → (一))."""
    if not ENUMERATOR.search(text):
        return text, []
    reps = [(m.start(), m.end(), unicodedata.normalize("NFKC", m.group(0))) for m in ENUMERATOR.finditer(text)]
    return apply_edits(text, reps)


# --- 2. lines -----------------------------------------------------------------------------

_DASH = "-—–－―~～_"
_PAGE_NUMBER = re.compile(
    rf"[{_DASH}]+\s*\d{{1,4}}\s*[{_DASH}]+"  # — 3 —, - 3 -
    r"|(?:共\s*\d{1,4}\s*页\s*[,，/]?\s*)?第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?"  # 第3页(共12页)
    r"|(?:[Pp]age\s*)?(?P<n>\d{1,4})\s*(?:/|of)\s*(?P<of>\d{1,4})"  # 3/12, Page 3 of 12
    r"|[Pp]age\s*\d{1,4}"
)
_BARE_NUMBER = re.compile(r"\d{1,4}")
# A line that starts a heading: never joined to the line before it.
_HEADING_START = re.compile(
    r"(?:#{1,6}\s|[一二三四五六七八九十]{1,3}\s*[、.．]|[（(]\s*[一二三四五六七八九十\d]{1,3}\s*[）)]"
    r"|\d{1,2}\s*[.．、](?!\d)|[一二三四五六七八九十]{1,3}是|第[一二三四五六七八九十\d]{1,3}(?:部分|章|节))"
)
# A line ending like this ends its sentence (or introduces a list): the break is kept.
_ENDS = tuple("。！？；：:!?;")
_SHORT_CHROME = 40  # a running header or footer is at most this long
_MIN_WRAPPED = 5  # full lines needed before a text is taken as hard-wrapped


def _width(line: str) -> float:
    """Printed width in em: Chinese and full-width characters 1, others (digits, Latin) 0.5."""
    return len(line) - len(line.encode("latin-1", "ignore")) / 2


_LATIN1 = operator.methodcaller("encode", "latin-1", "ignore")


def _widths(lines: list[str]) -> list[float]:
    """`_width` of each line, computed by `map` in C (a Python call a line cost ~3,000 instructions)."""
    return list(map(operator.sub, map(len, lines),
                    map(operator.truediv, map(len, map(_LATIN1, lines)), itertools.repeat(2))))


def _page_number(m: re.Match[str]) -> bool:
    """A page-number match is one when its "N/M" form has N ≤ M."""
    if m.group("n") is not None:
        return 0 < int(m.group("n")) <= int(m.group("of"))
    return True


# The characters a page-number line can start with (besides a digit, `str.isdecimal`, which is
# what `\d` matches): every branch of _PAGE_NUMBER and _BARE_NUMBER starts with one of them.
_PAGE_NUMBER_START = frozenset(_DASH + "共第Pp")


def _page_numbers(lines: list[str]) -> set[int]:
    """Indexes of page-number lines among stripped `lines`."""
    # Only lines that start like one are matched (a test of the first character instead of two
    # regex calls a line, ~4,000 instructions; most lines start with a Han character).
    maybe = [i for i, ln in enumerate(lines) if ln and (ln[0] in _PAGE_NUMBER_START or ln[0].isdecimal())]
    drop = {i for i in maybe if (m := _PAGE_NUMBER.fullmatch(lines[i])) and _page_number(m)}
    # Bare numbers are page numbers only as a rising series of at least three, a page apart
    # (the numbers of a table's rows are close together).
    bare = [i for i in maybe if _BARE_NUMBER.fullmatch(lines[i])]
    if len(bare) >= 3 and all(int(lines[a]) < int(lines[b]) and b - a >= 8 for a, b in itertools.pairwise(bare)):
        drop.update(bare)
    return drop


def _running_heads(lines: list[str], drop: set[int]) -> set[int]:
    """Indexes of running headers and footers among stripped `lines`.

    A running header is a short line (digits aside) that comes back at regular intervals, as
    it does once a page. Only called for a text that shows other signs of a PDF copy (page
    numbers, hard wraps), so a sub-heading repeated in each section stays.
    """
    keyed: dict[str, list[int]] = {}
    for i, ln in enumerate(lines):
        if 2 <= len(ln) <= _SHORT_CHROME and i not in drop and not ln.endswith(_ENDS) and "。" not in ln:
            keyed.setdefault(re.sub(r"\d+", "#", ln), []).append(i)
    first_text = next((i for i, ln in enumerate(lines) if ln), 0)
    found: set[int] = set()
    for key, at in keyed.items():
        if len(at) < 3 or _HEADING_START.match(key):
            continue
        # The title often comes back as a running header: its first occurrence stays.
        repeats = at[1:] if at[0] <= first_text + 2 else at
        gaps = [b - a for a, b in itertools.pairwise(at)]
        # Table cells and lists repeat close together; pages are of similar length.
        if len(repeats) >= 2 and min(gaps) >= 8 and max(gaps) <= 2 * min(gaps) + 4:
            found.update(repeats)
    return found


def _full_lines(lines: list[str], widths: list[float], drop: set[int]) -> list[bool]:
    """Which lines are full (as wide as the page's text lines), when the text is hard-wrapped.

    `widths` are the lines' widths; lines in `drop` (page chrome) do not count.
    """
    long = [i for i, ln in enumerate(lines) if len(ln) > 8 and i not in drop]
    none = [False] * len(lines)
    if len(long) < _MIN_WRAPPED:
        return none
    # The wrap width: (nearly) the widest line; in a hard-wrapped text most lines reach it.
    ws = sorted(widths[i] for i in long)
    ref_w = ws[int(0.95 * (len(ws) - 1))]
    if ref_w > 120:
        return none  # (paragraphs on lines of their own, as a web page has them)
    ref_len = Counter(len(lines[i]) for i in long).most_common(1)[0][0]
    flags = none.copy()
    for i in long:
        w = widths[i]
        # Lines of the most common length are full too (digits and Latin letters make a full
        # line narrower), but only when that length is a page's width, not that of a run of
        # short headings of equal length.
        flags[i] = w <= ref_w + 1 and (
            w >= ref_w - 2.5 or (ref_len - 2 <= len(lines[i]) <= ref_len + 1 and w >= 0.75 * ref_w)
        )
    n_full = sum(flags)
    # Headings are short lines of their own in wrapped and unwrapped text alike: the share of
    # full lines is taken among the other lines, so a report with many headings still counts.
    body = sum(1 for i in long if not _HEADING_START.match(lines[i]) or flags[i])
    if n_full < _MIN_WRAPPED or n_full < 0.5 * body:
        return none
    # A wrap cuts sentences anywhere: most full lines end inside one. Lines of one length
    # that all end a sentence are a list, not a wrapped paragraph.
    if sum(1 for i in long if flags[i] and lines[i].endswith(_ENDS)) > 0.5 * n_full:
        return none
    return flags


def normalize_lines(text: str) -> tuple[str, list[Edit]]:
    """Drop page numbers and running headers; re-join hard-wrapped paragraphs."""
    if "\n" not in text:
        return text, []
    raw = text.split("\n")
    lines = [ln.strip() for ln in raw]
    widths = _widths(lines)
    drop = _page_numbers(lines)
    full = _full_lines(lines, widths, drop)
    if drop or any(full):
        heads = _running_heads(lines, drop)
        if heads:
            drop |= heads
            full = _full_lines(lines, widths, drop)
    else:
        return text, []  # nothing to drop and no full line: no deletion and no join below (most texts)
    starts = list(itertools.accumulate(map(len, raw[:-1]), lambda a, n: a + n + 1, initial=0))
    # Chrome lines go with their line break (the one before, for the last line).
    dels: list[tuple[int, int, str]] = [
        (starts[j], starts[j] + len(raw[j]) + 1, "") if j + 1 < len(raw) else (max(starts[j] - 1, 0), len(text), "")
        for j in sorted(drop)
    ]
    prev: int | None = None  # last text line kept
    gap_blank = gap_chrome = False
    for i, ln in enumerate(lines):
        if i in drop:
            gap_chrome = True
        elif not ln:
            gap_blank = True
        else:
            if (
                prev is not None
                and full[prev]
                and not lines[prev].endswith(_ENDS)
                and not _HEADING_START.match(ln)
                and (gap_chrome or not gap_blank)  # a blank line alone ends a paragraph
            ):
                # Join: everything between the previous line's last character and this
                # line's first goes (the break, and chrome or blank lines of a page break).
                a = starts[prev] + len(raw[prev].rstrip())
                dels.append((a, starts[i] + len(raw[i]) - len(raw[i].lstrip()), ""))
            prev, gap_blank, gap_chrome = i, False, False
    if not dels:
        return text, []
    return apply_edits(text, _merge(dels))


def _merge(dels: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Sort deletions and merge overlapping ones."""
    out: list[tuple[int, int, str]] = []
    for s, e, _ in sorted(dels):
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e), "")
        else:
            out.append((s, e, ""))
    return out


# --- 3. script ----------------------------------------------------------------------------

TRADITIONAL_SHARE = 0.05  # share of Chinese characters t2s changes in a traditional text
_SAMPLE = 100_000  # characters looked at to decide
_CJK = re.compile(r"[\u4e00-\u9fff]")
_CLAUSE = re.compile(r"[^，。；：、！？,.;:!?\s]+|[，。；：、！？,.;:!?\s]+")


# Traditional to simplified, Taiwan variant characters (裡, 著 …) included; on standard
# traditional text the same as plain t2s.
OPENCC_CONFIG = "tw2s"


@lru_cache(maxsize=1)
def _t2s() -> Any:
    import opencc  # imported here: loading the dictionaries costs time only when needed

    return opencc.OpenCC(OPENCC_CONFIG)


# Frequent characters that only traditional text uses (in general and in these reports). Fewer
# than five of them in the sample: the text is simplified, and OpenCC is not even loaded.
TRADITIONAL_HINTS = (
    "們這個來為國會發與關對時學過後動還種經當點從業現進實體開機無長問題"
    "縣區鎮級務規準設議書執辦總標條據權責審統構應協調導領黨員幹練護範項資監環許證"
)
_HINT = re.compile(f"[{TRADITIONAL_HINTS}]")


@lru_cache(maxsize=1)
def _rare_bmp() -> re.Pattern[str]:
    """One class of the BMP characters steps 1 and 2 act on, or that they need.

    Compatibility forms, invisible characters, enumerators, the traditional hints and the
    tone-marked vowel every pinyin annotation has: a simplified report has none of them, and
    one scan for all replaces six (~0.15 ms a report).
    """
    table, _ = _compat_table()
    compat = "".join(re.escape(chr(cp)) for cp in sorted(table) if cp < 0x10000)
    return re.compile(f"[{_INVISIBLE_BMP}{compat}{ENUMERATOR.pattern[1:-1]}{TRADITIONAL_HINTS}{_TONE_MARKED}]")


def _unchanged_by_chars_and_script(text: str) -> bool:
    """True only when steps 1 and 2 would leave `text` as it is (see `normalize_text`).

    No character outside the BMP (astral invisibles and compatibility ideographs are left to the
    full steps) and none of `_rare_bmp`'s: then there is nothing to delete, map or spell out, no
    pinyin annotation (it has a tone-marked vowel) and fewer than five traditional hints.
    """
    return not _astral(text) and _rare_bmp().search(text) is None


def is_traditional(text: str) -> bool:
    """True when the text is written in traditional characters (not one odd character).

    t2s leaves a simplified text all but unchanged (a place name with 乾 changes one
    character), while it changes a fifth or more of a traditional one's characters.
    """
    sample = text[:_SAMPLE]
    if len(_HINT.findall(sample)) < 5:
        return False
    changed = sum(map(str.__ne__, sample, _t2s().convert(sample)))
    return changed >= 5 and changed >= TRADITIONAL_SHARE * len(_CJK.findall(sample))


def to_simplified(text: str) -> tuple[str, list[Edit]]:
    """Convert a traditional-character text to simplified.

    OpenCC converts phrases; a line whose length changed is converted clause by clause and
    each clause whose length changed is one edit, so offsets stay exact everywhere else.
    """
    conv = _t2s()
    old = text.split("\n")
    new = conv.convert(text).split("\n")
    if len(new) != len(old):
        new = [conv.convert(ln) for ln in old]
    edits: list[Edit] = []
    pos = 0
    for i, (a, b) in enumerate(zip(old, new, strict=True)):
        if len(a) != len(b):
            pieces = []
            for m in _CLAUSE.finditer(a):
                c = conv.convert(m.group(0))
                if len(c) != len(m.group(0)):
                    edits.append((pos + m.start(), pos + m.end(), len(c)))
                pieces.append(c)
            new[i] = "".join(pieces)
        pos += len(a) + 1
    return "\n".join(new), edits


# --- the stage ----------------------------------------------------------------------------


def normalize_field(value: str, traditional: bool) -> str:
    """A page field (title, publisher) normalized like the body, without a map."""
    out, _ = normalize_chars(value)
    if traditional:
        out = _t2s().convert(out)
    return out.strip()


def _subsequence_edits(old: str, new: str) -> list[Edit] | None:
    """Edits that turn `old` into `new` when `new` keeps some of `old`'s lines (or their starts)."""
    new_lines = new.split("\n")
    dels: list[tuple[int, int, str]] = []
    j = pos = 0
    for ln in old.split("\n"):
        if j < len(new_lines) and ln == new_lines[j]:
            j += 1
        elif j < len(new_lines) and new_lines[j] and ln.startswith(new_lines[j]):
            dels.append((pos + len(new_lines[j]), pos + len(ln), ""))
            j += 1
        else:
            dels.append((pos, min(pos + len(ln) + 1, len(old)), ""))
        pos += len(ln) + 1
    out, edits = apply_edits(old, _merge(dels))
    return edits if j == len(new_lines) and out == new else None


def _reclean(text: str, fields: dict[str, str], sources: dict[str, str]) -> tuple[str, list[Edit]]:
    """Run the reader's page cleaning again on a text normalization changed.

    The reader looks for 发布日期, 索引号 and a title with 报告 in simplified characters and on
    one line; in a traditional page, or a PDF copy whose title wraps, it found none of them.
    The fields are read and the page chrome removed again on the normalized text (`fields` and
    `sources` are updated in place; the fields the reader found keep precedence).
    """
    from checker.read.clean import Fields, clean_text  # here: checker.read imports this module

    found = Fields(values=fields, sources=sources)
    cleaned = clean_text(text, found)
    edits = _subsequence_edits(text, cleaned) if cleaned != text else None
    return (cleaned, edits) if edits is not None else (text, [])


def normalize_text(text: str, fields: dict[str, str] | None = None,
                   sources: dict[str, str] | None = None) -> tuple[str, OffsetMap | None]:
    """The analysis text and its map back to `text` (None when nothing changed).

    `fields` and `sources` (a page's fields, see `Document.fields`) are normalized in place.
    """
    fields = {} if fields is None else fields
    sources = {} if sources is None else sources
    if _unchanged_by_chars_and_script(text):
        out, m, traditional = text, OffsetMap(), False  # (the common case, in one scan)
    else:
        out, stage = normalize_chars(text)
        m = OffsetMap((stage,) if stage else ())
        out, edits = expand_enumerators(out) if ENUMERATOR.search(out) else (out, [])
        m = m.compose(edits, len(out)) if edits else m
        traditional = is_traditional(out)
    for k, v in fields.items():
        fields[k] = normalize_field(v, traditional)
    if traditional:
        for step in (to_simplified, lambda t: _reclean(t, fields, sources)):
            new, edits = step(out)
            m = m.compose(edits, len(new)) if edits else m
            out = new
    new, edits = normalize_lines(out)
    if edits:
        m = m.compose(edits, len(new))
        out = new
        # A title or a field line cut in two by a hard wrap is whole now: read it again.
        new, edits = _reclean(out, fields, sources)
        m = m.compose(edits, len(new)) if edits else m
        out = new
    return (text, None) if out == text else (out, m)


def normalize(doc: Document) -> Document:
    """The document with `text` normalized for analysis and `original` the reader's text."""
    if doc.offsets is not None:
        return doc  # already normalized
    fields, sources = dict(doc.fields), dict(doc.field_sources)
    text, offsets = normalize_text(doc.text, fields, sources)
    if offsets is None and fields == doc.fields:
        return doc
    return dataclasses.replace(doc, text=text, original=doc.text, offsets=offsets, fields=fields,
                               field_sources=sources)
