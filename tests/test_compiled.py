"""The compiled-rules cache: faster, never different, never trusted blindly."""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

import orjson
import pytest
from conftest import ROOT, SAMPLES

from checker import compiled as compiled_mod
from checker.api import Checker
from checker.compiled import build, compiled
from checker.errors import RuleError

PACK = ROOT / "rules" / "packs" / "guangdong"


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("FZZF_CACHE_DIR", str(folder))
    monkeypatch.delenv("FZZF_NO_CACHE", raising=False)
    return folder


def _entries(folder: Path) -> list[Path]:
    return sorted(folder.glob("rules-*.json")) if folder.exists() else []


def test_second_load_comes_from_the_cache_and_checks_the_same(cache_dir: Path) -> None:
    first = compiled()
    [entry] = _entries(cache_dir)
    assert entry.stat().st_mode & 0o077 == 0  # private to the user
    second = compiled()
    assert second is not first and second.ruleset.version == first.ruleset.version
    assert [r.id for r in second.ruleset.rules] == [r.id for r in first.ruleset.rules]
    fresh = build()
    path = SAMPLES / "yunxi-county-2024.txt"
    a = Checker(rules=second).check_path(path)
    b = Checker(rules=fresh).check_path(path)
    assert a.score == b.score
    assert [(i.id, i.status) for i in a.items] == [(i.id, i.status) for i in b.items]


@pytest.mark.parametrize("packs", [[], [PACK]], ids=["shipped", "guangdong"])
def test_the_cache_gives_back_every_field_of_every_rule_and_the_outline(cache_dir: Path, packs: list[Path]) -> None:
    # A field left out of the stored form (a rule's `headings`, its example settings, the
    # outline's level suffixes …) made the second run of the same rules judge differently.
    fresh = build(packs)
    compiled(packs)
    again = compiled(packs)
    assert again is not fresh
    assert again.ruleset.outline == fresh.ruleset.outline
    assert again.ruleset.rules == fresh.ruleset.rules
    # … and the term index: the outline's wording (restates_outline), checkpoints, heading patterns.
    assert again.index.wording is not None and fresh.index.wording is not None
    assert again.index.checkpoints == fresh.index.checkpoints and again.index.headings == fresh.index.headings
    assert again.index.headings  # the shipped rules have `match.headings`
    path = ROOT / "tests" / "fixtures" / "judgement" / "jade-town-2023.txt"  # a report where it showed
    a, b = (Checker(rules=c).check_path(path) for c in (again, fresh))
    assert [(i.id, i.status) for i in a.items] == [(i.id, i.status) for i in b.items] and a.score == b.score


def test_the_entry_is_json_data_not_code(cache_dir: Path) -> None:
    first = compiled()
    [entry] = _entries(cache_dir)
    data = orjson.loads(entry.read_bytes())
    assert data["version"] == first.ruleset.version
    assert len(data["rules"]) == len(first.ruleset.rules)
    assert compiled().index.literals == first.index.literals  # the automaton is rebuilt on load


@pytest.mark.parametrize(
    "damage",
    [
        lambda raw: b"not json at all",
        lambda raw: raw[: len(raw) // 2],
        lambda raw: b"[]",
        lambda raw: raw.replace(b'"severity":"required"', b'"severity":"urgent"', 1),
        lambda raw: raw.replace(b'"weight":', b'"weight":"heavy","x":', 1),
        lambda raw: raw.replace(b'"terms":[', b'"terms":[1,', 1),
        lambda raw: orjson.dumps({**orjson.loads(raw), "matchers": [{"rule": "nope"}]}),
        lambda raw: orjson.dumps({k: v for k, v in orjson.loads(raw).items() if k != "outline"}),
    ],
    ids=["garbage", "truncated", "wrong-type", "bad-enum", "bad-number", "bad-pattern-list", "bad-matcher",
         "missing-field"],
)
def test_a_damaged_entry_is_rebuilt(cache_dir: Path, damage) -> None:
    good = compiled()
    [entry] = _entries(cache_dir)
    entry.write_bytes(damage(entry.read_bytes()))
    again = compiled()  # never a traceback: the files are loaded again
    assert again.ruleset.version == good.ruleset.version
    assert [r.id for r in again.ruleset.rules] == [r.id for r in good.ruleset.rules]
    assert orjson.loads(entry.read_bytes())["version"] == good.ruleset.version  # and the entry rewritten


def _forge(entry: Path) -> bytes:
    data = orjson.loads(entry.read_bytes())
    data["version"] = "forged"
    return orjson.dumps(data)


def test_an_entry_others_can_write_is_not_trusted(cache_dir: Path) -> None:
    compiled()
    [entry] = _entries(cache_dir)
    entry.write_bytes(_forge(entry))
    os.chmod(entry, 0o666)
    assert compiled().ruleset.version != "forged"


def test_a_symlink_planted_under_the_entry_name_is_not_followed(cache_dir: Path, tmp_path: Path) -> None:
    """The issue's attack: a link named like the entry, to a file the victim owns with chosen bytes."""
    compiled()
    [entry] = _entries(cache_dir)
    victim_file = tmp_path / "victim-owned.json"
    victim_file.write_bytes(_forge(entry))
    os.chmod(victim_file, 0o600)  # owned by this user, private: only the link makes it an entry
    entry.unlink()
    entry.symlink_to(victim_file)
    assert compiled().ruleset.version != "forged"


@pytest.mark.parametrize("bits", [stat.S_IWGRP, stat.S_IWOTH, stat.S_IWOTH | stat.S_ISVTX])
def test_a_cache_folder_others_can_write_is_not_used(cache_dir: Path, bits: int) -> None:
    compiled()
    [entry] = _entries(cache_dir)
    entry.write_bytes(_forge(entry))
    os.chmod(cache_dir, 0o700 | bits)
    try:
        assert compiled().ruleset.version != "forged"  # not read…
        assert orjson.loads(entry.read_bytes())["version"] == "forged"  # …and not written either
    finally:
        os.chmod(cache_dir, 0o700)


def test_an_entry_that_is_not_a_regular_file_is_ignored(cache_dir: Path) -> None:
    compiled()
    [entry] = _entries(cache_dir)
    entry.unlink()
    os.mkfifo(entry)  # opening a FIFO for reading would block without O_NONBLOCK
    assert compiled().ruleset.rules


def test_a_changed_pack_is_a_new_entry(cache_dir: Path, tmp_path: Path) -> None:
    pack = tmp_path / "pack"
    shutil.copytree(PACK, pack)
    before = compiled([pack])
    files = sorted(pack.rglob("*.yaml"))
    files[0].write_text(files[0].read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    after = compiled([pack])
    assert len(_entries(cache_dir)) == 2
    assert after.ruleset.version != before.ruleset.version


def test_invalid_rules_are_never_cached(cache_dir: Path, tmp_path: Path) -> None:
    pack = tmp_path / "bad"
    pack.mkdir()
    (pack / "x.yaml").write_text("rules:\n  - id: X1\n", encoding="utf-8")
    for _ in range(2):
        with pytest.raises(RuleError):
            compiled([pack])
    assert _entries(cache_dir) == []


def test_cache_can_be_turned_off(cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FZZF_NO_CACHE", "1")
    assert compiled_mod.cache_dir() is None
    compiled()
    assert _entries(cache_dir) == []


def test_an_unwritable_cache_folder_only_costs_speed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    monkeypatch.setenv("FZZF_CACHE_DIR", str(blocker / "cache"))  # a folder under a file
    assert compiled().ruleset.rules


@pytest.mark.skipif(not hasattr(os, "getuid") or os.getuid() != 0, reason="needs root to give the folder away")
def test_a_cache_folder_of_another_user_is_not_used(cache_dir: Path) -> None:
    compiled()
    [entry] = _entries(cache_dir)
    entry.write_bytes(_forge(entry))
    os.chown(cache_dir, 65534, -1)
    try:
        assert compiled().ruleset.version != "forged"
    finally:
        os.chown(cache_dir, 0, -1)


def test_cache_entry_round_trips_every_field() -> None:
    """What the cache stores decodes to the very rules, outline and index built from the files.

    A field added to Rule, the outline or the term index and forgotten by the encoder would make
    a cached run judge differently from a fresh one (heading context was lost that way once).
    """
    from checker.compiled import build, decode, encode

    fresh = build()
    back = decode(orjson.loads(orjson.dumps(encode(fresh, "k"))), "k")
    assert back.ruleset.rules == fresh.ruleset.rules
    assert back.ruleset.outline == fresh.ruleset.outline
    got, want = back.index, fresh.index
    assert [(m.rule, m.sources, m.prefilter) for m in got.matchers] == [
        (m.rule, m.sources, m.prefilter) for m in want.matchers]
    assert got.headings == want.headings and got.checkpoints == want.checkpoints
    assert got.wording.items == want.wording.items
