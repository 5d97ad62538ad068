"""Load rule files strictly: JSON Schema first, then meaning; any problem stops the run.

A problem is reported as `file: rule id: field: what is wrong` (RuleError), never logged and
skipped: a rule that silently does not run is worse than a run that does not start.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
from dataclasses import dataclass, field, replace
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from checker.errors import RuleError
from checker.model import Severity
from checker.outline import Outline, load_outline
from checker.resources import rules_dir
from checker.ruleset.compile import CHECKPOINT_FIELDS, FACT_FIELDS, OPERATORS, Grade
from checker.ruleset.patterns import refusal

# Bounds on what a rule folder may hold, so a pack cannot exhaust memory or walk the disk.
MAX_FILE_BYTES = 1024 * 1024  # one rule file; the largest shipped one is ~60 KB
MAX_YAML_NODES = 200_000  # nodes of one file after alias expansion; the shipped files have < 20,000
MAX_YAML_DEPTH = 40  # nesting of mappings and lists; rules need < 10
MAX_ENTRIES = 5_000  # files and folders looked at under one rule folder
# Rule ids, matched whole: `$` in a Python pattern also matches before a final newline.
RULE_ID = re.compile(r"C(0[1-9]|[12][0-9]|3[0-5])\.[0-9]{2}|[STPQ]\.[a-z0-9_-]+")


@dataclass(frozen=True, slots=True)
class Rule:
    """One rule as loaded from YAML (see docs/rules.md)."""

    id: str
    name: str
    kind: str  # checkpoint | signal | structure | timeliness
    item: int | None
    requirement: str | None
    severity: Severity
    weight: float
    title: dict[str, str]
    message: dict[str, str]
    terms: tuple[str, ...]
    context: tuple[str, ...]
    exclude: tuple[str, ...]
    where: dict[str, Any]
    when: dict[str, Any] | None
    examples_pass: tuple[str, ...]
    examples_fail: tuple[str, ...]
    file: str
    disabled: bool = False
    checkpoint: str | None = None  # outline checkpoint key (ref.checkpoint)
    applies_to: tuple[str, ...] = ()  # levels; empty means every level
    level_weights: dict[str, float] = field(default_factory=dict)
    # match.headings: a sentence whose section heading matches one satisfies `context`.
    headings: tuple[str, ...] = ()
    # Examples given with a setting: ("pass" | "fail", index) -> (the sub-heading the sentence
    # stands under, the report year).
    example_settings: dict[tuple[str, int], tuple[str | None, int | None]] = field(default_factory=dict)
    # Grading per checkpoint and level (docs/rules.md, "Grading"): evidence without a figure
    # is missing (True: every level; else the levels), and the severity by level.
    needs_figure: bool | tuple[str, ...] = False
    severities: dict[str, Severity] = field(default_factory=dict)
    # Examples that state the part they stand in and the status they must give:
    # ("pass" | "fail", index) -> (part, expected status).
    example_expect: dict[tuple[str, int], tuple[str, str | None]] = field(default_factory=dict)

    def example_setting(self, key: str, index: int) -> tuple[str | None, int | None]:
        """(heading, year) of the index-th `key` example; (None, None) for a plain sentence."""
        return self.example_settings.get((key, index), (None, None))

    def example_part(self, key: str, index: int) -> tuple[str, str | None]:
        """(part, expected status or None) of the index-th `key` example; default measures."""
        return self.example_expect.get((key, index), ("measures", None))

    def severity_for(self, level: str | None) -> Severity:
        """The rule's severity for a body of `level` (`severities`, else `severity`)."""
        return self.severities.get(level, self.severity) if level else self.severity

    def applies(self, level: str | None) -> bool:
        """Whether the rule applies to a body of `level` (unknown level: yes)."""
        return not self.applies_to or level is None or level in self.applies_to

    def weight_for(self, level: str | None) -> float:
        """The rule's weight for a body of `level`."""
        return self.level_weights.get(level, self.weight) if level else self.weight

    def text(self, field: str, lang: str) -> str:
        """Title or message in the asked language, falling back to Chinese."""
        value: dict[str, str] = getattr(self, field)
        return value.get(lang) or value["zh"]


@dataclass(frozen=True, slots=True)
class RuleSet:
    """All active rules, the outline they refer to, and a version that changes with any rule."""

    rules: tuple[Rule, ...]
    outline: Outline
    version: str
    # The checkpoint grading (rules/grading.yaml, or a pack's `grades`), in order.
    grades: tuple[Grade, ...] = ()
    by_item: dict[int, tuple[Rule, ...]] = field(default_factory=dict, compare=False, repr=False)
    _by_id: dict[str, Rule] = field(default_factory=dict, init=False, compare=False, repr=False)

    def by_id(self) -> dict[str, Rule]:
        """Rules keyed by id: one dict per rule set, shared by every caller (do not change it).

        Scoring, gating, judging and rendering ask for it per report; building it on each call
        cost ~0.05 ms a report.
        """
        return self._by_id

    def checkpoints(self, item: int | None = None) -> list[Rule]:
        """Scored checkpoint rules, optionally of one item."""
        if item is None:
            return [r for r in self.rules if r.kind == "checkpoint"]
        return list(self.by_item.get(item, ()))

    def __post_init__(self) -> None:
        # Computed once per rule set: judging looks checkpoints up per item for every report.
        groups: dict[int, list[Rule]] = {}
        for r in self.rules:
            if r.kind == "checkpoint" and r.item is not None:
                groups.setdefault(r.item, []).append(r)
        object.__setattr__(self, "by_item", {k: tuple(v) for k, v in groups.items()})
        object.__setattr__(self, "_by_id", {r.id: r for r in self.rules})


@cache
def schema() -> dict[str, Any]:
    """The JSON Schema every rule file must satisfy."""
    text = resources.files("checker.ruleset").joinpath("schema.json").read_text(encoding="utf-8")
    return json.loads(text)


def _fail(file: str, rule: str, field: str, problem: str) -> RuleError:
    return RuleError("rules.invalid", file=file, rule=rule, field=field, problem=problem)


def _validate_file(path: Path, data: Any) -> None:
    import jsonschema  # imported here: a run served from the compiled-rules cache never needs it

    validator = jsonschema.Draft202012Validator(schema())
    errors = sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path))
    if not errors:
        return
    err = min(errors, key=lambda e: len(list(e.absolute_path)))
    # Prefer the deepest error inside the first failing rule: it names the actual field.
    path_ = list(err.absolute_path)
    rule_id = "-"
    if len(path_) >= 2 and path_[0] == "rules" and isinstance(path_[1], int):
        rec = data["rules"][path_[1]]
        rule_id = str(rec.get("id", f"#{path_[1] + 1}")) if isinstance(rec, dict) else f"#{path_[1] + 1}"
        deeper = [e for e in errors if list(e.absolute_path)[:2] == path_[:2]]
        err = max(deeper, key=lambda e: len(list(e.absolute_path)))
        path_ = list(err.absolute_path)
    field = ".".join(str(p) for p in path_[2:]) or "(rule)"
    if len(path_) >= 2 and path_[0] == "grades":
        field = ".".join([f"grades[{path_[1]}]", *(str(p) for p in path_[2:])])
    raise _fail(str(path), rule_id, field, _short(err.message))


def _short(message: str) -> str:
    return message if len(message) <= 160 else message[:157] + "..."


def _check_patterns(path: str, rid: str, field: str, patterns: list[str], unsafe_ok: bool) -> None:
    for i, pat in enumerate(patterns):
        try:
            re.compile(pat)
        except re.error as exc:
            raise _fail(path, rid, f"{field}[{i}]", f"invalid regular expression: {exc}") from exc
        if unsafe_ok:
            continue
        # A pattern that can backtrack catastrophically could hang every check: refuse it.
        problem = refusal(pat)
        if problem:
            raise _fail(path, rid, f"{field}[{i}]", problem)


def _check_where(path: str, rid: str, field: str, kind: str, where: dict[str, Any]) -> None:
    allowed = FACT_FIELDS[kind]
    for name, test in where.items():
        if name not in allowed:
            known = ", ".join(sorted(allowed))
            raise _fail(path, rid, f"{field}.{name}", f"unknown field of a {kind} fact (known: {known})")
        if isinstance(test, dict):
            (op,) = test
            if op not in OPERATORS:
                raise _fail(path, rid, f"{field}.{name}.{op}", "unknown operator")


def _build(path: Path, rec: dict[str, Any], outline: Outline, unsafe_ok: bool = False) -> Rule:
    file = str(path)
    rid = rec["id"]
    if not RULE_ID.fullmatch(rid):  # the schema says so too; this does not rely on how it reads `$`
        raise _fail(file, repr(rid), "id", "not a rule id (C<item>.<nn>, S.<name>, T.<name>, P.<name>, Q.<name>)")
    ref = rec["ref"]
    item = ref.get("item")
    requirement = ref.get("requirement")
    kind = rec.get("kind") or ("checkpoint" if item is not None else None)
    if kind is None:
        raise _fail(file, rid, "kind", "a rule that refers to a requirement must say its kind")
    if item is not None:
        if item not in outline.items:
            raise _fail(file, rid, "ref.item", f"outline has no item {item}")
        if not outline.items[item].scored:
            raise _fail(file, rid, "ref.item", f"item {item} is informational and takes no rules")
        if kind != "checkpoint":
            raise _fail(file, rid, "kind", "a rule that refers to an outline item is a checkpoint")
        key = ref.get("checkpoint")
        if key is not None and key not in {c.key for c in outline.items[item].checkpoints}:
            raise _fail(file, rid, "ref.checkpoint", f"item {item} has no checkpoint {key!r} in the outline")
    if requirement is not None and requirement not in outline.requirement_refs:
        raise _fail(file, rid, "ref.requirement", f"unknown requirement {requirement!r}")
    match = rec.get("match") or {}
    if kind in ("checkpoint", "signal") and not match:
        raise _fail(file, rid, "match", f"a {kind} rule needs match.terms")
    if kind in ("structure", "timeliness", "quality") and "when" not in rec:
        raise _fail(file, rid, "when", f"a {kind} rule needs a when condition")
    if kind in ("structure", "timeliness", "quality") and match:
        raise _fail(file, rid, "match", f"a {kind} rule takes no terms; use when")
    for part in ("terms", "context", "exclude", "headings"):
        _check_patterns(file, rid, f"match.{part}", list(match.get(part) or ()), unsafe_ok)
    if match.get("headings") and not match.get("context"):
        raise _fail(file, rid, "match.headings", "headings stand in for context: give match.context too")
    _check_where(file, rid, "where", "hit", rec.get("where") or {})
    when = rec.get("when")
    if when:
        (mode, legs) = next(iter(when.items()))
        for i, leg in enumerate(legs):
            fact = leg.get("absent", leg)
            _check_where(file, rid, f"when.{mode}[{i}].where", fact["fact"], fact.get("where") or {})
    examples = rec.get("examples") or {}
    settings: dict[tuple[str, int], tuple[str | None, int | None]] = {}
    expect: dict[tuple[str, int], tuple[str, str | None]] = {}
    plain: dict[str, list[str]] = {"pass": [], "fail": []}
    for key in plain:
        for ex in examples.get(key) or ():
            if isinstance(ex, dict):
                n = len(plain[key])
                settings[(key, n)] = (ex.get("heading"), ex.get("year"))
                if "part" in ex or "expect" in ex:
                    if kind != "checkpoint" and "expect" in ex:
                        raise _fail(file, rid, f"examples.{key}[{n}].expect", "only a checkpoint has a status")
                    good = ex.get("expect") in (None, "met", "partial")
                    if "expect" in ex and good != (key == "pass"):
                        raise _fail(file, rid, f"examples.{key}[{n}].expect",
                                    "a pass example gives met or partial, a fail example planned or missing")
                    expect[(key, n)] = (ex.get("part", "measures"), ex.get("expect"))
                plain[key].append(ex["text"])
            else:
                plain[key].append(ex)
    return Rule(
        id=rid,
        name=rec["name"],
        kind=kind,
        item=item,
        requirement=requirement,
        severity=Severity(rec["severity"]),
        weight=float(rec["weight"]),
        title=dict(rec["title"]),
        message=dict(rec["message"]),
        terms=tuple(match.get("terms") or ()),
        context=tuple(match.get("context") or ()),
        exclude=tuple(match.get("exclude") or ()),
        where=dict(rec.get("where") or {}),
        when=when,
        examples_pass=tuple(plain["pass"]),
        examples_fail=tuple(plain["fail"]),
        file=file,
        disabled=bool(rec.get("disabled", False)),
        checkpoint=ref.get("checkpoint"),
        applies_to=tuple(rec.get("applies_to") or ()),
        level_weights={k: float(v) for k, v in (rec.get("weights") or {}).items()},
        headings=tuple(match.get("headings") or ()),
        example_settings=settings,
        needs_figure=_needs_figure(rec.get("needs_figure", False)),
        severities={k: Severity(v) for k, v in (rec.get("severities") or {}).items()},
        example_expect=expect,
    )


def _needs_figure(value: bool | list[str]) -> bool | tuple[str, ...]:
    return tuple(value) if isinstance(value, list) else bool(value)


def _grades(path: Path, recs: list[dict[str, Any]]) -> tuple[Grade, ...]:
    """A file's `grades`, checked.

    Known fields and operators, known reasons, and one unconditional grade, the last: every
    checkpoint then gets a grade, and no grade is unreachable.
    """
    from checker.i18n import MESSAGES

    out = []
    for i, rec in enumerate(recs):
        where = f"grades[{i}]"
        when = rec.get("when") or {}
        for name, test in when.items():
            if name not in CHECKPOINT_FIELDS:
                known = ", ".join(sorted(CHECKPOINT_FIELDS))
                raise _fail(str(path), "-", f"{where}.when.{name}",
                            f"unknown field of a checkpoint fact (known: {known})")
            if isinstance(test, dict) and next(iter(test)) not in OPERATORS:
                raise _fail(str(path), "-", f"{where}.when.{name}", "unknown operator")
        if f"reason.{rec['reason']}" not in MESSAGES:
            raise _fail(str(path), "-", f"{where}.reason", f"no message reason.{rec['reason']} (checker/i18n.py)")
        if not when and i != len(recs) - 1:
            raise _fail(str(path), "-", where,
                        "an unconditional grade must be the last: the grades after it never fire")
        out.append(Grade(rec["status"], rec["reason"], dict(when), rec.get("quote", "hits")))
    if out[-1].when:
        raise _fail(str(path), "-", f"grades[{len(recs) - 1}]",
                    "the last grade must have no `when`: every checkpoint needs a grade")
    return tuple(out)


def rule_files(folder: Path) -> list[Path]:
    """Rule files in a folder, recursively, in a stable order (packs/ excluded).

    The walk stays inside the folder: links inside it are not followed into other folders, a
    link to a file or folder outside it is refused (a pack cannot make the checker read, or
    walk, the rest of the disk), and a folder holding more than MAX_ENTRIES files and folders
    is refused rather than walked to the end.
    """
    try:
        root = folder.resolve(strict=True)
    except (OSError, RuntimeError) as exc:
        raise _fail(str(folder), "-", "(folder)", "no such rule folder") from exc
    out: list[Path] = []
    seen = 0
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        here = Path(dirpath)
        rel = here.relative_to(root)
        if "packs" in rel.parts:
            dirnames[:] = []
            continue
        seen += len(dirnames) + len(filenames)
        if seen > MAX_ENTRIES:
            raise _fail(str(folder), "-", "(folder)",
                        f"more than {MAX_ENTRIES:,} files and folders: not a rule folder")
        dirnames.sort()
        for name in [*dirnames, *filenames]:
            entry = here / name
            if entry.is_symlink():
                where = _inside(entry, root)
                if where is None:
                    raise _fail(str(folder / rel / name), "-", "(file)", "a broken symbolic link")
                if not where:
                    raise _fail(str(folder / rel / name), "-", "(file)",
                                "a symbolic link to a place outside the rule folder: not followed")
        for name in filenames:
            if not name.endswith(".yaml"):
                continue
            entry = here / name
            try:
                st = entry.stat()
            except OSError as exc:
                raise _fail(str(folder / rel / name), "-", "(file)", f"cannot read: {exc.strerror}") from exc
            if not stat.S_ISREG(st.st_mode):
                raise _fail(str(folder / rel / name), "-", "(file)", "not a regular file")
            if st.st_size > MAX_FILE_BYTES:
                raise _fail(str(folder / rel / name), "-", "(file)",
                            f"larger than {MAX_FILE_BYTES // 1024} KB: not a rule file")
            out.append(folder / rel / name)
    return sorted(out)


def _inside(link: Path, root: Path) -> bool | None:
    """Whether a symbolic link resolves to a place inside `root`; None when it leads nowhere."""
    try:
        target = link.resolve(strict=True)
    except (OSError, RuntimeError):  # dangling or looping
        return None
    return target == root or root in target.parents


def rule_bytes(path: Path) -> bytes:
    """A rule file's bytes, refusing one larger than MAX_FILE_BYTES (it may have grown since listed)."""
    try:
        with open(path, "rb") as fh:
            data = fh.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise _fail(str(path), "-", "(file)", f"cannot read: {exc.strerror or exc}") from exc
    if len(data) > MAX_FILE_BYTES:
        raise _fail(str(path), "-", "(file)", f"larger than {MAX_FILE_BYTES // 1024} KB: not a rule file")
    return data


def _within_budget(path: Path, text: str, loader: Any) -> None:
    """Refuse YAML whose aliases expand to too many nodes, or that nests too deep.

    PyYAML shares an aliased node instead of copying it, but everything after loading (schema
    validation, building rules, digests) walks the expanded tree: a "billion laughs" document
    of a few hundred bytes would run for hours. Counting is done on the parser's events, with
    each alias costing the size of the node it names, so the count stops such a file after a
    few dozen events.
    """
    import yaml

    anchors: dict[str, int] = {}
    stack: list[list[Any]] = [[0, None]]  # per open collection: [expanded size, anchor]
    total = 0
    for event in yaml.parse(text, Loader=loader):
        if isinstance(event, yaml.CollectionStartEvent):
            stack.append([1, event.anchor])
            total += 1
            if len(stack) > MAX_YAML_DEPTH:
                raise _fail(str(path), "-", "(file)", f"nested deeper than {MAX_YAML_DEPTH} levels")
        elif isinstance(event, yaml.CollectionEndEvent):
            size, anchor = stack.pop()
            if anchor:
                anchors[anchor] = size
            stack[-1][0] += size
        elif isinstance(event, (yaml.ScalarEvent, yaml.AliasEvent)):
            size = anchors.get(event.anchor, 1) if isinstance(event, yaml.AliasEvent) else 1
            if isinstance(event, yaml.ScalarEvent) and event.anchor:
                anchors[event.anchor] = 1
            stack[-1][0] += size
            total += size
        if total > MAX_YAML_NODES:
            raise _fail(str(path), "-", "(file)",
                        f"more than {MAX_YAML_NODES:,} values once aliases are expanded (an alias bomb?)")


def _read(path: Path, raw: bytes | None = None) -> dict[str, Any]:
    import yaml  # as jsonschema above

    # libyaml's C parser when PyYAML was built with it (it is in the PyPI wheels): ~10x faster.
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        text = (raw if raw is not None else rule_bytes(path)).decode("utf-8")
        _within_budget(path, text, loader)
        data = yaml.load(text, Loader=loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else "(file)"
        raise _fail(str(path), "-", where, f"not valid YAML: {getattr(exc, 'problem', exc)}") from exc
    except UnicodeDecodeError as exc:
        raise _fail(str(path), "-", "(file)", f"cannot read: {exc}") from exc
    _validate_file(path, data)
    return data


def _override(rule: Rule, rec: dict[str, Any]) -> Rule:
    changes: dict[str, Any] = {}
    if "severity" in rec:
        changes["severity"] = Severity(rec["severity"])
    if "weight" in rec:
        changes["weight"] = float(rec["weight"])
    if "weights" in rec:
        changes["level_weights"] = {k: float(v) for k, v in rec["weights"].items()}
    if "applies_to" in rec:
        changes["applies_to"] = tuple(rec["applies_to"])
    if "disabled" in rec:
        changes["disabled"] = bool(rec["disabled"])
    if "needs_figure" in rec:
        changes["needs_figure"] = _needs_figure(rec["needs_figure"])
    if "severities" in rec:
        changes["severities"] = {k: Severity(v) for k, v in rec["severities"].items()}
    return replace(rule, **changes)


def load_rules(
    folders: list[Path] | None = None,
    packs: list[Path] | tuple[Path, ...] = (),
    outline: Outline | None = None,
    unsafe_ok: bool = False,
) -> RuleSet:
    """Load the rule files in `folders` (default: the shipped rules), then each pack in order.

    A pack (e.g. a province's reporting guide) is a folder of rule files that may add rules with
    new ids and, under `overrides:`, change the severity, weight, applicability or `disabled`
    flag of rules loaded before it. A pack rule that reuses an existing id is refused: changing
    a shipped rule is an override, so it is visible as one. Patterns that can backtrack
    catastrophically are refused too (`unsafe_ok` lets `fzzf rules lint` load them to report).
    """
    outline = outline or load_outline()
    folders = folders or [rules_dir()]
    rules: dict[str, Rule] = {}
    names: dict[str, str] = {}
    digest = hashlib.sha256()
    grades: tuple[Grade, ...] = ()
    for folder in [*folders, *packs]:
        if not folder.is_dir():
            raise _fail(str(folder), "-", "(folder)", "no such rule folder")
        files = rule_files(folder)
        if not files:
            raise _fail(str(folder), "-", "(folder)", "no rule files (*.yaml) in this folder")
        for path in files:
            raw = rule_bytes(path)
            digest.update(str(path.relative_to(folder)).encode() + b"\0" + raw)
            data = _read(path, raw)
            if data.get("grades"):
                grades = _grades(path, data["grades"])  # a later file's grading replaces it whole
            for rec in data.get("rules") or ():
                rule = _build(path, rec, outline, unsafe_ok)
                if rule.id in rules:
                    raise _fail(str(path), rule.id, "id", f"duplicate id (also in {rules[rule.id].file})")
                if rule.name in names:
                    raise _fail(str(path), rule.id, "name", f"duplicate name (also in {names[rule.name]})")
                rules[rule.id] = rule
                names[rule.name] = str(path)
            for rec in data.get("overrides") or ():
                rid = rec["id"]
                if rid not in rules:
                    raise _fail(str(path), rid, "id", "overrides a rule that is not loaded before this pack")
                rules[rid] = _override(rules[rid], rec)
    ids = set(rules)
    for rule in rules.values():
        for ref in _referenced_rules(rule):
            if ref not in ids:
                raise _fail(rule.file, rule.id, "when", f"refers to unknown rule {ref!r}")
            if rules[ref].disabled and not rule.disabled:
                raise _fail(rule.file, rule.id, "when", f"refers to disabled rule {ref!r}")
    active = tuple(r for r in rules.values() if not r.disabled)
    if not grades:  # a folder of rules without a grading (tests): the shipped one
        shipped = rules_dir() / "grading.yaml"
        raw = rule_bytes(shipped)
        digest.update(b"grading.yaml\0" + raw)
        grades = _grades(shipped, _read(shipped, raw)["grades"])
    return RuleSet(rules=active, outline=outline, version=digest.hexdigest()[:16], grades=grades)


def _referenced_rules(rule: Rule) -> list[str]:
    out: list[str] = []
    if not rule.when:
        return out
    for leg in next(iter(rule.when.values())):
        fact = leg.get("absent", leg)
        test = (fact.get("where") or {}).get("rule")
        if isinstance(test, str):
            out.append(test)
    return out
