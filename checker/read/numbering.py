"""Word's automatic numbering (numbering.xml) rendered as Word displays it: 一、 （一） 1. (1) ①.

In most real drafts the heading numbers are not text but list numbering attached to the
paragraph (directly or through its style). Read as plain paragraphs they arrive without their
numbers and headings stop being headings, so the .docx reader asks this module for each
paragraph's label.

Counters follow Word: every list instance (w:num) that points to the same abstract list shares
its counters and continues it, unless the instance restarts a level (w:lvlOverride/
w:startOverride), in which case it counts on its own; a level restarts when a higher level
advances (or as w:lvlRestart says); `%N` in w:lvlText shows level N's counter in level N's
number format (all decimal under w:isLgl).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
LEVELS = 9
_MAX_VALUE = 100_000  # a counter past this is a hostile file, not a list; shown in decimal


def local(el: etree._Element) -> str:
    """An element's name without its namespace (Strict and Transitional OOXML alike)."""
    tag = el.tag
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1]


def attr(el: etree._Element | None, name: str = "val") -> str | None:
    """A w: attribute by local name (w:val, w:id …), whatever the WordprocessingML namespace."""
    if el is None:
        return None
    for key, value in el.attrib.items():
        if key.rsplit("}", 1)[-1] == name:
            return value
    return None


def child(el: etree._Element | None, name: str) -> etree._Element | None:
    """The first child with local name `name`."""
    if el is None:
        return None
    for c in el:
        if local(c) == name:
            return c
    return None


# ---- number formats -------------------------------------------------------------------------

_CN_DIGITS = "〇一二三四五六七八九"
_CN_UNITS = ((1000, "千"), (100, "百"), (10, "十"), (1, ""))
_LEGAL_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_LEGAL_UNITS = ((1000, "仟"), (100, "佰"), (10, "拾"), (1, ""))
_HEAVENLY = "甲乙丙丁戊己庚辛壬癸"
_EARTHLY = "子丑寅卯辰巳午未申酉戌亥"
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
_ROMAN = ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"), (40, "XL"),
          (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))


def _counting(n: int, digits: str, units: tuple[tuple[int, str], ...], short_ten: bool) -> str:
    """Chinese counting: 十一, 二十, 一百零五 (legal: 壹拾壹). Values past 9999 in decimal."""
    if n <= 0 or n > 9999:
        return str(n)
    out: list[str] = []
    gap = False
    for value, unit in units:
        d = n // value % 10
        if d:
            if gap:
                out.append("零")
            out.append(digits[d] + unit)
            gap = False
        elif out:
            gap = True
    text = "".join(out)
    if short_ten and 10 <= n < 20:
        text = text[1:]  # 十一, not 一十一
    return text


def _roman(n: int) -> str:
    if n <= 0 or n >= 4000:
        return str(n)
    out = []
    for value, sym in _ROMAN:
        while n >= value:
            out.append(sym)
            n -= value
    return "".join(out)


def _letter(n: int) -> str:
    # Word repeats the letter: A … Z, AA … ZZ, AAA …
    if n <= 0:
        return str(n)
    return chr(ord("A") + (n - 1) % 26) * ((n - 1) // 26 + 1)


def format_number(n: int, fmt: str) -> str:
    """Show counter value `n` in Word's number format `fmt` (w:numFmt/@w:val)."""
    if n > _MAX_VALUE:
        return str(n)
    if fmt in ("chineseCounting", "chineseCountingThousand", "japaneseCounting", "taiwaneseCounting",
               "taiwaneseCountingThousand", "japaneseLegal"):
        return _counting(n, _CN_DIGITS, _CN_UNITS, short_ten=True)
    if fmt == "chineseLegalSimplified":
        return _counting(n, _LEGAL_DIGITS, _LEGAL_UNITS, short_ten=False)
    if fmt in ("ideographDigital", "taiwaneseDigital", "japaneseDigitalTenThousand"):
        return "".join(_CN_DIGITS[int(d)] for d in str(n))
    if fmt in ("ideographTraditional",):
        return _HEAVENLY[(n - 1) % 10] if n > 0 else str(n)
    if fmt in ("ideographZodiac",):
        return _EARTHLY[(n - 1) % 12] if n > 0 else str(n)
    if fmt in ("decimalEnclosedCircle", "decimalEnclosedCircleChinese", "ideographEnclosedCircle"):
        return _CIRCLED[n - 1] if 0 < n <= len(_CIRCLED) else str(n)
    if fmt == "decimalEnclosedParen":
        return f"({n})"
    if fmt == "decimalEnclosedFullstop":
        return f"{n}."
    if fmt in ("decimalFullWidth", "decimalFullWidth2"):
        return "".join(chr(0xFF10 + int(d)) for d in str(n))
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt == "upperRoman":
        return _roman(n)
    if fmt == "lowerRoman":
        return _roman(n).lower()
    if fmt == "upperLetter":
        return _letter(n)
    if fmt == "lowerLetter":
        return _letter(n).lower()
    if fmt in ("bullet", "none"):
        return ""
    return str(n)  # decimal and formats without a Chinese reading


# ---- list definitions -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Level:
    """One w:lvl of a list: how its number is counted and shown."""

    start: int = 1
    fmt: str = "decimal"
    text: str = ""  # w:lvlText, e.g. "%1、", "（%2）"
    restart: int | None = None  # w:lvlRestart (None: restart after any higher level)
    legal: bool = False  # w:isLgl
    suffix: str = "tab"  # w:suff: tab, space, nothing
    style: str | None = None  # w:pStyle: the paragraph style this level belongs to


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


def _level(el: etree._Element) -> Level:
    text_el = child(el, "lvlText")
    text = "" if attr(text_el, "null") in ("1", "true", "on") else (attr(text_el) or "")
    restart = child(el, "lvlRestart")
    return Level(
        start=_int(attr(child(el, "start")), 1),
        fmt=attr(child(el, "numFmt")) or "decimal",
        text=text,
        restart=None if restart is None else _int(attr(restart), 0),
        legal=child(el, "isLgl") is not None and attr(child(el, "isLgl")) not in ("0", "false", "off"),
        suffix=attr(child(el, "suff")) or "tab",
        style=attr(child(el, "pStyle")),
    )


def _levels(el: etree._Element) -> dict[int, Level]:
    out: dict[int, Level] = {}
    for lvl in el:
        if local(lvl) == "lvl":
            i = _int(attr(lvl, "ilvl"), -1)
            if 0 <= i < LEVELS:
                out[i] = _level(lvl)
    return out


@dataclass
class _Instance:
    """A w:num: which abstract list it shows, and the levels it restarts or redefines."""

    abstract: str
    starts: dict[int, int] = field(default_factory=dict)
    levels: dict[int, Level] = field(default_factory=dict)


@dataclass
class Styles:
    """Paragraph styles that carry numbering: style id -> (numId, ilvl) and basedOn chains."""

    numbering: dict[str, tuple[str | None, int | None]] = field(default_factory=dict)
    based_on: dict[str, str] = field(default_factory=dict)

    @classmethod
    def parse(cls, root: etree._Element | None) -> Styles:
        """Read the numbering-related parts of styles.xml (None: the package has none)."""
        out = cls()
        if root is None:
            return out
        for style in root:
            if local(style) != "style":
                continue
            sid = attr(style, "styleId")
            if not sid:
                continue
            base = attr(child(style, "basedOn"))
            if base:
                out.based_on[sid] = base
            num_pr = child(child(style, "pPr"), "numPr")
            if num_pr is not None:
                ilvl = attr(child(num_pr, "ilvl"))
                out.numbering[sid] = (attr(child(num_pr, "numId")), None if ilvl is None else _int(ilvl, 0))
        return out

    def numbering_of(self, style: str | None) -> tuple[str | None, int | None, str | None]:
        """(numId, ilvl, style that carried it) for a paragraph style, following basedOn."""
        seen: set[str] = set()
        while style and style not in seen and len(seen) < 20:
            seen.add(style)
            if style in self.numbering:
                num, ilvl = self.numbering[style]
                return num, ilvl, style
            style = self.based_on.get(style)
        return None, None, None


class Numbering:
    """List definitions of one document and the running counters while it is read in order."""

    def __init__(self, root: etree._Element | None, styles: Styles) -> None:
        self.styles = styles
        self.abstracts: dict[str, dict[int, Level]] = {}
        self.links: dict[str, str] = {}  # abstractNumId -> numbering style it takes its levels from
        self.instances: dict[str, _Instance] = {}
        self.counters: dict[str, list[int | None]] = {}
        if root is None:
            return
        for el in root:
            name = local(el)
            if name == "abstractNum":
                aid = attr(el, "abstractNumId")
                if aid is None:
                    continue
                self.abstracts[aid] = _levels(el)
                link = attr(child(el, "numStyleLink"))
                if link:
                    self.links[aid] = link
            elif name == "num":
                nid = attr(el, "numId")
                aid = attr(child(el, "abstractNumId"))
                if nid is None or aid is None:
                    continue
                inst = _Instance(aid)
                for ov in el:
                    if local(ov) != "lvlOverride":
                        continue
                    i = _int(attr(ov, "ilvl"), -1)
                    if not 0 <= i < LEVELS:
                        continue
                    start = child(ov, "startOverride")
                    if start is not None:
                        inst.starts[i] = _int(attr(start), 1)
                    lvl = child(ov, "lvl")
                    if lvl is not None:
                        inst.levels[i] = _level(lvl)
                self.instances[nid] = inst

    def _abstract(self, aid: str) -> tuple[str, dict[int, Level]]:
        """The abstract list whose levels apply, following one w:numStyleLink hop."""
        link = self.links.get(aid)
        if link and not self.abstracts.get(aid):
            num, _, _ = self.styles.numbering_of(link)
            inst = self.instances.get(num or "")
            if inst is not None and inst.abstract != aid:
                return inst.abstract, self.abstracts.get(inst.abstract, {})
        return aid, self.abstracts.get(aid, {})

    def resolve(self, num_id: str | None, ilvl: int | None, style: str | None) -> tuple[str, int] | None:
        """(numId, level) a paragraph is numbered with, from its own w:numPr or its style's."""
        via_style = None
        if num_id is None:
            num_id, style_ilvl, via_style = self.styles.numbering_of(style)
            if ilvl is None:
                ilvl = style_ilvl
        if not num_id or num_id == "0" or num_id not in self.instances:
            return None
        if ilvl is None:
            ilvl = 0
            _, levels = self._abstract(self.instances[num_id].abstract)
            for i, lvl in levels.items():  # a heading style tied to one level of the list
                if via_style and lvl.style == via_style:
                    ilvl = i
                    break
        if not 0 <= ilvl < LEVELS:
            return None
        return num_id, ilvl

    def label(self, num_id: str, ilvl: int) -> str:
        """Advance the list's counter at `ilvl` and return the label Word shows, with its separator."""
        inst = self.instances[num_id]
        aid, levels = self._abstract(inst.abstract)
        levels = {**levels, **inst.levels}
        # An instance that restarts a level counts on its own; otherwise it continues the list.
        key = f"num:{num_id}" if inst.starts or inst.levels else f"abs:{aid}"
        counters = self.counters.setdefault(key, [None] * LEVELS)

        def start(i: int) -> int:
            return inst.starts.get(i, levels.get(i, Level()).start)

        current = counters[ilvl]
        counters[ilvl] = start(ilvl) if current is None else current + 1
        for d in range(ilvl + 1, LEVELS):
            restart = levels.get(d, Level()).restart
            if restart is None or (restart > 0 and ilvl < restart):
                counters[d] = None
        lvl = levels.get(ilvl)
        if lvl is None:
            return ""
        out: list[str] = []
        text = lvl.text
        i = 0
        while i < len(text):
            ch = text[i]
            if ch == "%" and i + 1 < len(text) and text[i + 1] in "123456789":
                k = int(text[i + 1]) - 1
                value = counters[k] if counters[k] is not None else start(k)
                fmt = levels.get(k, Level()).fmt
                if lvl.legal and fmt not in ("bullet", "none"):
                    fmt = "decimal"
                out.append(format_number(value, fmt))  # type: ignore[arg-type]
                i += 2
            else:
                out.append(ch)
                i += 1
        label = "".join(out).strip()
        if lvl.fmt == "bullet" or not label:
            return ""  # bullet glyphs are symbol-font characters, not text
        # Word separates the number from the text by a tab or a space; after a closing mark
        # (、 ． ） .) the separator adds nothing a reader of the text needs.
        if lvl.suffix == "nothing" or label[-1] in "、.．)）:：":
            return label
        return label + " "
