"""The compile step and the durable-rules engine on small ad-hoc rulesets."""

from __future__ import annotations

from typing import Any

import pytest

from checker.engine import Engine
from checker.model import Severity
from checker.ruleset.compile import _negated_earlier, compile_grading, compile_rule, compile_rules
from checker.ruleset.load import Rule, load_rules

GRADES = load_rules().grades


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


def test_signal_compiles_to_evidence_and_planned() -> None:
    out = compile_rule(rule(id="P.x", kind="signal", item=None, requirement="part.study", where={"quantified": True}))
    assert set(out) == {"P.x#evidence", "P.x#planned"}
    ev = out["P.x#evidence"]["all"][0]["m"]["$and"]
    assert {"rule": "P.x"} in ev and {"kind": "hit"} in ev and {"quantified": True} in ev
    assert {"class": "evidence"} in ev
    _one_key_everywhere(out)


def test_a_checkpoint_is_not_compiled_on_its_own() -> None:
    with pytest.raises(ValueError):
        compile_rule(rule())


def test_grades_compile_to_one_rule_each_with_the_earlier_ones_negated() -> None:
    out = compile_grading(GRADES)
    assert len(out) == len(GRADES)
    names = list(out)
    assert names[0].startswith("*#grade:not_applicable:not_applicable:")
    assert names[2].startswith("*#grade:met:met:")
    met = out[names[2]]["all"][0]["m"]["$and"]
    assert {"kind": "cp"} in met and {"$gte": {"evidence_quantified": 1}} in met
    assert {"$neq": {"applicable": False}} in met  # not not-applicable
    partial = out[names[3]]["all"][0]["m"]["$and"]
    assert {"$lt": {"evidence_quantified": 1}} in partial  # not met
    last = out[names[-1]]["all"][0]["m"]["$and"]
    # kind, and every earlier grade negated but needs_figure: its tests include partial's, so
    # "not partial" already gives "not needs_figure" (compile._negated_earlier)
    assert len(last) == 1 + len(GRADES) - 2
    assert {"$lt": {"evidence": 1}} in last  # not partial
    assert [g.reason for g in _negated_earlier(GRADES, len(GRADES) - 1)] == [
        g.reason for g in GRADES[:-1] if g.reason != "needs_figure"]
    # a negation the grade's own tests make true is left out: needs_figure (evidence_quantified 0)
    # cannot hold with met (evidence_quantified >= 1)
    assert [g.reason for g in _negated_earlier(GRADES, 2)] == ["not_applicable"]
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
        rule(id="P.x", kind="signal", item=None, requirement="part.study"),
        rule(id="S.m", kind="structure", item=None, requirement="part.measures", terms=(),
             when={"all": [{"absent": {"fact": "part", "where": {"part": "measures"}}}]}),
        rule(id="T.late", kind="timeliness", item=None, requirement="publication.deadline", terms=(),
             when={"all": [{"fact": "meta", "where": {"days_late": {"gt": 0}}}]}),
        rule(id="T.unknown", kind="timeliness", item=None, requirement="publication.date", terms=(),
             when={"any": [{"fact": "meta", "where": {"published_known": False}},
                           {"fact": "meta", "where": {"year_known": False}}]}),
    ]
    return Engine(compile_rules(rules, GRADES))


def hit(i: int, **kw: Any) -> dict[str, Any]:
    f = {"kind": "hit", "rule": "P.x", "part": "measures", "part_role": "done", "negated": False,
         "planned": False, "passing": False, "quantified": False, "slogan": False,
         "restates_outline": False, "earlier_year": False, "sentence": i, "class": "evidence", "id": i}
    f.update(kw)
    return f


def cp(**counts: int) -> dict[str, Any]:
    f: dict[str, Any] = {"kind": "cp", "rules": ["C27.01"], "level": "", "applicable": True, "needs_figure": False}
    for k in ("hits", "evidence", "evidence_quantified", "planned", "planned_next_year", "planned_shortcomings",
              "planned_wording", "negated", "not_negated", "passing", "slogan", "restates_outline", "earlier_year"):
        f[k] = counts.get(k, 0)
    f.update({k: v for k, v in counts.items() if isinstance(v, bool)})
    return f


def fired(engine: Engine, facts: list[dict[str, Any]]) -> dict[tuple[str, str], tuple[int, ...]]:
    for i, f in enumerate(facts):
        f["id"] = i
    return {(f.rule, f.outcome): f.hits for f in engine.evaluate(facts)}


def test_engine_grades_signal_hits(small_engine: Engine) -> None:
    facts = [hit(0), hit(1, negated=True, **{"class": "other"}),
             hit(2, part="next_year", part_role="plan", **{"class": "planned_next_year"}),
             hit(3, planned=True, **{"class": "planned_wording"}),
             {"kind": "part", "part": "measures", "embedded": False, "how": "heading"},
             {"kind": "meta", "published_known": True, "year_known": True, "days_late": 0}]
    out = fired(small_engine, facts)
    assert out[("P.x", "evidence")] == (0,)
    assert out[("P.x", "planned")] == (2, 3)
    assert ("S.m", "fired") not in out and ("T.late", "fired") not in out and ("T.unknown", "fired") not in out


@pytest.mark.parametrize("counts, grade", [
    ({"hits": 2, "evidence": 2, "evidence_quantified": 1, "not_negated": 2}, "met:met"),
    ({"hits": 2, "evidence": 1, "planned": 1, "planned_next_year": 1, "not_negated": 2}, "partial:partial"),
    ({"hits": 1, "planned": 1, "planned_next_year": 1, "not_negated": 1}, "planned:planned_next_year"),
    ({"hits": 1, "planned": 1, "planned_shortcomings": 1, "negated": 1}, "planned:planned_shortcomings"),
    ({"hits": 1, "planned": 1, "planned_wording": 1, "not_negated": 1}, "planned:planned_wording"),
    ({"hits": 2, "planned": 2, "planned_wording": 1, "planned_next_year": 1, "not_negated": 2},
     "planned:planned_mixed"),
    ({"hits": 2, "negated": 2, "slogan": 1}, "missing:negated"),
    ({"hits": 2, "negated": 1, "not_negated": 1, "slogan": 1}, "missing:slogan"),
    ({"hits": 1, "not_negated": 1, "passing": 1, "slogan": 1}, "missing:passing"),
    ({"hits": 1, "not_negated": 1, "earlier_year": 1}, "missing:earlier_year"),
    ({"hits": 1, "not_negated": 1, "restates_outline": 1}, "missing:restates_outline"),
    ({}, "missing:missing"),
    ({"hits": 1, "evidence": 1, "evidence_quantified": 1, "not_negated": 1, "applicable": False},
     "not_applicable:not_applicable"),
    ({"hits": 1, "evidence": 1, "not_negated": 1, "needs_figure": True}, "missing:needs_figure"),
    ({"hits": 1, "evidence": 1, "evidence_quantified": 1, "not_negated": 1, "needs_figure": True}, "met:met"),
])
def test_engine_fires_exactly_one_grade_per_checkpoint(small_engine: Engine, counts: dict[str, int],
                                                       grade: str) -> None:
    out = fired(small_engine, [cp(**counts)])
    grades = [o for (r, o) in out if r == "C27.01"]
    assert len(grades) == 1 and grades[0].startswith(f"grade:{grade}:"), grades


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
        assert out[("P.x", "evidence")] == (0,)


def test_engine_with_no_facts_but_eof(small_engine: Engine) -> None:
    assert ("S.m", "fired") in fired(small_engine, [])


def test_shipped_rules_compile_without_duplicate_names(checker) -> None:
    defs = compile_rules(checker.ruleset.rules, checker.ruleset.grades)
    assert "_sink" in defs and "_eof" in defs
    _one_key_everywhere(defs)


def test_engine_asserts_only_the_fields_rules_name(small_engine: Engine) -> None:
    # A cp fact's `rules` and a hit's `sentence` are named by no rule: the engine never sees them,
    # and the firings still say whose they are (read from the caller's facts).
    facts = [hit(0, sentence=7), cp(hits=1, evidence=1, evidence_quantified=1, not_negated=1)]
    for i, f in enumerate(facts):
        f["id"] = i
    batch = small_engine._batch(facts, "x")
    assert "sentence" not in batch[0] and "rules" not in batch[1] and batch[1]["evidence"] == 1
    assert batch[-1] == {"sid": "x", "id": 2, "kind": "eof"}
    out = fired(small_engine, facts)
    assert out[("P.x", "evidence")] == (0,)
    assert any(r == "C27.01" and o.startswith("grade:met:") for r, o in out)


def test_engine_error_in_an_action_is_raised_and_the_engine_goes_on(small_engine: Engine,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    # Engine dispatches durable's actions itself: an error while collecting a match is kept in the
    # session state as durable keeps it, raised as EngineError, and the session is still deleted.
    from checker import engine as engine_mod

    good = fired(small_engine, [hit(0)])

    def broken(message: Any) -> list[Any]:
        raise ValueError("boom")

    monkeypatch.setattr(engine_mod, "_matched", broken)
    with pytest.raises(engine_mod.EngineError, match="boom"):
        fired(small_engine, [hit(0)])
    monkeypatch.undo()
    for _ in range(1100):  # no session left behind (durable holds at most 1,024)
        assert fired(small_engine, [hit(0)]) == good
