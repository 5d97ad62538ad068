"""What a batch keeps of each file: a full entry (cached on disk) and a slim summary row.

The full entry is the result in language-neutral terms — ids, statuses, numbers, reason keys,
rule arguments, quote offsets and quotes, no translated text — plus sentence fingerprints for
the text-reuse check. It stays on disk and is read back one agency at a time; any language is
rendered from it, so `--lang` never re-checks a file. Numbers keyed by chapter are stored as
[chapter, value] pairs, so they come back as they went in. The slim row is all the summary
needs, so memory grows by a few hundred bytes per report, not by the report.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

from checker.batch.agencies import on_time, parts_missing, year_report
from checker.model import ReportResult
from checker.ruleset.load import RuleSet

# [X][X]* rather than [X]+ (the same runs): a pattern that opens with a bare class lets the
# regex engine scan for that class in C instead of trying a match at every position (about
# half the instructions of the split, and of the noise deletion below).
_SPLIT = re.compile(r"[。！？；!?;\n][。！？；!?;\n]*")
# Every character str.isspace() (and so the regex class \s) takes for a space, but the line
# break: Unicode's White_Space property plus the four ASCII separators \x1c-\x1f.
# tests/test_audit.py checks the list against str.isspace over all of Unicode.
SPACES_BUT_NEWLINE = ("\t\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680"
                      "\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
                      "\u2028\u2029\u202f\u205f\u3000")
_PUNCT = "，,、：:“”\"'（）()《》【】\\-—"
# Spaces and punctuation that do not make two sentences different (line breaks are kept:
# they split sentences). One positive character class: the negated `[^\S\n…]` it replaces
# matched the same characters at twice the cost (0.2 ms a report).
_NOISE_CLASS = f"[{re.escape(SPACES_BUT_NEWLINE)}{_PUNCT}]"
_NOISE_KEEP_LINES = re.compile(f"{_NOISE_CLASS}{_NOISE_CLASS}*")  # [X][X]*: see _SPLIT
MIN_SENTENCE = 12  # characters: shorter pieces (headings, set phrases) say nothing about reuse
_blake2b = hashlib.blake2b
_from_bytes = int.from_bytes


def fingerprints(text: str) -> list[int]:
    """64-bit fingerprints of the report's sentences, for measuring reuse between years.

    Noise (spaces, punctuation) goes in one pass over the whole text, line breaks excepted:
    they split sentences, so no sentence ever held one.
    """
    # One set comprehension with the hash and int.from_bytes bound once: a report's ~100
    # sentences cost a tenth less than a loop calling out.add and looking both up each time.
    return sorted({_from_bytes(_blake2b(norm.encode(), digest_size=8).digest(), "big")
                   for norm in _SPLIT.split(_NOISE_KEEP_LINES.sub("", text)) if len(norm) >= MIN_SENTENCE})


_RULES: list[Any] = [None, None]  # [rule set, (severity by rule id, item by rule id)]: the last one asked for


def _rule_facts(ruleset: RuleSet) -> tuple[dict[str, str], dict[str, int | None]]:
    """Each rule's severity and item, built once per rule set (a process checks with one).

    `RuleSet.by_id()` builds a dict of every rule on each call: 0.05 ms a report here.
    """
    if _RULES[0] is not ruleset:
        _RULES[:] = [ruleset, ({r.id: r.severity.value for r in ruleset.rules},
                               {r.id: r.item for r in ruleset.rules})]
    facts: tuple[dict[str, str], dict[str, int | None]] = _RULES[1]
    return facts


def neutral_report(r: ReportResult, ruleset: RuleSet) -> dict[str, Any]:
    """A checked report in language-neutral terms: what the audit's outputs are rendered from.

    Statuses are read as `_value_` (the member's plain string, as `.value` gives it): the
    `.value` property costs a Python call per checkpoint, a tenth of a millisecond a report.
    """
    severity, item_of = _rule_facts(ruleset)
    m = r.metadata
    return {
        "agency": {"name": m.agency.value, "level": m.level.value},
        "year": m.year.value,
        "published": m.published.value,
        "written": m.written.value,
        "timeliness": {"status": r.timeliness.status._value_, "basis": r.timeliness.basis},
        "required_parts": [{"rule": p.rule, "part": p.part, "present": p.present} for p in r.required_parts],
        # Each part as found, with the heading it was found under (agency pages show it).
        "parts": {p.id: {"present": p.present, "how": p.how, "heading": p.heading} for p in r.parts},
        "score": r.score.total,
        "score_detail": {"chapters": list(r.score.chapters.items())},
        # Each checkpoint as a [rule, severity, status, reason] array, not an object: a report
        # has ~150 of them, and objects repeating the four keys made a third of the entry's bytes
        # and most of the time orjson takes to read it back (cache.FORMAT 4).
        "items": [
            {"id": it.id, "status": it.status._value_, "reason": it.reason,
             "checkpoints": [[c.rule, severity[c.rule], c.status._value_, c.reason] for c in it.checkpoints]}
            for it in r.items
        ],
        "findings": [{"rule": f.rule, "kind": f.kind, "severity": f.severity._value_, "args": f.args}
                     for f in r.findings],
        "promises": [{"rule": e.rule, "item": item_of[e.rule], "quote": e.quote, "start": e.start, "end": e.end}
                     for e in r.promises],
    }


def entry_for(result: ReportResult, ruleset: RuleSet, digest: str | None) -> dict[str, Any]:
    """The full cached entry of a checked report."""
    return {
        "ok": True,
        "source": result.source,
        "sha256": digest,
        "report": neutral_report(result, ruleset),
        "sentences": fingerprints(result.document.text),
    }


def error_entry(source: str, key: str, args: dict[str, str]) -> dict[str, Any]:
    """The entry of a file that could not be checked."""
    return {"ok": False, "source": source, "sha256": None, "error": {"key": key, "args": args}}


def summary_row(entry: dict[str, Any], weights: dict[str, float]) -> dict[str, Any]:
    """One summary row (one per input file) from a full entry."""
    if not entry["ok"]:
        return {"ok": False, "source": entry["source"], "error": entry["error"]}
    r = entry["report"]
    missing = parts_missing(r)
    missing_required = 0
    gaps: list[tuple[float, int]] = []
    for item in r["items"]:
        lost = 0.0
        for rule, severity, status, _ in item["checkpoints"]:  # [rule, severity, status, reason]
            if severity == "required" and status in ("missing", "planned"):
                missing_required += 1
                lost += weights.get(rule, 1.0)
        if item["status"] in ("missing", "planned"):
            gaps.append((-lost, item["id"]))
    gaps.sort()
    return {
        "ok": True,
        "source": entry["source"],
        "agency": r["agency"]["name"],
        "level": r["agency"]["level"],
        "year": r["year"],
        "published": r["published"],
        "on_time": on_time(r),
        "parts_required": len(r["required_parts"]),
        "parts_present": len(r["required_parts"]) - len(missing),
        "parts_missing": missing,
        "score": r["score"],
        "chapters": dict(r["score_detail"]["chapters"]),
        "missing_items": sum(1 for item in r["items"] if item["status"] == "missing"),
        "missing_required": missing_required,
        "top_gaps": [i for _, i in gaps[:3]],  # item ids, the renderers give their titles
        "digest": entry.get("sha256"),
    }


def _is(value: Any, *types: type) -> bool:
    """Like isinstance, but a bool is not taken for a number."""
    return isinstance(value, types) and not (isinstance(value, bool) and bool not in types)


def _items_usable(items: Any) -> bool:
    """Every item and checkpoint has the fields the readers use, of the right types.

    Plain loops, not nested all() over `_is`: this walks each of a report's ~150 checkpoints
    whenever an entry is read from a cache that this run did not fill (0.3 ms a report before).
    A str is never a bool, so isinstance alone is `_is` for strings.
    """
    if not isinstance(items, list):
        return False
    for i in items:
        if not isinstance(i, dict):
            return False
        iid, cps = i.get("id"), i.get("checkpoints")
        if (not isinstance(iid, int) or isinstance(iid, bool) or not isinstance(i.get("status"), str)
                or not isinstance(i.get("reason"), str) or not isinstance(cps, list)):
            return False
        for c in cps:  # [rule, severity, status, reason]
            if not (isinstance(c, list) and len(c) == 4 and isinstance(c[0], str) and isinstance(c[1], str)
                    and isinstance(c[2], str) and isinstance(c[3], str)):
                return False
    return True


def _pairs_usable(pairs: Any) -> bool:
    return isinstance(pairs, list) and all(
        isinstance(p, list) and len(p) == 2 and _is(p[0], int) and _is(p[1], int, float, type(None)) for p in pairs)


def usable(entry: Any) -> bool:
    """Whether a cached entry holds every field the summaries and agency pages read.

    With the right types too: a damaged or hand-edited cache costs a re-check, never a traceback.
    """
    if not isinstance(entry, dict) or entry.get("ok") is not True or not _is(entry.get("source"), str):
        return False
    r = entry.get("report")
    if not isinstance(r, dict) or not isinstance(r.get("agency"), dict):
        return False
    detail = r.get("score_detail")
    timely = r.get("timeliness")
    scalars = (_is(r["agency"].get("name"), str, type(None)) and _is(r["agency"].get("level"), str, type(None))
               and _is(r.get("year"), int, type(None)) and _is(r.get("published"), str, type(None))
               and _is(r.get("score"), int, float) and isinstance(timely, dict)
               and timely.get("status") in ("on_time", "late", "unknown"))
    if not scalars or not isinstance(detail, dict) or not _pairs_usable(detail.get("chapters")):
        return False
    parts = r.get("required_parts")
    if not isinstance(parts, list) or not all(
            isinstance(p, dict) and _is(p.get("rule"), str) and _is(p.get("present"), bool) for p in parts):
        return False
    found = r.get("parts")
    if not isinstance(found, dict) or not all(
            isinstance(v, dict) and _is(v.get("heading"), str, type(None)) for v in found.values()):
        return False
    findings, promises, sentences = r.get("findings"), r.get("promises", []), entry.get("sentences", [])
    if not (_items_usable(r.get("items")) and isinstance(findings, list) and isinstance(promises, list)
            and isinstance(sentences, list)):
        return False
    if not all(isinstance(f, dict) and _is(f.get("rule"), str) and isinstance(f.get("args"), dict) for f in findings):
        return False
    if not all(isinstance(p, dict) and _is(p.get("rule"), str) and _is(p.get("quote"), str) for p in promises):
        return False
    if not all(isinstance(x, int) and not isinstance(x, bool) for x in sentences):
        return False
    try:  # the readers themselves, for anything the checks above do not name
        summary_row(entry, {})
        year_report(entry)
    except (KeyError, TypeError, ValueError, AttributeError):
        return False
    return True
