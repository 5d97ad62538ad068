"""Compile YAML rule conditions into durable-rules ruleset definitions (plain dicts).

The condition vocabulary is closed: each YAML operator maps to one builder in `OPERATORS`,
and the schema's operator list is kept equal to it by a test. Output follows the rules in
../shared/notes/durable-rules.md §0–§3: one key per condition dict (`$and` always), absence as
`$not` legs gated on the `eof` fact, unique leg aliases, real bools.

Checkpoints are graded by the grading (rules/grading.yaml): an ordered list of grades over
`cp` facts (counts of a checkpoint's hits by class and flag, and its `applicable` and
`needs_figure` at the body's level; checkpoints with the same values share one fact, which
lists them in `rules`). Each grade compiles into one durable rule whose condition is the
grade's own tests AND the negation of every earlier grade's, so exactly one grade fires per
fact: the firing is the status and reason of the checkpoints it lists (the engine splits the
matches by `rules`).

Signal rules have no `when` either: their hits (facts of kind `hit`) are `evidence` or
`planned` by the hit's class (checker/facts.py `hit_class`), plus the rule's own `where` tests.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from checker.ruleset.load import Rule

# Fields each fact kind carries (checker/facts.py produces exactly these).
FACT_FIELDS: dict[str, frozenset[str]] = {
    "hit": frozenset(
        {"rule", "part", "part_role", "negated", "planned", "passing", "quantified", "slogan",
         "restates_outline", "earlier_year", "sentence", "class"}
    ),
    "part": frozenset({"part", "embedded", "how"}),
    "meta": frozenset(
        {"level", "year", "published_known", "days_late", "agency_known", "level_known", "year_known"}
    ),
    # checker/quality.py FIELDS (kept equal by a test).
    "quality": frozenset(
        {"shortcomings_sentences", "shortcomings_causes", "shortcomings_topics", "shortcomings_figures",
         "next_year_sentences", "next_year_concrete", "next_year_topics", "first_responsible_sentences",
         "first_responsible_acts", "figures", "figures_per_k", "year_consistent", "dominant_year", "title_form",
         "body_chars", "measures_chars", "measures_share", "next_year_figures", "next_year_figure_share"}
    ),
}

# Fields of a checkpoint (`cp`) fact, which grades test (rules/grading.yaml explains each):
# counts of hits, the body's `level` ("" when unknown), and the checkpoint's own data at that
# level (`applicable`, `needs_figure`); it also lists the checkpoints it stands for in `rules`.
CHECKPOINT_FIELDS: frozenset[str] = frozenset(
    {"hits", "evidence", "evidence_quantified", "planned", "planned_next_year", "planned_shortcomings",
     "planned_wording", "negated", "not_negated", "passing", "slogan", "restates_outline", "earlier_year",
     "level", "applicable", "needs_figure"}
)

Cond = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Grade:
    """One grade of the checkpoint grading: status and reason when `when` holds (see module doc)."""

    status: str  # met | partial | planned | missing | not_applicable
    reason: str  # i18n key reason.<reason>
    when: dict[str, Any]  # field tests on the cp fact, all of which must hold; {}: always
    quote: str = "hits"  # which hits the verdict quotes: evidence, planned, hits or a flag


def _cmp(op: str) -> Callable[[str, Any], Cond]:
    return lambda field, value: {op: {field: value}}


def _in(field: str, values: list[Any]) -> Cond:
    if len(values) == 1:
        return {field: values[0]}
    return {"$or": [{field: v} for v in values]}


def _exists(field: str, value: bool) -> Cond:
    return {"$ex" if value else "$nex": {field: 1}}


def _eq(field: str, value: Any) -> Cond:
    return {field: value}


OPERATORS: dict[str, Callable[[str, Any], Cond]] = {
    "eq": _eq,
    "ne": _cmp("$neq"),
    "lt": _cmp("$lt"),
    "lte": _cmp("$lte"),
    "gt": _cmp("$gt"),
    "gte": _cmp("$gte"),
    "in": _in,
    "exists": _exists,
}

EVIDENCE = "evidence"
PLANNED = "planned"
FIRED = "fired"
GRADE = "grade"

# A signal's hit is evidence or planned by its class (checker/facts.py `hit_class`).
HIT_EVIDENCE: Cond = {"class": "evidence"}
HIT_PLANNED: Cond = {"$or": [{"class": c} for c in ("planned_next_year", "planned_shortcomings",
                                                      "planned_wording")]}


def where_conditions(kind: str, where: dict[str, Any]) -> list[Cond]:
    """Field tests of one fact as durable conditions (one key per dict)."""
    conds: list[Cond] = [{"kind": kind}]
    for field, test in where.items():
        if isinstance(test, dict):
            ((op, value),) = test.items()
            conds.append(OPERATORS[op](field, value))
        else:
            conds.append(_eq(field, test))
    return conds


def _and(conds: list[Cond]) -> Cond:
    return conds[0] if len(conds) == 1 else {"$and": conds}


def compile_rule(rule: Rule) -> dict[str, dict[str, Any]]:
    """Durable rule definitions for one rule, keyed by durable rule name (without `run`)."""
    if rule.kind == "checkpoint":
        raise ValueError("checkpoints are graded by compile_grading")
    if rule.kind == "signal":
        base = [{"rule": rule.id}, *where_conditions("hit", rule.where)]
        evidence = [*base, HIT_EVIDENCE]
        planned = [*base, HIT_PLANNED]
        return {
            f"{rule.id}#{EVIDENCE}": {"all": [{"m": _and(evidence)}], "cap": 1000},
            f"{rule.id}#{PLANNED}": {"all": [{"m": _and(planned)}], "cap": 1000},
        }
    assert rule.when is not None
    ((mode, legs),) = rule.when.items()
    compiled_legs: list[dict[str, Cond]] = []
    gated = False
    for i, leg in enumerate(legs):
        if "absent" in leg:
            fact = leg["absent"]
            compiled_legs.append({f"n{i}$not": _and(where_conditions(fact["fact"], fact.get("where") or {}))})
            gated = True
        else:
            compiled_legs.append({f"m{i}": _and(where_conditions(leg["fact"], leg.get("where") or {}))})
    if mode == "any":
        # durable's `any` takes groups; each leg becomes its own group, gated when absent.
        groups = []
        for i, leg in enumerate(compiled_legs):
            group = [{"eof": {"kind": "eof"}}, leg] if "$not" in next(iter(leg)) else [leg]
            groups.append({f"g{i}$all": group})
        return {f"{rule.id}#{FIRED}": {"any": groups}}
    if gated:
        # Absence is only knowable once every fact is in: gate on the eof fact (notes §3).
        compiled_legs.insert(0, {"eof": {"kind": "eof"}})
    return {f"{rule.id}#{FIRED}": {"all": compiled_legs}}


# Durable rule names of the shared grading rules; their matches are split by the hit's `rule`.
SHARED = "*"


def compile_shared() -> dict[str, dict[str, Any]]:
    """The grading of every signal without rule-specific `where` tests.

    Such rules differ only in which hits are theirs, which the hit's `rule` field already says,
    so two durable rules grade all of them; the engine splits the matches by `rule`.
    """
    return {
        f"{SHARED}#{EVIDENCE}": {"all": [{"m": _and([{"kind": "hit"}, HIT_EVIDENCE])}], "cap": 10000},
        f"{SHARED}#{PLANNED}": {"all": [{"m": _and([{"kind": "hit"}, HIT_PLANNED])}], "cap": 10000},
    }


def _test(field: str, test: Any) -> Cond:
    if isinstance(test, dict):
        ((op, value),) = test.items()
        return OPERATORS[op](field, value)
    return _eq(field, test)


# The negation of each operator (the cp fact carries every field, so absence never arises).
_NEGATED: dict[str, Callable[[str, Any], Cond]] = {
    "eq": _cmp("$neq"),
    "ne": _eq,
    "lt": _cmp("$gte"),
    "lte": _cmp("$gt"),
    "gt": _cmp("$lte"),
    "gte": _cmp("$lt"),
    "in": lambda field, values: _and([{"$neq": {field: v}} for v in values]),
    "exists": lambda field, value: _exists(field, not value),
}


def _negate(field: str, test: Any) -> Cond:
    if isinstance(test, dict):
        ((op, value),) = test.items()
        return _NEGATED[op](field, value)
    return {"$neq": {field: test}}


def _or(conds: list[Cond]) -> Cond:
    return conds[0] if len(conds) == 1 else {"$or": conds}


_BOUNDS: dict[str, tuple[bool, bool]] = {  # operator -> (bounds from below, bound included)
    "gte": (True, True), "gt": (True, False), "lte": (False, True), "lt": (False, False),
}


def _interval(test: Any) -> tuple[float, bool, float, bool] | None:
    """(low, low included, high, high included) of the numbers a test admits; None if not numeric."""
    if isinstance(test, dict):
        ((op, value),) = test.items()
    else:
        op, value = "eq", test
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    if op == "eq":
        return (value, True, value, True)
    if op not in _BOUNDS:
        return None
    below, included = _BOUNDS[op]
    return (value, included, float("inf"), False) if below else (float("-inf"), False, value, included)


def _disjoint(a: Any, b: Any) -> bool:
    """Whether no value passes both tests of one field (False when unsure)."""
    if not isinstance(a, dict) and not isinstance(b, dict):  # two equalities
        return type(a) is type(b) and a != b
    x, y = _interval(a), _interval(b)
    if x is None or y is None:
        return False
    lo, lo_in = max((x[0], x[1]), (y[0], y[1]), key=lambda p: (p[0], not p[1]))
    hi, hi_in = min((x[2], x[3]), (y[2], y[3]), key=lambda p: (p[0], p[1]))
    return lo > hi or (lo == hi and not (lo_in and hi_in))


def _excludes(g: Grade, e: Grade) -> bool:
    """Whether no cp fact passes the tests of both grades (some field's tests are disjoint)."""
    return any(f in e.when and _disjoint(t, e.when[f]) for f, t in g.when.items())


def _implies(e: Grade, other: Grade) -> bool:
    """Whether every fact passing `e`'s tests passes `other`'s: `other`'s tests are among `e`'s."""
    return all(f in e.when and e.when[f] == t for f, t in other.when.items())


def _negated_earlier(grades: tuple[Grade, ...], k: int) -> list[Grade]:
    """The earlier grades whose negation grade k's rule must state; the others' is implied.

    Grade k fires when its tests hold and no earlier grade's do. The negation of an earlier
    grade e can be left out, with the same facts firing, when e excludes grade k (the two test
    one field with disjoint tests: e cannot hold when k does), or when e implies another
    earlier grade e2 that stays (e2's tests are among e's; for grades with the same tests the
    first one stays), as "not e2" then gives "not e". Fewer, shorter conditions for the C
    engine per cp fact (the last grade otherwise negates all thirteen before it).
    """
    g = grades[k]
    left = [e for e in grades[:k] if not _excludes(g, e)]
    kept = []
    for i, e in enumerate(left):
        # Implication by test subset is transitive, and ties go to the earliest grade, so each
        # dropped grade implies a kept one.
        if not any(
            j != i and _implies(e, e2) and (not _implies(e2, e) or j < i) for j, e2 in enumerate(left)
        ):
            kept.append(e)
    return kept


def compile_grading(grades: tuple[Grade, ...]) -> dict[str, dict[str, Any]]:
    """One durable rule per grade over the cp facts.

    Grade k fires when its own tests hold and no earlier grade's do, so exactly one fires per
    fact (the negations stated are those `_negated_earlier` leaves). `cap` gives one action per
    grade per report with all its facts.
    """
    out: dict[str, dict[str, Any]] = {}
    for k, g in enumerate(grades):
        conds: list[Cond] = [{"kind": "cp"}]
        conds += [_test(f, t) for f, t in g.when.items()]
        conds += [_or([_negate(f, t) for f, t in e.when.items()]) for e in _negated_earlier(grades, k)]
        out[f"{SHARED}#{GRADE}:{g.status}:{g.reason}:{g.quote}:{k}"] = {"all": [{"m": _and(conds)}], "cap": 10000}
    return out


def count_ceiling(grades: tuple[Grade, ...]) -> int:
    """A bound above which the grading cannot tell counts apart: one more than any number it tests.

    Counts on a cp fact are capped at it (checker/facts.py): every test of the grading gives
    the same answer on the capped count, and checkpoints then share facts more often.
    """
    top = 2
    for g in grades:
        for test in g.when.values():
            values = test.values() if isinstance(test, dict) else [test]
            for v in values:
                for x in v if isinstance(v, list) else [v]:
                    if isinstance(x, (int, float)) and not isinstance(x, bool):
                        top = max(top, int(x) + 1)
    return top


def grade_outcome(outcome: str) -> tuple[str, str, str] | None:
    """(status, reason, quote) of a grade firing's outcome; None for other outcomes."""
    if not outcome.startswith(GRADE + ":"):
        return None
    _, status, reason, quote, _ = outcome.split(":")
    return status, reason, quote


def compile_rules(rules: list[Rule] | tuple[Rule, ...], grades: tuple[Grade, ...] = ()) -> dict[str, dict[str, Any]]:
    """The whole durable ruleset for a set of rules and a grading, plus the sink and eof rules."""
    out: dict[str, dict[str, Any]] = {}
    shared = False
    for rule in rules:
        if rule.kind == "checkpoint":
            continue
        if rule.kind == "signal" and not rule.where:
            shared = True
            continue
        out.update(compile_rule(rule))
    if shared:
        out.update(compile_shared())
    if grades and any(r.kind == "checkpoint" for r in rules):
        out.update(compile_grading(grades))
    # Every fact is handled (else assert_facts raises and runs nothing), and at least one
    # action runs per report (else delete_state segfaults): notes §0.4.
    out["_sink"] = {"all": [{"x": {"$ex": {"kind": 1}}}, {"y": {"kind": "__never__"}}]}
    out["_eof"] = {"all": [{"m": {"kind": "eof"}}]}
    return out


def split_name(durable_name: str) -> tuple[str, str]:
    """(rule id, outcome) from a durable rule name such as `C27.01#evidence`."""
    rid, _, outcome = durable_name.rpartition("#")
    return rid, outcome
