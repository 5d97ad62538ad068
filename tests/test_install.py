"""The installed command finds its rules and outline wherever it is run from."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import SAMPLES


def _fzzf() -> str:
    script = Path(sys.executable).with_name("fzzf")
    found = str(script) if script.exists() else shutil.which("fzzf")
    if not found:
        pytest.skip("the fzzf console script is not installed in this environment")
    return found


def test_console_script_runs_outside_the_repository(tmp_path: Path) -> None:
    sample = tmp_path / "report.txt"
    sample.write_bytes((SAMPLES / "yunxi-county-2024.txt").read_bytes())
    r = subprocess.run([_fzzf(), "check", str(sample), "--format", "json"], cwd=tmp_path,
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["reports"][0]["agency"]["name"] == "云溪县"


def test_installed_package_carries_its_data(tmp_path: Path) -> None:
    code = ("import checker, checker.resources as r; "
            "print(checker.__file__); print(r.rules_dir()); print(r.outline_dir())")
    r = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    pkg, rules, outline = r.stdout.split("\n")[:3]
    assert (Path(rules) / "structure.yaml").is_file()
    assert (Path(outline) / "outline.yaml").is_file()
    if "site-packages" in pkg:  # a regular (not editable) install, as in CI
        assert "_data" in rules and "_data" in outline
