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

from checker.facts import CONCRETE, DIGIT, FIGURE
from checker.metadata import _YEAR_IN_TITLE
from checker.model import Hit, Metadata, Segmented

CAUSE = re.compile(r"原因|主要是|由于|导致|致使|究其|根源|源于|受[^，。；]{0,10}影响|归因|造成")
DEADLINE = re.compile(r"年底前|年内|上半年|下半年|\d{1,2}\s*月(底|前|份)?|第[一二三四]季度|前完成|全覆盖|达到|实现")
# The look-behind stands after the 20 it is about (as metadata._YEAR): a pattern that opens
# with the literal 20 is searched for it in C, one that opens with a look-behind tries a match
# at every position (ten times the instructions). It tests the same character, the one before 20.
YEAR = re.compile(r"(20(?<![\d\-—–至到]20)\d\d)\s*年(?!\s*[-—–至到])")
TITLE_SUBJECT = re.compile(r"法治政府建设|依法行政|法治建设")

# Every key a `quality` fact carries (rules may test these; see docs/rules.md).
FIELDS = (
    "shortcomings_sentences", "shortcomings_causes", "shortcomings_topics", "shortcomings_figures",
    "next_year_sentences", "next_year_concrete", "next_year_topics",
    "first_responsible_sentences", "first_responsible_acts",
    "figures", "figures_per_k", "year_consistent", "dominant_year", "title_form",
    "body_chars", "measures_chars", "measures_share", "next_year_figures", "next_year_figure_share",
)


DONE = ("measures", "first_responsible", "study", "other")  # parts whose figures make the concreteness index


def _figures(seg: Segmented) -> dict[str, list[tuple[int, int, int]]]:
    """Per part, its body sentences (no headings, none in the preamble) as (start, end, figures).

    Every measure below that counts figures reads them from here: each sentence is searched
    for FIGURE once, not once per measure (up to three times before).
    """
    text = seg.document.text
    out: dict[str, list[tuple[int, int, int]]] = {}
    for s in seg.sentences:
        if s.part != "preamble" and not s.heading:
            # Every FIGURE match starts with a digit, which is quicker to look for.
            n = 0 if DIGIT.search(text, s.start, s.end) is None else len(FIGURE.findall(text, s.start, s.end))
            out.setdefault(s.part, []).append((s.start, s.end, n))
    return out


def measure(seg: Segmented, meta: Metadata, hits: list[Hit], checkpoint_ids: set[str]) -> dict[str, Any]:
    """The quality measures of one report (keys: FIELDS)."""
    text = seg.document.text
    out: dict[str, Any] = {}
    by_part = _figures(seg)

    short = by_part.get("shortcomings", [])
    out["shortcomings_sentences"] = len(short)
    out["shortcomings_causes"] = sum(bool(CAUSE.search(text, a, b)) for a, b, _ in short)
    out["shortcomings_figures"] = sum(n for _, _, n in short)
    out["shortcomings_topics"] = len({h.rule for h in hits if h.part == "shortcomings" and h.rule in checkpoint_ids})

    nxt = by_part.get("next_year", [])
    out["next_year_sentences"] = len(nxt)
    out["next_year_concrete"] = sum(
        bool(n or DEADLINE.search(text, a, b) or "《" in text[a:b]) for a, b, n in nxt
    )
    out["next_year_topics"] = len({h.rule for h in hits if h.part == "next_year" and h.rule in checkpoint_ids})

    fr = by_part.get("first_responsible", [])
    out["first_responsible_sentences"] = len(fr)
    out["first_responsible_acts"] = sum(bool(n or CONCRETE.search(text, a, b)) for a, b, n in fr)

    done = sorted(row for part in DONE for row in by_part.get(part, ()))  # in text order, as the years count
    chars = sum(b - a for a, b, _ in done)
    figures = sum(n for _, _, n in done)
    out["figures"] = figures
    # The concreteness index: figures per 1,000 characters of text on work done.
    out["figures_per_k"] = round(1000 * figures / chars, 2) if chars else 0.0

    # Every YEAR match holds 年: a find spares most sentences the search.
    years = Counter(int(m.group(1)) for a, b, _ in done if text.find("年", a, b) >= 0
                    for m in YEAR.finditer(text, a, b))
    dominant = years.most_common(1)[0][0] if years else None
    out["dominant_year"] = dominant or 0
    year = meta.year.value if isinstance(meta.year.value, int) else None
    # Consistent when the year most often named on work done is the year reported on (or
    # when there is nothing to compare).
    out["year_consistent"] = not (year and dominant and dominant != year and years[dominant] > years.get(year, 0))

    out["title_form"] = title_form(meta)
    out.update(shape(seg, by_part))
    return out


def shape(seg: Segmented, by_part: dict[str, list[tuple[int, int, int]]] | None = None) -> dict[str, int]:
    """How the report's body is spread over its parts, to tell an implausible structure.

    A year's work that ended up in `next_year` (a measures heading misread as plans) or a
    measures part of a few lines in a long report is more likely a misread or a misdrafted
    report than a real one; `rules/quality.yaml` decides what is implausible. `by_part` is
    `_figures(seg)` when the caller has it already.
    """
    if by_part is None:
        by_part = _figures(seg)
    top = [p for p in seg.parts if not p.embedded and p.id != "preamble"]
    body = sum(p.end - p.start for p in top)  # characters after the opening, headings included
    measures = sum(p.end - p.start for p in top if p.id == "measures")
    figures = {part: sum(n for _, _, n in rows) for part, rows in by_part.items()}
    total = sum(figures.values())
    return {
        "body_chars": body,
        "measures_chars": measures,
        "measures_share": round(100 * measures / body) if body else 0,
        "next_year_figures": figures.get("next_year", 0),
        "next_year_figure_share": round(100 * figures.get("next_year", 0) / total) if total else 0,
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
