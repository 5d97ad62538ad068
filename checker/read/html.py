"""HTML pages as saved from government portals.

Keeps the article body and drops everything around it: navigation, scripts, styles,
related-links boxes, share bars, footers, print/close links. Reads the portal's
`<meta name="ArticleTitle|PubDate|ContentSource">` tags and on-page fields (发布日期, 发布机构,
索引号 …). Entity expansion and network access are disabled in the parser.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from lxml import etree

from checker.errors import InputError
from checker.model import Document
from checker.read.clean import Fields, clean_text, is_title, iso_date, scan_fields, strip_control
from checker.read.decode import count_cjk, decode

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)

# Elements that are never report text.
_DROP_TAGS = ("script", "style", "noscript", "iframe", "nav", "footer", "form", "button",
              "select", "input", "textarea", "svg", "canvas", "object", "embed", "template")
_DROPPED = frozenset(_DROP_TAGS)  # (a set lookup: `in` on the tuple compared up to 16 strings a node)
# class/id fragments of portal furniture.
_CHROME = re.compile(
    r"(^|[\s_-])(nav|navbar|menu|footer|foot|share|bdshare|jiathis|related|xgxx|xglj|links?|"
    r"breadcrumb|crumbs?|position|location|dqwz|print|toolbar|sidebar|side|copyright|banner|"
    r"pager|pagination|search|login|topbar|qrcode|ewm|fontsize|zihao)([\s_-]|$)",
    re.I,
)
_CHROME_TEXT = re.compile(r"^\s*(【?\s*打印本页\s*】?|【?\s*关闭窗口\s*】?|分享到[:：]?|相关链接[:：]?)")
# class/id fragments that usually mark the article body.
_BODY_HINT = re.compile(
    r"(article|content|trs_editor|zoom|detail|text|conTxt|con_txt|main|wzy|bt_content|zw)", re.I
)
_BLOCK = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "section",
          "article", "table", "blockquote", "pre", "ul", "ol", "dd", "dt"}

META_KEYS = {
    "articletitle": "title",
    "pubdate": "published",
    "contentsource": "publisher",
    "firstimagesource": None,
}


def read(data: bytes, source: str) -> Document:
    """Read an `.html`/`.htm` report page (a notice whose report is an attachment is an error)."""
    root, body, text, fields, encoding = _page(data, source)
    links = _notice_attachments(body, text)
    if links:
        raise InputError("input.attachment", path=source, attachment=links[0].name)
    title = fields.values.get("title") or _wechat_title(root) or _title_of(root)
    if title and title not in text[:400]:
        text = f"{title}\n{text}"
    if title:
        fields.offer("title", title, "html:title")
    return Document(
        source=source,
        text=text,
        format="html",
        encoding=encoding,
        fields=fields.values,
        field_sources=fields.sources,
    )


def _page(data: bytes, source: str) -> tuple[etree._Element, etree._Element, str, Fields, str]:
    """Parse a page: (root, article element, cleaned article text, page fields, encoding)."""
    m = _META_CHARSET.search(data[:4096])
    raw, encoding = decode(data, source, declared=m.group(1).decode("ascii") if m else None)
    root = _parse(raw, source)
    # lxml makes a Python proxy for a node each time a walk reaches it while no proxy is alive,
    # and lxml.html picks its class in Python (~0.5 µs a node). Holding one proxy per node for
    # the whole read lets the five walks below reuse them.
    alive = list(root.iter())
    fields = Fields()
    _read_meta(root, fields)
    for el in root.iter(*_DROP_TAGS):
        _drop(el)
    body = _wechat_article(root)
    if body is None:
        body = _article(root)
    else:
        _wechat_date(root, fields)
    # Fields printed on the page outside the article (发布日期：… in an info table).
    scan_fields(_text_of(root, skip=body if body is not root else None), fields)
    _drop_chrome(body)
    text = clean_text(_text_of(body), fields)
    del alive
    return root, body, text, fields, encoding


# ---- notices whose report is an attachment ---------------------------------------------------

# Files a report is published as; a notice links one of them (附件：××.pdf).
ATTACHMENT_SUFFIXES = (".pdf", ".docx", ".doc", ".ofd", ".wps")
# A notice is short: a report has thousands of Chinese characters, a notice a few hundred.
NOTICE_MAX_CJK = 600


@dataclass(frozen=True, slots=True)
class Attachment:
    """A report file a notice links: the name it shows and the file names it may be saved as."""

    name: str
    files: tuple[str, ...]


def _suffix_of(name: str) -> str:
    lower = name.lower()
    return next((s for s in ATTACHMENT_SUFFIXES if lower.endswith(s)), "")


def _notice_attachments(body: etree._Element, text: str) -> list[Attachment]:
    """The report files a short notice links, most report-like first; empty for a real report."""
    if _cjk(text) >= NOTICE_MAX_CJK:
        return []
    found: list[Attachment] = []
    for a in body.iter("a"):
        href = (a.get("href") or "").strip()
        try:
            path = unquote(urlsplit(href).path) if not href.lower().startswith(("javascript:", "mailto:")) else ""
        except ValueError:  # e.g. a broken IPv6 host: the link text may still name the file
            path = ""
        base = path.rsplit("/", 1)[-1]
        label = " ".join((_text_content(a) or "").split())
        label = re.sub(r"^附件\s*\d*\s*[:：.、]?\s*", "", label)
        suffix = _suffix_of(base) or _suffix_of(label)
        if not suffix:
            continue
        files: list[str] = []
        for candidate in (base, label if _suffix_of(label) else (label + suffix if label else "")):
            if candidate and _suffix_of(candidate) and candidate not in files and "/" not in candidate:
                files.append(candidate)
        found.append(Attachment(label if _suffix_of(label) else (label + suffix if label else base), tuple(files)))
    found.sort(key=lambda att: not re.search(r"报告|法治|依法行政", att.name))
    return found


def notice_attachments(data: bytes, source: str) -> list[Attachment]:
    """The attachments of a notice page, or [] when the page is not a notice (or unreadable)."""
    try:
        _, body, text, _, _ = _page(data, source)
    except InputError:
        return []
    return _notice_attachments(body, text)


# ---- WeChat articles (mp.weixin.qq.com pages saved from a browser) -------------------------


def _wechat_article(root: etree._Element) -> etree._Element | None:
    """The article container of a WeChat page (#js_content / .rich_media_content), if any."""
    for el in root.iter("div"):
        if el.get("id") == "js_content" or "rich_media_content" in (el.get("class") or "").split():
            return el
    return None


def _wechat_date(root: etree._Element, fields: Fields) -> None:
    """The article's publication time (#publish_time, filled in when the browser saved the page)."""
    for el in root.iter("em", "span"):
        if el.get("id") == "publish_time":
            m = re.search(r"(\d{4})\s*[-年/.]\s*(\d{1,2})\s*[-月/.]\s*(\d{1,2})", _text_content(el) or "")
            date = iso_date(*m.groups()) if m else None
            if date:
                fields.offer("published", date, "wechat:publish_time")
            return


def _wechat_title(root: etree._Element) -> str | None:
    for el in root.iter("h1", "h2"):
        if el.get("id") == "activity-name" or "rich_media_title" in (el.get("class") or "").split():
            title = " ".join((_text_content(el) or "").split())
            return title or None
    return None


def _parse(raw: str, source: str) -> etree._Element:
    # No DTD loading, no entity resolution, no network: saved pages are untrusted input.
    # lxml's own HTML parser, not lxml.html's: the same libxml2 parse and the same tree, but
    # without lxml.html's element classes, which lxml picks in Python for every node a walk
    # reaches (~0.5 µs a node, ~10% of reading a page); the two lxml.html methods this module
    # used are `_text_content` and `_drop` below. (Not importing lxml.html also saves ~20 ms
    # of start-up.)
    parser = etree.HTMLParser(
        remove_comments=True, remove_pis=True, no_network=True, recover=True, huge_tree=False
    )
    raw = re.sub(r"^\s*<\?xml[^>]*>", "", raw)
    raw = strip_control(raw)  # libxml2 text nodes (and XML outputs) cannot hold them
    try:
        root = etree.fromstring(raw, parser)
    except (etree.ParserError, ValueError) as exc:
        raise InputError("input.bad_html", path=source) from exc
    if root is None:  # (an empty document)
        raise InputError("input.bad_html", path=source)
    return root


# All text under an element, its own tail excluded: what lxml.html's `text_content()` returns.
_text_content = etree.XPath("string()", smart_strings=False)


def _read_meta(root: etree._Element, fields: Fields) -> None:
    for meta in root.iter("meta"):
        name = (meta.get("name") or "").strip().lower()
        content = (meta.get("content") or "").strip()
        key = META_KEYS.get(name)
        if not key or not content:
            continue
        if key == "published":
            m = re.search(r"(\d{4})\s*[-年/.]\s*(\d{1,2})\s*[-月/.]\s*(\d{1,2})", content)
            date = iso_date(*m.groups()) if m else None
            if date:
                fields.offer("published", date, "meta:PubDate")
        else:
            fields.offer(key, content, f"meta:{meta.get('name')}")


def _drop(el: etree._Element) -> None:
    """Remove `el` and what it holds, keeping its tail text (as lxml.html's `drop_tree()`)."""
    parent = el.getparent()
    if parent is None:
        return
    if el.tail:
        previous = el.getprevious()
        if previous is None:
            parent.text = (parent.text or "") + el.tail
        else:
            previous.tail = (previous.tail or "") + el.tail
    parent.remove(el)


def _is_chrome(el: etree._Element) -> bool:
    marker = f"{el.get('class') or ''} {el.get('id') or ''}"
    return bool(marker.strip()) and bool(_CHROME.search(marker))


def _drop_chrome(root: etree._Element) -> None:
    for el in list(root.iter()):
        if not isinstance(el.tag, str) or el is root:
            continue
        if _is_chrome(el) and len(_text_of(el)) < 2000:
            _drop(el)
        elif el.tag == "a" and _CHROME_TEXT.match(_text_content(el) or ""):
            _drop(el)


_CANDIDATES = frozenset({"div", "td", "article", "section", "span"})


def _cjk(text: str | None) -> int:
    """Number of Chinese characters in `text` (U+4E00–U+9FFF, counted in C: `count_cjk`)."""
    if not text or text.isascii():  # (most tails are indentation: isascii is a flag lookup)
        return 0
    return count_cjk(text)


def _article(root: etree._Element) -> etree._Element:
    """The element holding the report body: a hinted container with the most Chinese text."""
    body = root.find("body")
    if body is None:
        body = root
    # Chinese characters under each element (all text, and text inside <p>), bottom-up in one
    # pass: asking every candidate for its text_content() would revisit the page per element.
    # lxml's iterwalk hands over each element on the way in and out (in C); an open element's
    # counts sit on a stack and go to its parent when it closes.
    # (`_cjk` is inlined: this loop runs twice per node, and most tails are ASCII indentation.)
    candidates: list[tuple[int, etree._Element, int, int]] = []  # (page order, el, in <p>, all)
    open_: list[list[int]] = []  # per open element: [all, in <p> of its children, page order]
    total = pos = 0
    for event, el in etree.iterwalk(body, events=("start", "end", "comment", "pi")):
        if event == "start":
            t = el.text
            open_.append([count_cjk(t) if t and not t.isascii() else 0, 0, pos])
            pos += 1
        elif event == "end":
            n, p, at = open_.pop()
            tag = el.tag
            if tag in _CANDIDATES and p and el is not body and not _is_chrome(el):
                candidates.append((at, el, p, n))
            if open_:
                parent = open_[-1]
                t = el.tail
                parent[0] += n + (count_cjk(t) if t and not t.isascii() else 0)
                parent[1] += n if tag == "p" else p
            else:
                total = n
        else:  # a comment or processing instruction: its tail is its parent's text
            pos += 1
            if open_:
                open_[-1][0] += _cjk(el.tail)
    best, best_score, best_whole = body, 0, total
    for _, el, own, n in sorted(candidates, key=lambda c: c[0]):
        marker = f"{el.get('class') or ''} {el.get('id') or ''}"
        score = own + (own // 2 if _BODY_HINT.search(marker) else 0)
        # Prefer the tightest element that still holds most of the page's paragraph text.
        if score > best_score or (score == best_score and n < best_whole):
            best, best_score, best_whole = el, score, n
    if best_score < max(50, total // 10):
        return body
    return best


# Runs of two or more spaces. Written "  +" (the same matches as " {2,}"): a pattern that starts with a
# literal lets the engine skip to each double space in C, where " {2,}" (no literal prefix) tried a
# match at every character (~45 µs of a typical page's text).
_SPACES = re.compile("  +")
_BLANK_LINES = re.compile(r"\n\s*\n+")


def _text_of(el: etree._Element, skip: etree._Element | None = None) -> str:
    """Text with block elements on their own lines and table cells separated by pipes.

    `skip` (the article, when reading the page around it) stands as a line break. Iterative
    (lxml's iterwalk, not recursion), so a page nested thousands of levels deep cannot exhaust
    Python's stack; the walk runs in C and hands over each node once on the way in and once on
    the way out (~3x faster than a stack of Python tuples).
    """
    parts: list[str] = []
    append = parts.append
    walk = etree.iterwalk(el, events=("start", "end", "comment", "pi"))
    for event, node in walk:
        if event == "start":
            if node is skip:
                append("\n")
                walk.skip_subtree()  # (its "end" still comes: the break after it, and its tail)
                continue
            tag = node.tag
            if tag in _BLOCK:
                append("\n")
            elif tag in ("td", "th"):
                append(" | ")
            # (`.text` and `.tail` are read once: lxml decodes the node's UTF-8 into a new str on
            # every read, and a paragraph's text is most of a page.)
            text = node.text
            if text and tag not in _DROPPED:
                append(text)
        elif event == "end":
            if node.tag in _BLOCK:
                append("\n")
            if node is not el:
                tail = node.tail
                if tail:
                    append(tail)
        else:  # a comment or processing instruction: only its tail is text
            tail = node.tail
            if tail:
                append(tail)
    text = "".join(parts)
    # Runs of [ \t\r\f\v] become one space: tabs and the like become spaces first (C replace,
    # skipped when absent), then only runs of two or more spaces are substituted (a substitution
    # of every single space by itself cost ~15 µs a page).
    for ws in "\t\r\f\v":
        if ws in text:
            text = text.replace(ws, " ")
    if "  " in text:
        text = _SPACES.sub(" ", text)
    return _BLANK_LINES.sub("\n", text)


def _title_of(root: etree._Element) -> str | None:
    for tag in ("h1", "h2", "title"):
        for el in root.iter(tag):
            t = " ".join((_text_content(el) or "").split())
            if t and is_title(t):
                return t
    return None
