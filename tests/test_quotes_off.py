"""check_document(quotes=False), as the audit checks: the same result, without verdict quotes."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from checker.api import Checker
from checker.batch.record import entry_for
from checker.compiled import compiled

SAMPLES = Path(__file__).resolve().parent.parent / "samples"


def test_quotes_off_changes_nothing_but_the_quotes() -> None:
    rules = compiled()
    checker = Checker(rules=rules)
    paths = sorted(p for p in SAMPLES.iterdir() if p.suffix in (".txt", ".html"))
    assert paths
    for path in paths:
        full = checker.check_path(path)
        bare = checker.check_path(path, quotes=False)
        assert any(it.evidence for it in full.items)  # the samples do quote
        unquoted = tuple(replace(it, evidence=(), checkpoints=tuple(replace(c, evidence=()) for c in it.checkpoints))
                         for it in full.items)
        assert bare.items == unquoted
        assert replace(bare, items=full.items) == full
        assert entry_for(bare, rules.ruleset, "d") == entry_for(full, rules.ruleset, "d")
