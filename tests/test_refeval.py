"""The reference evaluator beside durable-rules: same firings on every report we have.

Every sample, every fixture (tests/fixtures/**) and, when ../shared is present, every corpus
report is turned into the engine's facts, once with the shipped rules and once with the worked
grading pack (its own per-checkpoint grades); the engine's raw firings must equal the reference
evaluator's. A difference is a fault in the compiler or in durable-rules.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from conftest import CORPUS, ROOT, SAMPLES

from checker.api import Checker
from checker.errors import InputError
from checker.read import read_document
from checker.ruleset.compile import compile_rules, grade_outcome
from checker.ruleset.refeval import evaluate, matches

FIXTURES = ROOT / "tests" / "fixtures"
SUFFIXES = (".txt", ".html", ".htm", ".md", ".docx", ".pdf")


def _files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.suffix in SUFFIXES and p.is_file())


REPORTS = _files(SAMPLES) + _files(FIXTURES)


@pytest.fixture(scope="module")
def packed() -> Checker:
    return Checker([ROOT / "rules" / "packs" / "township-grading"])


def _both(checker: Checker, path: Path) -> tuple[dict[str, set[int]], dict[str, set[int]], list[dict[str, Any]]]:
    try:
        doc = read_document(path)
    except InputError:
        pytest.skip(f"{path.name} cannot be read")
    facts = checker.engine_facts(doc, refuse=False)  # look-alikes too
    rs = checker.ruleset
    defs = compile_rules(rs.rules, rs.grades)
    engine = {k: v for k, v in checker._engine.evaluate_raw(facts).items() if not k.startswith("_")}
    return engine, evaluate(defs, facts), facts


def _check(checker: Checker, path: Path) -> None:
    engine, reference, facts = _both(checker, path)
    assert engine == reference
    # …and every checkpoint fact fired exactly one grade.
    graded = sorted(i for name, ids in engine.items() if grade_outcome(name.partition("#")[2]) for i in ids)
    assert graded == [i for i, f in enumerate(facts) if f["kind"] == "cp"]


@pytest.mark.parametrize("path", REPORTS, ids=[str(p.relative_to(ROOT)) for p in REPORTS])
def test_engine_and_reference_agree(checker: Checker, packed: Checker, path: Path) -> None:
    _check(checker, path)
    _check(packed, path)


def test_engine_and_reference_agree_on_the_corpus(checker: Checker, packed: Checker, corpus: Path) -> None:
    reports = sorted(corpus.glob("*.txt"))
    assert reports
    for path in reports:
        _check(checker, path)
        _check(packed, path)


def test_corpus_path_is_the_shared_one() -> None:
    assert CORPUS.name == "corpus"


@pytest.mark.parametrize(("cond", "fact", "expected"), [
    ({"a": 1}, {"a": 1}, True),
    ({"a": False}, {"a": 0}, False),  # facts carry real bools: no coercion
    ({"$neq": {"a": 1}}, {}, False),  # durable: a fact without the field never matches $neq
    ({"$neq": {"a": 1}}, {"a": 2}, True),
    ({"$lt": {"a": 1}}, {"a": 0}, True),
    ({"$gte": {"a": 1}}, {"a": True}, False),
    ({"$nex": {"a": 1}}, {"b": 1}, True),
    ({"$ex": {"a": 1}}, {"b": 1}, False),
    ({"$and": [{"a": 1}, {"$or": [{"b": 1}, {"c": 1}]}]}, {"a": 1, "c": 1}, True),
    ({"$and": [{"a": 1}, {"$or": [{"b": 1}, {"c": 1}]}]}, {"a": 1}, False),
])
def test_reference_semantics(cond: dict[str, Any], fact: dict[str, Any], expected: bool) -> None:
    assert matches(cond, fact) is expected


@pytest.mark.parametrize("cond", [{"a": 1, "b": 2}, {"$foo": {"a": 1}}])
def test_reference_refuses_what_durable_would_silently_misread(cond: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        matches(cond, {"a": 1, "b": 2})


def test_reference_absence_and_any() -> None:
    defs = {
        "gone#fired": {"all": [{"eof": {"kind": "eof"}}, {"n$not": {"$and": [{"kind": "hit"}, {"rule": "X"}]}}]},
        "either#fired": {"any": [{"g0$all": [{"m": {"kind": "meta"}}]}, {"g1$all": [{"m": {"kind": "hit"}}]}]},
    }
    assert evaluate(defs, [{"kind": "hit", "rule": "Y"}]) == {"gone#fired": set(), "either#fired": {0}}
    assert evaluate(defs, [{"kind": "hit", "rule": "X"}]) == {"either#fired": {0}}
