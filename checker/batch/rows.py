"""The audit's summary rows and agency links, kept on disk so memory does not grow with them.

An audit of ten thousand reports used to hold ten thousand summary rows in the main process,
because the summary table is ranked across all of them. The rows now go to a SQLite table in
a temporary file as the workers report them; the summaries read them back ranked, one at a
time, and the agency tasks are read back grouped. The file is private to one run and removed
when it ends (it is not the result cache, which lives on between runs); its name carries the
run's process id, so a run killed before it could remove it is tidied by the next one.
"""

from __future__ import annotations

import os
import re
import sqlite3
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import orjson

from checker.batch.agencies import AgencyLink

PIECES = ("csv", "json", "html", "cells")  # columns of the pieces `prepare` makes, in its order
STRAY_ROWS = re.compile(r"^\.rows-(\d+)-[a-z0-9_]{8}\.sqlite$")  # .rows-PID-XXXXXXXX.sqlite


def group_of(row: dict[str, Any]) -> str:
    """The agency a checked row belongs to: its name, or for a report without one the file's stem.

    A report whose agency is not identified is an agency of its own, with a page of its own.
    """
    return str(row["agency"] or Path(row["source"]).stem)


class RowStore:
    """Summary rows (one per input file) and the links to the agency pages, on disk."""

    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=f".rows-{os.getpid()}-", suffix=".sqlite", dir=folder)
        os.close(fd)
        self.path = Path(name)
        self._db = sqlite3.connect(name, isolation_level=None)
        # A scratch file: no journal, no syncing; a crash loses nothing that is not recomputed.
        self._db.execute("PRAGMA journal_mode=OFF")
        self._db.execute("PRAGMA synchronous=OFF")
        self._db.executescript("""
            CREATE TABLE rows (id INTEGER PRIMARY KEY, ok INTEGER NOT NULL, score REAL, agency TEXT,
                               level TEXT, year INTEGER, on_time INTEGER, grp TEXT, lkey TEXT,
                               source TEXT NOT NULL, row BLOB NOT NULL,
                               csv TEXT, json TEXT, html BLOB, cells BLOB);
            CREATE TABLE links (grp TEXT NOT NULL, lkey TEXT NOT NULL, link BLOB NOT NULL, page TEXT NOT NULL,
                                PRIMARY KEY (grp, lkey));
        """)
        # One transaction for the whole run, never committed: this connection reads its own
        # writes, the file is removed at the end, and a statement no longer opens and closes a
        # transaction of its own (file locks each time: about half the cost of keeping a row).
        self._db.execute("BEGIN")
        # Made from each checked row as it is kept (the summaries' pieces, `render.audit.row_pieces`),
        # stored beside it and handed back by `prepared`; None: nothing is made.
        self.prepare: Callable[[dict[str, Any]], Any] | None = None

    def close(self) -> None:
        """Close and remove the file."""
        self._db.close()
        self.path.unlink(missing_ok=True)

    def __enter__(self) -> RowStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def add(self, row: dict[str, Any]) -> None:
        """Keep one summary row (and, with `prepare`, what it makes of a checked one)."""
        ok = bool(row["ok"])
        grp = group_of(row) if ok else None
        blob = orjson.dumps(row, option=orjson.OPT_NON_STR_KEYS)
        # Made from the row as it is read back (`_loads`), so the summaries see the same values
        # whether they read a row or its pieces. One column per summary: each reads its own.
        pieces: list[Any] = [None] * 4
        if ok and self.prepare is not None:
            csv, json, html, cells = self.prepare(_loads(blob))
            pieces = [csv, json, orjson.dumps(html), orjson.dumps(cells)]
        self._db.execute(
            "INSERT INTO rows (ok, score, agency, level, year, on_time, grp, lkey, source, row,"
            " csv, json, html, cells) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (ok, row.get("score"), row.get("agency"), row.get("level"), row.get("year"),
             None if row.get("on_time") is None else bool(row["on_time"]), grp, row.get("level") or "",
             row["source"], blob, *pieces))

    def __len__(self) -> int:
        return int(self._db.execute("SELECT count(*) FROM rows").fetchone()[0])

    def count(self, ok: bool) -> int:
        """Rows of checked files (`ok`) or of files that failed."""
        return int(self._db.execute("SELECT count(*) FROM rows WHERE ok = ?", (ok,)).fetchone()[0])

    def keep_only(self, levels: tuple[str, ...], years: tuple[int, ...]) -> int:
        """Drop checked rows outside the `--level`/`--year` filters; returns how many went."""
        conds = []
        args: list[Any] = []
        if levels:
            conds.append(f"level IS NULL OR level NOT IN ({','.join('?' * len(levels))})")
            args += levels
        if years:
            conds.append(f"year IS NULL OR year NOT IN ({','.join('?' * len(years))})")
            args += years
        if not conds:
            return 0
        where = " OR ".join(f"({c})" for c in conds)  # placeholders only: values are bound below
        return self._db.execute(f"DELETE FROM rows WHERE ok = 1 AND ({where})", args).rowcount

    def _rows(self, sql: str, args: tuple[Any, ...] = ()) -> Iterator[dict[str, Any]]:
        for (blob,) in self._db.execute(sql, args):
            yield _loads(blob)

    def ranked(self, links: bool = False) -> Iterator[dict[str, Any]]:
        """Checked rows by score, best first, each with its rank (ties share a rank).

        `links`: each row also gets the `link` to its agency's page (`link_of`), joined in the
        same query: a lookup per row cost the summaries 6,000 queries for 1,000 reports.
        """
        prev, rank = None, 0
        order = " ORDER BY score DESC, coalesce(agency, ''), coalesce(year, 0), id"
        if links:  # rows.grp/lkey are group_of(row) and its level, as link_of looks them up
            sql = "SELECT row, page FROM rows LEFT JOIN links USING (grp, lkey) WHERE ok = 1" + order
        else:
            sql = "SELECT row, NULL FROM rows WHERE ok = 1" + order
        for i, (blob, page) in enumerate(self._db.execute(sql), 1):
            row = orjson.loads(blob)
            if "chapters" in row:
                row["chapters"] = {int(k): v for k, v in row["chapters"].items()}
            if row["score"] != prev:
                rank, prev = i, row["score"]
            row["rank"] = rank
            if links:
                row["link"] = page
            yield row

    def prepared(self, kind: int) -> Iterator[tuple[int, str | None, Any]]:
        """(rank, link, piece `kind`) of the checked rows, in the order and with the ranks of `ranked`.

        `kind`: which of the pieces `prepare` made (`render.audit.CSV`, JSON, HTML or XLSX),
        read alone. Only when every checked row has them (`all_prepared`).
        """
        column = PIECES[kind]
        decode = column in ("html", "cells")
        prev, rank = None, 0
        sql = (f"SELECT score, page, {column} FROM rows LEFT JOIN links USING (grp, lkey) WHERE ok = 1"
               " ORDER BY score DESC, coalesce(agency, ''), coalesce(year, 0), id")
        for i, (score, page, piece) in enumerate(self._db.execute(sql), 1):
            if score != prev:
                rank, prev = i, score
            yield rank, page, orjson.loads(piece) if decode else piece

    def all_prepared(self) -> bool:
        """Whether every checked row has its pieces (`prepare` was set before any was kept)."""
        return self._db.execute("SELECT 1 FROM rows WHERE ok = 1 AND csv IS NULL LIMIT 1").fetchone() is None

    def errors(self) -> Iterator[dict[str, Any]]:
        """Rows of the files that could not be checked, in the order they were found."""
        return self._rows("SELECT row FROM rows WHERE ok = 0 ORDER BY id")

    def scores(self) -> Iterator[float]:
        """Scores of the checked reports, best first (the order `ranked` gives them: equal sums)."""
        return (s for (s,) in self._db.execute("SELECT score FROM rows WHERE ok = 1 ORDER BY score DESC"))

    def on_time(self) -> tuple[int, int]:
        """(reports with a known publication date, of which on time)."""
        n, yes = self._db.execute("SELECT count(on_time), coalesce(sum(on_time), 0) FROM rows WHERE ok = 1"
                                  ).fetchone()
        return int(n), int(yes)

    def levels(self) -> list[str]:
        """Levels of the checked reports, sorted."""
        return [v for (v,) in self._db.execute(
            "SELECT DISTINCT level FROM rows WHERE ok = 1 AND level IS NOT NULL ORDER BY level")]

    def years(self) -> list[int]:
        """Years of the checked reports, sorted."""
        return [v for (v,) in self._db.execute(
            "SELECT DISTINCT year FROM rows WHERE ok = 1 AND year IS NOT NULL ORDER BY year")]

    def groups(self) -> Iterator[tuple[str, str | None, list[dict[str, Any]]]]:
        """(agency, level, its checked rows) in agency order; only rows with a cache entry."""
        current: tuple[str, str] | None = None
        level: str | None = None
        members: list[dict[str, Any]] = []
        sql = "SELECT grp, lkey, row FROM rows WHERE ok = 1 ORDER BY grp, lkey, id"
        for grp, lkey, blob in self._db.execute(sql):
            row = orjson.loads(blob)
            if not row.get("digest"):
                continue
            if (grp, lkey) != current:
                if current is not None:
                    yield current[0], level, members
                current, level, members = (grp, lkey), row["level"], []
            row["chapters"] = {int(k): v for k, v in row["chapters"].items()}
            members.append(row)
        if current is not None:
            yield current[0], level, members

    def add_link(self, link: AgencyLink) -> None:
        """Remember where an agency's page is (or is being) written."""
        self._db.execute("INSERT OR REPLACE INTO links (grp, lkey, link, page) VALUES (?, ?, ?, ?)",
                         (link.name, link.level or "", orjson.dumps(
                             [link.name, link.level, link.link, link.year, link.chapters],
                             option=orjson.OPT_NON_STR_KEYS), link.link))

    def drop_link(self, name: str, level: str | None) -> None:
        """Forget an agency whose page could not be written."""
        self._db.execute("DELETE FROM links WHERE grp = ? AND lkey = ?", (name, level or ""))

    def link(self, name: str | None, level: str | None) -> str | None:
        """The page of an agency, if it has one."""
        if name is None:
            return None
        found = self._db.execute("SELECT page FROM links WHERE grp = ? AND lkey = ?", (name, level or "")).fetchone()
        return str(found[0]) if found else None

    def link_of(self, row: dict[str, Any]) -> str | None:
        """The page of a checked row's agency (also when the agency is not identified)."""
        return self.link(group_of(row), row.get("level"))

    def links(self) -> Iterator[AgencyLink]:
        """Every agency with a page, by name and level."""
        for (blob,) in self._db.execute("SELECT link FROM links ORDER BY grp, lkey"):
            name, level, link, year, chapters = orjson.loads(blob)
            yield AgencyLink(name, level, link, year, {int(k): v for k, v in chapters.items()})

    def link_count(self) -> int:
        """Agencies with a page."""
        return int(self._db.execute("SELECT count(*) FROM links").fetchone()[0])


def _loads(blob: bytes) -> dict[str, Any]:
    """A row as it was kept: orjson's round trip, chapter numbers back to ints."""
    row: dict[str, Any] = orjson.loads(blob)
    if "chapters" in row:
        row["chapters"] = {int(k): v for k, v in row["chapters"].items()}
    return row
