"""What a batch keeps of each file: a full entry (cached on disk) and a slim summary row.

The full entry is the JSON contract's report plus sentence fingerprints for the text-reuse
check; it stays on disk and is read back one agency at a time. The slim row is all the summary
needs, so memory grows by a few hundred bytes per report, not by the report.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

from checker.batch.agencies import on_time, parts_missing
from checker.model import PARTS_REQUIRED, ReportResult
from checker.render.context import RenderContext
from checker.render.jsonout import report_dict

_SPLIT = re.compile(r"[。！？；!?;\n]+")
# Spaces and punctuation that do not make two sentences different (line breaks are kept:
# they split sentences).
_NOISE_KEEP_LINES = re.compile(r"[^\S\n，,、：:“”\"'（）()《》【】\-—]+|[，,、：:“”\"'（）()《》【】\-—]+")
MIN_SENTENCE = 12  # characters: shorter pieces (headings, set phrases) say nothing about reuse


def fingerprints(text: str) -> list[int]:
    """64-bit fingerprints of the report's sentences, for measuring reuse between years.

    Noise (spaces, punctuation) goes in one pass over the whole text, line breaks excepted:
    they split sentences, so no sentence ever held one.
    """
    out = set()
    for norm in _SPLIT.split(_NOISE_KEEP_LINES.sub("", text)):
        if len(norm) >= MIN_SENTENCE:
            out.add(int.from_bytes(hashlib.blake2b(norm.encode(), digest_size=8).digest(), "big"))
    return sorted(out)


def entry_for(result: ReportResult, ctx: RenderContext, digest: str | None) -> dict[str, Any]:
    """The full cached entry of a checked report."""
    return {
        "ok": True,
        "source": result.source,
        "sha256": digest,
        "report": report_dict(result, ctx),
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
    gaps: list[tuple[float, int, str]] = []
    for item in r["items"]:
        lost = 0.0
        for cp in item["checkpoints"]:
            if cp["severity"] == "required" and cp["status"] in ("missing", "planned"):
                missing_required += 1
                lost += weights.get(cp["rule"], 1.0)
        if item["status"] in ("missing", "planned"):
            gaps.append((-lost, item["id"], item["title"]))
    gaps.sort()
    return {
        "ok": True,
        "source": entry["source"],
        "agency": r["agency"]["name"],
        "level": r["agency"]["level"],
        "year": r["year"],
        "published": r["published"],
        "on_time": on_time(r),
        "parts_present": len(PARTS_REQUIRED) - len(missing),
        "parts_missing": missing,
        "score": r["score"],
        "chapters": {int(k): v for k, v in r["score_detail"]["chapters"].items()},
        "missing_required": missing_required,
        "top_gaps": [f"{i}. {title}" for _, i, title in gaps[:3]],
        "digest": entry.get("sha256"),
    }
