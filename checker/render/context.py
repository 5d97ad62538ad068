"""What every renderer receives: the results, the unreadable files, the rules and the language."""

from __future__ import annotations

from dataclasses import dataclass

from checker.gate import GateOptions
from checker.i18n import t
from checker.model import ReportError, ReportResult
from checker.ruleset.load import RuleSet


@dataclass(frozen=True, slots=True)
class RenderContext:
    """Inputs of a renderer."""

    results: tuple[ReportResult, ...]
    errors: tuple[ReportError, ...]
    ruleset: RuleSet
    lang: str = "zh"
    # Gate verdicts by report source, when a gate was applied: {"passed": bool, "reasons": [str]}.
    gates: dict[str, dict[str, object]] | None = None
    # The gate the user chose (line output prints what fails it) and whether to show every finding.
    gate_options: GateOptions | None = None
    show_all: bool = False

    def t(self, key: str, **args: object) -> str:
        """Translate a catalogue key in this context's language."""
        return t(key, self.lang, **args)

    def item_title(self, item: int) -> str:
        """The outline's title for an item, in this language."""
        title = self.ruleset.outline.items[item].title
        return title.get(self.lang) or title["zh"]

    def chapter_title(self, chapter: int) -> str:
        """The outline's title for a chapter, in this language."""
        ch = next(c for c in self.ruleset.outline.chapters if c.id == chapter)
        return ch.title.get(self.lang) or ch.title["zh"]
