"""`fzzf explain RULE_ID|ITEM`: what a rule checks, in the outline's words, and what satisfies it.

Given an outline item number instead of a rule id (`fzzf explain 20`), it lists the item's
checkpoints, each with its rule id, so the user can go on to the rule.
"""

from __future__ import annotations

import json

from checker.i18n import t
from checker.ruleset.load import Rule, RuleSet

LABELS = {
    "zh": {
        "rule": "规则", "kind": "类型", "item": "纲要事项", "chapter": "章", "outline": "纲要原文",
        "checkpoint": "检查要点", "severity": "重要程度", "weight": "权重", "weights": "分级权重",
        "applies": "适用对象", "all": "全部", "terms": "关键词（任一命中）", "context": "同句须含",
        "exclude": "同句不得含", "where": "附加条件", "when": "触发条件", "message": "缺失时的提示",
        "grading": "判定方法", "pass": "应判为有据的例句", "fail": "不应判为有据的例句",
        "requirement": "报告要求", "file": "文件", "checkpoints": "检查要点",
        "more": "查看某一要点：fzzf explain 规则编号", "unscored": "原则性内容，不计分",
        "kinds": {"checkpoint": "检查要点", "signal": "辅助信号", "structure": "结构", "timeliness": "时效",
                  "quality": "质量"},
        "na_for": "不适用于",
        "headings": "或所在小标题含", "under": "小标题", "year": "报告年度",
        "grading_text": "术语在“主要举措和成效”等已完成工作部分出现、且非否定/计划/顺带提及/口号式表述、"
                        "非仅复述纲要原文、非往年工作时为有据；"
                        "同句有数据为“已落实”，无数据为“部分落实”；只在不足或下一年度安排中出现为“仅有计划”。",
    },
    "en": {
        "rule": "Rule", "kind": "Kind", "item": "Outline item", "chapter": "chapter", "outline": "Outline text",
        "checkpoint": "Checkpoint", "severity": "Severity", "weight": "Weight", "weights": "Weight by level",
        "applies": "Applies to", "all": "all", "terms": "Terms (any one)", "context": "Same sentence must contain",
        "exclude": "Same sentence must not contain", "where": "Extra conditions", "when": "Fires when",
        "message": "Message when missing", "grading": "How it is graded", "pass": "Sentences that satisfy it",
        "fail": "Sentences that do not", "requirement": "Report requirement", "file": "File",
        "checkpoints": "Checkpoints", "more": "For one checkpoint: fzzf explain RULE_ID",
        "unscored": "a principle, not scored", "na_for": "Not applicable to",
        "kinds": {"checkpoint": "checkpoint", "signal": "signal", "structure": "structure", "timeliness": "timeliness",
                  "quality": "quality"},
        "headings": "Or its sub-heading contains", "under": "sub-heading", "year": "report year",
        "grading_text": "A term in a part on work done, not negated, planned, in passing, a slogan, a mere "
                        "restatement of the outline's wording or an earlier year's work, is evidence: "
                        "with a figure in the sentence the checkpoint is met, without one partial; a term only "
                        "among shortcomings or next year's plans makes it planned.",
    },
}


def explain(ruleset: RuleSet, rule: Rule, lang: str = "zh") -> str:
    """A plain-text explanation of one rule."""
    lab = LABELS[lang]
    lines = [f"{lab['rule']} {rule.id} ({rule.name}): {rule.text('title', lang)}",
             f"  {lab['kind']}: {lab['kinds'].get(rule.kind, rule.kind)}    {lab['file']}: {rule.file}"]
    if rule.item is not None:
        item = ruleset.outline.items[rule.item]
        chapter = next(c for c in ruleset.outline.chapters if c.id == item.chapter)
        lines.append(f"  {lab['item']}: ({rule.item}) {item.title.get(lang) or item.title['zh']}"
                     f" — {lab['chapter']} {chapter.id}: {chapter.title.get(lang) or chapter.title['zh']}")
        if item.text:
            lines.append(f"  {lab['outline']}: {item.text.get(lang) or item.text.get('zh', '')}")
        if rule.checkpoint:
            cp = next(c for c in item.checkpoints if c.key == rule.checkpoint)
            key = "" if lang == "zh" else f"{rule.checkpoint} — "
            lines.append(f"  {lab['checkpoint']}: {key}{cp.title.get(lang) or cp.title['zh']}")
    if rule.requirement:
        lines.append(f"  {lab['requirement']}: {rule.requirement}")
    lines.append(f"  {lab['severity']}: {t(f'severity.{rule.severity.value}', lang)}    "
                 f"{lab['weight']}: {rule.weight:g}")
    if rule.level_weights:
        lines.append(f"  {lab['weights']}: " + ", ".join(f"{t(f'level.{k}', lang)} {v:g}"
                                                           for k, v in rule.level_weights.items()))
    applies = ", ".join(t(f"level.{lv}", lang) for lv in rule.applies_to) if rule.applies_to else lab["all"]
    lines.append(f"  {lab['applies']}: {applies}")
    for key, values in (("terms", rule.terms), ("context", rule.context), ("headings", rule.headings),
                        ("exclude", rule.exclude)):
        if values:
            lines.append(f"  {lab[key]}: " + " | ".join(values))
    if rule.where:
        lines.append(f"  {lab['where']}: {json.dumps(rule.where, ensure_ascii=False)}")
    if rule.when:
        lines.append(f"  {lab['when']}: {json.dumps(rule.when, ensure_ascii=False)}")
    if rule.kind in ("checkpoint", "signal"):
        lines.append(f"  {lab['grading']}: {lab['grading_text']}")
    lines.append(f"  {lab['message']}: {rule.text('message', lang)}")
    for key, examples in (("pass", rule.examples_pass), ("fail", rule.examples_fail)):
        if examples:
            lines.append(f"  {lab[key]}:")
            for i, s in enumerate(examples):
                heading, year = rule.example_setting(key, i)
                setting = "".join([f"（{lab['under']}：{heading}）" if heading else "",
                                   f"（{lab['year']}：{year}）" if year else ""])
                lines.append(f"    - {s}{setting}")
    return "\n".join(lines) + "\n"


def explain_item(ruleset: RuleSet, item_id: int, lang: str = "zh") -> str:
    """A plain-text overview of one outline item and its checkpoint rules."""
    lab = LABELS[lang]
    item = ruleset.outline.items[item_id]
    chapter = next(c for c in ruleset.outline.chapters if c.id == item.chapter)
    lines = [f"{lab['item']} ({item_id}) {item.title.get(lang) or item.title['zh']}"
             f" — {lab['chapter']} {chapter.id}: {chapter.title.get(lang) or chapter.title['zh']}"]
    if item.text:
        lines.append(f"  {lab['outline']}: {item.text.get(lang) or item.text.get('zh', '')}")
    if not item.scored:
        lines.append(f"  {lab['unscored']}")
    if item.not_applicable_for:
        lines.append(f"  {lab['na_for']}: " + ", ".join(t(f"level.{lv}", lang) for lv in item.not_applicable_for))
    rules = ruleset.checkpoints(item_id)
    if rules:
        lines.append(f"  {lab['checkpoints']}:")
        for r in rules:
            applies = ", ".join(t(f"level.{lv}", lang) for lv in r.applies_to) if r.applies_to else lab["all"]
            lines.append(f"    {r.id}  {r.text('title', lang)}（{t(f'severity.{r.severity.value}', lang)}，"
                         f"{lab['weight']} {r.weight:g}，{lab['applies']} {applies}）" if lang == "zh" else
                         f"    {r.id}  {r.text('title', lang)} ({t(f'severity.{r.severity.value}', lang)}, "
                         f"{lab['weight']} {r.weight:g}, {lab['applies']} {applies})")
        lines.append(f"  {lab['more']}")
    return "\n".join(lines) + "\n"
