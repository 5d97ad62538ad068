"""The gap report's content, independent of layout: text and Markdown both format these blocks.

For a supervisor the order is: who and when, score, parts, structure/timeliness findings,
then the gaps (missing items with the outline's wording), the plan-only items with the quote
that mentions them, the items covered without figures, and the items met with evidence.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from checker.i18n import fmt
from checker.model import ReportResult, Status
from checker.render.context import RenderContext


@dataclass
class ItemBlock:
    """One item in a gap list."""

    id: int
    title: str
    chapter: int
    reason: str
    outline_text: str
    quotes: list[tuple[str, str]] = field(default_factory=list)  # (part label, quote)
    missing_checkpoints: list[str] = field(default_factory=list)


@dataclass
class GapReport:
    """Everything a renderer shows for one report."""

    heading: str
    facts: list[tuple[str, str]]
    score_line: str
    score_detail: str
    chapters: list[tuple[str, str]]
    parts: list[tuple[str, str]]
    findings: list[str]
    summary: str
    sections: list[tuple[str, list[ItemBlock]]]


def _value(ctx: RenderContext, v: object, source: str | None) -> str:
    if v is None:
        return ctx.t("report.unknown")
    return f"{v}（{ctx.t('report.source')} {source}）" if ctx.lang == "zh" and source else (
        f"{v} ({ctx.t('report.source')} {source})" if source else str(v))


def build(r: ReportResult, ctx: RenderContext) -> GapReport:
    """Assemble the gap report for one result."""
    rules = ctx.ruleset.by_id()
    m = r.metadata
    level = m.level.value
    facts = [
        (ctx.t("report.file"), r.source),
        (ctx.t("report.agency"), _value(ctx, m.agency.value, m.agency.source)),
        (ctx.t("report.level"), _value(ctx, ctx.t(f"level.{level}") if level else None, m.level.source)),
        (ctx.t("report.year"), _value(ctx, m.year.value, m.year.source)),
        (ctx.t("report.published"), _value(ctx, m.published.value, m.published.source)),
    ]
    ocr = r.document.format.endswith("-ocr")
    if ocr:  # every quote below is recognised text, not the publisher's own characters
        facts.insert(1, (ctx.t("report.text_from"), ctx.t("report.ocr")))
    s = r.score
    detail = ctx.t("report.score_detail", content=s.content, structure=s.structure,
                   timeliness="—" if s.timeliness is None else s.timeliness)
    chapters = [
        (f"{cid}. {ctx.chapter_title(cid)}", "—" if v is None else f"{v}")
        for cid, v in s.chapters.items()
    ]
    parts = []
    for p in r.parts:
        if p.id in ("other", "study") and not p.present:
            continue
        state = ctx.t("report.present") if p.present else ctx.t("report.absent")
        if p.present and p.how:
            state += f"（{ctx.t('part.how.' + p.how)}）" if ctx.lang == "zh" else f" ({ctx.t('part.how.' + p.how)})"
        parts.append((ctx.t(f"part.{p.id}"), state))
    findings = [fmt(rules[f.rule].text("message", ctx.lang), f.args) for f in r.findings]
    counts = {st: sum(1 for it in r.items if it.status is st) for st in Status}
    summary = ctx.t("report.summary", met=counts[Status.MET], partial=counts[Status.PARTIAL],
                    planned=counts[Status.PLANNED], missing=counts[Status.MISSING],
                    na=counts[Status.NOT_APPLICABLE])

    def block(it_id: int) -> ItemBlock:
        it = next(i for i in r.items if i.id == it_id)
        item = ctx.ruleset.outline.items[it_id]
        b = ItemBlock(
            id=it_id,
            title=ctx.item_title(it_id),
            chapter=item.chapter,
            reason=ctx.t(it.reason),
            outline_text=item.text.get(ctx.lang) or item.text.get("zh", ""),
        )
        for e in it.evidence:
            label = ctx.t(f"part.{e.part}")
            b.quotes.append((ctx.t("report.ocr_quote", part=label) if ocr else label, e.quote))
        if it.status in (Status.PARTIAL, Status.MET, Status.MISSING, Status.PLANNED):
            b.missing_checkpoints = [
                rules[c.rule].text("title", ctx.lang)
                for c in it.checkpoints
                if c.status in (Status.MISSING, Status.PLANNED)
                and rules[c.rule].severity.value == "required"
            ]
        return b

    def of(status: Status) -> list[ItemBlock]:
        return [block(it.id) for it in r.items if it.status is status]

    sections = [
        (ctx.t("report.gaps"), of(Status.MISSING)),
        (ctx.t("report.planned"), of(Status.PLANNED)),
        (ctx.t("report.partial"), of(Status.PARTIAL)),
        (ctx.t("report.met"), of(Status.MET)),
    ]
    agency = m.agency.value or r.source
    year = m.year.value or ""
    return GapReport(
        heading=f"{agency} {year} — {ctx.t('report.title')}",
        facts=facts,
        score_line=f"{ctx.t('report.score')}: {s.total}/100",
        score_detail=detail,
        chapters=chapters,
        parts=parts,
        findings=findings,
        summary=summary,
        sections=sections,
    )
