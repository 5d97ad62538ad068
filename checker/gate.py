"""The pre-publication gate: does a draft pass, which checks it ran, and why it failed.

Default (what a hook wants): a draft fails when a required part is missing. `--fail-on
required|recommended` also fails it when a checkpoint of that severity or higher is missing
or only planned; `--fail-under N` when the score is below N; `--no-fail` never fails it.

Every surface (CLI, JSON, the service page) shows the same verdict: one line per check the
user chose, each with its own mark, and "ready to publish" only when every chosen check passed.
The default gate checks structure only, so the content score is then shown beside it as
information (with its band), never as part of a green light it did not check.
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
class Check:
    """One check the gate ran: its id (structure|score|checkpoints), outcome and message."""

    id: str
    passed: bool
    key: str
    args: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class GateResult:
    """The verdict, the checks it was made of, and the failed checks' reasons as (i18n key, args)."""

    passed: bool
    reasons: tuple[tuple[str, dict[str, object]], ...] = field(default_factory=tuple)
    checks: tuple[Check, ...] = ()
    score: float | None = None
    band: str | None = None


def judge(result: ReportResult, ruleset: RuleSet, opts: GateOptions) -> GateResult:
    """Apply the gate to one checked report."""
    if not opts.enabled:
        return GateResult(True, score=result.score.total, band=result.score.band)
    rules = ruleset.by_id()
    checks: list[Check] = []
    # The result's required parts: the same list the score and the audit's "parts" column read.
    missing_parts = [rules[rid] for rid in result.parts_missing]
    if missing_parts:
        names = "、".join(f"“{r.text('title', 'zh')}”" for r in missing_parts)
        names_en = "; ".join(r.text("title", "en") for r in missing_parts)
        checks.append(Check("structure", False, "gate.part_missing",
                            {"part": names, "part_en": names_en, "count": len(missing_parts),
                             "rule": ",".join(r.id for r in missing_parts)}))
    else:
        checks.append(Check("structure", True, "gate.ok.structure"))
    if opts.fail_under is not None:
        ok = result.score.total >= opts.fail_under
        checks.append(Check("score", ok, "gate.ok.score" if ok else "gate.score",
                            {"score": result.score.total, "threshold": f"{opts.fail_under:g}",
                             "band": result.score.band}))
    if opts.fail_on is not None:
        missing = [
            rules[c.rule] for item in result.items for c in item.checkpoints
            if c.status in NOT_DONE and rules[c.rule].severity_for(result.profile).rank >= opts.fail_on.rank
        ]
        args: dict[str, object] = {"count": len(missing), "severity": opts.fail_on.value}
        if missing:
            args["examples"] = "、".join(r.text("title", "zh") for r in missing[:3])
            args["examples_en"] = "; ".join(r.text("title", "en") for r in missing[:3])
        checks.append(Check("checkpoints", not missing, "gate.checkpoints" if missing else "gate.ok.checkpoints",
                            args))
    reasons = tuple((c.key, c.args) for c in checks if not c.passed)
    return GateResult(not reasons, reasons, tuple(checks), result.score.total, result.score.band)


def _say(key: str, args: dict[str, object], lang: str) -> str:
    if "severity" in args:
        args = {**args, "severity": t(f"severity.{args['severity']}", lang)}
    if "band" in args:
        args = {**args, "band": t(f"band.{args['band']}", lang)}
    return t(key, lang, **args)


def describe(verdict: GateResult, lang: str) -> list[str]:
    """The failed checks as sentences in `lang` (the CLI prints them, the service returns them)."""
    return [_say(key, args, lang) for key, args in verdict.reasons]


def standard(opts: GateOptions, lang: str) -> str:
    """Which gate was applied, in words: the checks the user chose."""
    if not opts.enabled:
        return t("gate.standard.none", lang)
    parts = [t("gate.standard.structure", lang)]
    if opts.fail_under is not None:
        parts.append(t("gate.standard.score", lang, threshold=f"{opts.fail_under:g}"))
    if opts.fail_on is not None:
        parts.append(t("gate.standard.checkpoints", lang, severity=t(f"severity.{opts.fail_on.value}", lang)))
    return ("；" if lang == "zh" else "; ").join(parts)


def view(verdict: GateResult, opts: GateOptions, lang: str) -> dict[str, object]:
    """The verdict as every surface shows it (JSON `gate_checks`, the service page, the CLI).

    `label` says "ready to publish" only when every chosen check passed; `note` adds the content
    score and its band when the user chose no score check, so a green structure check is never
    read as approval of the content.
    """
    checks = [{"check": c.id, "passed": c.passed, "message": _say(c.key, c.args, lang)} for c in verdict.checks]
    note = None
    if opts.enabled and opts.fail_under is None and verdict.score is not None:
        note = t("gate.note.score", lang, score=verdict.score, band=t(f"band.{verdict.band}", lang))
    return {
        "passed": verdict.passed,
        "reasons": describe(verdict, lang),
        "checks": checks,
        "standard": standard(opts, lang),
        # With --no-fail nothing was checked, so nothing is approved either.
        "label": t("gate.label.none" if not opts.enabled else "gate.label.passed" if verdict.passed
                   else "gate.label.failed", lang),
        "note": note,
    }
