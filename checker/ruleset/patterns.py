"""Static checks of one rule pattern: whether it can ever match in a sentence, whether it can hang.

Used by the loader (which refuses patterns that can backtrack catastrophically, so a rule pack
cannot hang a check) and by `fzzf rules lint` (which reports everything).
"""

from __future__ import annotations

import re

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


def _walk(parsed: sre_parse.SubPattern, inside_repeat: bool = False) -> tuple[bool, bool, bool]:
    """(nested unbounded repeat, anchored, unbounded gap) for a parsed pattern."""
    nested = anchored = gap = False
    for op, av in parsed.data:
        if op in REPEATS and op is not None:
            _lo, hi, sub = av
            unbounded = hi == MAXREPEAT or hi > BIG
            if unbounded and inside_repeat:
                nested = True
            if unbounded and _is_broad(sub):
                gap = True
            n, a, g = _walk(sub, inside_repeat or (unbounded or hi > 1))
            nested, anchored, gap = nested or n, anchored or a, gap or g
            if unbounded and _has_repeat(sub):
                nested = True
        elif op is sre_constants.SUBPATTERN:
            n, a, g = _walk(av[-1], inside_repeat)
            nested, anchored, gap = nested or n, anchored or a, gap or g
        elif op is sre_constants.BRANCH:
            for branch in av[1]:
                n, a, g = _walk(branch, inside_repeat)
                nested, anchored, gap = nested or n, anchored or a, gap or g
        elif op is sre_constants.AT and av in (sre_constants.AT_BEGINNING, sre_constants.AT_END,
                                               sre_constants.AT_BEGINNING_STRING, sre_constants.AT_END_STRING):
            anchored = True
        elif op in (sre_constants.ASSERT, sre_constants.ASSERT_NOT):
            n, a, g = _walk(av[1], inside_repeat)
            nested, anchored, gap = nested or n, anchored or a, gap or g
    return nested, anchored, gap


def _has_repeat(sub: sre_parse.SubPattern) -> bool:
    for op, av in sub.data:
        if op in REPEATS and op is not None and av[1] > 1:
            return True
        if op is sre_constants.SUBPATTERN and _has_repeat(av[-1]):
            return True
        if op is sre_constants.BRANCH and any(_has_repeat(b) for b in av[1]):
            return True
    return False


def _is_broad(sub: sre_parse.SubPattern) -> bool:
    """`.` or a negated class: a gap that can swallow most of a sentence."""
    if len(sub.data) != 1:
        return False
    op, av = sub.data[0]
    if op is sre_constants.ANY:
        return True
    return op is sre_constants.IN and any(o is sre_constants.NEGATE for o, _ in av)


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
    nested, anchored, gap = _walk(parsed)
    if nested:
        out.append(("error", "nested unbounded quantifier: catastrophic backtracking (use one bounded repeat)"))
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


