"""One finding per line, `file:line:col: severity: rule-id: message`, for editors and CI logs.

By default only what fails the gate the user chose is printed (a missing required part; with
`--fail-on`, the checkpoints of that severity that are missing or only planned; with
`--fail-under`, the score), so a pre-commit hook shows the one reason instead of burying it
among every finding. `--all` prints every finding: report-level ones (structure, timeliness,
quality) and every applicable checkpoint that is missing or only planned.

Line and column point into the text as read (the cleaned text of a scraped page; for .txt,
.md and .docx drafts the draft's own wording line by line): a planned checkpoint points at the
sentence that plans it, a part or checkpoint with nothing to quote at the start of the report.
"""

from __future__ import annotations

from bisect import bisect_right

from checker.gate import NOT_DONE
from checker.i18n import rule_message, t
from checker.model import ReportResult
from checker.render.context import RenderContext


class _Lines:
    """Line starts of one text, computed once: positions are then a bisection each."""

    def __init__(self, text: str) -> None:
        self.starts = [0]
        pos = text.find("\n")
        while pos != -1:
            self.starts.append(pos + 1)
            pos = text.find("\n", pos + 1)

    def position(self, offset: int) -> tuple[int, int]:
        line = bisect_right(self.starts, offset)
        return line, offset - self.starts[line - 1] + 1


def lines_for(r: ReportResult, ctx: RenderContext) -> list[str]:
    """The findings of one report as lines (only the gate's failures unless ctx.show_all)."""
    rules = ctx.ruleset.by_id()
    opts = ctx.gate_options
    fail_on = opts.fail_on if opts is not None and opts.enabled else None
    out: list[str] = []
    missing = set(r.parts_missing)  # what the default gate fails on
    for f in r.findings:
        rule = rules[f.rule]
        if not ctx.show_all and f.rule not in missing:
            continue
        message = rule_message(rule.text("message", ctx.lang), f.args, ctx.lang)
        out.append(f"{r.source}:1:1: {rule.severity.value}: {rule.id}: {message}")
    if (not ctx.show_all and opts is not None and opts.enabled and opts.fail_under is not None
            and r.score.total < opts.fail_under):
        message = t("gate.score", ctx.lang, score=r.score.total, threshold=opts.fail_under,
                    band=t(f"band.{r.score.band}", ctx.lang))
        out.append(f"{r.source}:1:1: required: score: {message}")
    lines = _Lines(r.document.original)  # evidence offsets index the report's own text
    for item in r.items:
        for c in item.checkpoints:
            if c.status not in NOT_DONE:
                continue
            rule = rules[c.rule]
            if not ctx.show_all and (fail_on is None or rule.severity.rank < fail_on.rank):
                continue
            line, col = lines.position(c.evidence[0].start) if c.evidence else (1, 1)
            why = t(c.reason, ctx.lang)
            out.append(f"{r.source}:{line}:{col}: {rule.severity.value}: {rule.id}: "
                       f"[{item.id}] {rule.text('title', ctx.lang)} — {why}")
    return out


def render(ctx: RenderContext) -> str:
    """The findings of all reports, then one line per file that could not be read."""
    out: list[str] = []
    for r in ctx.results:
        out += lines_for(r, ctx)
    for e in ctx.errors:
        out.append(f"{e.source}:1:1: error: {e.key}: {t(e.key, ctx.lang, **e.args)}")
    return "\n".join(out) + ("\n" if out else "")
