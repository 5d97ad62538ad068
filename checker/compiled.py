"""Rules loaded, validated and indexed once per version of their sources, and kept on disk.

Loading the shipped rules means parsing the YAML files, validating them against the JSON
Schema, vetting ~1,400 patterns and indexing their literals: several hundred milliseconds,
more than checking a report takes. The result depends only on the rule files, the packs, the
outline and the code that loads them, so it is stored in the user's cache folder under a
digest of all of those, and a later run loads it in a few milliseconds.

The entry is data, never code: JSON (written with orjson) of the validated rules, the outline
and, per term-bearing rule, its pattern sources and prefilter literals. Loading it checks the
shape and type of every value and rebuilds the term index (the Aho–Corasick automaton) from
it; nothing in it is executed. The entry is opened without following a symbolic link, and
used only when the opened file and its folder belong to this user and nobody else may write
them.

The cache can make a run faster, never different: an entry is found only by the digest of
exactly what it was built from, and any problem with it (missing, corrupt, wrong shape,
unwritable folder, written by another user) means loading from the files as if there were no
cache. Invalid rules are never cached, so their errors are reported on every run.
`FZZF_NO_CACHE=1` turns it off; `FZZF_CACHE_DIR` moves it (default
`$XDG_CACHE_HOME/fzzf-checker`, else `~/.cache/fzzf-checker`).
"""

from __future__ import annotations

import hashlib
import os
import stat
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from checker import __version__
from checker.errors import RuleError
from checker.facts import TermIndex, _Matcher, build_matchers, index_from
from checker.model import Severity
from checker.outline import Chapter, Checkpoint, Item, Outline, PartRequirement
from checker.resources import outline_dir, rules_dir
from checker.ruleset.compile import Grade
from checker.ruleset.load import Rule, RuleSet, load_rules, rule_bytes, rule_files

FORMAT = 5  # bump when what is stored changes shape (1 was a pickle; 2 lost headings and levels; 5 grading)
KEEP = 8  # cache entries kept (one per rule version and pack combination in use)
MAX_ENTRY = 16 * 1024 * 1024  # bytes; the shipped rules take ~0.5 MB
_PACKAGE = Path(__file__).resolve().parent
# The code whose behaviour the cached values embed: a change to any of it is a new digest.
_CODE = ("compiled.py", "facts.py", "model.py", "outline.py", "ruleset/compile.py", "ruleset/load.py",
         "ruleset/patterns.py",
         "ruleset/schema.json")
_UNSAFE = stat.S_IWGRP | stat.S_IWOTH


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
    name = f"rules-{key}.json"
    found = _load(folder, name, key)
    if found is not None:
        return found
    result = build(packs)
    _store(folder, name, key, result)
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

    None when a pack folder is missing or refused: loading from the files reports that properly.
    """
    h = hashlib.sha256(f"{FORMAT}\0{__version__}\0{sys.version_info[:2]}\0".encode())
    try:
        folders = [(rules_dir(), rule_files(rules_dir()))]
        for pack in packs:
            if not pack.is_dir():
                return None
            folders.append((pack, rule_files(pack)))
        outline = outline_dir()
        folders.append((outline, sorted(p for p in outline.rglob("*") if p.is_file())))
        for folder, files in folders:
            # The folder's path too: rules remember the file they came from, for messages.
            h.update(str(folder.resolve()).encode() + b"\0")
            for path in files:
                h.update(str(path.relative_to(folder)).encode() + b"\0" + rule_bytes(path) + b"\0")
        for name in _CODE:
            h.update(name.encode() + b"\0" + (_PACKAGE / name).read_bytes() + b"\0")
    except (OSError, RuleError):
        return None
    return h.hexdigest()[:32]


def _private_folder(fd: int) -> bool:
    """Whether an open folder belongs to this user and nobody else may write in it."""
    st = os.fstat(fd)
    return stat.S_ISDIR(st.st_mode) and st.st_uid == os.getuid() and not st.st_mode & _UNSAFE


def _load(folder: Path, name: str, key: str) -> Compiled | None:
    """The entry `name` in `folder`, or None when it is missing, untrusted or damaged."""
    try:
        dfd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return None
    try:
        # Another user's folder, or one others may write: they could swap entries at will.
        if not _private_folder(dfd):
            return None
        # O_NOFOLLOW: a symbolic link planted under the entry's name is refused, not read through.
        fd = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK, dir_fd=dfd)
    except OSError:
        return None
    finally:
        os.close(dfd)
    try:
        with os.fdopen(fd, "rb") as fh:
            st = os.fstat(fh.fileno())
            if (not stat.S_ISREG(st.st_mode) or st.st_uid != os.getuid() or st.st_mode & _UNSAFE
                    or st.st_size > MAX_ENTRY):
                return None
            raw = fh.read(MAX_ENTRY + 1)
        return decode(orjson.loads(raw), key)
    except (OSError, orjson.JSONDecodeError, _Damaged):
        return None


def _store(folder: Path, name: str, key: str, result: Compiled) -> None:
    """Write the entry atomically (private temp file, then rename); any failure only costs speed."""
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        dfd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        try:
            if not _private_folder(dfd):
                return  # never write where others could read our temp files or swap them
        finally:
            os.close(dfd)
        data = orjson.dumps(encode(result, key))
        fd, tmp = tempfile.mkstemp(prefix=".rules-", suffix=".tmp", dir=folder)  # mode 0600
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.replace(tmp, folder / name)
        except BaseException:
            os.unlink(tmp)
            raise
        entries = sorted(folder.glob("rules-*.json"), key=lambda p: p.lstat().st_mtime, reverse=True)
        for old in entries[KEEP:]:
            old.unlink(missing_ok=True)
        for stale in folder.glob("rules-*.pickle"):  # entries of format 1, never read again
            stale.unlink(missing_ok=True)
    except Exception:  # a read-only home, a full disk: run uncached
        pass


# --- encoding -------------------------------------------------------------------------------


class _Damaged(Exception):
    """A cache entry whose content does not have the shape this code writes."""


def encode(result: Compiled, key: str) -> dict[str, Any]:
    """The compiled rules as plain JSON values."""
    rs = result.ruleset
    return {
        "format": FORMAT,
        "key": key,
        "version": rs.version,
        "rules": [_rule_out(r) for r in rs.rules],
        "grades": [{"status": g.status, "reason": g.reason, "when": g.when, "quote": g.quote} for g in rs.grades],
        "outline": _outline_out(rs.outline),
        "matchers": [
            {"rule": m.rule, "sources": list(m.sources),
             "prefilter": None if m.prefilter is None else [[list(c) for c in pf] for pf in m.prefilter]}
            for m in result.index.matchers
        ],
    }


def decode(data: Any, key: str) -> Compiled:
    """Compiled rules from `encode`'s output, every value checked; raises _Damaged."""
    try:
        d = _obj(data)
        if d["format"] != FORMAT or d["key"] != key:
            raise _Damaged("another format or key")
        outline = _outline_in(_obj(d["outline"]))
        rules = tuple(_rule_in(_obj(r)) for r in _list(d["rules"]))
        grades = tuple(Grade(_str(g["status"]), _str(g["reason"]), _obj(g["when"]), _str(g["quote"]))
                       for g in (_obj(x) for x in _list(d["grades"])))
        ruleset = RuleSet(rules=rules, outline=outline, version=_str(d["version"]), grades=grades)
        ids = {r.id for r in rules}
        matchers = []
        for m in _list(d["matchers"]):
            m = _obj(m)
            terms, context, exclude = _list(m["sources"])
            prefilter = None if m["prefilter"] is None else tuple(
                tuple(tuple(_str(lit) for lit in _list(c)) for c in _list(pf)) for pf in _list(m["prefilter"])
            )
            rule = _str(m["rule"])
            if rule not in ids:
                raise _Damaged(f"matcher of unknown rule {rule!r}")
            matchers.append(_Matcher(rule, _str(terms), _opt_str(context), _opt_str(exclude), prefilter))
        # What the index derives from the rules and the outline (their wording, which rules are
        # checkpoints, heading patterns) is rebuilt, so it can never disagree with them.
        return Compiled(ruleset, index_from(matchers, ruleset))
    except (KeyError, TypeError, ValueError) as exc:  # ValueError: unpacking, Severity(...)
        raise _Damaged(str(exc)) from exc


def _rule_out(r: Rule) -> dict[str, Any]:
    return {
        "id": r.id, "name": r.name, "kind": r.kind, "item": r.item, "requirement": r.requirement,
        "severity": r.severity.value, "weight": r.weight, "title": r.title, "message": r.message,
        "terms": list(r.terms), "context": list(r.context), "exclude": list(r.exclude),
        "where": r.where, "when": r.when, "examples_pass": list(r.examples_pass),
        "examples_fail": list(r.examples_fail), "file": r.file, "disabled": r.disabled,
        "checkpoint": r.checkpoint, "applies_to": list(r.applies_to), "level_weights": r.level_weights,
        "headings": list(r.headings),
        "example_settings": [[k, i, h, y] for (k, i), (h, y) in r.example_settings.items()],
        "needs_figure": list(r.needs_figure) if isinstance(r.needs_figure, tuple) else r.needs_figure,
        "severities": {k: v.value for k, v in r.severities.items()},
        "example_expect": [[k, i, part, exp] for (k, i), (part, exp) in r.example_expect.items()],
    }


def _rule_in(d: dict[str, Any]) -> Rule:
    item = d["item"]
    if item is not None and (not isinstance(item, int) or isinstance(item, bool)):
        raise _Damaged("item")
    when = d["when"]
    return Rule(
        id=_str(d["id"]), name=_str(d["name"]), kind=_str(d["kind"]), item=item,
        requirement=_opt_str(d["requirement"]), severity=Severity(d["severity"]), weight=_num(d["weight"]),
        title=_texts(d["title"]), message=_texts(d["message"]), terms=_strs(d["terms"]),
        context=_strs(d["context"]), exclude=_strs(d["exclude"]), where=_obj(d["where"]),
        when=None if when is None else _obj(when), examples_pass=_strs(d["examples_pass"]),
        examples_fail=_strs(d["examples_fail"]), file=_str(d["file"]), disabled=_bool(d["disabled"]),
        checkpoint=_opt_str(d["checkpoint"]), applies_to=_strs(d["applies_to"]),
        level_weights={_str(k): _num(v) for k, v in _obj(d["level_weights"]).items()},
        headings=_strs(d["headings"]),
        example_settings={(_str(k), _int(i)): (_opt_str(h), None if y is None else _int(y))
                          for k, i, h, y in map(_list, _list(d["example_settings"]))},
        needs_figure=_strs(d["needs_figure"]) if isinstance(d["needs_figure"], list) else _bool(d["needs_figure"]),
        severities={_str(k): Severity(v) for k, v in _obj(d["severities"]).items()},
        example_expect={(_str(k), _int(i)): (_str(part), _opt_str(exp))
                        for k, i, part, exp in map(_list, _list(d["example_expect"]))},
    )


def _outline_out(o: Outline) -> dict[str, Any]:
    return {
        "title": o.title, "number": o.number,
        "chapters": [{"id": c.id, "title": c.title, "items": list(c.items)} for c in o.chapters],
        "items": [{"id": i.id, "chapter": i.chapter, "title": i.title, "text": i.text, "scored": i.scored,
                   "not_applicable_for": list(i.not_applicable_for),
                   "checkpoints": [{"key": c.key, "title": c.title} for c in i.checkpoints]}
                  for i in o.items.values()],
        "parts": [{"id": p.id, "order": p.order, "required": p.required, "title": p.title,
                   "headings": list(p.headings), "heading_terms": list(p.heading_terms),
                   "heading_unless": list(p.heading_unless)} for p in o.parts.values()],
        "deadline": list(o.deadline), "publication_rule": o.publication_rule, "levels": o.levels,
        "level_suffixes": {k: list(v) for k, v in o.level_suffixes.items()},
        "level_names": {k: list(v) for k, v in o.level_names.items()},
    }


def _outline_in(d: dict[str, Any]) -> Outline:
    items = {}
    for raw in _list(d["items"]):
        i = _obj(raw)
        items[_int(i["id"])] = Item(
            id=_int(i["id"]), chapter=_int(i["chapter"]), title=_texts(i["title"]), text=_texts(i["text"]),
            scored=_bool(i["scored"]), not_applicable_for=_strs(i["not_applicable_for"]),
            checkpoints=tuple(Checkpoint(_str(_obj(c)["key"]), _texts(c["title"])) for c in _list(i["checkpoints"])),
        )
    parts = {}
    for raw in _list(d["parts"]):
        p = _obj(raw)
        parts[_str(p["id"])] = PartRequirement(id=_str(p["id"]), order=_int(p["order"]),
                                               required=_bool(p["required"]), title=_texts(p["title"]),
                                               headings=_strs(p["headings"]),
                                               heading_terms=_strs(p["heading_terms"]),
                                               heading_unless=_strs(p["heading_unless"]))
    month, day = _list(d["deadline"])
    return Outline(
        title=_texts(d["title"]), number=_str(d["number"]),
        chapters=tuple(Chapter(_int(_obj(c)["id"]), _texts(c["title"]), tuple(_int(x) for x in _list(c["items"])))
                       for c in _list(d["chapters"])),
        items=items, parts=parts, deadline=(_int(month), _int(day)),
        publication_rule=_texts(d["publication_rule"]),
        levels={_str(k): _texts(v) for k, v in _obj(d["levels"]).items()},
        level_suffixes={_str(k): _strs(v) for k, v in _obj(d["level_suffixes"]).items()},
        level_names={_str(k): _strs(v) for k, v in _obj(d["level_names"]).items()},
    )


def _obj(v: Any) -> dict[str, Any]:
    if not isinstance(v, dict):
        raise _Damaged("object expected")
    return v


def _list(v: Any) -> list[Any]:
    if not isinstance(v, list):
        raise _Damaged("array expected")
    return v


def _str(v: Any) -> str:
    if not isinstance(v, str):
        raise _Damaged("string expected")
    return v


def _opt_str(v: Any) -> str | None:
    return None if v is None else _str(v)


def _strs(v: Any) -> tuple[str, ...]:
    return tuple(_str(x) for x in _list(v))


def _texts(v: Any) -> dict[str, str]:
    return {_str(k): _str(x) for k, x in _obj(v).items()}


def _bool(v: Any) -> bool:
    if not isinstance(v, bool):
        raise _Damaged("boolean expected")
    return v


def _int(v: Any) -> int:
    if not isinstance(v, int) or isinstance(v, bool):
        raise _Damaged("integer expected")
    return v


def _num(v: Any) -> float:
    if not isinstance(v, (int, float)) or isinstance(v, bool):
        raise _Damaged("number expected")
    return float(v)
