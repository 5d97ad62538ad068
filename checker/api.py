"""The pipeline in one place: read (and normalize) → segment → extract facts → evaluate → judge → score.

`Checker` loads and compiles the rules once and then checks any number of reports; the CLI,
the tests and (later) the audit and the service all go through it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from checker import metadata as meta_mod
from checker.compiled import Compiled, compiled
from checker.conclude import required_parts, timeliness
from checker.engine import engine_for
from checker.errors import InputError
from checker.evidence import quote
from checker.facts import build_matchers, deadline_for, extract_hits, to_facts, year_borne_out
from checker.i18n import t
from checker.limits import DEFAULT_TIME_LIMIT, bounded
from checker.lookalike import refuse_lookalike
from checker.model import Document, ReportResult
from checker.quality import measure
from checker.read import DEFAULT_MAX_BYTES, read_document
from checker.ruleset.compile import compile_rules
from checker.ruleset.load import RuleSet
from checker.score import score
from checker.segment import segment
from checker.verdict import findings, judge_items, judge_parts


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
        self._engine = engine_for(self.ruleset.version, lambda: compile_rules(active))

    def check_path(self, path: str | Path, overrides: Overrides | None = None, *,
                   seen: Callable[[bytes], object] | None = None) -> ReportResult:
        """Read and check one file; raises InputError when it cannot be read or takes too long.

        `seen` gets the file's bytes as read, before they are parsed (see `read_document`).
        """
        try:
            with bounded(self.time_limit, str(path)):
                return self.check_document(read_document(path, max_bytes=self.max_bytes, seen=seen), overrides)
        except InputError as exc:
            if exc.key == "input.timeout":  # may surface from inside the engine without a path
                raise InputError("input.timeout", path=str(path), seconds=f"{self.time_limit:g}") from exc
            raise
        except MemoryError as exc:  # past a worker's memory ceiling (checker.limits.cap_memory)
            raise InputError("input.out_of_memory", path=str(path)) from exc

    def check_document(self, doc: Document, overrides: Overrides | None = None) -> ReportResult:
        """Check a document already read; raises InputError("input.not_a_report") for a look-alike."""
        o = overrides or Overrides()
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
        facts = to_facts(seg, meta, hits, self.ruleset.outline, quality)
        firings = self._engine.evaluate(facts)
        level = meta.level.value if isinstance(meta.level.value, str) else None
        profile = o.profile or level
        items = judge_items(self.ruleset, seg, hits, firings, profile)
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
