"""Regenerate the two sample reports that exercise the readers of issue 14 (not run by tests).

    python bench/make_format_samples.py

- samples/chengdong-street-2023.docx: a Word draft whose heading numbers are Word's automatic
  numbering (一、 （一）), with tracked changes (a corrected figure, a deleted sentence), a
  comment, a header and footer, and a table of key figures.
- samples/jiangzhou-market-regulation-2023-scan.pdf: the signed report scanned at 150 dpi
  (pages turned by 0.6°, scanner noise, a red seal over the signature), no text layer.

Both texts are invented, like every sample (samples/README.md). Drawing the scan needs a CJK
font (Debian: fonts-wqy-zenhei) and Pillow; the .docx needs python-docx.
"""

from __future__ import annotations

import io
import math
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

import wordbuild as wb  # noqa: E402

FONT = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"

CHENGDONG_2023 = [
    ("title", "云溪县城东街道办事处关于2023年法治政府建设情况的报告"),
    ("p", "云溪县人民政府："),
    ("p", "2023年，城东街道在县委、县政府的领导下，深入学习贯彻习近平法治思想，认真落实《法治政府建设实施纲要"
          "（2021－2025年）》，扎实推进基层依法行政。现将有关情况报告如下："),
    ("h1", "2023年推进法治政府建设的主要举措和成效"),
    ("h2", "加强理论学习"),
    ("p", "街道党工委把习近平法治思想纳入理论学习中心组学习内容，全年开展专题学习6次，组织机关干部和社区工作者"
          "参加法治培训4期、培训320人次。"),
    ("h2", "推进严格规范公正文明执法"),
    ("p", "街道综合行政执法队全面落实行政执法公示、执法全过程记录、重大执法决定法制审核制度，全年办理行政处罚"
          "案件{fix}件，开展联合执法检查46次。"),
    ("h2", "化解矛盾纠纷"),
    ("p", "街道和社区两级调解组织全年受理矛盾纠纷582件，调解成功571件，调解成功率98.1%。"),
    ("table", [["指标", "2023年"], ["行政处罚案件", "{fix}件"], ["矛盾纠纷调解成功", "571件"],
               ["法治宣传活动", "37场"]]),
    ("p", "表中数字为全年累计数。"),
    ("h2", "加强法治宣传"),
    ("p", "深入开展“八五”普法，在辖区社区、学校、企业开展宪法、民法典主题宣传活动37场，覆盖群众1.1万人次。"),
    ("h1", "存在的不足和原因"),
    ("p", "一是执法人员力量不足，主要原因是街道综合执法队编制少、专业人员缺乏。二是社区法治宣传形式较为单一，"
          "主要原因是宣传经费和人员投入不够。"),
    ("h1", "党政主要负责人履行推进法治建设第一责任人职责情况"),
    ("p", "街道党工委书记、办事处主任切实履行推进法治建设第一责任人职责，主持召开党工委会议专题研究法治建设"
          "工作3次，带头参加旁听庭审1次。"),
    ("h1", "2024年推进法治政府建设的主要安排"),
    ("p", "下一步，街道将加强综合执法队伍建设，推进行政执法规范化；持续开展法治宣传，推动普法更加贴近群众需求。"),
    ("p", "云溪县城东街道办事处"),
    ("p", "2024年3月22日"),
]

JIANGZHOU_2023 = """江州市市场监督管理局2023年法治政府建设情况报告
江州市人民政府：
2023年，市市场监管局坚持以习近平新时代中国特色社会主义思想为指导，深入学习贯彻习近平法治思想，全面落实法治政府建设各项任务，现将有关情况报告如下：
一、2023年推进法治政府建设的主要举措和成效
（一）加强党对法治建设的领导。局党组把习近平法治思想列入党组理论学习中心组学习计划，全年开展专题学习5次。局党组会议研究法治建设工作4次，制定年度法治政府建设工作要点，明确重点任务22项。
（二）推进科学民主依法决策。全年对局规范性文件开展合法性审核9件，审核率100%，按规定报送备案9件。法律顾问和公职律师参与重大事项讨论、合同审核41件。
（三）严格规范公正文明执法。全面落实行政执法“三项制度”，全年办理行政处罚案件1386件，罚没款2860万元；对129件重大执法决定开展法制审核。推行包容审慎监管，依法适用“首违不罚”“轻微不罚”清单办理案件217件。
（四）优化法治化营商环境。落实公平竞争审查制度，全年审查涉及经营主体经济活动的政策措施38件。全市新设经营主体4.2万户，“一网通办”率达99.2%。
（五）加强法治宣传教育。落实“谁执法谁普法”责任制，开展“3·15”消费者权益保护、食品安全宣传周等主题宣传活动52场。
二、存在的不足和原因
一是基层执法人员专业能力不够强，主要原因是新划转人员多、培训不够系统。二是新业态监管手段不足，主要原因是相关法律法规和监管规则尚不完善。
三、党政主要负责人履行推进法治建设第一责任人职责情况
局党组书记、局长认真履行推进法治建设第一责任人职责，主持召开局党组会议研究法治工作4次，带头开展专题学法2次，对重大执法决定法制审核工作作出批示部署。
四、2024年推进法治政府建设的主要安排
2024年，市市场监管局将深化“大综合一体化”行政执法改革，加强执法人员培训，完善新业态监管规则，持续优化法治化营商环境。
江州市市场监督管理局
2024年2月26日"""


def chengdong_docx() -> bytes:
    """The street's 2023 report as a Word draft (numbering, tracked changes, comment, table)."""
    numbering = wb.numbering({0: wb.GONGWEN_LEVELS}, {1: (0, "")})
    fix = wb.dele("94") + wb.ins("149")  # a figure corrected with track changes on
    paras = []
    for kind, content in CHENGDONG_2023:
        if kind == "title":
            paras.append(wb.para(content, style="Title"))
        elif kind == "h1":
            paras.append(wb.para(content, num=1, ilvl=0))
        elif kind == "h2":
            paras.append(wb.para(content, num=1, ilvl=1))
        elif kind == "table":
            paras.append(wb.table([[c.replace("{fix}", "149") for c in row] for row in content]))
        else:
            before, _, after = content.partition("{fix}")
            if _:
                paras.append(wb.para(before, fix, after))
            elif content.startswith("街道和社区两级"):
                paras.append(wb.para(wb.comment_anchor(content), wb.dele("（数据待核实，暂不公开）")))
            else:
                paras.append(wb.para(content))
    return wb.build("".join(paras), numbering_xml=numbering, comments={0: "请司法所再核对一次调解数据。"},
                    header="城东街道办事处（征求意见稿）", footer="第 1 页", title=CHENGDONG_2023[0][1])


def _seal(draw: object, cx: float, cy: float, radius: float, name: str, font_path: str) -> None:
    from PIL import ImageFont

    red = (210, 32, 38)
    d = draw
    d.ellipse([cx - radius, cy - radius, cx + radius, cy + radius], outline=red, width=int(radius * 0.06))  # type: ignore[attr-defined]
    star = []
    for k in range(10):
        r = radius * (0.3 if k % 2 == 0 else 0.12)
        a = -math.pi / 2 + k * math.pi / 5
        star.append((cx + r * math.cos(a), cy + r * math.sin(a)))
    d.polygon(star, fill=red)  # type: ignore[attr-defined]
    font = ImageFont.truetype(font_path, int(radius * 0.22))
    n = len(name)
    for k, ch in enumerate(name):  # the body's name around the upper arc
        a = math.pi + (k + 0.5) * math.pi / n * 1.2 - 0.1 * math.pi
        x, y = cx + radius * 0.72 * math.cos(a), cy + radius * 0.72 * math.sin(a)
        d.text((x, y), ch, fill=red, font=font, anchor="mm")  # type: ignore[attr-defined]


def jiangzhou_scan(dpi: int = 150) -> bytes:
    """The department's 2023 report typeset on A4 (28 characters a line) and scanned."""
    import numpy as np
    from PIL import Image, ImageDraw, ImageFont

    mm = dpi / 25.4
    width, height = int(210 * mm), int(297 * mm)
    body = ImageFont.truetype(FONT, int(5.6 * mm))
    title_font = ImageFont.truetype(FONT, int(7.7 * mm))  # 22 pt, set on two lines as official documents are
    left, top, line_h, per_line = int(27 * mm), int(37 * mm), int(10.0 * mm), 28
    lines: list[tuple[str, object, bool]] = []
    for n, para in enumerate(JIANGZHOU_2023.splitlines()):
        if n == 0:
            head, _, rest = para.partition("局")
            lines += [(head + "局", title_font, True), (rest, title_font, True), ("", body, False)]
            continue
        flush_left = (n == 1 and para.endswith("：")) or para.startswith(("江州市市场", "2024年2月"))
        indent = "" if flush_left else "\u3000\u3000"
        text = indent + para
        while text:
            lines.append((text[:per_line], body, False))
            text = text[per_line:]
    pages, rng = [], random.Random(5)
    per_page = int((height - top - 35 * mm) // line_h)
    for start in range(0, len(lines), per_page):
        img = Image.new("RGB", (width, height), "white")
        draw = ImageDraw.Draw(img)
        y = top
        for text, font, centred in lines[start:start + per_page]:
            x = (width - draw.textlength(text, font=font)) / 2 if centred else left
            draw.text((x, y), text, fill=(20, 20, 20), font=font)
            y += line_h * (1.3 if centred else 1)
        draw.text((width / 2, height - 20 * mm), f"— {len(pages) + 1} —", fill=(20, 20, 20), font=body, anchor="mm")
        pages.append((img, y))
    last, y_end = pages[-1]
    _seal(ImageDraw.Draw(last), left + 19 * mm * 3.2, y_end - line_h * 1.3, 21 * mm, "江州市市场监督管理局", FONT)
    out_pages = []
    for n, (img, _) in enumerate(pages):
        img = img.rotate(0.6 if n % 2 == 0 else -0.5, resample=Image.BICUBIC, fillcolor=(255, 255, 255))
        arr = np.asarray(img).astype("int16")
        noise = np.random.default_rng(rng.randrange(1 << 30)).integers(-10, 10, arr.shape[:2])[..., None]
        out_pages.append(Image.fromarray(np.clip(arr + noise, 0, 255).astype("uint8")))
    buf = io.BytesIO()
    out_pages[0].save(buf, "PDF", resolution=float(dpi), save_all=True, append_images=out_pages[1:], quality=60)
    return buf.getvalue()


def main() -> None:
    """Write both samples."""
    (ROOT / "samples" / "chengdong-street-2023.docx").write_bytes(chengdong_docx())
    (ROOT / "samples" / "jiangzhou-market-regulation-2023-scan.pdf").write_bytes(jiangzhou_scan())


if __name__ == "__main__":
    main()
