"""Run every rule's example sentences through the real pipeline (`fzzf rules test`).

A `pass` example must give the rule evidence (met or partial) when it stands in the measures
part of a report; a `fail` example must not. The sentences go through the same segmentation,
flags and compiled durable-rules as real reports, so an example that passes here behaves the
same way in a report.
"""

from __future__ import annotations

from dataclasses import dataclass

from checker.api import Checker
from checker.facts import extract_hits, to_facts
from checker.metadata import extract
from checker.model import Document
from checker.ruleset.compile import EVIDENCE
from checker.segment import segment


@dataclass(frozen=True, slots=True)
class ExampleResult:
    """The outcome of one example sentence."""

    rule: str
    expected: str  # "pass" | "fail"
    sentence: str
    ok: bool


def gives_evidence(checker: Checker, rule_id: str, sentence: str, heading: str | None = None,
                   year: int | None = None) -> bool:
    """Whether `sentence`, as report text on work done, gives `rule_id` evidence.

    With `heading` the sentence stands under that sub-heading （一）…; with `year` the report is
    on that year (earlier-year work is then told apart).
    """
    text = f"（一）{heading}\n{sentence}" if heading else sentence
    doc = Document(source=f"<example {rule_id}>", text=text, format="txt", encoding="utf-8")
    seg = segment(doc)
    hits = extract_hits(seg, checker._matchers, only=rule_id, year=year)
    facts = to_facts(seg, extract(doc), hits, checker.ruleset.outline)
    return any(f.rule == rule_id and f.outcome == EVIDENCE for f in checker._engine.evaluate(facts))


def run_examples(checker: Checker, rule_ids: set[str] | None = None) -> list[ExampleResult]:
    """Every example of every rule (or of the given rules)."""
    out: list[ExampleResult] = []
    for rule in checker.ruleset.rules:
        if rule_ids and rule.id not in rule_ids:
            continue
        for i, s in enumerate(rule.examples_pass):
            setting = rule.example_setting("pass", i)
            out.append(ExampleResult(rule.id, "pass", s, gives_evidence(checker, rule.id, s, *setting)))
        for i, s in enumerate(rule.examples_fail):
            setting = rule.example_setting("fail", i)
            out.append(ExampleResult(rule.id, "fail", s, not gives_evidence(checker, rule.id, s, *setting)))
    return out
