"""Shared fixtures: one Checker per test session (durable rulesets are never freed, so
registering them per test would leak), and the real corpus when ../shared is present."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
import yaml

from checker.api import Checker

# Compiled rules are cached per run of the suite, not in the user's home (subprocesses inherit it).
os.environ.setdefault("FZZF_CACHE_DIR", tempfile.mkdtemp(prefix="fzzf-test-cache-"))

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
CORPUS = ROOT.parent / "shared" / "corpus"


@pytest.fixture(scope="session")
def checker() -> Checker:
    return Checker()


@pytest.fixture(scope="session")
def corpus() -> Path:
    if not (CORPUS / "labels.yaml").is_file():
        pytest.skip("../shared/corpus is not present beside the repository")
    return CORPUS


@pytest.fixture(scope="session")
def labels(corpus: Path) -> dict:
    return yaml.safe_load((corpus / "labels.yaml").read_text(encoding="utf-8"))["reports"]
