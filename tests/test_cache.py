"""The audit's result cache: complete entries only, and never a reason for a run to fail."""

from __future__ import annotations

import multiprocessing as mp
from pathlib import Path

from checker.batch.cache import Cache

ENTRY = {"ok": True, "source": "a.txt", "report": {"score": 61.5, "chapters": {1: 50.0}}, "sentences": [2**64 - 1]}


def test_entries_survive_the_process_and_the_salt_separates_runs(tmp_path: Path) -> None:
    Cache(tmp_path, "run-a").put("d1", "txt", ENTRY)
    again = Cache(tmp_path, "run-a")
    assert again.get("d1", "txt") == {**ENTRY, "report": {"score": 61.5, "chapters": {"1": 50.0}}}
    assert again.get("d2", "txt") is None
    assert again.get("d1", "html") is None  # the same bytes read by another reader
    assert Cache(tmp_path, "run-b").get("d1", "txt") is None  # other rules or overrides


def test_a_damaged_database_is_set_aside(tmp_path: Path) -> None:
    (tmp_path / "entries.sqlite").write_bytes(b"this is not a database" * 100)
    cache = Cache(tmp_path, "s")
    assert cache.get("d1", "txt") is None
    assert cache.put("d1", "txt", ENTRY)
    assert cache.get("d1", "txt") is not None
    assert list(tmp_path.glob("entries.damaged-*.sqlite"))


def test_an_unwritable_cache_only_costs_speed(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    cache = Cache(blocker / "cache", "s")  # a folder under a file cannot exist
    assert cache.put("d1", "txt", ENTRY) is False
    assert cache.get("d1", "txt") is None


def _put_many(folder: str, start: int) -> None:
    cache = Cache(Path(folder), "s")
    for i in range(start, start + 50):
        assert cache.put(f"d{i}", "txt", {**ENTRY, "source": f"{i}.txt"})


def test_workers_write_concurrently(tmp_path: Path) -> None:
    ctx = mp.get_context("fork")
    procs = [ctx.Process(target=_put_many, args=(str(tmp_path), k * 50)) for k in range(4)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    cache = Cache(tmp_path, "s")
    assert all(cache.get(f"d{i}", "txt")["source"] == f"{i}.txt" for i in range(200))


def _put_and_vanish(folder: str) -> None:
    import os

    Cache(Path(folder), "s").put("d1", "txt", ENTRY)
    os._exit(0)  # as a pool worker ends: its connection is never closed


def test_tidy_leaves_one_file(tmp_path: Path) -> None:
    proc = mp.get_context("fork").Process(target=_put_and_vanish, args=(str(tmp_path),))
    proc.start()
    proc.join(60)
    assert "entries.sqlite-wal" in {p.name for p in tmp_path.iterdir()}
    Cache(tmp_path, "s").tidy()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["entries.sqlite"]
    assert Cache(tmp_path, "s").get("d1", "txt") is not None


def test_entries_written_after_opening_are_trusted_and_older_ones_checked(tmp_path: Path) -> None:
    """`trust_new`: what this run's workers wrote skips `usable`; what was there before does not."""
    seen: list[object] = []

    def usable(entry: object) -> bool:
        seen.append(entry)
        return isinstance(entry, dict) and entry.get("source") != "bad.txt"

    Cache(tmp_path, "s").put("old", "txt", {**ENTRY, "source": "bad.txt"})
    cache = Cache(tmp_path, "s", usable, trust_new=True)
    assert cache.put("new", "txt", {**ENTRY, "source": "bad.txt"})
    assert cache.get("new", "txt") is not None and seen == []  # written by this run: taken as it is
    assert cache.get("new", "txt", check=True) is None and cache.damaged == 1  # unless asked to check
    assert cache.get("old", "txt") is None and cache.damaged == 2  # older: checked, dropped
    assert Cache(tmp_path, "s").get("old", "txt") is None  # and deleted


def test_checkpoints_are_four_string_arrays_and_other_layouts_are_not_usable() -> None:
    """FORMAT 4 stores each checkpoint as [rule, severity, status, reason]; anything else is damaged."""
    import copy

    import orjson

    from checker.api import Checker
    from checker.batch.record import entry_for, usable
    from checker.compiled import compiled

    rules = compiled()
    sample = Path(__file__).parent.parent / "samples" / "yunxi-county-2024.txt"
    good = entry_for(Checker(rules=rules).check_path(sample), rules.ruleset, "d")
    good = orjson.loads(orjson.dumps(good))  # as read back from the cache
    assert usable(good)
    item = next(i for i in good["report"]["items"] if i["checkpoints"])
    rule, severity, status, reason = item["checkpoints"][0]
    for bad in ({"rule": rule, "severity": severity, "status": status, "reason": reason},  # the FORMAT 3 layout
                [rule, severity, status], [rule, severity, status, reason, ""], [rule, severity, None, reason]):
        damaged = copy.deepcopy(good)
        next(i for i in damaged["report"]["items"] if i["id"] == item["id"])["checkpoints"][0] = bad
        assert not usable(damaged)
