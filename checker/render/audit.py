"""Outputs of `fzzf audit`: the supervisors' summary (CSV, XLSX, HTML) and per-agency reports.

Renderers only: they receive plain data — summary rows and agency histories as dicts of ids,
statuses, numbers and reason keys (`Summary`, `checker.batch.agencies.to_data`) — and put it
into words in the run's language; they know nothing of where the audit keeps its rows.

The HTML pages are self-contained (inline CSS, inline SVG charts, a few lines of inline JS for
sorting and filtering; nothing is fetched) and printable. Every text that comes from a report
is escaped (Jinja2 autoescape; the summary's table rows, made in Python as each row comes
in, by the same markupsafe escape, `_h`); every spreadsheet cell that starts like a formula is written
as text.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path
from types import SimpleNamespace
from typing import Any, TextIO

import orjson
from markupsafe import Markup

from checker import __version__
from checker.i18n import MESSAGES, rule_message, t
from checker.render.templates import css, template
from checker.ruleset.load import Rule, RuleSet

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
GAP_JOIN = {"zh": "；", "en": "; "}  # between the top gaps in one cell
UNKNOWN = "?"  # the filter value of a level or year not identified


def safe_cell(value: Any) -> Any:
    """A spreadsheet cell that can never become a formula (text starting = + - @ is quoted)."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def colour(value: float | None) -> str:
    """Background for a 0–100 value: red (low) through yellow to green (high)."""
    if value is None:
        return "#f4f4f4"
    hue = max(0.0, min(100.0, value)) * 1.2
    return f"hsl({hue:.0f},70%,82%)"


Rows = Callable[[], Iterable[dict[str, Any]]]


@dataclass(frozen=True)
class Summary:
    """What the four summaries are made of, as plain data.

    Each field that is a function gives a fresh iterable on every call (a page may go over the
    rows twice); the audit streams them from its store, a test may pass lists.
    `ranked`: summary rows of the checked reports, best first, each with its `rank` and the
    `link` to its agency's page (or None). `errors`: rows of the files that could not be
    checked. `agencies`: {"name", "level", "year", "chapters"} of every agency with a page
    (its latest report's chapter scores). `counts`: files, ok, errors, agencies, timed (reports
    whose timeliness is known), on_time. `score_list`: the scores alone, best first, when there
    is a cheaper way to them than going over `ranked` (the audit reads one column).
    """

    ranked: Rows
    errors: Rows
    agencies: Rows
    counts: dict[str, int]
    levels: list[str] = field(default_factory=list)
    years: list[int] = field(default_factory=list)
    score_list: Callable[[], Iterable[float]] | None = None
    # prepared(kind): (rank, link, piece `kind` of `row_pieces`) of the checked rows, best first,
    # when the audit made the pieces as the rows came in; None: they are made from `ranked`.
    prepared: Callable[[int], Iterable[tuple[int, str | None, Any]]] | None = None

    def scores(self) -> Iterable[float]:
        """Scores of the checked reports, best first."""
        if self.score_list is not None:
            return self.score_list()
        return (r["score"] for r in self.ranked())


@cache
def _labels(lang: str) -> dict[str, str]:
    # Cached: every agency page asks for them, and building them walks the whole catalogue.
    return {k.removeprefix("audit."): t(k, lang) for k in MESSAGES if k.startswith("audit.")}


@lru_cache(maxsize=4096)
def _word(key: str, lang: str) -> str:
    """`t(key, lang)` for a message without arguments, looked up once per process.

    The agency pages and the summary rows ask for the same few dozen words (statuses, parts,
    levels, reasons) thousands of times: a microsecond each through `t`. Bounded, and keyed
    on message keys only.
    """
    return t(key, lang)


def _level(lang: str, level: str | None) -> str:
    return _word(f"level.{level}", lang) if level else _word("report.unknown", lang)


def _on_time(lang: str, value: bool | None) -> tuple[str, str, int]:
    if value is None:
        return _word("audit.unknown", lang), "muted", 1
    return (_word("audit.yes", lang), "good", 2) if value else (_word("audit.no", lang), "bad", 0)


def headers(lang: str) -> list[str]:
    """Column headers of the summary table, in the user's language.

    Missing items come first, in the report's own unit, the required checkpoints among them
    beside; a file that could not be checked has its reason in the problem column.
    """
    return [t("audit.rank", lang), t("audit.agency", lang), t("audit.level", lang), t("audit.year", lang),
            t("audit.published", lang), t("audit.on_time", lang), t("audit.parts", lang), t("audit.score", lang),
            *[t("audit.chapter", lang, n=i) for i in range(1, 11)],
            t("audit.missing_items", lang), t("audit.missing_required", lang), t("audit.top_gaps", lang),
            t("audit.problem", lang), t("audit.source", lang)]


SCORE_COLUMNS = (7, 17)  # the score and the ten chapter columns: one decimal
TEXT_WIDTHS = [6, 22, 8, 7, 12, 10, 8, 8, *[7] * 10, 10, 12, 48, 40, 40]


def _one_decimal(v: float | None) -> float | None:
    """A score as people read it: 9.7, never 9.699999999999999."""
    return None if v is None else round(float(v), 1)


def _item_title(ruleset: RuleSet, item: int, lang: str) -> str:
    title = ruleset.outline.items[item].title
    return title.get(lang) or title["zh"]


def _gaps(ruleset: RuleSet, items: Iterable[int], lang: str) -> str:
    """A row's top gaps (item ids) in words: "3. title；7. title"."""
    return ("；" if lang == "zh" else "; ").join(f"{i}. {_item_title(ruleset, i, lang)}" for i in items)


_BY_ID: list[Any] = [None, {}]  # [rule set, its rules by id]: the last rule set asked for


def _rules_by_id(ruleset: RuleSet) -> dict[str, Rule]:
    """`ruleset.by_id()`, built once per rule set.

    `by_id` builds a dict of every rule on each call, and an agency page asks once per
    promise (0.05 ms each).
    """
    if _BY_ID[0] is not ruleset:
        _BY_ID[:] = [ruleset, ruleset.by_id()]
    rules: dict[str, Rule] = _BY_ID[1]
    return rules


def _rule_title(ruleset: RuleSet, rule: str, lang: str) -> str:
    found = _rules_by_id(ruleset).get(rule)
    return found.text("title", lang) if found else rule


def table_rows(summary: Summary, ruleset: RuleSet, lang: str) -> Iterable[list[Any]]:
    """Summary rows as plain cells: checked reports by rank, then the files that failed."""
    for rank, _, cells in _prepared(summary, ruleset, lang, XLSX):
        yield [rank, *cells]
    yield from _error_cells(summary, lang)


def _error_cells(summary: Summary, lang: str) -> Iterator[list[Any]]:
    for r in summary.errors():
        msg = t(r["error"]["key"], lang, **r["error"]["args"])
        yield ["", "", "", "", "", "", "", "", *[""] * 10, "", "", "", msg, source_label(r, lang)]


def _cells(r: dict[str, Any], ruleset: RuleSet, lang: str) -> list[Any]:
    """A checked row's table cells after its rank (the rank is known only once all are in)."""
    return [r["agency"] or _word("report.unknown", lang), _level(lang, r["level"]), r["year"],
            r["published"], _on_time(lang, r["on_time"])[0], f"{r['parts_present']}/{r['parts_required']}",
            _one_decimal(r["score"]), *[_one_decimal(r["chapters"].get(i)) for i in range(1, 11)],
            r.get("missing_items"), r["missing_required"], _gaps(ruleset, r["top_gaps"], lang), "",
            source_label(r, lang)]


# What `row_pieces` holds, by position (and which of them `Summary.prepared` is asked for).
CSV, JSON, HTML, XLSX = range(4)
_CSV_BUFFER = io.StringIO()
_CSV_LINE = csv.writer(_CSV_BUFFER)


def _csv_line(cells: list[Any]) -> str:
    """`cells` as csv.writer writes them (formula-like text quoted), line end included."""
    _CSV_BUFFER.seek(0)
    _CSV_BUFFER.truncate()
    _CSV_LINE.writerow([safe_cell("" if v is None else v) for v in cells])
    return _CSV_BUFFER.getvalue()


def row_pieces(r: dict[str, Any], ruleset: RuleSet, lang: str) -> list[Any]:
    """A checked summary row as each summary writes it, all but its rank and its agency's link.

    The audit makes them as each report comes in, while the workers are still checking, so
    that writing the summaries at the end only puts pieces together (`_prepared`). By
    position (CSV, JSON, HTML, XLSX): the CSV line after the rank; the JSON line without the
    rank (written last); the HTML row as [before the rank, after it up to the agency, the
    agency, the rest]; the table cells after the rank. `r` is a row as the row store gives it
    back (orjson's round trip: every value as the summaries always saw it).
    """
    cells = _cells(r, ruleset, lang)
    row = {k: v for k, v in r.items() if k not in ("digest", "link", "rank")}
    if "top_gaps" in row:
        row["top_gaps"] = [_gaps(ruleset, (i,), lang) for i in row["top_gaps"]]
    return [_csv_line(cells[:]), json.dumps(row, ensure_ascii=False), _html_row(r, ruleset, lang), cells]


def _prepared(summary: Summary, ruleset: RuleSet, lang: str, kind: int) -> Iterator[tuple[int, str | None, Any]]:
    """(rank, link, piece `kind` of `row_pieces`) of every checked row, best first.

    Made now unless the audit made them as the rows came in.
    """
    if summary.prepared is not None:
        yield from summary.prepared(kind)
        return
    for r in summary.ranked():
        yield r["rank"], r.get("link"), row_pieces(r, ruleset, lang)[kind]


def source_label(r: dict[str, Any], lang: str) -> str:
    """The row's file; an attachment checked instead of its notice page names the page too."""
    page = r.get("page")
    return t("audit.via_page", lang, source=r["source"], page=page) if page else r["source"]


def summary_csv(summary: Summary, ruleset: RuleSet, lang: str, fh: TextIO) -> None:
    """CSV in UTF-8 with a BOM (so Excel opens the Chinese text correctly), row by row."""
    fh.write("\ufeff")
    w = csv.writer(fh)
    w.writerow(headers(lang))
    for rank, _, line in _prepared(summary, ruleset, lang, CSV):
        fh.write(f"{rank},{line}")  # a rank is a plain number: never quoted
    for row in _error_cells(summary, lang):
        w.writerow([safe_cell("" if v is None else v) for v in row])


def summary_xlsx(summary: Summary, ruleset: RuleSet, lang: str, path: Path) -> None:
    """XLSX: frozen header, filters on every column, a colour scale on the scores.

    Written in xlsxwriter's constant-memory mode (each row goes to disk as it is written), so a
    table of ten thousand reports costs no more memory than one of ten.
    """
    import xlsxwriter  # imported here: only audits need it

    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_formulas": False,
                                         "strings_to_urls": False})
    ws = wb.add_worksheet(t("audit.table", lang)[:31])
    head = wb.add_format({"bold": True, "bg_color": "#F2F2F2", "border": 1, "text_wrap": True, "valign": "top"})
    decimal = wb.add_format({"num_format": "0.0"})
    hs = headers(lang)
    for c, wdt in enumerate(TEXT_WIDTHS):
        ws.set_column(c, c, wdt, decimal if SCORE_COLUMNS[0] <= c <= SCORE_COLUMNS[1] else None)
    ws.freeze_panes(1, 0)
    ws.write_row(0, 0, hs, head)
    n = 0
    for n, row in enumerate(table_rows(summary, ruleset, lang), 1):
        for c, v in enumerate(row):
            if v is None or v == "":
                continue  # xlsxwriter writes no blank cell without a format: the call did nothing
            elif isinstance(v, int | float) and not isinstance(v, bool):
                ws.write_number(n, c, v, decimal if SCORE_COLUMNS[0] <= c <= SCORE_COLUMNS[1] else None)
            else:
                ws.write_string(n, c, str(safe_cell(v)))
    ws.autofilter(0, 0, max(n, 1), len(hs) - 1)
    ws.conditional_format(1, SCORE_COLUMNS[0], max(n, 1), SCORE_COLUMNS[1], {
        "type": "3_color_scale", "min_type": "num", "min_value": 0, "mid_type": "num", "mid_value": 60,
        "max_type": "num", "max_value": 100, "min_color": "#F8696B", "mid_color": "#FFEB84", "max_color": "#63BE7B",
    })
    wb.close()


def summary_json(summary: Summary, ruleset: RuleSet, lang: str, fh: TextIO,
                 extra: dict[str, Any] | None = None) -> None:
    """The rows as data, ranked, then the files that failed: one row per line, streamed.

    Opens with the tool and rules version that made it (as `fzzf check --format json` does),
    so a table kept for a year still says what judged it. `extra`: further top-level keys
    (the manifest rows that named no file).
    """
    tool = {"name": "fzzf-checker", "version": __version__, "rules_version": ruleset.version}
    fh.write('{"tool": ' + json.dumps(tool, ensure_ascii=False) + ',\n"rows": [\n')
    first = True
    if summary.prepared is not None:
        for rank, _, line in summary.prepared(JSON):
            # The rank last: where the row store puts it, reading a row back (`RowStore.ranked`).
            fh.write(("" if first else ",\n") + line[:-1] + f', "rank": {rank}}}')
            first = False
        rows: Iterable[dict[str, Any]] = summary.errors()
    else:
        rows = itertools.chain(summary.ranked(), summary.errors())
    for r in rows:
        row = {k: v for k, v in r.items() if k not in ("digest", "link")}
        if "top_gaps" in row:
            row["top_gaps"] = [_gaps(ruleset, (i,), lang) for i in row["top_gaps"]]
        fh.write(("" if first else ",\n") + json.dumps(row, ensure_ascii=False))
        first = False
    fh.write("\n]")
    for key, value in (extra or {}).items():
        fh.write(f",\n{json.dumps(key)}: {json.dumps(value, ensure_ascii=False)}")
    fh.write("}\n")


def _histogram(scores: Iterable[float]) -> dict[str, Any]:
    bins = [0] * 10
    for s in scores:
        bins[min(9, int(s // 10))] += 1
    width, height, pad = 520, 180, 20
    top = max(bins) or 1
    bw = (width - 2 * pad) / 10
    bars = []
    for i, c in enumerate(bins):
        h = (height - 40) * c / top
        bars.append({"x": round(pad + i * bw + 2, 1), "w": round(bw - 4, 1), "y": round(height - 20 - h, 1),
                     "h": round(h, 1), "count": c, "label": f"{i * 10}-{i * 10 + 10}"})
    return {"width": width, "height": height, "bars": bars}


def _h(value: Any) -> str:
    """`value` as the templates write `{{ value }}`: markupsafe's escape, as plain text.

    The summary's rows are put together here rather than in the template: Jinja2 called
    escape once per value, some 40 times a row (a fifth of a millisecond a row).
    """
    if type(value) is not str:
        if type(value) is float or type(value) is int:
            return str(value)  # digits, a sign, a point, an exponent: nothing to escape
        value = str(value)
    text: str = value
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    if '"' in text:
        text = text.replace('"', "&#34;")
    if "'" in text:
        text = text.replace("'", "&#39;")
    return text


def _html_row(r: dict[str, Any], ruleset: RuleSet, lang: str) -> list[str]:
    """The summary page's table row, as [before the rank, after it up to the agency, the agency, the rest].

    Exactly what the row loop of summary.html.j2 wrote before it became this function
    (tests/test_audit_render.py renders both and compares).
    """
    label, cls, sort = _on_time(lang, r["on_time"])
    agency = _h(r["agency"] or _word("report.unknown", lang))
    level_label = _h(_level(lang, r["level"]))
    year, published = r["year"], r["published"]
    score = r["score"]
    chapters = r["chapters"]
    cells = []
    for i in range(1, 11):
        v = chapters.get(i)
        if v is None:
            cells.append('<td class="num" data-v="-1" style="background:#f4f4f4">—</td>')
        else:
            cells.append(f'<td class="num" data-v="{_h(v)}" style="background:{colour(v)}">'
                         f'{_h(round(float(v), 1))}</td>')
    source = _h(source_label(r, lang))
    gaps = _h(_gaps(ruleset, r["top_gaps"], lang))
    missing = _h(r.get("missing_items"))
    head = f'<tr data-level="{_h(r["level"] or UNKNOWN)}" data-year="{_h(year or UNKNOWN)}">\n<td class="num" data-v="'
    mid = f'</td>\n<td class="agency{"" if r["agency"] is not None else " muted"}" data-v="{agency}">'
    rest = (
        f'</td>\n<td class="nw" data-v="{level_label}">{level_label}</td>\n'
        f'<td class="num" data-v="{_h(year or "")}">{_h(year or "—")}</td>\n'
        f'<td class="nw" data-v="{_h(published or "")}">{_h(published or "—")}</td>\n'
        f'<td data-v="{sort}" class="nw {cls}">{_h(label)}</td>\n'
        f'<td class="num" data-v="{_h(r["parts_present"])}">{_h(r["parts_present"])}/{_h(r["parts_required"])}</td>\n'
        f'<td class="num" data-v="{_h(_one_decimal(score))}" style="background:{colour(score)}">'
        f'{_h(_one_decimal(score))}</td>\n'
        + "".join(cells) + "\n"
        f'<td class="num" data-v="{missing}">{missing}<div class="sub">'
        f'{_h(t("audit.missing_cps", lang, n=r["missing_required"]))}</div></td>\n'
        f'<td class="gaps" data-v="{gaps}">{gaps}</td>\n'
        f'<td class="file meta" data-v="{source}" title="{source}">{_h(Path(r["source"]).name)}</td>\n</tr>'
    )
    return [head, mid, agency, rest]


def _html_rows(summary: Summary, ruleset: RuleSet, lang: str) -> Iterator[Markup]:
    """The summary table's rows, put together from their pieces with rank and link.

    Markup: the template writes each as it is (its values are escaped already).
    """
    for rank, link, (head, mid, agency, rest) in _prepared(summary, ruleset, lang, HTML):
        cell = f'<a href="{_h(link)}">{agency}</a>' if link else agency
        yield Markup(f'{head}{_h(rank)}">{_h(rank)}{mid}{cell}{rest}')


def _heat_rows(summary: Summary, lang: str) -> Iterator[Markup]:
    """The heat map's rows (an agency's latest chapter scores), as the template wrote them."""
    for a in summary.agencies():
        year = a["year"] or "—"
        label = f"{a['name']}（{year}）" if lang == "zh" else f"{a['name']} ({year})"
        chapters = a["chapters"]
        cells = "".join(f'<td class="num" style="background:{colour(v)}">{"—" if v is None else _h(v)}</td>'
                        for v in (chapters.get(i) for i in range(1, 11)))
        yield Markup(f"<tr><td>{_h(label)}</td>{cells}</tr>")


def summary_html(summary: Summary, ruleset: RuleSet, lang: str, fh: TextIO) -> None:
    """The self-contained summary page, streamed: one table row is built at a time."""
    chapters = [{"id": c.id, "title": c.title.get(lang) or c.title["zh"]} for c in ruleset.outline.chapters]

    def errors() -> Iterator[SimpleNamespace]:
        for r in summary.errors():
            yield SimpleNamespace(source=source_label(r, lang), file_name=Path(r["source"]).name,
                                  message=t(r["error"]["key"], lang, **r["error"]["args"]))

    c = summary.counts
    ok = c["ok"]
    total = sum(summary.scores())
    timed, on_time = c["timed"], c["on_time"]
    counts = {
        "files": c["files"], "ok": ok, "errors": c["errors"], "agencies": c["agencies"],
        "mean": round(total / ok, 1) if ok else None,
        "on_time": _on_time_rate(lang, on_time, timed, ok),
    }
    # The page shows the required checkpoints beneath the missing items, and lists the files
    # that failed in a table of their own: neither needs a column.
    hidden = {t("audit.missing_required", lang), t("audit.problem", lang)}
    hs = [h for h in headers(lang) if h not in hidden]
    types = ["num", "text", "text", "num", "text", "num", "num", "num", *["num"] * 10, "num", "text", "text"]
    stream = template("summary.html.j2").generate(
        lang=lang, css=css(), t=_labels(lang), generated=dt.datetime.now().strftime("%Y-%m-%d %H:%M"),
        counts=counts, chart=_histogram(summary.scores()), rows=_html_rows(summary, ruleset, lang), errors=errors(),
        heat=_heat_rows(summary, lang),
        chapters=chapters, headers=[{"label": h, "type": ty} for h, ty in zip(hs, types, strict=True)],
        levels=[{"id": lv, "label": _level(lang, lv)} for lv in summary.levels],
        years=summary.years, unknown=UNKNOWN,
    )
    fh.writelines(stream)  # one C loop instead of a Python call per piece (~200 pieces a row)


def _on_time_rate(lang: str, on_time: int, known: int, checked: int) -> str | None:
    """The on-time rate with its base: how many reports it counts and how many it cannot judge."""
    if not known:
        return None
    if known == checked:
        return t("audit.on_time_known", lang, yes=on_time, known=known)
    return t("audit.on_time_base", lang, yes=on_time, known=known, unknown=checked - known)


def _trend(a: dict[str, Any]) -> dict[str, Any]:
    pts = [r for r in a["reports"] if r["year"] is not None] or a["reports"]
    width, height, pad = 520, 180, 40
    step = (width - 2 * pad) / max(1, len(pts) - 1)
    points = []
    for i, r in enumerate(pts):
        x = pad + i * step if len(pts) > 1 else width / 2
        y = 20 + (height - 50) * (1 - r["score"] / 100)
        points.append({"x": round(x, 1), "y": round(y, 1), "score": r["score"], "label": r["year"] or "—"})
    path = "M" + " L".join(f"{p['x']},{p['y']}" for p in points) if len(points) > 1 else ""
    # Gridlines at 0, 60 and 100, so a line near the top reads as a score, not as a shape.
    grid = [{"y": round(20 + (height - 50) * (1 - v / 100), 1), "label": v} for v in (0, 60, 100)]
    return {"width": width, "height": height, "points": points, "path": path, "grid": grid, "left": pad - 8,
            "right": width - pad + 8}


def _part_lines(parts: dict[str, dict[str, Any]], lang: str) -> list[dict[str, str]]:
    """Each required part as found: present or not, how, and the heading it was found under."""
    out = []
    for pid, p in parts.items():
        if not p.get("present"):
            out.append({"part": _word(f"part.{pid}", lang), "state": _word("report.absent", lang), "cls": "bad"})
            continue
        details = [_word(f"part.how.{p['how']}", lang)] if p.get("how") else []
        if p.get("heading"):
            details.append(t("report.found_under", lang, heading=p["heading"]))
        sep = "，" if lang == "zh" else ", "
        out.append({"part": _word(f"part.{pid}", lang), "state": sep.join(details) or _word("report.present", lang),
                    "cls": ""})
    return out


def _promise(ruleset: RuleSet, k: dict[str, Any], lang: str) -> dict[str, Any]:
    return {**k, "title": _rule_title(ruleset, k["rule"], lang), "status_label": _word(f"status.{k['status']}", lang)}


def _agency_view(a: dict[str, Any], ruleset: RuleSet, lang: str) -> dict[str, Any]:
    """An agency's plain data (`agencies.to_data`) in the words of `lang`."""
    rules = _rules_by_id(ruleset)
    reports = []
    for r in a["reports"]:
        label, cls, _ = _on_time(lang, r["on_time"])
        gaps = [{"id": it["id"], "title": _item_title(ruleset, it["id"], lang), "reason": _word(it["reason"], lang)}
                for it in r["items"] if it["status"] in ("missing", "planned")]
        reports.append({
            "year": r["year"], "score": r["score"], "published": r["published"], "source": r["source"],
            "file_name": Path(r["source"]).name, "parts": _part_lines(r["parts"], lang),
            "on_time_label": label, "on_time_class": cls,
            "parts_missing": "、".join(_rule_title(ruleset, p, lang) for p in r["parts_missing"])
            or _word("audit.none", lang),
            "chapter_cells": [{"label": "—" if v is None else v, "bg": colour(v)}
                              for v in (r["chapters"].get(i) for i in range(1, 11))],
            "gaps": gaps,
            "findings": [rule_message(rules[f["rule"]].text("message", lang), f["args"], lang)
                         for f in r["findings"] if f["rule"] in rules],
        })
    pairs = []
    for p in a["comparisons"]:
        pairs.append({
            "year": p["year"], "previous": p["previous"],
            "recurring_gaps": [{**g, "title": _item_title(ruleset, g["id"], lang)} for g in p["recurring_gaps"]],
            "delta_label": f"{p['score_delta']:+.1f}", "delta_class": "good" if p["score_delta"] > 0 else (
                "bad" if p["score_delta"] < 0 else ""),
            "reuse_pct": round(100 * p["reuse"]), "reused": p["reused"],
            "kept": [_promise(ruleset, k, lang) for k in p["promises_kept"]],
            "not_kept": [_promise(ruleset, k, lang) for k in p["promises_not_kept"]],
        })
    return {"name": a["agency"], "level_label": _level(lang, a["level"]), "reports": reports, "pairs": pairs}


_CHAPTERS: dict[str, Any] = {}  # lang -> (rule set, its chapters' ids and titles)


def _chapters(ruleset: RuleSet, lang: str) -> list[dict[str, str]]:
    """The chapters' ids and titles for the page's column headers: the same on every page."""
    known = _CHAPTERS.get(lang)
    if known is None or known[0] is not ruleset:
        known = _CHAPTERS[lang] = (ruleset, [{"id": c.id, "title": c.title.get(lang) or c.title["zh"]}
                                             for c in ruleset.outline.chapters])
    chapters: list[dict[str, str]] = known[1]
    return chapters


def agency_html(a: dict[str, Any], ruleset: RuleSet, lang: str) -> str:
    """The agency's self-contained report page, from its plain data (`agencies.to_data`)."""
    return _agency_html(a, _agency_view(a, ruleset, lang), ruleset, lang)


def _agency_html(a: dict[str, Any], view: dict[str, Any], ruleset: RuleSet, lang: str) -> str:
    return template("agency.html.j2").render(lang=lang, css=css(), t=_labels(lang), a=view, chart=_trend(a),
                                             chapters=_chapters(ruleset, lang))


def agency_pages(data: dict[str, Any], ruleset: RuleSet, lang: str) -> tuple[str, str, bytes]:
    """The agency's Markdown, HTML and JSON (UTF-8) at once, as the audit writes them.

    One view in the words of `lang` serves both the Markdown and the HTML: building it for
    each cost a tenth of a millisecond per agency.
    """
    view = _agency_view(data, ruleset, lang)
    return _agency_markdown(view, lang), _agency_html(data, view, ruleset, lang), _agency_json(data, ruleset, lang)


def _md(text: Any) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ").replace("<", "&lt;").replace(">", "&gt;")


def agency_markdown(data: dict[str, Any], ruleset: RuleSet, lang: str) -> str:
    """The agency's report in Markdown, from its plain data (`agencies.to_data`)."""
    return _agency_markdown(_agency_view(data, ruleset, lang), lang)


def _agency_markdown(a: dict[str, Any], lang: str) -> str:
    lb = _labels(lang)
    out = [f"# {_md(a['name'])} — {lb['agency_title']}", "", f"{lb['level']}: {a['level_label']}", "",
           f"## {lb['trend']}", "",
           f"| {lb['year']} | {lb['score']} | {lb['published']} | {lb['on_time']} | {lb['parts_missing']} | "
           + " | ".join(str(i) for i in range(1, 11)) + " |",
           "|---|---:|---|---|---|" + "---:|" * 10]
    for r in a["reports"]:
        out.append(f"| {r['year'] or '—'} | {r['score']} | {r['published'] or '—'} | {r['on_time_label']} | "
                   f"{_md(r['parts_missing'])} | " + " | ".join(str(c["label"]) for c in r["chapter_cells"]) + " |")
    for p in a["pairs"]:
        out += ["", f"## {p['year']} {lb['vs']} {p['previous']}", "",
                f"- {lb['score_change']}: {p['delta_label']}",
                f"- {lb['reuse']}: {p['reuse_pct']}%" + (f" — **{lb['reused']}**" if p["reused"] else ""),
                f"- {lb['recurring']}: " + ("；".join(f"[{g['id']}] {_md(g['title'])}" for g in p["recurring_gaps"])
                                           or lb["none"]),
                "", f"### {lb['follow']}: {lb['kept']} {len(p['kept'])}, {lb['not_kept']} {len(p['not_kept'])}", ""]
        for k in p["not_kept"]:
            out.append(f"- ✗ {_md(k['title'])} — {k['status_label']}: > {_md(k['quote'])}")
        for k in p["kept"]:
            out.append(f"- ✓ {_md(k['title'])} — {k['status_label']}")
    for r in a["reports"]:
        out += ["", f"## {r['year'] or '—'} {lb['gaps']}", ""]
        out += [f"- {_md(p['part'])}: {_md(p['state'])}" for p in r["parts"]] + [""]
        out += [f"- [{g['id']}] {_md(g['title'])} — {g['reason']}" for g in r["gaps"]] or [lb["none"]]
        out += [f"- ⚠ {_md(f)}" for f in r["findings"]]
    return "\n".join(out) + "\n"


def agency_json(data: dict[str, Any], ruleset: RuleSet, lang: str) -> str:
    """The agency's history as JSON: its plain data with titles in `lang` where people read them."""
    return _agency_json(data, ruleset, lang).decode("utf-8")


# orjson writes a float as Python's repr does (the standard encoder's way) from 1e-4 up to 1e16
# and for 0; scores and their deltas are rounded to 0.1 and reuse to 0.001, so always there.
_SAME_FLOATS = (1e-4, 1e16)


def _plain_floats(doc: Any) -> bool:
    """Whether every float in `doc` (plain data) is one orjson writes as json.dumps would.

    Walks all of it, not only the scores: an entry from an older cache may hold a float
    anywhere. One step per value, a few hundred per page.
    """
    lo, hi = _SAME_FLOATS
    stack = [doc]
    pop, extend = stack.pop, stack.extend
    while stack:
        v = pop()
        kind = type(v)
        # Exact types first (what JSON data holds: a third of the cost of isinstance chains);
        # anything else, subclasses included, as before.
        if kind is str or kind is int or v is None or kind is bool:
            continue
        if kind is dict:
            extend(v.values())
        elif kind is list:
            extend(v)
        elif isinstance(v, float):
            if not (v == 0 or lo <= abs(v) < hi):
                return False
        elif isinstance(v, dict):
            extend(v.values())
        elif isinstance(v, list | tuple):
            extend(v)
    return True


def _agency_json(data: dict[str, Any], ruleset: RuleSet, lang: str) -> bytes:
    """`agency_json` as UTF-8, written by orjson where that gives the very same bytes.

    The standard encoder with `indent` runs in pure Python: a fifth of a millisecond a page,
    a tenth of that with orjson. Any float orjson would write otherwise (1e-05 as 0.00001), a
    string it refuses (a lone surrogate) or a key that is not a string goes the standard way.
    """
    doc = {
        "agency": data["agency"],
        "level": data["level"],
        "reports": [
            {**{k: r[k] for k in ("year", "source", "score", "published", "on_time", "parts_missing", "parts")},
             "chapters": {str(k): v for k, v in r["chapters"].items()},
             "items": {str(it["id"]): it["status"] for it in r["items"]},
             "findings": [f["rule"] for f in r["findings"]]}
            for r in data["reports"]
        ],
        "comparisons": [
            {"year": p["year"], "previous": p["previous"], "score_delta": p["score_delta"],
             "chapter_deltas": {str(k): v for k, v in p["chapter_deltas"].items()},
             "recurring_gaps": [{**g, "title": _item_title(ruleset, g["id"], lang)} for g in p["recurring_gaps"]],
             "promises_kept": [{**k, "title": _rule_title(ruleset, k["rule"], lang)} for k in p["promises_kept"]],
             "promises_not_kept": [{**k, "title": _rule_title(ruleset, k["rule"], lang)}
                                   for k in p["promises_not_kept"]],
             "reuse": p["reuse"], "reused": p["reused"]}
            for p in data["comparisons"]
        ],
    }
    if _plain_floats(doc):
        try:
            return orjson.dumps(doc, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE)
        except TypeError:  # orjson.JSONEncodeError
            pass
    return (json.dumps(doc, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
