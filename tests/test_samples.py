"""Golden tests: each sample report is found lacking exactly what samples/README.md says."""

from __future__ import annotations

import re

import pytest
import yaml
from conftest import SAMPLES

from checker.model import Status


def _expectations() -> list[dict]:
    text = (SAMPLES / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```yaml\n(.*?)```", text, re.S)
    return [yaml.safe_load(b) for b in blocks if "file:" in b]


EXPECTED = _expectations()


def test_readme_lists_every_sample() -> None:
    listed = {e["file"] for e in EXPECTED}
    present = {p.name for p in SAMPLES.iterdir() if p.suffix in (".txt", ".html")}
    assert listed == present
    kinds = {e["level"] for e in EXPECTED}
    assert {"county", "township", "street", "department"} <= kinds


@pytest.mark.parametrize("exp", EXPECTED, ids=[e["file"] for e in EXPECTED])
def test_sample(checker, exp: dict) -> None:
    r = checker.check_path(SAMPLES / exp["file"])
    m = r.metadata
    assert m.agency.value == exp["agency"]
    assert m.level.value == exp["level"]
    assert m.year.value == exp["year"]
    assert m.published.value == exp["published"]
    late = any(f.rule == "T.late" for f in r.findings)
    assert late is (not exp["on_time"])
    missing_parts = sorted(p.id for p in r.parts if not p.present and p.id not in ("other", "study"))
    assert missing_parts == sorted(exp["parts_missing"])
    status = {i.id: i.status for i in r.items}
    got = {s: sorted(i for i, st in status.items() if st is s) for s in Status}
    assert got[Status.MET] == sorted(exp["met"]), "met"
    assert got[Status.PARTIAL] == sorted(exp["partial"]), "partial"
    assert got[Status.PLANNED] == sorted(exp["planned"]), "planned"
    assert got[Status.MISSING] == sorted(exp["missing"]), "missing"
    assert got[Status.NOT_APPLICABLE] == sorted(exp["not_applicable"]), "not_applicable"
    # The total score, to the decimal: a change in grading, credits, weights or the mix shows here.
    assert r.score.total == exp["score"], "score"
