"""The summary a supervisor works from (issue 13 §5): every row linked, readable columns, rates
that say their base, spreadsheet numbers as people read them, error reasons in their own
column, the report's unit (items, checkpoints beneath), and the tool that made it."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import SAMPLES
from lxml import etree

from checker import __version__
from checker.render.audit import _on_time_rate


def _audit(src: Path, out: Path, *args: str) -> None:
    r = subprocess.run([sys.executable, "-m", "checker", "audit", str(src), "-o", str(out), "-j", "1", *args],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 1, r.stderr  # one file could not be checked


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("in")
    for name in ("yunxi-county-2024.txt", "meiling-town-2023.html"):
        (d / name).write_bytes((SAMPLES / name).read_bytes())
    # A report that names no agency and gives no publication date.
    text = (SAMPLES / "yunxi-county-2024.txt").read_text(encoding="utf-8")
    text = re.sub(r"云溪县人民政府|云溪县", "本地", text)
    text = re.sub(r"2025\s*年\s*3\s*月\s*28\s*日|2025-03-28", "", text)
    (d / "draft-notes.txt").write_text(text, encoding="utf-8")
    (d / "broken.pdf").write_bytes(b"not a pdf at all")
    return d


@pytest.fixture(scope="module")
def zh(inputs: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("zh")
    _audit(inputs, out)
    return out


@pytest.fixture(scope="module")
def en(inputs: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("en")
    _audit(inputs, out, "--lang", "en")
    return out


def _csv(out: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO((out / "summary.csv").read_text(encoding="utf-8-sig"))))


def test_summary_json_names_the_tool_and_rules(zh: Path) -> None:
    data = json.loads((zh / "summary.json").read_text(encoding="utf-8"))
    assert data["tool"]["name"] == "fzzf-checker" and data["tool"]["version"] == __version__
    assert re.fullmatch(r"[0-9a-f]{16}", data["tool"]["rules_version"])


def test_missing_items_are_counted_as_the_report_counts_them(zh: Path, inputs: Path) -> None:
    r = subprocess.run([sys.executable, "-m", "checker", "check", str(inputs / "meiling-town-2023.html"),
                        "--format", "json"], capture_output=True, text=True, timeout=300)
    report = json.loads(r.stdout)["reports"][0]
    row = next(x for x in json.loads((zh / "summary.json").read_text(encoding="utf-8"))["rows"]
               if x["source"].endswith("meiling-town-2023.html"))
    assert row["missing_items"] == report["counts"]["missing"]
    assert row["missing_required"] >= row["missing_items"]  # the checkpoints beneath
    csv_row = next(x for x in _csv(zh) if x["来源文件"].endswith("meiling-town-2023.html"))
    assert csv_row["缺失事项数"] == str(report["counts"]["missing"])
    page = (zh / "summary.html").read_text(encoding="utf-8")
    assert f"含必查要点 {row['missing_required']} 个" in page


def test_error_rows_have_their_reason_in_their_own_column(zh: Path, en: Path) -> None:
    bad = next(x for x in _csv(zh) if x["来源文件"].endswith("broken.pdf"))
    assert bad["问题"] and "PDF" in bad["问题"] and bad["主要缺失事项"] == ""
    bad = next(x for x in _csv(en) if x["Source"].endswith("broken.pdf"))
    assert bad["Problem"] and bad["Top gaps"] == ""


def test_english_csv_joins_gaps_in_english(zh: Path, en: Path) -> None:
    gaps = [x["Top gaps"] for x in _csv(en) if x["Top gaps"]]
    assert gaps and all("；" not in g for g in gaps) and any("; " in g for g in gaps)
    assert any("；" in x["主要缺失事项"] for x in _csv(zh))


def test_xlsx_scores_have_one_decimal(zh: Path) -> None:
    with zipfile.ZipFile(zh / "summary.xlsx") as z:
        sheet = etree.fromstring(z.read("xl/worksheets/sheet1.xml"))
        styles = z.read("xl/styles.xml").decode()
    ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
    numbers = [v.text for v in sheet.iterfind(".//m:c/m:v", ns) if v.getparent().get("t") is None]
    # Each number is the double of a one-decimal value (xlsxwriter prints 17 digits of it) …
    assert numbers and all(float(n) == round(float(n), 1) for n in numbers), numbers
    assert 'formatCode="0.0"' in styles
    score_cells = [c for c in sheet.iterfind(".//m:c", ns) if re.fullmatch(r"H\d+", c.get("r")) and c.get("r") != "H1"]
    assert score_cells and all(c.get("s") for c in score_cells)  # … shown with the 0.0 format


def test_every_row_links_to_its_agency_page_also_when_unidentified(zh: Path) -> None:
    page = (zh / "summary.html").read_text(encoding="utf-8")
    body = page.split('<table id="summary">')[1].split("</table>")[0]
    rows = re.findall(r"<tr data-level=.*?</tr>", body, re.S)
    assert len(rows) == 3
    for row in rows:
        link = re.search(r'<a href="([^"]+)">', row)
        assert link, row
        assert (zh / link.group(1)).is_file()
    unknown = next(r for r in rows if "未识别" in r)
    assert "draft" in re.search(r'<a href="([^"]+)">', unknown).group(1)


def test_unidentified_is_a_filter_value(zh: Path) -> None:
    page = (zh / "summary.html").read_text(encoding="utf-8")
    assert re.search(r'<select id="f-level">.*<option value="\?">未识别</option>', page)
    assert re.search(r'<select id="f-year">.*<option value="\?">未识别</option>', page)


def test_file_column_shows_the_name_and_the_path_in_a_tooltip(zh: Path, inputs: Path) -> None:
    page = (zh / "summary.html").read_text(encoding="utf-8")
    full = str(inputs / "meiling-town-2023.html")
    assert re.search(rf'title="{re.escape(full)}">meiling-town-2023.html</td>', page)
    assert f">{full}<" not in page


def test_on_time_rate_says_its_base(zh: Path, en: Path) -> None:
    assert _on_time_rate("zh", 2, 2, 5) == "按时公开率 2/2 已知，3 份未知"
    assert _on_time_rate("en", 1, 2, 5) == "published on time 1/2 known, 3 unknown"
    assert _on_time_rate("zh", 3, 4, 4) == "按时公开率 3/4"
    assert _on_time_rate("zh", 0, 0, 4) is None  # no date known: no rate at all
    rows = json.loads((zh / "summary.json").read_text(encoding="utf-8"))["rows"]
    checked = [r for r in rows if r["ok"]]
    known = [r for r in checked if r["on_time"] is not None]
    rate = _on_time_rate("zh", sum(1 for r in known if r["on_time"]), len(known), len(checked))
    assert f'<span id="on-time-rate">{rate}</span>' in (zh / "summary.html").read_text(encoding="utf-8")


def test_agency_pages_show_each_parts_heading_and_the_file_name(zh: Path, inputs: Path) -> None:
    page = (zh / "agencies" / "梅岭镇.html").read_text(encoding="utf-8")
    report = json.loads(subprocess.run(
        [sys.executable, "-m", "checker", "check", str(inputs / "meiling-town-2023.html"), "--format", "json"],
        capture_output=True, text=True, timeout=300).stdout)["reports"][0]
    shown = [p for p in report["parts"].values() if p["present"] and p["heading"]]
    assert shown
    for p in shown:
        assert f"标题“{p['heading']}”" in page
    assert "缺少" in page.split('<ul class="parts">')[1]  # the part the report lacks
    full = str(inputs / "meiling-town-2023.html")
    assert f'title="{full}">meiling-town-2023.html</td>' in page
    data = json.loads((zh / "agencies" / "梅岭镇.json").read_text(encoding="utf-8"))
    assert data["reports"][0]["parts"]["measures"]["heading"] == report["parts"]["measures"]["heading"]
    md = (zh / "agencies" / "梅岭镇.md").read_text(encoding="utf-8")
    assert f"标题“{report['parts']['measures']['heading']}”" in md
