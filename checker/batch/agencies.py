"""One agency across years: score trend, recurring gaps, plan follow-through, text reuse.

Supervisors ask four questions of an agency's reports over time: is it getting better (trend),
does it keep leaving the same thing out (gaps missing two years running), did it do what last
year's report promised (follow-through: checkpoints named in year N's next-year part against
their status in year N+1), and did it copy last year's report (share of sentences repeated).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from checker.model import Timeliness

REUSE_FLAG = 0.30  # share of repeated sentences above which a report is flagged as reused


@dataclass
class YearReport:
    """One report of the agency (one year)."""

    year: int | None
    source: str
    score: float
    chapters: dict[int, float | None]
    parts_missing: list[str]  # structure rules (ids) of the required parts it lacks
    on_time: bool | None
    published: str | None
    items: dict[int, dict[str, Any]]  # id -> item of the cached entry (ids, statuses, reason keys, checkpoints)
    promises: list[dict[str, Any]]
    sentences: set[int]
    findings: list[dict[str, Any]]
    # required part id -> {"present", "how", "heading"}: the heading each part was found under
    parts: dict[str, dict[str, Any]] = field(default_factory=dict)
    item_list: list[dict[str, Any]] = field(default_factory=list, repr=False)  # the entry's items, in order

    @cached_property
    def checkpoints(self) -> dict[str, str]:
        """Rule -> status of every checkpoint, built when a comparison first asks.

        Only the report after this one's follow-through needs it, and most agencies have one
        report: building it for each took 0.06 ms.
        """
        return {c[0]: c[2] for i in self.item_list for c in i["checkpoints"]}  # [rule, severity, status, reason]


@dataclass
class Pair:
    """Comparison of a report with the agency's previous one."""

    year: int | None
    previous: int | None
    score_delta: float
    chapter_deltas: dict[int, float | None]
    recurring_gaps: list[dict[str, Any]]  # items missing/planned in both (consecutive years only): ids, statuses
    kept: list[dict[str, Any]]  # promises of the previous report now met or partial
    not_kept: list[dict[str, Any]]  # promises of the previous report still not done
    reuse: float  # share of this report's sentences found in the previous one
    reused: bool


@dataclass
class AgencyHistory:
    """All reports of one agency, oldest first, and the year-to-year comparisons."""

    name: str
    level: str | None
    reports: list[YearReport]
    pairs: list[Pair] = field(default_factory=list)


@dataclass(frozen=True)
class AgencyLink:
    """What the summary page needs of an agency: its page and its latest chapter scores."""

    name: str
    level: str | None
    link: str  # relative to the output folder
    year: int | None
    chapters: dict[int, float | None]


def parts_missing(report: dict[str, Any]) -> list[str]:
    """Structure rules (ids) of the required parts a cached report lacks, as the result said."""
    return [p["rule"] for p in report["required_parts"] if not p["present"]]


def on_time(report: dict[str, Any]) -> bool | None:
    """The result's timeliness verdict as the audit shows it: None when unknown."""
    status = Timeliness(report["timeliness"]["status"])
    return None if status is Timeliness.UNKNOWN else status is Timeliness.ON_TIME


def year_report(entry: dict[str, Any]) -> YearReport:
    """A YearReport from a cached full entry."""
    r = entry["report"]
    return YearReport(
        year=r["year"],
        source=entry["source"],
        score=r["score"],
        chapters=dict(r["score_detail"]["chapters"]),  # [chapter, score] pairs
        parts_missing=parts_missing(r),
        on_time=on_time(r),
        published=r["published"],
        items={i["id"]: i for i in r["items"]},
        promises=list(r.get("promises") or ()),
        sentences=set(entry.get("sentences") or ()),
        findings=list(r["findings"]),
        # The required parts (as the structure rules loaded say), in their order, as found.
        parts={rp["part"]: {k: (r["parts"].get(rp["part"]) or {}).get(k) for k in ("present", "how", "heading")}
               | {"present": rp["present"]} for rp in r["required_parts"]},
        item_list=r["items"],
    )


def _pair(prev: YearReport, cur: YearReport) -> Pair:
    consecutive = prev.year is not None and cur.year is not None and cur.year == prev.year + 1
    gaps = []
    if consecutive:
        for iid, item in cur.items.items():
            before = prev.items.get(iid)
            if before and item["status"] in ("missing", "planned") and before["status"] in ("missing", "planned"):
                gaps.append({"id": iid, "status": item["status"], "previous_status": before["status"]})
    kept, not_kept = [], []
    seen: set[str] = set()
    for p in prev.promises:
        rule = p["rule"]
        if rule in seen:
            continue
        seen.add(rule)
        status = cur.checkpoints.get(rule, "missing")
        row = {"rule": rule, "item": p.get("item"), "quote": p["quote"], "status": status}
        (kept if status in ("met", "partial") else not_kept).append(row)
    reuse = len(cur.sentences & prev.sentences) / len(cur.sentences) if cur.sentences else 0.0
    return Pair(
        year=cur.year,
        previous=prev.year,
        score_delta=round(cur.score - prev.score, 1),
        chapter_deltas={
            ch: (None if v is None or prev.chapters.get(ch) is None else round(v - prev.chapters[ch], 1))  # type: ignore[operator]
            for ch, v in cur.chapters.items()
        },
        recurring_gaps=gaps,
        kept=kept,
        not_kept=not_kept,
        reuse=round(reuse, 3),
        reused=reuse >= REUSE_FLAG,
    )


def history(name: str, level: str | None, entries: list[dict[str, Any]]) -> AgencyHistory:
    """The agency's reports in year order with comparisons of each to the one before."""
    reports = sorted((year_report(e) for e in entries), key=lambda r: (r.year is None, r.year or 0, r.source))
    h = AgencyHistory(name, level, reports)
    dated = [r for r in reports if r.year is not None]
    for prev, cur in itertools.pairwise(dated):
        h.pairs.append(_pair(prev, cur))
    return h


def to_data(h: AgencyHistory) -> dict[str, Any]:
    """The agency history as plain, language-neutral data: what the agency renderers receive.

    Ids, statuses, numbers, reason keys and rule arguments; titles and messages are put into
    words by the renderer, in the language of the run (checker/render/audit.py).
    """
    return {
        "agency": h.name,
        "level": h.level,
        "reports": [
            {"year": r.year, "source": r.source, "score": r.score, "published": r.published, "on_time": r.on_time,
             "parts_missing": list(r.parts_missing), "chapters": dict(r.chapters),
             "items": [{"id": i, "status": it["status"], "reason": it["reason"]} for i, it in sorted(r.items.items())],
             "findings": [{"rule": f["rule"], "args": f["args"]} for f in r.findings], "parts": r.parts}
            for r in h.reports
        ],
        "comparisons": [
            {"year": p.year, "previous": p.previous, "score_delta": p.score_delta,
             "chapter_deltas": dict(p.chapter_deltas), "recurring_gaps": p.recurring_gaps,
             "promises_kept": p.kept, "promises_not_kept": p.not_kept, "reuse": p.reuse, "reused": p.reused}
            for p in h.pairs
        ],
    }
