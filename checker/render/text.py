"""Plain-text gap report for the terminal."""

from __future__ import annotations

from checker.i18n import t
from checker.render.context import RenderContext
from checker.render.gaps import build

RULE = "=" * 72


def render(ctx: RenderContext) -> str:
    """Gap reports for every result, then the files that could not be read."""
    out: list[str] = []
    for r in ctx.results:
        g = build(r, ctx)
        out += [RULE, g.heading, RULE]
        out += [f"{k}: {v}" for k, v in g.facts]
        if g.gate:
            out += ["", g.gate[0]] + [f"  {line}" for line in g.gate[1:]]
        out += ["", g.score_line]
        out += [f"  {line}" for line in g.score_breakdown]
        out += [g.summary, ""]
        out.append(ctx.t("report.parts") + ":")
        out += [f"  - {k}: {v}" for k, v in g.parts]
        out += ["", ctx.t("report.findings") + ":"]
        out += [f"  ! {f}" for f in g.findings] or ["  " + ctx.t("report.no_findings")]
        out += ["", ctx.t("report.chapters") + ":"]
        out += [f"  {k}: {v}" for k, v in g.chapters]
        for title, blocks in g.sections:
            out += ["", f"{title} ({len(blocks)}):"]
            if not blocks:
                out.append("  " + ctx.t("report.none"))
            for b in blocks:
                out.append(f"  [{b.id}] {b.title} — {b.reason}")
                for part, quote in b.quotes:
                    out.append(f"      {ctx.t('report.evidence')}（{part}）: {quote}")
                if b.missing_checkpoints:
                    out.append(f"      {ctx.t('report.missing_checkpoints')}: " + "；".join(b.missing_checkpoints))
        out += ["", ctx.t("report.outline_hint"), ""]
    if ctx.errors:
        out += [RULE, ctx.t("report.errors") + ":"]
        out += [f"  {t(e.key, ctx.lang, **e.args)}" for e in ctx.errors]
    return "\n".join(out) + "\n"
