"""Extract the facts the rules are evaluated on: term hits, parts and metadata.

A hit is a sentence where a rule's terms match. It carries flags computed the same way for
every rule, from the words around the term (docs/rules.md):

- negated: the clause says the thing is absent (尚未建立, 缺乏, 有待完善 …);
- planned: future or plan wording precedes the term in its sentence (下一步将, 计划, 力争 …);
- passing: the term is only named in passing (在…等各项工作中发挥作用; …等重点领域);
- quantified: a figure with a unit stands near the term (32件, 125条, 100%).
"""

from __future__ import annotations

import datetime as dt
import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from re import _constants as sre_constants
from re import _parser as sre_parse
from typing import Any

import ahocorasick

from checker.model import PART_ROLE, Hit, Metadata, Segmented, Sentence
from checker.outline import Outline
from checker.ruleset.load import Rule

NEGATION = re.compile(
    r"尚未|未能|还未|并未|仍未|从未|没有|缺乏|缺少|有待|不够|不足|欠缺|亟待|亟需|不到位|不健全|不完善"
    r"|不规范|不及时|不明显|未(?:建立|开展|设立|制定|出台|形成|落实|实现|纳入|启动|覆盖|配备|组织)"
)
PLAN = re.compile(
    r"下一步|今后|明年|下一年度?|下年度|来年|新的一年|"
    r"将(?:进一步|继续|加强|推进|持续|着力|深化|全面|加快|不断|建立|完善|开展|强化|坚持|重点|积极|大力"
    r"|切实|探索|推动|落实|组织|聚焦|围绕|统筹|健全|提升|扎实|抓好|做好|认真)"
    r"|拟(?!定|稿|订|办)(?![^，。；]{0,6}的)|计划(?:于|在|将|年内|开展|组织|推进|建设|完成|实施)|力争|争取(?=在|于|到|实现|年内|早日)|预计|(?:20\d\d)年(?:将|要|计划|拟)"
)
# "将…纳入/列入/作为…" is the disposal construction (把), reporting what was done, not a plan.
DISPOSAL = re.compile(r"纳入|列入|作为|写入|融入|贯穿|转化为|落实到|嵌入|覆盖到")
# "全年计划开展培训5次，实际开展6次": a target reported together with what was achieved.
REALISED = re.compile(r"实际|已经?完成|超额|完成率|如期完成|全部完成")
# "在…等各项工作中发挥重要作用": the term is only named as where something else mattered.
ROLE = re.compile(r"在(?P<span>[^。；;]{1,80}?)(?:中|上|方面)?[^，。；;]{0,6}(?:发挥|起到|起着)[^，。；;]{0,12}作用")
ENUM = re.compile(r"等(?:重点|重要|关键|相关|各个?|多个)?(?:领域|方面|行业|部门|工作领域)")
FIGURE = re.compile(
    # A digit not preceded by 第, a digit or a point (the look-behind follows the first digit so
    # that the pattern starts with a character class, which the regex engine scans for in C).
    r"\d(?<![第\d.]\d)\d*(?:[.,，]\d+)*\s*(?:余|多)?\s*(?:万|亿)?\s*"
    r"(?:个百分点|人次|件次|场次|批次|家次|户次|余人|万元|亿元|平方米|公里|学时|课时|小时|"
    r"[个次件人名场期份条家项篇卷元%％起批天户所支台处宗套部本位类张组轮笔册座亩吨倍门]|余)"
)
# Words that report an act (something was held, issued, set up, handled, counted). A sentence with
# none of them and no figure is a slogan (坚持依法行政, 高度重视…): it covers nothing (LABELING.md §3).
CONCRETE = re.compile(
    r"(?:《|开展|组织|召开|举办|印发|出台|制定|修订|修改|编制|建立|成立|设立|挂牌|聘请|聘任|完成|办理|办结|受理|审查|审核"
    r"|审议|公布|发布|公示|公开了|清理|上线|建成|建设了|开通|查处|立案|调解|化解|签订|发放|配备|配齐|组建|评选|创建|创成"
    r"|命名|通过|培训|检查|抽查|督查|督察|评查|评估|实施|推行|试行|录入|梳理|调整|下放|赋权|承接|移交|整改|约谈|通报"
    r"|表彰|获评|获得|被评为|列入|纳入|邀请|参加|参与|旁听|考试|述法|学习|讲座|宣讲|研讨|部署|听取|研究|出庭|答复"
    r"|回复|解读|演练|排查|整治|处置|救援|转移|储备|招募|选聘|任命|荣获|入选|获批|试点|探索|打造|构建|形成|实现|推出"
    r"|引入|上报|报送|备案|登记|编号|归集|共享|对接|接入|应用|运用|依托|借助|利用|提交|提请|增挂|加挂|担任|主动公开)"
    # …but not as part of a noun: 公示制度, 审查机制, 培训工作 name a system, not an act.
    r"(?!制度|机制|体系|工作|清单|平台|系统|人员|员|率|室|中心|事项|意识|理念|能力|水平|作用|力度|质量|效能|职责|队伍)"
)
CLAUSE = re.compile(r"[，,：:]")
NEAR = 100  # characters: how close a figure must stand to the term to quantify it


Clause = tuple[str, ...]  # every match contains at least one of these literals
Prefilter = tuple[Clause, ...]  # …and one literal of every clause


class _Matcher:
    """One rule's term, context and exclusion patterns, compiled on first use.

    Compiling ~1,400 patterns up front would cost more than checking a report; a single check
    touches only the rules whose literals occur, so each pattern is compiled when first needed.
    Pickles as its pattern sources (the compiled-rules cache stores it so).
    """

    __slots__ = ("_compiled", "prefilter", "rule", "sources")

    def __init__(self, rule: str, terms: str, context: str | None, exclude: str | None,
                 prefilter: tuple[Prefilter, ...] | None = None) -> None:
        self.rule = rule
        self.sources = (terms, context, exclude)
        # One prefilter per term; None when some term has no literal every match must contain.
        self.prefilter = prefilter
        self._compiled: tuple[re.Pattern[str], re.Pattern[str] | None, re.Pattern[str] | None] | None = None

    def __getstate__(self) -> tuple[str, tuple[str, str | None, str | None], tuple[Prefilter, ...] | None]:
        return self.rule, self.sources, self.prefilter

    def __setstate__(self, state: tuple[str, tuple[str, str | None, str | None],
                                        tuple[Prefilter, ...] | None]) -> None:
        self.rule, self.sources, self.prefilter = state
        self._compiled = None

    def patterns(self) -> tuple[re.Pattern[str], re.Pattern[str] | None, re.Pattern[str] | None]:
        """(terms, context, exclude), compiled."""
        if self._compiled is None:
            t, c, e = self.sources
            self._compiled = (re.compile(t), re.compile(c) if c else None, re.compile(e) if e else None)
        return self._compiled

    @property
    def terms(self) -> re.Pattern[str]:
        """The alternation of the rule's terms."""
        return self.patterns()[0]

    def without_prefilter(self) -> _Matcher:
        """The same matcher scanning every sentence (tests compare the two)."""
        return _Matcher(self.rule, *self.sources, prefilter=None)


def required_literals(pattern: str) -> Prefilter | None:
    """Clauses of literals every match of `pattern` contains: one literal of each clause.

    Used to find candidate sentences with one multi-literal scan of the report instead of
    running every rule's regex over every sentence. None when nothing is certain (a pattern
    that ignores case, or one made only of classes and wildcards).
    """
    parsed = sre_parse.parse(pattern)
    if parsed.state.flags & re.IGNORECASE:
        return None
    clauses = _clauses_of(parsed)
    return tuple(dict.fromkeys(clauses)) or None


def _clauses_of(sub: sre_parse.SubPattern) -> list[Clause]:
    """The conjunction of clauses that every match of `sub` satisfies (may be empty)."""
    out: list[Clause] = []
    run = ""
    for op, av in sub.data:
        if op is sre_constants.LITERAL:
            run += chr(av)
            continue
        if run:
            out.append((run,))
            run = ""
        if op is sre_constants.SUBPATTERN:
            if not av[1] & re.IGNORECASE:  # (?i:…) makes its literals case-blind
                out.extend(_clauses_of(av[-1]))
        elif op is sre_constants.BRANCH:
            # A disjunction: each alternative must offer a clause; their union is one clause.
            best = [_best(_clauses_of(b)) for b in av[1]]
            if all(best):
                out.append(tuple(sorted({x for b in best if b for x in b})))
        elif op in (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT) and av[0] >= 1:
            out.extend(_clauses_of(av[2]))
    if run:
        out.append((run,))
    return out


def _best(clauses: list[Clause]) -> Clause | None:
    """The most selective clause: the one whose shortest literal is longest."""
    if not clauses:
        return None
    return max(clauses, key=lambda c: (min(len(x) for x in c), -len(c)))


def _alt(patterns: tuple[str, ...]) -> str | None:
    if not patterns:
        return None
    return "|".join(f"(?:{p})" for p in patterns)


class TermIndex:
    """Every term-bearing rule's compiled patterns, and one automaton of all their literals.

    The automaton (Aho–Corasick) finds every literal in a sentence in one pass, overlapping
    ones included; a rule's candidate sentences are those holding a literal of each clause of
    one of its terms. Built once per rule set.
    """

    def __init__(self, matchers: list[_Matcher]) -> None:
        self.matchers = matchers
        self.literals: list[str] = sorted({
            lit for mt in matchers if mt.prefilter for pf in mt.prefilter for clause in pf for lit in clause
        })
        ids = {lit: i for i, lit in enumerate(self.literals)}
        # Per matcher: per term, per clause, the literal ids (None: no prefilter, scan instead).
        self.clauses: list[tuple[tuple[tuple[int, ...], ...], ...] | None] = [
            None if mt.prefilter is None
            else tuple(tuple(tuple(ids[lit] for lit in clause) for clause in pf) for pf in mt.prefilter)
            for mt in matchers
        ]
        self._automaton = ahocorasick.Automaton(ahocorasick.STORE_INTS)
        for i, lit in enumerate(self.literals):
            self._automaton.add_word(lit, i)
        if self.literals:
            self._automaton.make_automaton()

    def __iter__(self) -> Iterator[_Matcher]:
        return iter(self.matchers)

    def __len__(self) -> int:
        return len(self.matchers)

    def sentences_with(self, text: str, sentences: list[Sentence]) -> dict[int, set[int]]:
        """For each literal id found, the indices of the sentences holding that literal whole."""
        out: dict[int, set[int]] = {}
        if not self.literals:
            return out
        it = self._automaton.iter
        for k, s in enumerate(sentences):
            # Literal ids in this sentence, each once (a literal may occur several times). The
            # sentence is passed as a slice: iter(text, start, end) converts the whole text on
            # every call, which made this loop quadratic in the report's length.
            for lid in {lid for _, lid in it(text[s.start:s.end])}:
                found = out.get(lid)
                if found is None:
                    out[lid] = {k}
                else:
                    found.add(k)
        return out


def build_matchers(rules: tuple[Rule, ...] | list[Rule]) -> TermIndex:
    """Compile each term-bearing rule's patterns once per rule set."""
    out = []
    for r in rules:
        if r.terms:
            terms = _alt(r.terms)
            assert terms is not None
            pfs = [pf for pf in (required_literals(t) for t in r.terms) if pf]
            prefilter = tuple(pfs) if len(pfs) == len(r.terms) else None
            out.append(_Matcher(r.id, terms, _alt(r.context), _alt(r.exclude), prefilter))
    return TermIndex(out)


class _SentenceScan:
    """What `flags` needs from a sentence regardless of the term: computed once per sentence.

    Several rules often hit the same sentence; its figures, its 在…发挥作用 spans and whether
    it reports an act do not depend on which term is being judged.
    """

    __slots__ = ("concrete", "cuts", "end", "figures", "roles", "start")

    def __init__(self, text: str, s_start: int, s_end: int) -> None:
        self.start, self.end = s_start, s_end
        self.cuts = [m.start() for m in CLAUSE.finditer(text, s_start, s_end)]  # clause separators
        self.figures = [(m.start(), m.end()) for m in FIGURE.finditer(text, s_start, s_end)]
        sentence = text[s_start:s_end]
        self.roles = [(s_start + m.start("span"), s_start + m.end("span")) for m in ROLE.finditer(sentence)]
        self.concrete = CONCRETE.search(text, s_start, s_end) is not None

    def clause(self, pos: int, end: int) -> tuple[int, int]:
        """Bounds of the clause (between ，：) holding text[pos:end], within the sentence."""
        cuts = self.cuts
        i = bisect_left(cuts, pos)
        j = bisect_left(cuts, end)
        return (cuts[i - 1] + 1 if i else self.start), (cuts[j] if j < len(cuts) else self.end)


def flags(text: str, s_start: int, s_end: int, pos: int, end: int,
          scan: _SentenceScan | None = None) -> dict[str, bool]:
    """Negated/planned/passing/quantified flags for a term at text[pos:end] in a sentence."""
    if scan is None:
        scan = _SentenceScan(text, s_start, s_end)
    c_start, c_end = scan.clause(pos, end)
    negated = NEGATION.search(text, c_start, c_end) is not None
    planned = _planned(text, scan, end)
    passing = any(a <= pos and end <= b for a, b in scan.roles)
    if not passing:
        e = ENUM.search(text, end, min(c_end, end + 24))
        if e and not CLAUSE.search(text, end, e.start()):
            passing = True
    quantified = any(abs(a - pos) <= NEAR or abs(b - end) <= NEAR for a, b in scan.figures)
    slogan = not quantified and not scan.concrete
    return {"negated": negated, "planned": planned, "passing": passing, "quantified": quantified,
            "slogan": slogan}


def _planned(text: str, scan: _SentenceScan, end: int) -> bool:
    """Plan wording before the term's end, in its sentence (下一步将…, 计划于…)."""
    for m in PLAN.finditer(text, scan.start, end):
        if m.group(0).startswith("计划") and REALISED.search(text, scan.start, scan.end):
            continue
        if m.group(0).startswith("将"):
            _, c_end = scan.clause(m.start(), m.end())
            if DISPOSAL.search(text, m.end(), c_end):
                continue
        return True
    return False


def _rank(f: dict[str, bool]) -> tuple[int, int]:
    """Prefer the occurrence that is evidence, then the quantified one."""
    bad = f["negated"] or f["planned"] or f["passing"] or f["slogan"]
    return (0 if not bad else 1, 0 if f["quantified"] else 1)


def _candidates(mt: _Matcher, clauses: tuple[tuple[tuple[int, ...], ...], ...] | None, text: str,
                starts: list[int], holding: dict[int, set[int]],
                unions: dict[tuple[int, ...], set[int]]) -> set[int]:
    """Indices of sentences that may hold a match of the rule's terms.

    With a prefilter (most rules), the sentences holding a literal of every clause of some
    term. Otherwise one pass of the pattern over the text; a match may run across a sentence
    end or hide a shorter one inside it, so every sentence it touches is a candidate. The
    exact per-sentence search in `_hit` decides either way. `unions` memoises, per report,
    the sentences of a clause of several literals (rules share clauses).
    """
    out: set[int] = set()
    if clauses is not None:
        for term in clauses:
            common: set[int] | None = None
            for clause in term:
                if len(clause) == 1:
                    found = holding.get(clause[0], _NONE)
                else:
                    found = unions.get(clause)
                    if found is None:
                        found = unions[clause] = set().union(*[holding[i] for i in clause if i in holding])
                common = found if common is None else common & found
                if not common:
                    break
            if common:
                out |= common
        return out
    for m in mt.terms.finditer(text):
        first = max(0, bisect_right(starts, m.start()) - 1)
        last = max(0, bisect_right(starts, max(m.start(), m.end() - 1)) - 1)
        out.update(range(first, last + 2))
    return out


_NONE: frozenset[int] = frozenset()


def _hit(mt: _Matcher, text: str, sent: Sentence,
         scans: dict[int, _SentenceScan] | None = None) -> tuple[int, int, dict[str, bool]] | None:
    """The best occurrence of the rule's terms in one sentence, or None."""
    s, e = sent.start, sent.end
    terms, context, exclude = mt.patterns()
    first = terms.search(text, s, e)
    if first is None:
        return None
    if exclude is not None and exclude.search(text, s, e):
        return None
    if context is not None and not context.search(text, s, e):
        return None
    scan = scans.get(s) if scans is not None else None
    if scan is None:
        scan = _SentenceScan(text, s, e)
        if scans is not None:
            scans[s] = scan
    best: tuple[tuple[int, int], int, int, dict[str, bool]] | None = None
    m: re.Match[str] | None = first
    while m is not None:
        if m.end() > m.start():
            f = flags(text, s, e, m.start(), m.end(), scan)
            cand = (_rank(f), m.start(), m.end(), f)
            if best is None or cand[0] < best[0]:
                best = cand
        m = terms.search(text, m.end() if m.end() > m.start() else m.end() + 1, e)
    return None if best is None else (best[1], best[2], best[3])


def extract_hits(seg: Segmented, index: TermIndex, only: str | None = None) -> list[Hit]:
    """One hit per (rule, sentence) where the rule's terms, context and exclusions agree.

    `only` restricts the search to one rule (its examples are tested one rule at a time).
    """
    text = seg.document.text
    sentences = seg.sentences
    starts = [s.start for s in sentences]
    holding = index.sentences_with(text, sentences)
    unions: dict[tuple[int, ...], set[int]] = {}
    scans: dict[int, _SentenceScan] = {}
    found: list[tuple[int, int, _Matcher, tuple[int, int, dict[str, bool]]]] = []
    for order, (mt, clauses) in enumerate(zip(index.matchers, index.clauses, strict=True)):
        if only is not None and mt.rule != only:
            continue
        for i in _candidates(mt, clauses, text, starts, holding, unions):
            if i >= len(sentences):
                continue
            h = _hit(mt, text, sentences[i], scans)
            if h is not None:
                found.append((i, order, mt, h))
    found.sort(key=lambda x: (x[0], x[1]))
    hits: list[Hit] = []
    for i, _, mt, (a, b, f) in found:
        sent = sentences[i]
        hits.append(
            Hit(
                id=len(hits),
                rule=mt.rule,
                part=sent.part,
                part_role=PART_ROLE.get(sent.part, "done"),
                sentence=sent.index,
                start=a,
                end=b,
                sentence_start=sent.start,
                sentence_end=sent.end,
                **f,
            )
        )
    return hits


def deadline_for(year: int, outline: Outline) -> dt.date:
    """Publication deadline for a report on `year`: 1 April of the next year (exclusive)."""
    month, day = outline.deadline
    return dt.date(year + 1, month, day)


def to_facts(seg: Segmented, meta: Metadata, hits: list[Hit], outline: Outline,
             quality: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """Facts for the rule engine: hits, parts, one meta and one quality fact; `id`s are unique from 0."""
    facts: list[dict[str, Any]] = []
    for h in hits:
        facts.append(
            {
                "kind": "hit",
                "rule": h.rule,
                "part": h.part,
                "part_role": h.part_role,
                "negated": h.negated,
                "planned": h.planned,
                "passing": h.passing,
                "quantified": h.quantified,
                "slogan": h.slogan,
                "sentence": h.sentence,
            }
        )
    for p in seg.parts:
        facts.append({"kind": "part", "part": p.id, "embedded": p.embedded,
                      "how": "section" if p.embedded else "heading"})
    m: dict[str, Any] = {
        "kind": "meta",
        "agency_known": meta.agency.value is not None,
        "level_known": meta.level.value is not None,
        "year_known": meta.year.value is not None,
        "published_known": meta.published.value is not None,
    }
    if meta.level.value:
        m["level"] = meta.level.value
    if isinstance(meta.year.value, int):
        m["year"] = meta.year.value
        published = meta.published_date
        if published:
            # Days on or after the deadline: 0 means on time, 1 means published on 1 April.
            m["days_late"] = max(0, (published - deadline_for(meta.year.value, outline)).days + 1)
    facts.append(m)
    if quality is not None:
        facts.append({"kind": "quality", **quality})
    for i, f in enumerate(facts):
        f["id"] = i
    return facts
