"""Every rule's example sentences, one test case each (ids like `C27.01[pass-0]`)."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from checker.cli import cli
from checker.ruleset.load import load_rules
from checker.ruletest import EVIDENCE, example_status


def _cases() -> list[pytest.param]:
    cases = []
    for r in load_rules().rules:
        for key, sentences in (("pass", r.examples_pass), ("fail", r.examples_fail)):
            for i, s in enumerate(sentences):
                part, expect = r.example_part(key, i)
                cases.append(pytest.param(r.id, s, r.example_setting(key, i), part, expect, key == "pass",
                                          id=f"{r.id}[{key}-{i}]"))
    return cases


@pytest.mark.parametrize(("rule_id", "sentence", "setting", "part", "expect", "evidence"), _cases())
def test_example(checker, rule_id: str, sentence: str, setting: tuple[str | None, int | None], part: str,
                 expect: str | None, evidence: bool) -> None:
    got = example_status(checker, rule_id, sentence, *setting, part=part)
    if expect is not None:  # the example states its status: met and partial are told apart
        assert got == expect
    else:
        assert (got in ("met", "partial", EVIDENCE)) is evidence, got


def test_a_good_number_of_examples_state_their_status() -> None:
    stated = [r.example_part(k, i)[1] for r in load_rules().rules for k in ("pass", "fail")
              for i in range(len(r.examples_pass if k == "pass" else r.examples_fail))]
    counts = {s: stated.count(s) for s in ("met", "partial", "planned", "missing")}
    assert counts["met"] >= 50 and counts["partial"] >= 30, counts
    assert counts["planned"] >= 20 and counts["missing"] >= 20, counts


def test_rules_test_command_passes() -> None:
    result = CliRunner().invoke(cli, ["rules", "test", "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert "all rule examples pass" in result.output
