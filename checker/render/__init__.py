"""Renderers: pure functions `render(results, errors, ctx) -> str`, keyed by format name.

The core never prints; the CLI picks a renderer from `FORMATS` and writes what it returns.
Adding a format is one module and one entry here.
"""

from __future__ import annotations

from collections.abc import Callable

from checker.render import html, jsonout, junit, line, markdown, text
from checker.render.context import RenderContext

Renderer = Callable[[RenderContext], str]

FORMATS: dict[str, Renderer] = {
    "text": text.render,
    "json": jsonout.render,
    "markdown": markdown.render,
    "line": line.render,
    "junit": junit.render,
    "html": html.render,
}

__all__ = ["FORMATS", "RenderContext", "Renderer"]
