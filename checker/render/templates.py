"""Shared helpers of the HTML renderers: the Jinja2 environment, the templates and the stylesheet.

In a module of their own so that every page (the gap report, the audit's summary and agency
pages, the service's upload page) uses one environment — autoescaping on, so every text that
comes from a report is escaped — without reaching into another renderer's private helpers.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from jinja2 import Environment


@cache
def env() -> Environment:
    """The one Jinja2 environment: autoescape on for every template, file or string.

    Jinja2 is imported here, on first use: importing the renderers (as `fzzf audit` does
    before its workers start) no longer costs its 15 ms; each worker imports it when it writes
    its first agency's pages.
    """
    from jinja2 import Environment, select_autoescape

    return Environment(autoescape=select_autoescape(default=True, default_for_string=True))


@cache
def template(name: str) -> Any:
    """A template of checker/render/templates by file name, compiled once per process."""
    text = resources.files("checker.render").joinpath("templates", name).read_text(encoding="utf-8")
    return env().from_string(text)


@cache
def css() -> str:
    """The stylesheet every page inlines (pages are self-contained: nothing is fetched)."""
    return resources.files("checker.render").joinpath("templates", "base.css").read_text(encoding="utf-8")
