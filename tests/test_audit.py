"""fzzf audit: every file once, error rows, cache, filters, spreadsheets, agency reports."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import SAMPLES
from lxml import etree

from checker.batch.audit import slug
from checker.render.audit import safe_cell


def audit(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "checker", "audit", *args], capture_output=True, text=True,
                          timeout=300, env={"PATH": "/usr/bin:/bin", "CI": "1",
                                            "FZZF_CACHE_DIR": os.environ["FZZF_CACHE_DIR"]})


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("in")
    # The .docx and scanned-PDF samples have their own audit test (tests/test_format_samples.py):
    # the scan needs the OCR extra, which would make these rows depend on what is installed.
    shutil.copytree(SAMPLES, d / "samples", ignore=shutil.ignore_patterns("*.md", "*.docx", "*.pdf"))
    (d / "samples" / "broken.txt").write_bytes(b"\x00\x01binary junk\x00" * 50)
    (d / "samples" / "empty.html").write_bytes(b"")
    return d


@pytest.fixture(scope="module")
def first_run(inputs: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[subprocess.CompletedProcess[str], Path]:
    out = tmp_path_factory.mktemp("out")
    return audit(str(inputs / "samples"), "-o", str(out), "-j", "2"), out


def _rows(out: Path) -> list[dict]:
    return json.loads((out / "summary.json").read_text(encoding="utf-8"))["rows"]


def test_every_file_once_and_errors_as_rows(first_run, inputs: Path) -> None:
    r, out = first_run
    assert r.returncode == 1, r.stderr  # some files could not be checked
    assert "Traceback" not in r.stderr
    files = sorted(str(p) for p in (inputs / "samples").iterdir())
    rows = _rows(out)
    assert sorted(row["source"] for row in rows) == files
    bad = {Path(row["source"]).name: row for row in rows if not row["ok"]}
    assert set(bad) == {"broken.txt", "empty.html"}
    assert bad["broken.txt"]["error"]["key"] == "input.binary"
    ranks = [row["rank"] for row in rows if row["ok"]]
    assert ranks == sorted(ranks) and ranks[0] == 1


def test_csv_has_bom_and_every_file(first_run, inputs: Path) -> None:
    _, out = first_run
    raw = (out / "summary.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    table = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert table[0][0] == "排名" and table[0][1] == "单位"
    assert len(table) - 1 == len(list((inputs / "samples").iterdir()))
    assert any("不是文本文件" in " ".join(row) for row in table)


def test_xlsx_frozen_filtered_coloured(first_run) -> None:
    _, out = first_run
    with zipfile.ZipFile(out / "summary.xlsx") as z:
        sheet = etree.fromstring(z.read("xl/worksheets/sheet1.xml"))
    ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
    pane = sheet.find(".//m:pane", ns)
    assert pane is not None and pane.get("ySplit") == "1" and pane.get("state") == "frozen"
    assert sheet.find(".//m:autoFilter", ns) is not None
    assert sheet.find(".//m:conditionalFormatting/m:cfRule/m:colorScale", ns) is not None


def test_agency_reports(first_run) -> None:
    _, out = first_run
    names = sorted(p.name for p in (out / "agencies").iterdir())
    for agency in ("云溪县", "梅岭镇", "城东街道", "江州市市场监督管理局"):
        for ext in ("md", "html", "json"):
            assert f"{agency}.{ext}" in names
    data = json.loads((out / "agencies" / "云溪县.json").read_text(encoding="utf-8"))
    assert data["agency"] == "云溪县" and data["reports"]


def test_summary_html_is_self_contained(first_run) -> None:
    _, out = first_run
    page = (out / "summary.html").read_text(encoding="utf-8")
    assert "<script src" not in page and "<link" not in page and "http://" not in page and "https://" not in page
    assert 'id="summary"' in page and 'id="score-chart"' in page and 'id="heatmap"' in page


def test_rerun_uses_cache_and_rechecks_changed_files(first_run, inputs: Path) -> None:
    _, out = first_run
    r = audit(str(inputs / "samples"), "-o", str(out))
    assert "沿用缓存" in r.stdout
    n_ok = sum(1 for row in _rows(out) if row["ok"])
    n_bad = sum(1 for row in _rows(out) if not row["ok"])  # unreadable files are tried again
    assert f"新检查 {n_bad}，沿用缓存 {n_ok}" in r.stdout, r.stdout
    target = inputs / "samples" / "yunxi-county-2024.txt"
    original = target.read_bytes()
    try:
        target.write_bytes(original + "\n补充说明：全年举办法治讲座3场。\n".encode())
        r = audit(str(inputs / "samples"), "-o", str(out))
        assert f"新检查 {n_bad + 1}，沿用缓存 {n_ok - 1}" in r.stdout, r.stdout
    finally:
        target.write_bytes(original)


def test_filters(inputs: Path, tmp_path: Path) -> None:
    r = audit(str(inputs / "samples"), "-o", str(tmp_path), "--level", "township", "-j", "1")
    rows = [row for row in _rows(tmp_path) if row["ok"]]
    assert rows and all(row["level"] == "township" for row in rows)
    assert "筛除" in r.stderr


def test_usage_errors(tmp_path: Path) -> None:
    r = audit(str(tmp_path), "-o", str(tmp_path / "o"), "--level", "village")
    assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize(
    "name", ["../../etc/passwd", "a/b\\c", "..", ".hidden", "CON", "x" * 300, "=cmd|' /C calc'!A0"]
)
def test_slug_never_escapes(name: str) -> None:
    s = slug(name, set())
    assert "/" not in s and "\\" not in s and s not in ("", ".", "..") and len(s) <= 60


@pytest.mark.parametrize("value", ["=1+1", "+1", "-1", "@SUM(A1)", "=HYPERLINK(\"x\")"])
def test_formula_cells_are_text(value: str) -> None:
    assert safe_cell(value).startswith("'")


def _audit_expectations() -> list[dict]:
    import re

    import yaml

    text = (SAMPLES / "README.md").read_text(encoding="utf-8")
    blocks = [yaml.safe_load(b) for b in re.findall(r"```yaml\n(.*?)```", text, re.S)]
    return [b for b in blocks if b and "audit_agency" in b]


@pytest.mark.parametrize("exp", _audit_expectations(), ids=lambda e: e["audit_agency"])
def test_agency_history_golden(first_run, exp: dict) -> None:
    _, out = first_run
    data = json.loads((out / "agencies" / f"{exp['audit_agency']}.json").read_text(encoding="utf-8"))
    assert [r["year"] for r in data["reports"]] == exp["years"]
    (cmp,) = data["comparisons"]
    assert (cmp["score_delta"] > 0) is exp["score_rises"]
    assert sorted(g["id"] for g in cmp["recurring_gaps"]) == sorted(exp["recurring_gaps"])
    assert set(exp["promises_not_kept_items"]) <= {p["item"] for p in cmp["promises_not_kept"]}
    assert set(exp["promises_kept_items"]) <= {p["item"] for p in cmp["promises_kept"]}
    assert cmp["reused"] is exp["reused"]


def test_audit_expectations_cover_two_agencies() -> None:
    assert len(_audit_expectations()) >= 2


def test_summary_links_only_pages_that_were_written(inputs: Path, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """The summary is written while the agency pages are; a page that fails is not linked."""
    from checker.batch import worker
    from checker.batch.audit import AuditOptions, run_audit

    real = worker.write_agency

    def flaky(name: str, level: str | None, *args: object) -> object:
        return (name, level, False) if "云溪县" in name else real(name, level, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(worker, "write_agency", flaky)
    out = tmp_path / "out"
    result = run_audit(AuditOptions(paths=[str(inputs)], outdir=out, jobs=1))
    page = (out / "summary.html").read_text(encoding="utf-8")
    assert "云溪县" in page  # its rows are there …
    assert not list((out / "agencies").glob("云溪县*"))
    assert "agencies/云溪县" not in page  # … but no link to a page that does not exist
    assert result.agencies == len(list((out / "agencies").glob("*.html")))


def _crash_on_poison(path: str) -> dict:
    from checker.batch import worker

    if "poison" in path:
        os._exit(1)  # a worker killed mid-file (the OS, a crash in a C library)
    return worker._REAL_CHECK_ONE(path)  # type: ignore[attr-defined]


def test_a_crashing_worker_costs_only_its_file(inputs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from checker.batch import worker
    from checker.batch.audit import AuditOptions, run_audit

    src = tmp_path / "in"
    shutil.copytree(inputs / "samples", src)
    shutil.copy(src / "yunxi-county-2024.txt", src / "poison.txt")
    monkeypatch.setattr(worker, "_REAL_CHECK_ONE", worker.check_one, raising=False)
    monkeypatch.setattr(worker, "check_one", _crash_on_poison)  # forked workers inherit it
    out = tmp_path / "out"
    run_audit(AuditOptions(paths=[str(src)], outdir=out, jobs=2))
    by_source = {Path(r["source"]).name: r for r in _rows(out)}
    assert sorted(by_source) == sorted(p.name for p in src.iterdir())  # every file exactly once
    assert by_source["poison.txt"]["error"]["key"] == "input.internal"
    assert all(r["ok"] for name, r in by_source.items() if name not in ("poison.txt", "broken.txt", "empty.html"))
    assert (out / "summary.html").exists() and list((out / "agencies").glob("*.html"))


def test_progress_hears_the_total_once_and_every_file(inputs: Path, tmp_path: Path) -> None:
    from checker.batch.audit import AuditOptions, run_audit

    totals: list[int] = []
    steps: list[int] = []
    run_audit(AuditOptions(paths=[str(inputs / "samples")], outdir=tmp_path / "out", jobs=2),
              progress=steps.append, on_start=totals.append)
    files = len([p for p in (inputs / "samples").iterdir() if p.suffix in (".txt", ".html")])
    assert totals == [files] and sum(steps) == files


def test_the_sentence_noise_spaces_are_every_space_but_the_line_break() -> None:
    """The reuse fingerprints drop exactly what `[^\\S\\n]` matched: every Unicode space but \\n."""
    from checker.batch.record import SPACES_BUT_NEWLINE, fingerprints

    spaces = {c for c in map(chr, range(0x110000)) if c.isspace()}
    assert set(SPACES_BUT_NEWLINE) == spaces - {"\n"}
    sentence = "本机关依法公开政府信息共计一百二十件"
    spaced = "\u3000本机关，依法公开（政府信息）\u00a0共计一百二十件"
    assert fingerprints(f"{sentence}。") == fingerprints(f"{spaced}！\n\n")
    assert fingerprints(f"{sentence}\n{sentence[:6]}") != fingerprints(f"{sentence}{sentence[:6]}")


def test_agency_json_falls_back_to_the_standard_encoder_where_orjson_writes_otherwise() -> None:
    """orjson writes 1e-05 as 0.00001: such a page goes through json.dumps, byte for byte as before."""
    from checker.compiled import compiled
    from checker.render.audit import _agency_json

    ruleset = compiled().ruleset
    report = {"year": 2023, "source": "a.txt", "score": 61.5, "published": None, "on_time": None,
              "parts_missing": [], "parts": {}, "chapters": {1: 50.0, 2: None}, "items": [], "findings": []}
    for changed in ({"score": 61.5}, {"score": 1e-05}, {"parts": {"plan": {"present": True, "how": 1e-05}}}):
        data = {"agency": "某县", "level": "county", "reports": [{**report, **changed}], "comparisons": []}
        doc = json.loads(_agency_json(data, ruleset, "zh"))
        assert _agency_json(data, ruleset, "zh") == (json.dumps(doc, ensure_ascii=False, indent=2) + "\n").encode()


def _double(x: int) -> int:
    return 2 * x


def test_the_workers_get_more_work_while_the_summaries_are_written(tmp_path: Path) -> None:
    """`meanwhile` (the summaries) is handed a pump: work keeps going out until it returns.

    Without it the workers had only the chunks sent before (here 128 of 200 tasks) and waited.
    """
    import time
    from collections.abc import Callable

    from checker.api import Overrides
    from checker.batch.audit import _Workers
    from checker.compiled import compiled

    results: list[int] = []
    done_by_then: list[int] = []

    def meanwhile(pump: Callable[[], None]) -> None:
        deadline = time.monotonic() + 60
        while len(results) < 200 and time.monotonic() < deadline:
            pump()
            time.sleep(0.002)
        done_by_then.append(len(results))

    with _Workers(2, (compiled(()), "zh", Overrides(), str(tmp_path), "salt")) as workers:
        workers.run(_double, ((i,) for i in range(200)), results.append, lambda task: None, expected=200,
                    meanwhile=meanwhile)
    assert done_by_then == [200]
    assert sorted(results) == [2 * i for i in range(200)]


def test_chunks_shrink_to_single_tasks_at_the_end() -> None:
    from checker.batch.audit import CHUNK, chunk_size

    assert chunk_size(1000, 2) == CHUNK
    assert [chunk_size(left, 2) for left in (200, 100, 40, 15, 1, 0)] == [16, 12, 5, 1, 1, 1]
    assert [chunk_size(1000, 2, sent) for sent in range(11)] == [1, 1, 2, 2, 4, 4, 8, 8, 16, 16, 16]


def test_ctrl_c_while_the_pool_runs_is_raised_outside_concurrent_futures(tmp_path: Path) -> None:
    """A Ctrl-C arriving at any moment is noted and raised from the audit's own loop.

    Raised inside concurrent.futures (while `wait` held a future's lock), it once left the pool's
    thread blocked for ever: the audit did not exit. Here the signal comes as results are heard;
    the run stops with KeyboardInterrupt, the pool shuts down, and the handler is back.
    """
    import signal

    from checker.api import Overrides
    from checker.batch.audit import _HeldSignals, _Workers
    from checker.compiled import compiled

    before = signal.getsignal(signal.SIGINT)
    with _HeldSignals() as held:
        os.kill(os.getpid(), signal.SIGINT)  # noted, not raised
        with pytest.raises(KeyboardInterrupt):
            held.check()
        held.check()  # raised once
    assert signal.getsignal(signal.SIGINT) is before

    results: list[int] = []

    def done(result: int) -> None:
        results.append(result)
        if len(results) == 3:
            os.kill(os.getpid(), signal.SIGINT)

    with pytest.raises(KeyboardInterrupt), _Workers(2, (compiled(()), "zh", Overrides(), str(tmp_path), "salt")) as w:
        w.run(_double, ((i,) for i in range(2000)), done, lambda task: None, expected=2000)
    assert 3 <= len(results) < 2000
    assert signal.getsignal(signal.SIGINT) is before
