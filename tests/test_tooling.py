"""fzzf rules lint, fzzf explain, and the generated YAML reference in docs/rules.md."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import ROOT

from checker.cli import cli
from checker.ruleset.lint import check_pattern
from checker.ruleset.reference import current, reference


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def test_shipped_rules_lint_without_errors() -> None:
    r = run("rules", "lint", "--lang", "en")
    assert r.exit_code == 0, r.output
    assert ": error:" not in r.output
    assert "0 errors" in r.output


@pytest.mark.parametrize(
    ("pattern", "fragment"),
    [
        ("(a+)+b", "catastrophic backtracking"),
        ("(?:\\w+\\s?)*x", "catastrophic backtracking"),
        ("(.{0,6}公开)+", "catastrophic backtracking"),
        ("^主动公开", "can never match"),
        ("公开$", "can never match"),
        ("公开。信息", "can never match"),
        ("x?", "empty string"),
        (".*公开", "unbounded gap"),
    ],
)
def test_pattern_problems(pattern: str, fragment: str) -> None:
    assert any(fragment in msg for _, msg in check_pattern(pattern)), check_pattern(pattern)


@pytest.mark.parametrize("pattern", ["主动公开", "(政务|信息)公开.{0,6}专栏", "[^，。]{0,8}作用", "x{2,5}"])
def test_good_patterns_pass(pattern: str) -> None:
    assert check_pattern(pattern) == []


def test_lint_refuses_a_backtracking_pack(tmp_path: Path) -> None:
    pack = tmp_path / "pack"
    pack.mkdir()
    (pack / "bad.yaml").write_text(textwrap.dedent("""
        rules:
          - id: C27.90
            name: pack.slow
            ref: {item: 27}
            severity: optional
            weight: 1
            title: {zh: 慢, en: Slow}
            message: {zh: 慢, en: Slow}
            match: {terms: ["([^，]{1,30})+专栏"]}
        """), encoding="utf-8")
    r = run("rules", "lint", "--rules", str(pack), "--lang", "en")
    assert r.exit_code == 1
    assert "C27.90: match.terms[0]: error:" in r.output and "catastrophic" in r.output
    assert "C27.90: examples.pass: error: no pass example" in r.output


def test_explain_zh_and_en() -> None:
    r = run("explain", "C27.01")
    assert r.exit_code == 0, r.output
    assert "纲要事项: (27)" in r.output and "应判为有据的例句" in r.output
    r = run("explain", "S.first_responsible", "--lang", "en")
    assert r.exit_code == 0 and "Fires when" in r.output


def test_explain_unknown_rule() -> None:
    r = run("explain", "C99.99")
    assert r.exit_code == 2


def test_docs_reference_is_generated_from_the_schema() -> None:
    assert current(ROOT / "docs" / "rules.md") == reference(), "run: fzzf rules reference --write docs/rules.md"


def test_only_the_engine_imports_durable() -> None:
    offenders = [
        str(p.relative_to(ROOT)) for p in (ROOT / "checker").rglob("*.py")
        if p.name != "engine.py" and "durable" in "".join(
            line for line in p.read_text(encoding="utf-8").splitlines() if line.lstrip().startswith(("import", "from"))
        )
    ]
    assert offenders == []
