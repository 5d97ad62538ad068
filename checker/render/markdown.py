"""Markdown gap report: the same content as the text report, for wikis and mail."""

from __future__ import annotations

from checker.i18n import t
from checker.render.context import RenderContext
from checker.render.gaps import build


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render(ctx: RenderContext) -> str:
    """Gap reports for every result, then the files that could not be read."""
    out: list[str] = []
    for r in ctx.results:
        g = build(r, ctx)
        out += [f"# {g.heading}", ""]
        out += [f"- **{k}**: {_cell(v)}" for k, v in g.facts]
        if g.gate:
            out += ["", f"**{_cell(g.gate[0])}**", ""] + [f"- {_cell(line)}" for line in g.gate[1:]]
        out += ["", f"**{g.score_line}**", ""]
        out += [f"- {_cell(line)}" for line in g.score_breakdown]
        out += ["", g.summary, ""]
        out += [f"## {ctx.t('report.parts')}", "", "| | |", "|---|---|"]
        out += [f"| {_cell(k)} | {_cell(v)} |" for k, v in g.parts]
        out += ["", f"## {ctx.t('report.findings')}", ""]
        out += [f"- ⚠ {_cell(f)}" for f in g.findings] or [ctx.t("report.no_findings")]
        out += ["", f"## {ctx.t('report.chapters')}", "", "| | |", "|---|---:|"]
        out += [f"| {_cell(k)} | {v} |" for k, v in g.chapters]
        for title, blocks in g.sections:
            out += ["", f"## {title} ({len(blocks)})", ""]
            if not blocks:
                out.append(ctx.t("report.none"))
            for b in blocks:
                out.append(f"- **[{b.id}] {_cell(b.title)}** — {b.reason}")
                for part, quote in b.quotes:
                    out.append(f"  - {ctx.t('report.evidence')}（{part}）: > {_cell(quote)}")
                if b.missing_checkpoints:
                    out.append(f"  - {ctx.t('report.missing_checkpoints')}: " + "；".join(b.missing_checkpoints))
        out += ["", ctx.t("report.outline_hint"), ""]
    if ctx.errors:
        out += [f"## {ctx.t('report.errors')}", ""]
        out += [f"- {_cell(t(e.key, ctx.lang, **e.args))}" for e in ctx.errors]
    return "\n".join(out) + "\n"
