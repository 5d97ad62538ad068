"""The audit's on-disk summary rows: ranking, filters, grouping and links."""

from __future__ import annotations

from pathlib import Path

from checker.batch.agencies import AgencyLink
from checker.batch.rows import RowStore


def _row(source: str, agency: str | None, level: str | None, year: int | None, score: float,
         digest: str | None = "d") -> dict:
    return {"ok": True, "source": source, "agency": agency, "level": level, "year": year, "published": None,
            "on_time": None if year is None else year % 2 == 0, "parts_present": 4, "parts_missing": [],
            "score": score, "chapters": {1: score, 2: None}, "missing_required": 0, "top_gaps": [],
            "digest": digest and f"{digest}-{source}"}


def _error(source: str) -> dict:
    return {"ok": False, "source": source, "error": {"key": "input.empty", "args": {"path": source}}}


def test_ranked_with_shared_ranks_then_errors(tmp_path: Path) -> None:
    with RowStore(tmp_path) as rows:
        rows.add(_row("a.txt", "甲镇", "township", 2024, 70.0))
        rows.add(_error("bad.txt"))
        rows.add(_row("b.txt", "乙镇", "township", 2024, 80.0))
        rows.add(_row("c.txt", "丙镇", "township", 2024, 70.0))
        ranked = [(r["source"], r["rank"]) for r in rows.ranked()]
        assert ranked == [("b.txt", 1), ("c.txt", 2), ("a.txt", 2)]  # ties by agency name (丙 before 甲)
        assert [r["source"] for r in rows.errors()] == ["bad.txt"]
        assert len(rows) == 4 and rows.count(True) == 3 and rows.count(False) == 1
        assert next(rows.ranked())["chapters"] == {1: 80.0, 2: None}  # integer keys back
        assert rows.on_time() == (3, 3)
        path = rows.path
    assert not path.exists()  # a scratch file, gone with the run


def test_filters_drop_unknown_values_and_keep_errors(tmp_path: Path) -> None:
    with RowStore(tmp_path) as rows:
        rows.add(_row("a.txt", "甲镇", "township", 2024, 70.0))
        rows.add(_row("b.txt", "乙县", "county", 2024, 60.0))
        rows.add(_row("c.txt", None, None, None, 50.0))
        rows.add(_error("bad.txt"))
        assert rows.keep_only(("township",), (2024,)) == 2
        assert [r["source"] for r in rows.ranked()] == ["a.txt"]
        assert rows.count(False) == 1
        assert rows.keep_only((), ()) == 0


def test_groups_by_agency_and_level_and_links(tmp_path: Path) -> None:
    with RowStore(tmp_path) as rows:
        rows.add(_row("y2024.txt", "云溪县", "county", 2024, 70.0))
        rows.add(_row("nameless.txt", None, None, 2024, 60.0))
        rows.add(_row("y2023.txt", "云溪县", "county", 2023, 50.0))
        rows.add(_row("dept.txt", "云溪县", "department", 2024, 40.0))
        rows.add(_row("uncached.txt", "甲镇", "township", 2024, 40.0, digest=None))
        groups = [(name, level, sorted(m["source"] for m in members)) for name, level, members in rows.groups()]
        assert groups == [("nameless", None, ["nameless.txt"]),
                          ("云溪县", "county", ["y2023.txt", "y2024.txt"]),
                          ("云溪县", "department", ["dept.txt"])]
        rows.add_link(AgencyLink("云溪县", "county", "agencies/云溪县.html", 2024, {1: 70.0, 2: None}))
        rows.add_link(AgencyLink("nameless", None, "agencies/nameless.html", 2024, {1: 60.0}))
        assert rows.link("云溪县", "county") == "agencies/云溪县.html"
        assert rows.link("云溪县", "department") is None and rows.link(None, None) is None
        assert [a.name for a in rows.links()] == ["nameless", "云溪县"]
        assert next(iter(rows.links())).chapters == {1: 60.0}
        rows.drop_link("nameless", None)
        assert rows.link_count() == 1
