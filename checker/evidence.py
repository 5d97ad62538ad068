"""Which sentences are quoted as evidence, in what order, and where a long sentence is cut.

A reviewer trusts a quote that reads as the report's own words: one quote per sentence (never
the same sentence twice for an item), cut at a clause bound (，；： outside brackets and
quotation marks, never inside a word or a document title), never a heading (a heading names a
topic; it reports no act), and the strongest first: a sentence with figures, in the measures
part, carrying the most of the checkpoint's terms.

Cuts are chosen in the analysis text (`Document.text`, where hits point); the quote and its
offsets are the span of the report's own text (`Document.original`) it came from, through
`Document.quote`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from checker.model import Document, Evidence, Hit, Segmented

QUOTE_MAX = 120  # characters of a sentence quoted as evidence
EVIDENCE_MAX = 3  # quotes kept per checkpoint and per item

MAJOR = frozenset("，,；;：:")  # clause bounds
MINOR = frozenset("、 \u3000\t")  # list bounds, tried when one clause alone is too long
OPENERS = {"《": "》", "“": "”", "‘": "’", "（": "）", "(": ")", "【": "】", "〔": "〕", "[": "]",
           "「": "」", "『": "』", '"': '"'}
LEAD_JUNK = frozenset("，,；;：:、。！？!?》”’）)】〕]」』 \u3000\t\n\r")  # never the first character


def _breaks(text: str, start: int, end: int, marks: frozenset[str]) -> list[int]:
    """Positions in [start, end) of `marks` outside brackets and quotation marks.

    A mark inside 《…》 or “…” belongs to a title or a quotation: cutting there would start a
    quote in the middle of it. Unbalanced brackets (a closer never opened, an opener never
    closed) are ignored rather than trusted, so a stray 《 cannot hide every bound.
    """
    out: list[int] = []
    stack: list[str] = []
    pending: list[int] = []  # bounds seen since the innermost open bracket
    for i in range(start, end):
        ch = text[i]
        if stack and ch == stack[-1]:
            stack.pop()
            pending = [] if not stack else pending
            continue
        if ch in OPENERS:
            if not stack:
                pending = []
            stack.append(OPENERS[ch])
            continue
        if ch in marks:
            (pending if stack else out).append(i)
    if stack:  # an opener never closed: its bounds count after all
        out = sorted(out + pending)
    return out


def _grow(pieces: list[tuple[int, int]], core: tuple[int, int], limit: int) -> tuple[int, int]:
    """Join the pieces around `core` (indexes into `pieces`) while the span fits in `limit`.

    The next piece after comes first (results follow the act they report), then the one before.
    """
    i, j = core
    while True:
        grown = False
        if j + 1 < len(pieces) and pieces[j + 1][1] - pieces[i][0] <= limit:
            j += 1
            grown = True
        if i > 0 and pieces[j][1] - pieces[i - 1][0] <= limit:
            i -= 1
            grown = True
        if not grown:
            return pieces[i][0], pieces[j][1]


def _pieces(start: int, end: int, cuts: list[int]) -> list[tuple[int, int]]:
    """The spans between cuts; each piece ends before its mark, the next starts after it."""
    out, a = [], start
    for c in cuts:
        out.append((a, c))
        a = c + 1
    out.append((a, end))
    return out


def _trim(text: str, a: int, b: int) -> tuple[int, int]:
    while a < b and text[a] in LEAD_JUNK:
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    return a, b


def cut(text: str, s_start: int, s_end: int, t_start: int, t_end: int,
        limit: int = QUOTE_MAX) -> tuple[int, int]:
    """The span of the sentence text[s_start:s_end] to quote for the term at text[t_start:t_end].

    The whole sentence when it fits in `limit`; else the clauses around the term, as many as
    fit; else (one clause longer than `limit`) the list members around it; only a single
    list member longer than `limit` is cut at a character, around the term.
    """
    s_start, s_end = _trim(text, s_start, s_end)
    t_start, t_end = max(t_start, s_start), min(max(t_end, t_start), s_end)
    if s_end - s_start <= limit:
        return s_start, s_end
    a, b = s_start, s_end
    for marks in (MAJOR, MINOR):
        pieces = _pieces(a, b, _breaks(text, a, b, marks))
        first = next(k for k, (_, pe) in enumerate(pieces) if pe >= t_start or k == len(pieces) - 1)
        last = next((k for k in range(first, len(pieces)) if pieces[k][1] >= t_end), len(pieces) - 1)
        a, b = _grow(pieces, (first, last), limit)
        a, b = _trim(text, a, b)
        if b - a <= limit:
            return a, b
    half = max(0, (limit - (t_end - t_start)) // 2)  # one unbroken run of characters
    a = max(a, t_start - half)
    b = min(b, a + limit)
    return _trim(text, a, b)


def quote(doc: Document, hit: Hit, rule: str) -> Evidence:
    """The hit's sentence, cut at clause bounds to at most QUOTE_MAX characters of the report's text."""
    text = doc.text
    a, b = hit.sentence_start, hit.sentence_end
    if a < b and (text[a] in LEAD_JUNK or text[b - 1].isspace()):  # else _trim would change nothing
        a, b = _trim(text, a, b)
    if b - a > QUOTE_MAX:  # most sentences fit whole: `cut` would return the trimmed sentence
        a, b = cut(text, hit.sentence_start, hit.sentence_end, hit.start, hit.end)
    start, end, text = doc.quote(a, b)
    return Evidence(text, hit.part, start, end, rule, hit.quantified)


def _ranked(x: tuple[Any, ...]) -> tuple[Any, ...]:
    """The sort key of a ranking tuple: all but its last member (the hit or quote ranked)."""
    return x[0], x[1], x[2], x[3]


def strongest(seg: Segmented, hits: Iterable[Hit]) -> list[Hit]:
    """One hit per sentence, headings left out, strongest first.

    Strength: figures (quantified), then the measures part, then how many of the hits (the
    checkpoint's terms) stand in that sentence, then the order of the report.
    """
    sents = seg.sentences
    n = len(sents)
    per_sentence: dict[int, list[Hit]] = {}
    for h in hits:
        s = h.sentence
        if 0 <= s < n and sents[s].heading:  # a heading reports no act: never quoted
            continue
        group = per_sentence.get(s)
        if group is None:
            per_sentence[s] = [h]
        else:
            group.append(h)
    best = []
    for group in per_sentence.values():
        if len(group) == 1:  # most sentences hold one of a checkpoint's hits: one term, itself the best
            rep = group[0]
            best.append((not rep.quantified, rep.part != "measures", -1, rep.start, rep))
            continue
        rep = min(group, key=lambda h: (not h.quantified, h.start))
        terms = len({seg.document.text[h.start:h.end] for h in group})
        best.append((not any(h.quantified for h in group), rep.part != "measures", -terms, rep.start, rep))
    if len(best) > 1:
        best.sort(key=_ranked)
    return [x[4] for x in best]


def pick(seg: Segmented, hits: Iterable[Hit], rule: str, limit: int = EVIDENCE_MAX) -> tuple[Evidence, ...]:
    """The quotes shown for a checkpoint: its strongest sentences, one quote each."""
    if isinstance(hits, list) and len(hits) == 1:
        # Three checkpoints in four show one hit: its sentence is the strongest unless a heading.
        (h,) = hits
        sents = seg.sentences
        if limit < 1 or (0 <= h.sentence < len(sents) and sents[h.sentence].heading):
            return ()
        return (quote(seg.document, h, rule),)
    return tuple(quote(seg.document, h, rule) for h in strongest(seg, hits)[:limit])


def merge(groups: Sequence[Sequence[Evidence]], limit: int = EVIDENCE_MAX) -> tuple[Evidence, ...]:
    """An item's quotes from its checkpoints' (each strongest first): no sentence twice.

    Quotes of one sentence overlap (each lies inside its sentence, sentences do not overlap),
    so an overlap is a repeat. Figures first, then the measures part, then each checkpoint's
    own order, the first checkpoint first.
    """
    ranked = [(not e.quantified, e.part != "measures", k, g, e) for g, group in enumerate(groups)
              for k, e in enumerate(group)]
    if len(ranked) > 1:
        ranked.sort(key=_ranked)  # keys differ in (k, g): the same order as sorting the tuples
    out: list[Evidence] = []
    for *_, e in ranked:
        for o in out:
            if e.end > o.start and o.end > e.start:
                break
        else:
            out.append(e)
            if len(out) == limit:
                break
    return tuple(out)
