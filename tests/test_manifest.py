"""fzzf audit --manifest: the supervisor's table of who sent what wins over the report text."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import SAMPLES

from checker.api import Checker, Overrides
from checker.batch.manifest import load, parse
from checker.errors import InputError


def _write(tmp_path: Path, text: str, encoding: str = "utf-8-sig") -> Path:
    p = tmp_path / "m.csv"
    p.write_bytes(text.encode(encoding))
    return p


def test_chinese_header_any_order_excel_bom(tmp_path: Path) -> None:
    m = load(_write(tmp_path, "年度,文件名,层级,单位,发布日期\n2023年,a.txt,乡镇,衢山镇,2024/3/25\n"))
    (row,) = m.rows
    assert (row.file, row.agency, row.level, row.year, row.published) == ("a.txt", "衢山镇", "township", 2023,
                                                                        "2024-03-25")


def test_gb18030_without_header_in_column_order(tmp_path: Path) -> None:
    m = load(_write(tmp_path, "报告/泰顺*.txt,泰顺县,county,2023,\n# comment\n\nb.txt,,,,2024年3月1日\n", "gb18030"))
    assert [(r.line, r.file, r.agency, r.level, r.year, r.published) for r in m.rows] == [
        (1, "报告/泰顺*.txt", "泰顺县", "county", 2023, None), (4, "b.txt", None, None, None, "2024-03-01")]


@pytest.mark.parametrize(("text", "line"), [
    ("file,level\na.txt,村级\n", "2"),
    ("file,year\na.txt,23\n", "2"),
    ("a.txt,,,,2024-02-30\n", "1"),
    ("file,agency\n,某县\n", "2"),
])
def test_bad_cell_is_one_error_naming_the_line(tmp_path: Path, text: str, line: str) -> None:
    with pytest.raises(InputError) as exc:
        load(_write(tmp_path, text))
    assert exc.value.key == "manifest.bad_row" and exc.value.args_map["line"] == line


def test_unreadable_manifest(tmp_path: Path) -> None:
    with pytest.raises(InputError) as exc:
        load(tmp_path / "nope.csv")
    assert exc.value.key == "manifest.bad"
    with pytest.raises(InputError) as exc:
        load(_write(tmp_path, "agency,level\n某县,county\n"))
    assert exc.value.key == "manifest.bad"  # no file column


def test_exact_name_wins_over_glob_and_unmatched_rows(tmp_path: Path) -> None:
    m = parse("*.txt,某县,county\nsub/a.txt,某镇,township\nmissing.txt,某乡,township\n", "m.csv", tmp_path)
    a = str(tmp_path / "sub" / "a.txt")
    b = str(tmp_path / "other" / "b.txt")
    assert m.match(a).agency == "某镇"
    assert m.match(b).agency == "某县"
    assert m.match(str(tmp_path / "c.pdf")) is None
    assert [r.file for r in m.unmatched([a, b])] == ["missing.txt"]


def test_manifest_values_win_with_source_manifest() -> None:
    row = parse("yunxi-county-2024.txt,江州市云溪县,county,2024,2025-03-01\n", "m.csv", SAMPLES).rows[0]
    r = Checker().check_path(SAMPLES / "yunxi-county-2024.txt", row.overrides(Overrides()))
    m = r.metadata
    assert (m.agency.value, m.agency.source) == ("江州市云溪县", "manifest")
    assert (m.published.value, m.published.source) == ("2025-03-01", "manifest")
    assert m.year.source == "manifest" and m.level.source == "manifest"


def _audit(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "checker", "audit", *args], capture_output=True, text=True,
                          timeout=300, env={"PATH": "/usr/bin:/bin", "CI": "1",
                                            "FZZF_CACHE_DIR": os.environ["FZZF_CACHE_DIR"]})


def test_audit_with_manifest(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    for name in ("yunxi-county-2024.txt", "jiangzhou-market-regulation-2024.txt"):
        shutil.copy(SAMPLES / name, src / name)
    manifest = _write(tmp_path, "file,agency,level,year,published\n"
                                "yunxi-*.txt,云溪县,county,2023,2024-05-06\nlost.txt,某乡,乡镇,2023,\n")
    out = tmp_path / "out"
    r = _audit(str(src), "-o", str(out), "--manifest", str(manifest), "--lang", "en", "-j", "1")
    assert r.returncode == 0, r.stderr
    assert "manifest line 3 (lost.txt) names no file" in r.stderr
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["manifest"]["unmatched"] == [{"line": 3, "file": "lost.txt"}]
    rows = {Path(x["source"]).name: x for x in summary["rows"]}
    assert (rows["yunxi-county-2024.txt"]["year"], rows["yunxi-county-2024.txt"]["published"]) == (2023, "2024-05-06")
    assert rows["yunxi-county-2024.txt"]["on_time"] is False  # the manifest's date, judged on the manifest's year
    assert rows["jiangzhou-market-regulation-2024.txt"]["year"] == 2024  # no row: the text decides
    # A changed manifest is not answered from the cache of the first run.
    manifest.write_text("file,year\nyunxi-*.txt,2024\n", encoding="utf-8")
    r = _audit(str(src), "-o", str(out), "--manifest", str(manifest), "-j", "1")
    rows = {Path(x["source"]).name: x for x in json.loads((out / "summary.json").read_text(encoding="utf-8"))["rows"]}
    assert rows["yunxi-county-2024.txt"]["year"] == 2024


def test_audit_bad_manifest_exit_2(tmp_path: Path) -> None:
    manifest = _write(tmp_path, "file,level\na.txt,村级\n")
    r = _audit(str(SAMPLES), "-o", str(tmp_path / "out"), "--manifest", str(manifest))
    assert r.returncode == 2
    assert "Traceback" not in r.stderr and "第2行" in r.stderr and len(r.stderr.strip().splitlines()) == 1
