"""One definition of each report-level fact: on time and required parts, decided by the rules as
loaded (packs included), carried on the result, and read alike by the score, the gate and the audit."""

from __future__ import annotations

import csv
import json
import textwrap
from pathlib import Path

from conftest import ROOT

from checker.api import Checker, Overrides
from checker.batch.audit import AuditOptions, run_audit
from checker.gate import GateOptions, judge
from checker.i18n import t
from checker.model import Document, Timeliness

GD = ROOT / "rules" / "packs" / "guangdong"

# A county report on 2023 with the four parts the default rules require and no study parts.
REPORT = """梅林县人民政府2023年法治政府建设年度报告
一、主要举措和成效
全年主动公开政府信息1265条，办理依申请公开12件。
二、存在的不足和原因
执法力量不足，主要原因是编制紧张。
三、党政主要负责人履行推进法治建设第一责任人职责情况
县长主持召开县政府常务会议研究法治工作4次。
四、2024年工作安排
下一步将推进行政复议规范化建设。
"""
PARTS, ON_TIME = t("audit.parts", "zh"), t("audit.on_time", "zh")  # the summary table's columns
LATE = "2024-06-01"  # after 1 April 2024, the deadline for a report on 2023


def _doc(text: str = REPORT) -> Document:
    return Document(source="r.txt", text=text, format="txt", encoding="utf-8", fields={"title": text.split("\n")[0]})


def _pack(tmp_path: Path, body: str) -> Path:
    d = tmp_path / "pack"
    d.mkdir()
    (d / "pack.yaml").write_text(textwrap.dedent(body), encoding="utf-8")
    return d


def _audit(tmp_path: Path, packs: list[Path], **overrides: str) -> dict:
    src = tmp_path / "in"
    src.mkdir(exist_ok=True)
    (src / "report.txt").write_text(REPORT, encoding="utf-8")
    out = tmp_path / f"out{len(list(tmp_path.glob('out*')))}"
    run_audit(AuditOptions(paths=[str(src)], outdir=out, jobs=1, packs=packs, overrides=Overrides(**overrides)))
    rows = json.loads((out / "summary.json").read_text(encoding="utf-8"))["rows"]
    assert len(rows) == 1
    with (out / "summary.csv").open(encoding="utf-8-sig") as fh:
        table = list(csv.reader(fh))
    return {**rows[0], "csv": dict(zip(table[0], table[1], strict=True))}


def test_a_late_report_is_late_in_the_score_the_result_and_the_audit_row(tmp_path: Path, checker: Checker) -> None:
    r = checker.check_document(_doc(), Overrides(published=LATE))
    assert r.timeliness.status is Timeliness.LATE and r.timeliness.rule == "T.late"
    assert r.timeliness.basis == "published" and r.timeliness.deadline == "2024-04-01"
    assert r.score.timeliness == 0.0
    row = _audit(tmp_path, [], published=LATE)
    assert row["on_time"] is False and row["csv"][ON_TIME] == t("audit.no", "zh")
    on_time = checker.check_document(_doc(), Overrides(published="2024-03-20"))
    assert on_time.timeliness.status is Timeliness.ON_TIME and on_time.score.timeliness == 100.0
    unknown = checker.check_document(_doc())
    assert unknown.timeliness.status is Timeliness.UNKNOWN and unknown.score.timeliness is None


def test_a_pack_that_makes_t_late_recommended_changes_score_and_audit_row_alike(tmp_path: Path) -> None:
    # The reproduction: the score said 100 while the audit row said "not on time".
    pack = _pack(tmp_path, "overrides:\n  - {id: T.late, severity: recommended}\n")
    r = Checker([pack]).check_document(_doc(), Overrides(published=LATE))
    assert "T.late" in {f.rule for f in r.findings}  # still shown, as advice
    assert r.timeliness.status is Timeliness.ON_TIME and r.score.timeliness == 100.0
    row = _audit(tmp_path, [pack], published=LATE)
    assert row["on_time"] is True and row["csv"][ON_TIME] == t("audit.yes", "zh")


def test_with_the_guangdong_pack_summary_row_and_gate_agree_on_the_missing_parts(tmp_path: Path) -> None:
    # The reproduction: the row said 4 of 4 parts while the gate failed two missing parts.
    ch = Checker([GD])
    r = ch.check_document(_doc())
    verdict = judge(r, ch.ruleset, GateOptions())
    structure = next(c for c in verdict.checks if c.id == "structure")
    gated = structure.args["rule"].split(",")
    assert not verdict.passed and sorted(gated) == ["S.gd-study-speeches", "S.gd-study-thought"]
    assert list(r.parts_missing) == gated
    row = _audit(tmp_path, [GD])
    assert row["parts_missing"] == gated
    assert (row["parts_present"], row["parts_required"]) == (4, 6)
    assert row["csv"][PARTS] == "4/6"
    plain = _audit(tmp_path, [])
    assert plain["parts_missing"] == [] and plain["csv"][PARTS] == "4/4"


def test_a_structure_rule_made_recommended_is_not_a_required_part(tmp_path: Path) -> None:
    pack = _pack(tmp_path, "overrides:\n  - {id: S.next_year, severity: recommended}\n")
    text = REPORT.split("四、")[0]
    ch = Checker([pack])
    r = ch.check_document(_doc(text))
    assert "S.next_year" in {f.rule for f in r.findings}
    assert "S.next_year" not in {p.rule for p in r.required_parts}
    assert judge(r, ch.ruleset, GateOptions()).passed and r.score.structure == 100.0
    strict = Checker().check_document(_doc(text))
    assert strict.parts_missing == ("S.next_year",) and strict.score.structure < 100.0


def test_the_json_contract_carries_both_verdicts(checker: Checker) -> None:
    from checker.render.context import RenderContext
    from checker.render.jsonout import report_dict

    r = checker.check_document(_doc(), Overrides(published=LATE))
    d = report_dict(r, RenderContext((r,), (), checker.ruleset, "en"))
    assert d["timeliness"]["status"] == "late" and d["timeliness"]["basis"] == "published"
    assert [p["rule"] for p in d["required_parts"]] == ["S.measures", "S.shortcomings", "S.first_responsible",
                                                        "S.next_year"]
    assert all(p["present"] for p in d["required_parts"])


def test_the_gap_report_lists_the_parts_a_pack_requires(tmp_path: Path) -> None:
    from checker.render import FORMATS, RenderContext

    ch = Checker([GD])
    r = ch.check_document(_doc())
    text = FORMATS["text"](RenderContext((r,), (), ch.ruleset, "en"))
    assert "4 of 6 required parts present" in text
    study = next(line for line in text.splitlines() if t("part.study", "en") in line)
    assert study.endswith(t("report.absent", "en"))
