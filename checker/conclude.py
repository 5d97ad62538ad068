"""Report-level facts as the rules decided them: was it on time, which required parts it lacks.

Python extracts the facts (`days_late`, which parts segmentation found); the structure and
timeliness rules — as loaded, packs included, with their severities and `applies_to` — decide;
this module only reads their findings and puts the answer on the result, once. The score, the
gate, the audit rows, the agency pages and the service read that answer and never decide again,
so they cannot disagree.

What a severity means here (docs/rules.md, "Report-level facts"):
- a structure rule of severity `required` that applies to the body is a *required part*: it is
  counted in "parts present", fails the default gate when it fires and is weighed in the
  structure score. A structure rule set to `recommended` or `optional` is advice: its finding
  is shown, but the part is not required (not counted, not gated, not scored).
- a report is *late* when a timeliness rule of severity `required` fired while the date and the
  year are known. A pack that sets `T.late` to `recommended` makes the deadline advice: the
  finding is shown, the report counts as on time in the score and in the audit.
"""

from __future__ import annotations

import datetime as dt

from checker.model import Finding, Metadata, RequiredPart, Severity, Timeliness, TimelinessVerdict
from checker.ruleset.load import Rule, RuleSet

_REQUIRED: dict[int, tuple[RuleSet, tuple[tuple[Rule, str | None], ...]]] = {}


def _required(ruleset: RuleSet) -> tuple[tuple[Rule, str | None], ...]:
    """The structure rules of severity `required`, in order, with the part each asks for.

    Made once per rule set (it is frozen) rather than by scanning every rule for every report.
    The memo holds the rule set, so its id cannot be reused while cached.
    """
    got = _REQUIRED.get(id(ruleset))
    if got is not None and got[0] is ruleset:
        return got[1]
    rules = tuple(
        (r, r.requirement.removeprefix("part.") if r.requirement and r.requirement.startswith("part.") else None)
        for r in ruleset.rules if r.kind == "structure" and r.severity is Severity.REQUIRED)
    if len(_REQUIRED) > 16:  # rule sets are few and long-lived; bound it anyway
        _REQUIRED.clear()
    _REQUIRED[id(ruleset)] = (ruleset, rules)
    return rules


def required_parts(ruleset: RuleSet, found: tuple[Finding, ...], profile: str | None) -> tuple[RequiredPart, ...]:
    """Each structure rule of severity `required` that applies to `profile`, met unless it fired."""
    fired = {f.rule for f in found if f.kind == "structure"}
    return tuple(RequiredPart(r.id, part, r.id not in fired) for r, part in _required(ruleset) if r.applies(profile))


def timeliness(meta: Metadata, found: tuple[Finding, ...], deadline: dt.date | None) -> TimelinessVerdict:
    """On time, late or unknown, from the timeliness findings (see the module docstring).

    Unknown when the report year or the date it is judged on (published, else written) is not
    known: then no deadline rule can have judged it.
    """
    date, basis = meta.timeliness_date
    if date is None or deadline is None:
        return TimelinessVerdict(Timeliness.UNKNOWN, basis, date.isoformat() if date else None,
                                 deadline.isoformat() if deadline else None)
    late = next((f.rule for f in found if f.kind == "timeliness" and f.severity is Severity.REQUIRED), None)
    return TimelinessVerdict(Timeliness.LATE if late else Timeliness.ON_TIME, basis, date.isoformat(),
                             deadline.isoformat(), late)
