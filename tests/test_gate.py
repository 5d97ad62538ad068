"""The pre-publication gate and the editor/CI formats (line, junit)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from lxml import etree

from checker.ruleset.load import load_rules

SIGNAL = re.compile(r"第一责任人|述法|主要负责人|书记|县长")


def complete_draft(with_first_responsible: bool = True) -> str:
    """A county draft that covers every required checkpoint, built from the rules' own examples."""
    rs = load_rules()
    measures, leaders = [], []
    for r in rs.checkpoints():
        if r.severity.value != "required" or not r.applies("county") or r.item in (7, 8):
            continue
        sentence = r.examples_pass[0]
        (leaders if SIGNAL.search(sentence) else measures).append(sentence)
    parts = ["云溪县人民政府关于2024年法治政府建设情况的报告", "发布日期：2025-03-20",
             "一、2024年推进法治政府建设的主要举措和成效", *measures,
             "二、存在的不足和原因", "基层执法力量不足，主要原因是编制紧张、专业人员缺乏。"]
    if with_first_responsible:
        parts += ["三、党政主要负责人履行推进法治建设第一责任人职责情况", *leaders]
    parts += ["四、2025年推进法治政府建设的主要安排", "年底前出台《云溪县行政执法监督办法》。"]
    return "\n".join(parts) + "\n"


def fzzf(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "checker", *args], capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def drafts(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    d = tmp_path_factory.mktemp("drafts")
    good, bad = d / "good.txt", d / "no-leaders.txt"
    good.write_text(complete_draft(True), encoding="utf-8")
    bad.write_text(complete_draft(False), encoding="utf-8")
    return good, bad


def test_missing_part_fails_default_gate_naming_the_part(drafts) -> None:
    _, bad = drafts
    r = fzzf("check", str(bad))
    assert r.returncode == 1, r.stderr
    assert "未通过检查" in r.stderr and "党政主要负责人履行第一责任人职责情况" in r.stderr
    r = fzzf("check", str(bad), "--lang", "en")
    assert r.returncode == 1 and "missing required part" in r.stderr


def test_complete_draft_passes_fail_on_required(drafts) -> None:
    good, _ = drafts
    r = fzzf("check", str(good), "--fail-on", "required")
    assert r.returncode == 0, r.stderr
    r = fzzf("check", str(good))
    assert r.returncode == 0, r.stderr


def test_fail_on_recommended_and_fail_under(drafts) -> None:
    good, _ = drafts
    r = fzzf("check", str(good), "--fail-on", "recommended")
    assert r.returncode == 1 and "建议" in r.stderr
    r = fzzf("check", str(good), "--fail-under", "99.5")
    assert r.returncode == 1 and "低于" in r.stderr


def test_no_fail(drafts) -> None:
    _, bad = drafts
    assert fzzf("check", str(bad), "--no-fail").returncode == 0


def test_unreadable_beats_gate(drafts, tmp_path: Path) -> None:
    _, bad = drafts
    assert fzzf("check", str(bad), str(tmp_path / "missing.txt")).returncode == 2


def test_help_documents_gate_statuses() -> None:
    out = fzzf("check", "--help").stdout
    assert "failed the gate" in out and "--fail-on" in out and "--no-fail" in out


def test_line_format(drafts) -> None:
    _, bad = drafts
    r = fzzf("check", str(bad), "--format", "line", "--no-fail")
    lines = r.stdout.strip().splitlines()
    assert lines
    pattern = re.compile(rf"^{re.escape(str(bad))}:\d+:\d+: (required|recommended|optional): [A-Z][\w.-]+: .+$")
    assert all(pattern.match(x) for x in lines), lines[:3]
    assert any(": S.first_responsible: " in x for x in lines)


def test_junit_format(drafts) -> None:
    good, bad = drafts
    r = fzzf("check", str(good), str(bad), "--format", "junit", "--no-fail")
    root = etree.fromstring(r.stdout.encode())
    assert root.tag == "testsuites"
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == [str(good), str(bad)]
    cases = suites[1].findall("testcase")
    n_cp = len(load_rules().checkpoints())
    assert len(cases) >= n_cp
    failed = {c.get("name").split()[0] for c in cases if c.find("failure") is not None}
    assert "S.first_responsible" in failed
    assert int(root.get("tests")) == sum(int(s.get("tests")) for s in suites)


def test_json_carries_the_verdict_and_exits_0_unless_a_gate_option_is_given(drafts) -> None:
    import json

    _, bad = drafts
    r = fzzf("check", str(bad), "--format", "json")
    assert r.returncode == 0
    rep = json.loads(r.stdout)["reports"][0]
    assert rep["passed"] is False and "党政主要负责人履行第一责任人职责情况" in rep["gate"][0]
    r = fzzf("check", str(bad), "--format", "json", "--fail-under", "1")
    assert r.returncode == 1
