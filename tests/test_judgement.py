"""Done or only said, on whole reports written for the tests (tests/fixtures/judgement/).

Each report mixes real work with outline wording restated, earlier years' work, sub-headings
that carry the context, and plans and negations inside the measures part; labels.yaml says
which items a reviewer counts as covered. Precision must be perfect; recall may lose an item
to a rule's wording, never to these mechanisms.
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
# Items a label counts as covered that the current rules' terms do not reach (recall, not
# precision): listed so that a change that finds them shows up here.
UNREACHED = {"heping-street-2024.txt": {24, 27}}


@pytest.mark.parametrize("name", sorted(LABELS))
def test_covered_items(checker, name: str) -> None:
    label = LABELS[name]
    r = checker.check_path(FIXTURES / name)
    assert r.metadata.year.value == label["year"]
    skip = set(label["ambiguous"]) | {i.id for i in r.items if i.status is Status.NOT_APPLICABLE}
    got = {i.id for i in r.items if i.status in COVERED} - skip
    truth = set(label["covered"]) - skip
    assert got - truth == set(), "false positives"
    assert truth - got == UNREACHED.get(name, set()), "missed"


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
    assert recall >= 0.9
