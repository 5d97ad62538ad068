"""The compiled-rules cache: faster, never different, never trusted blindly."""

from __future__ import annotations

import dataclasses
import os
import pickle
import shutil
from pathlib import Path

import pytest
from conftest import ROOT, SAMPLES

from checker import compiled as compiled_mod
from checker.api import Checker
from checker.compiled import Compiled, build, compiled
from checker.errors import RuleError

PACK = ROOT / "rules" / "packs" / "guangdong"


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("FZZF_CACHE_DIR", str(folder))
    monkeypatch.delenv("FZZF_NO_CACHE", raising=False)
    return folder


def _entries(folder: Path) -> list[Path]:
    return sorted(folder.glob("rules-*.pickle")) if folder.exists() else []


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


def test_a_corrupt_entry_is_rebuilt(cache_dir: Path) -> None:
    compiled()
    [entry] = _entries(cache_dir)
    entry.write_bytes(b"not a pickle")
    again = compiled()
    assert again.ruleset.rules
    assert pickle.loads(entry.read_bytes()).ruleset.version == again.ruleset.version


def test_an_entry_others_can_write_is_not_trusted(cache_dir: Path) -> None:
    real = compiled()
    [entry] = _entries(cache_dir)
    forged = Compiled(dataclasses.replace(real.ruleset, version="forged"), real.index)
    entry.write_bytes(pickle.dumps(forged))
    os.chmod(entry, 0o666)
    assert compiled().ruleset.version != "forged"


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
