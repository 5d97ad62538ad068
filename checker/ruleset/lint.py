"""`fzzf rules lint`: find rules that are wrong, or right only by luck.

Loading already refuses what the schema and the outline refuse (and names file, rule, field).
Lint looks further, at what a loaded rule would do:

- errors: a pattern that matches the empty string (it would hit every sentence); a pattern
  anchored with ^/$ or containing a sentence end (。！？；), which can never match inside one
  sentence; a nested unbounded quantifier such as `(a+)+` (catastrophic backtracking); a
  checkpoint or signal rule without pass or fail examples;
- warnings: an unbounded gap (`.*`, `[^。]+`) where a bounded one (`.{0,12}`) is safer and more
  precise; a term no pass example exercises; the same term anchoring checkpoints of two items;
  a checkpoint with weight 0; an item without a required checkpoint.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

try:  # Python 3.11+: the parser moved into re._parser
    from re import _constants as sre_constants
    from re import _parser as sre_parse
except ImportError:  # pragma: no cover - older layout
    import sre_constants  # type: ignore[no-redef]
    import sre_parse  # type: ignore[no-redef]

from checker.ruleset.load import Rule, RuleSet

MAXREPEAT = sre_constants.MAXREPEAT
REPEATS = (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT, getattr(sre_constants, "POSSESSIVE_REPEAT", None))
BIG = 64  # a repeat bound above this counts as unbounded for backtracking purposes
SENTENCE_END = set("。！？；;!?\n")


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


def _walk(parsed: sre_parse.SubPattern, inside_repeat: bool = False) -> tuple[bool, bool, bool]:
    """(nested unbounded repeat, anchored, unbounded gap) for a parsed pattern."""
    nested = anchored = gap = False
    for op, av in parsed.data:
        if op in REPEATS and op is not None:
            _lo, hi, sub = av
            unbounded = hi == MAXREPEAT or hi > BIG
            if unbounded and inside_repeat:
                nested = True
            if unbounded and _is_broad(sub):
                gap = True
            n, a, g = _walk(sub, inside_repeat or (unbounded or hi > 1))
            nested, anchored, gap = nested or n, anchored or a, gap or g
            if unbounded and _has_repeat(sub):
                nested = True
        elif op is sre_constants.SUBPATTERN:
            n, a, g = _walk(av[-1], inside_repeat)
            nested, anchored, gap = nested or n, anchored or a, gap or g
        elif op is sre_constants.BRANCH:
            for branch in av[1]:
                n, a, g = _walk(branch, inside_repeat)
                nested, anchored, gap = nested or n, anchored or a, gap or g
        elif op is sre_constants.AT and av in (sre_constants.AT_BEGINNING, sre_constants.AT_END,
                                               sre_constants.AT_BEGINNING_STRING, sre_constants.AT_END_STRING):
            anchored = True
        elif op in (sre_constants.ASSERT, sre_constants.ASSERT_NOT):
            n, a, g = _walk(av[1], inside_repeat)
            nested, anchored, gap = nested or n, anchored or a, gap or g
    return nested, anchored, gap


def _has_repeat(sub: sre_parse.SubPattern) -> bool:
    for op, av in sub.data:
        if op in REPEATS and op is not None and av[1] > 1:
            return True
        if op is sre_constants.SUBPATTERN and _has_repeat(av[-1]):
            return True
        if op is sre_constants.BRANCH and any(_has_repeat(b) for b in av[1]):
            return True
    return False


def _is_broad(sub: sre_parse.SubPattern) -> bool:
    """`.` or a negated class: a gap that can swallow most of a sentence."""
    if len(sub.data) != 1:
        return False
    op, av = sub.data[0]
    if op is sre_constants.ANY:
        return True
    return op is sre_constants.IN and any(o is sre_constants.NEGATE for o, _ in av)


def check_pattern(pattern: str) -> list[tuple[str, str]]:
    """Problems of one pattern as (level, message)."""
    out: list[tuple[str, str]] = []
    try:
        compiled = re.compile(pattern)
        parsed = sre_parse.parse(pattern)
    except re.error as exc:  # load refuses these already; kept for packs linted alone
        return [("error", f"invalid regular expression: {exc}")]
    if compiled.search("") is not None:
        out.append(("error", "matches the empty string, so it would hit every sentence"))
    nested, anchored, gap = _walk(parsed)
    if nested:
        out.append(("error", "nested unbounded quantifier: catastrophic backtracking (use one bounded repeat)"))
    if anchored:
        out.append(("error", "anchored with ^ or $: can never match inside a sentence"))
    literal = {chr(av) for op, av in _literals(parsed)}
    if literal & SENTENCE_END:
        out.append(("error", "contains a sentence end (。！？；): can never match inside one sentence"))
    if gap:
        out.append(("warning", "unbounded gap (.* or [^…]+): use a bounded one such as .{0,12}"))
    return out


def _literals(parsed: sre_parse.SubPattern) -> list[tuple[object, int]]:
    """Literal characters that every match must contain (top level, outside branches)."""
    return [(op, av) for op, av in parsed.data if op is sre_constants.LITERAL]


def lint(ruleset: RuleSet) -> list[Problem]:
    """Every problem in the loaded rules, errors first."""
    problems: list[Problem] = []
    term_owner: dict[str, Rule] = {}
    for r in ruleset.rules:
        for field_name, patterns in (("match.terms", r.terms), ("match.context", r.context),
                                     ("match.exclude", r.exclude)):
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
