"""An audit shows each page of a scan as OCR reads it (issue 14: progress per page).

The OCR engine is an optional extra that CI does not install, so the engine is replaced here by
one that reads nothing but reports its pages the way the real one does (`ocr.page_done`); the
audit's plumbing — a hook inherited by the worker and the OCR child process, a queue to this
process, a listener calling `on_page` — is the real one.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import SAMPLES

from checker.batch.audit import AuditOptions, run_audit
from checker.read import ocr

SCAN = SAMPLES / "jiangzhou-market-regulation-2023-scan.pdf"


@pytest.mark.skipif(not SCAN.is_file(), reason="the scanned sample is missing")
@pytest.mark.parametrize("jobs", [1, 2])
def test_audit_hears_every_ocr_page(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, jobs: int) -> None:
    def fake_pages(pdf: object, source: str) -> list[str]:
        total = len(pdf)  # type: ignore[arg-type]
        for n in range(total):
            ocr.page_done(source, n + 1, total)
        return ["江州市市场监督管理局2023年法治政府建设情况报告", "一、主要举措和成效", "全年办理行政复议案件12件。"]

    monkeypatch.setattr(ocr, "available", lambda: True)
    monkeypatch.setattr(ocr, "read_pages", fake_pages)
    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(SCAN, src / SCAN.name)
    for other in sorted(SAMPLES.glob("*.txt")):  # enough files that two jobs start a pool of workers
        shutil.copy(other, src / other.name)
    heard: list[tuple[str, int, int]] = []
    result = run_audit(AuditOptions(paths=[str(src)], outdir=tmp_path / "out", jobs=jobs),
                       on_page=lambda s, n, total: heard.append((Path(s).name, n, total)))
    assert result.files == 1 + len(list(SAMPLES.glob("*.txt")))
    assert heard and heard == [(SCAN.name, n, heard[0][2]) for n in range(1, heard[0][2] + 1)]
