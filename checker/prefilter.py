"""Skip a regex search that cannot match: the strings every match of a pattern must contain.

Many patterns of the outline data (look-alike body signals, placeholders such as "××件") are
searched over a whole report and almost never match. A failing search still walks every
position of the text, and a pattern that starts with a look-behind, an alternation or a Han
character class cannot use the regex engine's fast literal scan: one such search costs up to a
millisecond on a report. `Prefiltered` reads from the pattern's parse tree the literal strings a
match must contain ("报告名称"; one of "××", "XX", "x", "__" …) and asks `str.__contains__` for
them first, a C scan that takes microseconds; only when every clause is present does it search.
The answer is always the pattern's own (a sound necessary condition, never a guess), and the
extra scans are linear in the text.
"""

from __future__ import annotations

import re
import re._constants as sre_c  # the parse tree of `re` (public enough: stable since 3.11)
import re._parser as sre_parse

# Strings longer than this are cut to it (a prefix of a required string is required too).
_MAX_STRING = 16
# A character class of at most this many characters becomes a clause of single characters.
_MAX_CLASS = 32
# Alternatives a run of adjacent items may spell ("报告(内容|形式|要求)" → 3 strings) at most.
_MAX_ALTERNATIVES = 16
_REPEATS = (sre_c.MAX_REPEAT, sre_c.MIN_REPEAT, sre_c.POSSESSIVE_REPEAT)

Clause = frozenset[str]  # a match contains at least one of these strings
Item = tuple[object, object]  # (opcode, argument) of the parse tree


def _class_chars(items: list[Item]) -> Clause | None:
    """The characters of a [...] class, when it is a short positive list of them."""
    chars: set[str] = set()
    for op, av in items:
        if op is sre_c.LITERAL:
            chars.add(chr(av))  # type: ignore[arg-type]
        elif op is sre_c.RANGE and av[1] - av[0] < _MAX_CLASS:  # type: ignore[index]
            chars.update(map(chr, range(av[0], av[1] + 1)))  # type: ignore[index]
        else:  # NEGATE, CATEGORY (\s, \d …) or a wide range: any of very many characters
            return None
        if len(chars) > _MAX_CLASS:
            return None
    return frozenset(chars) or None


def _product(left: set[str], right: set[str] | frozenset[str]) -> set[str] | None:
    """Every string of `left` followed by every string of `right`; None when too many."""
    if len(left) * len(right) > _MAX_ALTERNATIVES:
        return None
    return {a + b for a in left for b in right}


def _spelled(items: list[Item]) -> set[str] | None:
    """The exact strings a sequence matches, when it is made of literals only ("(内容|形式)")."""
    out: set[str] | None = {""}
    for op, av in items:
        strings = _spelled_item(op, av)
        if strings is None or out is None:
            return None
        out = _product(out, strings)
    return out


def _spelled_item(op: object, av: object) -> set[str] | frozenset[str] | None:
    if op is sre_c.LITERAL:
        return {chr(av)}  # type: ignore[arg-type]
    if op is sre_c.IN:
        chars = _class_chars(av)  # type: ignore[arg-type]
        return chars if chars is not None and len(chars) <= _MAX_ALTERNATIVES else None
    if op is sre_c.SUBPATTERN and not av[1] & re.IGNORECASE:  # type: ignore[index]
        return _spelled(av[3])  # type: ignore[index]
    if op is sre_c.BRANCH:
        union: set[str] = set()
        for branch in av[1]:  # type: ignore[index]
            strings = _spelled(branch)
            if strings is None or "" in strings:
                return None
            union |= strings
        return union if len(union) <= _MAX_ALTERNATIVES else None
    if op in _REPEATS and av[0] == av[1] and av[0] <= _MAX_STRING:  # type: ignore[index]
        once = _spelled(av[2])  # type: ignore[index]
        if once is None or len(once) != 1:
            return None
        return {next(iter(once)) * av[0]}  # type: ignore[index]
    return None


def _best(clauses: list[Clause]) -> Clause | None:
    """The clause most likely to be absent from a text: long strings, few alternatives."""
    return max(clauses, key=lambda c: (min(map(len, c)), -len(c)), default=None)


def _item(op: object, av: object) -> Clause | None:
    """One clause any match of a single parse-tree item satisfies, or None when unknown."""
    if op is sre_c.LITERAL:
        return frozenset({chr(av)})  # type: ignore[arg-type]
    if op is sre_c.IN:
        return _class_chars(av)  # type: ignore[arg-type]
    if op is sre_c.SUBPATTERN:
        _, add_flags, _, body = av  # type: ignore[misc]
        return None if add_flags & re.IGNORECASE else _best(_sequence(body))
    if op is sre_c.ATOMIC_GROUP:
        return _best(_sequence(av))  # type: ignore[arg-type]
    if op in _REPEATS:
        low, _, body = av  # type: ignore[misc]
        return _best(_sequence(body)) if low >= 1 else None
    if op is sre_c.BRANCH:
        union: set[str] = set()
        for branch in av[1]:  # type: ignore[index]
            clause = _best(_sequence(branch))
            if clause is None:
                return None  # a branch that may match without any known string
            union |= clause
        return frozenset(union)
    return None  # ANY, NOT_LITERAL, AT, look-arounds, group references …


def _sequence(items: list[Item]) -> list[Clause]:
    """Clauses that every match of a sequence of items satisfies (all of them at once).

    Adjacent items that spell strings form one clause of their concatenations ("报告名称",
    "报告(内容|形式|要求)" → 报告内容/报告形式/报告要求); a literal repeated at least n times
    ends such a run with n copies of itself ("×{2,}" → "××").
    """
    clauses: list[Clause] = []
    run: set[str] = {""}  # the strings the items since the last break spell

    def cut() -> None:
        nonlocal run
        if run != {""}:
            clauses.append(frozenset(s[:_MAX_STRING] for s in run))
        run = {""}

    for op, av in items:
        strings = _spelled_item(op, av)
        if strings is not None:
            longer = _product(run, strings)
            if longer is None:  # too many alternatives: start a new run here
                cut()
                longer = _product(run, strings)
            run = longer if longer is not None else {""}
            continue
        if (op in _REPEATS and av[0] >= 1 and len(av[2]) == 1  # type: ignore[index]
                and av[2][0][0] is sre_c.LITERAL):  # type: ignore[index]
            # At least `low` copies follow the run; what comes after them is not adjacent.
            copies = chr(av[2][0][1]) * min(av[0], _MAX_STRING)  # type: ignore[index]
            run = {s + copies for s in run}
            cut()
            continue
        cut()
        clause = _item(op, av)
        if clause is not None:
            clauses.append(clause)
    cut()
    return clauses


def _cost(clause: Clause) -> int:
    # A one-character string is found by a memchr-like scan, ~20 times faster than a longer one.
    return sum(1 if len(s) == 1 else 20 for s in clause)


def required(pattern: re.Pattern[str]) -> tuple[tuple[str, ...], ...]:
    """Clauses of strings: every match of `pattern` contains one string of each clause.

    Empty when nothing is known (a case-insensitive pattern, one that may match empty text,
    a parse this reading does not cover) and when the pattern starts with a literal: the
    regex engine then scans for that literal itself, as fast as a prefilter would.
    """
    if not isinstance(pattern.pattern, str) or pattern.flags & re.IGNORECASE:
        return ()
    try:
        tree = sre_parse.parse(pattern.pattern, pattern.flags)
        if tree.data and tree.data[0][0] is sre_c.LITERAL:
            return ()
        clauses = _sequence(list(tree.data))
    except (re.error, TypeError, ValueError, IndexError, RecursionError):
        return ()
    # Cheapest checks first; each clause found missing ends the check.
    ordered = sorted(set(clauses), key=lambda c: (_cost(c), -min(map(len, c)), sorted(c)))
    return tuple(tuple(sorted(c, key=lambda s: (len(s), s))) for c in ordered)


class Prefiltered:
    """A compiled pattern whose `search` first checks the strings a match must contain."""

    __slots__ = ("_checks", "pattern")

    def __init__(self, pattern: re.Pattern[str]) -> None:
        self.pattern = pattern
        # Each string with its characters: a missing character rules the string out with a
        # memchr-like scan, ~20 times cheaper than looking for the string itself.
        self._checks = tuple(tuple((s, tuple(dict.fromkeys(s)) if len(s) > 1 else ()) for s in clause)
                             for clause in required(pattern))

    @property
    def clauses(self) -> tuple[tuple[str, ...], ...]:
        """The required strings (see `required`)."""
        return tuple(tuple(s for s, _ in clause) for clause in self._checks)

    def possible(self, text: str) -> bool:
        """False only when no match can exist in `text` (no string of some clause is in it)."""
        has = text.__contains__
        for clause in self._checks:
            for s, chars in clause:
                if all(map(has, chars)) and s in text:
                    break
            else:
                return False
        return True

    def search(self, text: str) -> re.Match[str] | None:
        """`pattern.search(text)`, skipped when the required strings are not all in `text`."""
        return self.pattern.search(text) if self.possible(text) else None
