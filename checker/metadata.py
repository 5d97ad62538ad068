"""Who wrote the report, on which year, and when it was published — each with its source.

The agency is the reporting body's own name without the higher-level prefix (衢山镇, not
岱山县衢山镇), taken from the title or the page's 发布机构 field. Its level follows from the
name's administrative suffix. Nothing is guessed silently: a value the report does not carry
stays None, and every value records where it came from.
"""

from __future__ import annotations

import re

from checker.model import Document, Metadata, MetaValue

# Administrative units, outermost first, as they appear in a name: 浙江省 温州市 泰顺县 罗阳镇.
_UNIT = re.compile(
    r"[\u4e00-\u9fff]{1,10}?(?:自治区|自治州|自治县|特别行政区|省|市|州(?![市县区])|盟|地区|县|区|旗|镇|乡|街道)"
)
_GOV_SUFFIX = re.compile(r"(人民政府|政府|办事处|党工委|管委会)$")
_DEPT = re.compile(
    r"(局|委员会|委|办公室|厅|中心|署|院|所|队|站|办)$"
)
_MUNICIPALITIES = ("北京市", "上海市", "天津市", "重庆市")
_REPORT = re.compile(r"法治政府建设|依法行政|法治建设")
_YEAR_IN_TITLE = re.compile(r"(20\d\d)\s*年")
_SIGNATURE_DATE = re.compile(r"(20\d\d)\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*$")


def split_units(name: str) -> tuple[list[str], str]:
    """Split a name into administrative units and the rest (a department name, if any)."""
    units: list[str] = []
    pos = 0
    while pos < len(name):
        m = _UNIT.match(name, pos)
        if not m:
            break
        units.append(m.group(0))
        pos = m.end()
    return units, name[pos:]


def level_of(name: str) -> str | None:
    """Level of a reporting body from its (own) name."""
    if not name:
        return None
    units, rest = split_units(name)
    if rest and _DEPT.search(rest):
        return "department"
    if rest and not units:
        return "department" if _DEPT.search(rest) else None
    if not units:
        return None
    last = units[-1]
    if last.endswith("街道"):
        return "street"
    if last.endswith(("镇", "乡")):
        return "township"
    if last.endswith(("县", "旗", "区", "自治县")) and not last.endswith("地区"):
        return "county"
    if last in _MUNICIPALITIES or last.endswith(("省", "自治区", "特别行政区")):
        return "province"
    if last.endswith(("市", "州", "盟", "地区")):
        return "city"
    return None


def own_name(raw: str) -> str | None:
    """The body's own name: drop 人民政府 and the units above the body's own government."""
    name = re.sub(r"\s+", "", raw)
    name = re.sub(r"^中共", "", name)
    name = _GOV_SUFFIX.sub("", name)
    if not name:
        return None
    units, rest = split_units(name)
    if not units:
        return name if rest else None
    if rest:
        # A department: keep the government it belongs to (泰顺县司法局), drop what is above.
        return units[-1] + rest
    return units[-1]


def _agency_from_title(title: str) -> str | None:
    # "衢山镇2023年度法治政府建设工作报告", "泰顺县人民政府关于2023年法治政府建设年度报告",
    # "2023年衢山镇法治政府建设工作报告"
    t = re.sub(r"\s+", "", title)
    t = re.sub(r"^关于", "", t)
    t = re.sub(r"^[（(【\[]?\d{4}[）)】\]]?", "", t) if re.match(r"^[（(【\[]\d{4}", t) else t
    m = re.match(r"^(?P<a>[\u4e00-\u9fff（）()]+?)(?:关于)?(?:20\d\d)\s*年", t)
    if m and not _REPORT.search(m.group("a")):
        return m.group("a")
    m = re.match(r"^(?:20\d\d)\s*年度?(?P<a>[\u4e00-\u9fff]+?)(?:关于)?(?:推进)?(?:" + _REPORT.pattern + ")", t)
    if m:
        return m.group("a")
    m = re.match(r"^(?P<a>[\u4e00-\u9fff]+?)(?:关于)?(?:推进)?(?:" + _REPORT.pattern + ")", t)
    if m:
        return m.group("a")
    return None


def extract(
    doc: Document,
    *,
    agency: str | None = None,
    level: str | None = None,
    year: int | None = None,
    published: str | None = None,
) -> Metadata:
    """Metadata of a report; keyword arguments are overrides from the command line."""
    title = doc.fields.get("title")
    title_mv = MetaValue(title, doc.field_sources.get("title")) if title else MetaValue(None)

    agency_mv = MetaValue(None)
    if agency:
        agency_mv = MetaValue(agency, "cli")
    else:
        raw = _agency_from_title(title) if title else None
        name = own_name(raw) if raw else None
        if name and level_of(name):
            agency_mv = MetaValue(name, "title")
        else:
            publisher = doc.fields.get("publisher")
            pname = own_name(publisher) if publisher else None
            if pname and level_of(pname):
                agency_mv = MetaValue(pname, doc.field_sources.get("publisher"))
            elif name:
                agency_mv = MetaValue(name, "title")

    if level:
        level_mv = MetaValue(level, "cli")
    else:
        lv = level_of(str(agency_mv.value)) if agency_mv.value else None
        level_mv = MetaValue(lv, "agency name") if lv else MetaValue(None)

    if year is not None:
        year_mv = MetaValue(year, "cli")
    else:
        m = _YEAR_IN_TITLE.search(title or "")
        year_mv = MetaValue(int(m.group(1)), "title") if m else MetaValue(None)

    if published:
        pub_mv = MetaValue(published, "cli")
    elif doc.fields.get("published"):
        pub_mv = MetaValue(doc.fields["published"], doc.field_sources.get("published"))
    else:
        pub_mv = _signature_date(doc.text)

    return Metadata(agency=agency_mv, level=level_mv, year=year_mv, published=pub_mv, title=title_mv)


def _signature_date(text: str) -> MetaValue:
    """The date under the signature at the end of the report (落款日期), if printed."""
    tail = text.rstrip()[-60:]
    m = _SIGNATURE_DATE.search(tail)
    if not m:
        return MetaValue(None)
    from checker.read.clean import iso_date

    date = iso_date(m.group(1), m.group(2), m.group(3))
    return MetaValue(date, "text:落款日期") if date else MetaValue(None)
