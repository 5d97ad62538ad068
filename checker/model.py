"""Plain values passed between the pipeline stages.

Every stage is a function from one of these to the next, so a stage can be tested, replaced or
run in another process without touching its neighbours. Stages read `Document.text`, the
normalized text (checker/normalize.py), and their offsets index it; what the user is shown —
evidence quotes and offsets, part offsets — indexes `Document.original`, the cleaned text the
reader produced, through `Document.source_span`, so `original[start:end]` always is the quote.
No stage changes a value it was given. Most classes are frozen to enforce that; the few made
by the hundred per report (sentences, hits, evidence, checkpoint verdicts) are not, because a
frozen dataclass takes five times as long to construct.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from checker.normalize import OffsetMap

# Report parts segmentation tells apart, in the order 《法治政府建设与责任落实督察工作规定》 lists
# them. `study` is the leading part some provinces (Guangdong) ask for; `preamble` is the text
# before the first heading. Which parts are *required* is not said here: the structure rules
# (as loaded, packs included) say it, and each result carries it (`ReportResult.required_parts`).
PART_IDS = ("preamble", "study", "measures", "shortcomings", "first_responsible", "next_year", "other")

# What a part says about the year reported on: work done, problems deplored, or plans.
PART_ROLE = {
    "preamble": "done",
    "study": "done",
    "measures": "done",
    "first_responsible": "done",
    "other": "done",
    "shortcomings": "deplore",
    "next_year": "plan",
}

LEVELS = ("province", "city", "county", "township", "street", "department")


class Status(StrEnum):
    """One verdict per outline item (and per checkpoint), best first."""

    MET = "met"
    PARTIAL = "partial"
    PLANNED = "planned"
    MISSING = "missing"
    NOT_APPLICABLE = "not_applicable"
    INFORMATIONAL = "informational"


class Severity(StrEnum):
    """How much a checkpoint matters; ordered so a gate can compare."""

    REQUIRED = "required"
    RECOMMENDED = "recommended"
    OPTIONAL = "optional"

    @property
    def rank(self) -> int:
        """Higher is more severe."""
        return {"required": 3, "recommended": 2, "optional": 1}[self.value]


@dataclass(frozen=True, slots=True)
class Document:
    """A report as read from disk: its text for analysis plus what the page said about itself.

    `text` is what every stage reads: the reader's cleaned text after normalization (invisible
    characters removed, hard wraps joined, traditional characters simplified …). `original`
    is the reader's cleaned text itself — what quotes and offsets shown to users index — and
    `offsets` maps spans of `text` to spans of `original` (None: the two are the same).
    """

    source: str
    text: str
    format: str
    encoding: str
    # Metadata the page carried outside the body (meta tags, 发布日期 fields), by key:
    # title, published, publisher, written, index_no. Values are strings, normalized like text.
    fields: dict[str, str] = field(default_factory=dict)
    # Where each field came from, e.g. {"published": "meta:PubDate"}.
    field_sources: dict[str, str] = field(default_factory=dict)
    original: str = ""  # "" when constructed without normalization: then the same as text
    offsets: OffsetMap | None = None

    def __post_init__(self) -> None:
        if not self.original:
            object.__setattr__(self, "original", self.text)

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        """The span of `original` that `text[start:end]` came from."""
        if self.offsets is None:
            return start, end
        return self.offsets.span(start, end)

    def quote(self, start: int, end: int) -> tuple[int, int, str]:
        """Offsets into `original` and the quote there for the analysis span `text[start:end]`."""
        a, b = self.source_span(start, end)
        return a, b, self.original[a:b]


@dataclass(frozen=True, slots=True)
class Section:
    """A numbered heading and the text it governs."""

    level: int  # 1: 一、  2: （一）  3: 一是 / 1.
    marker: str
    heading: str
    start: int  # start of the marker
    heading_end: int
    end: int


@dataclass(frozen=True, slots=True)
class Part:
    """A report part (measures, shortcomings …) with its numbered sub-sections."""

    id: str
    heading: str
    start: int
    end: int
    sections: tuple[Section, ...] = ()
    # True when the part is a sub-section inside another part (e.g. first-responsibility
    # content under 一、(四)); its range then overlaps the enclosing part's.
    embedded: bool = False


@dataclass(slots=True)  # not frozen: see the module docstring
class Sentence:
    """A sentence (ended by 。！？； or a line break) and where it sits."""

    index: int
    start: int
    end: int
    part: str
    section: str | None  # the heading text of the innermost section, if any
    heading: bool = False  # the sentence is a heading (一、… / （一）…)


@dataclass(frozen=True, slots=True)
class Segmented:
    """A document split into parts and sentences."""

    document: Document
    parts: tuple[Part, ...]
    sentences: tuple[Sentence, ...]


@dataclass(frozen=True, slots=True)
class MetaValue:
    """A metadata value and where it came from (for the gap report and for trust)."""

    value: str | int | None
    source: str | None = None  # e.g. "meta:PubDate", "page:发布日期", "title", "cli"


@dataclass(frozen=True, slots=True)
class Metadata:
    """Who reported, on which year, and when the report was published and written.

    `published` is the date the page printed as its publication date (发布日期/发布时间);
    `written` the date the report itself carries (成文日期, or the date under the signature).
    They are kept apart because only the first says when the public could read it.
    """

    agency: MetaValue
    level: MetaValue
    year: MetaValue
    published: MetaValue
    title: MetaValue
    written: MetaValue = MetaValue(None)

    @property
    def published_date(self) -> dt.date | None:
        """The publication date as a date, when known."""
        if isinstance(self.published.value, str):
            return dt.date.fromisoformat(self.published.value)
        return None

    @property
    def timeliness_date(self) -> tuple[dt.date, str] | tuple[None, None]:
        """The date timeliness is judged on and which one it is: `published`, else `written`."""
        for basis in ("published", "written"):
            value = getattr(self, basis).value
            if isinstance(value, str):
                return dt.date.fromisoformat(value), basis
        return None, None


@dataclass(slots=True)  # not frozen: see the module docstring
class Hit:
    """One sentence in which a rule's terms matched, with the flags that grade it."""

    id: int
    rule: str
    part: str
    part_role: str
    sentence: int
    start: int  # the matched term
    end: int
    sentence_start: int
    sentence_end: int
    negated: bool
    planned: bool
    passing: bool
    quantified: bool
    slogan: bool = False
    restates_outline: bool = False  # repeats the outline's wording for the item, no act of its own
    earlier_year: bool = False  # the work is dated to a year before the report year


@dataclass(frozen=True, slots=True)
class Firing:
    """A compiled rule that fired for a report, with the hits it matched."""

    rule: str
    outcome: str  # "evidence" | "planned" | "fired"
    hits: tuple[int, ...] = ()


@dataclass(slots=True)  # not frozen: see the module docstring
class Evidence:
    """A quote from the report that supports a verdict."""

    quote: str
    part: str
    start: int
    end: int
    rule: str
    quantified: bool = False


@dataclass(slots=True)  # not frozen: see the module docstring
class CheckpointVerdict:
    """The verdict on one checkpoint rule."""

    rule: str
    item: int
    status: Status
    reason: str  # i18n key explaining the status
    evidence: tuple[Evidence, ...] = ()


@dataclass(frozen=True, slots=True)
class ItemVerdict:
    """The verdict on one outline item, derived from its checkpoints."""

    id: int
    status: Status
    reason: str
    evidence: tuple[Evidence, ...] = ()
    checkpoints: tuple[CheckpointVerdict, ...] = ()


@dataclass(frozen=True, slots=True)
class PartStatus:
    """Whether a report part is present, and how the checker knows."""

    id: str
    present: bool
    how: str | None = None  # "heading" | "section" | "content"
    heading: str | None = None
    start: int | None = None
    end: int | None = None


@dataclass(frozen=True, slots=True)
class Finding:
    """A structure or timeliness rule that fired: a problem with the report as a whole."""

    rule: str
    severity: Severity
    kind: str  # "structure" | "timeliness"
    args: dict[str, str | int | float] = field(default_factory=dict)


class Timeliness(StrEnum):
    """Whether the report was made public in time (checker/conclude.py decides it)."""

    ON_TIME = "on_time"
    LATE = "late"
    UNKNOWN = "unknown"  # no publication (or written) date, or no report year


@dataclass(frozen=True, slots=True)
class TimelinessVerdict:
    """The timeliness verdict, the date it was judged on and which date that is."""

    status: Timeliness = Timeliness.UNKNOWN
    basis: str | None = None  # "published" | "written"
    date: str | None = None  # ISO date the verdict was judged on
    deadline: str | None = None  # ISO date of the deadline (exclusive), when the year is known
    rule: str | None = None  # the timeliness rule whose firing made it late

    @property
    def on_time(self) -> bool | None:
        """True/False, None when unknown (the audit's 按时公开 column)."""
        return None if self.status is Timeliness.UNKNOWN else self.status is Timeliness.ON_TIME


@dataclass(frozen=True, slots=True)
class RequiredPart:
    """A structure rule of severity `required` that applies to the report, and whether it is met."""

    rule: str
    part: str | None  # the outline part it asks for (its `ref.requirement` part.X)
    present: bool


@dataclass(frozen=True, slots=True)
class Score:
    """The 0–100 score and its breakdown (formula in checker/score.py)."""

    total: float
    content: float
    structure: float
    timeliness: float | None
    chapters: dict[int, float | None]
    band: str = "poor"  # excellent | good | fair | poor (checker/score.py BANDS)
    # Applicable scored items by status: (how many, their summed weight) — what `content` is made of.
    items: dict[str, tuple[int, float]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ReportResult:
    """Everything the checker concluded about one report."""

    source: str
    document: Document
    metadata: Metadata
    parts: tuple[PartStatus, ...]
    items: tuple[ItemVerdict, ...]
    findings: tuple[Finding, ...]
    score: Score
    profile: str | None
    quality: dict[str, object] = field(default_factory=dict)
    # Checkpoints the next-year part promises (for following plans up a year later).
    promises: tuple[Evidence, ...] = ()
    # Report-level facts as the rules decided them (checker/conclude.py); score, gate, audit
    # rows, agency pages and the service all read these rather than deciding again.
    timeliness: TimelinessVerdict = TimelinessVerdict()
    required_parts: tuple[RequiredPart, ...] = ()

    @property
    def parts_missing(self) -> tuple[str, ...]:
        """Structure rules (ids) of the required parts the report lacks."""
        return tuple(p.rule for p in self.required_parts if not p.present)


@dataclass(frozen=True, slots=True)
class ReportError:
    """A file the checker could not read; batches keep a row for it."""

    source: str
    key: str  # i18n message key
    args: dict[str, str] = field(default_factory=dict)
