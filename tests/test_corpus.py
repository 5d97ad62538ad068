"""The checker against the hand labels in ../shared/corpus, scored by the corpus's own scorer."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from checker.render import RenderContext, jsonout


def test_corpus_scores(checker, corpus: Path, tmp_path: Path) -> None:
    results = tuple(checker.check_path(p) for p in sorted(corpus.glob("*.txt")))
    out = tmp_path / "out.json"
    out.write_text(jsonout.render(RenderContext(results, (), checker.ruleset, "zh")), encoding="utf-8")
    run = subprocess.run([sys.executable, str(corpus / "score.py"), str(out)], capture_output=True,
                         text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    summary = run.stdout
    parts = re.search(r"parts (\d+)/(\d+)", summary)
    meta = re.search(r"metadata (\d+)/(\d+)", summary)
    f1 = re.search(r"items F1 ([\d.]+) \(precision ([\d.]+), recall ([\d.]+)\)", summary)
    assert parts and meta and f1, summary
    assert parts.group(1) == parts.group(2), summary
    assert int(meta.group(1)) >= int(meta.group(2)) - 1, summary
    assert float(f1.group(1)) >= 0.90, summary


def test_every_item_once_per_report(checker, corpus: Path) -> None:
    for p in sorted(corpus.glob("*.txt")):
        r = checker.check_path(p)
        data = jsonout.report_dict(r, RenderContext((r,), (), checker.ruleset, "zh"))
        assert [i["id"] for i in data["items"]] == list(range(1, 36))
        text = r.document.text
        for item in data["items"]:
            for e in item["evidence"]:
                assert text[e["start"]:e["end"]] == e["quote"]
        json.dumps(data, ensure_ascii=False)
