"""Every rule's example sentences, one test case each (ids like `C27.01[pass-0]`)."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from checker.cli import cli
from checker.ruleset.load import load_rules
from checker.ruletest import gives_evidence


def _cases() -> list[pytest.param]:
    cases = []
    for r in load_rules().rules:
        for i, s in enumerate(r.examples_pass):
            cases.append(pytest.param(r.id, s, r.example_setting("pass", i), True,
                                      id=f"{r.id}[pass-{i}]"))
        for i, s in enumerate(r.examples_fail):
            cases.append(pytest.param(r.id, s, r.example_setting("fail", i), False,
                                      id=f"{r.id}[fail-{i}]"))
    return cases


@pytest.mark.parametrize(("rule_id", "sentence", "setting", "expected"), _cases())
def test_example(checker, rule_id: str, sentence: str, setting: tuple[str | None, int | None],
                 expected: bool) -> None:
    assert gives_evidence(checker, rule_id, sentence, *setting) is expected


def test_rules_test_command_passes() -> None:
    result = CliRunner().invoke(cli, ["rules", "test", "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert "all rule examples pass" in result.output
