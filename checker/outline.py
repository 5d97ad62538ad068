"""The 2021–2025 outline and the report requirements, loaded from `outline/` as plain values."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml

from checker.resources import outline_dir

# libyaml's C parser when PyYAML was built with it (it is in the PyPI wheels): ~10x faster.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# Report-quality aspects a quality rule may refer to (besides the parts).
REPORT_REFS = ("report.title", "report.year", "report.concreteness")


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """A concrete thing an item asks for, as the outline data describes it."""

    key: str
    title: dict[str, str]


@dataclass(frozen=True, slots=True)
class Item:
    """One numbered item （一）…（三十五） of the outline."""

    id: int
    chapter: int
    title: dict[str, str]
    text: dict[str, str]
    scored: bool
    not_applicable_for: tuple[str, ...]
    checkpoints: tuple[Checkpoint, ...]


@dataclass(frozen=True, slots=True)
class Chapter:
    """One of the ten chapters."""

    id: int
    title: dict[str, str]
    items: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class PartRequirement:
    """A report part required (or allowed) by 厅字〔2019〕28号."""

    id: str
    order: int
    required: bool
    title: dict[str, str]
    headings: tuple[str, ...]
    # How segmentation reads a heading as this part (regular expressions; see the YAML).
    heading_terms: tuple[str, ...] = ()
    heading_unless: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Outline:
    """The outline plus the report requirements."""

    title: dict[str, str]
    number: str
    chapters: tuple[Chapter, ...]
    items: dict[int, Item]
    parts: dict[str, PartRequirement]
    deadline: tuple[int, int]  # (month, day) of the year after the year reported on
    publication_rule: dict[str, str]
    levels: dict[str, dict[str, str]]
    # Endings of a reporting body's own name that identify its level, and names that are an
    # exception (the four municipalities), by level id: the one source metadata reads them from.
    level_suffixes: dict[str, tuple[str, ...]] = field(default_factory=dict)
    level_names: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def chapter_of(self, item: int) -> int:
        """The chapter an item belongs to."""
        return self.items[item].chapter

    @property
    def requirement_refs(self) -> frozenset[str]:
        """Every `ref.requirement` a rule may use."""
        refs = {f"part.{p}" for p in self.parts}
        return frozenset(refs | {"publication.deadline", "publication.date", *REPORT_REFS})


def _load_yaml(path: Path) -> dict:
    with path.open(encoding="utf-8") as fh:
        return yaml.load(fh, Loader=_LOADER)


def _parts(req: dict) -> dict[str, PartRequirement]:
    return {
        p["id"]: PartRequirement(
            id=p["id"],
            order=int(p.get("order", 0)),
            required=bool(p.get("required", False)),
            title=dict(p["title"]),
            headings=tuple(p.get("headings") or ()),
            heading_terms=tuple(p.get("heading_terms") or ()),
            heading_unless=tuple(p.get("heading_unless") or ()),
        )
        for p in req["parts"]
    }


@cache
def _requirements(folder: Path) -> dict:
    """`report-requirements.yaml` parsed once per process (segmentation and metadata both read it)."""
    return _load_yaml(folder / "report-requirements.yaml")


@cache
def load_parts(folder: Path | None = None) -> dict[str, PartRequirement]:
    """The report parts alone (`report-requirements.yaml`), for segmentation.

    A run whose rules come from the compiled cache never parses `outline.yaml`; reading the
    small requirements file keeps segmentation from adding that cost to every command.
    """
    return _parts(_requirements(folder or outline_dir()))


@cache
def load_levels(folder: Path | None = None) -> tuple[dict[str, tuple[str, ...]], dict[str, tuple[str, ...]]]:
    """The levels' name suffixes and names (as `Outline.level_suffixes`, `Outline.level_names`).

    For metadata, which needs nothing else of the outline: parsing `outline.yaml` for them cost
    every audit worker ~30 ms on its first report.
    """
    levels = _requirements(folder or outline_dir()).get("levels", [])
    return ({lv["id"]: tuple(lv.get("suffixes") or ()) for lv in levels},
            {lv["id"]: tuple(lv.get("names") or ()) for lv in levels})


@cache
def load_outline(folder: Path | None = None) -> Outline:
    """Load `outline/outline.yaml` and `outline/report-requirements.yaml`."""
    folder = folder or outline_dir()
    data = _load_yaml(folder / "outline.yaml")
    req = _load_yaml(folder / "report-requirements.yaml")
    items = {
        int(i["id"]): Item(
            id=int(i["id"]),
            chapter=int(i["chapter"]),
            title=dict(i["title"]),
            text=dict(i.get("text") or {}),
            scored=i.get("scoring", "scored") == "scored",
            not_applicable_for=tuple(i.get("not_applicable_for") or ()),
            checkpoints=tuple(
                Checkpoint(c["key"], dict(c["title"])) for c in (i.get("checkpoints") or ())
            ),
        )
        for i in data["items"]
    }
    chapters = tuple(
        Chapter(int(c["id"]), dict(c["title"]), tuple(int(x) for x in c["items"]))
        for c in data["chapters"]
    )
    parts = _parts(req)
    deadline = req["publication"]["deadline"]
    return Outline(
        title=dict(data["document"]["title"]),
        number=str(data["document"].get("number", "")),
        chapters=chapters,
        items=items,
        parts=parts,
        deadline=(int(deadline["month"]), int(deadline["day"])),
        publication_rule=dict(req["publication"].get("rule") or {}),
        levels={lv["id"]: dict(lv["title"]) for lv in req.get("levels", [])},
        level_suffixes={lv["id"]: tuple(lv.get("suffixes") or ()) for lv in req.get("levels", [])},
        level_names={lv["id"]: tuple(lv.get("names") or ()) for lv in req.get("levels", [])},
    )
