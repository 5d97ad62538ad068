"""The 0–100 score, its breakdown and its band.

Formula (also in README):

    credit(item)  = 1.0 if met, 0.6 if partial, 0 if planned or missing
    weight(item)  = Σ weight of the item's applicable checkpoints (weights of the body's profile)
    content       = Σ weight(item)·credit(item) / Σ weight(item)   over applicable scored items
    structure     = Σ weight·[part present] / Σ weight   over the required parts (the structure
                    rules of severity `required` that apply: `ReportResult.required_parts`)
    timeliness    = 0 if late, 1 if on time, unknown (no date or year): the result's timeliness
                    verdict (checker/conclude.py: late = a `required` timeliness rule fired)
    total         = 100 · (0.80·content + 0.15·structure + 0.05·timeliness)
                    with timeliness unknown: 100 · (0.80·content + 0.15·structure) / 0.95

The unit is the outline item, as in the report and the audit tables ("已落实 19 项"): the content
score is the items' statuses weighted by how much of the outline each item carries (the sum of
its checkpoints' weights), so the breakdown adds up on screen: met items' weight, plus six
tenths of the partial items' weight, over the weight of every applicable item. Checkpoints stay
beneath the item (which ones are missing is listed per item and drives `--fail-on`).

Checkpoints that do not apply to the body's profile (its level, or `--profile`) are left out,
and per-level weights replace the default weight. A chapter's score is `content` restricted to
that chapter's items (None when none of its items applies). Weights come from the rules, so a
rule pack that changes weights changes the score without code changes.

Bands put the total in words a supervisor uses (优/良/中/差). They were calibrated on real
published reports: a county report covering about two thirds of the outline items with figures
lands in 良, a township report covering under half of them in 中, a report that leaves most items
untouched in 差.
"""

from __future__ import annotations

from checker.model import ItemVerdict, RequiredPart, Score, Status, Timeliness
from checker.ruleset.load import RuleSet

CREDIT = {Status.MET: 1.0, Status.PARTIAL: 0.6, Status.PLANNED: 0.0, Status.MISSING: 0.0}
MIX = {"content": 0.80, "structure": 0.15, "timeliness": 0.05}
# Lowest total of each band, best first; the last band takes everything below.
BANDS = (("excellent", 85.0), ("good", 70.0), ("fair", 50.0), ("poor", 0.0))


def band(total: float) -> str:
    """The band (excellent/good/fair/poor) of a total score."""
    return next(name for name, low in BANDS if total >= low)


def _ratio(num: float, den: float) -> float | None:
    return num / den if den else None


_TABLES: dict[tuple[int, str | None], tuple[RuleSet, dict[str, float], dict[int, int]]] = {}


def _tables(ruleset: RuleSet, profile: str | None) -> tuple[dict[str, float], dict[int, int]]:
    """Rule weights at `profile` and each item's chapter, made once per rule set and profile.

    Scoring reads them for every report; building the weights of every rule took longer than
    the score itself. The memo holds the rule set, so its id cannot be reused while cached.
    """
    key = (id(ruleset), profile)
    got = _TABLES.get(key)
    if got is not None and got[0] is ruleset:
        return got[1], got[2]
    weights = {r.id: r.weight_for(profile) for r in ruleset.rules}
    chapters = {i: ruleset.outline.chapter_of(i) for i in ruleset.outline.items}
    if len(_TABLES) > 64:  # a few rule sets and levels per process; bound it anyway
        _TABLES.clear()
    _TABLES[key] = (ruleset, weights, chapters)
    return weights, chapters


_NA = Status.NOT_APPLICABLE
_VALUES = {s: s.value for s in CREDIT}  # Status.value goes through the enum machinery; this is a lookup


def score(
    ruleset: RuleSet,
    items: tuple[ItemVerdict, ...],
    parts: tuple[RequiredPart, ...],
    timely: Timeliness,
    profile: str | None = None,
) -> Score:
    """Score a report from its verdicts (see the module docstring for the formula).

    `parts` and `timely` are the result's own report-level facts (checker/conclude.py), so the
    score agrees with the gate and the audit. Weights are those of the profile (the body's
    level) where a rule sets per-level weights.
    """
    weights, chapter_of = _tables(ruleset, profile)
    num = den = 0.0
    chapter_num: dict[int, float] = {}
    chapter_den: dict[int, float] = {}
    by_status: dict[str, list[float]] = {s.value: [0, 0.0] for s in CREDIT}  # [items, weight]
    for item in items:
        status = item.status
        if status not in CREDIT:
            continue
        w = sum([weights[cp.rule] for cp in item.checkpoints if cp.status is not _NA])
        if w <= 0:
            continue
        c = CREDIT[status]
        ch = chapter_of[item.id] if item.id in chapter_of else ruleset.outline.chapter_of(item.id)
        num += w * c
        den += w
        chapter_num[ch] = chapter_num.get(ch, 0.0) + w * c
        chapter_den[ch] = chapter_den.get(ch, 0.0) + w
        counts = by_status[_VALUES[status]]
        counts[0] += 1
        counts[1] += w
    content = _ratio(num, den) or 0.0

    s_num = s_den = 0.0
    for p in parts:
        w = weights[p.rule]
        s_den += w
        s_num += w * p.present
    structure = _ratio(s_num, s_den)
    structure = 1.0 if structure is None else structure

    timeliness = None if timely is Timeliness.UNKNOWN else float(timely is Timeliness.ON_TIME)

    if timeliness is None:
        total = (MIX["content"] * content + MIX["structure"] * structure) / (
            MIX["content"] + MIX["structure"]
        )
    else:
        total = MIX["content"] * content + MIX["structure"] * structure + MIX["timeliness"] * timeliness
    chapters = {
        ch.id: (None if ch.id not in chapter_den else round(100 * chapter_num[ch.id] / chapter_den[ch.id], 1))
        for ch in ruleset.outline.chapters
    }
    total_100 = round(100 * total, 1)
    return Score(
        total=total_100,
        content=round(100 * content, 1),
        structure=round(100 * structure, 1),
        timeliness=None if timeliness is None else round(100 * timeliness, 1),
        chapters=chapters,
        band=band(total_100),
        items={k: (int(v[0]), round(v[1], 2)) for k, v in by_status.items()},
    )
