"""The score people read (item-based content, bands, a breakdown that adds up) and the gate's words."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from conftest import SAMPLES

from checker.gate import GateOptions, judge, view
from checker.model import Severity, Status
from checker.render import FORMATS, RenderContext
from checker.score import BANDS, CREDIT, band


def test_bands_cover_every_score() -> None:
    assert band(100) == "excellent" and band(0) == "poor"
    assert [b for b, _ in BANDS] == ["excellent", "good", "fair", "poor"]
    assert band(69.9) == "fair" and band(70) == "good"


@pytest.mark.parametrize("name", ["yunxi-county-2024.txt", "meiling-town-2024.html", "chengdong-street-2024.html"])
def test_content_is_the_weighted_item_statuses(checker, name: str) -> None:
    r = checker.check_path(SAMPLES / name)
    weights = {x.id: x.weight_for(r.profile) for x in checker.ruleset.rules}
    num = den = 0.0
    for item in r.items:
        if item.status not in CREDIT:
            continue
        w = sum(weights[c.rule] for c in item.checkpoints if c.status is not Status.NOT_APPLICABLE)
        num += w * CREDIT[item.status]
        den += w
    assert r.score.content == round(100 * num / den, 1)
    # The breakdown's counts are the item counts the report prints.
    counted = {k: n for k, (n, _) in r.score.items.items()}
    assert counted["met"] == sum(1 for i in r.items if i.status is Status.MET)
    assert counted["partial"] == sum(1 for i in r.items if i.status is Status.PARTIAL)
    w = {k: v for k, (_, v) in r.score.items.items()}
    assert round(100 * (w["met"] + 0.6 * w["partial"]) / sum(w.values()), 1) == r.score.content
    assert r.score.band == band(r.score.total)


def test_breakdown_adds_up_on_screen(checker) -> None:
    r = checker.check_path(SAMPLES / "yunxi-county-2024.txt")
    out = FORMATS["text"](RenderContext((r,), (), checker.ruleset, "zh"))
    m = re.search(r"([\d.]+) = 内容 ([\d.]+)×80% \+ 结构 ([\d.]+)×15% \+ 时效 ([\d.]+)×5%", out)
    assert m, out[:800]
    total, content, structure, timeliness = map(float, m.groups())
    assert abs(total - (0.8 * content + 0.15 * structure + 0.05 * timeliness)) < 0.1
    assert f"得分 {r.score.total}/100（" in out


def test_default_gate_says_it_checked_structure_only(checker) -> None:
    r = checker.check_path(SAMPLES / "meiling-town-2024.html")
    opts = GateOptions()
    v = view(judge(r, checker.ruleset, opts), opts, "zh")
    assert [c["check"] for c in v["checks"]] == ["structure"]
    assert v["standard"] == "必备部分齐全"
    assert v["note"] and str(r.score.total) in v["note"]  # the content score shown, not approved
    if v["passed"]:
        assert "可以发布" in v["label"]


def test_chosen_gate_lists_each_check_with_its_own_mark(checker) -> None:
    r = checker.check_path(SAMPLES / "chengdong-street-2024.html")
    opts = GateOptions(fail_under=99, fail_on=Severity.REQUIRED)
    verdict = judge(r, checker.ruleset, opts)
    v = view(verdict, opts, "zh")
    assert [c["check"] for c in v["checks"]] == ["structure", "score", "checkpoints"]
    assert not v["passed"] and "可以发布" not in v["label"]
    score = next(c for c in v["checks"] if c["check"] == "score")
    assert not score["passed"] and "99" in score["message"]
    assert "得分不低于 99" in v["standard"] and v["note"] is None
    assert len(v["reasons"]) == sum(1 for c in v["checks"] if not c["passed"])


def fzzf(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "checker", *args], capture_output=True, text=True, timeout=120)


def test_line_format_prints_only_what_fails_the_gate(tmp_path) -> None:
    sample = str(SAMPLES / "chengdong-street-2024.html")
    default = fzzf("check", sample, "--format", "line", "--no-fail").stdout.splitlines()
    everything = fzzf("check", sample, "--format", "line", "--no-fail", "--all").stdout.splitlines()
    strict = fzzf("check", sample, "--format", "line", "--fail-on", "required").stdout.splitlines()
    assert len(everything) > len(strict) > len(default)
    assert all(": required: " in x for x in strict)
    # A checkpoint with a quote points at its sentence, not at 1:1.
    assert any(not x.split(":", 3)[1:3] == ["1", "1"] for x in everything if ": C" in x)


def test_explain_an_item_lists_its_checkpoints() -> None:
    r = fzzf("explain", "20")
    assert r.returncode == 0, r.stderr
    assert "(20)" in r.stdout and "C20.01" in r.stdout and "C20.02" in r.stdout
    assert "required" not in r.stdout  # severities in words
    r = fzzf("explain", "20", "--lang", "en")
    assert "Checkpoints" in r.stdout and "C20.01" in r.stdout


def test_text_and_markdown_show_the_gate_with_each_check() -> None:
    sample = str(SAMPLES / "meiling-town-2024.html")
    text = fzzf("check", sample, "--fail-under", "60").stdout
    assert "检查标准：必备部分齐全；得分不低于 60）" in text
    assert "  ✗ 缺少必备部分" in text and "  ✓ 得分" in text and "可以发布" not in text
    md = fzzf("check", sample, "--format", "markdown", "--no-fail").stdout
    assert "未做发布前检查" in md and "可以发布" not in md  # --no-fail: nothing checked, nothing approved
