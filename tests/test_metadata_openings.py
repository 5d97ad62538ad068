"""Metadata on report openings written in the variety real reports reach a reader.

The table is tests/fixtures/openings.yaml (text written for these tests, never copied); every
case states the agency, level, year, publication and written date a careful reader finds.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from checker.metadata import extract
from checker.read import read_bytes

TABLE = Path(__file__).parent / "fixtures" / "openings.yaml"
CASES: list[dict[str, Any]] = yaml.safe_load(TABLE.read_text(encoding="utf-8"))["cases"]


def _meta(case: dict[str, Any]) -> dict[str, Any]:
    fmt = case.get("format", "txt")
    source = case.get("file") or f"{case['id']}.{fmt}"
    doc = read_bytes(case["text"].encode("utf-8"), source, suffix=f".{fmt}")
    m = extract(doc)
    return {"agency": m.agency.value, "level": m.level.value, "year": m.year.value,
            "published": m.published.value, "written": m.written.value}


def test_table_is_large_and_ids_unique() -> None:
    assert len(CASES) >= 60
    assert len({c["id"] for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_opening(case: dict[str, Any]) -> None:
    assert _meta(case) == case["expect"]


@pytest.mark.parametrize("case", [c for c in CASES if c.get("format", "txt") == "txt" and "\n" in c["text"].strip()],
                         ids=lambda c: c["id"])
def test_opening_on_one_line(case: dict[str, Any]) -> None:
    """The same opening scraped onto one line (headings inline, no line breaks) reads the same."""
    one = {**case, "text": " ".join(line.strip() for line in case["text"].splitlines() if line.strip()) + "\n"}
    got = _meta(one)
    want = case["expect"]
    assert (got["agency"], got["level"], got["year"]) == (want["agency"], want["level"], want["year"])
    assert (got["published"] or got["written"]) == (want["published"] or want["written"])
