"""The pipeline in one place: read (and normalize) → segment → extract facts → evaluate → judge → score.

`Checker` loads and compiles the rules once and then checks any number of reports; the CLI,
the tests and (later) the audit and the service all go through it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from checker import metadata as meta_mod
from checker.compiled import Compiled, compiled
from checker.conclude import required_parts, timeliness
from checker.engine import engine_for
from checker.errors import InputError
from checker.evidence import quote
from checker.facts import (
    CheckpointPlan,
    CheckpointSpec,
    build_matchers,
    counted_hits,
    deadline_for,
    extract_hits,
    to_facts,
    year_borne_out,
)
from checker.i18n import t
from checker.limits import DEFAULT_TIME_LIMIT, bounded
from checker.lookalike import refuse_lookalike
from checker.model import LEVELS, Document, Hit, Metadata, ReportResult, Segmented
from checker.quality import measure
from checker.read import DEFAULT_MAX_BYTES, read_document
from checker.ruleset.compile import compile_rules, count_ceiling, where_conditions
from checker.ruleset.load import RuleSet
from checker.score import score
from checker.segment import segment
from checker.verdict import findings, judge_items, judge_parts


def checkpoint_plan(ruleset: RuleSet) -> CheckpointPlan:
    """Per checkpoint: its compiled `where`, the levels it does not apply to, and needs_figure."""
    out: CheckpointPlan = {}
    for r in ruleset.checkpoints():
        excluded = set(LEVELS) - set(r.applies_to) if r.applies_to else set()
        if r.item in ruleset.outline.items:
            excluded |= set(ruleset.outline.items[r.item].not_applicable_for)
        where = {"$and": where_conditions("hit", r.where)} if r.where else None
        out[r.id] = CheckpointSpec(where, frozenset(excluded), r.needs_figure)
    return out


def hit_rules(ruleset: RuleSet) -> frozenset[str] | None:
    """Rules whose hits the engine sees one by one: signals, and rules a `when` leg names.

    None (every hit) when some `when` leg tests hits without naming their rule.
    """
    out = {r.id for r in ruleset.rules if r.kind == "signal"}
    for r in ruleset.rules:
        for leg in next(iter((r.when or {"all": []}).values())):
            fact = leg.get("absent", leg)
            if fact["fact"] != "hit":
                continue
            named = (fact.get("where") or {}).get("rule")
            if not isinstance(named, str):
                return None
            out.add(named)
    return frozenset(out)


@dataclass(frozen=True, slots=True)
class Overrides:
    """Metadata given on the command line; wins over what the report says."""

    agency: str | None = None
    level: str | None = None
    year: int | None = None
    published: str | None = None
    profile: str | None = None  # level whose applicability and weights apply; default: detected level
    source: str = "cli"  # where the values came from, as metadata records it: "cli" or "manifest"


class Checker:
    """Rules loaded and compiled once; `check_*` may be called for many reports."""

    def __init__(self, packs: list[Path] | tuple[Path, ...] = (), *, max_bytes: int = DEFAULT_MAX_BYTES,
                 ruleset: RuleSet | None = None, rules: Compiled | None = None,
                 time_limit: float | None = DEFAULT_TIME_LIMIT) -> None:
        if ruleset is None:
            rules = rules or compiled(packs)
            ruleset, self._matchers = rules.ruleset, rules.index
        else:
            self._matchers = build_matchers(ruleset.rules, ruleset.outline)
        self.ruleset = ruleset
        self.max_bytes = max_bytes
        self.time_limit = time_limit
        self._checkpoint_ids = {r.id for r in self.ruleset.checkpoints()}
        active = self.ruleset.rules
        rs = self.ruleset
        self._engine = engine_for(self.ruleset.version, lambda: compile_rules(active, rs.grades))
        self.plan = checkpoint_plan(self.ruleset)
        self.hit_rules = hit_rules(self.ruleset)
        self.ceiling = count_ceiling(self.ruleset.grades)

    def facts(self, seg: Segmented, meta: Metadata, hits: list[Hit], quality: dict[str, Any] | None,
              profile: str | None, counted: dict[str, list[Hit]] | None = None) -> list[dict[str, Any]]:
        """The engine's facts for one report graded at `profile` (see facts.to_facts)."""
        return to_facts(seg, meta, hits, self.ruleset.outline, quality, plan=self.plan, level=profile,
                        hit_rules=self.hit_rules, ceiling=self.ceiling, counted=counted)

    def check_path(self, path: str | Path, overrides: Overrides | None = None, *,
                   seen: Callable[[bytes], object] | None = None, quotes: bool = True) -> ReportResult:
        """Read and check one file; raises InputError when it cannot be read or takes too long.

        `seen` gets the file's bytes as read, before they are parsed (see `read_document`);
        `quotes` is check_document's.
        """
        try:
            with bounded(self.time_limit, str(path)):
                doc = read_document(path, max_bytes=self.max_bytes, seen=seen)
                # `quotes` passed only when off: a check_document replaced by a caller (tests do) keeps working.
                return self.check_document(doc, overrides) if quotes else self.check_document(doc, overrides,
                                                                                              quotes=False)
        except InputError as exc:
            if exc.key == "input.timeout":  # may surface from inside the engine without a path
                raise InputError("input.timeout", path=str(path), seconds=f"{self.time_limit:g}") from exc
            raise
        except MemoryError as exc:  # past a worker's memory ceiling (checker.limits.cap_memory)
            raise InputError("input.out_of_memory", path=str(path)) from exc

    def engine_facts(self, doc: Document, overrides: Overrides | None = None, *,
                     refuse: bool = True) -> list[dict[str, Any]]:
        """The facts the engine sees for a document (the differential test runs them twice).

        `refuse=False` makes them for a look-alike too (a test wants the engine on every text).
        """
        return self._extract(doc, overrides or Overrides(), refuse)[-1]

    def _extract(self, doc: Document, o: Overrides, refuse: bool = True) -> tuple[
            Segmented, Metadata, list[Hit], dict[str, list[Hit]], dict[str, Any], str | None, list[dict[str, Any]]]:
        """Segments, metadata, hits (all, and per checkpoint), quality, profile and the engine's facts."""
        if refuse:
            refuse_lookalike(doc)  # a 信息公开年度报告, a 解读, a notice of 工作要点 … is not checked
        seg = segment(doc)
        meta = meta_mod.extract(doc, agency=o.agency, level=o.level, year=o.year, published=o.published,
                                override_source=o.source)
        # Earlier years' work is told apart only against a report year the text bears out.
        year = meta.year.value if isinstance(meta.year.value, int) else None
        if year is not None and not year_borne_out(doc.text, seg.sentences, year):
            year = None
        hits = extract_hits(seg, self._matchers, year=year)
        quality = measure(seg, meta, hits, self._checkpoint_ids)
        level = meta.level.value if isinstance(meta.level.value, str) else None
        profile = o.profile or level
        counted = counted_hits(hits, self.plan)
        return seg, meta, hits, counted, quality, profile, self.facts(seg, meta, hits, quality, profile, counted)

    def check_document(self, doc: Document, overrides: Overrides | None = None, *,
                       quotes: bool = True) -> ReportResult:
        """Check a document already read; raises InputError("input.not_a_report") for a look-alike.

        `quotes=False`: the checkpoint and item verdicts carry no evidence (everything else is the
        same, promises included). The audit asks for that: its cache entry keeps no verdict
        quotes, and picking and cutting them was most of the cost of judging (~0.25 ms a report).
        """
        seg, meta, hits, counted, quality, profile, facts = self._extract(doc, overrides or Overrides())
        firings = self._engine.evaluate(facts)
        items = judge_items(self.ruleset, seg, hits, firings, self.plan, counted, quotes=quotes)
        parts = judge_parts(self.ruleset, seg, firings, hits)
        args: dict[str, str | int | float] = {k: v for k, v in quality.items() if isinstance(v, (str, int, float))}
        deadline = deadline_for(meta.year.value, self.ruleset.outline) if isinstance(meta.year.value, int) else None
        if deadline is not None:
            args["deadline"] = deadline.isoformat()
            args["year"] = meta.year.value
        date, basis = meta.timeliness_date
        if date and basis:
            args["published"] = date.isoformat()  # the date timeliness was judged on …
            args["date_basis"] = basis  # … and which one: "published", or "written" when no page date
            args["date_basis_zh"] = t(f"meta.basis.{basis}", "zh")
            args["date_basis_en"] = t(f"meta.basis.{basis}", "en")
        found = findings(self.ruleset, firings, args, profile)
        parts_required = required_parts(self.ruleset, found, profile)
        timely = timeliness(meta, found, deadline)
        result_score = score(self.ruleset, items, parts_required, timely.status, profile)
        promises = tuple(
            quote(doc, h, h.rule) for h in hits
            if h.part == "next_year" and h.rule in self._checkpoint_ids and not h.negated
        )
        return ReportResult(
            source=doc.source,
            document=doc,
            metadata=meta,
            parts=parts,
            items=items,
            findings=found,
            score=result_score,
            profile=profile,
            quality=quality,
            promises=promises,
            timeliness=timely,
            required_parts=parts_required,
        )
