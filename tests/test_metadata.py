from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from checker.metadata import extract, level_of, own_name
from checker.model import Document
from checker.read import read_document


@pytest.mark.parametrize(
    ("raw", "name", "level"),
    [
        ("重庆市涪陵区珍溪镇人民政府", "珍溪镇", "township"),
        ("岱山县衢山镇", "衢山镇", "township"),
        ("泰顺县人民政府", "泰顺县", "county"),
        ("广州市天河区人民政府", "天河区", "county"),
        ("云溪县城东街道办事处", "城东街道", "street"),
        ("江州市市场监督管理局", "江州市市场监督管理局", "department"),
        ("温州市泰顺县司法局", "泰顺县司法局", "department"),
        ("深圳市人民政府", "深圳市", "city"),
        ("广东省人民政府", "广东省", "province"),
        ("上海市人民政府", "上海市", "province"),
        ("某某乡", "某某乡", "township"),
    ],
)
def test_own_name_and_level(raw: str, name: str, level: str) -> None:
    assert own_name(raw) == name
    assert level_of(name) == level


def test_unknown_stays_null() -> None:
    doc = Document(source="x", text="一些没有标题的文字。", format="txt", encoding="utf-8", fields={})
    m = extract(doc)
    assert m.agency.value is None and m.level.value is None
    assert m.year.value is None and m.published.value is None


def test_overrides_win_and_say_so() -> None:
    doc = Document(source="x", text="衢山镇2023年度法治政府建设工作报告", format="txt", encoding="utf-8",
                   fields={"title": "衢山镇2023年度法治政府建设工作报告"})
    m = extract(doc, agency="某局", level="department", year=2022, published="2023-03-01")
    assert (m.agency.value, m.agency.source) == ("某局", "cli")
    assert (m.level.value, m.year.value, m.published.value) == ("department", 2022, "2023-03-01")


def test_title_with_year_first() -> None:
    t = "2023年衢山镇法治政府建设工作报告"
    m = extract(Document(source="x", text=t, format="txt", encoding="utf-8", fields={"title": t}))
    assert m.agency.value == "衢山镇" and m.year.value == 2023


def test_signature_date_is_written_not_published() -> None:
    t = "某县2023年法治政府建设年度报告\n正文。\n某县人民政府\n2024年3月20日"
    m = extract(Document(source="x", text=t, format="txt", encoding="utf-8", fields={"title": t.split()[0]}))
    assert m.published.value is None
    assert m.written.value == "2024-03-20" and m.written.source == "text:落款日期"
    assert m.timeliness_date == (dt.date(2024, 3, 20), "written")


def test_corpus_metadata(corpus: Path, labels: dict) -> None:
    for name, gold in labels.items():
        m = extract(read_document(corpus / name))
        assert m.agency.value and (gold["agency"] in m.agency.value or m.agency.value in gold["agency"]), name
        assert m.level.value == gold["level"], name
        assert m.year.value == gold["year"], name
        assert (m.published.value or m.written.value) == gold["published"], name


def test_timeliness_falls_back_to_the_written_date_and_says_so() -> None:
    from checker.api import Checker
    from checker.read import read_bytes

    text = ("桥东镇2023年法治政府建设工作报告\n2023年，桥东镇坚持依法行政，全年开展普法活动12场。\n"
            "桥东镇人民政府\n2024年4月15日\n")
    r = Checker().check_document(read_bytes(text.encode(), "x.txt", suffix=".txt"))
    assert r.metadata.published.value is None and r.metadata.written.value == "2024-04-15"
    late = [f for f in r.findings if f.rule == "T.late"]
    assert late and late[0].args["date_basis"] == "written" and late[0].args["published"] == "2024-04-15"
    assert not any(f.rule == "T.date-unknown" for f in r.findings)


def test_fragments_are_never_names() -> None:
    from checker.metadata import valid_name

    for junk in ("度", "委汉中市", "现将我镇", "人民政府关于保定市", "全县", "我局", "县政府", "全镇党员干部", "内部"):
        assert valid_name(junk) is None, junk
    for name, own in (("新县", "新县"), ("吉林市", "吉林市"), ("洛浦街", "洛浦街"), ("巴州", "巴州"),
                      ("红旗镇人民政府", "红旗镇"), ("水利部", "水利部"), ("政和县", "政和县")):
        assert valid_name(name) == own, name


def test_provincial_divisions_data() -> None:
    """outline/divisions.yaml: the 34 provincial-level divisions, each short form its name's start."""
    from checker.metadata import _provinces

    provinces = _provinces()
    assert len(provinces) == 34 and len({full for full, _ in provinces}) == 34
    for full, short in provinces:
        assert short and all(full.startswith(s) and len(s) >= 2 for s in short), full
        if full.endswith(("省", "自治区")):
            assert level_of(full) == "province", full
