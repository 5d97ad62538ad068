"""The pre-commit hook, run by pre-commit itself (`try-repo`) in a throwaway git repository."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT
from test_gate import complete_draft

PRE_COMMIT = shutil.which("pre-commit") or str(Path(sys.executable).with_name("pre-commit"))


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    if not Path(PRE_COMMIT).exists() and shutil.which("pre-commit") is None:
        pytest.skip("pre-commit is not installed (pip install '.[test]')")
    d = tmp_path_factory.mktemp("drafts-repo")
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path_factory.mktemp("pre-commit-home")),
           "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.invalid",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.invalid"}
    subprocess.run(["git", "init", "-q"], cwd=d, check=True, env=env)
    (d / "good.txt").write_text(complete_draft(True), encoding="utf-8")
    (d / "bad.txt").write_text(complete_draft(False), encoding="utf-8")
    subprocess.run(["git", "add", "."], cwd=d, check=True, env=env)
    return d, env


def _try(repo: tuple[Path, dict[str, str]], *files: str) -> subprocess.CompletedProcess[str]:
    d, env = repo
    return subprocess.run([PRE_COMMIT, "try-repo", str(ROOT), "fzzf-check", "--verbose", "--files", *files],
                          cwd=d, env=env, capture_output=True, text=True, timeout=900)


def test_good_draft_passes(repo) -> None:
    r = _try(repo, "good.txt")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "Passed" in r.stdout


def test_bad_draft_fails_with_findings(repo) -> None:
    r = _try(repo, "bad.txt")
    assert r.returncode == 1, r.stdout + r.stderr
    assert "Failed" in r.stdout
    assert "S.first_responsible" in r.stdout and "bad.txt:1:1: required:" in r.stdout
