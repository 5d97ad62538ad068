"""Static checks of one rule pattern: whether it can ever match in a sentence, whether it can hang.

Used by the loader (which refuses patterns that can backtrack catastrophically, so a rule pack
cannot hang a check: `refusal`) and by `fzzf rules lint` (which reports everything, the
loader's refusals among its errors). Backtracking is found by an analysis of the pattern's
automaton (below), not by a timeout: the answer does not depend on how busy the machine is.
Ready-made ReDoS checkers were tried first: `regexploit` passes `(法|法)+…` and nested bounded
repeats such as `(法{1,64}){1,64}…`, the two cases that matter most here.
"""

from __future__ import annotations

import re
from typing import Any

try:  # Python 3.11+: the parser moved into re._parser
    from re import _constants as sre_constants
    from re import _parser as sre_parse
except ImportError:  # pragma: no cover - older layout
    import sre_constants  # type: ignore[no-redef]
    import sre_parse  # type: ignore[no-redef]


MAXREPEAT = sre_constants.MAXREPEAT
REPEATS = (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT, getattr(sre_constants, "POSSESSIVE_REPEAT", None))
BIG = 64  # a repeat bound above this counts as unbounded for backtracking purposes
SENTENCE_END = set("。！？；;!?\n")


def _walk(parsed: sre_parse.SubPattern) -> tuple[bool, bool]:
    """(anchored, unbounded gap) for a parsed pattern."""
    anchored = gap = False
    for op, av in parsed.data:
        if op in REPEATS and op is not None:
            _lo, hi, sub = av
            if (hi == MAXREPEAT or hi > BIG) and _is_broad(sub):
                gap = True
            a, g = _walk(sub)
            anchored, gap = anchored or a, gap or g
        elif op is sre_constants.SUBPATTERN:
            a, g = _walk(av[-1])
            anchored, gap = anchored or a, gap or g
        elif op is sre_constants.BRANCH:
            for branch in av[1]:
                a, g = _walk(branch)
                anchored, gap = anchored or a, gap or g
        elif op is sre_constants.AT and av in (sre_constants.AT_BEGINNING, sre_constants.AT_END,
                                               sre_constants.AT_BEGINNING_STRING, sre_constants.AT_END_STRING):
            anchored = True
        elif op in (sre_constants.ASSERT, sre_constants.ASSERT_NOT):
            a, g = _walk(av[1])
            anchored, gap = anchored or a, gap or g
    return anchored, gap


def _is_broad(sub: sre_parse.SubPattern) -> bool:
    """`.` or a negated class: a gap that can swallow most of a sentence."""
    if len(sub.data) != 1:
        return False
    op, av = sub.data[0]
    if op is sre_constants.ANY:
        return True
    return op is sre_constants.IN and any(o is sre_constants.NEGATE for o, _ in av)


def refusal(pattern: str) -> str | None:
    """Why the loader refuses `pattern` (it can hang a check), or None.

    `fzzf rules lint` reports the same message as an error: lint flags whatever loading refuses.
    """
    for level, message in check_pattern(pattern):
        if level == "error" and "backtracking" in message:
            return message
    return None


def check_pattern(pattern: str) -> list[tuple[str, str]]:
    """Problems of one pattern as (level, message)."""
    out: list[tuple[str, str]] = []
    try:
        compiled = re.compile(pattern)
        parsed = sre_parse.parse(pattern)
    except re.error as exc:  # load refuses these already; kept for packs linted alone
        return [("error", f"invalid regular expression: {exc}")]
    if compiled.search("") is not None:
        out.append(("error", "matches the empty string, so it would hit every sentence"))
    anchored, gap = _walk(parsed)
    try:
        problem = ambiguity(parsed)
    except _TooComplex:
        problem = "too complex to check for catastrophic backtracking: split it into simpler terms"
    if problem:
        out.append(("error", problem))
    if anchored:
        out.append(("error", "anchored with ^ or $: can never match inside a sentence"))
    literal = {chr(av) for op, av in _literals(parsed)}
    if literal & SENTENCE_END:
        out.append(("error", "contains a sentence end (。！？；): can never match inside one sentence"))
    if gap:
        out.append(("warning", "unbounded gap (.* or [^…]+): use a bounded one such as .{0,12}"))
    return out


def _literals(parsed: sre_parse.SubPattern) -> list[tuple[object, int]]:
    """Literal characters that every match must contain (top level, outside branches)."""
    return [(op, av) for op, av in parsed.data if op is sre_constants.LITERAL]


# --- backtracking analysis -------------------------------------------------------------------
#
# Python's regex engine backtracks: when a match fails it tries every other way the pattern
# could have matched the text read so far. That costs time exponential in the text when some
# loop of the pattern can read the same text along two different paths — `(法|法)+`,
# `(a+)+`, `(法{1,64}){1,64}` — and a sentence that almost matches then takes hours.
#
# The analysis builds the pattern's position automaton (Glushkov: one state per character
# class, edges for what may follow), keeping parallel edges (an edge made both by an inner and
# by an outer repeat is two paths, as it is for the engine), with bounded repeats as loops. It
# then searches the product of the automaton with itself: two paths reading the same text are
# one path there. A loop through a diagonal state (q, q) that passes through an off-diagonal
# state, or uses a doubled edge, is two ways around the same loop on the same text: the number
# of paths doubles with each round (exponential degree of ambiguity). Characters are compared
# over a small alphabet made of every character the pattern names plus one representative of
# each class (two ranges overlap exactly when an end of one lies in the other).
#
# A loop that may turn without bound is refused. When every repeat on such a loop is bounded,
# the paths are counted roughly — 2 to the power of the bound for one repeat, (largest bound + 1)
# to the power of the smallest for nested ones — and refused over MAX_PATHS.

MAX_PATHS = 10_000  # estimated ways to match one stretch of text; a sentence then costs < 10 ms
_MAX_PAIRS = 200_000  # product states explored before the pattern counts as too complex to vet
_REPRESENTATIVES = "aA0_ \n\t中，。、１\u3000\x00\ue000-."
_CATEGORIES = {
    sre_constants.CATEGORY_DIGIT: r"\d", sre_constants.CATEGORY_NOT_DIGIT: r"\D",
    sre_constants.CATEGORY_SPACE: r"\s", sre_constants.CATEGORY_NOT_SPACE: r"\S",
    sre_constants.CATEGORY_WORD: r"\w", sre_constants.CATEGORY_NOT_WORD: r"\W",
}


class _TooComplex(Exception):
    """The product automaton grew past _MAX_PAIRS."""


class _Glushkov:
    """Position automaton of a parsed pattern, with edge multiplicities and the loops that made them."""

    def __init__(self, alphabet: list[str], ignore_case: bool) -> None:
        self.alphabet = alphabet
        self.ignore_case = ignore_case
        self.bit = {ch: 1 << i for i, ch in enumerate(alphabet)}
        self.masks: list[int] = []  # per position: the alphabet letters it accepts, as bits
        self.edges: dict[tuple[int, int], list[Any]] = {}  # (from, to) -> [count, set of loop ids]
        self.bounds: list[int | None] = []  # per loop id: its upper bound, None when unbounded

    def position(self, accepts: Any, literal: str | None = None) -> int:
        mask = 0
        if literal is not None and not self.ignore_case:  # most positions: one known character
            self.masks.append(self.bit[literal])
            return len(self.masks) - 1
        for ch, bit in self.bit.items():
            if accepts(ch) or (self.ignore_case and (accepts(ch.lower()) or accepts(ch.upper()))):
                mask |= bit
        self.masks.append(mask)
        return len(self.masks) - 1

    def link(self, last: dict[int, int], first: dict[int, int], loop: int | None) -> None:
        for x, cx in last.items():
            for y, cy in first.items():
                edge = self.edges.setdefault((x, y), [0, set()])
                edge[0] = min(2, edge[0] + cx * cy)
                if loop is not None:
                    edge[1].add(loop)

    def build(self, sub: sre_parse.SubPattern) -> tuple[dict[int, int], dict[int, int], int]:
        """(first positions, last positions, ways to match empty) of a sequence; adds its edges."""
        first: dict[int, int] = {}
        last: dict[int, int] = {}
        null = 1
        for op, av in sub.data:
            f, la, n = self.node(op, av)
            self.link(last, f, None)
            for p, c in f.items():  # reachable from the start through the nullable prefix
                if null:
                    first[p] = min(2, first.get(p, 0) + null * c)
            last = {p: min(2, c * n) for p, c in last.items() if n}
            for p, c in la.items():
                last[p] = min(2, last.get(p, 0) + c)
            null = min(2, null * n)
        return first, last, null

    def node(self, op: Any, av: Any) -> tuple[dict[int, int], dict[int, int], int]:
        if op in (sre_constants.LITERAL, sre_constants.NOT_LITERAL, sre_constants.ANY, sre_constants.IN):
            p = self.position(_acceptor(op, av), chr(av) if op is sre_constants.LITERAL else None)
            return {p: 1}, {p: 1}, 0
        if op in REPEATS and op is not None:
            lo, hi, body = av
            f, la, n = self.build(body)
            if hi == 0:
                return {}, {}, 1
            if hi == 1:
                return f, la, min(2, n + (lo == 0))
            self.bounds.append(None if hi == MAXREPEAT or hi > BIG else hi)
            self.link(la, f, len(self.bounds) - 1)
            return f, la, min(2, max(n, lo == 0))
        if op is sre_constants.SUBPATTERN:
            return self.build(av[-1])
        if op is getattr(sre_constants, "ATOMIC_GROUP", None):
            return self.build(av)
        if op is sre_constants.BRANCH:
            first: dict[int, int] = {}
            last: dict[int, int] = {}
            null = 0
            for branch in av[1]:
                f, la, n = self.build(branch)
                for p, c in f.items():
                    first[p] = min(2, first.get(p, 0) + c)
                for p, c in la.items():
                    last[p] = min(2, last.get(p, 0) + c)
                null = min(2, null + n)
            return first, last, null
        if op is sre_constants.GROUPREF_EXISTS:
            _group, yes, no = av
            return self.node(sre_constants.BRANCH, (None, [yes, no or sre_parse.SubPattern(yes.state)]))
        if op is sre_constants.GROUPREF:  # the text the group matched: one way to match it
            p = self.position(lambda ch: True)
            return {p: 1}, {p: 1}, 1
        return {}, {}, 1  # anchors and lookarounds read nothing (lookarounds are vetted alone)

    def successors(self) -> list[list[tuple[int, int, frozenset[int]]]]:
        out: list[list[tuple[int, int, frozenset[int]]]] = [[] for _ in self.masks]
        for (x, y), (count, loops) in self.edges.items():
            out[x].append((y, count, frozenset(loops)))
        return out


def _acceptor(op: Any, av: Any) -> Any:
    """A test of one character against a LITERAL, NOT_LITERAL, ANY or IN node."""
    if op is sre_constants.LITERAL:
        return lambda ch: ord(ch) == av
    if op is sre_constants.NOT_LITERAL:
        return lambda ch: ord(ch) != av
    if op is sre_constants.ANY:
        return lambda ch: ch != "\n"
    negate = any(o is sre_constants.NEGATE for o, _ in av)

    def accepts(ch: str) -> bool:
        code = ord(ch)
        for o, a in av:
            if (o is sre_constants.LITERAL and code == a) or (o is sre_constants.RANGE and a[0] <= code <= a[1]) \
                    or (o is sre_constants.CATEGORY and a in _CATEGORIES and re.fullmatch(_CATEGORIES[a], ch)):
                return not negate
        return negate

    return accepts


def _alphabet(parsed: sre_parse.SubPattern) -> list[str]:
    """Every character the pattern names (range ends included), plus representatives."""
    chars = set(_REPRESENTATIVES)

    def visit(data: Any) -> None:
        for op, av in data:
            if op in (sre_constants.LITERAL, sre_constants.NOT_LITERAL):
                chars.add(chr(av))
            elif op is sre_constants.RANGE:
                chars.update((chr(av[0]), chr(av[1])))
            elif op is sre_constants.IN:
                visit(av)
            elif isinstance(av, (tuple, list)):
                for x in av:
                    if isinstance(x, sre_parse.SubPattern):
                        visit(x.data)
                    elif isinstance(x, list):
                        for y in x:
                            if isinstance(y, sre_parse.SubPattern):
                                visit(y.data)
            elif isinstance(av, sre_parse.SubPattern):
                visit(av.data)

    visit(parsed.data)
    return sorted(chars)


def _loops(sub: sre_parse.SubPattern) -> bool:
    """Whether the pattern repeats anything more than once."""
    for op, av in sub.data:
        if op in REPEATS and op is not None and av[1] > 1:
            return True
        if (op in REPEATS and op is not None and _loops(av[2])) \
                or (op is sre_constants.SUBPATTERN and _loops(av[-1])) \
                or (op is getattr(sre_constants, "ATOMIC_GROUP", None) and _loops(av)) \
                or (op in (sre_constants.ASSERT, sre_constants.ASSERT_NOT) and _loops(av[1])) \
                or (op is sre_constants.BRANCH and any(_loops(b) for b in av[1])) \
                or (op is sre_constants.GROUPREF_EXISTS and any(b is not None and _loops(b) for b in av[1:])):
            return True
    return False


def _lookarounds(sub: sre_parse.SubPattern) -> list[sre_parse.SubPattern]:
    """The bodies of lookahead and lookbehind assertions, at any depth."""
    out: list[sre_parse.SubPattern] = []
    for op, av in sub.data:
        if op in (sre_constants.ASSERT, sre_constants.ASSERT_NOT):
            out.append(av[1])
            out.extend(_lookarounds(av[1]))
        elif op in REPEATS and op is not None:
            out.extend(_lookarounds(av[2]))
        elif op is sre_constants.SUBPATTERN:
            out.extend(_lookarounds(av[-1]))
        elif op is getattr(sre_constants, "ATOMIC_GROUP", None):
            out.extend(_lookarounds(av))
        elif op is sre_constants.BRANCH:
            for b in av[1]:
                out.extend(_lookarounds(b))
    return out


def ambiguity(pattern: str | sre_parse.SubPattern) -> str | None:
    """Why `pattern` can backtrack catastrophically, or None when it cannot."""
    parsed = sre_parse.parse(pattern) if isinstance(pattern, str) else pattern
    if not _loops(parsed):
        return None  # without a loop nothing can double round after round
    for sub in (parsed, *_lookarounds(parsed)):
        problem = _ambiguity(sub, _alphabet(parsed), bool(parsed.state.flags & re.IGNORECASE))
        if problem:
            return problem
    return None


def _ambiguity(sub: sre_parse.SubPattern, alphabet: list[str], ignore_case: bool) -> str | None:
    auto = _Glushkov(alphabet, ignore_case)
    auto.build(sub)
    succ = auto.successors()
    masks = auto.masks
    # Explore the product from each diagonal state that lies on a loop.
    # Two paths around one loop on the same text stay inside one cycle of the automaton: explore
    # the product only within each strongly connected part that has a cycle.
    part: dict[int, int] = {}
    for k, comp in enumerate(_components({x: [(y,) for y, _, _ in succ[x]] for x in range(len(masks))})):
        if len(comp) > 1 or any(y == comp[0] for y, _, _ in succ[comp[0]]):
            for x in comp:
                part[x] = k
    graph: dict[tuple[int, int], list[tuple[tuple[int, int], bool, frozenset[int]]]] = {}
    todo = [(q, q) for q in part]
    seen = set(todo)
    while todo:
        p, q = todo.pop()
        out = []
        home = part[p]
        for p2, c1, l1 in succ[p]:
            if part.get(p2) != home:
                continue
            for q2, _c2, l2 in succ[q]:
                if part.get(q2) != home or not masks[p2] & masks[q2]:
                    continue
                doubled = p == q and p2 == q2 and c1 > 1
                out.append(((p2, q2), doubled, l1 | l2))
                if (p2, q2) not in seen:
                    seen.add((p2, q2))
                    todo.append((p2, q2))
                    if len(seen) > _MAX_PAIRS:
                        raise _TooComplex
        graph[(p, q)] = out
    for component in _components(graph):
        members = set(component)
        diagonal = any(p == q for p, q in component)
        if not diagonal:
            continue
        inner = [(doubled, loops) for node in component for nxt, doubled, loops in graph[node] if nxt in members]
        if not inner:
            continue
        if not (any(p != q for p, q in component) or any(doubled for doubled, _ in inner)):
            continue
        bounds = [auto.bounds[i] for i in {i for _, loops in inner for i in loops}]
        ints = [b for b in bounds if b is not None]
        if not ints or len(ints) < len(bounds):
            return ("catastrophic backtracking: a repeat can match the same text in more than one way "
                    "(e.g. (a|a)+ or (a+)+); make the alternatives or the repeats exclusive")
        paths = 2 ** ints[0] if len(ints) == 1 else (max(ints) + 1) ** min(ints)
        if paths > MAX_PATHS:
            return (f"catastrophic backtracking: nested or overlapping bounded repeats can match the same "
                    f"text in about {paths:.1e} ways (limit {MAX_PATHS:,}); use one bounded repeat")
    return None


def _components(graph: dict[tuple[int, int], list[Any]]) -> list[list[tuple[int, int]]]:
    """Strongly connected components (Tarjan, iterative: patterns may be deep)."""
    index: dict[tuple[int, int], int] = {}
    low: dict[tuple[int, int], int] = {}
    on_stack: set[tuple[int, int]] = set()
    stack: list[tuple[int, int]] = []
    out: list[list[tuple[int, int]]] = []
    counter = 0
    for root in graph:
        if root in index:
            continue
        work = [(root, 0)]
        while work:
            node, i = work.pop()
            if i == 0:
                index[node] = low[node] = counter
                counter += 1
                stack.append(node)
                on_stack.add(node)
            edges = graph.get(node, [])
            recurse = False
            while i < len(edges):
                nxt = edges[i][0]
                i += 1
                if nxt not in index:
                    work.append((node, i))
                    work.append((nxt, 0))
                    recurse = True
                    break
                if nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
            if recurse:
                continue
            if low[node] == index[node]:
                comp = []
                while True:
                    w = stack.pop()
                    on_stack.discard(w)
                    comp.append(w)
                    if w == node:
                        break
                out.append(comp)
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
    return out
