"""Extract the facts the rules are evaluated on: term hits, parts and metadata.

A hit is a sentence where a rule's terms match. It carries flags computed the same way for
every rule, from the words around the term (docs/rules.md):

- negated: the clause says the thing is absent (尚未建立, 缺乏, 有待完善 …);
- planned: future or plan wording precedes the term in its sentence (下一步将, 计划, 力争 …);
- passing: the term is only named in passing (在…等各项工作中发挥作用; …等重点领域);
- quantified: a figure with a unit stands near the term (32件, 125条, 100%);
- slogan: no figure and no act in the sentence (坚持依法行政, 高度重视…);
- restates_outline: the sentence mostly repeats the outline's own wording for an item and adds
  no concrete act of its own (全面推行行政执法三项制度，严格规范公正文明执法);
- earlier_year: the work is dated to a year before the report year (已于2022年编制完成).
"""

from __future__ import annotations

import datetime as dt
import re
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import chain, compress
from re import _constants as sre_constants
from re import _parser as sre_parse
from typing import Any

import ahocorasick_rs

from checker.model import PART_ROLE, Hit, Metadata, Segmented, Sentence
from checker.outline import Outline, load_outline
from checker.ruleset.load import Rule, RuleSet

NEGATION = re.compile(
    r"尚未|未能|还未|并未|仍未|从未|没有|缺乏|缺少|有待|不够|不足|欠缺|亟待|亟需|不到位|不健全|不完善"
    r"|不规范|不及时|不明显|未(?:建立|开展|设立|制定|出台|形成|落实|实现|纳入|启动|覆盖|配备|组织|开通|上线|成立)"
    r"|暂无|尚无|仍无|尚不|仍不"
)
PLAN = re.compile(
    r"下一步|今后|明年|下一年度?|下年度|来年|新的一年|"
    r"将(?:进一步|继续|加强|推进|持续|着力|深化|全面|加快|不断|建立|完善|开展|强化|坚持|重点|积极|大力"
    r"|切实|探索|推动|落实|组织|聚焦|围绕|统筹|健全|提升|扎实|抓好|做好|认真|于|在|要|适时|逐步|尽快|力争)"
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
    r"|引入|上报|报送|备案|登记|编号|归集|共享|对接|接入|应用|运用|依托|借助|利用|提交|提请|增挂|加挂|担任|主动公开"
    r"|开设|开辟|举行|出具|编印|走访|新建|改建)"
    # …but not as part of a noun: 公示制度, 审查机制, 培训工作 name a system, not an act.
    r"(?!制度|机制|体系|工作|清单|平台|系统|人员|员|率|室|中心|事项|意识|理念|能力|水平|作用|力度|质量|效能|职责|队伍)"
)
CLAUSE = re.compile(r"[，,：:]")
NEAR = 100  # characters: how close a figure must stand to the term to quantify it

TITLE_MAX = 40  # characters: a sentence opening with 一、/（一） and no longer is a heading

# ---- restates_outline: the outline's own task wording, repeated without an act behind it ----
NGRAM = 3  # characters: a run the sentence shares with the outline wording
RUN_BITS = (1 << NGRAM) - 1  # a shared run's characters, as bits (restates_outline)
CROSSED = (1 << (NGRAM - 1)) - 1  # bound bits of a run's inner starts: set, the run crosses a mark
RESTATE_SHARE = 0.6  # share of a sentence's Han characters inside shared runs that makes it a restatement
HAN = re.compile(r"[\u4e00-\u9fff]")
HAN_RUN = re.compile(r"[\u4e00-\u9fff]+")
WORDING_CUT = re.compile(r"[，,。；;：:！？!?\s]+")  # shared runs never cross these
# Words every outline task is phrased with (adverbs of resolve, the verbs of carrying out a
# task, the nouns of "system"): wording, not an act of the report's own.
FILLER = re.compile(
    r"全面|深入|严格|规范|坚持|加强|强化|深化|推进|推行|推动|实施|实行|落实|执行|贯彻|健全|完善|持续|不断"
    r"|进一步|切实|扎实|积极|大力|着力|认真|依法|有效|全力|努力|主动|有序|稳步|统筹|高度重视|扎实推进"
    r"|工作|建设|机制|制度|体系|水平|能力|要求|各项"
)
# Marks of something that happened, beyond the outline's imperative wording: any number or date
# but a leading "2023年，"/"2023年以来，" (slogans open with one too), a completed action (已,
# 先后, 累计, 了), a named document or event.
LEAD_YEAR = re.compile(r"\s*(?:20\d\d\s*年(?:度|以来|来)?|今年以来|近年来)\s*[，,]")
DIGIT = re.compile(r"\d")
PAST = re.compile(r"已|均已|先后|累计|共计|首次|率先|(?<![为除])了(?![解如])")

# ---- earlier_year: work dated to a year before the report year ----
# A year standing as the time of an act: not 2022年度 (a period named as an object, e.g. the
# 2022年度 assessment held this year), not a range (2021—2025年), not 2021年以来/起/至今 (which
# runs into the report year), not a comparison (较2022年, 与2022年相比).
YEAR_OF_ACT = re.compile(
    r"(?<![\d〔\[［（(—–\-－~～至到较比与同])((?:19|20)\d\d)\s*年"
    r"(?!度|\s*[—–\-－~～至到]|以来|来|起|开始|至今|相比|同期)"
)
# …and as a time, not as the modifier of a noun ("公开2022年法治政府建设年度报告" is this
# year's act): at a clause start or after 于/在/是, or followed by a month, 底/初, a comma or a verb.
TIME_BEFORE = re.compile(r"(?:^|[，,：:；;（(]|于|在|是|从)\s*$")
TIME_AFTER = re.compile(
    r"\s*(?:\d{1,2}\s*月|[底初末中]|上半年|下半年|[，,]|即|就|已|先后|又|获|被|荣获|建成|完成|编制|印发|出台|成立"
    r"|挂牌|启动|制定|修订|组建|创建|建立|开通|上线)"
)
ANY_YEAR = re.compile(r"((?:19|20)\d\d)\s*年")
THIS_YEAR = re.compile(r"今年|本年度?|年内|全年")
NOT_DONE = re.compile(r"未|没有|无|不再")
ON_BASIS = re.compile(r"基础上|的基础|以来|延续|持续")
# Cited titles, document numbers and bracketed periods: their years date nothing.
TITLED = re.compile(r"《[^》]{0,80}》|〔[^〕]{0,10}〕|\[[^\]]{0,10}\]|[（(][^（）()]{0,20}\d{4}[^（）()]{0,20}[）)]")

# A target date after the report year before the term ("到2025年，实现…全覆盖" in a report on
# 2023): a plan, though no plan word is there. The report year or before is a state reached.
FUTURE_TARGET = re.compile(r"(?:到|至)\s*(20\d\d)\s*年|(20\d\d)\s*年(?:年?底前|前|内)")

# ---- planned paragraphs: "下一步，…。" and the sentences after it in the same paragraph ----
PLAN_LEAD = re.compile(
    r"(?:[一二三四五六七八九十]{1,3}是[，,]?|\d{1,2}[.、．]|[（(]\d{1,2}[）)])?\s*"
    r"(?:在|对于?)?(?:下一步|下步|今后|下一年度?|下年度|明年|来年|新的一年)"
)
TOP_HEADING = re.compile(
    r"\s*(?:[一二三四五六七八九十]{1,3}\s*[、.．]|[（(]\s*[一二三四五六七八九十]{1,3}\s*[）)]|第.{1,3}部分)"
)
LIST_ITEM = re.compile(r"\s*(?:[一二三四五六七八九十]{1,3}是|\d{1,2}\s*[.、．]|[（(]\d{1,2}[）)])")


Clause = tuple[str, ...]  # every match contains at least one of these literals
Prefilter = tuple[Clause, ...]  # …and one literal of every clause


class _Matcher:
    """One rule's term, context and exclusion patterns, compiled on first use.

    Compiling ~1,400 patterns up front would cost more than checking a report; a single check
    touches only the rules whose literals occur, so each pattern is compiled when first needed.
    Pickles as its pattern sources, for the audit's workers where they are spawned, not forked;
    the compiled-rules cache stores the same state as JSON (checker/compiled.py), never a pickle.
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


def _searched(prefilter: Prefilter) -> tuple[Clause, ...]:
    """The clauses of a term's prefilter worth searching for, in the order to intersect them.

    The exact search of each candidate sentence decides (`_occurrence`), so candidates may be
    more than the sentences holding every clause: a clause with a literal of one character
    (党, 审, 委/工委/组) is left out beside clauses of longer ones. Single characters stand in
    most sentences and made most of the literal scan's matches (~1,700 per report with them,
    ~1,100 without, for ~60 more candidates). Within a clause a literal holding another one
    (工委 beside 委) adds no sentence. Single literals come first (no union
    to make), longest first (the rarest), so that an empty intersection stops early.
    """
    long = [c for c in prefilter if min(map(len, c)) > 1]
    kept = [tuple(lit for lit in c if not any(o != lit and o in lit for o in c)) for c in (long or prefilter)]
    return tuple(sorted(kept, key=lambda c: (len(c) > 1, -min(map(len, c)))))


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

    def __init__(self, matchers: list[_Matcher], wording: OutlineWording | None = None,
                 checkpoints: frozenset[str] = frozenset(),
                 headings: dict[str, str] | None = None) -> None:
        self.matchers = matchers
        # The outline's own wording, against which checkpoints' hits are compared
        # (restates_outline); per rule the alternation of its `match.headings` patterns (a
        # sentence's section heading may give the context).
        self.wording = wording
        self.checkpoints = checkpoints
        self.headings: dict[str, str] = headings or {}
        self._heading_res: dict[str, re.Pattern[str]] = {}
        # Per matcher: per term, the clauses searched for (None: no prefilter, scan instead).
        searched = [None if mt.prefilter is None else tuple(_searched(pf) for pf in mt.prefilter) for mt in matchers]
        # The literals leading some term (in its first clause) get the first ids: `candidates`
        # then walks only ids below self.leading, not every literal the block holds.
        leading = {lit for terms in searched if terms for t in terms for lit in t[0]}
        self.literals: list[str] = sorted(leading) + sorted(
            {lit for terms in searched if terms for t in terms for c in t for lit in c} - leading)
        self.leading = len(leading)
        ids = {lit: i for i, lit in enumerate(self.literals)}
        # …as literal ids.
        self.clauses: list[tuple[tuple[tuple[int, ...], ...], ...] | None] = [
            None if terms is None else tuple(tuple(tuple(ids[lit] for lit in c) for c in t) for t in terms)
            for terms in searched
        ]
        # The same clauses for `candidates`, indexed by the literals that lead the terms. A
        # term's first clause (a literal, or a union of several) is a union, and AND distributes
        # over it: its sentences are the OR, over the clause's literals, of (that literal's
        # sentences AND the other clauses'). So per literal id: (matcher, the term's other
        # clauses) for each term it leads, and a block visits only the terms whose leading
        # literals it holds. An other clause is kept as a slot: a literal as its id, several
        # literals as an id past the literals' (len(literals) + k for self.unions[k]), ORed once
        # per block however many terms share it.
        nlit = len(self.literals)
        union_of: dict[tuple[int, ...], int] = {}
        self.unions: list[tuple[int, ...]] = []

        def slot(clause: tuple[int, ...]) -> int:
            if len(clause) == 1:
                return clause[0]
            at = union_of.get(clause)
            if at is None:
                at = union_of[clause] = nlit + len(self.unions)
                self.unions.append(clause)
            return at

        led: list[list[tuple[int, tuple[int, ...]]]] = [[] for _ in self.literals]
        for order, terms in enumerate(self.clauses):
            for term in terms or ():
                rest = tuple(slot(c) for c in term[1:])
                for lid in term[0]:
                    led[lid].append((order, rest))
        self.led: list[tuple[tuple[int, tuple[int, ...]], ...]] = [tuple(x) for x in led]
        # Per matcher, what extract_hits reads for it: (order, matcher, clauses, whether it is a
        # checkpoint's, whether it has `match.headings`); built once, not per report.
        self.rows = [(order, mt, cl, mt.rule in checkpoints, mt.rule in self.headings)
                     for order, (mt, cl) in enumerate(zip(matchers, self.clauses, strict=True))]
        self.bare = [row for row in self.rows if row[2] is None]  # without a prefilter: scanned for
        self._automaton = _automaton(self.literals)

    def __getstate__(self) -> dict[str, Any]:
        # The Rust automaton does not pickle; it is rebuilt from the literals (spawned workers).
        return {k: v for k, v in self.__dict__.items() if k != "_automaton"}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._automaton = _automaton(self.literals)

    def __iter__(self) -> Iterator[_Matcher]:
        return iter(self.matchers)

    def __len__(self) -> int:
        return len(self.matchers)

    def heading_pattern(self, rule: str) -> re.Pattern[str] | None:
        """The rule's `match.headings` alternation, compiled on first use (None: it has none)."""
        src = self.headings.get(rule)
        if src is None:
            return None
        pat = self._heading_res.get(rule)
        if pat is None:
            pat = self._heading_res[rule] = re.compile(src)
        return pat

    def sentences_with(self, text: str, sentences: tuple[Sentence, ...] | list[Sentence], first: int = 0,
                       stop: int | None = None) -> list[int]:
        """Per literal id, the sentences of sentences[first:stop] holding it whole (0: none).

        As a bit mask: bit k stands for sentence first + k (extract_hits asks for blocks of
        BLOCK sentences, so the masks stay a few machine words long).
        """
        out = [0] * len(self.literals)
        if self._automaton is None:
            return out
        find = self._automaton.find_matches_as_indexes
        # One scan per sentence: the sentence of each match is then known without a step per
        # match (mapping the matches of one scan of the whole block to their sentences, by
        # bisection and an end test, cost half as much again as the scan). The Rust call per
        # sentence costs less than that; each character is still read once.
        bit = 1
        for s in sentences[first:stop]:
            for lid, _, _ in find(text[s.start:s.end], overlapping=True):
                out[lid] |= bit
            bit <<= 1
        return out

    def candidates(self, holding: list[int]) -> list[int]:
        """Per matcher, the block's sentences (a bit mask) that may hold a match of its terms.

        Those holding a literal of every clause of some term (`holding` as `sentences_with`
        gives it); the exact search in `_occurrence` decides. 0 for a matcher without a
        prefilter (extract_hits scans for its candidates). Only the terms led by a literal the
        block holds are visited (~290 (literal, term) pairs in a report of ~110 sentences, where
        testing every rule's ~4.5 terms in turn, with a dict lookup per literal and a hashed
        tuple per shared clause, cost twice the time).
        """
        nlit = len(self.literals)
        unions = self.unions
        known = [-1] * len(unions)  # per shared clause: its sentences once ORed (-1: not yet)
        out = [0] * len(self.matchers)
        led = self.led
        for lid in compress(range(self.leading), holding):  # the leading literals present, in C
            first = holding[lid]
            for order, rest in led[lid]:
                common = first
                for at in rest:
                    if at < nlit:
                        found = holding[at]
                    else:
                        found = known[at - nlit]
                        if found < 0:
                            found = 0
                            for other in unions[at - nlit]:
                                found |= holding[other]
                            known[at - nlit] = found
                    common &= found
                    if not common:
                        break
                else:
                    out[order] |= common
        return out


def _automaton(literals: list[str]) -> ahocorasick_rs.AhoCorasick | None:
    """An automaton finding every occurrence of every literal, overlapping ones included.

    ahocorasick_rs (Rust) reports them for a whole block of sentences in one call; one Python
    call per sentence (pyahocorasick, before) cost more than the scan itself.
    """
    return ahocorasick_rs.AhoCorasick(literals, matchkind=ahocorasick_rs.MatchKind.Standard) if literals else None


def index_from(matchers: list[_Matcher], ruleset: RuleSet) -> TermIndex:
    """A term index of matchers already built (the rules cache stores them), completed from the rules."""
    headings = {r.id: h for r in ruleset.rules if r.terms and (h := _alt(r.headings))}
    checkpoints = frozenset(r.id for r in ruleset.rules if r.kind == "checkpoint")
    return TermIndex(matchers, OutlineWording(ruleset.outline), checkpoints, headings)


def build_matchers(rules: tuple[Rule, ...] | list[Rule], outline: Outline | None = None) -> TermIndex:
    """Compile each term-bearing rule's patterns once per rule set.

    `outline` (default: the shipped one) gives each item's own wording, against which a hit
    sentence is compared for restates_outline.
    """
    out = []
    headings: dict[str, str] = {}
    for r in rules:
        if r.terms:
            terms = _alt(r.terms)
            assert terms is not None
            pfs = [pf for pf in (required_literals(t) for t in r.terms) if pf]
            prefilter = tuple(pfs) if len(pfs) == len(r.terms) else None
            out.append(_Matcher(r.id, terms, _alt(r.context), _alt(r.exclude), prefilter))
            heads = _alt(r.headings)
            if heads:
                headings[r.id] = heads
    checkpoints = frozenset(r.id for r in rules if r.kind == "checkpoint")
    return TermIndex(out, OutlineWording(outline or load_outline()), checkpoints, headings)


class OutlineWording:
    """The outline's own wording, as what a restating sentence shares with it.

    Per scored item, the NGRAM-character runs of its text, its title and its chapter's title
    (Han characters only; runs never cross a comma or full stop, while 、 and quotation marks
    are dropped so "双随机、一公开" and "双随机一公开" compare equal).
    """

    def __init__(self, outline: Outline) -> None:
        chapters = {c.id: c for c in outline.chapters}
        per_item: list[frozenset[str]] = []
        for it in outline.items.values():
            if not it.scored:
                continue
            chapter = chapters.get(it.chapter)
            source = "。".join((it.text.get("zh", ""), it.title.get("zh", ""),
                               chapter.title.get("zh", "") if chapter else ""))
            per_item.append(frozenset(r for piece in WORDING_CUT.split(source) for r in _runs(piece)))
        self.items: tuple[frozenset[str], ...] = tuple(per_item)
        # Per run, the (indices of the) items whose wording has it.
        index: dict[str, list[int]] = {}
        for i, runs in enumerate(per_item):
            for r in runs:
                index.setdefault(r, []).append(i)
        self.index: dict[str, tuple[int, ...]] = {r: tuple(v) for r, v in index.items()}
        self._finder: tuple[ahocorasick_rs.AhoCorasick, list[tuple[int, ...]]] | None = None

    def __getstate__(self) -> dict[str, Any]:
        # The Rust automaton does not pickle; it is rebuilt on first use (spawned workers).
        return {k: v for k, v in self.__dict__.items() if k != "_finder"}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._finder = None

    def finder(self) -> tuple[ahocorasick_rs.AhoCorasick, list[tuple[int, ...]]]:
        """An automaton of every run in `index`, and per run (by its number there) its items.

        It finds all the runs a string holds in one call (restates_outline), where a dict
        lookup per position cost most of that test.
        """
        if self._finder is None:
            runs = list(self.index)
            self._finder = (ahocorasick_rs.AhoCorasick(runs, matchkind=ahocorasick_rs.MatchKind.Standard),
                            [self.index[r] for r in runs])
        return self._finder


def _runs(piece: str) -> list[str]:
    han = "".join(HAN.findall(piece))
    return [han[i:i + NGRAM] for i in range(len(han) - NGRAM + 1)]


def _reach(sub: sre_parse.SubPattern) -> int | None:
    """How many characters from where it starts an attempt of the pattern may read (None: no bound).

    An attempt starting at least that far before `endpos` reads only characters before it, so
    it matches the same whatever `endpos` is (see _SentenceScan.planned_before). Lookaheads
    count, lookbehinds read behind the start; an over-estimate is safe (it only widens what is
    searched again), an unknown construct gives None.
    """
    seen = reach = 0  # most characters consumed before the current item; farthest read so far
    for op, av in sub.data:
        if op in (sre_constants.LITERAL, sre_constants.NOT_LITERAL, sre_constants.IN, sre_constants.ANY):
            r: int | None = 1
            w = 1
        elif op is sre_constants.AT:  # \b, $ and the like look at the current character and the end
            r, w = 2, 0
        elif op is sre_constants.SUBPATTERN:
            r, w = _reach(av[-1]), av[-1].getwidth()[1]
        elif op is sre_constants.BRANCH:
            each = [_reach(b) for b in av[1]]
            r = None if None in each else max(x for x in each if x is not None)
            w = max(b.getwidth()[1] for b in av[1])
        elif op in (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT):
            _, most, item = av
            inner = _reach(item)
            w = most * item.getwidth()[1] if most < sre_constants.MAXREPEAT else sre_constants.MAXREPEAT
            r = None if inner is None or w >= sre_constants.MAXREPEAT else w + inner
        elif op in (sre_constants.ASSERT, sre_constants.ASSERT_NOT):
            direction, item = av
            r, w = (_reach(item) if direction > 0 else 0), 0
        else:
            return None
        if r is None or w >= sre_constants.MAXREPEAT:
            return None
        reach = max(reach, seen + r)
        seen += w
    return reach


# PLAN is searched up to the term's end, and its lookaheads (拟(?![^，。；]{0,6}的), 争取(?=在…))
# then see no further: a plan word just before the term may match where the whole sentence
# would not. A PLAN attempt starting PLAN_REACH or more characters before the term's end reads
# nothing at or past it, so it matches as it does in the whole sentence; only the last few
# positions are searched again per term (_SentenceScan.planned_before).
PLAN_REACH = _reach(sre_parse.parse(PLAN.pattern))
# Every 20xx in a sentence, overlapping ones too: a future target's year is one of them.
YEAR_DIGITS = re.compile(r"(?=(20\d\d))")
# Whether a sentence may hold a negation, a plan word, a 在…发挥作用 span or an ENUM (every ROLE
# match holds 作用, every ENUM one starts with 等): most hold none, which this one search tells
# instead of five (_SentenceScan). NEGATION and PLAN are top-level alternations, joined here
# as one, unwrapped: the regex engine then skips to their first characters (wrapped in groups,
# the search cost twice the five).
MARKS = re.compile("|".join((NEGATION.pattern, PLAN.pattern, "拟", "作用", "等")))
# Every YEAR_OF_ACT match is one of these: a sentence without one (most) needs no YEAR_OF_ACT
# search, whose look-behind, first, keeps the engine from skipping to a digit.
YEAR_WORD = re.compile(r"(?:19|20)\d\d\s*年")
YEAR_NUMBER = re.compile(r"(?:19|20)\d\d")  # in every YEAR_WORD and YEAR_DIGITS match


class _SentenceScan:
    """What `flags` needs from a sentence regardless of the term: computed once per sentence.

    Several rules often hit the same sentence; its figures, its 在…发挥作用 spans and whether
    it reports an act do not depend on which term is being judged, and neither do where its
    negations, plan words and years stand: each term then asks with a bisection instead of a
    regex search of its own (several per hit, ~150 hits per report). What only some hits need
    (the clause cuts, whether it is a slogan, where its plan words stand) is found on first
    use: most sentences hold no negation, plan word or 等, and need no clause cuts at all.
    """

    __slots__ = ("_cuts", "dated", "end", "enum", "fig_ends", "fig_starts", "figured", "future", "negations",
                 "planless", "plans", "restated", "roles", "slogan", "start", "text", "yeared")

    def __init__(self, text: str, s_start: int, s_end: int) -> None:
        self.text = text
        self.start, self.end = s_start, s_end
        self._cuts: list[int] | None = None  # clause separators, on first use (`cuts`)
        # Whether the sentence holds a figure; where they stand only in a sentence longer than
        # NEAR, where `quantified` bisects them: in a shorter one every figure is near every term
        # (a search stops at the first figure, a finditer went on to the others).
        self.figured = FIGURE.search(text, s_start, s_end) is not None
        self.fig_starts: list[int] = []
        self.fig_ends: list[int] = []  # both ascend: the matches do not overlap
        if self.figured and s_end - s_start > NEAR:
            for m in FIGURE.finditer(text, s_start, s_end):
                a, b = m.span()
                self.fig_starts.append(a)
                self.fig_ends.append(b)
        self.yeared: bool | None = None  # a 19xx/20xx in it, when first asked (`has_year`)
        if MARKS.search(text, s_start, s_end) is None:  # most sentences: one search, not five
            self.roles: list[tuple[int, int]] = []
            self.enum = False
            self.negations: list[int] = []
            self.planless = True
        else:
            # Every ROLE match holds 作用, every ENUM match starts with 等: most sentences need neither.
            self.roles = [] if text.find("作用", s_start, s_end) < 0 else [
                (s_start + m.start("span"), s_start + m.end("span")) for m in ROLE.finditer(text[s_start:s_end])]
            self.enum = text.find("等", s_start, s_end) >= 0
            # NEGATION holds no clause separator and no lookaround, so a clause holds a match iff
            # one of the sentence's matches starts in it.
            self.negations = [] if NEGATION.search(text, s_start, s_end) is None else [
                m.start() for m in NEGATION.finditer(text, s_start, s_end)]
            # No PLAN match in the sentence and no 拟: then no search stopping earlier finds one
            # either (拟's are PLAN's only negative lookaheads; a shorter text makes every other
            # alternative fail where it failed), so planned_before is False for every term
            # without searching the positions just before it (a finditer per hit, before).
            self.planless = PLAN.search(text, s_start, s_end) is None and text.find("拟", s_start, s_end) < 0
        self.plans: tuple[int, list[int], list[int]] | None = None  # planned_before's, on first use
        self.future: tuple[int, int] | None = None  # (year, first later year's offset), likewise
        self.slogan: bool | None = None  # a title or no CONCRETE act, when a slogan is in question
        self.restated: bool | None = None  # restates_outline, computed when first asked
        self.dated: frozenset[tuple[int, int]] | None = None  # earlier_year's clauses, likewise

    @property
    def cuts(self) -> list[int]:
        """Offsets of the sentence's clause separators (，：), ascending; found on first use."""
        cuts = self._cuts
        if cuts is None:
            cuts = self._cuts = [m.start() for m in CLAUSE.finditer(self.text, self.start, self.end)]
        return cuts

    def has_year(self) -> bool:
        """Whether a 19xx or 20xx stands in the sentence (found on first use).

        Without one (most sentences) there is neither a future target nor an earlier year,
        which this one search tells.
        """
        yeared = self.yeared
        if yeared is None:
            yeared = self.yeared = YEAR_NUMBER.search(self.text, self.start, self.end) is not None
        return yeared

    @property
    def title(self) -> bool:
        """A part or section title ("（五）依法化解矛盾纠纷"): it names a topic, it reports no act."""
        return self.end - self.start <= TITLE_MAX and TOP_HEADING.match(self.text, self.start) is not None

    def is_slogan(self) -> bool:
        """A title, or no act (CONCRETE) in the sentence: found when first asked."""
        slogan = self.slogan
        if slogan is None:
            slogan = self.slogan = self.title or CONCRETE.search(self.text, self.start, self.end) is None
        return slogan

    def clause(self, pos: int, end: int) -> tuple[int, int]:
        """Bounds of the clause (between ，：) holding text[pos:end], within the sentence."""
        cuts = self.cuts
        i = bisect_left(cuts, pos)
        j = bisect_left(cuts, end, i)
        return (cuts[i - 1] + 1 if i else self.start), (cuts[j] if j < len(cuts) else self.end)

    def planned_before(self, text: str, end: int) -> bool:
        """Plan wording before `end` (下一步将…, 计划于…): `PLAN` searched from the sentence start to `end`.

        The sentence's PLAN matches are found once. The matches starting PLAN_REACH before
        `end` are the same as a search stopping at `end` finds; after the last of them the
        search is resumed over the few positions left, where a plan word may start.
        """
        if self.planless:
            return False
        if PLAN_REACH is None:  # PLAN's reach unknown: search as the definition says
            return any(_plan_counts(text, self, m) for m in PLAN.finditer(text, self.start, end))
        plans = self.plans
        if plans is None:
            plans = self.plans = self._plans(text)
        first, starts, ends = plans
        last = end - PLAN_REACH  # the last start of an attempt that cannot read text[end]
        if first <= last:
            return True
        k = bisect_right(starts, last)
        resume = max(ends[k - 1] if k else self.start, last + 1)
        if resume < end:  # a loop, not any(generator): this runs for nearly every hit
            for m in PLAN.finditer(text, resume, end):
                if _plan_counts(text, self, m):
                    return True
        return False

    def _plans(self, text: str) -> tuple[int, list[int], list[int]]:
        """(start of the first PLAN match that counts, else past the sentence; their starts; ends)."""
        first = self.end + 1
        starts: list[int] = []
        ends: list[int] = []
        for m in PLAN.finditer(text, self.start, self.end):
            if first > self.end and _plan_counts(text, self, m):
                first = m.start()
            starts.append(m.start())
            ends.append(m.end())
        return first, starts, ends

    def future_before(self, text: str, end: int, year: int) -> bool:
        """_future_target(text, start, end, year), skipped when no year after `year` ends before `end`."""
        fut = self.future
        if fut is None or fut[0] != year:
            later = [] if not self.has_year() else [
                m.start() for m in YEAR_DIGITS.finditer(text, self.start, self.end) if int(m.group(1)) > year]
            fut = self.future = (year, later[0] if later else self.end)
        if fut[1] + 4 > end:  # a target's year is four characters before `end` at the latest
            return False
        return _future_target(text, self.start, end, year)


FLAG_NAMES = ("negated", "planned", "passing", "quantified", "slogan", "restates_outline", "earlier_year")
Flags = tuple[bool, bool, bool, bool, bool, bool, bool]  # in FLAG_NAMES' order


def flags(text: str, s_start: int, s_end: int, pos: int, end: int,
          scan: _SentenceScan | None = None, *, wording: OutlineWording | None = None,
          year: int | None = None) -> dict[str, bool]:
    """The flags of a term at text[pos:end] in a sentence (module docstring).

    `wording` is the outline's, for restates_outline; `year` the report year, for
    earlier_year. Without them those flags are False.
    """
    if scan is None:
        scan = _SentenceScan(text, s_start, s_end)
    return dict(zip(FLAG_NAMES, _flags(text, scan, pos, end, wording, year), strict=True))


def _flags(text: str, scan: _SentenceScan, pos: int, end: int, wording: OutlineWording | None,
           year: int | None) -> Flags:
    """`flags` as a tuple (extract_hits builds no dict per occurrence).

    Each flag asks the scan only where the sentence may raise it (a negation, a plan word, 等,
    a figure, an earlier year in it): the term's clause is found only when one of them needs it.
    """
    c_start = c_end = -1  # the term's clause, found when first needed
    negs = scan.negations
    negated = False
    if negs:  # most sentences hold no negation
        c_start, c_end = scan.clause(pos, end)
        k = bisect_left(negs, c_start)
        negated = k < len(negs) and negs[k] < c_end  # NEGATION.search(text, c_start, c_end)
    planned = not scan.planless and scan.planned_before(text, end)
    if not planned and year:
        fut = scan.future
        if fut is None or fut[0] != year or fut[1] + 4 <= end:  # else no later year ends before `end`
            planned = scan.future_before(text, end, year)
    passing = False
    if scan.roles:
        passing = any(a <= pos and end <= b for a, b in scan.roles)
    if not passing and scan.enum:
        if c_start < 0:
            c_start, c_end = scan.clause(pos, end)
        e = ENUM.search(text, end, min(c_end, end + 24))
        if e and not CLAUSE.search(text, end, e.start()):
            passing = True
    # A figure starting within NEAR of the term's start or ending within NEAR of its end.
    quantified = False
    fs = scan.fig_starts
    if not fs:
        quantified = scan.figured  # none, or a sentence of at most NEAR characters
    else:
        k = bisect_left(fs, pos - NEAR)
        quantified = k < len(fs) and fs[k] <= pos + NEAR
        if not quantified:
            fe = scan.fig_ends
            k = bisect_left(fe, end - NEAR)
            quantified = k < len(fe) and fe[k] <= end + NEAR
    slogan = False
    if not quantified:
        slogan = scan.slogan
        if slogan is None:
            slogan = scan.is_slogan()
    restated = False
    # Only where it decides anything: a hit already negated, planned, passing, a slogan or
    # quantified is not evidence of restating or is evidence whatever its wording.
    if wording is not None and not (negated or planned or passing or slogan or quantified):
        restated = scan.restated
        if restated is None:
            restated = scan.restated = restates_outline(text, scan, wording)
    earlier = False
    if year:  # earlier_year: a clause of the term's or the opening one dated to an earlier year
        dated = scan.dated
        if dated is None:
            dated = scan.dated = _dated_clauses(text, scan, year)
        if dated:
            if c_start < 0:
                c_start, c_end = scan.clause(pos, end)
            earlier = (c_start, c_end) in dated or scan.clause(scan.start, scan.start) in dated
    return negated, planned, passing, quantified, slogan, restated, earlier


def restates_outline(text: str, scan: _SentenceScan, wording: OutlineWording) -> bool:
    """Whether the sentence mostly repeats one outline item's wording and adds no act of its own.

    Mostly: at least RESTATE_SHARE of its Han characters lie in runs it shares with the item's
    wording or in FILLER words. An act of its own: a figure, a date, a completed-action marker,
    or an act word (CONCRETE) or named document (《…》) with a character outside those runs —
    "全面推行行政执法三项制度，全年公示执法信息1200条" reuses the outline and still reports work.
    Any item counts, not only the hit rule's: a sentence copied from another item's task is a
    slogan for every rule it mentions.

    The sentence's Han characters are numbered in order; a set of them is an int whose bit k
    stands for the k-th, so a shared run is RUN_BITS shifted and unions and sizes are int
    operations (sets of character offsets, before, cost about half the time of this test).
    """
    if scan.figured:
        return False
    sentence = text[scan.start:scan.end]
    lead = LEAD_YEAR.match(sentence)
    if DIGIT.search(sentence, lead.end() if lead else 0):
        return False
    if not wording.index:
        return False
    # The sentence's runs of Han characters: where each starts and ends, and how many Han
    # characters stand before it (the number of its first one).
    starts: list[int] = []
    ends: list[int] = []
    before: list[int] = []
    pieces: list[str] = []
    total = 0
    for r in HAN_RUN.finditer(sentence):
        a, b = r.span()
        starts.append(a)
        ends.append(b)
        before.append(total)
        pieces.append(r.group())
        total += b - a
    if total < NGRAM:
        return False
    # Shared runs never cross a WORDING_CUT mark: bit k of `bounds` is set where the Han
    # character k is the first after one (the marks are not Han, so each stands between runs).
    bounds = 0
    i = 0
    count = len(starts)
    for m in WORDING_CUT.finditer(sentence):
        cut = m.start()
        while i < count and starts[i] < cut:
            i += 1
        if i == count:
            break
        if i:
            bounds |= 1 << before[i]
    # Each shared run's characters and the items that share it: the automaton finds every run
    # of the outline's in the sentence's Han characters at once; those across a bound are
    # not runs of the sentence's.
    found: list[tuple[int, tuple[int, ...]]] = []  # (characters, items)
    every = 0  # the characters of all of them
    finder, items_of = wording.finder()
    for run, k, _ in finder.find_matches_as_indexes("".join(pieces), overlapping=True):
        if bounds >> (k + 1) & CROSSED:
            continue
        bits = RUN_BITS << k
        found.append((bits, items_of[run]))
        every |= bits
    if not found:
        return False
    need = RESTATE_SHARE * total
    # FILLER's words are Han only: each match lies in one Han run.
    filler = 0
    for m in FILLER.finditer(sentence):
        a, b = m.span()
        k = bisect_right(starts, a) - 1
        filler |= ((1 << (b - a)) - 1) << (before[k] + a - starts[k])
    n_filler = filler.bit_count()
    # No item covers more than all of them together.
    if n_filler + NGRAM * len(found) < need or (filler | every).bit_count() < need:
        return False
    # An item shares at most NGRAM characters per run: those with too few runs to reach `need`
    # with the filler are left out before their characters are gathered (runs are shared by
    # tens of items).
    runs = Counter(chain.from_iterable([items for _, items in found]))  # counted in C, not per run
    lack = need - n_filler
    hopeful = {it for it, n in runs.items() if NGRAM * n >= lack}
    per_item: dict[int, int] = {}
    for bits, items in found:
        for it in items:
            if it in hopeful:
                per_item[it] = per_item.get(it, 0) | bits
    acts = -1  # the Han characters of the sentence's acts (_acts), when first needed
    for shared in per_item.values():
        inside = shared | filler
        if inside.bit_count() < need:
            continue
        if acts < 0:
            acts = 0
            for a, b in _acts(sentence):
                ha = _han_before(starts, ends, before, a)
                acts |= ((1 << (_han_before(starts, ends, before, b) - ha)) - 1) << ha
        if not acts & ~inside:  # every Han character of every act is inside
            return True
    return False


def _han_before(starts: list[int], ends: list[int], before: list[int], x: int) -> int:
    """How many Han characters stand before offset `x`, given the sentence's Han runs."""
    k = bisect_right(starts, x) - 1
    return 0 if k < 0 else before[k] + min(x, ends[k]) - starts[k]


def _acts(sentence: str) -> list[tuple[int, int]]:
    """Spans of the sentence's completed-action markers, act words and named documents' titles."""
    acts = [(m.start(), m.end()) for m in PAST.finditer(sentence)]
    for m in CONCRETE.finditer(sentence):
        if m.group(0) == "《":
            close = sentence.find("》", m.end(), m.end() + 80)
            acts.append((m.end(), close if close > 0 else len(sentence)))
        else:
            acts.append((m.start(), m.end()))
    return acts


def earlier_year(text: str, scan: _SentenceScan, pos: int, end: int, year: int) -> bool:
    """Whether the term's work is dated to a year before `year`, the report year.

    The earlier year must stand as the time of an act (YEAR_OF_ACT, TIME_BEFORE/AFTER) in the
    term's clause or in the sentence's opening clause ("2022年，…"), outside cited titles and
    document numbers, and the sentence must not also place work in the report year (naming it
    or a later year, or 今年/本年度/全年 in a clause that does not say nothing was done):
    "2022年底启动、2023年完成" is this year's work, "权责清单已于2022年编制完成，本年度未作调整" is not.
    """
    if scan.dated is None:
        scan.dated = _dated_clauses(text, scan, year)
    if not scan.dated:
        return False
    return scan.clause(pos, end) in scan.dated or scan.clause(scan.start, scan.start) in scan.dated


def _dated_clauses(text: str, scan: _SentenceScan, year: int) -> frozenset[tuple[int, int]]:
    """The clauses of a sentence that date work to a year before `year` (see earlier_year)."""
    a, b = scan.start, scan.end
    # Every YEAR_OF_ACT match holds a YEAR_WORD, which holds a year number: the cheaper
    # searches spare most sentences the one whose look-behind comes first.
    if not scan.has_year() or YEAR_WORD.search(text, a, b) is None or YEAR_OF_ACT.search(text, a, b) is None:
        return frozenset()
    sentence = TITLED.sub(lambda m: " " * len(m.group(0)), text[a:b])
    if any(int(m.group(1)) >= year for m in ANY_YEAR.finditer(sentence)):
        return frozenset()
    for m in THIS_YEAR.finditer(sentence):
        c0, c1 = scan.clause(a + m.start(), a + m.end())
        if not NOT_DONE.search(text, c0, c1):
            return frozenset()
    out: set[tuple[int, int]] = set()
    for m in YEAR_OF_ACT.finditer(sentence):
        if int(m.group(1)) >= year:
            continue
        if not (TIME_BEFORE.search(sentence, max(0, m.start() - 3), m.start())
                or TIME_AFTER.match(sentence, m.end())):
            continue
        c = scan.clause(a + m.start(), a + m.end())
        if not ON_BASIS.search(text, *c):
            out.add(c)
    return frozenset(out)


def _future_target(text: str, s_start: int, end: int, year: int) -> bool:
    """A target after the report year before `end` in the sentence, outside cited titles."""
    targets = [m for m in FUTURE_TARGET.finditer(text, s_start, end) if int(m.group(1) or m.group(2)) > year]
    if not targets:
        return False
    titles = [(t.start(), t.end()) for t in TITLED.finditer(text, s_start, end)]
    return any(not any(a <= m.start() < b for a, b in titles) for m in targets)


def _plan_counts(text: str, scan: _SentenceScan, m: re.Match[str]) -> bool:
    """Whether a PLAN match makes a plan: not a target reported with its result, not 将 as 把."""
    if m.group(0).startswith("计划") and REALISED.search(text, scan.start, scan.end):
        return False
    if m.group(0).startswith("将"):
        _, c_end = scan.clause(m.start(), m.end())
        if DISPOSAL.search(text, m.end(), c_end):
            return False
    return True


def _rank(f: Flags) -> int:
    """Prefer the occurrence that is evidence, then the quantified one (lower is better)."""
    negated, planned, passing, quantified, slogan, restated, earlier = f
    bad = negated or planned or passing or slogan or restated or earlier
    return (2 if bad else 0) + (0 if quantified else 1)


# Sentences are handled in blocks of at most this many: a block's sentence sets are bit masks
# (ints of BLOCK bits), whose unions and intersections cost a few machine words whatever the
# report's length, so the time stays linear in it.
BLOCK = 512


def _scanned(mt: _Matcher, text: str, starts: list[int], count: int) -> list[int]:
    """Candidate sentences of a rule without a prefilter: one pass of its pattern over the text.

    A match may run across a sentence end or hide a shorter one inside it, so every sentence
    it touches is a candidate (ascending, below `count`).
    """
    out: set[int] = set()
    for m in mt.terms.finditer(text):
        first = max(0, bisect_right(starts, m.start()) - 1)
        last = max(0, bisect_right(starts, max(m.start(), m.end() - 1)) - 1)
        out.update(range(first, min(last + 2, count)))
    return sorted(out)


def _block_mask(mine: list[int], base: int, top: int) -> int:
    """The sentences of `mine` (ascending indexes) in the block [base, top), as its bit mask."""
    return sum(1 << (i - base) for i in mine[bisect_left(mine, base):bisect_left(mine, top)])


def _hit(mt: _Matcher, text: str, sent: Sentence,
         scans: dict[int, _SentenceScan] | None = None, *,
         heading_context: Callable[[], bool] | None = None,
         wording: OutlineWording | None = None,
         year: int | None = None) -> tuple[int, int, dict[str, bool]] | None:
    """The best occurrence of the rule's terms in one sentence, or None.

    `heading_context` says whether the sentence's section headings satisfy the rule's
    `match.headings` (tried only when the sentence itself lacks the context).
    """
    got = _occurrence(mt, text, sent.start, sent.end, scans if scans is not None else {}, heading_context,
                      wording, year)
    return None if got is None else (got[0], got[1], dict(zip(FLAG_NAMES, got[2], strict=True)))


def _stepped(terms: re.Pattern[str], text: str, s: int, e: int) -> list[tuple[int, int]]:
    """The non-empty matches of `terms` in text[s:e], searching on from each match's end (past an empty one)."""
    out: list[tuple[int, int]] = []
    m = terms.search(text, s, e)
    while m is not None:
        a, b = m.span()
        if b > a:
            out.append((a, b))
        step = b if b > a else b + 1
        if step > e:  # past the end: a search from there would clamp back to an empty match at the text's end
            break
        m = terms.search(text, step, e)
    return out


def _occurrence(mt: _Matcher, text: str, s: int, e: int, scans: dict[int, _SentenceScan],
                heading_context: Callable[[], bool] | None, wording: OutlineWording | None,
                year: int | None) -> tuple[int, int, Flags] | None:
    """`_hit` with the flags as a tuple; `scans` holds the sentences' scans, keyed by start."""
    terms, context, exclude = mt._compiled or mt.patterns()
    # One finditer call instead of a search per occurrence: it steps as a search from each
    # match's end would as long as no match is empty (where _stepped skips a position).
    spans: list[tuple[int, int]] = []
    for m in terms.finditer(text, s, e):
        a, b = m.span()
        if a == b:
            spans = _stepped(terms, text, s, e)
            break
        spans.append((a, b))
    if not spans:
        return None
    if exclude is not None and exclude.search(text, s, e):
        return None
    if context is not None and not context.search(text, s, e):
        if heading_context is None or not heading_context():
            return None
    scan = scans.get(s)
    if scan is None:
        scan = scans[s] = _SentenceScan(text, s, e)
    if len(spans) == 1:  # the usual case: nothing to rank
        a, b = spans[0]
        return a, b, _flags(text, scan, a, b, wording, year)
    best: tuple[int, int, int, Flags] | None = None
    for a, b in spans:
        f = _flags(text, scan, a, b, wording, year)
        rank = _rank(f)
        if best is None or rank < best[0]:
            best = (rank, a, b, f)
            if not rank:  # the best rank there is: no later occurrence replaces it
                break
    assert best is not None
    return best[1], best[2], best[3]


def extract_hits(seg: Segmented, index: TermIndex, only: str | None = None,
                 year: int | None = None) -> list[Hit]:
    """One hit per (rule, sentence) where the rule's terms, context and exclusions agree.

    `only` restricts the search to one rule (its examples are tested one rule at a time);
    `year` is the report year (for earlier_year; None when unknown or doubtful, see
    `year_borne_out`). Hits come in sentence order, then in the rules' order.
    """
    text = seg.document.text
    sentences = seg.sentences
    count = len(sentences)
    scans: dict[int, _SentenceScan] = {}
    headings: SectionHeadings | None = None
    rules = index.rows if only is None else [row for row in index.rows if row[1].rule == only]
    bare = index.bare if only is None else [row for row in rules if row[2] is None]
    starts = [s.start for s in sentences] if bare else []
    scanned = {order: _scanned(mt, text, starts, count) for order, mt, *_ in bare}
    found: list[tuple[int, _Matcher, tuple[int, int, Flags]]] = []
    for base in range(0, count, BLOCK):
        top = min(base + BLOCK, count)
        every = index.candidates(index.sentences_with(text, sentences, base, top))
        masks = every
        if only is not None or scanned:  # one rule (rule tests), or some without a prefilter
            masks = [every[order] if order not in scanned else _block_mask(scanned[order], base, top)
                     for order, *_ in rules]
        # Per sentence of the block (offset from `base`), the rules that hit it, in order.
        block: dict[int, list[tuple[_Matcher, tuple[int, int, Flags]]]] = {}
        # compress: only the rules with a candidate (about 110 of 155) reach Python.
        for (_, mt, _, checkpoint, headed), mask in compress(zip(rules, masks, strict=True), masks):
            heading_re = index.heading_pattern(mt.rule) if headed else None
            bits = bin(mask)  # "0b…", sentence `base` last: read right to left, ascending
            last = len(bits) - 1
            p = len(bits)
            while (p := bits.rfind("1", 2, p)) >= 0:
                k = last - p
                sent = sentences[base + k]
                ctx = None
                if heading_re is not None:
                    if headings is None:
                        headings = SectionHeadings(seg)
                    ctx = _heading_test(heading_re, headings, sent)
                # Restating the outline only matters for a checkpoint, in a part on work done.
                wording = index.wording if checkpoint and PART_ROLE.get(sent.part, "done") == "done" else None
                h = _occurrence(mt, text, sent.start, sent.end, scans, ctx, wording, year)
                if h is not None:
                    got = block.get(k)
                    if got is None:
                        block[k] = [(mt, h)]
                    else:
                        got.append((mt, h))
        for k in sorted(block):
            found.extend((base + k, mt, h) for mt, h in block[k])
    carried = planned_paragraphs(text, sentences) if found else set()
    hits: list[Hit] = []
    for i, mt, (a, b, f) in found:
        sent = sentences[i]
        negated, planned, passing, quantified, slogan, restated, earlier = f
        hits.append(Hit(len(hits), mt.rule, sent.part, PART_ROLE.get(sent.part, "done"), sent.index, a, b,
                        sent.start, sent.end, negated, planned or i in carried, passing, quantified,
                        slogan, restated, earlier))
    return hits


def _disjoint(sentences: tuple[Sentence, ...] | list[Sentence]) -> bool:
    """Whether the sentences ascend without overlapping (as `segment` makes them)."""
    prev = 0
    for s in sentences:
        if s.start < prev or s.end < s.start:
            return False
        prev = s.end
    return True


def year_borne_out(text: str, sentences: tuple[Sentence, ...] | list[Sentence], year: int) -> bool:
    """Whether the text on work done names the report year at least as often as any earlier one.

    earlier_year trusts the report year; a year read wrongly (the publication year, a plan's
    year) would turn the year's own work into an earlier year's, so it must be borne out.
    """
    counts: dict[int, int] = {}
    if _disjoint(sentences):
        # One pass over the text instead of one per sentence. ANY_YEAR's matches cannot overlap
        # and each one's extent is fixed by where it starts (digits, spaces, 年), so a sentence's
        # own search finds exactly the text's matches that lie inside it.
        starts = [s.start for s in sentences]
        for m in ANY_YEAR.finditer(text):
            k = bisect_right(starts, m.start()) - 1
            if k >= 0 and m.end() <= sentences[k].end and PART_ROLE.get(sentences[k].part, "done") == "done":
                y = int(m.group(1))
                counts[y] = counts.get(y, 0) + 1
    else:
        for s in sentences:
            if PART_ROLE.get(s.part, "done") == "done":
                for m in ANY_YEAR.finditer(text, s.start, s.end):
                    y = int(m.group(1))
                    counts[y] = counts.get(y, 0) + 1
    mine = counts.get(year, 0)
    return all(n <= mine for y, n in counts.items() if y < year)


def _heading_test(pattern: re.Pattern[str], headings: SectionHeadings, sent: Sentence) -> Callable[[], bool]:
    return lambda: any(pattern.search(h) for h in headings.of(sent))


class SectionHeadings:
    """The headings a sentence stands under: its part's, its （一） section's and its innermost.

    A sub-heading is part of a sentence's context: "聘请律师担任法律顾问，参与行政行为全过程"
    under "（三）坚持依法决策" is decision-making work. Rules opt in with `match.headings`.
    """

    def __init__(self, seg: Segmented) -> None:
        self.text = seg.document.text
        self.tops = sorted((p for p in seg.parts if not p.embedded), key=lambda p: p.start)
        self.top_starts = [p.start for p in self.tops]
        secs = {(s.start, s.end, s.heading) for p in seg.parts for s in p.sections}
        self.sections = sorted(secs)
        self.heads = [(s.start, s.end) for s in seg.sentences if s.heading]
        self.head_starts = [a for a, _ in self.heads]
        # Per sentence, its headings: several rules with `match.headings` often ask about the
        # same sentence. One report's sentences at most, dropped with the report.
        self._of: dict[tuple[int, int, str | None], tuple[str, ...]] = {}

    def of(self, sent: Sentence) -> tuple[str, ...]:
        """Heading texts enclosing `sent`, outermost first (the sentence's own part only)."""
        key = (sent.start, sent.end, sent.section)
        got = self._of.get(key)
        if got is None:
            got = self._of[key] = self._find(sent)
        return got

    def _find(self, sent: Sentence) -> tuple[str, ...]:
        out: list[str] = []
        k = bisect_right(self.top_starts, sent.start) - 1
        floor = self.tops[k].start if k >= 0 else 0
        if k >= 0 and self.tops[k].heading:
            out.append(self.tops[k].heading)
        out.extend(h for a, b, h in self.sections if a <= sent.start < b)
        if sent.section and sent.section not in out:
            # Sentence.section is the last heading before the sentence; keep it only when it
            # stands in the sentence's own part (not the last sub-heading of the part before).
            j = bisect_right(self.head_starts, sent.start)
            for a, b in reversed(self.heads[max(0, j - 40):j]):
                if a < floor:
                    break
                if sent.section in self.text[a:b]:
                    out.append(sent.section)
                    break
        return tuple(out)


def planned_paragraphs(text: str, sentences: tuple[Sentence, ...] | list[Sentence]) -> set[int]:
    """Indices of sentences that follow a "下一步，…" sentence in the same paragraph.

    Reports close a section with "下一步，我镇将继续…。加强…，提升…。": the sentences after the
    plan lead are plans too, though they carry no plan word of their own. A lead ending in "："
    carries on into the list items (一是/1./（1）) after it, on its line or the next ones. A new
    paragraph, a list item after a lead that announced none (the section's next 二是), a part
    or （一） heading, or another part ends the carry.
    """
    out: set[int] = set()
    on = listing = False
    prev: Sentence | None = None
    for s in sentences:
        if prev is not None and on:
            item = LIST_ITEM.match(text, s.start) is not None
            listing = listing or text[prev.end - 1] in "：:"
            if s.part != prev.part or (s.heading and TOP_HEADING.match(text, s.start)):
                on = listing = False
            elif "\n" in text[prev.end:s.start] or (item and not listing):
                # A new paragraph, or the section's next item (二是…) after a lead that
                # announced no list, ends the carry; the items of an announced list do not.
                on = listing = listing and item
        if on:
            out.add(s.index)
        elif PLAN_LEAD.match(text, s.start):
            on, listing = True, False
        prev = s
    return out


def deadline_for(year: int, outline: Outline) -> dt.date:
    """Publication deadline for a report on `year`: 1 April of the next year (exclusive)."""
    month, day = outline.deadline
    return dt.date(year + 1, month, day)


# The flags counted on a checkpoint fact, one count each.
FLAGS = ("negated", "passing", "slogan", "restates_outline", "earlier_year")


def hit_class(h: Hit) -> str:
    """What a hit says about the work (one definition, docs/rules.md "How a hit is found").

    `evidence`: in a part on work done, with none of the flags; `planned_next_year`,
    `planned_shortcomings`: in that part (not in passing); `planned_wording`: plan wording in a
    part on work done (not negated, not in passing); else `other`.
    """
    if h.part_role == "done" and not (h.negated or h.planned or h.passing or h.slogan or h.restates_outline
                                      or h.earlier_year):
        return "evidence"
    if not h.passing:
        if h.part_role == "plan":
            return "planned_next_year"
        if h.part_role == "deplore":
            return "planned_shortcomings"
        if h.planned and not h.negated:
            return "planned_wording"
    return "other"


@dataclass(frozen=True, slots=True)
class CheckpointSpec:
    """What a checkpoint fact takes from its rule: the hits that count, and its data by level."""

    where: dict[str, Any] | None  # compiled `where` its hits must satisfy (None: every hit counts)
    excluded: frozenset[str] = frozenset()  # levels it does not apply to (applies_to, the outline)
    needs_figure: bool | tuple[str, ...] = False  # True: at every level; else the levels

    def applicable(self, level: str | None) -> bool:
        """Whether it applies to a body of `level` (unknown level: yes)."""
        return level is None or level not in self.excluded

    def figure_needed(self, level: str | None) -> bool:
        """Whether evidence needs a figure at `level`."""
        nf = self.needs_figure
        return nf is True or (isinstance(nf, tuple) and level in nf)


CheckpointPlan = dict[str, CheckpointSpec]


def hit_fact(h: Hit) -> dict[str, Any]:
    """A hit as a fact of kind `hit` (without id)."""
    return {
        "kind": "hit",
        "rule": h.rule,
        "part": h.part,
        "part_role": h.part_role,
        "negated": h.negated,
        "planned": h.planned,
        "passing": h.passing,
        "quantified": h.quantified,
        "slogan": h.slogan,
        "restates_outline": h.restates_outline,
        "earlier_year": h.earlier_year,
        "sentence": h.sentence,
        "class": hit_class(h),
    }


def counted_hits(hits: list[Hit], plan: CheckpointPlan) -> dict[str, list[Hit]]:
    """The hits that count for each checkpoint that has any (its `where` tests hold), in order."""
    from checker.ruleset.refeval import matches

    out: dict[str, list[Hit]] = {}
    for h in hits:
        spec = plan.get(h.rule)
        if spec is None:
            continue
        if spec.where is None or matches(spec.where, hit_fact(h)):
            out.setdefault(h.rule, []).append(h)
    return out


_COUNTS = ("hits", "evidence", "evidence_quantified", "planned", "planned_next_year", "planned_shortcomings",
           "planned_wording", "not_negated", "negated", "passing", "slogan", "restates_outline", "earlier_year")


def checkpoint_facts(counted: dict[str, list[Hit]], plan: CheckpointPlan, level: str | None,
                     ceiling: int | None = None) -> list[dict[str, Any]]:
    """Facts of kind `cp`: per checkpoint, counts of its hits by class and flag.

    `counted` is `counted_hits`' output. The grading (rules/grading.yaml) decides on these
    counts and the checkpoint's data at the body's level (`applicable`, `needs_figure`) alone.
    Counts are capped at `ceiling` (compile.count_ceiling: above it the grading's tests cannot
    tell counts apart), and checkpoints whose capped counts and data are the same would fire the
    same grade, so they share one fact that lists them in `rules` (every checkpoint without
    hits, typically): the engine sees tens of facts, not one per hit nor one per checkpoint, and
    every checkpoint still gets its status from a firing.
    """
    top = ceiling if ceiling is not None else 1 << 30
    merged: dict[tuple[Any, ...], list[str]] = {}
    zero = (0,) * len(_COUNTS)
    for rid, (applicable, figure) in level_data(plan, level).items():
        mine = counted.get(rid)
        if not mine:
            counts = zero
        else:
            ev = evq = pl = nxt = sh = wo = neg = pas = slo = res = ear = 0
            for h in mine:
                cls = hit_class(h)
                if cls == "evidence":
                    ev += 1
                    evq += h.quantified
                elif cls == "planned_next_year":
                    nxt += 1
                elif cls == "planned_shortcomings":
                    sh += 1
                elif cls == "planned_wording":
                    wo += 1
                neg += h.negated
                pas += h.passing
                slo += h.slogan
                res += h.restates_outline
                ear += h.earlier_year
            pl = nxt + sh + wo
            n = len(mine)
            counts = (n, ev, evq, pl, nxt, sh, wo, n - neg, neg, pas, slo, res, ear)
            if n > top:  # every count is at most `hits`
                counts = tuple(v if v <= top else top for v in counts)
        key = (applicable, figure, counts)
        same = merged.get(key)
        if same is None:
            merged[key] = [rid]
        else:
            same.append(rid)
    return [{"kind": "cp", "rules": rules, "level": level or "", "applicable": applicable,
             "needs_figure": figure, **dict(zip(_COUNTS, counts, strict=True))}
            for (applicable, figure, counts), rules in merged.items()]


_LEVEL_DATA: dict[tuple[int, str | None], tuple[CheckpointPlan, dict[str, tuple[bool, bool]]]] = {}


def level_data(plan: CheckpointPlan, level: str | None) -> dict[str, tuple[bool, bool]]:
    """Per checkpoint, (applicable, needs_figure) at `level`; memoised per plan and level.

    The memo holds the plan itself, so its id cannot be reused by another plan while cached.
    """
    key = (id(plan), level)
    got = _LEVEL_DATA.get(key)
    if got is not None and got[0] is plan:
        return got[1]
    data = {rid: (spec.applicable(level), spec.figure_needed(level)) for rid, spec in plan.items()}
    if len(_LEVEL_DATA) > 64:  # a few plans and levels per process; bound it anyway
        _LEVEL_DATA.clear()
    _LEVEL_DATA[key] = (plan, data)
    return data


def to_facts(seg: Segmented, meta: Metadata, hits: list[Hit], outline: Outline,
             quality: dict[str, Any] | None = None, *, plan: CheckpointPlan | None = None,
             level: str | None = None, hit_rules: frozenset[str] | None = None,
             ceiling: int | None = None, counted: dict[str, list[Hit]] | None = None) -> list[dict[str, Any]]:
    """Facts for the rule engine; `id`s are unique from 0.

    One `cp` fact per checkpoint of `plan` (graded at `level`), a `hit` fact per hit of the
    rules in `hit_rules` (signals, and rules other rules' `when` name; None: every hit), the
    parts, one meta and one quality fact.
    """
    facts: list[dict[str, Any]] = []
    if plan is not None:
        if counted is None:
            counted = counted_hits(hits, plan)
        facts.extend(checkpoint_facts(counted, plan, level, ceiling))
    for h in hits:
        if hit_rules is None or h.rule in hit_rules:
            f = hit_fact(h)
            f["hit"] = h.id
            facts.append(f)
    for p in seg.parts:
        facts.append({"kind": "part", "part": p.id, "embedded": p.embedded,
                      "how": "section" if p.embedded else "heading"})
    m: dict[str, Any] = {
        "kind": "meta",
        "agency_known": meta.agency.value is not None,
        "level_known": meta.level.value is not None,
        "year_known": meta.year.value is not None,
        # Timeliness is judged on the publication date, else on the date the report was written
        # (成文日期 or the signature's): known when either is.
        "published_known": meta.timeliness_date[0] is not None,
    }
    date, basis = meta.timeliness_date
    if basis:
        m["date_basis"] = basis
    if meta.level.value:
        m["level"] = meta.level.value
    if isinstance(meta.year.value, int):
        m["year"] = meta.year.value
        if date:
            # Days on or after the deadline: 0 means on time, 1 means published on 1 April.
            m["days_late"] = max(0, (date - deadline_for(meta.year.value, outline)).days + 1)
    facts.append(m)
    if quality is not None:
        facts.append({"kind": "quality", **quality})
    for i, f in enumerate(facts):
        f["id"] = i
    return facts
