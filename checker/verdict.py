"""From rule firings to verdicts: one per checkpoint, one per outline item 1–35, one per part.

A checkpoint is `met` with quantified evidence, `partial` with evidence, `planned` when its
terms appear only in the shortcomings or next-year parts (or in plan wording), else `missing`.
An item takes the best status of its checkpoints; items 2 and 3 are `informational`, and items
that cannot apply to the body's level (legislation for counties, townships, streets) are
`not_applicable`. Every verdict carries a reason key the renderers turn into a sentence.
"""

from __future__ import annotations

from checker import evidence
from checker.model import (
    PART_IDS,
    CheckpointVerdict,
    Document,
    Finding,
    Firing,
    Hit,
    ItemVerdict,
    PartStatus,
    Segmented,
    Status,
)
from checker.ruleset.compile import EVIDENCE, FIRED, PLANNED
from checker.ruleset.load import Rule, RuleSet

ORDER = [Status.MET, Status.PARTIAL, Status.PLANNED, Status.MISSING]


def _checkpoint(rule: Rule, fired: dict[tuple[str, str], Firing], hits: dict[int, Hit],
                mine: list[Hit], seg: Segmented) -> CheckpointVerdict:
    """The verdict of one checkpoint rule; `mine` are its hits, whatever their flags."""
    ev = fired.get((rule.id, EVIDENCE))
    if ev:
        used = [hits[i] for i in ev.hits]
        status = Status.MET if any(h.quantified for h in used) else Status.PARTIAL
        reason = "reason.met" if status is Status.MET else "reason.partial"
        return CheckpointVerdict(rule.id, rule.item or 0, status, reason,
                                 evidence.pick(seg, used, rule.id))
    pl = fired.get((rule.id, PLANNED))
    if pl:
        used = [hits[i] for i in pl.hits]
        roles = {h.part_role for h in used}
        if roles == {"plan"}:
            reason = "reason.planned_next_year"
        elif roles == {"deplore"}:
            reason = "reason.planned_shortcomings"
        elif "done" in roles and len(roles) == 1:
            reason = "reason.planned_wording"
        else:
            reason = "reason.planned_mixed"
        return CheckpointVerdict(rule.id, rule.item or 0, Status.PLANNED, reason,
                                 evidence.pick(seg, used, rule.id))
    # Why the hits are not evidence, and the hit that shows it.
    reason, shown = "reason.missing", mine
    if mine and all(h.negated for h in mine):
        reason = "reason.negated"
    else:
        for key, flag in (("reason.passing", "passing"), ("reason.earlier_year", "earlier_year"),
                          ("reason.slogan", "slogan"), ("reason.restates_outline", "restates_outline")):
            found = [h for h in mine if getattr(h, flag)]
            if found:
                reason, shown = key, found
                break
    return CheckpointVerdict(rule.id, rule.item or 0, Status.MISSING, reason,
                             evidence.pick(seg, shown, rule.id, limit=1))


def judge_items(
    ruleset: RuleSet,
    seg: Segmented,
    hits: list[Hit],
    firings: list[Firing],
    profile: str | None,
) -> tuple[ItemVerdict, ...]:
    """One verdict per outline item 1–35, in order, for a body of kind `profile` (a level).

    A checkpoint that does not apply to the profile is `not_applicable`; so is an item that the
    outline marks inapplicable for the level, or whose checkpoints all are.
    """
    by_id = {h.id: h for h in hits}
    by_rule: dict[str, list[Hit]] = {}
    for h in hits:
        by_rule.setdefault(h.rule, []).append(h)
    fired = {(f.rule, f.outcome): f for f in firings}
    out: list[ItemVerdict] = []
    for item_id in sorted(ruleset.outline.items):
        item = ruleset.outline.items[item_id]
        if not item.scored:
            out.append(ItemVerdict(item_id, Status.INFORMATIONAL, "reason.informational"))
            continue
        cps = tuple(
            _checkpoint(r, fired, by_id, by_rule.get(r.id, []), seg)
            if r.applies(profile)
            else CheckpointVerdict(r.id, item_id, Status.NOT_APPLICABLE, "reason.not_applicable")
            for r in ruleset.checkpoints(item_id)
        )
        applicable = [c for c in cps if c.status is not Status.NOT_APPLICABLE]
        if (profile and profile in item.not_applicable_for) or (cps and not applicable):
            out.append(ItemVerdict(item_id, Status.NOT_APPLICABLE, "reason.not_applicable",
                                   checkpoints=cps))
            continue
        if not applicable:
            out.append(ItemVerdict(item_id, Status.MISSING, "reason.missing"))
            continue
        best = min(applicable, key=lambda c: ORDER.index(c.status))
        quotes = evidence.merge([c.evidence for c in applicable if c.status is best.status])
        out.append(ItemVerdict(item_id, best.status, best.reason, quotes, cps))
    return tuple(out)


def judge_parts(ruleset: RuleSet, seg: Segmented, firings: list[Firing], hits: list[Hit]) -> tuple[PartStatus, ...]:
    """Presence of each report part; a part's structure rule, when there is one, decides."""
    fired = {f.rule for f in firings if f.outcome == FIRED}
    structure = {r.requirement.removeprefix("part."): r for r in ruleset.rules
                 if r.kind == "structure" and r.requirement and r.requirement.startswith("part.")}
    signals = {f.rule: f for f in firings if f.outcome == EVIDENCE}
    by_id = {h.id: h for h in hits}
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
            h = by_id[ev.hits[0]] if ev and ev.hits else None
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
    rules = ruleset.by_id()
    out = []
    for f in firings:
        if f.outcome != FIRED:
            continue
        rule = rules[f.rule]
        if not rule.applies(profile):
            continue
        out.append(Finding(rule.id, rule.severity, rule.kind, dict(args)))
    return tuple(sorted(out, key=lambda x: (x.kind, -x.severity.rank, x.rule)))
