"""`fzzf rules lint`: find rules that are wrong, or right only by luck.

Loading already refuses what the schema and the outline refuse (and names file, rule, field).
Lint looks further, at what a loaded rule would do:

- errors: a pattern that matches the empty string (it would hit every sentence); a pattern
  anchored with ^/$ or containing a sentence end (。！？；), which can never match inside one
  sentence; a pattern that can backtrack catastrophically — a repeat whose body can match the
  same text in two ways, such as `(a+)+` or `(法|法)+`, or nested bounded repeats with too many
  ways, such as `(法{1,64}){1,64}` (exactly the patterns loading refuses, with the same message:
  `patterns.refusal`); a checkpoint or signal rule without pass or fail examples;
- warnings: an unbounded gap (`.*`, `[^。]+`) where a bounded one (`.{0,12}`) is safer and more
  precise; a term no pass example exercises; the same term anchoring checkpoints of two items;
  a checkpoint with weight 0; an item without a required checkpoint.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from checker.ruleset.load import Rule, RuleSet
from checker.ruleset.patterns import check_pattern


@dataclass(frozen=True, slots=True)
class Problem:
    """One lint finding."""

    level: str  # "error" | "warning"
    file: str
    rule: str
    field: str
    message: str

    def line(self) -> str:
        """`file: rule: field: level: message`, one finding per line."""
        return f"{self.file}: {self.rule}: {self.field}: {self.level}: {self.message}"


def lint(ruleset: RuleSet) -> list[Problem]:
    """Every problem in the loaded rules, errors first."""
    problems: list[Problem] = []
    term_owner: dict[str, Rule] = {}
    for r in ruleset.rules:
        for field_name, patterns in (("match.terms", r.terms), ("match.context", r.context),
                                     ("match.exclude", r.exclude), ("match.headings", r.headings)):
            for i, pat in enumerate(patterns):
                for level, msg in check_pattern(pat):
                    problems.append(Problem(level, r.file, r.id, f"{field_name}[{i}]", msg))
        if r.kind in ("checkpoint", "signal"):
            if not r.examples_pass:
                problems.append(Problem("error", r.file, r.id, "examples.pass", "no pass example"))
            if not r.examples_fail:
                problems.append(Problem("error", r.file, r.id, "examples.fail", "no fail example"))
            for i, pat in enumerate(r.terms):
                rx = re.compile(pat)
                if r.examples_pass and not any(rx.search(s) for s in r.examples_pass):
                    problems.append(Problem("warning", r.file, r.id, f"match.terms[{i}]",
                                            "no pass example exercises this term"))
        if r.kind == "checkpoint":
            if r.weight == 0:
                problems.append(Problem("warning", r.file, r.id, "weight", "weight 0: the checkpoint never counts"))
            for pat in r.terms:
                other = term_owner.get(pat)
                if other is not None and other.item != r.item:
                    problems.append(Problem("warning", r.file, r.id, "match.terms",
                                            f"term {pat!r} also anchors {other.id} (item {other.item})"))
                term_owner.setdefault(pat, r)
    for item_id, item in sorted(ruleset.outline.items.items()):
        if not item.scored:
            continue
        cps = ruleset.checkpoints(item_id)
        if cps and not any(c.severity.value == "required" for c in cps):
            problems.append(Problem("warning", cps[0].file, f"item {item_id}", "severity",
                                    "the item has no required checkpoint"))
    return sorted(problems, key=lambda p: (p.level != "error", p.file, p.rule, p.field))
