"""The JSON contract other tools read (shape documented in README, "JSON output").

Built in one place, from the result values; keys are stable and only ever added to.
"""

from __future__ import annotations

import json
from typing import Any

from checker import __version__
from checker.i18n import rule_message, t
from checker.model import PART_IDS, ReportResult, Status
from checker.render.context import RenderContext


def _mv(value: Any) -> dict[str, Any]:
    return {"value": value.value, "source": value.source}


def report_dict(r: ReportResult, ctx: RenderContext) -> dict[str, Any]:
    """One report as the JSON contract's `reports[]` entry."""
    rules = ctx.ruleset.by_id()
    m = r.metadata
    parts = {
        p.id: {
            "present": p.present,
            "how": p.how,
            "heading": p.heading,
            "start": p.start,
            "end": p.end,
        }
        for p in r.parts
    }
    items = []
    for it in r.items:
        item = ctx.ruleset.outline.items[it.id]
        items.append(
            {
                "id": it.id,
                "chapter": item.chapter,
                "title": item.title.get(ctx.lang) or item.title["zh"],
                "status": it.status.value,
                "reason": t(it.reason, ctx.lang),
                "evidence": [
                    {"quote": e.quote, "part": e.part, "start": e.start, "end": e.end, "rule": e.rule,
                     "quantified": e.quantified}
                    for e in it.evidence
                ],
                "checkpoints": [
                    {
                        "rule": c.rule,
                        "title": rules[c.rule].text("title", ctx.lang),
                        "severity": rules[c.rule].severity.value,
                        "status": c.status.value,
                        "reason": t(c.reason, ctx.lang),
                    }
                    for c in it.checkpoints
                ],
            }
        )
    findings = [
        {
            "rule": f.rule,
            "kind": f.kind,
            "severity": f.severity.value,
            "message": rule_message(rules[f.rule].text("message", ctx.lang), f.args, ctx.lang),
        }
        for f in r.findings
    ]
    counts = {s.value: sum(1 for it in r.items if it.status is s) for s in Status}
    gate = (ctx.gates or {}).get(r.source)
    return {
        "source": r.source,
        **({"passed": gate["passed"], "gate": gate["reasons"], "gate_checks": gate.get("checks", []),
            "gate_standard": gate.get("standard")} if gate is not None else {}),
        "format": r.document.format,
        "encoding": r.document.encoding,
        "title": m.title.value,
        "agency": {"name": m.agency.value, "level": m.level.value,
                   "name_source": m.agency.source, "level_source": m.level.source},
        "year": m.year.value,
        "published": m.published.value,
        "written": m.written.value,
        "timeliness_basis": m.timeliness_date[1],
        # The verdicts every consumer reads (checker/conclude.py): on time, and the required parts.
        "timeliness": {"status": r.timeliness.status.value, "basis": r.timeliness.basis, "date": r.timeliness.date,
                       "deadline": r.timeliness.deadline, "rule": r.timeliness.rule},
        "required_parts": [{"rule": p.rule, "part": p.part, "present": p.present} for p in r.required_parts],
        "metadata": {"agency": _mv(m.agency), "level": _mv(m.level), "year": _mv(m.year),
                     "published": _mv(m.published), "written": _mv(m.written), "title": _mv(m.title)},
        "profile": r.profile,
        "score": r.score.total,
        "score_detail": {
            "content": r.score.content,
            "structure": r.score.structure,
            "timeliness": r.score.timeliness,
            "band": r.score.band,
            "items": {k: {"count": n, "weight": w} for k, (n, w) in r.score.items.items()},
            "chapters": {str(k): v for k, v in r.score.chapters.items()},
        },
        "parts": {k: v for k, v in parts.items() if k in PART_IDS},
        "items": items,
        "counts": counts,
        "quality": r.quality,
        "promises": [
            {"rule": e.rule, "item": rules[e.rule].item, "quote": e.quote, "start": e.start, "end": e.end}
            for e in r.promises
        ],
        "findings": findings,
    }


def render(ctx: RenderContext) -> str:
    """The whole run as one JSON document."""
    doc = {
        "tool": {"name": "fzzf-checker", "version": __version__, "rules_version": ctx.ruleset.version},
        "lang": ctx.lang,
        "reports": [report_dict(r, ctx) for r in ctx.results],
        "errors": [
            {"source": e.source, "error": e.key, "message": t(e.key, ctx.lang, **e.args)}
            for e in ctx.errors
        ],
    }
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
