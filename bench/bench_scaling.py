"""Time per MB as a report grows: checking must stay linear in the report's length (not a test).

    python bench/bench_scaling.py                 # 0.1, 1, 5 and 20 MB of each shape
    python bench/bench_scaling.py --sizes 0.1 2   # other sizes (MB of report text)

Three shapes that once made the time grow with the square of the sentence count: a text of
short sentences (.txt), a Word file with one short paragraph per sentence (.docx) and a page
with one `<p>` per sentence (.html). Each measurement runs in a fresh interpreter that reads
and checks the file in-process and renders the JSON report (start-up and rule loading are not
counted, so small files are not penalised), and reports its wall time and peak memory. Sizes
are MB of report text; the .docx file itself is far smaller (its XML compresses well).

Flat means the largest size's seconds per MB is within a small factor (`--tolerance`, 2 by
default) of the smallest one's; the script says which shapes are not.
"""

from __future__ import annotations

import argparse
import io
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parent.parent
SHAPES = ("txt", "docx", "html")
TITLE = "云溪县2024年法治政府建设年度报告"
HEAD = ["一、2024年推进法治政府建设的主要举措和成效"]
TAIL = ["二、存在的不足和原因", "部分工作有差距，主要原因是力量不足。",
        "三、党政主要负责人履行推进法治建设第一责任人职责情况", "县长主持召开常务会议研究法治工作3次。",
        "四、2025年工作安排", "下一步将推进行政复议规范化建设。"]
WORDS = ("开展法治培训", "办理行政复议案件", "审查规范性文件", "主动公开政府信息", "化解矛盾纠纷", "修订权责清单",
         "开展执法检查", "听取法律顾问意见", "组织旁听庭审", "公布重大行政决策事项")


def sentences(mb: float, seed: int = 1) -> list[str]:
    """Short distinct sentences adding up to about `mb` MB of UTF-8 text."""
    rng = random.Random(seed)
    out: list[str] = []
    size, target = 0, int(mb * 1024 * 1024)
    while size < target:
        s = f"{rng.choice(WORDS)}{rng.randint(1, 999)}次。"
        out.append(s)
        size += len(s.encode())
    return out


def write(shape: str, mb: float, folder: Path) -> Path:
    """A report of one shape holding about `mb` MB of short sentences."""
    body = sentences(mb)
    path = folder / f"report-{mb:g}mb.{shape}"
    if shape == "txt":
        lines = [TITLE, *HEAD]
        lines += ["".join(body[i:i + 40]) for i in range(0, len(body), 40)]  # paragraphs of 40 sentences
        path.write_text("\n".join([*lines, *TAIL]) + "\n", encoding="utf-8")
    elif shape == "html":
        paras = "".join(f"<p>{escape(s)}</p>" for s in [*HEAD, *body, *TAIL])
        path.write_text(f"<html><head><meta charset='utf-8'><title>{TITLE}</title></head><body>"
                        f"<div class='article'><h1>{TITLE}</h1>{paras}</div></body></html>", encoding="utf-8")
    else:
        path.write_bytes(_docx([TITLE, *HEAD, *body, *TAIL]))
    return path


def _docx(paragraphs: list[str]) -> bytes:
    """A Word file with one paragraph per string (python-docx's template, our document.xml)."""
    from docx import Document

    template = io.BytesIO()
    Document().save(template)
    base = zipfile.ZipFile(template)
    ns = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    xml = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document {ns}><w:body>'
           + "".join(f"<w:p><w:r><w:t>{escape(p)}</w:t></w:r></w:p>" for p in paragraphs)
           + "</w:body></w:document>")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name in base.namelist():
            z.writestr(name, xml.encode() if name == "word/document.xml" else base.read(name))
    return out.getvalue()


def one(path: Path) -> dict[str, Any]:
    """Read, check and render one file in this process; seconds and peak memory."""
    from checker.api import Checker
    from checker.render.context import RenderContext
    from checker.render.jsonout import report_dict

    checker = Checker(max_bytes=1 << 30, time_limit=None)
    t = time.perf_counter()
    result = checker.check_path(path)
    json.dumps(report_dict(result, RenderContext((), (), checker.ruleset, "zh")), ensure_ascii=False)
    seconds = time.perf_counter() - t
    return {"seconds": seconds, "chars": len(result.document.text),
            "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def measure(sizes: list[float], shapes: tuple[str, ...] = SHAPES) -> dict[str, list[dict[str, Any]]]:
    """Every shape at every size, each in a fresh interpreter."""
    results: dict[str, list[dict[str, Any]]] = {}
    with tempfile.TemporaryDirectory(prefix="fzzf-scaling-") as tmp:
        for shape in shapes:
            rows = results.setdefault(shape, [])
            for mb in sizes:
                path = write(shape, mb, Path(tmp))
                p = subprocess.run([sys.executable, __file__, "--one", str(path)], capture_output=True, text=True,
                                   check=True, cwd=ROOT)
                row = json.loads(p.stdout) | {"mb": mb, "file_mb": path.stat().st_size / (1024 * 1024)}
                row["s_per_mb"] = row["seconds"] / mb
                rows.append(row)
                print(f"{shape:5} {mb:6g} MB  {row['seconds']:7.2f} s  {row['s_per_mb']:6.2f} s/MB  "
                      f"{row['peak_rss_mb']:6.0f} MB peak", file=sys.stderr)
                path.unlink()
    return results


def flat(results: dict[str, list[dict[str, Any]]], tolerance: float) -> dict[str, float]:
    """Per shape: the largest size's seconds per MB over the smallest's (1.0 = perfectly flat)."""
    return {shape: rows[-1]["s_per_mb"] / rows[0]["s_per_mb"] for shape, rows in results.items() if rows}


def main() -> None:
    """Measure, print a table, exit 1 when a shape is not flat within the tolerance."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", type=float, nargs="+", default=[0.1, 1, 5, 20], help="MB of report text")
    ap.add_argument("--shapes", nargs="+", choices=SHAPES, default=list(SHAPES))
    ap.add_argument("--tolerance", type=float, default=2.0)
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    ap.add_argument("--one", help=argparse.SUPPRESS)  # internal: measure one file in this process
    args = ap.parse_args()
    if args.one:
        print(json.dumps(one(Path(args.one))))
        return
    results = measure(sorted(args.sizes), tuple(args.shapes))
    ratios = flat(results, args.tolerance)
    if args.json:
        print(json.dumps({"results": results, "ratio": ratios}, indent=1))
    else:
        for shape, r in ratios.items():
            verdict = "flat" if r <= args.tolerance else "NOT flat"
            print(f"{shape}: largest/smallest seconds per MB = {r:.2f} ({verdict})")
    sys.exit(0 if all(r <= args.tolerance for r in ratios.values()) else 1)


if __name__ == "__main__":
    main()
