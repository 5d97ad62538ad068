"""Measures of how well a report is written, beyond which items it covers.

Supervisors send reports back for boilerplate: a shortcomings part of set phrases with no
causes, next-year "arrangements" that arrange nothing, a first-responsibility part that says
the leaders attached importance but not what they did, pages of slogans without a figure, a
report whose text is about another year, a title that does not say who reports on what. This
module measures each of these; `rules/quality.yaml` decides, as data, what counts as a problem.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from checker.facts import CONCRETE, FIGURE
from checker.metadata import _YEAR_IN_TITLE
from checker.model import Hit, Metadata, Segmented

CAUSE = re.compile(r"原因|主要是|由于|导致|致使|究其|根源|源于|受[^，。；]{0,10}影响|归因|造成")
DEADLINE = re.compile(r"年底前|年内|上半年|下半年|\d{1,2}\s*月(底|前|份)?|第[一二三四]季度|前完成|全覆盖|达到|实现")
YEAR = re.compile(r"(?<![\d\-—–至到])(20\d\d)\s*年(?!\s*[-—–至到])")
TITLE_SUBJECT = re.compile(r"法治政府建设|依法行政|法治建设")

# Every key a `quality` fact carries (rules may test these; see docs/rules.md).
FIELDS = (
    "shortcomings_sentences", "shortcomings_causes", "shortcomings_topics", "shortcomings_figures",
    "next_year_sentences", "next_year_concrete", "next_year_topics",
    "first_responsible_sentences", "first_responsible_acts",
    "figures", "figures_per_k", "year_consistent", "dominant_year", "title_form",
    "body_chars", "measures_chars", "measures_share", "next_year_figures", "next_year_figure_share",
)


def _sentences(seg: Segmented, part: str) -> list[tuple[int, int]]:
    return [(s.start, s.end) for s in seg.sentences if s.part == part and not s.heading]


def measure(seg: Segmented, meta: Metadata, hits: list[Hit], checkpoint_ids: set[str]) -> dict[str, Any]:
    """The quality measures of one report (keys: FIELDS)."""
    text = seg.document.text
    out: dict[str, Any] = {}

    short = _sentences(seg, "shortcomings")
    out["shortcomings_sentences"] = len(short)
    out["shortcomings_causes"] = sum(bool(CAUSE.search(text, a, b)) for a, b in short)
    out["shortcomings_figures"] = sum(len(FIGURE.findall(text, a, b)) for a, b in short)
    out["shortcomings_topics"] = len({h.rule for h in hits if h.part == "shortcomings" and h.rule in checkpoint_ids})

    nxt = _sentences(seg, "next_year")
    out["next_year_sentences"] = len(nxt)
    out["next_year_concrete"] = sum(
        bool(FIGURE.search(text, a, b) or DEADLINE.search(text, a, b) or "《" in text[a:b]) for a, b in nxt
    )
    out["next_year_topics"] = len({h.rule for h in hits if h.part == "next_year" and h.rule in checkpoint_ids})

    fr = _sentences(seg, "first_responsible")
    out["first_responsible_sentences"] = len(fr)
    out["first_responsible_acts"] = sum(bool(FIGURE.search(text, a, b) or CONCRETE.search(text, a, b)) for a, b in fr)

    done = [(s.start, s.end) for s in seg.sentences
            if s.part in ("measures", "first_responsible", "study", "other") and not s.heading]
    chars = sum(b - a for a, b in done)
    figures = sum(len(FIGURE.findall(text, a, b)) for a, b in done)
    out["figures"] = figures
    # The concreteness index: figures per 1,000 characters of text on work done.
    out["figures_per_k"] = round(1000 * figures / chars, 2) if chars else 0.0

    years = Counter(int(m.group(1)) for a, b in done for m in YEAR.finditer(text, a, b))
    dominant = years.most_common(1)[0][0] if years else None
    out["dominant_year"] = dominant or 0
    year = meta.year.value if isinstance(meta.year.value, int) else None
    # Consistent when the year most often named on work done is the year reported on (or
    # when there is nothing to compare).
    out["year_consistent"] = not (year and dominant and dominant != year and years[dominant] > years.get(year, 0))

    out["title_form"] = title_form(meta)
    out.update(shape(seg))
    return out


def shape(seg: Segmented) -> dict[str, int]:
    """How the report's body is spread over its parts, to tell an implausible structure.

    A year's work that ended up in `next_year` (a measures heading misread as plans) or a
    measures part of a few lines in a long report is more likely a misread or a misdrafted
    report than a real one; `rules/quality.yaml` decides what is implausible.
    """
    text = seg.document.text
    top = [p for p in seg.parts if not p.embedded and p.id != "preamble"]
    body = sum(p.end - p.start for p in top)  # characters after the opening, headings included
    measures = sum(p.end - p.start for p in top if p.id == "measures")
    figures = Counter(
        s.part for s in seg.sentences if s.part != "preamble" and not s.heading
        for _ in FIGURE.finditer(text, s.start, s.end)
    )
    total = sum(figures.values())
    return {
        "body_chars": body,
        "measures_chars": measures,
        "measures_share": round(100 * measures / body) if body else 0,
        "next_year_figures": figures["next_year"],
        "next_year_figure_share": round(100 * figures["next_year"] / total) if total else 0,
    }


def title_form(meta: Metadata) -> str:
    """'ok', or what the title lacks: no_title, no_agency, no_year, no_subject, not_report."""
    title = meta.title.value
    if not isinstance(title, str) or not title.strip():
        return "no_title"
    if not title.rstrip().endswith("报告"):
        return "not_report"
    if not TITLE_SUBJECT.search(title):
        return "no_subject"
    if not _YEAR_IN_TITLE.search(title):
        return "no_year"
    if meta.agency.source not in ("title", "cli", "manifest"):
        return "no_agency"
    return "ok"
