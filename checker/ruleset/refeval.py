"""A reference evaluator of the compiled rule dicts: what the engine must do, in plain Python.

It evaluates exactly the subset of durable-rules' JSON that `checker/ruleset/compile.py`
emits, with these semantics (a differential test runs it beside the engine on every corpus
report, sample and fixture and requires the same firings; a difference is a compiler or
durable-rules fault):

Conditions (one key per dict):
- `{"f": v}`: the fact has field f and it equals v (Python `==`; facts carry real bools,
  ints and strings, so durable's coercions such as `1 == "1"` never arise).
- `{"$neq": {"f": v}}`: the fact has f and it differs from v. A fact without f never
  matches (durable's behaviour, notes §3).
- `{"$lt"|"$lte"|"$gt"|"$gte": {"f": v}}`: the fact has a numeric f (not a bool) and the
  comparison holds.
- `{"$ex": {"f": 1}}` / `{"$nex": {"f": 1}}`: f is present / absent.
- `{"$and": [c, …]}` / `{"$or": [c, …]}`: all / any of the conditions.
Anything else raises ValueError: the compiler emits nothing else, and durable would silently
never match an unknown operator (notes §7).

Rules:
- `{"all": [leg, …]}`: a leg is `{alias: condition}`. A positive leg needs at least one
  matching fact; a leg whose alias ends in `$not` needs none (an absence, judged once every
  fact is in: the compiler gates such legs on the `eof` fact, which is always last). The rule
  fires when every leg holds; it matches every fact of every positive leg (durable fires once
  per combination, or once with all of them under `cap`; the union of the matched facts is
  the same).
- `{"any": [{"gN$all": [leg, …]}, …]}`: fires when some group fires as an `all`; it matches
  the facts of every group that fires.

`evaluate` returns, for every rule that fired, the ids of the `hit` and `cp` facts it matched,
which is what `checker.engine.Engine.evaluate_raw` returns.
"""

from __future__ import annotations

from typing import Any

Cond = dict[str, Any]
COLLECTED = ("hit", "cp")  # kinds of fact whose ids a firing reports (as the engine's collector)

_COMPARE = {
    "$lt": lambda a, b: a < b,
    "$lte": lambda a, b: a <= b,
    "$gt": lambda a, b: a > b,
    "$gte": lambda a, b: a >= b,
}


def _number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def matches(cond: Cond, fact: dict[str, Any]) -> bool:
    """Whether one fact satisfies one compiled condition (see the module docstring)."""
    if len(cond) != 1:
        raise ValueError(f"a condition has exactly one key: {cond!r}")
    ((key, value),) = cond.items()
    if key == "$and":
        return all(matches(c, fact) for c in value)
    if key == "$or":
        return any(matches(c, fact) for c in value)
    if key in ("$ex", "$nex"):
        ((field, _),) = value.items()
        return (field in fact) is (key == "$ex")
    if key == "$neq":
        ((field, v),) = value.items()
        return field in fact and fact[field] != v
    if key in _COMPARE:
        ((field, v),) = value.items()
        return field in fact and _number(fact[field]) and _COMPARE[key](fact[field], v)
    if key.startswith("$"):
        raise ValueError(f"operator {key} is not part of the compiled vocabulary")
    return key in fact and fact[key] == value and isinstance(fact[key], bool) is isinstance(value, bool)


def _fire_all(legs: list[dict[str, Cond]], facts: list[dict[str, Any]]) -> set[int] | None:
    """The ids matched by an `all` rule, or None when it does not fire."""
    matched: set[int] = set()
    for leg in legs:
        ((alias, cond),) = leg.items()
        found = [i for i, f in enumerate(facts) if matches(cond, f)]
        if alias.endswith("$not"):
            if found:
                return None
        elif not found:
            return None
        else:
            matched.update(found)
    return matched


def evaluate(definitions: dict[str, dict[str, Any]], facts: list[dict[str, Any]]) -> dict[str, set[int]]:
    """Rule name -> ids of the hit and cp facts it matched, for every rule that fires.

    `facts` are one report's facts in order; as in the engine, an `eof` fact is appended and a
    fact's id is its position. Names starting with `_` (sink, eof) are left out.
    """
    batch = [*facts, {"kind": "eof"}]
    out: dict[str, set[int]] = {}
    for name, spec in definitions.items():
        if name.startswith("_"):
            continue
        if "all" in spec:
            got = _fire_all(spec["all"], batch)
        else:
            got = None
            for group in spec["any"]:
                ((_, legs),) = group.items()
                g = _fire_all(legs, batch)
                if g is not None:
                    got = (got or set()) | g
        if got is not None:
            out[name] = {i for i in got if batch[i].get("kind") in COLLECTED}
    return out
