"""What users read is in their words: no internal code in the Chinese (or English) output.

Every catalogue message is rendered with sample arguments in both languages; whole gap reports
of the samples are rendered in every reader-facing format. Chinese output may contain ASCII
only where the user types or reads it as such (file types, options, standards, numbers).
"""

from __future__ import annotations

import re
import string

import pytest
from conftest import SAMPLES

from checker.gate import GateOptions, judge, view
from checker.i18n import MESSAGES, SOURCES, source_words, t
from checker.model import Severity
from checker.render import FORMATS, RenderContext

# ASCII words a Chinese reader legitimately sees: file types and formats, options they type,
# standards and tools named by their own names.
ALLOWED = {
    "txt", "html", "htm", "shtml", "docx", "doc", "wps", "ofd", "pdf", "md", "csv", "xlsx", "json", "xml",
    "Word", "PDF", "OCR", "UTF", "UTF-8", "Ctrl-C", "YYYY-MM-DD", "GB18030", "GBK", "YYYY", "MM", "DD",
    "Ctrl", "Markdown", "CSV", "XLSX", "SIGTERM", "Content-Length", "multipart/form-data", "multipart",
    "LibreOffice", "Debian", "Ubuntu", "Debian/Ubuntu", "RapidOCR", "audit", "check",  # the commands typed
    "JSON", "HTML", "fzzf", "explain", "filename", "file", "draft", "http", "host", "port", "MB", "KB", "GB",
    "no-fail", "fail-under", "fail-on", "all", "pip", "install", "apt", "get", "ocr", "checker",
    "libreoffice", "writer", "nogui", "soffice", "OFD", "WPS",
}
# Identifier-like ASCII: snake_case, dotted keys, lower-case words of three letters or more.
IDENT = re.compile(r"(?<![\w./-])[A-Za-z][A-Za-z0-9_.-]{2,}")


def sample_args(text: str) -> dict[str, str]:
    names = {f for _, f, _, _ in string.Formatter().parse(text) if f}
    return {n: ("报告.txt" if n in ("path", "file", "out") else "12") for n in names}


def leaks(text: str) -> list[str]:
    text = re.sub(r"\S+\.(txt|html|md|json|pdf|docx)\b", " ", text)  # file names
    text = re.sub(r"\b[CSTPQ][.\w-]*\d[\w.-]*|\b[SPTQ]\.[\w.-]+", " ", text)  # rule ids (C27.01, S.measures)
    text = re.sub(r"--[a-z-]+", " ", text)  # options the user types
    return [w for w in IDENT.findall(text) if w.strip(".-") not in ALLOWED]


@pytest.mark.parametrize("key", sorted(MESSAGES))
def test_every_message_renders_in_both_languages_without_codes(key: str) -> None:
    for lang in ("zh", "en"):
        template = MESSAGES[key].get(lang)
        assert template, f"{key} has no {lang} text"
        out = t(key, lang, **sample_args(template))
        assert "{" not in out, out
    zh = t(key, "zh", **sample_args(MESSAGES[key]["zh"]))
    assert not leaks(zh), (key, zh)


def test_sources_are_words() -> None:
    for kind in SOURCES:
        for detail in ("", "发布日期", "PubDate"):
            src = f"{kind}:{detail}" if detail else kind
            assert not leaks(source_words(src, "zh")), src
    assert source_words("no-such-kind", "zh") == "自动识别"


@pytest.mark.parametrize("fmt", ["text", "markdown", "html"])
def test_gap_reports_of_the_samples_have_no_codes(checker, fmt: str) -> None:
    results = tuple(checker.check_path(p) for p in sorted(SAMPLES.glob("*.txt")) + sorted(SAMPLES.glob("*.html")))
    opts = GateOptions(fail_under=60, fail_on=Severity.REQUIRED)
    gates = {r.source: view(judge(r, checker.ruleset, opts), opts, "zh") for r in results}
    out = FORMATS[fmt](RenderContext(results, (), checker.ruleset, "zh", gates, opts))
    if fmt == "html":
        out = re.sub(r"<(style|script)>.*?</(style|script)>", " ", out, flags=re.S)
        out = re.sub(r"<[^>]+>", " ", out)
    assert not leaks(out), leaks(out)[:10]
    assert "  " not in re.sub(r"\n +", "\n", out.replace("\n\n", "\n")) or fmt == "html"
