from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

from checker.errors import RuleError
from checker.outline import load_outline
from checker.ruleset.compile import OPERATORS
from checker.ruleset.load import load_rules, schema

SCORED = [1, *range(4, 36)]


@pytest.fixture(scope="module")
def ruleset():
    return load_rules()


def test_outline_shape() -> None:
    o = load_outline()
    assert len(o.chapters) == 10
    assert sorted(o.items) == list(range(1, 36))
    listed = [i for ch in o.chapters for i in ch.items]
    assert sorted(listed) == list(range(1, 36))
    for ch in o.chapters:
        for i in ch.items:
            assert o.items[i].chapter == ch.id
    assert [i for i, it in o.items.items() if not it.scored] == [2, 3]
    for i in (7, 8):
        assert {"county", "township", "street"} <= set(o.items[i].not_applicable_for)
    for it in o.items.values():
        assert it.title["zh"] and it.title["en"]
    assert o.deadline == (4, 1)
    assert {"measures", "shortcomings", "first_responsible", "next_year", "other"} <= set(o.parts)


def test_every_scored_item_has_a_checkpoint(ruleset) -> None:
    covered = {r.item for r in ruleset.checkpoints()}
    assert covered == set(SCORED)


def test_every_reference_exists(ruleset) -> None:
    o = ruleset.outline
    for r in ruleset.rules:
        if r.item is not None:
            assert r.item in o.items and o.items[r.item].scored, r.id
        else:
            assert r.requirement in o.requirement_refs, r.id


def test_structure_rule_for_each_required_part_and_timeliness(ruleset) -> None:
    o = ruleset.outline
    required = {p for p, req in o.parts.items() if req.required}
    structural = {r.requirement.removeprefix("part.") for r in ruleset.rules if r.kind == "structure"}
    assert required <= structural
    assert any(r.kind == "timeliness" and r.requirement == "publication.deadline" for r in ruleset.rules)


def test_every_rule_is_bilingual_and_term_rules_have_examples(ruleset) -> None:
    for r in ruleset.rules:
        for field in ("title", "message"):
            assert r.text(field, "zh") and getattr(r, field)["en"], (r.id, field)
        if r.kind in ("checkpoint", "signal"):
            assert r.examples_pass, f"{r.id} has no pass example"
            assert r.examples_fail, f"{r.id} has no fail example"


def test_ids_follow_their_item(ruleset) -> None:
    for r in ruleset.checkpoints():
        assert re.fullmatch(rf"C{r.item:02d}\.\d\d", r.id), r.id


def test_schema_operators_equal_compiler_table() -> None:
    ops = set(schema()["$defs"]["test"]["oneOf"][1]["properties"])
    assert ops == set(OPERATORS)


def _write(tmp_path: Path, body: str) -> Path:
    d = tmp_path / "rules"
    d.mkdir(exist_ok=True)
    (d / "bad.yaml").write_text(textwrap.dedent(body), encoding="utf-8")
    return d


GOOD = """
rules:
  - id: C27.99
    name: test.rule
    ref: {item: 27}
    severity: required
    weight: 2
    title: {zh: 标题, en: Title}
    message: {zh: 消息, en: Message}
    match: {terms: ["主动公开"]}
    examples: {pass: ["全年主动公开信息12条。"], fail: ["尚未主动公开。"]}
"""


@pytest.mark.parametrize(
    ("old", "new", "rule", "field"),
    [
        ("severity: required", "severity: urgent", "C27.99", "severity"),
        ("weight: 2", "weight: heavy", "C27.99", "weight"),
        ("ref: {item: 27}", "ref: {item: 99}", "C27.99", "ref"),
        ("ref: {item: 27}", "ref: {item: 2}", "C27.99", "ref.item"),
        ('terms: ["主动公开"]', 'terms: ["(主动公开"]', "C27.99", "match.terms[0]"),
        ("title: {zh: 标题, en: Title}", "title: {zh: 标题}", "C27.99", "title"),
        ("    match: {terms: [\"主动公开\"]}\n", "", "C27.99", "match"),
    ],
)
def test_invalid_rule_names_file_rule_and_field(tmp_path: Path, old: str, new: str, rule: str, field: str) -> None:
    assert old in GOOD
    d = _write(tmp_path, GOOD.replace(old, new))
    with pytest.raises(RuleError) as exc:
        load_rules([d])
    args = exc.value.args_map
    assert args["file"].endswith("bad.yaml")
    assert args["rule"] == rule
    assert args["field"] == field


def test_duplicate_id_is_refused(tmp_path: Path) -> None:
    d = _write(tmp_path, GOOD + GOOD.replace("rules:\n", "").replace("test.rule", "test.other"))
    with pytest.raises(RuleError) as exc:
        load_rules([d])
    assert exc.value.args_map["field"] == "id"


def test_good_rule_loads(tmp_path: Path) -> None:
    rs = load_rules([_write(tmp_path, GOOD)])
    assert [r.id for r in rs.rules] == ["C27.99"]


def test_yaml_syntax_error_names_line(tmp_path: Path) -> None:
    d = _write(tmp_path, "rules:\n  - id: [unclosed\n")
    with pytest.raises(RuleError) as exc:
        load_rules([d])
    assert exc.value.args_map["field"].startswith("line ")


def test_every_outline_checkpoint_has_exactly_one_rule(ruleset) -> None:
    keys = {(i.id, c.key) for i in ruleset.outline.items.values() if i.scored for c in i.checkpoints}
    rules: dict[tuple[int, str | None], list[str]] = {}
    for r in ruleset.checkpoints():
        rules.setdefault((r.item, r.checkpoint), []).append(r.id)
    assert all(r.checkpoint for r in ruleset.checkpoints()), "every checkpoint rule names its outline key"
    assert set(rules) == keys
    assert {k: v for k, v in rules.items() if len(v) > 1} == {}
    assert len(keys) >= 140
