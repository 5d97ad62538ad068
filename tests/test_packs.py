"""Rule packs (--rules DIR) and profiles (--profile / detected level)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from conftest import ROOT

from checker.api import Checker, Overrides
from checker.errors import RuleError
from checker.model import Document, Status
from checker.ruleset.load import load_rules

GD = ROOT / "rules" / "packs" / "guangdong"

GD_REPORT = """梅林区人民政府2024年法治政府建设年度报告
一、学习贯彻习近平总书记重要讲话和重要指示精神情况
区委常委会会议第一议题学习习近平总书记重要讲话和重要指示精神18次。
二、学习贯彻习近平法治思想情况
举办习近平法治思想专题读书班2期，参训干部160人次。
三、主要举措和成效
全年主动公开政府信息1265条。
四、存在的不足和原因
执法力量不足，主要原因是编制紧张。
五、党政主要负责人履行推进法治建设第一责任人职责情况
区长主持召开区政府常务会议研究法治工作4次。
六、2025年工作安排
下一步将推进行政复议规范化建设。
"""


def doc(text: str) -> Document:
    title = text.split("\n", 1)[0]
    return Document(source="gd.txt", text=text, format="txt", encoding="utf-8", fields={"title": title})


def _pack(tmp_path: Path, body: str) -> Path:
    d = tmp_path / "pack"
    d.mkdir(exist_ok=True)
    (d / "pack.yaml").write_text(textwrap.dedent(body), encoding="utf-8")
    return d


def test_guangdong_pack_loads_adds_and_overrides() -> None:
    base = load_rules()
    rs = load_rules(packs=[GD])
    ids = {r.id for r in rs.rules}
    assert {"S.gd-study-speeches", "S.gd-study-thought", "P.gd-speeches"} <= ids
    assert len(rs.rules) == len(base.rules) + 4
    c0101 = rs.by_id()["C01.01"]
    assert c0101.weight == 5 and c0101.severity.value == "required"
    assert rs.version != base.version


@pytest.fixture(scope="module")
def gd_checker() -> Checker:
    return Checker([GD])


def test_guangdong_report_with_both_study_parts(gd_checker: Checker) -> None:
    r = gd_checker.check_document(doc(GD_REPORT))
    fired = {f.rule for f in r.findings}
    assert "S.gd-study-speeches" not in fired and "S.gd-study-thought" not in fired
    assert next(p for p in r.parts if p.id == "study").present


def test_guangdong_report_without_study_parts(gd_checker: Checker, checker: Checker) -> None:
    text = GD_REPORT.split("三、主要举措和成效")[1]
    text = "梅林区人民政府2024年法治政府建设年度报告\n一、主要举措和成效" + text
    text = text.replace("四、", "二、").replace("五、", "三、").replace("六、", "四、")
    r = gd_checker.check_document(doc(text))
    fired = {f.rule for f in r.findings}
    assert {"S.gd-study-speeches", "S.gd-study-thought"} <= fired
    plain = checker.check_document(doc(text))
    assert not {f.rule for f in plain.findings} & {"S.gd-study-speeches", "S.gd-study-thought"}
    assert r.score.structure < plain.score.structure


def test_pack_rule_reusing_a_shipped_id_is_refused(tmp_path: Path) -> None:
    d = _pack(tmp_path, """
        rules:
          - id: C27.01
            name: mine.disclosure
            ref: {item: 27}
            severity: required
            weight: 2
            title: {zh: 标题, en: Title}
            message: {zh: 消息, en: Message}
            match: {terms: ["主动公开"]}
            examples: {pass: ["全年主动公开信息12条。"], fail: ["尚未主动公开。"]}
        """)
    with pytest.raises(RuleError) as exc:
        load_rules(packs=[d])
    assert exc.value.args_map["rule"] == "C27.01" and exc.value.args_map["field"] == "id"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ("overrides:\n  - {id: C99.01, weight: 1}\n", "id"),
        ("overrides:\n  - {id: C27.01, weight: heavy}\n", "weight"),
        ("overrides:\n  - {id: C27.01, severity: urgent}\n", "severity"),
        ("overrides:\n  - {id: C27.01, colour: red}\n", "(rule)"),
    ],
)
def test_bad_override_names_file_rule_field(tmp_path: Path, body: str, field: str) -> None:
    d = _pack(tmp_path, body)
    with pytest.raises(RuleError) as exc:
        load_rules(packs=[d])
    a = exc.value.args_map
    assert a["file"].endswith("pack.yaml") and a["field"] == field


def test_missing_pack_folder(tmp_path: Path) -> None:
    with pytest.raises(RuleError):
        load_rules(packs=[tmp_path / "nope"])


def test_disable_and_reweight(tmp_path: Path, checker: Checker) -> None:
    d = _pack(tmp_path, "overrides:\n  - {id: C27.01, disabled: true}\n  - {id: C27.02, weight: 7}\n"
                        "  - {id: C27.03, weights: {county: 9}}\n")
    rs = load_rules(packs=[d])
    assert "C27.01" not in {r.id for r in rs.rules}
    shipped = checker.ruleset.by_id()
    mine = rs.by_id()
    assert shipped["C27.02"].weight != 7 and mine["C27.02"].weight == 7
    assert mine["C27.02"].weight_for("county") == 7  # a plain weight holds for every level
    assert mine["C27.03"].weight_for("county") == 9
    assert mine["C27.03"].weight_for("city") == shipped["C27.03"].weight
    assert mine["C27.03"].weight_for(None) == shipped["C27.03"].weight


# One item (27, open government) has work with a figure; every other item is missing.
ONE_ITEM = "梅林县2024年法治政府建设年度报告\n一、主要举措和成效\n全年主动公开政府信息1265条，办理依申请公开12件。\n"


def _content_by_hand(result, weight_of: dict[str, float]) -> float:
    """The content score from the formula in README/score.py, with weights given explicitly."""
    num = den = 0.0
    credit = {Status.MET: 1.0, Status.PARTIAL: 0.6, Status.PLANNED: 0.0, Status.MISSING: 0.0}
    for item in result.items:
        if item.status not in credit:
            continue
        w = sum(weight_of[c.rule] for c in item.checkpoints if c.status is not Status.NOT_APPLICABLE)
        num += w * credit[item.status]
        den += w
    return round(100 * num / den, 1)


def test_the_score_uses_the_weights_of_the_body_level(tmp_path: Path, checker: Checker) -> None:
    # Item 27's checkpoints weigh 10 each for counties only: a county's score rises, a city's does not.
    ids = [r.id for r in checker.ruleset.checkpoints(27)]
    d = _pack(tmp_path, "overrides:\n" + "".join(f"  - {{id: {i}, weights: {{county: 10}}}}\n" for i in ids))
    ch = Checker([d])
    county = ch.check_document(doc(ONE_ITEM))
    city = ch.check_document(doc(ONE_ITEM), Overrides(profile="city"))
    plain = checker.check_document(doc(ONE_ITEM))
    assert county.profile == "county"
    assert {i.id: i.status for i in county.items}[27] is Status.MET
    base = {r.id: r.weight for r in checker.ruleset.rules}
    assert all(not r.level_weights for r in checker.ruleset.checkpoints(27))
    heavy = {**base, **dict.fromkeys(ids, 10.0)}
    assert county.score.content == _content_by_hand(county, heavy)
    assert city.score.content == _content_by_hand(city, base)
    assert plain.score.content == _content_by_hand(plain, base)
    assert county.score.content > plain.score.content


def test_profile_applicability_and_weights(tmp_path: Path) -> None:
    d = _pack(tmp_path, """
        overrides:
          - {id: C27.01, applies_to: [province, city]}
          - {id: C27.02, weights: {county: 9}}
        """)
    ch = Checker([d])
    text = "梅林县2024年法治政府建设年度报告\n一、主要举措和成效\n全年主动公开政府信息1265条，办理依申请公开12件。\n"
    county = ch.check_document(doc(text))
    city = ch.check_document(doc(text), Overrides(profile="city"))
    assert county.profile == "county" and city.profile == "city"
    cp = {c.rule: c.status for i in county.items if i.id == 27 for c in i.checkpoints}
    assert cp["C27.01"] is Status.NOT_APPLICABLE
    cp_city = {c.rule: c.status for i in city.items if i.id == 27 for c in i.checkpoints}
    assert cp_city["C27.01"] is Status.MET
    assert county.score.chapters[8] != city.score.chapters[8]


def test_township_is_not_marked_down_for_legislation(checker: Checker) -> None:
    text = "梅林镇2024年法治政府建设年度报告\n一、主要举措和成效\n全年主动公开政府信息126条。\n"
    town = checker.check_document(doc(text))
    status = {i.id: i.status for i in town.items}
    assert status[7] is Status.NOT_APPLICABLE and status[8] is Status.NOT_APPLICABLE
    prov = checker.check_document(doc(text), Overrides(profile="province"))
    assert {i.id: i.status for i in prov.items}[7] is Status.MISSING


def test_guangdong_pack_examples_pass() -> None:
    from click.testing import CliRunner

    from checker.cli import cli

    result = CliRunner().invoke(cli, ["rules", "test", "--rules", str(GD), "--lang", "en"])
    assert result.exit_code == 0, result.output


# --- hostile packs (issue 10, item 7) --------------------------------------------------------

RULE = """
rules:
  - id: {rid}
    name: mine.hostile
    ref: {{item: 27}}
    severity: required
    weight: 2
    title: {{zh: 标题, en: Title}}
    message: {{zh: 消息, en: Message}}
    match: {{terms: [{term}]}}
    examples: {{pass: ["全年主动公开信息12条。"], fail: ["尚未公开。"]}}
"""


def _rule_pack(tmp_path: Path, term: str = '"主动公开"', rid: str = "C27.90") -> Path:
    d = tmp_path / "pack"
    d.mkdir(exist_ok=True)
    (d / "pack.yaml").write_text(RULE.format(rid=rid, term=term), encoding="utf-8")
    return d


def test_a_yaml_alias_bomb_fails_fast(tmp_path: Path) -> None:
    import time

    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, 10):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]")
    lines.append("rules: *a9")
    d = tmp_path / "bomb"
    d.mkdir()
    (d / "bomb.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    start = time.monotonic()
    with pytest.raises(RuleError) as exc:
        load_rules(packs=[d])
    assert time.monotonic() - start < 5  # the expansion (9**10 values) is never walked
    a = exc.value.args_map
    assert a["file"].endswith("bomb.yaml") and a["rule"] == "-" and a["field"] == "(file)"
    assert "alias" in a["problem"]


def test_the_shipped_rules_use_aliases_within_budget() -> None:
    assert load_rules().rules  # ch05 shares a context list through an alias


def test_deep_nesting_and_a_huge_file_are_refused(tmp_path: Path) -> None:
    d = tmp_path / "deep"
    d.mkdir()
    (d / "deep.yaml").write_text("rules: " + "[" * 100 + "]" * 100 + "\n", encoding="utf-8")
    with pytest.raises(RuleError) as exc:
        load_rules(packs=[d])
    assert "nested deeper" in exc.value.args_map["problem"]
    (d / "deep.yaml").unlink()
    (d / "big.yaml").write_text("# " + "x" * (2 * 1024 * 1024) + "\n", encoding="utf-8")
    with pytest.raises(RuleError) as exc:
        load_rules(packs=[d])
    assert "larger than" in exc.value.args_map["problem"]


@pytest.mark.parametrize("kind", ["file", "folder"])
def test_a_link_out_of_the_pack_is_refused(tmp_path: Path, kind: str) -> None:
    d = _pack(tmp_path, "overrides:\n  - {id: C27.01, weight: 1}\n")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "stolen.yaml").write_text("overrides:\n  - {id: C27.02, weight: 1}\n", encoding="utf-8")
    if kind == "file":
        (d / "stolen.yaml").symlink_to(outside / "stolen.yaml")
    else:
        (d / "more").symlink_to(outside, target_is_directory=True)
    with pytest.raises(RuleError) as exc:
        load_rules(packs=[d])
    assert "outside the rule folder" in exc.value.args_map["problem"]


def test_a_link_inside_the_pack_is_not_walked_twice(tmp_path: Path) -> None:
    d = _pack(tmp_path, "overrides:\n  - {id: C27.01, weight: 1}\n")
    (d / "again").symlink_to(d, target_is_directory=True)  # a loop back to the pack itself
    assert load_rules(packs=[d]).by_id()["C27.01"].weight == 1


def test_a_pack_linked_to_the_root_is_not_walked(tmp_path: Path) -> None:
    import time

    link = tmp_path / "root-pack"
    link.symlink_to("/", target_is_directory=True)
    start = time.monotonic()
    with pytest.raises(RuleError) as exc:
        load_rules(packs=[link])
    assert time.monotonic() - start < 10
    # Stopped by the entry budget, or earlier by a link of the system that leads elsewhere.
    assert any(w in exc.value.args_map["problem"] for w in ("not a rule folder", "symbolic link"))


def test_an_id_with_a_trailing_newline_cannot_shadow_a_rule(tmp_path: Path) -> None:
    d = _rule_pack(tmp_path, rid='"C27.01\\n"')
    with pytest.raises(RuleError) as exc:
        load_rules(packs=[d])
    assert exc.value.args_map["field"] == "id"
    d = _pack(tmp_path, 'overrides:\n  - {id: "C27.01\\n", weight: 0}\n')
    with pytest.raises(RuleError) as exc:
        load_rules(packs=[d])
    assert exc.value.args_map["field"] == "id"


def test_the_id_check_in_code_matches_whole_ids() -> None:
    from checker.ruleset.load import RULE_ID

    assert RULE_ID.fullmatch("C27.01") and RULE_ID.fullmatch("S.gd-study")
    assert not RULE_ID.fullmatch("C27.01\n") and not RULE_ID.fullmatch("C27.011")


HOSTILE = [
    "(法|法)+公开",
    "(法{1,64}){1,64}公开",
    "(?:公开|公|开)+信息",
    "(?:[^，。]{0,10}、){1,5}公开",
    "(?:a{1,8}){1,8}公开",
    "(?:主动公开.{0,5}){2,}x",
    "(?:\\w+\\s*)+公开",
    "(?:\\d+|\\d+\\.\\d+)+件",
]
SAFE = ["主动公开", "(?:法治|法)+政府", "公开.{0,12}信息", "(?:区|县|市){1,3}政府", "(?:a{1,3}){1,3}公开",
        # nested repeats that cannot match the same text in two ways (a separator ends each round)
        "(?:第[一二三四五六七八九十]+[条章])+规定", "(?:[^，。]{1,20}，){1,30}公开"]


@pytest.mark.parametrize("term", HOSTILE)
def test_backtracking_patterns_are_refused_by_the_loader_and_flagged_by_lint(tmp_path: Path, term: str) -> None:
    from checker.ruleset.lint import lint

    d = _rule_pack(tmp_path, term=f"'{term}'")
    with pytest.raises(RuleError) as exc:
        load_rules(packs=[d])
    assert exc.value.args_map["field"] == "match.terms[0]" and "backtracking" in exc.value.args_map["problem"]
    problems = [p for p in lint(load_rules(packs=[d], unsafe_ok=True)) if p.rule == "C27.90" and p.level == "error"]
    assert [p.message for p in problems if "backtracking" in p.message] == [exc.value.args_map["problem"]]


@pytest.mark.parametrize("term", SAFE)
def test_safe_patterns_load_and_lint_raises_no_backtracking_error(tmp_path: Path, term: str) -> None:
    from checker.ruleset.lint import lint

    d = _rule_pack(tmp_path, term=f"'{term}'")
    rs = load_rules(packs=[d])
    assert not [p for p in lint(rs) if p.rule == "C27.90" and "backtracking" in p.message]

