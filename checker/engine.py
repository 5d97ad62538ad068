"""The only module that talks to durable-rules.

Follows ../shared/notes/durable-rules.md §0 to the letter, because the library segfaults or
silently drops actions otherwise: a host whose `_run` is a no-op (no polling threads), one
session id and one `assert_facts` call per report ending with an `eof` fact, unique integer
fact ids, a `_sink` and an `_eof` rule, and `delete_state` after every report. A ruleset is
registered once per process per rule version (registrations are never freed).

For speed (the engine runs for every report of an audit), a report's actions are run here
rather than by durable's host, with the same calls into the C engine in the same order (see
`Engine._dispatch`), and facts carry only the fields some rule names.
"""

from __future__ import annotations

import itertools
import json
import re
import threading
import traceback
from collections.abc import Callable, Iterator
from typing import Any

import durable_rules_engine as _native
import orjson
from durable import engine as _durable

from checker.model import Firing
from checker.ruleset.compile import SHARED, split_name

RULESET = "fzzf"
# durable's C engine takes time quadratic in the number of facts of one session (60,000 hits:
# 7 s, 10,000: 0.7 s). Hits that agree on every field but their id and sentence are
# interchangeable to every rule (rules test fields; none counts hits, none tests `sentence`), and
# a verdict quotes at most the first three of them in the text (verdict.EVIDENCE_MAX). So only
# the first SAME_HITS hits of each kind are asserted: the firings and verdicts are unchanged and
# the engine's work no longer grows with the report's length.
SAME_HITS = 8
_NOT_KEY = ("id", "sentence", "hit")  # which hit it is: interchangeable hits differ only there


def distinct_hits(facts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """`facts` with at most SAME_HITS hits that agree on every field but id and sentence."""
    return [f for _, f in _kept(facts)]


def _kept(facts: list[dict[str, Any]]) -> Iterator[tuple[int, dict[str, Any]]]:
    """(position, fact) of the facts `distinct_hits` keeps: the one definition of that cut."""
    seen: dict[tuple[tuple[str, Any], ...], int] = {}
    for i, f in enumerate(facts):
        if f.get("kind") == "hit":
            try:
                key = tuple(sorted((k, v) for k, v in f.items() if k not in _NOT_KEY))
                n = seen.get(key, 0)
            except TypeError:  # an unhashable field value: keep the fact
                n, key = 0, None
            if n >= SAME_HITS:
                continue
            if key is not None:
                seen[key] = n + 1
        yield i, f
_COLLECTED = ("hit", "cp")  # kinds of fact whose ids a firing reports
# Actions of one report: one per `cap` rule, else one per matching combination (a bound only).
_MAX_ACTIONS = 1_000_000


def _named(definitions: Any, out: set[str], depth: int = 0) -> set[str]:
    """Every dict key and string in compiled rule definitions: a superset of the fact fields they test.

    Conditions name a field as a key (`{"f": v}`, `{"$ex": {"f": 1}}`) and a reference to an
    earlier leg names one as a string (`{"part": {"a": "part"}}`); collecting both (and every
    other string, harmlessly) over-approximates the fields any rule can look at.
    """
    if depth > 64:  # compiled rules nest a few levels; bound the walk anyway
        raise ValueError("rule definitions nest too deeply")
    if isinstance(definitions, dict):
        for k, v in definitions.items():
            out.add(k)
            _named(v, out, depth + 1)
    elif isinstance(definitions, list):
        for v in definitions:
            _named(v, out, depth + 1)
    elif isinstance(definitions, str):
        out.add(definitions)
    return out


class _SyncHost(_durable.Host):
    """A durable host without background dispatch threads: actions run inside assert_facts."""

    def _run(self) -> None:
        pass


class EngineError(RuntimeError):
    """durable-rules reported an error while evaluating a report (a bug, not bad input)."""


def _not_dispatched(c: Any) -> None:
    """The `run` registered for every rule: Engine dispatches the actions itself (see `_dispatch`).

    durable requires a callable per rule; should its own host ever run one, the error lands in
    the session state and the report fails loudly (EngineError) instead of losing firings.
    """
    raise RuntimeError("actions are dispatched by checker.engine.Engine")


# json.dumps(x, ensure_ascii=False) as durable's host calls it, without building an encoder per
# call. Not orjson: it writes 1e-05 as 0.00001, and durable's C parser reads an exponent only
# after a decimal point, so the two can differ in what the engine sees.
_encode = json.JSONEncoder(ensure_ascii=False).encode
# orjson output that may differ from json.dumps in a value (not only in spacing): a float below
# 1e-4 (orjson writes 0.00001 where json writes 1e-05, and both use exponents further down),
# a non-finite float (orjson writes null, json NaN/Infinity; a None is written null by both
# and lands here too: it merely takes the slow way).
_SMALL_FLOAT = re.compile(r"[0-9]e-")
_ORJSON_OPTS = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS


def _encode_batch(batch: list[dict[str, Any]]) -> str:
    """A report's facts as JSON text whose values the C engine parses exactly as from `_encode`'s.

    orjson encodes the batch about 7x faster than the stdlib (~0.08 ms a report saved). It
    differs from json.dumps(ensure_ascii=False) in spacing, which the C parser ignores, and in
    the cases `_SMALL_FLOAT` and "null" catch; what orjson refuses (integers beyond 64 bits,
    lone surrogates) or would write where json raises (dates, dataclasses: passed through, so
    refused) goes to the stdlib, which then writes or raises as before. Facts hold str, int,
    float, bool, None and lists of them (checker/facts.py); string escapes agree.
    """
    try:
        text = orjson.dumps(batch, option=_ORJSON_OPTS).decode()
    except (orjson.JSONEncodeError, UnicodeDecodeError):
        return _encode(batch)
    if "null" in text or "0.0000" in text or ("e-" in text and _SMALL_FLOAT.search(text)):
        return _encode(batch)
    return text


def _loads(text: str) -> Any:
    """Parse a JSON text the C engine returned: orjson (about 3x faster), else the stdlib.

    durable's host parses with json.loads; for standard JSON both give the same values. The
    stdlib takes what orjson refuses (NaN, integers beyond 64 bits, lone surrogates).
    """
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)


def _matched(message: Any) -> list[Any]:
    """The facts of one action's match, as durable's Closure presents them to an action.

    A `cap` rule gets a list of matches (each `{"m": fact}`, unwrapped as Closure does); other
    rules a dict of leg alias -> fact (the eof leg and `$not` legs included or not, as the C
    engine sends them).
    """
    if isinstance(message, dict):
        return [v for v in message.values() if isinstance(v, dict)]
    out = []
    for one in message:
        if "m" in one and len(one) == 1:
            one = one["m"]
        out.append(one)
    return out


class Engine:
    """A registered ruleset that evaluates one report's facts at a time."""

    def __init__(self, definitions: dict[str, dict[str, Any]]) -> None:
        # Fields no rule names cannot change a match (a `cp` fact's `rules` list, a hit's sentence,
        # the body's level…): they are left out of the facts asserted, which are serialised to
        # JSON and parsed by the C engine, and of the matches it sends back to every action
        # (about a third of the bytes). Firings read those fields from the caller's facts.
        self._fields = frozenset(_named(definitions, {"kind"}))
        # Registration deletes "run" from each rule's dict and changes nothing deeper: a copy of
        # the top-level dicts leaves the caller's intact (a deep copy took ~1 ms per process).
        defs = {name: {**spec, "run": _not_dispatched} for name, spec in definitions.items()}
        self._host = _SyncHost()
        self._host.set_rulesets({RULESET: defs})
        self._handle = self._host.get_ruleset(RULESET)._handle
        self._sids = itertools.count(1)
        self._lock = threading.Lock()

    def evaluate(self, facts: list[dict[str, Any]]) -> list[Firing]:
        """Run the rules over one report's facts; returns the rules that fired."""
        return firings(self.evaluate_raw(facts), facts)

    def evaluate_raw(self, facts: list[dict[str, Any]]) -> dict[str, set[int]]:
        """Durable rule name -> ids of the hit and cp facts it matched, for every rule that fired.

        Fact ids are positions in `facts` (the eof fact is appended last).
        """
        with self._lock:  # the C engine is not thread-safe across sessions (notes §6)
            sid = str(next(self._sids))
            batch = self._batch(facts, sid)
            try:
                fired, state = self._dispatch(batch, sid)
                if "exception" in state and "input.timeout" in str(state["exception"]):
                    # The per-file time limit fired inside an action (durable swallows it).
                    from checker.errors import InputError

                    raise InputError("input.timeout", path="", seconds="")
                if "exception" in state:
                    raise EngineError(str(state["exception"]))
                return fired
            finally:
                try:
                    _native.delete_state(self._handle, sid)
                except Exception:
                    pass

    def _dispatch(self, batch: list[dict[str, Any]], sid: str) -> tuple[dict[str, set[int]], dict[str, Any]]:
        """Assert one report's facts and run its actions: (rule name -> matched ids, session state).

        The same calls into the C engine, in the same order, as durable's own host makes for
        `assert_facts` (Ruleset.assert_facts, do_actions, _flush_actions): assert the batch,
        start the first action, then per action store the state back and complete it, which
        starts the next, until none is left. What the host adds per action — a Closure with
        clock reads, a Promise, the stdlib JSON parser — is left out; the action itself only
        collects the ids of the matched hit and cp facts. An exception while collecting is
        kept in the state as durable keeps it (and turned into EngineError by the caller).
        """
        handle = self._handle
        result = _native.assert_facts(handle, _encode_batch(batch))
        if result[0] == 1:
            raise _durable.MessageNotHandledException(batch)
        if result[0] == 2:
            raise _durable.MessageObservedException(batch)
        state_handle = 0 if result[0] == 3 else result[1]
        fired: dict[str, set[int]] = {}
        started = _native.start_action_for_state(handle, state_handle)
        if not started:
            # No action ran (impossible with the `_eof` rule): what the session holds.
            return fired, _loads(_native.get_state(handle, sid))
        state = _loads(started[0])
        stored = _encode(state)  # the state as each action stores it back; changes only on an error
        message = _loads(started[1])
        try:
            for _ in range(_MAX_ACTIONS):
                ((name, match),) = message.items()
                found = fired.setdefault(name, set())
                try:
                    for f in _matched(match):
                        if f.get("kind") in _COLLECTED:
                            found.add(int(f["id"]))
                except BaseException as error:  # as durable's Promise.run: kept in the state
                    trace = traceback.format_tb(error.__traceback__)
                    state["exception"] = f"exception caught {error}, traceback {trace}"
                    stored = _encode(state)
                _native.update_state(handle, stored)
                following = _native.complete_and_start_action(handle, state_handle)
                if not following:
                    return fired, state
                message = _loads(following)
            raise EngineError("too many actions for one report")
        except BaseException:
            _native.abandon_action(handle, state_handle)  # as durable's host does on an error
            raise

    def _batch(self, facts: list[dict[str, Any]], sid: str) -> list[dict[str, Any]]:
        """The facts asserted for one report: ids are positions in `facts`, the eof fact last.

        Of interchangeable hits only the first SAME_HITS are kept (as `distinct_hits`, judged on
        every field of the caller's fact), and of each fact only the fields some rule names.
        """
        keep = self._fields
        batch: list[dict[str, Any]] = []
        for i, f in _kept(facts):
            fact = {k: v for k, v in f.items() if k in keep}
            fact["sid"] = sid
            fact["id"] = i
            batch.append(fact)
        batch.append({"sid": sid, "id": len(facts), "kind": "eof"})
        return batch


_SPLIT: dict[str, tuple[str, str] | None] = {}


def _split(name: str) -> tuple[str, str] | None:
    """(rule id, outcome) of a durable rule name, None for the internal `_` rules; memoised."""
    got = _SPLIT.get(name, False)
    if got is False:
        if len(_SPLIT) > 100_000:  # a few rulesets' names per process; bound it anyway
            _SPLIT.clear()
        got = _SPLIT[name] = None if name.startswith("_") else split_name(name)
    return got  # type: ignore[return-value]


def firings(fired: dict[str, set[int]], facts: list[dict[str, Any]]) -> list[Firing]:
    """Firings per (rule id, outcome) from raw matches (`Engine.evaluate_raw`'s output).

    A shared rule's matches are split by the fact's `rule` (a cp fact's `rules`); a hit fact is
    reported by its hit id.
    """
    # One (rule, outcome, hit) triple per match, sorted once: the firings come out in order, each
    # with its hits sorted and deduplicated, without a set and a dict entry per checkpoint.
    triples: list[tuple[str, str, float]] = []
    append = triples.append
    for name, ids in fired.items():
        split = _split(name)
        if split is None:
            continue
        rid, outcome = split
        if rid == SHARED:  # a shared rule: the facts say whose they are
            for i in ids:
                f = facts[i]
                h = f.get("hit", i)
                for r in f.get("rules") or (f["rule"],):  # a cp fact may stand for several checkpoints
                    append((r, outcome, h))
        elif ids:
            for i in ids:
                append((rid, outcome, facts[i].get("hit", i)))
        else:  # fired on facts no firing reports (meta, parts): a firing without hits
            append((rid, outcome, _NO_HIT))
    triples.sort()
    memo = _FIRINGS
    if len(memo) > _FIRINGS_MAX:
        memo.clear()
    out: list[Firing] = []
    n = len(triples)
    k = 0
    while k < n:
        t = triples[k]
        r, o, h = t
        j = k + 1
        if j < n and triples[j][0] == r and triples[j][1] == o:  # several hits (or repeats)
            hs = [] if h == _NO_HIT else [h]
            while j < n and triples[j][0] == r and triples[j][1] == o:
                x = triples[j][2]
                if x != _NO_HIT and (not hs or x != hs[-1]):
                    hs.append(x)
                j += 1
            key: tuple[Any, ...] = (r, o, tuple(hs))
        else:
            key = t
        got = memo.get(key)
        if got is None:
            hits = key[2] if j > k + 1 else (() if h == _NO_HIT else (h,))
            got = memo[key] = Firing(r, o, hits)
        out.append(got)
        k = j
    return out


_NO_HIT = float("-inf")  # sorts before every id; marks a firing that reports no fact
# Firings are frozen values and most recur from report to report (a checkpoint graded by the
# same grade on the cp fact at the same position): each is built once and then looked up,
# which takes a fifth of the time of building a frozen dataclass (~150 per report). Keys are
# (rule, outcome, hit) for one hit, (rule, outcome, hits) for several.
_FIRINGS: dict[tuple[Any, ...], Firing] = {}
_FIRINGS_MAX = 8192  # entries (~2 MB); cleared when full


_ENGINES: dict[str, Engine] = {}


def engine_for(version: str, build: Callable[[], dict[str, dict[str, Any]]]) -> Engine:
    """The process-wide engine for a rule version, registering it on first use."""
    eng = _ENGINES.get(version)
    if eng is None:
        eng = Engine(build())
        _ENGINES[version] = eng
    return eng
