"""Grading as data: rules/grading.yaml and per-checkpoint, per-level grading in packs."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ROOT, SAMPLES

from checker.api import Checker
from checker.errors import RuleError
from checker.gate import GateOptions, judge
from checker.model import Severity, Status
from checker.ruleset.compile import Grade, grade_outcome
from checker.ruleset.load import load_rules

PACK = ROOT / "rules" / "packs" / "township-grading"
TOWN = SAMPLES / "meiling-town-2023.html"


@pytest.fixture(scope="module")
def town_checker() -> Checker:
    return Checker([PACK])


def _cp(result, rule: str):
    return next(c for i in result.items for c in i.checkpoints if c.rule == rule)


def test_shipped_grading_is_loaded_in_order() -> None:
    grades = load_rules().grades
    assert grades[0] == Grade("not_applicable", "not_applicable", {"applicable": False}, "none")
    assert grades[2] == Grade("met", "met", {"evidence_quantified": {"gte": 1}}, "evidence")
    assert [g.status for g in grades[1:4]] == ["missing", "met", "partial"]
    assert grades[-1].when == {} and grades[-1].status == "missing"


def test_every_checkpoint_status_comes_from_one_grade_firing(checker: Checker) -> None:
    doc_result = checker.check_path(TOWN)
    seg_facts = checker.engine_facts(doc_result.document)
    fired = checker._engine.evaluate(seg_facts)
    graded = [(f.rule, grade_outcome(f.outcome)) for f in fired if grade_outcome(f.outcome)]
    assert sorted(r for r, _ in graded) == sorted(r.id for r in checker.ruleset.checkpoints())
    by_rule = dict(graded)
    for item in doc_result.items:
        for c in item.checkpoints:
            status, reason, _ = by_rule[c.rule]
            assert (c.status.value, c.reason) == (status, f"reason.{reason}")


def test_the_worked_pack_changes_grading_for_a_township(checker: Checker, town_checker: Checker) -> None:
    base = checker.check_path(TOWN)
    packed = town_checker.check_path(TOWN)
    assert base.profile == "township"
    # needs_figure: "均经合法性审查" without a figure is partial by default, missing with the pack.
    assert _cp(base, "C11.03").status is Status.PARTIAL
    c = _cp(packed, "C11.03")
    assert (c.status, c.reason) == (Status.MISSING, "reason.needs_figure")
    assert c.evidence  # the figure-less evidence is quoted
    item = {i.id: i.status for i in packed.items}
    assert {i.id: i.status for i in base.items}[11] is Status.PARTIAL and item[11] is Status.PLANNED
    assert packed.score.total < base.score.total
    # applies_to: adjudication is not asked of townships.
    assert _cp(base, "C21.02").status is not Status.NOT_APPLICABLE
    assert _cp(packed, "C21.02").status is Status.NOT_APPLICABLE
    # severities: C32.01 is required for townships, so --fail-on required names it.
    assert _cp(packed, "C32.01").status is Status.MISSING
    rule = town_checker.ruleset.by_id()["C32.01"]
    assert rule.severity_for("township") is Severity.REQUIRED and rule.severity_for("county") is Severity.RECOMMENDED
    strict = GateOptions(fail_on=Severity.REQUIRED)
    n_base = judge(base, checker.ruleset, strict).checks[-1].args["count"]
    n_pack = judge(packed, town_checker.ruleset, strict).checks[-1].args["count"]
    # C32.01 by its township severity, and C11.03 (required) now missing for want of a figure.
    assert n_pack == n_base + 2


def test_the_pack_leaves_a_county_alone(checker: Checker, town_checker: Checker) -> None:
    county = SAMPLES / "yunxi-county-2024.txt"
    a, b = checker.check_path(county), town_checker.check_path(county)
    assert [(c.rule, c.status) for i in a.items for c in i.checkpoints] == \
        [(c.rule, c.status) for i in b.items for c in i.checkpoints]
    assert a.score == b.score


def _pack(tmp_path: Path, body: str) -> Path:
    d = tmp_path / "pack"
    d.mkdir()
    (d / "p.yaml").write_text(body, encoding="utf-8")
    return d


@pytest.mark.parametrize(("body", "field"), [
    ("overrides:\n  - {id: C27.01, needs_figure: [village]}\n", "needs_figure"),
    ("overrides:\n  - {id: C27.01, severities: {township: urgent}}\n", "severities"),
    ("grades:\n  - {status: met, reason: met, when: {evidence: {gte: 1}}}\n", "grades[0]"),
    ("grades:\n  - {status: met, reason: met, when: {figures: 1}}\n  - {status: missing, reason: missing}\n",
     "grades[0].when.figures"),
    ("grades:\n  - {status: met, reason: no_such_reason}\n", "grades[0].reason"),
    ("grades:\n  - {status: missing, reason: missing}\n  - {status: met, reason: met}\n", "grades[0]"),
    ("grades:\n  - {status: great, reason: met}\n", "grades"),
])
def test_bad_grading_is_refused_with_its_field(tmp_path: Path, body: str, field: str) -> None:
    with pytest.raises(RuleError) as exc:
        load_rules(packs=[_pack(tmp_path, body)])
    assert field in str(exc.value.args) or field in str(exc.value)


def test_a_pack_grading_replaces_the_shipped_one(tmp_path: Path) -> None:
    # Every checkpoint with evidence is met, figure or not.
    d = _pack(tmp_path, "grades:\n  - {status: met, reason: met, quote: evidence, when: {evidence: {gte: 1}}}\n"
                        "  - {status: missing, reason: missing}\n")
    c = Checker([d])
    r = c.check_path(SAMPLES / "yunxi-county-2024.txt")
    statuses = {cp.status for i in r.items for cp in i.checkpoints}
    assert Status.PARTIAL not in statuses and Status.PLANNED not in statuses
    assert Status.MET in statuses
