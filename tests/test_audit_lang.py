"""The audit's cache is language-neutral: `--lang` re-renders every output from it, re-checking nothing,
and the renderers work from plain data (no knowledge of the audit's store)."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

from conftest import SAMPLES

from checker.batch.audit import AuditOptions, run_audit
from checker.compiled import compiled
from checker.i18n import t
from checker.render import audit as out


def _copy(dest: Path) -> Path:
    dest.mkdir()
    for name in ("yunxi-county-2023.txt", "yunxi-county-2024.txt", "meiling-town-2024.html"):
        shutil.copy(SAMPLES / name, dest / name)
    return dest


def _headers(folder: Path) -> list[str]:
    with (folder / "summary.csv").open(encoding="utf-8-sig") as fh:
        return next(csv.reader(fh))


def test_lang_en_after_zh_rechecks_nothing_and_writes_english(tmp_path: Path) -> None:
    src = _copy(tmp_path / "in")
    dest = tmp_path / "out"
    first = run_audit(AuditOptions(paths=[str(src)], outdir=dest, jobs=1, lang="zh"))
    assert (first.checked, first.cached) == (3, 0)
    assert _headers(dest)[0] == t("audit.rank", "zh")
    zh_rows = json.loads((dest / "summary.json").read_text(encoding="utf-8"))["rows"]

    again = run_audit(AuditOptions(paths=[str(src)], outdir=dest, jobs=1, lang="en"))
    assert (again.checked, again.cached) == (0, 3)
    assert _headers(dest) == out.headers("en")
    en_rows = json.loads((dest / "summary.json").read_text(encoding="utf-8"))["rows"]
    # The same numbers, the words in English: item titles in the gaps, the agency page.
    assert [(r["source"], r["score"], r["on_time"]) for r in en_rows] == [
        (r["source"], r["score"], r["on_time"]) for r in zh_rows]
    gaps = [g for r in en_rows for g in r["top_gaps"]]
    assert gaps and all(g.isascii() for g in gaps)
    assert any(not g.isascii() for r in zh_rows for g in r["top_gaps"])
    page = next((dest / "agencies").glob("*.md")).read_text(encoding="utf-8")
    assert t("audit.agency_title", "en") in page and t("audit.agency_title", "zh") not in page
    assert t("audit.table", "en") in (dest / "summary.html").read_text(encoding="utf-8")


def test_the_summaries_render_from_plain_lists() -> None:
    ruleset = compiled([]).ruleset
    row = {"rank": 1, "agency": "云溪县人民政府", "level": "county", "year": 2023, "published": "2024-03-26",
           "on_time": True, "parts_required": 5, "parts_present": 4, "parts_missing": ["S.next_year"],
           "score": 71.5, "chapters": {1: 80.0, 2: None}, "missing_required": 3, "top_gaps": [7, 8],
           "source": "a.txt", "link": None, "ok": True}
    error = {"ok": False, "source": "b.txt", "error": {"key": "input.empty", "args": {"path": "b.txt"}}}
    summary = out.Summary(lambda: [dict(row)], lambda: [error], lambda: [], {
        "files": 2, "ok": 1, "errors": 1, "agencies": 0, "timed": 1, "on_time": 1}, ["county"], [2023])
    fh = io.StringIO()
    out.summary_csv(summary, ruleset, "en", fh)
    cells = list(csv.reader(io.StringIO(fh.getvalue().lstrip("\ufeff"))))
    gaps = cells[0].index(out.headers("en")[-3])  # top gaps, then the problem and the file
    assert cells[1][6] == "4/5" and cells[1][gaps].startswith("7. ") and cells[1][gaps].isascii()
    assert cells[2][-1] == "b.txt"
    html = io.StringIO()
    out.summary_html(summary, ruleset, "en", html)
    assert "4/5" in html.getvalue() and "b.txt" in html.getvalue()
