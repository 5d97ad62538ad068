"""The gap report as a self-contained HTML page (for `--format html` and the check service)."""

from __future__ import annotations

from typing import Any

from checker.i18n import t
from checker.render.context import RenderContext
from checker.render.gaps import build
from checker.render.templates import css, template

LABEL_KEYS = ("parts", "findings", "no_findings", "chapters", "none", "outline", "evidence", "missing_checkpoints",
              "errors")


def render(ctx: RenderContext, gates: dict[str, dict[str, Any]] | None = None, upload_link: str | None = None) -> str:
    """All reports of the context as one page; `gates` adds a pass/fail line per source."""
    reports = []
    for r in ctx.results:
        g = build(r, ctx)
        view = {k: getattr(g, k) for k in ("heading", "facts", "score_line", "score_breakdown", "chapters", "parts",
                                            "findings", "summary", "sections")}
        view["gate"] = (gates or ctx.gates or {}).get(r.source)
        reports.append(view)
    return template("report.html.j2").render(
        lang=ctx.lang, css=css(), title=ctx.t("report.title"), reports=reports,
        labels={**{k: ctx.t(f"report.{k}") for k in LABEL_KEYS}, "standard": ctx.t("gate.standard")},
        errors=[t(e.key, ctx.lang, **e.args) for e in ctx.errors],
        upload=upload_link,
    )
