"""Patterns rewritten for speed match exactly as the forms they replaced (random texts).

`[X][X]*` for `[X]+` and a look-behind moved after the literal it is about let the regex
engine scan in C; the matches must not change (a larger run of the same check: 40,000 texts).
"""

from __future__ import annotations

import random
import re

from checker import quality
from checker.batch import record

OLD_SPLIT = re.compile(r"[。！？；!?;\n]+")
OLD_NOISE = re.compile(f"[{re.escape(record.SPACES_BUT_NEWLINE)}{record._PUNCT}]+")
OLD_YEAR = re.compile(r"(?<![\d\-—–至到])(20\d\d)\s*年(?!\s*[-—–至到])")
ALPHABET = [*record.SPACES_BUT_NEWLINE, *record._PUNCT, *"。！？；!?;\n0123456789２０年年-—–至到~法治政府\u3000 \t",
            "20", "2023", "2023年", "至2024年", " 年"]


def _texts(n: int) -> list[str]:
    rng = random.Random(12)
    return ["".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 60))) for _ in range(n)]


def test_fingerprint_patterns_match_as_before() -> None:
    for s in _texts(3000):
        assert record._NOISE_KEEP_LINES.sub("", s) == OLD_NOISE.sub("", s)
        assert record._SPLIT.split(s) == OLD_SPLIT.split(s)


def test_year_pattern_matches_as_before() -> None:
    rng = random.Random(7)
    for s in _texts(3000):
        a = rng.randint(0, len(s))
        b = rng.randint(a, len(s))
        for args in ((s,), (s, a, b)):
            old = [(m.span(), m.span(1)) for m in OLD_YEAR.finditer(*args)]
            assert [(m.span(), m.span(1)) for m in quality.YEAR.finditer(*args)] == old
