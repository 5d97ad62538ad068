"""Refuse documents that look like an annual rule-of-law government report but are not one.

A supervisor's folder always holds some: a 政府信息公开工作年度报告, a 解读 of a report, a
notice issuing next year's 工作要点, guidelines on writing the report, a template with 某县/××.
Checking one would score a document that reports nothing, so the pipeline refuses it with
`input.not_a_report`, naming what it looks like.

The signals are data (`outline/lookalikes.yaml`): per kind, patterns for a title line and for
the body. A real report must never be refused, so the test is conservative: a kind's title
pattern on a title line plus a few of its body patterns (unless another title line is the
report's own title and nothing else), or several body patterns when no title line reads as a
report title.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from checker.errors import InputError
from checker.model import Document
from checker.resources import outline_dir

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

HAN = re.compile(r"[\u4e00-\u9fff]")
# Page chrome and navigation: never a title line.
CHROME = re.compile(r"[|>›»]|当前位置|首页|索引号|发布机构|发布日期|发布时间|信息来源|来源[:：]|浏览|字号|打印")
HEADING = re.compile(r"\s*(?:[一二三四五六七八九十]{1,3}\s*[、.．]|[（(]\s*[一二三四五六七八九十]{1,3}\s*[）)])")
# Text run into one line: a title is what stands before the first gap.
RUN_IN_TITLE = re.compile(r"\s*([^\s。，,；;：:|]{8,120})[\s|]")
TITLE_SEP = re.compile(r"[_|｜]| [-—–] ")
TITLE_LINES = 3  # substantial lines at the top of the text read as title lines
TITLE_MIN_HAN = 8  # Han characters a title line has at least (menu items such as 政策解读 have fewer)
TITLE_MAX = 120
SCAN_LINES = 40  # lines looked at for title lines
# "现将…情况报告如下": the text presents itself as the report.
REPORT_BODY = re.compile(r"(?:现将|特将|现就)[^。；]{0,60}报告如下")


@dataclass(frozen=True, slots=True)
class Kind:
    """One kind of look-alike document and the patterns that recognise it."""

    id: str
    name: dict[str, str]
    title: tuple[re.Pattern[str], ...]
    body: tuple[re.Pattern[str], ...]
    title_body: int  # body patterns needed besides a title match
    body_only: int  # body patterns needed without a title match
    guarded: bool  # without a title match, only when the text does not present itself as a report


@dataclass(frozen=True, slots=True)
class Lookalikes:
    """All kinds, and the title patterns of a real report."""

    report_title: tuple[re.Pattern[str], ...]
    kinds: tuple[Kind, ...]


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
            body=tuple(re.compile(p) for p in k.get("body") or ()),
            title_body=int(k.get("title_body", 0)),
            body_only=int(k.get("body_only", 3)),
            guarded=bool(k.get("guarded", True)),
        )
        for k in data["kinds"]
    )
    return Lookalikes(tuple(re.compile(p) for p in data.get("report_title") or ()), kinds)


def title_lines(doc: Document) -> list[str]:
    """The page title and the first substantial lines of the text (not chrome, not headings).

    Title lines stand before the body (the first line with a full stop or a part heading); a
    title line has at least TITLE_MIN_HAN Han characters: menu items (政策解读), breadcrumbs,
    索引号 rows and the addressee line (…：) are not titles.
    """
    out: list[str] = []
    # A page title may carry the site and column ("…报告_政策解读_XX县人民政府"): its pieces.
    for piece in TITLE_SEP.split(doc.fields.get("title") or ""):
        if len(HAN.findall(piece)) >= TITLE_MIN_HAN:
            out.append(piece.strip())
    found = 0
    for i, line in enumerate(doc.text.split("\n", SCAN_LINES)):
        if i >= SCAN_LINES or found >= TITLE_LINES:
            break
        s = line.strip()
        if "。" in s or HEADING.match(s):
            break  # the body has begun
        if len(HAN.findall(s)) < TITLE_MIN_HAN or len(s) > TITLE_MAX or CHROME.search(s) or s[-1] in "：:；;":
            continue
        out.append(s)
        found += 1
    if not found:
        m = RUN_IN_TITLE.match(doc.text)
        if m and len(HAN.findall(m.group(1))) >= TITLE_MIN_HAN and not CHROME.search(m.group(1)):
            out.append(m.group(1))
    return out


def _count(patterns: tuple[re.Pattern[str], ...], text: str) -> int:
    return sum(1 for p in patterns if p.search(text))


def classify(doc: Document, data: Lookalikes | None = None) -> Kind | None:
    """The look-alike kind `doc` is, or None for a report (or anything not recognised).

    A title line that names the report and no look-alike kind (a portal's <title> may add its
    column, "…报告_政府信息公开年度报告_…") protects the document from title evidence on other
    lines; only a kind whose body signals never occur in a real report can still match.
    """
    data = data or load()
    titles = title_lines(doc)
    text = doc.text
    kinds_of = [[k for k in data.kinds if any(p.search(t) for p in k.title)] for t in titles]
    reportish = [any(p.search(t) for p in data.report_title) for t in titles]
    pure_report = any(r and not ks for r, ks in zip(reportish, kinds_of, strict=True))
    if not pure_report:
        for kind in data.kinds:
            if any(kind in ks for ks in kinds_of):
                if kind.title_body == 0 or _count(kind.body, text) >= kind.title_body:
                    return kind
    # Without a look-alike title, only a document that does not present itself as the report
    # (unless the kind's body signals never occur in a real report).
    presents = any(reportish) or REPORT_BODY.search(text) is not None
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
