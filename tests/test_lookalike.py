"""Look-alike documents are refused with input.not_a_report; real reports never are."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import ROOT, SAMPLES

from checker.errors import InputError
from checker.lookalike import classify, load
from checker.model import Document
from checker.read import read_bytes, read_document

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
    "template-lowercase-x-street.txt": "template",
    "template-asterisk-district.txt": "template",
    "template-underscore-blanks.txt": "template",
    "template-mou-bureau-title.txt": "template",
    "template-circle-box-placeholders.txt": "template",
    "disclosure-untitled-first-sentence.txt": "disclosure-report",
    "disclosure-title-only.txt": "disclosure-report",
    "disclosure-report-clause.txt": "disclosure-report",
    "disclosure-split-title.txt": "disclosure-report",
    "plan-untitled-this-programme.txt": "work-plan",
    "opinion-notice-addressee.txt": "work-plan",
    "guideline-headings-untitled.txt": "guideline",
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
    paths += sorted(p for p in (ROOT / "tests" / "fixtures" / "layouts").iterdir() if p.suffix in (".txt", ".md"))
    return [p for p in paths if p.name != "encrypted.pdf"]


OPENINGS = yaml.safe_load((ROOT / "tests" / "fixtures" / "openings.yaml").read_text(encoding="utf-8"))["cases"]


@pytest.mark.parametrize("case", OPENINGS, ids=[c["id"] for c in OPENINGS])
def test_report_openings_pass(case: dict) -> None:
    """Every report opening of the metadata table (chrome, reposts, doc sites, one line) passes."""
    fmt = case.get("format", "txt")
    doc = read_bytes(case["text"].encode("utf-8"), case.get("file") or f"{case['id']}.{fmt}", suffix=f".{fmt}")
    assert classify(doc) is None
    assert classify(_one_line(doc)) is None


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
        # …that cites the programme and key points it issued, and its opinions.
        "梅林县2023年法治政府建设年度报告\n一、主要举措和成效\n制定《梅林县法治政府建设实施方案》，"
        "印发《关于加强行政执法监督的实施意见》和《2023年依法行政工作要点》，请各部门结合实际抓好落实。",
        # …that wrote its report from a template and published its disclosure report.
        "2023年，我县参照市里下发的报告模板编写本报告，并按时发布2022年政府信息公开工作年度报告。"
        "一、主要举措和成效 全年办理行政复议和行政诉讼案件21件。",
        # …whose cases name parties 某 (某企业, 某村, 某区某公司), and a date with ○○.
        "梅林县2023年法治政府建设年度报告\n一、主要举措和成效\n办理某区某公司诉县市场监管局行政处罚案、"
        "某村村民诉某镇政府案，指导某企业完善合规制度。二○○八年以来的规范性文件全部清理。",
        # …that made suggestions on its shortcomings.
        "梅林县2023年法治政府建设年度报告\n一、主要举措和成效\n县人大常委会听取报告后提出以下意见建议：加强执法培训。",
        # …in markdown, bold text starting with 区, and an X-ray machine.
        "# 梅林区2023年法治政府建设年度报告\n## 一、主要举措和成效\n**区政府常务会议**会前学法12次，"
        "为区医院购置X光机2台，Linux服务器3台。",
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
        # L1: placeholders other than ××, and 某 where the report names its body.
        ("某县2024年度法治政府建设情况报告\n2024年，全县坚持依法行政，全年开展专题学法12次。", "template"),
        ("某街道2024年度法治政府建设工作报告\n2024年，我街道坚持依法行政。", "template"),
        ("关于某市2024年法治政府建设情况的报告\n2024年，全市坚持依法行政。", "template"),
        ("某县 2025 年度法治政府建设情况报告2025 年,全县坚持依法行政,全年开展专题学法 12 次。", "template"),
        ("2024年度法治政府建设情况报告\n20XX年，xx镇开展普法活动xx场。", "template"),
        ("2024年度法治政府建设情况报告\n20××年，我镇坚持依法行政，在X村开展普法X次。", "template"),
        ("法治政府建设工作报告\n____年，____镇召开专题会议__次，审查合同____份。", "template"),
        ("法治政府建设工作报告\n20__年，我镇坚持以____思想为指导。", "template"),
        ("法治政府建设工作报告\n全年＊区召开常务会议＊次。", "template"),
        ("法治政府建设工作报告\n□□县人民政府全年审查文件□□件。", "template"),
        ("乡镇政务公开工作情况报告\n我镇贯彻落实X政办发〔xxxx〕xx号文件。x镇配有x名专职人员，公开信息xxxx条。",
         "template"),
        ("一、主要举措\n印发〔20××〕××号文件，全年开展培训×××次。", "template"),
        ("镇2023年法治政府建设工作总结 篇3\n2023年，我镇坚持依法行政。", "template"),
        ("2023年法治政府建设工作报告（部门版）\n2023年，我局坚持依法行政。", "template"),
        # L2: a disclosure report's title alone, or its first sentence.
        ("梅林县2023年政务公开工作年度报告\n一、总体情况\n2023年，我县持续深化公开。", "disclosure-report"),
        ("梅林县教育局2023年度政府信息公开工作报告\n一、总体情况\n我局坚持公开为常态。", "disclosure-report"),
        ("依据《条例》，特编制本机关2023年政府信息公开工作年度报告。\n一、总体情况\n全年发布信息300条。",
         "disclosure-report"),
        ("现就2023年政务公开年度工作情况报告如下：一、总体情况 围绕法治政府建设推进公开，受理行政复议申请12件。",
         "disclosure-report"),
        ("一、总体情况\n全年政府信息主动公开326条。\n二、收到和处理政府信息公开申请情况\n本年新收申请5件。\n"
         "三、政府信息公开行政复议及行政诉讼情况\n无。", "disclosure-report"),
        # L3: plans, opinions and guidelines without their notice title.
        ("为推进依法行政，结合我县实际，制定本实施方案。\n一、总体要求\n坚持依法行政。", "work-plan"),
        ("为加强法治建设，制定本意见。\n一、指导思想\n坚持依法行政。", "work-plan"),
        ("为加快法治政府建设，现结合我区实际，提出以下意见。\n一、充分认识重要意义\n坚持依法行政。", "work-plan"),
        ("梅林县关于全面推进法治政府建设的实施意见\n一、总体要求\n坚持依法行政。", "work-plan"),
        ("梅林县2024年法治政府建设工作方案\n一、工作目标\n坚持依法行政。", "work-plan"),
        ("各乡镇人民政府：\n《2024年法治政府建设工作安排》已经县政府同意，现印发给你们，请结合本地实际，认真贯彻落实。",
         "work-plan"),
        ("为规范年度报告工作，制定本指引。\n一、报告主体\n各部门。", "guideline"),
        ("一、报告名称\n法治政府建设年度报告。\n二、报告主体\n各县区政府。\n三、报告时间和对象\n"
         "每年3月1日前报告上一年度情况。", "guideline"),
    ],
)
def test_short_lookalikes(text: str, kind: str) -> None:
    found = classify(_doc(text))
    assert found is not None and found.id == kind


@pytest.mark.parametrize(
    "text",
    [
        # A report without a title that names its subject beside 政务公开.
        "根据县委要求，现将2023年法治政府建设和政务公开工作情况报告如下：\n一、主要举措和成效\n"
        "全年办理依申请公开38件，不予公开3件，上年结转2件，主动公开政府信息情况良好。",
        # A combined report titled so.
        "梅林县2023年度法治政府建设暨政务公开工作情况报告\n2023年，我县全面推进依法行政。\n"
        "一、主要举措和成效\n全年办理依申请公开12件，不予公开1件，上年结转2件。",
        # A first sentence that says 现将 of the report itself, and one that cites a disclosure
        # report's notice before it.
        "根据《关于做好2023年度政府信息公开工作年度报告编制工作的通知》，现将我镇2023年度依法治镇工作情况"
        "报告如下：\n一、主要举措和成效\n全年办理依申请公开3件。",
        # A first sentence that names the guideline it answers after 现就.
        "现就贯彻《关于做好2023年度报告报送工作的通知》情况报告如下：\n一、主要举措和成效\n"
        "全年办理依申请公开3件，不予公开1件，上年结转2件。",
    ],
)
def test_reports_naming_disclosure_beside_their_subject_pass(text: str) -> None:
    assert classify(_doc(text)) is None
    assert classify(_one_line(_doc(text))) is None


def test_traditional_characters_are_read_as_simplified() -> None:
    """The reader simplifies a traditional text before look-alikes are looked for."""
    text = ("為加快法治政府建設，現結合我區實際，提出以下意見。\n一、充分認識重要意義\n"
            "各級各部門要統一思想，堅持依法行政。\n")
    found = classify(read_bytes(text.encode("utf-8"), "opinion.txt", suffix=".txt"))
    assert found is not None and found.id == "work-plan"


def _wrapped(text: str, width: int = 30) -> str:
    """The text as a PDF's hard wraps leave it: every line cut at `width` characters."""
    return "".join(line[i:i + width] + "\n" for line in text.splitlines() for i in range(0, len(line) or 1, width))


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        # The first sentence wrapped: its first line names 法治政府建设年度报告 but is no title.
        ("为规范全市法治政府建设年度报告工作，压实各级政府及其部门法治建设主体责任，根据有关规定，制定本工作指引。\n"
         "一、报告名称。法治政府建设年度报告。\n", "guideline"),
        # A decisive phrase cut by a wrap.
        ("为深入推进依法行政，加快建设法治政府，根据上级部署，结合本市实际，制定本实施方案。\n"
         "一、总体要求\n", "work-plan"),
        # A self-naming clause cut by a wrap after its year.
        ("依据《中华人民共和国政府信息公开条例》，特编制梅林县交通运输局2023年度政府信息公开工作年度报告。\n"
         "一、总体情况\n", "disclosure-report"),
    ],
)
def test_hard_wrapped_lookalikes(text: str, kind: str) -> None:
    for width in (24, 30, 38):
        found = classify(read_bytes(_wrapped(text, width).encode("utf-8"), "w.txt", suffix=".txt"))
        assert found is not None and found.id == kind, width


def test_one_line_page_behind_its_chrome() -> None:
    text = ("当前位置: 首页 > 政务公开 > 政府信息公开年报 发布机构 梅林镇 梅林镇2023年政府信息公开工作年度报告 "
            "发布日期: 2024-01-16 一、总体情况 2023年，我镇持续深化政务公开。\n")
    found = classify(_doc(text))
    assert found is not None and found.id == "disclosure-report"
    report = text.replace("梅林镇2023年政府信息公开工作年度报告", "梅林镇2023年法治政府建设工作报告").replace(
        "政务公开。", "依法行政，全年办理依申请公开12件，不予公开1件，上年结转2件。")
    assert classify(_doc(report)) is None


def test_report_with_next_years_plan_in_its_title_passes() -> None:
    text = "梅林县2023年法治政府建设工作总结及2024年工作计划\n2023年，我县坚持依法行政。"
    assert classify(_doc(text)) is None


def test_portal_column_in_the_page_title_does_not_refuse_a_report() -> None:
    text = "梅林县2023年法治政府建设年度报告\n一、主要举措和成效\n全年办理依申请公开12件。"
    title = "梅林县2023年法治政府建设年度报告_政府信息公开年度报告_梅林县人民政府门户网站"
    assert classify(_doc(text, title=title)) is None
    assert classify(_doc(text, title="梅林县人民政府门户网站_范文大全免费下载中心")) is None


def test_a_disclosure_column_without_a_year_is_no_title() -> None:
    """A portal's column (政府信息公开年报) above an untitled report refuses nothing; a year makes it a title."""
    text = "政府信息公开年报\n梅林县人民政府\n2023年，我县坚持依法行政，全年办理依申请公开12件。\n一、主要举措和成效"
    assert classify(_doc(text, title="政府信息公开年度报告_梅林县人民政府")) is None
    found = classify(_doc(text.replace("政府信息公开年报", "梅林县2023年政府信息公开年报")))
    assert found is not None and found.id == "disclosure-report"


def test_a_masked_village_beside_a_case_party_passes() -> None:
    text = ("梅林县2023年法治政府建设年度报告\n一、主要举措和成效\n指导××村完善村规民约，"
            "办理某镇政府被诉案件1件。")
    assert classify(_doc(text)) is None


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
