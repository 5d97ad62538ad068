"""The compile step and the durable-rules engine on small ad-hoc rulesets."""

from __future__ import annotations

from typing import Any

import pytest

from checker.engine import Engine
from checker.model import Severity
from checker.ruleset.compile import compile_rule, compile_rules
from checker.ruleset.load import Rule


def rule(**kw: Any) -> Rule:
    base: dict[str, Any] = dict(
        id="C27.01", name="x", kind="checkpoint", item=27, requirement=None, severity=Severity.REQUIRED,
        weight=1.0, title={"zh": "t", "en": "t"}, message={"zh": "m", "en": "m"}, terms=("主动公开",),
        context=(), exclude=(), where={}, when=None, examples_pass=(), examples_fail=(), file="f",
    )
    base.update(kw)
    return Rule(**base)


def _check_cond(cond: Any) -> None:
    assert isinstance(cond, dict) and len(cond) == 1, cond
    ((key, value),) = cond.items()
    if key in ("$and", "$or"):
        for c in value:
            _check_cond(c)


def _one_key_everywhere(defs: dict[str, Any]) -> None:
    """durable tests only one key of a condition dict (notes §1): the compiler never emits two."""
    for spec in defs.values():
        legs = list(spec.get("all") or [])
        for group in spec.get("any") or []:
            ((_, grouped),) = group.items()
            legs += grouped
        for leg in legs:
            ((_, cond),) = leg.items()
            _check_cond(cond)


def test_checkpoint_compiles_to_evidence_and_planned() -> None:
    out = compile_rule(rule(where={"quantified": True}))
    assert set(out) == {"C27.01#evidence", "C27.01#planned"}
    ev = out["C27.01#evidence"]["all"][0]["m"]["$and"]
    assert {"rule": "C27.01"} in ev and {"kind": "hit"} in ev and {"quantified": True} in ev
    assert {"part_role": "done"} in ev and {"negated": False} in ev
    _one_key_everywhere(out)


def test_absent_legs_are_gated_on_eof() -> None:
    r = rule(id="S.x", kind="structure", item=None, requirement="part.measures", terms=(),
             when={"all": [{"absent": {"fact": "part", "where": {"part": "measures"}}}]})
    legs = compile_rule(r)["S.x#fired"]["all"]
    assert legs[0] == {"eof": {"kind": "eof"}}
    assert "n0$not" in legs[1]


def test_operators_compile() -> None:
    r = rule(id="T.x", kind="timeliness", item=None, requirement="publication.deadline", terms=(),
             when={"all": [{"fact": "meta", "where": {"days_late": {"gt": 0}, "level": {"in": ["county", "city"]},
                                                     "year": {"exists": True}}}]})
    cond = compile_rule(r)["T.x#fired"]["all"][0]["m0"]["$and"]
    assert {"$gt": {"days_late": 0}} in cond
    assert {"$or": [{"level": "county"}, {"level": "city"}]} in cond
    assert {"$ex": {"year": 1}} in cond
    for c in cond:
        _check_cond(c)


@pytest.fixture(scope="module")
def small_engine() -> Engine:
    rules = [
        rule(),
        rule(id="S.m", kind="structure", item=None, requirement="part.measures", terms=(),
             when={"all": [{"absent": {"fact": "part", "where": {"part": "measures"}}}]}),
        rule(id="T.late", kind="timeliness", item=None, requirement="publication.deadline", terms=(),
             when={"all": [{"fact": "meta", "where": {"days_late": {"gt": 0}}}]}),
        rule(id="T.unknown", kind="timeliness", item=None, requirement="publication.date", terms=(),
             when={"any": [{"fact": "meta", "where": {"published_known": False}},
                           {"fact": "meta", "where": {"year_known": False}}]}),
    ]
    return Engine(compile_rules(rules))


def hit(i: int, **kw: Any) -> dict[str, Any]:
    f = {"kind": "hit", "rule": "C27.01", "part": "measures", "part_role": "done", "negated": False,
         "planned": False, "passing": False, "quantified": False, "slogan": False,
         "restates_outline": False, "earlier_year": False, "sentence": i, "id": i}
    f.update(kw)
    return f


def fired(engine: Engine, facts: list[dict[str, Any]]) -> dict[tuple[str, str], tuple[int, ...]]:
    for i, f in enumerate(facts):
        f["id"] = i
    return {(f.rule, f.outcome): f.hits for f in engine.evaluate(facts)}


def test_engine_grades_hits(small_engine: Engine) -> None:
    facts = [hit(0), hit(1, negated=True), hit(2, part="next_year", part_role="plan"), hit(3, planned=True),
             hit(4, restates_outline=True), hit(5, earlier_year=True),
             {"kind": "part", "part": "measures", "embedded": False, "how": "heading"},
             {"kind": "meta", "published_known": True, "year_known": True, "days_late": 0}]
    out = fired(small_engine, facts)
    assert out[("C27.01", "evidence")] == (0,)
    assert out[("C27.01", "planned")] == (2, 3)
    assert ("S.m", "fired") not in out and ("T.late", "fired") not in out and ("T.unknown", "fired") not in out


def test_engine_absence_and_meta(small_engine: Engine) -> None:
    facts = [{"kind": "meta", "published_known": True, "year_known": True, "days_late": 5}]
    out = fired(small_engine, facts)
    assert ("S.m", "fired") in out and ("T.late", "fired") in out
    out = fired(small_engine, [{"kind": "meta", "published_known": False, "year_known": True}])
    assert ("T.unknown", "fired") in out and ("T.late", "fired") not in out


def test_engine_survives_many_reports(small_engine: Engine) -> None:
    # One sid per report and delete_state after it: more than durable's 1,024 live sids.
    for i in range(1100):
        out = fired(small_engine, [hit(0, quantified=bool(i % 2)), {"kind": "meta", "published_known": True,
                                                                    "year_known": True}])
        assert out[("C27.01", "evidence")] == (0,)


def test_engine_with_no_facts_but_eof(small_engine: Engine) -> None:
    assert ("S.m", "fired") in fired(small_engine, [])


def test_shipped_rules_compile_without_duplicate_names(checker) -> None:
    defs = compile_rules(checker.ruleset.rules)
    assert "_sink" in defs and "_eof" in defs
    _one_key_everywhere(defs)
