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
    "report.score_detail": {
        "zh": "内容 {content}，结构 {structure}，时效 {timeliness}",
        "en": "content {content}, structure {structure}, timeliness {timeliness}",
    },
    "report.chapters": {"zh": "各章得分", "en": "Score by chapter"},
    "report.parts": {"zh": "报告结构", "en": "Report parts"},
    "report.present": {"zh": "有", "en": "present"},
    "report.absent": {"zh": "缺少", "en": "missing"},
    "report.findings": {"zh": "结构与时效问题", "en": "Structure and timeliness findings"},
    "report.no_findings": {"zh": "未发现结构或时效问题。", "en": "No structure or timeliness problems."},
    "report.gaps": {"zh": "缺失事项", "en": "Missing items"},
    "report.planned": {"zh": "仅有计划或仅在不足中提及的事项", "en": "Items only planned or only deplored"},
    "report.partial": {"zh": "部分落实（缺少数据）的事项", "en": "Items covered without figures"},
    "report.met": {"zh": "已落实事项", "en": "Items met"},
    "report.none": {"zh": "无", "en": "none"},
    "report.outline": {"zh": "纲要要求", "en": "The outline asks"},
    "report.evidence": {"zh": "原文", "en": "Quote"},
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
        "zh": "审查完成：{files} 个文件（新检查 {checked}，沿用缓存 {cached}），{errors} 个无法检查；输出目录 {out}",
        "en": "Audit done: {files} files ({checked} checked, {cached} from cache), "
        "{errors} could not be checked; output in {out}",
    },
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
    "gate.part_missing": {"zh": "缺少“{part}”部分", "en": "missing part: {part_en}"},
    "gate.score": {"zh": "得分 {score} 低于 {threshold}", "en": "score {score} is below {threshold}"},
    "gate.checkpoints": {
        "zh": "{count} 个“{severity}”级检查要点缺失或仅有计划（如：{examples}）",
        "en": "{count} checkpoints of severity {severity} or higher missing or only planned (e.g. {examples_en})",
    },
    # check service
    "service.timeout": {"zh": "检查超时，请稍后重试", "en": "the check took too long; try again later"},
    "service.bad_param": {"zh": "参数值无效：{value}", "en": "invalid parameter value: {value}"},
    "service.no_file": {"zh": "请求中没有上传文件（字段名 file）", "en": "no file in the request (field 'file')"},
    "service.no_filename": {
        "zh": "直接上传正文时须提供 filename 参数（如 ?filename=draft.docx）",
        "en": "a raw body needs ?filename=… (e.g. ?filename=draft.docx)",
    },
    "service.passed": {"zh": "通过：可以发布", "en": "Passed: ready to publish"},
    "service.failed": {"zh": "未通过：", "en": "Failed:"},
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
        "zh": "文件大小上限 {mb} MB；文件只在内存中检查，不会保存。",
        "en": "Up to {mb} MB; files are checked in memory and not kept.",
    },
    "serve.listening": {
        "zh": "检查服务已启动：http://{host}:{port}/ （Ctrl-C 退出）",
        "en": "check service on http://{host}:{port}/ (Ctrl-C to stop)",
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
