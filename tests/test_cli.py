from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import SAMPLES

REPORT = ("云溪县2024年法治政府建设年度报告\n一、主要举措和成效\n全年主动公开政府信息1265条。\n"
          "二、存在的不足和原因\n执法力量不足。\n三、党政主要负责人履行推进法治建设第一责任人职责情况\n"
          "县长主持召开常务会议研究法治工作3次。\n四、2025年工作安排\n下一步将推进行政复议规范化建设。\n")


def fzzf(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "checker", *args], capture_output=True, text=True,
                          cwd=cwd, timeout=120)


@pytest.fixture()
def report(tmp_path: Path) -> Path:
    p = tmp_path / "yunxi.txt"
    p.write_text(REPORT, encoding="utf-8")
    return p


def test_check_json_contract(report: Path) -> None:
    r = fzzf("check", str(report), "--format", "json")
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert data["tool"]["name"] == "fzzf-checker" and data["tool"]["version"]
    (rep,) = data["reports"]
    assert rep["source"] == str(report)
    assert rep["agency"] == {"name": "云溪县", "level": "county", "name_source": "title",
                             "level_source": "agency name"}
    assert rep["year"] == 2024 and rep["published"] is None
    assert 0 <= rep["score"] <= 100
    for part in ("measures", "shortcomings", "first_responsible", "next_year"):
        assert rep["parts"][part]["present"] is True
    ids = [i["id"] for i in rep["items"]]
    assert ids == list(range(1, 36))
    statuses = {i["id"]: i["status"] for i in rep["items"]}
    assert statuses[2] == statuses[3] == "informational"
    assert statuses[7] == statuses[8] == "not_applicable"
    assert statuses[27] == "met"
    assert statuses[22] == "planned"
    ev = next(i for i in rep["items"] if i["id"] == 27)["evidence"][0]
    text = report.read_text(encoding="utf-8")
    assert ev["quote"] and ev["part"] == "measures"
    # Offsets index the cleaned text, which for a clean .txt is the file's text.
    assert text[ev["start"]:ev["end"]] == ev["quote"]


@pytest.mark.parametrize("fmt", ["text", "markdown"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_readable_formats(report: Path, fmt: str, lang: str) -> None:
    r = fzzf("check", str(report), "--format", fmt, "--lang", lang)
    assert r.returncode == 0, r.stderr
    if lang == "zh":
        assert "得分" in r.stdout and "缺失事项" in r.stdout and "只在下一年度安排中提及" in r.stdout
    else:
        assert "Score" in r.stdout and "Missing items" in r.stdout and "next year's arrangements" in r.stdout
    assert "推进行政复议规范化建设" in r.stdout  # the quote behind the planned verdict


def test_output_file(report: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.json"
    r = fzzf("check", str(report), "--format", "json", "-o", str(out))
    assert r.returncode == 0 and r.stdout == ""
    assert json.loads(out.read_text(encoding="utf-8"))["reports"][0]["agency"]["name"] == "云溪县"


def test_overrides(report: Path) -> None:
    r = fzzf("check", str(report), "--format", "json", "--agency", "某街道", "--level", "street",
             "--year", "2024", "--published", "2025-04-02")
    rep = json.loads(r.stdout)["reports"][0]
    assert rep["agency"]["name"] == "某街道" and rep["agency"]["level"] == "street"
    assert rep["published"] == "2025-04-02"
    assert any(f["rule"] == "T.late" for f in rep["findings"])


def _one_line_error(r: subprocess.CompletedProcess[str]) -> str:
    assert r.returncode == 2
    assert "Traceback" not in r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1, r.stderr
    return lines[0]


def test_missing_file_exit_2(tmp_path: Path) -> None:
    line = _one_line_error(fzzf("check", str(tmp_path / "nope.txt")))
    assert "nope.txt" in line and "文件不存在" in line


def test_bad_file_keeps_other_rows(report: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\x00\x01\x02" * 100)
    r = fzzf("check", str(report), str(bad), "--format", "json")
    assert r.returncode == 2
    data = json.loads(r.stdout)
    assert [x["source"] for x in data["reports"]] == [str(report)]
    assert [x["source"] for x in data["errors"]] == [str(bad)]
    assert "Traceback" not in r.stderr and len(r.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize(
    "args",
    [
        ["check"],
        ["check", "x.txt", "--format", "pdf"],
        ["check", "x.txt", "--published", "yesterday"],
        ["check", "x.txt", "--level", "village"],
        ["nonsense"],
    ],
)
def test_usage_errors_are_one_line(args: list[str]) -> None:
    _one_line_error(fzzf(*args))


def test_english_errors(tmp_path: Path) -> None:
    line = _one_line_error(fzzf("check", str(tmp_path / "nope.txt"), "--lang", "en"))
    assert "no such file" in line


def test_unsupported_type(tmp_path: Path) -> None:
    p = tmp_path / "a.rtf"
    p.write_bytes(b"x")
    assert "不支持" in _one_line_error(fzzf("check", str(p)))


def test_help_documents_exit_status() -> None:
    r = fzzf("check", "--help")
    assert r.returncode == 0 and "Exit status" in r.stdout


def test_samples_run() -> None:
    files = sorted(str(p) for p in SAMPLES.iterdir() if p.suffix in (".txt", ".html"))
    r = fzzf("check", *files, "--format", "json", "--no-fail")
    assert r.returncode == 0, r.stderr
    assert len(json.loads(r.stdout)["reports"]) == len(files)


@pytest.mark.parametrize("command", [["check"], ["audit"], ["rules", "lint"]])
def test_help_keeps_the_exit_status_table_unwrapped(command: list[str]) -> None:
    from click.testing import CliRunner

    from checker.cli import cli

    out = CliRunner().invoke(cli, [*command, "--help"]).output
    assert "\\b" not in out and "\b" not in out
    assert "\n  Exit status:" in out
