"""Rules loaded, validated and indexed once per version of their sources, and kept on disk.

Loading the shipped rules means parsing the YAML files, validating them against the JSON
Schema, vetting ~1,400 patterns and indexing their literals: several hundred milliseconds,
more than checking a report takes. The result depends only on the rule files, the packs, the
outline and the code that loads them, so it is pickled in the user's cache folder under a
digest of all of those, and a later run loads it in a few milliseconds.

The cache can make a run faster, never different: an entry is found only by the digest of
exactly what it was built from, and any problem with it (missing, corrupt, unwritable folder,
written by another user) means loading from the files as if there were no cache. Invalid rules
are never cached, so their errors are reported on every run. `FZZF_NO_CACHE=1` turns it off;
`FZZF_CACHE_DIR` moves it (default `$XDG_CACHE_HOME/fzzf-checker`, else `~/.cache/fzzf-checker`).
"""

from __future__ import annotations

import hashlib
import os
import pickle
import stat
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from checker import __version__
from checker.facts import TermIndex, build_matchers
from checker.resources import outline_dir, rules_dir
from checker.ruleset.load import RuleSet, load_rules, rule_files

FORMAT = 1  # bump when what is pickled changes shape
KEEP = 8  # cache entries kept (one per rule version and pack combination in use)
_PACKAGE = Path(__file__).resolve().parent
# The code whose behaviour the cached objects embed: a change to any of it is a new digest.
_CODE = ("compiled.py", "facts.py", "model.py", "outline.py", "ruleset/load.py", "ruleset/patterns.py",
         "ruleset/schema.json")


@dataclass(frozen=True, slots=True)
class Compiled:
    """A validated rule set and the term index built from it."""

    ruleset: RuleSet
    index: TermIndex


def build(packs: list[Path] | tuple[Path, ...] = ()) -> Compiled:
    """Load and index the rules from their files (no cache)."""
    ruleset = load_rules(packs=list(packs))
    return Compiled(ruleset, build_matchers(ruleset.rules))


def compiled(packs: list[Path] | tuple[Path, ...] = ()) -> Compiled:
    """The shipped rules plus `packs`, from the cache when it holds this exact version."""
    folder = cache_dir()
    key = _digest(list(packs)) if folder else None
    if folder is None or key is None:
        return build(packs)
    path = folder / f"rules-{key}.pickle"
    found = _load(path)
    if found is not None:
        return found
    result = build(packs)
    _store(folder, path, result)
    return result


def cache_dir() -> Path | None:
    """Where compiled rules are kept, or None when caching is off."""
    if os.environ.get("FZZF_NO_CACHE", "").strip() not in ("", "0"):
        return None
    explicit = os.environ.get("FZZF_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    if base.startswith("~"):  # no home directory to expand to
        return None
    return Path(base) / "fzzf-checker"


def _digest(packs: list[Path]) -> str | None:
    """Digest of everything the compiled rules depend on.

    None when a pack folder is missing: loading from the files reports that properly.
    """
    h = hashlib.sha256(f"{FORMAT}\0{__version__}\0{sys.version_info[:2]}\0".encode())
    folders = [(rules_dir(), rule_files(rules_dir()))]
    for pack in packs:
        if not pack.is_dir():
            return None
        folders.append((pack, rule_files(pack)))
    outline = outline_dir()
    folders.append((outline, sorted(p for p in outline.rglob("*") if p.is_file())))
    try:
        for folder, files in folders:
            # The folder's path too: rules remember the file they came from, for messages.
            h.update(str(folder.resolve()).encode() + b"\0")
            for path in files:
                h.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes() + b"\0")
        for name in _CODE:
            h.update(name.encode() + b"\0" + (_PACKAGE / name).read_bytes() + b"\0")
    except OSError:
        return None
    return h.hexdigest()[:32]


def _load(path: Path) -> Compiled | None:
    try:
        with open(path, "rb") as fh:
            st = os.fstat(fh.fileno())
            # Only an entry this user wrote and nobody else can change: unpickling runs code.
            if st.st_uid != os.getuid() or st.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
                return None
            found = pickle.load(fh)
    except Exception:  # missing, truncated, from an incompatible build: rebuild
        return None
    return found if isinstance(found, Compiled) else None


def _store(folder: Path, path: Path, result: Compiled) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, tmp = tempfile.mkstemp(prefix=".rules-", suffix=".tmp", dir=folder)  # mode 0600
        try:
            with os.fdopen(fd, "wb") as fh:
                pickle.dump(result, fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)
        except BaseException:
            os.unlink(tmp)
            raise
        entries = sorted(folder.glob("rules-*.pickle"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in entries[KEEP:]:
            old.unlink(missing_ok=True)
    except Exception:  # a read-only home, a full disk: run uncached
        pass
