"""Look-alike documents are refused with input.not_a_report; real reports never are."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, SAMPLES

from checker.errors import InputError
from checker.lookalike import classify, load
from checker.model import Document
from checker.read import read_document

LOOKALIKES = ROOT / "tests" / "fixtures" / "lookalikes"
KIND = {
    "disclosure-report-2023.txt": "disclosure-report",
    "report-interpretation-2023.txt": "interpretation",
    "meeting-topic-interpretation.txt": "interpretation",
    "workplan-notice-2024.txt": "work-plan",
    "work-arrangement-2024.txt": "work-plan",
    "writing-guideline-notice.txt": "guideline",
    "report-template.txt": "template",
    "model-text-untitled.txt": "template",
    "placeholder-county-template.html": "template",
}


def _doc(text: str, **fields: str) -> Document:
    return Document(source="<t>", text=text, format="txt", encoding="utf-8", fields=dict(fields))


def test_every_fixture_is_listed() -> None:
    assert sorted(p.name for p in LOOKALIKES.iterdir()) == sorted(KIND)
    assert {k.id for k in load().kinds} == set(KIND.values())


@pytest.mark.parametrize("name", sorted(KIND))
def test_lookalike_is_refused(checker, name: str) -> None:
    path = LOOKALIKES / name
    kind = classify(read_document(path))
    assert kind is not None and kind.id == KIND[name]
    with pytest.raises(InputError) as exc:
        checker.check_path(path)
    assert exc.value.key == "input.not_a_report"
    assert exc.value.args_map["kind"] == kind.name["zh"]


def _one_line(doc: Document) -> Document:
    """The document as a scraper that ran every line into one leaves it."""
    return Document(doc.source, re.sub(r"\s*\n\s*", " ", doc.text).strip() + "\n", doc.format, doc.encoding)


@pytest.mark.parametrize("name", sorted(KIND))
def test_lookalike_on_one_line_is_refused(name: str) -> None:
    kind = classify(_one_line(read_document(LOOKALIKES / name)))
    assert kind is not None and kind.id == KIND[name]


def _real_reports() -> list[Path]:
    paths = sorted(p for p in SAMPLES.iterdir() if p.suffix in (".txt", ".html"))
    paths += sorted((ROOT / "tests" / "fixtures").glob("*.pdf"))
    paths += sorted((ROOT / "tests" / "fixtures" / "judgement").glob("*.txt"))
    return [p for p in paths if p.name != "encrypted.pdf"]


@pytest.mark.parametrize("path", _real_reports(), ids=lambda p: p.name)
def test_real_reports_pass(path: Path) -> None:
    doc = read_document(path)
    assert classify(doc) is None
    assert classify(_one_line(doc)) is None


def test_corpus_reports_pass(corpus: Path) -> None:
    for path in sorted(corpus.glob("*.txt")):
        doc = read_document(path)
        assert classify(doc) is None and classify(_one_line(doc)) is None, path.name


@pytest.mark.parametrize(
    "text",
    [
        # A report that quotes disclosure counts and the disclosure report itself.
        "梅林县2023年法治政府建设年度报告\n2023年，我县全面推进政务公开。\n一、主要举措和成效\n"
        "按时发布2022年政府信息公开工作年度报告，主动公开政府信息情况良好。全年办理依申请公开38件，"
        "其中不予公开3件，上年结转2件，未收取信息处理费。",
        # …that issued its own 工作要点 and wrote 政策解读.
        "梅林县人民政府关于2023年度法治政府建设情况的报告\n一、主要举措和成效\n"
        "印发《2023年梅林县法治政府建设工作要点》，明确主要任务32项，牵头单位：县司法局。发布政策解读41篇。",
        # A report on one line, and one with only an opening paragraph before its parts.
        "2023年，梅林镇坚持依法行政。现将有关情况报告如下：一、主要举措 全年办理依申请公开12件。",
        # A page title that names the site's column.
        "一、主要举措和成效\n全年办理行政复议案件12件。",
    ],
)
def test_reports_quoting_lookalike_words_pass(text: str) -> None:
    assert classify(_doc(text, title="梅林县2023年法治政府建设年度报告_政策解读_梅林县人民政府")) is None


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("【解读】梅林县2023年法治政府建设年度报告\n近日，梅林县公布了年度报告。", "interpretation"),
        ("图说：梅林县2023年法治政府建设年度报告\n近日，梅林县公布了年度报告。", "interpretation"),
        ("梅林县2023年法治政府建设年度报告（图文解读）\n近日，梅林县公布了年度报告。", "interpretation"),
        ("梅林县2024年依法行政工作要点\n一、总体要求\n坚持依法行政。", "work-plan"),
        ("梅林市法治政府建设年度报告编写指引\n一、报告内容\n报告应当包括主要举措。", "guideline"),
        ("2024年度乡镇法治政府建设工作报告范文\n2024年，我镇坚持依法行政。", "template"),
    ],
)
def test_short_lookalikes(text: str, kind: str) -> None:
    found = classify(_doc(text))
    assert found is not None and found.id == kind


def test_report_with_next_years_plan_in_its_title_passes() -> None:
    text = "梅林县2023年法治政府建设工作总结及2024年工作计划\n2023年，我县坚持依法行政。"
    assert classify(_doc(text)) is None


def test_portal_column_in_the_page_title_does_not_refuse_a_report() -> None:
    text = "梅林县2023年法治政府建设年度报告\n一、主要举措和成效\n全年办理依申请公开12件。"
    title = "梅林县2023年法治政府建设年度报告_政府信息公开年度报告_梅林县人民政府门户网站"
    assert classify(_doc(text, title=title)) is None
    assert classify(_doc(text, title="梅林县人民政府门户网站_范文大全免费下载中心")) is None


def test_menu_lines_are_not_titles() -> None:
    text = "首页\n政策解读\n一图读懂\n梅林镇2023年度法治政府建设工作报告\n2023年，梅林镇全面推进法治建设。"
    assert classify(_doc(text)) is None


def _fzzf(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "checker", *args], capture_output=True, text=True, timeout=300)


def test_check_refuses_with_one_line_and_exit_2() -> None:
    r = _fzzf("check", str(LOOKALIKES / "disclosure-report-2023.txt"))
    assert r.returncode == 2
    lines = [ln for ln in r.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and "不是法治政府建设年度报告" in lines[0] and "政府信息公开工作年度报告" in lines[0]
    r = _fzzf("check", str(LOOKALIKES / "workplan-notice-2024.txt"), "--lang", "en")
    assert r.returncode == 2 and "not an annual rule-of-law government report" in r.stderr
    assert "Traceback" not in r.stderr


def test_check_keeps_the_other_files(tmp_path: Path) -> None:
    r = _fzzf("check", str(LOOKALIKES / "report-template.txt"), str(SAMPLES / "yunxi-county-2024.txt"),
              "--format", "json", "--no-fail")
    assert r.returncode == 2
    data = json.loads(r.stdout)
    assert [Path(x["source"]).name for x in data["reports"]] == ["yunxi-county-2024.txt"]


def test_audit_gives_an_error_row(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    (src / "notice.txt").write_bytes((LOOKALIKES / "workplan-notice-2024.txt").read_bytes())
    (src / "report.txt").write_bytes((SAMPLES / "yunxi-county-2024.txt").read_bytes())
    out = tmp_path / "out"
    r = _fzzf("audit", str(src), "-o", str(out), "-j", "1")
    assert "Traceback" not in r.stderr
    rows = {Path(row["source"]).name: row for row in
            json.loads((out / "summary.json").read_text(encoding="utf-8"))["rows"]}
    assert rows["notice.txt"]["error"]["key"] == "input.not_a_report"
    assert rows["report.txt"]["ok"]
