"""Refuse documents that look like an annual rule-of-law government report but are not one.

A supervisor's folder always holds some: a 政府信息公开工作年度报告, a 解读 of a report, a
notice issuing next year's 工作要点, guidelines on writing the report, a template with 某县/××.
Checking one would score a document that reports nothing, so the pipeline refuses it with
`input.not_a_report`, naming what it looks like.

The signals are data (`outline/lookalikes.yaml`): per kind, patterns for a title line, for
what the document says of itself at its start ("制定本方案", "现印发给你们") and for the body.
A real report must never be refused, so the test is conservative: a kind's title pattern on a
title line plus a few of its body patterns, or one of its decisive phrases in the opening
(unless another title line is the report's own title and nothing else), or several body
patterns when no title line reads as a report title. A first sentence that names the document
("现公布…政府信息公开工作年度报告") is one of its title lines.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from checker.errors import InputError
from checker.model import Document
from checker.prefilter import Prefiltered
from checker.resources import outline_dir

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

HAN = re.compile(r"[\u4e00-\u9fff]")
# Page chrome and navigation: never a title line.
CHROME = re.compile(r"[|>›»]|当前位置|首页|索引号|发布机构|发布日期|发布时间|信息来源|来源[:：]|浏览|字号|打印")
HEADING = re.compile(r"\s*(?:[一二三四五六七八九十]{1,3}\s*[、.．]|[（(]\s*[一二三四五六七八九十]{1,3}\s*[）)])")
# Text run into one line: a title is what stands before the first gap.
# A PDF's text puts spaces around numbers ("某县 2025 年度…报告"): a space next to a digit stays.
RUN_IN_TITLE = re.compile(r"\s*((?:[^\s。，,；;：:|]| (?=[0-9０-９])|(?<=[0-9０-９]) ){8,120})[\s|]")
GAP = re.compile(r"[\s|]+")
COMMA = re.compile(r"[，,]")
TITLE_SEP = re.compile(r"[_|｜]| [-—–] ")
RUN_IN_SPAN = 400  # characters of a one-line page searched for a title behind its chrome
TITLE_LINES = 3  # substantial lines at the top of the text read as title lines
TITLE_MIN_HAN = 8  # Han characters a title line has at least (menu items such as 政策解读 have fewer)
TITLE_MAX = 120
SCAN_LINES = 40  # lines looked at for title lines
# "现将…情况报告如下": the text presents itself as the report.
REPORT_BODY = re.compile(r"(?:现将|特将|现就)[^。；]{0,60}报告如下")
# A clause of the first sentences that names the document: "现公布…政府信息公开工作年度报告".
SELF_NAMING = re.compile(r"(?:现公布|现予公布|现发布|现予发布|特发布|特编制|现编制|现将|现就|特将)"
                         r"[^。；！？!?：:\n]{4,80}")
SELF_NAMING_SPAN = 600  # characters at the top of the text searched for such a clause
OPENING = 3000  # characters at the top of the text searched for a kind's decisive phrases
# A line break between two Han characters, neither a heading's start nor after a full stop.
# (Written to start with the line break, the look-behind then testing the character before it:
# the engine skips from one line break to the next in C instead of testing the look-behind at
# every position, ~10x cheaper. Same matches as `(?<=[…])\n(?!…)(?=…)`.)
HARD_WRAP = re.compile(r"\n(?<=[\u4e00-\u9fff0-9，、（(《]\n)"
                       r"(?![一二三四五六七八九十]{1,3}[、.．]|[（(][一二三四五六七八九十])(?=[\u4e00-\u9fff0-9》）)])")


@dataclass(frozen=True, slots=True)
class Kind:
    """One kind of look-alike document and the patterns that recognise it."""

    id: str
    name: dict[str, str]
    title: tuple[re.Pattern[str], ...]
    # Searched over the whole text or its opening, and almost never there: each skips its
    # search when a string every match needs is missing (checker/prefilter.py; a
    # placeholder pattern such as "××件" costs ~0.5 ms a report to search, ~10 µs to rule out).
    body: tuple[Prefiltered, ...]
    decisive: tuple[Prefiltered, ...]  # one in the opening suffices
    title_body: int  # body patterns needed besides a title match
    body_only: int  # body patterns needed without a title match
    guarded: bool  # without a title match, only when the text does not present itself as a report
    self_named: bool  # names itself in its first sentence ("现公布…年度报告"): that clause is a title line


@dataclass(frozen=True, slots=True)
class Lookalikes:
    """All kinds, the title patterns of a real report and the report's own subject."""

    report_title: tuple[re.Pattern[str], ...]
    kinds: tuple[Kind, ...]
    report_subject: re.Pattern[str] | None = None


@cache
def load(folder: Path | None = None) -> Lookalikes:
    """Read `outline/lookalikes.yaml`."""
    path = (folder or outline_dir()) / "lookalikes.yaml"
    with path.open(encoding="utf-8") as fh:
        data = yaml.load(fh, Loader=_LOADER)
    kinds = tuple(
        Kind(
            id=k["id"],
            name=dict(k["name"]),
            title=tuple(re.compile(p) for p in k.get("title") or ()),
            body=tuple(Prefiltered(re.compile(p)) for p in k.get("body") or ()),
            decisive=tuple(Prefiltered(re.compile(p)) for p in k.get("decisive") or ()),
            title_body=int(k.get("title_body", 0)),
            body_only=int(k.get("body_only", 3)),
            guarded=bool(k.get("guarded", True)),
            self_named=bool(k.get("self_named", False)),
        )
        for k in data["kinds"]
    )
    subject = data.get("report_subject")
    return Lookalikes(tuple(re.compile(p) for p in data.get("report_title") or ()), kinds,
                      re.compile(subject) if subject else None)


def _sentence(line: str) -> bool:
    """A line with a comma is part of a sentence, never a title."""
    return len(COMMA.findall(line)) >= 1


def title_lines(doc: Document) -> list[str]:
    """The page title and the first substantial lines of the text (not chrome, not headings).

    Title lines stand before the body (the first line with a full stop or a part heading); a
    title line has at least TITLE_MIN_HAN Han characters: menu items (政策解读), breadcrumbs,
    索引号 rows, the addressee line (…：) and a sentence run over a hard wrap (two commas) are
    not titles.
    """
    out: list[str] = []
    # A page title may carry the site and column ("…报告_政策解读_XX县人民政府"): its pieces.
    for piece in TITLE_SEP.split(doc.fields.get("title") or ""):
        if len(HAN.findall(piece)) >= TITLE_MIN_HAN and not _sentence(piece):
            out.append(piece.strip())
    found = 0
    for i, line in enumerate(doc.text.split("\n", SCAN_LINES)):
        if i >= SCAN_LINES or found >= TITLE_LINES:
            break
        s = line.strip()
        if "。" in s or HEADING.match(s):
            break  # the body has begun
        if (len(HAN.findall(s)) < TITLE_MIN_HAN or len(s) > TITLE_MAX or CHROME.search(s) or s[-1] in "：:；;"
                or _sentence(s)):
            continue
        out.append(s)
        found += 1
    if not found:
        m = RUN_IN_TITLE.match(doc.text)
        if m and len(HAN.findall(m.group(1))) >= TITLE_MIN_HAN and not CHROME.search(m.group(1)):
            out.append(m.group(1))
        else:
            # A page run into one line behind its chrome: the title is a run between gaps
            # before the first sentence ends or the first part heading.
            for s in GAP.split(doc.text[:RUN_IN_SPAN].split("。", 1)[0]):
                if HEADING.match(s):
                    break
                if (TITLE_MIN_HAN <= len(HAN.findall(s)) and len(s) <= TITLE_MAX and not CHROME.search(s)
                        and not _sentence(s) and s[-1] not in "：:；;"):
                    out.append(s)
                    found += 1
                    if found >= TITLE_LINES:
                        break
    return out


def _count(patterns: tuple[Prefiltered, ...], text: str) -> int:
    return sum(1 for p in patterns if p.search(text))


def _unwrapped(text: str) -> str:
    """The text with line breaks inside a sentence removed: a PDF's hard wraps split phrases."""
    return HARD_WRAP.sub("", text)


def _names_lookalike(clause: str, data: Lookalikes) -> bool:
    """Whether a clause names a self-naming look-alike (a `self_named` kind's title), not ours."""
    if data.report_subject is not None and data.report_subject.search(clause):
        return False
    return any(p.search(clause) for k in data.kinds if k.self_named for p in k.title)


def self_named(text: str, data: Lookalikes) -> list[str]:
    """Clauses of the first sentences that name the document as a look-alike.

    A disclosure report often has no title line of its own on the page, but says what it is:
    "现公布…政府信息公开工作2022年度报告", "特编制…年度报告", "现就2020年政务公开年度工作情况报告如下".
    """
    return [m.group(0) for m in SELF_NAMING.finditer(_unwrapped(text[:SELF_NAMING_SPAN]))
            if _names_lookalike(m.group(0), data)]


def classify(doc: Document, data: Lookalikes | None = None) -> Kind | None:
    """The look-alike kind `doc` is, or None for a report (or anything not recognised).

    A title line that names the report and no look-alike kind (a portal's <title> may add its
    column, "…报告_政府信息公开年度报告_…") protects the document from title and decisive
    evidence; only a kind whose body signals never occur in a real report can still match.
    """
    data = data or load()
    text = doc.text
    titles = title_lines(doc)
    named = self_named(text, data)
    kinds_of = [[k for k in data.kinds if any(p.search(t) for p in k.title)] for t in titles + named]
    reportish = [any(p.search(t) for p in data.report_title) for t in titles] + [False] * len(named)
    pure_report = any(r and not ks for r, ks in zip(reportish, kinds_of, strict=True))
    if not pure_report:
        for kind in data.kinds:
            if any(kind in ks for ks in kinds_of):
                if kind.title_body == 0 or _count(kind.body, text) >= kind.title_body:
                    return kind
        opening = _unwrapped(text[:OPENING])
        for kind in data.kinds:
            if any(p.search(opening) for p in kind.decisive):
                return kind
    # Without a look-alike title, only a document that does not present itself as the report
    # (unless the kind's body signals never occur in a real report). "现就…政务公开年度工作情况
    # 报告如下" presents another report.
    presents = any(reportish) or any(not _names_lookalike(m.group(0), data) for m in REPORT_BODY.finditer(text))
    for kind in data.kinds:
        if (not presents or not kind.guarded) and _count(kind.body, text) >= kind.body_only:
            return kind
    return None


def refuse_lookalike(doc: Document) -> None:
    """Raise InputError("input.not_a_report") when `doc` is a look-alike, naming its kind."""
    kind = classify(doc)
    if kind is not None:
        raise InputError("input.not_a_report", path=doc.source, kind=kind.name["zh"],
                         kind_en=kind.name.get("en") or kind.name["zh"])
