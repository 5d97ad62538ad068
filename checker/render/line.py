"""One finding per line, `file:line:col: severity: rule-id: message`, for editors and CI logs.

Findings are the report-level ones (structure, timeliness, quality) and every applicable
checkpoint that is missing or only planned. Line and column point into the checked text (the
cleaned text of a scraped page; for .txt, .md and .docx drafts that is the draft's own
wording line by line): a planned checkpoint points at the sentence that plans it, the others
at the start of the report.
"""

from __future__ import annotations

from bisect import bisect_right

from checker.i18n import fmt, t
from checker.model import ReportResult, Status
from checker.render.context import RenderContext


def _position(text: str, offset: int) -> tuple[int, int]:
    starts = [0] + [i + 1 for i, ch in enumerate(text) if ch == "\n"]
    line = bisect_right(starts, offset)
    return line, offset - starts[line - 1] + 1


def lines_for(r: ReportResult, ctx: RenderContext) -> list[str]:
    """The findings of one report as lines."""
    rules = ctx.ruleset.by_id()
    out: list[str] = []
    for f in r.findings:
        rule = rules[f.rule]
        out.append(f"{r.source}:1:1: {rule.severity.value}: {rule.id}: {fmt(rule.text('message', ctx.lang), f.args)}")
    text = r.document.original  # evidence offsets index the report's own text
    for item in r.items:
        for c in item.checkpoints:
            if c.status not in (Status.MISSING, Status.PLANNED):
                continue
            rule = rules[c.rule]
            line, col = _position(text, c.evidence[0].start) if c.status is Status.PLANNED and c.evidence else (1, 1)
            why = t(c.reason, ctx.lang)
            out.append(f"{r.source}:{line}:{col}: {rule.severity.value}: {rule.id}: "
                       f"[{item.id}] {rule.text('title', ctx.lang)} — {why}")
    return out


def render(ctx: RenderContext) -> str:
    """All findings of all reports, then one line per file that could not be read."""
    out: list[str] = []
    for r in ctx.results:
        out += lines_for(r, ctx)
    for e in ctx.errors:
        out.append(f"{e.source}:1:1: error: {e.key}: {t(e.key, ctx.lang, **e.args)}")
    return "\n".join(out) + ("\n" if out else "")
