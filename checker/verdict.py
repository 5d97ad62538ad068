"""From rule firings to verdicts: one per checkpoint, one per outline item 1–35, one per part.

A checkpoint's status and reason are the grade that fired for it (rules/grading.yaml, compiled
by checker/ruleset/compile.py); this module only assembles: it quotes the hits the grade names,
gives an item the best status of its applicable checkpoints (items 2 and 3 are
`informational`; an item whose checkpoints all are not applicable is `not_applicable`), and
reports the parts. Every verdict carries a reason key the renderers turn into a sentence.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from checker import evidence
from checker.evidence import EVIDENCE_MAX
from checker.facts import CheckpointPlan, counted_hits, hit_class
from checker.model import (
    PART_IDS,
    CheckpointVerdict,
    Document,
    Evidence,
    Finding,
    Firing,
    Hit,
    ItemVerdict,
    PartStatus,
    Segmented,
    Status,
)
from checker.ruleset.compile import EVIDENCE, FIRED, grade_outcome
from checker.ruleset.load import Rule, RuleSet

ORDER = [Status.MET, Status.PARTIAL, Status.PLANNED, Status.MISSING]


def _shown(quote_kind: str, mine: list[Hit]) -> list[Hit]:
    """The hits a grade quotes (its `quote`): evidence, plans, or the hits with a flag.

    All of them: checker/evidence.py ranks them and keeps the strongest.
    """
    if quote_kind == "evidence":
        return [h for h in mine if hit_class(h) == "evidence"]
    if quote_kind == "planned":
        return [h for h in mine if hit_class(h).startswith("planned")]
    if quote_kind == "hits":
        return mine
    if quote_kind == "none":
        return []
    return [h for h in mine if getattr(h, quote_kind)]


_QUOTED_MANY = frozenset({"evidence", "planned"})  # grades whose verdict quotes up to EVIDENCE_MAX hits


def _evidence(seg: Segmented, rid: str, quote_kind: str, mine: list[Hit] | None) -> tuple[Evidence, ...]:
    """The quotes of a checkpoint: evidence.pick over the hits its grade shows; () without any.

    About half the checkpoints of a report have no hits, or none of the kind their grade
    quotes: pick would rank nothing, so it is not called for them.
    """
    if not mine:
        return ()
    shown = _shown(quote_kind, mine)
    if not shown:
        return ()
    return evidence.pick(seg, shown, rid, EVIDENCE_MAX if quote_kind in _QUOTED_MANY else 1)


_GRADES: dict[str, tuple[Status, str, str, int] | None] = {}


def _grade(outcome: str) -> tuple[Status, str, str, int] | None:
    """(status, reason key, quote, rank in ORDER) of a firing's outcome, None for other outcomes; memoised."""
    if outcome not in _GRADES:
        g = grade_outcome(outcome)
        if g is None:
            _GRADES[outcome] = None
        else:
            status = Status(g[0])
            # Not applicable ranks after every status in ORDER: never an item's best.
            rank = len(ORDER) if status is Status.NOT_APPLICABLE else _RANK[status]
            _GRADES[outcome] = (status, f"reason.{g[1]}", g[2], rank)
    return _GRADES[outcome]


_RANK = {s: k for k, s in enumerate(ORDER)}  # ORDER.index, as a lookup


@dataclass(slots=True)
class _Tables:
    """What judging reads from a rule set, laid out once per rule set instead of per report.

    `items`: per outline item in order, its id, whether it is scored and its checkpoints as
    (rule id, item number); `informational`: the (frozen) verdicts of the unscored items.
    Rule sets are frozen and never changed once loaded.
    """

    ruleset: RuleSet  # held so that its id() is not reused while the tables are cached
    items: tuple[tuple[int, bool, tuple[tuple[str, int], ...]], ...]
    informational: dict[int, ItemVerdict]
    by_id: dict[str, Rule]  # ruleset.by_id()
    structure: dict[str, Rule]  # part id -> the structure rule asking for it (`part.X`)
    # Verdicts without quotes, by (rule id, outcome that fired): frozen values that recur in
    # every report (half the checkpoints of a report quote nothing, and none when the caller
    # wants no quotes), built once instead of ~80-150 frozen dataclasses per report. The key
    # holds two strings, whose hashes Python keeps: no tuple of enum members to hash.
    bare: dict[tuple[str, str], CheckpointVerdict] = field(default_factory=dict)


_BARE_MAX = 100_000  # entries: checkpoints x grades is a few thousand; a bound all the same


_TABLES: dict[int, _Tables] = {}


def _tables(ruleset: RuleSet) -> _Tables:
    """The rule set's judging tables, made on first use (a process judges with one or two rule sets)."""
    got = _TABLES.get(id(ruleset))
    if got is not None and got.ruleset is ruleset:
        return got
    items = []
    informational = {}
    for item_id in sorted(ruleset.outline.items):
        scored = ruleset.outline.items[item_id].scored
        if not scored:
            informational[item_id] = ItemVerdict(item_id, Status.INFORMATIONAL, "reason.informational")
        items.append((item_id, scored, tuple((r.id, r.item or 0) for r in ruleset.checkpoints(item_id))))
    if len(_TABLES) > 16:  # bound the memo; rule sets are few and long-lived
        _TABLES.clear()
    structure = {r.requirement.removeprefix("part."): r for r in ruleset.rules
                 if r.kind == "structure" and r.requirement and r.requirement.startswith("part.")}
    got = _TABLES[id(ruleset)] = _Tables(ruleset, tuple(items), informational, ruleset.by_id(), structure)
    return got


def judge_items(
    ruleset: RuleSet,
    seg: Segmented,
    hits: list[Hit],
    firings: list[Firing],
    plan: CheckpointPlan,
    counted: dict[str, list[Hit]] | None = None,
    *,
    quotes: bool = True,
) -> tuple[ItemVerdict, ...]:
    """One verdict per outline item 1–35, in order, from the grades that fired.

    `plan` is the checkpoint plan the facts were made with (which hits count for which
    checkpoint; `counted`, when given, is `counted_hits(hits, plan)` already made). An item
    whose checkpoints all are not applicable is not applicable. With `quotes=False` the
    verdicts carry no evidence (statuses and reasons are the same): the audit keeps none, and
    picking and cutting quotes is most of the cost of judging.
    """
    graded: dict[str, str] = {}  # checkpoint -> the outcome of the grade that fired for it
    grades = _GRADES
    for f in firings:
        o = f.outcome
        if (grades[o] if o in grades else _grade(o)) is not None:
            if f.rule in graded:
                raise RuntimeError(f"two grades fired for {f.rule}")
            graded[f.rule] = o
    if not quotes:
        counted = {}
    elif counted is None:
        counted = counted_hits(hits, plan)
    tables = _tables(ruleset)
    bare = tables.bare
    if len(bare) > _BARE_MAX:
        bare.clear()
    none = len(ORDER)
    out: list[ItemVerdict] = []
    for item_id, scored, checkpoints in tables.items:
        if not scored:
            out.append(tables.informational[item_id])
            continue
        verdicts: list[CheckpointVerdict] = []
        best: CheckpointVerdict | None = None
        best_rank = none
        quoted = False
        for rid, number in checkpoints:
            o = graded.get(rid)
            if o is None:  # every checkpoint fact fires exactly one grade (compile.compile_grading)
                raise RuntimeError(f"no grade fired for {rid}")
            status, reason, quote_kind, rank = grades[o]  # type: ignore[misc]
            mine = counted.get(rid)
            ev = _evidence(seg, rid, quote_kind, mine) if mine else ()
            if ev:
                cp = CheckpointVerdict(rid, number, status, reason, ev)
                quoted = True
            else:
                key = (rid, o)
                cp = bare.get(key)  # type: ignore[assignment]
                if cp is None:
                    cp = bare[key] = CheckpointVerdict(rid, number, status, reason)
            verdicts.append(cp)
            # The best applicable status, the first checkpoint of it on a tie (as min() would);
            # not applicable ranks as `none`, so it is never the best.
            if rank < best_rank:
                best, best_rank = cp, rank
        cps = tuple(verdicts)
        if cps and best is None:
            out.append(ItemVerdict(item_id, Status.NOT_APPLICABLE, "reason.not_applicable",
                                   checkpoints=cps))
            continue
        if best is None:
            out.append(ItemVerdict(item_id, Status.MISSING, "reason.missing"))
            continue
        if quoted:
            groups = [c.evidence for c in cps if c.status is best.status]
            item_quotes = evidence.merge(groups) if any(groups) else ()
        else:
            item_quotes = ()
        out.append(ItemVerdict(item_id, best.status, best.reason, item_quotes, cps))
    return tuple(out)


def judge_parts(ruleset: RuleSet, seg: Segmented, firings: list[Firing], hits: list[Hit]) -> tuple[PartStatus, ...]:
    """Presence of each report part; a part's structure rule, when there is one, decides."""
    fired: set[str] = set()
    signals: dict[str, Firing] = {}
    for f in firings:  # one pass over the firings (one per checkpoint, mostly grades)
        if f.outcome == FIRED:
            fired.add(f.rule)
        elif f.outcome == EVIDENCE:
            signals[f.rule] = f
    structure = _tables(ruleset).structure
    doc = seg.document
    out: list[PartStatus] = []
    for pid in PART_IDS:
        if pid == "preamble":
            continue
        found = [p for p in seg.parts if p.id == pid]
        top = next((p for p in found if not p.embedded), None)
        sub = next((p for p in found if p.embedded), None)
        rule = structure.get(pid)
        present = (rule.id not in fired) if rule else bool(found)
        if not present:
            out.append(PartStatus(pid, False))
        elif top or sub:
            p = top or sub
            assert p is not None
            a, b = doc.source_span(p.start, p.end)
            out.append(PartStatus(pid, True, "heading" if top else "section", _source_heading(doc, p.heading, p.start),
                                  a, b))
        else:
            # Present through content: a signal rule this part's structure rule relies on.
            ev = next((signals[r] for r in _signal_refs(rule) if r in signals), None) if rule else None
            # Hits by id, made only here: most reports show every part by a heading.
            h = {h.id: h for h in hits}[ev.hits[0]] if ev and ev.hits else None
            a, b = doc.source_span(h.sentence_start, h.sentence_end) if h else (None, None)
            out.append(PartStatus(pid, True, "content", None, a, b))
    return tuple(out)


def _source_heading(doc: Document, heading: str, start: int) -> str:
    """A part's heading as the report itself writes it (e.g. in traditional characters)."""
    if doc.offsets is None or not heading:
        return heading
    at = doc.text.find(heading, start, start + len(heading) + 80)
    return doc.quote(at, at + len(heading))[2] if at >= 0 else heading


def _signal_refs(rule: Rule) -> list[str]:
    refs = []
    for leg in next(iter((rule.when or {"all": []}).values())):
        fact = leg.get("absent", leg)
        r = (fact.get("where") or {}).get("rule")
        if isinstance(r, str):
            refs.append(r)
    return refs


def findings(ruleset: RuleSet, firings: list[Firing], args: dict[str, str | int | float],
             profile: str | None = None) -> tuple[Finding, ...]:
    """Structure, timeliness and quality rules that fired (and apply to the profile)."""
    rules = _tables(ruleset).by_id
    out = []
    for f in firings:
        if f.outcome != FIRED:
            continue
        rule = rules[f.rule]
        if not rule.applies(profile):
            continue
        out.append(Finding(rule.id, rule.severity, rule.kind, dict(args)))
    return tuple(sorted(out, key=lambda x: (x.kind, -x.severity.rank, x.rule)))
