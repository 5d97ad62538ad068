"""Run every rule's example sentences through the real pipeline (`fzzf rules test`).

A `pass` example must give the rule evidence (a checkpoint: met or partial) when it stands in
the measures part of a report; a `fail` example must not. An example may name the part it
stands in (`part`) and the checkpoint status it must give (`expect`: met, partial, planned or
missing); the status is then compared exactly. The sentences go through the same segmentation,
flags, facts, compiled grading and durable-rules as real reports, so an example that passes
here behaves the same way in a report.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from checker.api import Checker
from checker.facts import extract_hits
from checker.metadata import extract
from checker.model import PART_ROLE, Document, Segmented
from checker.ruleset.compile import EVIDENCE, grade_outcome
from checker.segment import segment


@dataclass(frozen=True, slots=True)
class ExampleResult:
    """The outcome of one example sentence."""

    rule: str
    expected: str  # "pass" | "fail"
    sentence: str
    ok: bool
    status: str | None = None  # the status the example states (`expect`), if any
    got: str | None = None  # what the example gave: a checkpoint status, or evidence/planned/missing


def example_status(checker: Checker, rule_id: str, sentence: str, heading: str | None = None,
                   year: int | None = None, part: str = "measures") -> str:
    """What `sentence` alone, as report text in `part`, gives `rule_id`.

    A checkpoint's status (met, partial, planned, missing …) as its grade fired; a signal's
    "evidence", "planned" or "missing". With `heading` the sentence stands under that
    sub-heading （一）…; with `year` the report is on that year (earlier-year work is then told
    apart).
    """
    text = f"（一）{heading}\n{sentence}" if heading else sentence
    doc = Document(source=f"<example {rule_id}>", text=text, format="txt", encoding="utf-8")
    seg = segment(doc)
    if part != "measures":  # the whole example stands in that part
        seg = Segmented(doc, tuple(replace(p, id=part) for p in seg.parts),
                        tuple(replace(s, part=part) for s in seg.sentences))
    hits = extract_hits(seg, checker._matchers, only=rule_id, year=year)
    hits = [replace(h, part=part, part_role=PART_ROLE.get(part, "done")) for h in hits]
    facts = checker.facts(seg, extract(doc), hits, None, None)
    fired = checker._engine.evaluate(facts)
    for f in fired:
        if f.rule == rule_id:
            g = grade_outcome(f.outcome)
            if g is not None:
                return g[0]
    outcomes = {f.outcome for f in fired if f.rule == rule_id}
    return EVIDENCE if EVIDENCE in outcomes else "planned" if "planned" in outcomes else "missing"


def gives_evidence(checker: Checker, rule_id: str, sentence: str, heading: str | None = None,
                   year: int | None = None, part: str = "measures") -> bool:
    """Whether `sentence`, as report text in `part` (default: on work done), gives `rule_id` evidence."""
    return example_status(checker, rule_id, sentence, heading, year, part) in ("met", "partial", EVIDENCE)


def run_examples(checker: Checker, rule_ids: set[str] | None = None) -> list[ExampleResult]:
    """Every example of every rule (or of the given rules)."""
    out: list[ExampleResult] = []
    for rule in checker.ruleset.rules:
        if rule_ids and rule.id not in rule_ids:
            continue
        for key, sentences in (("pass", rule.examples_pass), ("fail", rule.examples_fail)):
            for i, s in enumerate(sentences):
                part, expect = rule.example_part(key, i)
                got = example_status(checker, rule.id, s, *rule.example_setting(key, i), part=part)
                if expect is not None:
                    ok = got == expect
                else:
                    ok = (got in ("met", "partial", EVIDENCE)) is (key == "pass")
                out.append(ExampleResult(rule.id, key, s, ok, expect, got))
    return out
