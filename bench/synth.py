"""Make many distinct synthetic reports from the sample reports, for benchmarks.

Each variant renames the reporting body, shifts nothing else structural, and drops and
reorders sentences inside paragraphs, so every file has different content (no cache hits, no
identical facts) while still reading like a report. Deterministic for a given seed.
"""

from __future__ import annotations

import random
import re
from pathlib import Path

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
NAMES = {"云溪县": "县", "梅岭镇": "镇", "城东街道": "街道", "江州市市场监督管理局": "市市场监督管理局"}
SYLLABLES = "安宁平和清远长乐东西南北新丰泰顺德兴永嘉瑞阳华明光开福山河湖海松柏青云"


def _name(rng: random.Random, kind: str) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(2)) + kind


def _vary(text: str, rng: random.Random) -> str:
    out = []
    for line in text.split("\n"):
        sentences = re.split(r"(?<=。)", line)
        if len(sentences) > 3:
            body = [s for s in sentences if s and rng.random() > 0.15]
            head, rest = body[:1], body[1:]
            rng.shuffle(rest)
            line = "".join(head + rest)
        out.append(line)
    return "\n".join(out)


def make(folder: Path, n: int, seed: int = 1) -> list[Path]:
    """Write `n` synthetic reports into `folder` (txt and html, as the samples are)."""
    rng = random.Random(seed)
    sources = sorted(p for p in SAMPLES.iterdir() if p.suffix in (".txt", ".html"))
    texts = []
    for p in sources:
        data = p.read_bytes()
        enc = "gb18030" if b"gb18030" in data[:600].lower() or b"gbk" in data[:600].lower() else "utf-8"
        texts.append((p.suffix, enc, data.decode(enc)))
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for i in range(n):
        suffix, enc, text = texts[i % len(texts)]
        for old, kind in NAMES.items():
            if old in text:
                text = text.replace(old, _name(rng, kind) + str(i))
        path = folder / f"r{i:05d}{suffix}"
        path.write_bytes(_vary(text, rng).encode(enc, errors="replace"))
        written.append(path)
    return written
