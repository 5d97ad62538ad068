"""Compile YAML rule conditions into durable-rules ruleset definitions (plain dicts).

The condition vocabulary is closed: each YAML operator maps to one builder in `OPERATORS`,
and the schema's operator list is kept equal to it by a test. Output follows the rules in
../shared/notes/durable-rules.md §0–§3: one key per condition dict (`$and` always), absence as
`$not` legs gated on the `eof` fact, unique leg aliases, real bools.

Checkpoint and signal rules have no `when`: they all grade hits the same way (docs/rules.md),
so each compiles to two durable rules, `<id>#evidence` and `<id>#planned`, from the templates
below plus the rule's own `where` tests.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from checker.ruleset.load import Rule

# Fields each fact kind carries (checker/facts.py produces exactly these).
FACT_FIELDS: dict[str, frozenset[str]] = {
    "hit": frozenset(
        {"rule", "part", "part_role", "negated", "planned", "passing", "quantified", "slogan",
         "restates_outline", "earlier_year", "sentence"}
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

Cond = dict[str, Any]


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

# How a hit is graded, for every checkpoint and signal rule (LABELING.md §1–4).
EVIDENCE_WHERE: dict[str, Any] = {
    "part_role": "done",
    "negated": False,
    "planned": False,
    "passing": False,
    "slogan": False,
    "restates_outline": False,
    "earlier_year": False,
}
PLANNED_ANY: list[dict[str, Any]] = [
    {"part_role": "plan"},
    {"part_role": "deplore"},
    {"planned": True, "negated": False},
]


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
    if rule.kind in ("checkpoint", "signal"):
        base = [{"rule": rule.id}, *where_conditions("hit", rule.where)]
        evidence = base + where_conditions("hit", EVIDENCE_WHERE)[1:]
        planned_or = [_and(where_conditions("hit", alt)[1:]) for alt in PLANNED_ANY]
        planned = [*base, {"passing": False}, {"$or": planned_or}]
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
    """The grading of every checkpoint and signal without rule-specific `where` tests.

    Such rules differ only in which hits are theirs, which the hit's `rule` field already says,
    so two durable rules grade all of them; the engine splits the matches by `rule`. This keeps
    the compiled ruleset small (registration time is part of every command's start-up) and
    the number of actions per report low.
    """
    evidence = where_conditions("hit", EVIDENCE_WHERE)
    planned_or = [_and(where_conditions("hit", alt)[1:]) for alt in PLANNED_ANY]
    planned = [{"kind": "hit"}, {"passing": False}, {"$or": planned_or}]
    return {
        f"{SHARED}#{EVIDENCE}": {"all": [{"m": _and(evidence)}], "cap": 10000},
        f"{SHARED}#{PLANNED}": {"all": [{"m": _and(planned)}], "cap": 10000},
    }


def compile_rules(rules: list[Rule] | tuple[Rule, ...]) -> dict[str, dict[str, Any]]:
    """The whole durable ruleset for a set of rules, plus the sink and eof rules."""
    out: dict[str, dict[str, Any]] = {}
    shared = False
    for rule in rules:
        if rule.kind in ("checkpoint", "signal") and not rule.where:
            shared = True
            continue
        out.update(compile_rule(rule))
    if shared:
        out.update(compile_shared())
    # Every fact is handled (else assert_facts raises and runs nothing), and at least one
    # action runs per report (else delete_state segfaults): notes §0.4.
    out["_sink"] = {"all": [{"x": {"$ex": {"kind": 1}}}, {"y": {"kind": "__never__"}}]}
    out["_eof"] = {"all": [{"m": {"kind": "eof"}}]}
    return out


def split_name(durable_name: str) -> tuple[str, str]:
    """(rule id, outcome) from a durable rule name such as `C27.01#evidence`."""
    rid, _, outcome = durable_name.rpartition("#")
    return rid, outcome
