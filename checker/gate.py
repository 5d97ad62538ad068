"""The pre-publication gate: does a draft pass, and if not, why (for exit status 1).

Default (what a hook wants): a draft fails when a required part is missing. `--fail-on
required|recommended` also fails it when a checkpoint of that severity or higher is missing
or only planned; `--fail-under N` when the score is below N; `--no-fail` never fails it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from checker.i18n import t
from checker.model import ReportResult, Severity, Status
from checker.ruleset.load import RuleSet

NOT_DONE = (Status.MISSING, Status.PLANNED)


@dataclass(frozen=True, slots=True)
class GateOptions:
    """How strict the gate is."""

    fail_under: float | None = None
    fail_on: Severity | None = None
    enabled: bool = True


@dataclass(frozen=True, slots=True)
class GateResult:
    """The verdict and its reasons as (i18n key, args)."""

    passed: bool
    reasons: tuple[tuple[str, dict[str, object]], ...] = field(default_factory=tuple)


def judge(result: ReportResult, ruleset: RuleSet, opts: GateOptions) -> GateResult:
    """Apply the gate to one checked report."""
    if not opts.enabled:
        return GateResult(True)
    rules = ruleset.by_id()
    reasons: list[tuple[str, dict[str, object]]] = []
    for f in result.findings:
        if f.kind == "structure" and f.severity is Severity.REQUIRED:
            reasons.append(("gate.part_missing", {"part": rules[f.rule].text("title", "zh"), "rule": f.rule,
                                                  "part_en": rules[f.rule].text("title", "en")}))
    if opts.fail_under is not None and result.score.total < opts.fail_under:
        reasons.append(("gate.score", {"score": result.score.total, "threshold": opts.fail_under}))
    if opts.fail_on is not None:
        missing = [
            rules[c.rule] for item in result.items for c in item.checkpoints
            if c.status in NOT_DONE and rules[c.rule].severity.rank >= opts.fail_on.rank
        ]
        if missing:
            names = "、".join(r.text("title", "zh") for r in missing[:3])
            names_en = "; ".join(r.text("title", "en") for r in missing[:3])
            reasons.append(("gate.checkpoints", {"count": len(missing), "severity": opts.fail_on.value,
                                                 "examples": names, "examples_en": names_en}))
    return GateResult(not reasons, tuple(reasons))


def describe(verdict: GateResult, lang: str) -> list[str]:
    """The verdict's reasons as sentences in `lang` (the CLI prints them, the service returns them)."""
    out = []
    for key, args in verdict.reasons:
        if "severity" in args:
            args = {**args, "severity": t(f"severity.{args['severity']}", lang)}
        out.append(t(key, lang, **args))
    return out
