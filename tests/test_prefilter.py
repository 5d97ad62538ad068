"""The search prefilter never changes a search's answer: it only skips searches that cannot match."""

from __future__ import annotations

import random
import re
import re._constants as c
import re._parser as sre_parse

import pytest
import yaml
from conftest import ROOT, SAMPLES

from checker.prefilter import Prefiltered, required


def _outline_patterns() -> list[str]:
    data = yaml.safe_load((ROOT / "outline" / "lookalikes.yaml").read_text(encoding="utf-8"))
    return [p for k in data["kinds"] for field in ("title", "body", "decisive") for p in k.get(field) or ()]


EXTRA = [
    r"(^|[、.．\s])报告名称([。．.:：\s]|$)",
    r"a{20}b|c(?:de){2}f",
    r"x(?=y)z?",
    r"[^a]bc",
    r"(?i)abc",
    r"(?i:ab)cd",
    r"(ab)\1",
    r"(?:ab|)cd",
    r"a*b+c{0,2}d",
    r"(a)?(?(1)b|c)d",
    r"\d+年",
    r"[一-十]是",
    r"(?>ab|cd)e",
    r"a++b",
]


def _sample(items: list, rng: random.Random, alphabet: str) -> str:
    """A string the parsed items (likely) match: a random walk of the parse tree."""
    out = []
    for op, av in items:
        if op is c.LITERAL:
            out.append(chr(av))
        elif op in (c.NOT_LITERAL, c.ANY):
            out.append(rng.choice(alphabet))
        elif op is c.IN:
            choices = [chr(a) for o, a in av if o is c.LITERAL]
            choices += [chr(rng.randint(*a)) for o, a in av if o is c.RANGE]
            choices += ["7" for o, a in av if a is c.CATEGORY_DIGIT]
            neg = any(o is c.NEGATE for o, _ in av)
            out.append(rng.choice(alphabet) if neg or not choices else rng.choice(choices))
        elif op is c.SUBPATTERN:
            out.append(_sample(av[3], rng, alphabet))
        elif op is c.ASSERT and av[0] == 1:  # a look-ahead's text, spelled out where it looks
            out.append(_sample(av[1], rng, alphabet))
        elif op is c.ATOMIC_GROUP:
            out.append(_sample(av, rng, alphabet))
        elif op is c.BRANCH:
            out.append(_sample(rng.choice(av[1]), rng, alphabet))
        elif op is c.GROUPREF_EXISTS:
            out.append(_sample(rng.choice([b for b in av[1:] if b is not None]).data, rng, alphabet))
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT):
            low, high, body = av
            out.extend(_sample(body, rng, alphabet) for _ in range(rng.randint(low, min(high, low + 3))))
    return "".join(out)


@pytest.mark.parametrize("pattern", _outline_patterns() + EXTRA)
def test_a_skipped_search_would_have_failed(pattern: str) -> None:
    """Texts around strings the pattern matches, and the same with a character cut out: `search`
    answers as the pattern does (a skipped search is one that had to fail)."""
    compiled = re.compile(pattern)
    pre = Prefiltered(compiled)
    alphabet = "".join(sorted({ch for ch in pattern if not ch.isspace()} | set("年报告 \n，。xX_×")))
    rng = random.Random(pattern)
    tree = sre_parse.parse(pattern, compiled.flags)
    matched = 0
    for _ in range(300):
        noise = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 8)))
        text = noise + _sample(tree.data, rng, alphabet) + noise[::-1]
        cut = rng.randrange(len(text) + 1)
        for piece in (text, text[:cut] + text[cut + 1:]):
            found = compiled.search(piece)
            matched += found is not None
            assert bool(pre.search(piece)) == bool(found), piece
    assert matched  # (the walk does produce matches)


def test_real_reports_get_the_same_answers() -> None:
    texts = [p.read_text(encoding="utf-8", errors="replace") for p in sorted(SAMPLES.glob("*.txt"))][:20]
    for pattern in _outline_patterns():
        compiled = re.compile(pattern)
        pre = Prefiltered(compiled)
        for text in texts:
            for piece in (text, text[:300], text[-300:]):
                m, n = compiled.search(piece), pre.search(piece)
                assert (m and m.span()) == (n and n.span())


def test_what_a_match_needs() -> None:
    assert required(re.compile(r"(^|[、.．\s])报告(内容|形式)([。．.:：\s]|$)")) == (("报告内容", "报告形式"),)
    assert required(re.compile(r"[\u4e00-\u9fff](_{2,}|＿{2,})[\u4e00-\u9fff]")) == (("__", "＿＿"),)
    assert ("a" * 16,) in required(re.compile(r"(?:b|d)(a{20})c"))  # cut to 16 characters
    # Nothing is known: a literal start (the engine scans for it itself), case folding, an
    # optional part only, a branch that needs nothing.
    for pattern in (r"依申请公开", r"(?i)xx件", r"(报告)?", r"(^|a)b?"):
        assert required(re.compile(pattern)) == ()
