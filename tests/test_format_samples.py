"""The samples that exercise issue 14's readers: a Word draft and a scanned PDF (samples/README.md §7–8)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import SAMPLES

from checker.errors import InputError
from checker.i18n import t
from checker.model import Status
from checker.read import ocr, read_document

DOCX = SAMPLES / "chengdong-street-2023.docx"
SCAN = SAMPLES / "jiangzhou-market-regulation-2023-scan.pdf"


def test_word_draft_sample_reads_as_word_shows_it(checker) -> None:
    doc = read_document(DOCX)
    lines = doc.text.splitlines()
    # Automatic numbering rendered: the headings carry Word's numbers.
    for heading in ("一、2023年推进法治政府建设的主要举措和成效", "（三）化解矛盾纠纷", "二、存在的不足和原因",
                    "三、党政主要负责人履行推进法治建设第一责任人职责情况", "四、2024年推进法治政府建设的主要安排"):
        assert heading in lines
    # Tracked changes accepted, comment, header and footer left out, table rows kept.
    assert "办理行政处罚案件149件" in doc.text and "案件94件" not in doc.text and "数据待核实" not in doc.text
    assert "请司法所" not in doc.text and "征求意见稿" not in doc.text and "第 1 页" not in doc.text
    assert "行政处罚案件 149件" in lines
    r = checker.check_document(doc)
    m = r.metadata
    assert (m.agency.value, m.level.value, m.year.value) == ("城东街道", "street", 2023)
    assert m.published.value is None and m.written.value == "2024-03-22"  # the signature date is the date written
    assert all(p.present for p in r.required_parts)  # as the structure rules loaded define them
    status = {i.id: i.status for i in r.items}
    assert status[1] is Status.MET and status[32] is Status.MET  # 专题学习6次; 调解成功571件
    assert status[27] is Status.MISSING  # the draft says nothing of government information disclosure


def test_scan_sample_without_ocr_is_one_line_naming_the_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ocr, "available", lambda: False)
    with pytest.raises(InputError) as exc:
        read_document(SCAN)
    assert exc.value.key == "input.needs_ocr"
    assert 'pip install "fzzf-checker[ocr]"' in t(exc.value.key, "zh", **exc.value.args_map)


@pytest.mark.skipif(not ocr.available(), reason='OCR extra not installed: pip install ".[ocr]"')
def test_scan_sample_is_read_by_ocr() -> None:
    from checker.api import Checker

    r = Checker(time_limit=None).check_path(SCAN)
    assert r.document.format == "pdf-ocr"
    m = r.metadata
    assert (m.agency.value, m.level.value, m.year.value) == ("江州市市场监督管理局", "department", 2023)
    assert all(p.present for p in r.required_parts)  # as the structure rules loaded define them
    status = {i.id: i.status for i in r.items}
    assert status[15] is Status.MET  # 行政处罚案件1386件 read through the scan


def test_quick_start_audit_of_the_samples_on_a_fresh_machine(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """`fzzf audit samples/ -o out/` without the OCR extra: every sample checked but the scan,
    whose row is an error naming the install command (the audit's exit status is then 1)."""
    from checker.batch.audit import AuditOptions, run_audit

    monkeypatch.setattr(ocr, "available", lambda: False)
    shutil.copytree(SAMPLES, tmp_path / "samples")
    result = run_audit(AuditOptions(paths=[str(tmp_path / "samples")], outdir=tmp_path / "out", jobs=1))
    assert result.errors == 1
    import json

    rows = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))["rows"]
    bad = [row for row in rows if not row["ok"]]
    assert [Path(row["source"]).name for row in bad] == [SCAN.name]
    assert bad[0]["error"]["key"] == "input.needs_ocr"
    assert any(Path(row["source"]).name == DOCX.name and row["agency"] == "城东街道" for row in rows if row["ok"])
