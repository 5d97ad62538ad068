"""User-facing words in Chinese (default) and English.

Rule titles and messages live in the rule YAML; this catalogue holds everything else the user
reads: status names, reasons, part names, error messages. Keys are stable; tests compare keys,
never wording.
"""

from __future__ import annotations

import os
from typing import Any

LANGS = ("zh", "en")

MESSAGES: dict[str, dict[str, str]] = {
    # statuses
    "status.met": {"zh": "已落实", "en": "met"},
    "status.partial": {"zh": "部分落实", "en": "partial"},
    "status.planned": {"zh": "仅有计划", "en": "planned only"},
    "status.missing": {"zh": "缺失", "en": "missing"},
    "status.not_applicable": {"zh": "不适用", "en": "not applicable"},
    "status.informational": {"zh": "不计分", "en": "not scored"},
    # reasons
    "reason.met": {"zh": "有本年度具体举措并有数据支撑", "en": "concrete work this year, with figures"},
    "reason.partial": {"zh": "有具体举措，但缺少数据", "en": "concrete work, but no figures"},
    "reason.planned_next_year": {"zh": "只在下一年度安排中提及", "en": "only mentioned in next year's arrangements"},
    "reason.planned_shortcomings": {"zh": "只在存在的不足中提及", "en": "only mentioned among the shortcomings"},
    "reason.planned_wording": {
        "zh": "只有“将…”“计划…”等打算，未见已开展的工作",
        "en": "only intentions (will/plan to), no work done",
    },
    "reason.planned_mixed": {"zh": "只在不足或下一步安排中提及", "en": "only mentioned among shortcomings or plans"},
    "reason.negated": {"zh": "只有“尚未…”“缺乏…”等否定表述", "en": "only mentioned as absent (not yet, lacking)"},
    "reason.passing": {"zh": "只是顺带提及，未说明具体工作", "en": "only mentioned in passing, no work described"},
    "reason.slogan": {"zh": "仅有表态，未见具体举措", "en": "only general statements, no concrete work"},
    "reason.restates_outline": {
        "zh": "只是复述纲要原文，未见具体举措",
        "en": "only restates the outline's wording, no concrete work",
    },
    "reason.earlier_year": {"zh": "系往年工作", "en": "work of an earlier year"},
    "reason.needs_figure": {"zh": "有具体举措，但该项须有数据才算落实",
                            "en": "concrete work, but this checkpoint needs a figure"},
    "reason.missing": {"zh": "报告未涉及", "en": "not addressed in the report"},
    "reason.not_applicable": {"zh": "该项不适用于本级机关", "en": "does not apply to this kind of body"},
    "reason.informational": {"zh": "原则性内容，不计分", "en": "a principle, not scored"},
    # parts
    "part.study": {"zh": "学习贯彻习近平法治思想", "en": "Studying Xi Jinping Thought on the Rule of Law"},
    "part.measures": {"zh": "主要举措和成效", "en": "Main measures and results"},
    "part.shortcomings": {"zh": "存在的不足和原因", "en": "Shortcomings and causes"},
    "part.first_responsible": {
        "zh": "党政主要负责人履行第一责任人职责情况",
        "en": "Principal leaders' first-responsibility duties",
    },
    "part.next_year": {"zh": "下一年度主要安排", "en": "Next year's arrangements"},
    "part.other": {"zh": "其他需要报告的情况", "en": "Other matters"},
    "part.preamble": {"zh": "开头部分", "en": "Opening"},
    "part.how.heading": {"zh": "独立部分", "en": "own part"},
    "part.how.section": {"zh": "作为其他部分的小标题", "en": "as a sub-section of another part"},
    "part.how.content": {"zh": "正文中有相关表述", "en": "described in the text"},
    # levels
    "level.province": {"zh": "省级", "en": "province"},
    "level.city": {"zh": "市级", "en": "city"},
    "level.county": {"zh": "县级", "en": "county"},
    "level.township": {"zh": "乡镇", "en": "township"},
    "level.street": {"zh": "街道", "en": "street"},
    "level.department": {"zh": "部门", "en": "department"},
    # report chrome
    "report.title": {"zh": "法治政府建设年度报告检查结果", "en": "Rule-of-law government report: check result"},
    "report.file": {"zh": "文件", "en": "File"},
    "report.agency": {"zh": "报告单位", "en": "Reporting body"},
    "report.level": {"zh": "层级", "en": "Level"},
    "report.year": {"zh": "报告年度", "en": "Year reported on"},
    "report.published": {"zh": "发布日期", "en": "Published"},
    "report.unknown": {"zh": "未识别", "en": "unknown"},
    "report.source": {"zh": "来源", "en": "from"},
    "report.score": {"zh": "得分", "en": "Score"},
    "report.score_line": {"zh": "得分 {total}/100（{band}）", "en": "Score {total}/100 ({band})"},
    "report.mix": {
        "zh": "{total} = 内容 {content}×80% + 结构 {structure}×15% + 时效 {timeliness}×5%",
        "en": "{total} = content {content}×80% + structure {structure}×15% + timeliness {timeliness}×5%",
    },
    "report.mix_no_date": {
        "zh": "{total} = （内容 {content}×80% + 结构 {structure}×15%）÷95%",
        "en": "{total} = (content {content}×80% + structure {structure}×15%) ÷ 95%",
    },
    "report.content_detail": {
        "zh": "内容 {content} = （已落实 {met} 项，权重 {w_met}；部分落实 {partial} 项，权重 {w_partial}，按六成计；"
        "仅有计划或缺失 {rest} 项，权重 {w_rest}，不计）÷ 共 {n} 项，权重 {w_all}",
        "en": "content {content} = ({met} items met, weight {w_met}; {partial} partial, weight {w_partial}, "
        "counted at 60%; {rest} planned only or missing, weight {w_rest}, not counted) ÷ {n} items, weight {w_all}",
    },
    "report.structure_detail": {
        "zh": "结构 {structure} = 具备的必备部分权重 {w_ok} ÷ 全部 {w_all}（必备部分 {n} 个，具备 {present} 个）",
        "en": "structure {structure} = weight of the required parts present {w_ok} ÷ {w_all} "
        "({present} of {n} required parts present)",
    },
    "report.timeliness_detail": {
        "zh": "时效 {timeliness}：100 为按时公开，0 为逾期公开",
        "en": "timeliness {timeliness}: 100 when published on time, 0 when late",
    },
    "report.timeliness_unknown": {
        "zh": "时效不计：没有发布日期或报告年度，无法判断是否按时公开",
        "en": "timeliness not counted: no publication date or report year to judge it by",
    },
    "report.unknown_agency": {"zh": "未识别的单位（{file}）", "en": "Unidentified body ({file})"},
    "report.chapters": {"zh": "各章得分", "en": "Score by chapter"},
    "report.parts": {"zh": "报告结构", "en": "Report parts"},
    "report.present": {"zh": "有", "en": "present"},
    "report.absent": {"zh": "缺少", "en": "missing"},
    # Segmentation: the heading a part was found under, and implausible structures (issue 11 §3).
    "report.found_under": {"zh": "标题“{heading}”", "en": "under “{heading}”"},
    "report.findings": {"zh": "结构与时效问题", "en": "Structure and timeliness findings"},
    "report.no_findings": {"zh": "未发现结构或时效问题。", "en": "No structure or timeliness problems."},
    "report.gaps": {"zh": "缺失事项", "en": "Missing items"},
    "report.planned": {"zh": "仅有计划或仅在不足中提及的事项", "en": "Items only planned or only deplored"},
    "report.partial": {"zh": "部分落实（缺少数据）的事项", "en": "Items covered without figures"},
    "report.met": {"zh": "已落实事项", "en": "Items met"},
    "report.none": {"zh": "无", "en": "none"},
    "report.outline": {"zh": "纲要要求", "en": "The outline asks"},
    "report.evidence": {"zh": "原文", "en": "Quote"},
    "report.outline_hint": {
        "zh": "（各事项的纲要原文和检查要点：fzzf explain 事项编号，如 fzzf explain 20）",
        "en": "(The outline's wording and checkpoints of an item: fzzf explain ITEM, e.g. fzzf explain 20)",
    },
    "report.missing_checkpoints": {"zh": "未见的要点", "en": "Checkpoints not found"},
    "report.item": {"zh": "第{n}项", "en": "Item {n}"},
    "report.summary": {
        "zh": "已落实 {met} 项，部分落实 {partial} 项，仅有计划 {planned} 项，缺失 {missing} 项，不适用 {na} 项",
        "en": "{met} met, {partial} partial, {planned} planned only, {missing} missing, {na} not applicable",
    },
    "report.errors": {"zh": "无法检查的文件", "en": "Files that could not be checked"},
    # errors (one line each)
    "error.prefix": {"zh": "错误", "en": "error"},
    "input.unsupported": {
        "zh": "{path}：不支持的文件类型 {suffix}（支持 .txt .html .htm .docx .doc .wps .pdf .ofd .md）",
        "en": "{path}: unsupported file type {suffix} (supported: .txt .html .htm .docx .doc .wps .pdf .ofd .md)",
    },
    "input.not_found": {"zh": "{path}：文件不存在", "en": "{path}: no such file"},
    "input.unreadable": {"zh": "{path}：无法读取（{reason}）", "en": "{path}: cannot read ({reason})"},
    "input.too_large": {
        "zh": "{path}：文件过大（{size} 字节，上限 {limit} 字节）",
        "en": "{path}: file too large ({size} bytes, limit {limit})",
    },
    "input.empty": {"zh": "{path}：文件为空", "en": "{path}: the file is empty"},
    "input.no_text": {"zh": "{path}：未找到报告正文", "en": "{path}: no report text found"},
    "input.not_regular": {"zh": "{path}：不是普通文件", "en": "{path}: not a regular file"},
    "input.no_chinese": {"zh": "{path}：未找到中文报告正文", "en": "{path}: no Chinese report text found"},
    "input.timeout": {
        "zh": "{path}：检查超时（超过 {seconds} 秒）",
        "en": "{path}: checking took longer than {seconds} s",
    },
    "input.binary": {"zh": "{path}：不是文本文件", "en": "{path}: not a text file"},
    "input.not_a_report": {
        "zh": "{path}：不是法治政府建设年度报告，看起来是{kind}",
        "en": "{path}: not an annual rule-of-law government report; it looks like {kind_en}",
    },
    "input.undecodable": {
        "zh": "{path}：无法识别文字编码（支持 UTF-8、GB18030/GBK）",
        "en": "{path}: unknown text encoding (UTF-8 and GB18030/GBK are supported)",
    },
    "input.bad_docx": {"zh": "{path}：不是有效的 Word（.docx）文件", "en": "{path}: not a valid Word (.docx) file"},
    "input.zip_bomb": {
        "zh": "{path}：文件解压后体积异常（疑似压缩炸弹），已拒绝",
        "en": "{path}: the file expands to an implausible size (a zip bomb?); refused",
    },
    "input.bad_pdf": {"zh": "{path}：PDF 文件已损坏或无法解析", "en": "{path}: the PDF is damaged or cannot be parsed"},
    "input.pdf_encrypted": {"zh": "{path}：PDF 已加密，请提供未加密的文件", "en": "{path}: the PDF is encrypted"},
    "input.needs_ocr": {
        "zh": "{path}：PDF 没有文字层（可能是扫描件），需要文字识别（OCR）：请安装 {install}",
        "en": "{path}: the PDF has no text layer (a scan?); reading it needs OCR: install it with {install}",
    },
    "input.too_many_pages": {
        "zh": "{path}：PDF 页数过多（{pages} 页，上限 {limit} 页）",
        "en": "{path}: too many pages ({pages}, limit {limit})",
    },
    # readers (issue 10): budgets and memory
    "input.pdf_too_complex": {
        "zh": "{path}：PDF 页面内容过多（第 {page} 页起超出检查上限），无法检查",
        "en": "{path}: the PDF's pages hold more content than the checker reads (from page {page} on)",
    },
    "input.out_of_memory": {
        "zh": "{path}：检查此文件所需内存超出上限（文件过大或结构异常）",
        "en": "{path}: checking this file needs more memory than allowed (too large or malformed)",
    },
    "input.bad_html": {"zh": "{path}：无法解析的网页", "en": "{path}: the HTML page cannot be parsed"},
    "rules.invalid": {
        "zh": "规则文件 {file}：规则 {rule}：字段 {field}：{problem}",
        "en": "rule file {file}: rule {rule}: field {field}: {problem}",
    },
    "usage.bad_date": {"zh": "日期格式应为 YYYY-MM-DD：{value}", "en": "a date must be YYYY-MM-DD: {value}"},
    "usage.bad_output": {
        "zh": "无法写入输出文件 {path}（{reason}）",
        "en": "cannot write output file {path} ({reason})",
    },
    "usage.unknown_rule": {"zh": "没有编号为 {rule} 的规则", "en": "no rule with id {rule}"},
    # rules tooling
    "rules.lint.summary": {
        "zh": "已检查 {rules} 条规则：错误 {errors} 个，警告 {warnings} 个",
        "en": "{rules} rules checked: {errors} errors, {warnings} warnings",
    },
    "rules.test.ok": {
        "zh": "规则示例全部通过：{rules} 条规则，{examples} 个示例",
        "en": "all rule examples pass: {rules} rules, {examples} examples",
    },
    "rules.test.fail": {
        "zh": "规则示例未通过：{failed} 个（共 {examples} 个）",
        "en": "rule examples failing: {failed} of {examples}",
    },
    "rules.test.expected_pass": {"zh": "应判为有据但未命中", "en": "should give evidence but did not"},
    "rules.test.expected_fail": {"zh": "不应判为有据但命中", "en": "should not give evidence but did"},
    "rules.test.expected_status": {"zh": "应判为“{expected}”，实际为“{got}”", "en": "should be {expected}, was {got}"},
    "interrupted": {
        "zh": "已中断：已完成的检查结果保存在缓存中，再次运行将从中断处继续",
        "en": "interrupted: finished checks are cached; running again resumes from there",
    },
    # batch audit
    "audit.title": {"zh": "法治政府建设年度报告审查汇总", "en": "Rule-of-law government reports: audit summary"},
    "audit.generated": {"zh": "生成时间", "en": "Generated"},
    "audit.files": {"zh": "文件", "en": "files"},
    "audit.agencies": {"zh": "单位", "en": "agencies"},
    "audit.checked": {"zh": "已检查", "en": "checked"},
    "audit.errors": {"zh": "无法检查", "en": "could not be checked"},
    "audit.mean": {"zh": "平均分", "en": "mean score"},
    "audit.on_time_rate": {"zh": "按时公开率", "en": "published on time"},
    "audit.distribution": {"zh": "得分分布", "en": "Score distribution"},
    "audit.table": {"zh": "各单位各年度情况（按得分排名）", "en": "Agencies by year (ranked by score)"},
    "audit.search": {"zh": "搜索", "en": "Search"},
    "audit.search_hint": {"zh": "单位、文件、缺失事项…", "en": "agency, file, gap…"},
    "audit.all": {"zh": "全部", "en": "all"},
    "audit.shown": {"zh": "显示", "en": "showing"},
    "audit.rank": {"zh": "排名", "en": "Rank"},
    "audit.agency": {"zh": "单位", "en": "Agency"},
    "audit.level": {"zh": "层级", "en": "Level"},
    "audit.year": {"zh": "年度", "en": "Year"},
    "audit.published": {"zh": "发布日期", "en": "Published"},
    "audit.on_time": {"zh": "按时公开", "en": "On time"},
    "audit.yes": {"zh": "是", "en": "yes"},
    "audit.no": {"zh": "否", "en": "no"},
    "audit.unknown": {"zh": "无法判断", "en": "unknown"},
    "audit.parts": {"zh": "结构完整", "en": "Parts"},
    "audit.score": {"zh": "得分", "en": "Score"},
    "audit.chapter": {"zh": "第{n}章", "en": "Ch. {n}"},
    "audit.missing_required": {"zh": "缺失必查要点数", "en": "Missing required checkpoints"},
    "audit.top_gaps": {"zh": "主要缺失事项", "en": "Top gaps"},
    "audit.file": {"zh": "文件", "en": "File"},
    "audit.problem": {"zh": "问题", "en": "Problem"},
    "audit.error_rows": {"zh": "无法检查的文件", "en": "Files that could not be checked"},
    "audit.heatmap": {"zh": "各单位分章得分热力图（最新年度）", "en": "Chapter scores by agency (latest year)"},
    "audit.agency_title": {"zh": "法治政府建设年度报告历年审查", "en": "Annual reports across years"},
    "audit.reports": {"zh": "报告数", "en": "reports"},
    "audit.trend": {"zh": "得分趋势", "en": "Score trend"},
    "audit.parts_missing": {"zh": "缺少的部分", "en": "Missing parts"},
    "audit.vs": {"zh": "对比", "en": "compared with"},
    "audit.score_change": {"zh": "得分变化", "en": "Score change"},
    "audit.reuse": {"zh": "与上一年度报告重复的句子比例", "en": "Sentences repeated from the previous report"},
    "audit.reused": {"zh": "疑似照搬上一年度报告", "en": "likely copied from the previous report"},
    "audit.recurring": {"zh": "连续两年缺失的事项", "en": "Gaps two years running"},
    "audit.follow": {"zh": "上一年度“下一步安排”落实情况", "en": "Follow-through on last year's plans"},
    "audit.kept": {"zh": "已落实", "en": "kept"},
    "audit.not_kept": {"zh": "未见落实", "en": "not kept"},
    "audit.promise": {"zh": "承诺事项", "en": "Promise"},
    "audit.promised_as": {"zh": "上一年度原文", "en": "As promised"},
    "audit.gaps": {"zh": "年度缺失事项", "en": "gaps"},
    "audit.none": {"zh": "无", "en": "none"},
    "audit.back": {"zh": "返回汇总表", "en": "Back to the summary"},
    "audit.source": {"zh": "来源文件", "en": "Source"},
    "audit.done": {
        "zh": "审查完成：{files} 个文件（新检查 {checked}，沿用缓存 {cached}），{errors} 个无法检查。"
        "请打开汇总表 {out}/summary.html（各单位报告在 {out}/agencies/）",
        "en": "Audit done: {files} files ({checked} checked, {cached} from cache), "
        "{errors} could not be checked. Open the summary {out}/summary.html (one page per agency in {out}/agencies/)",
    },
    # the summary a supervisor works from (issue 13 §5)
    "audit.missing_items": {"zh": "缺失事项数", "en": "Missing items"},
    "audit.missing_cps": {"zh": "含必查要点 {n} 个", "en": "{n} required checkpoints"},
    "audit.on_time_known": {"zh": "按时公开率 {yes}/{known}", "en": "published on time {yes}/{known}"},
    "audit.on_time_base": {
        "zh": "按时公开率 {yes}/{known} 已知，{unknown} 份未知",
        "en": "published on time {yes}/{known} known, {unknown} unknown",
    },
    "audit.unidentified": {"zh": "未识别", "en": "not identified"},
    "audit.filtered": {"zh": "按条件筛除 {n} 份报告", "en": "{n} reports left out by --level/--year"},
    "input.internal": {
        "zh": "{path}：检查时发生内部错误（{reason}）",
        "en": "{path}: internal error while checking ({reason})",
    },
    "usage.no_inputs": {
        "zh": "未找到可检查的报告文件（支持 .txt .html .htm .docx .doc .wps .pdf .ofd）",
        "en": "no report files found (.txt .html .htm .docx .doc .wps .pdf .ofd)",
    },
    # severities
    "severity.required": {"zh": "必查", "en": "required"},
    "severity.recommended": {"zh": "建议", "en": "recommended"},
    "severity.optional": {"zh": "可选", "en": "optional"},
    # gate
    "gate.failed": {"zh": "{path}：未通过检查：{reasons}", "en": "{path}: failed the gate: {reasons}"},
    "gate.part_missing": {"zh": "缺少必备部分：{part}", "en": "missing required part(s): {part_en}"},
    "gate.score": {"zh": "得分 {score}（{band}）低于 {threshold}", "en": "score {score} ({band}) is below {threshold}"},
    "gate.checkpoints": {
        "zh": "{count} 个“{severity}”级检查要点缺失或仅有计划（如：{examples}）",
        "en": "{count} checkpoints of severity {severity} or higher missing or only planned (e.g. {examples_en})",
    },
    "gate.ok.structure": {"zh": "必备部分齐全", "en": "every required part is present"},
    "gate.ok.score": {
        "zh": "得分 {score}（{band}），不低于 {threshold}",
        "en": "score {score} ({band}), not below {threshold}",
    },
    "gate.ok.checkpoints": {
        "zh": "没有缺失或仅有计划的“{severity}”级检查要点",
        "en": "no checkpoint of severity {severity} or higher is missing or only planned",
    },
    "gate.standard": {"zh": "检查标准", "en": "Gate"},
    "gate.standard.none": {"zh": "不设检查标准（--no-fail）", "en": "no gate (--no-fail)"},
    "gate.standard.structure": {"zh": "必备部分齐全", "en": "required parts present"},
    "gate.standard.score": {"zh": "得分不低于 {threshold}", "en": "score at least {threshold}"},
    "gate.standard.checkpoints": {
        "zh": "“{severity}”级检查要点无缺失",
        "en": "no {severity} checkpoint missing",
    },
    "gate.label.passed": {"zh": "通过所选检查：可以发布", "en": "Passed the chosen gate: ready to publish"},
    "gate.label.none": {"zh": "未做发布前检查", "en": "No pre-publication gate was applied"},
    "gate.label.failed": {"zh": "未通过所选检查：暂不宜发布", "en": "Failed the chosen gate: not ready to publish"},
    "gate.note.score": {
        "zh": "未设最低分数；内容评分供参考：{score} 分（{band}）",
        "en": "no minimum score was set; for information, the score is {score} ({band})",
    },
    # what a title lacks (checker/quality.py title_form)
    "title_form.ok": {"zh": "标题规范", "en": "the title is in the regular form"},
    "title_form.no_title": {"zh": "未找到标题", "en": "no title found"},
    "title_form.not_report": {"zh": "标题未以“报告”结尾", "en": "the title does not end in 报告 (report)"},
    "title_form.no_subject": {"zh": "标题未写明“法治政府建设”", "en": "the title does not name 法治政府建设"},
    "title_form.no_year": {"zh": "标题未写明年度", "en": "the title names no year"},
    "title_form.no_agency": {"zh": "标题未写明报告单位", "en": "the title does not name the reporting body"},
    # score bands (checker/score.py BANDS)
    "band.excellent": {"zh": "优", "en": "excellent"},
    "band.good": {"zh": "良", "en": "good"},
    "band.fair": {"zh": "中", "en": "fair"},
    "band.poor": {"zh": "差", "en": "poor"},
    # check service
    "service.timeout": {"zh": "检查超时，请稍后重试", "en": "the check took too long; try again later"},
    "service.bad_param": {"zh": "参数值无效：{value}", "en": "invalid parameter value: {value}"},
    "service.no_file": {"zh": "请求中没有上传文件（字段名 file）", "en": "no file in the request (field 'file')"},
    "service.no_filename": {
        "zh": "直接上传正文时须提供 filename 参数（如 ?filename=draft.docx）",
        "en": "a raw body needs ?filename=… (e.g. ?filename=draft.docx)",
    },
    # check service: limits and protocol errors (issue 10)
    "service.too_large": {"zh": "上传内容超过大小限制", "en": "upload too large"},
    "service.bad_length": {"zh": "请求头中的内容长度无效", "en": "invalid Content-Length header"},
    "service.busy": {"zh": "服务繁忙，请稍后重试", "en": "the service is busy; try again shortly"},
    "service.body_timeout": {"zh": "上传超时：请求内容未在时限内收齐", "en": "the upload took too long to arrive"},
    "service.memory": {"zh": "检查此文件所需内存超过上限", "en": "checking this file needs more memory than allowed"},
    "service.worker_failed": {"zh": "检查进程意外退出，请重试", "en": "the check process failed; try again"},
    "service.bad_encoding": {
        "zh": "表单字段或参数既不是 UTF-8 也不是 GB18030 编码",
        "en": "a form field or parameter is neither UTF-8 nor GB18030",
    },
    "service.param_too_long": {"zh": "参数 {name} 过长（上限 {limit} 字）", "en": "parameter {name} is too long "
                               "(limit {limit} characters)"},
    "service.bad_multipart": {
        "zh": "上传表单格式无效（须为文件上传表单，且只含一个文件）",
        "en": "invalid multipart form (one file, in the field 'file')",
    },
    "service.not_found": {"zh": "没有这个地址", "en": "not found"},
    "service.method_not_allowed": {"zh": "此地址不支持该请求方法", "en": "method not allowed"},
    "service.bad_request": {"zh": "请求无效", "en": "bad request"},
    "service.internal": {"zh": "服务内部错误", "en": "internal error"},
    "service.again": {"zh": "检查另一份文件", "en": "Check another file"},
    "service.page.title": {"zh": "法治政府建设年度报告发布前检查", "en": "Pre-publication check of the annual report"},
    "service.page.intro": {
        "zh": "上传报告草稿（Word、PDF、网页或文本），"
        "对照《法治政府建设实施纲要（2021－2025年）》检查结构、内容和时效。",
        "en": "Upload a draft (Word, PDF, web page or text) to check it against the 2021-2025 outline.",
    },
    "service.page.file": {"zh": "报告文件", "en": "Report file"},
    "service.page.agency": {"zh": "报告单位（可选）", "en": "Reporting body (optional)"},
    "service.page.level": {"zh": "层级", "en": "Level"},
    "service.page.auto": {"zh": "自动识别", "en": "detect"},
    "service.page.year": {"zh": "报告年度（可选）", "en": "Year reported on (optional)"},
    "service.page.published": {"zh": "拟发布日期（可选）", "en": "Planned publication date (optional)"},
    "service.page.fail_under": {"zh": "最低分数（可选）", "en": "Minimum score (optional)"},
    "service.page.submit": {"zh": "开始检查", "en": "Check"},
    "service.page.limit": {
        "zh": "文件大小上限 {mb} MB；文件仅用于本次检查，不会保存。",
        "en": "Up to {mb} MB; files are used for this check only and not kept.",
    },
    # metadata: dates and the audit manifest (branch meta)
    "meta.basis.published": {"zh": "发布日期", "en": "publication date"},
    "meta.basis.written": {"zh": "成文日期（页面未显示发布日期）", "en": "date written (no publication date shown)"},
    "report.written": {"zh": "成文日期", "en": "Written"},
    "manifest.bad": {
        "zh": "无法读取报送清单 {path}：{reason}",
        "en": "cannot read the manifest {path}: {reason}",
    },
    "manifest.bad_row": {
        "zh": "报送清单 {path} 第{line}行：{reason}",
        "en": "manifest {path}, line {line}: {reason}",
    },
    "manifest.unmatched": {
        "zh": "报送清单第{line}行“{file}”未对应任何被检查的文件",
        "en": "manifest line {line} ({file}) names no file that was audited",
    },
    "serve.listening": {
        "zh": "检查服务已启动：http://{host}:{port}/ （Ctrl-C 退出）",
        "en": "check service on http://{host}:{port}/ (Ctrl-C to stop)",
    },
    # outputs, the audit's output folder and its cache (docs/security.md, "Outputs and the batch audit")
    "output.not_a_file": {
        "zh": "{path} 是文件夹或块设备，不能作为输出文件（-o 可以是文件、新路径、字符设备、命名管道或 -）",
        "en": "{path} is a folder or a block device, not an output file "
        "(-o takes a file, a new path, a character device, a FIFO or -)",
    },
    "output.is_input": {
        "zh": "{path} 是要检查的文件之一，不能作为输出文件",
        "en": "{path} is one of the files being checked; it cannot be the output",
    },
    "output.disk_full": {"zh": "磁盘空间已满", "en": "no space left on device"},
    "outdir.overlaps": {
        "zh": "输出文件夹 {out} 与输入 {input} 重叠；请另选一个不在输入之内、也不包含输入的输出文件夹",
        "en": "the output folder {out} overlaps the input {input}; "
        "choose an output folder that is neither inside an input nor contains one",
    },
    "outdir.foreign": {
        "zh": "输出文件夹 {out} 不是空文件夹，也不是本工具以前的审查输出（没有 {marker}）；请另选一个新的或空的文件夹",
        "en": "the output folder {out} is not empty and holds no earlier audit's outputs (no {marker}); "
        "choose a new or empty folder",
    },
    "outdir.not_ours": {
        "zh": "{path} 已存在且不是本工具生成的，不会覆盖；请另选输出文件夹或移走该文件",
        "en": "{path} exists and was not written by the audit; it is never overwritten: "
        "choose another output folder or move the file",
    },
    "outdir.write_failed": {
        "zh": "无法写入输出文件夹 {out}（{reason}）；四个汇总文件或全部更新，或全部保持原样，不会互相矛盾",
        "en": "cannot write to the output folder {out} ({reason}); "
        "the four summaries are all new or all as before, never a mix",
    },
    "outdir.scratch_failed": {
        "zh": "无法写入审查的临时数据库 {path}（{reason}）",
        "en": "cannot write the audit's scratch database {path} ({reason})",
    },
    "cache.damaged": {
        "zh": "缓存中有 {n} 条记录已损坏，已丢弃并重新检查相应文件",
        "en": "{n} damaged cache entries were dropped and their files checked again",
    },
    "terminated": {
        "zh": "已终止（SIGTERM）：已完成的检查结果保存在缓存中，再次运行将从中断处继续",
        "en": "terminated (SIGTERM): finished checks are cached; running again resumes from there",
    },
    # formats (issue 14): OFD, legacy Word/WPS, OCR, notices with attachments
    "input.bad_ofd": {"zh": "{path}：不是有效的 OFD 文件", "en": "{path}: not a valid OFD file"},
    "input.bad_doc": {
        "zh": "{path}：不是有效的 Word 97-2003（.doc）或 WPS（.wps）文件",
        "en": "{path}: not a valid Word 97-2003 (.doc) or WPS (.wps) file",
    },
    "input.needs_converter": {
        "zh": "{path}：读取 {suffix} 文件需要 LibreOffice，请先安装（Debian/Ubuntu：{install}）或另存为 .docx",
        "en": "{path}: reading {suffix} files needs LibreOffice: install it ({install} on Debian/Ubuntu) "
        "or save the file as .docx",
    },
    "input.ocr_failed": {"zh": "{path}：文字识别（OCR）失败（{reason}）", "en": "{path}: OCR failed ({reason})"},
    "report.text_from": {"zh": "文字来源", "en": "Text from"},
    "report.ocr": {
        "zh": "扫描件，经文字识别（OCR）取得，引文可能有识别误差",
        "en": "a scan, read by OCR; quotes may contain recognition errors",
    },
    "report.ocr_quote": {"zh": "{part}，OCR 识别", "en": "{part}, OCR text"},
    "audit.ocr_page": {
        "zh": "fzzf audit · 文字识别 {file} 第 {page}/{pages} 页",
        "en": "fzzf audit · OCR {file} page {page}/{pages}",
    },
    "audit.via_page": {
        "zh": "{source}（附件，来自通知页面 {page}）",
        "en": "{source} (attachment of the notice page {page})",
    },
    "input.attachment": {
        "zh": "{path}：这是发布通知，报告在附件“{attachment}”中；请检查附件（审查时把附件保存在网页旁即可自动检查）",
        "en": '{path}: a notice; the report is the attachment "{attachment}": check that file '
        "(an audit checks it when it is saved beside the page)",
    },
}


# Where a metadata value came from (MetaValue.source: "kind" or "kind:detail"), in words.
SOURCES: dict[str, dict[str, str]] = {
    "title": {"zh": "标题", "en": "title"},
    "page": {"zh": "页面“{detail}”栏", "en": "the page's {detail} field"},
    "meta": {"zh": "网页元数据", "en": "page meta tag {detail}"},
    "text": {"zh": "正文（{detail}）", "en": "the text ({detail})"},
    "cli": {"zh": "命令行参数", "en": "command line"},
    "manifest": {"zh": "清单文件", "en": "manifest"},
    "agency name": {"zh": "单位名称", "en": "agency name"},
    "file name": {"zh": "文件名", "en": "file name"},
    "docx": {"zh": "Word 文档属性", "en": "Word document properties"},
    "pdf": {"zh": "PDF 文档属性", "en": "PDF document properties"},
    "md": {"zh": "Markdown 标题", "en": "Markdown title"},
}
# Details of "text:…" sources (checker/metadata.py) that are written as codes.
SOURCE_DETAILS: dict[str, dict[str, str]] = {
    "signature": {"zh": "落款", "en": "signature"},
    "opening": {"zh": "开头", "en": "opening"},
    "title": {"zh": "标题行", "en": "title line"},
    "name in body": {"zh": "文中单位名称", "en": "name in the body"},
    "addressee": {"zh": "主送机关", "en": "addressee line"},
    "heading": {"zh": "小标题", "en": "heading"},
    "cover date": {"zh": "落款日期", "en": "date of the cover letter"},
    "date under title": {"zh": "标题下的日期", "en": "date under the title"},
    "现将": {"zh": "“现将……报告如下”", "en": "the sentence 现将……报告如下"},
}


def source_words(source: str, lang: str = "zh") -> str:
    """A metadata source ("title", "page:发布日期", "text:signature" …) in the user's words.

    Details that are identifiers (a meta tag's name) are shown in English only; an unknown
    kind reads as "detected automatically" rather than leaking the code.
    """
    kind, _, detail = source.partition(":")
    entry = SOURCES.get(kind)
    if entry is None:
        return "自动识别" if lang == "zh" else "detected"
    text = entry.get(lang) or entry["zh"]
    if detail in SOURCE_DETAILS:
        detail = SOURCE_DETAILS[detail].get(lang) or SOURCE_DETAILS[detail]["zh"]
    if lang == "zh" and detail.isascii():
        detail = ""
    if not detail:
        text = text.replace("“{detail}”", "").replace("（{detail}）", "").replace(" ({detail})", "")
        text = text.replace("{detail}", "").strip()
    return text.format(detail=detail)


# Finding arguments that are codes (checker/quality.py) and the catalogue keys that say them.
CODED_ARGS = ("title_form",)


def rule_message(template: str, args: dict[str, Any], lang: str = "zh") -> str:
    """A rule's message with its finding's arguments, coded values put into words first."""
    shown = dict(args)
    for name in CODED_ARGS:
        if name in shown and f"{name}.{shown[name]}" in MESSAGES:
            shown[name] = t(f"{name}.{shown[name]}", lang)
    return fmt(template, shown)


def default_lang() -> str:
    """Chinese unless FZZF_LANG says otherwise."""
    lang = os.environ.get("FZZF_LANG", "zh").lower()[:2]
    return lang if lang in LANGS else "zh"


def t(key: str, lang: str = "zh", **args: Any) -> str:
    """The message for `key` in `lang`, formatted with `args` (missing args stay visible)."""
    entry = MESSAGES.get(key)
    text = key if entry is None else entry.get(lang) or entry["zh"]
    return fmt(text, args)


class _Safe(dict):  # type: ignore[type-arg]
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def fmt(text: str, args: dict[str, Any]) -> str:
    """str.format that leaves unknown placeholders as they are."""
    return text.format_map(_Safe(args))
