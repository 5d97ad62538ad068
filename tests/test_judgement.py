"""Done or only said, on whole reports written for the tests (tests/fixtures/judgement/).

Each report mixes real work with outline wording restated, earlier years' work, sub-headings
that carry the context, and plans and negations inside the measures part; labels.yaml says
which items a reviewer counts as covered (ambiguous ones are left out both ways).
"""

from __future__ import annotations

import pytest
import yaml
from conftest import ROOT

from checker.model import Status

FIXTURES = ROOT / "tests" / "fixtures" / "judgement"
LABELS = yaml.safe_load((FIXTURES / "labels.yaml").read_text(encoding="utf-8"))["reports"]
SCORED = [1, *range(4, 36)]
COVERED = {Status.MET, Status.PARTIAL}


@pytest.mark.parametrize("name", sorted(LABELS))
def test_covered_items(checker, name: str) -> None:
    label = LABELS[name]
    r = checker.check_path(FIXTURES / name)
    assert r.metadata.year.value == label["year"]
    skip = set(label["ambiguous"]) | {i.id for i in r.items if i.status is Status.NOT_APPLICABLE}
    got = {i.id for i in r.items if i.status in COVERED} - skip
    truth = set(label["covered"]) - skip
    assert got - truth == set(), "false positives"
    assert truth - got == set(), "missed"


def test_precision_and_recall(checker) -> None:
    tp = fp = fn = 0
    for name, label in LABELS.items():
        r = checker.check_path(FIXTURES / name)
        skip = set(label["ambiguous"]) | {i.id for i in r.items if i.status is Status.NOT_APPLICABLE}
        got = {i.id for i in r.items if i.status in COVERED} - skip
        truth = set(label["covered"]) - skip
        tp, fp, fn = tp + len(got & truth), fp + len(got - truth), fn + len(truth - got)
    precision = tp / (tp + fp)
    recall = tp / (tp + fn)
    assert precision == 1.0
    assert recall == 1.0


def _checkpoint(result, rule: str):
    return next(c for i in result.items for c in i.checkpoints if c.rule == rule)


def test_reasons_say_why_and_quote_the_sentence(checker) -> None:
    jade = checker.check_path(FIXTURES / "jade-town-2023.txt")
    cp = _checkpoint(jade, "C04.02")
    assert cp.status is Status.MISSING and cp.reason == "reason.earlier_year"
    assert "2021年" in cp.evidence[0].quote
    slogans = checker.check_path(FIXTURES / "slogans-only-2023.txt")
    cp = _checkpoint(slogans, "C15.01")
    assert cp.status is Status.MISSING and cp.reason == "reason.restates_outline"
    assert "三项制度" in cp.evidence[0].quote
    item = next(i for i in slogans.items if i.id == 15)
    assert item.status is Status.MISSING
