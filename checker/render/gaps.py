"""The gap report's content, independent of layout: text and Markdown both format these blocks.

For a supervisor the order is: who and when, score, parts, structure/timeliness findings,
then the gaps (missing items with the outline's wording), the plan-only items with the quote
that mentions them, the items covered without figures, and the items met with evidence.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from checker.i18n import rule_message, source_words
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
    score_breakdown: list[str]
    chapters: list[tuple[str, str]]
    parts: list[tuple[str, str]]
    findings: list[str]
    summary: str
    sections: list[tuple[str, list[ItemBlock]]]
    # The gate's verdict as the user chose it (label, which gate, each check with its mark,
    # the score as information), when a gate was applied: the same words as the service page.
    gate: list[str] = field(default_factory=list)


def _value(ctx: RenderContext, v: object, source: str | None) -> str:
    if v is None:
        return ctx.t("report.unknown")
    if not source:
        return str(v)
    words = source_words(source, ctx.lang)
    if ctx.lang == "zh":
        return f"{v}（{ctx.t('report.source')}：{words}）"
    return f"{v} ({ctx.t('report.source')} {words})"


def gate_lines(gate: dict[str, object] | None, ctx: RenderContext) -> list[str]:
    """The gate's verdict in lines: what it checked, each check with its mark, the score note."""
    if not gate:
        return []
    out = [f"{gate['label']}（{ctx.t('gate.standard')}：{gate['standard']}）" if ctx.lang == "zh"
           else f"{gate['label']} ({ctx.t('gate.standard')}: {gate['standard']})"]
    checks = gate.get("checks") or []
    assert isinstance(checks, list)
    out += [f"{'✓' if c['passed'] else '✗'} {c['message']}" for c in checks]
    if gate.get("note"):
        out.append(str(gate["note"]))
    return out


def score_lines(r: ReportResult, ctx: RenderContext) -> tuple[str, list[str]]:
    """The score with its band, and a breakdown whose numbers add up to it on screen."""
    s = r.score
    line = ctx.t("report.score_line", total=s.total, band=ctx.t(f"band.{s.band}"))
    n = {k: v[0] for k, v in s.items.items()}
    w = {k: v[1] for k, v in s.items.items()}
    content = ctx.t("report.content_detail", content=s.content, met=n.get("met", 0), w_met=f"{w.get('met', 0):g}",
                    partial=n.get("partial", 0), w_partial=f"{w.get('partial', 0):g}",
                    rest=n.get("planned", 0) + n.get("missing", 0),
                    w_rest=f"{w.get('planned', 0) + w.get('missing', 0):g}",
                    n=sum(n.values()), w_all=f"{sum(w.values()):g}")
    by_id = ctx.ruleset.by_id()
    w_all = sum(by_id[p.rule].weight_for(r.profile) for p in r.required_parts)
    w_ok = sum(by_id[p.rule].weight_for(r.profile) for p in r.required_parts if p.present)
    structure = ctx.t("report.structure_detail", structure=s.structure, w_ok=f"{w_ok:g}", w_all=f"{w_all:g}",
                      present=sum(1 for p in r.required_parts if p.present), n=len(r.required_parts))
    if s.timeliness is None:
        mix = ctx.t("report.mix_no_date", content=s.content, structure=s.structure, total=s.total)
        timeliness = ctx.t("report.timeliness_unknown")
    else:
        mix = ctx.t("report.mix", content=s.content, structure=s.structure, timeliness=s.timeliness, total=s.total)
        timeliness = ctx.t("report.timeliness_detail", timeliness=s.timeliness)
    return line, [mix, content, structure, timeliness]


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
        *([(ctx.t("report.written"), _value(ctx, m.written.value, m.written.source))] if m.written.value else []),
    ]
    ocr = r.document.format.endswith("-ocr")
    if ocr:  # every quote below is recognised text, not the publisher's own characters
        facts.insert(1, (ctx.t("report.text_from"), ctx.t("report.ocr")))
    s = r.score
    score_line, breakdown = score_lines(r, ctx)
    chapters = [
        (f"{cid}. {ctx.chapter_title(cid)}", "—" if v is None else f"{v}")
        for cid, v in s.chapters.items()
    ]
    parts = []
    # The result's required parts decide: a part a required structure rule misses is absent,
    # and an optional part (other, study) is listed only when present or required.
    required = {q.part for q in r.required_parts}
    missing = {q.part for q in r.required_parts if not q.present}
    for p in r.parts:
        present = p.present and p.id not in missing
        if p.id in ("other", "study") and not present and p.id not in required:
            continue
        state = ctx.t("report.present") if present else ctx.t("report.absent")
        # How the part was found and the heading it was found under (the reader checks it).
        details = [ctx.t("part.how." + p.how)] if present and p.how else []
        if present and p.heading:
            details.append(ctx.t("report.found_under", heading=p.heading))
        if details:
            state += f"（{'，'.join(details)}）" if ctx.lang == "zh" else f" ({', '.join(details)})"
        parts.append((ctx.t(f"part.{p.id}"), state))
    findings = [rule_message(rules[f.rule].text("message", ctx.lang), f.args, ctx.lang) for f in r.findings]
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
    agency = m.agency.value or ctx.t("report.unknown_agency", file=Path(r.source).name)
    who = " ".join(str(x) for x in (agency, m.year.value) if x)
    return GapReport(
        heading=f"{who} — {ctx.t('report.title')}",
        facts=facts,
        score_line=score_line,
        gate=gate_lines((ctx.gates or {}).get(r.source), ctx),
        score_detail=("；" if ctx.lang == "zh" else "; ").join(breakdown),
        score_breakdown=breakdown,
        chapters=chapters,
        parts=parts,
        findings=findings,
        summary=summary,
        sections=sections,
    )
