"""The summaries put together from pieces made as rows come in are the summaries made from the rows.

The summary page's table rows and heat map were Jinja2 loops; they are made in Python now
(`render.audit._html_row`, `_heat_rows`). The loops as they were are kept here and both are
run over random rows full of characters that need escaping.
"""

from __future__ import annotations

import io
import random
import re
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from checker.batch.agencies import AgencyLink
from checker.batch.audit import summary_data
from checker.batch.rows import RowStore
from checker.compiled import compiled
from checker.i18n import t
from checker.render import audit as out
from checker.render.templates import env

OLD_ROW = """{% for r in rows %}<tr data-level="{{ r.level_value }}" data-year="{{ r.year_value }}">
<td class="num" data-v="{{ r.rank }}">{{ r.rank }}</td>
<td class="agency{{ '' if r.identified else ' muted' }}" data-v="{{ r.agency }}">{% if r.link %}<a href="{{ r.link }}">{{ r.agency }}</a>{% else %}{{ r.agency }}{% endif %}</td>
<td class="nw" data-v="{{ r.level_label }}">{{ r.level_label }}</td>
<td class="num" data-v="{{ r.year or '' }}">{{ r.year or '—' }}</td>
<td class="nw" data-v="{{ r.published or '' }}">{{ r.published or '—' }}</td>
<td data-v="{{ r.on_time_sort }}" class="nw {{ r.on_time_class }}">{{ r.on_time_label }}</td>
<td class="num" data-v="{{ r.parts_present }}">{{ r.parts_present }}/{{ r.parts_required }}</td>
<td class="num" data-v="{{ r.score }}" style="background:{{ r.score_bg }}">{{ r.score }}</td>
{% for c in r.chapter_cells %}<td class="num" data-v="{{ c.sort }}" style="background:{{ c.bg }}">{{ c.label }}</td>{% endfor %}
<td class="num" data-v="{{ r.missing_items }}">{{ r.missing_items }}<div class="sub">{{ r.missing_cps }}</div></td>
<td class="gaps" data-v="{{ r.gaps }}">{{ r.gaps }}</td>
<td class="file meta" data-v="{{ r.source }}" title="{{ r.source }}">{{ r.file_name }}</td>
</tr>{% endfor %}"""  # noqa: E501

OLD_HEAT = """{% for h in heat %}<tr><td>{{ h.label }}</td>{% for c in h.cells %}<td class="num" style="background:{{ c.bg }}">{{ c.label }}</td>{% endfor %}</tr>{% endfor %}"""  # noqa: E501


def _old_view(r: dict[str, Any], ruleset: Any, lang: str) -> SimpleNamespace:
    """What summary_html handed the row loop before the rows were made in Python."""
    label, cls, sort = out._on_time(lang, r["on_time"])
    return SimpleNamespace(**{
        **r,
        "source": out.source_label(r, lang),
        "agency": r["agency"] or t("report.unknown", lang),
        "identified": r["agency"] is not None,
        "level_label": out._level(lang, r["level"]),
        "level_value": r["level"] or out.UNKNOWN, "year_value": r["year"] or out.UNKNOWN,
        "on_time_label": label, "on_time_class": cls, "on_time_sort": sort,
        "score": out._one_decimal(r["score"]), "score_bg": out.colour(r["score"]),
        "chapter_cells": [SimpleNamespace(label="—" if v is None else out._one_decimal(v),
                                          sort=-1 if v is None else v, bg=out.colour(v))
                          for v in (r["chapters"].get(i) for i in range(1, 11))],
        "missing_items": r.get("missing_items"),
        "missing_cps": t("audit.missing_cps", lang, n=r["missing_required"]),
        "gaps": out._gaps(ruleset, r["top_gaps"], lang),
        "file_name": Path(r["source"]).name,
        "link": r.get("link"),
    })


NASTY = ["", "a", "&", "<b>", '"q"', "'s'", "&amp;", "云溪县&<>\"'", " x ", "—", "a/b", "\x01", "{n}", "<r>x</r>"]


def _text(rng: random.Random) -> str:
    return "".join(rng.choice(NASTY) for _ in range(rng.randint(1, 4)))


def _number(rng: random.Random) -> Any:
    return rng.choice([0, 1, 100, 0.0, 66.09999999999999, 90.40000000000001, rng.uniform(0, 100),
                       rng.randint(0, 100), 1e-05, 12.35])


def _random_row(rng: random.Random, items: list[int]) -> dict[str, Any]:
    row: dict[str, Any] = {
        "ok": True, "source": rng.choice(["a.txt", "dir/x&y.html", "<p>.pdf", "d/" + _text(rng) + ".txt"]),
        "agency": rng.choice([None, _text(rng), "东海县"]),
        "level": rng.choice([None, "county", "township", _text(rng)]),
        "year": rng.choice([None, 0, 2023, 2024]), "published": rng.choice([None, "", "2024-03-26", _text(rng)]),
        "on_time": rng.choice([None, True, False]), "parts_required": rng.randint(0, 5),
        "parts_present": rng.randint(0, 5), "parts_missing": [], "score": _number(rng),
        "chapters": {i: rng.choice([None, _number(rng)]) for i in range(1, 11) if rng.random() < 0.9},
        "missing_required": rng.randint(0, 30), "top_gaps": rng.sample(items, rng.randint(0, 3)),
        "digest": "d", "rank": rng.randint(1, 50), "link": rng.choice([None, "", "agencies/" + _text(rng) + ".html"]),
    }
    if rng.random() < 0.8:
        row["missing_items"] = rng.choice([None, 0, 7])
    if rng.random() < 0.2:
        row["page"] = _text(rng)
    return row


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_python_rows_are_the_template_rows(lang: str) -> None:
    ruleset = compiled([]).ruleset
    items = sorted(ruleset.outline.items)
    rng = random.Random(f"rows-{lang}")
    rows = [_random_row(rng, items) for _ in range(1500)]
    summary = out.Summary(lambda: rows, lambda: [], lambda: [], {})
    old = env().from_string(OLD_ROW).render(rows=[_old_view(r, ruleset, lang) for r in rows])
    assert "".join(out._html_rows(summary, ruleset, lang)) == old
    heat = [{"name": _text(rng), "level": None, "year": rng.choice([None, 0, 2024]),
             "chapters": {i: rng.choice([None, _number(rng)]) for i in range(1, 11)}} for _ in range(500)]
    summary = out.Summary(lambda: [], lambda: [], lambda: heat, {})
    old_heat = [SimpleNamespace(label=f"{a['name']}（{a['year'] or '—'}）" if lang == "zh"
                                else f"{a['name']} ({a['year'] or '—'})",
                                cells=[SimpleNamespace(label="—" if v is None else v, bg=out.colour(v))
                                       for v in (a["chapters"].get(i) for i in range(1, 11))]) for a in heat]
    assert "".join(out._heat_rows(summary, lang)) == env().from_string(OLD_HEAT).render(heat=old_heat)


def _write_all(summary: out.Summary, ruleset: Any, folder: Path) -> dict[str, bytes]:
    folder.mkdir()
    with (folder / "s.csv").open("w", encoding="utf-8", newline="") as fh:
        out.summary_csv(summary, ruleset, "zh", fh)
    html = io.StringIO()
    out.summary_html(summary, ruleset, "zh", html)
    js = io.StringIO()
    out.summary_json(summary, ruleset, "zh", js)
    page = re.sub(r"\d{4}-\d\d-\d\d \d\d:\d\d", "", html.getvalue())  # the time it was made
    return {"csv": (folder / "s.csv").read_bytes(), "html": page.encode(), "json": js.getvalue().encode(),
            "cells": repr(list(out.table_rows(summary, ruleset, "zh"))).encode()}


def test_prepared_pieces_give_the_summaries_the_rows_give(tmp_path: Path) -> None:
    ruleset = compiled([]).ruleset
    items = sorted(ruleset.outline.items)
    rng = random.Random("pieces")
    with RowStore(tmp_path / "a") as plain, RowStore(tmp_path / "b") as prepared:
        prepared.prepare = lambda row: out.row_pieces(row, ruleset, "zh")
        for _ in range(300):
            row = _random_row(rng, items)
            del row["rank"], row["link"]
            plain.add(dict(row))
            prepared.add(dict(row))
        for store in (plain, prepared):
            store.add({"ok": False, "source": "bad&.txt", "error": {"key": "input.empty", "args": {"path": "x"}}})
            for name, level, _ in store.groups():
                store.add_link(AgencyLink(name, level, f"agencies/{name}.html", 2024, {1: 50.0}))
        a, b = summary_data(plain), summary_data(prepared)
        assert a.prepared is None and b.prepared is not None
        assert _write_all(a, ruleset, tmp_path / "x") == _write_all(b, ruleset, tmp_path / "y")
