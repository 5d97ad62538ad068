"""Time text normalization (checker/normalize.py) per MB, from small reports to the 20 MB limit.

    python bench/bench_normalize.py            # 0.1, 1, 5 and 20 MB of each kind
    python bench/bench_normalize.py --mb 1     # one size

Kinds: a clean simplified report, its PDF copy (hard wraps every 36 characters, a page number
and a running header every 25 lines), the report in traditional characters, and the report with
an invisible character every 20 characters. Time per MB should stay flat as the size grows.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from pathlib import Path

from checker.normalize import normalize_text

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "yunxi-county-2024.txt"


def _wrapped(text: str) -> str:
    out: list[str] = []
    for para in text.split("\n"):
        while para:
            out.append(para[:36])
            para = para[36:]
            if len(out) % 25 == 0:
                out += [f"— {len(out) // 25} —", "云溪县人民政府"]
    return "\n".join(out)


def _traditional(text: str) -> str:
    import opencc

    return str(opencc.OpenCC("s2t").convert(text))


def _invisible(text: str) -> str:
    return "\u200b".join(text[i:i + 20] for i in range(0, len(text), 20))


KINDS: dict[str, Callable[[str], str]] = {
    "clean": lambda t: t, "pdf copy": _wrapped, "traditional": _traditional, "invisible": _invisible,
}


def main() -> None:
    """Print seconds per MB for each kind and size."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--mb", type=float, action="append")
    sizes = ap.parse_args().mb or [0.1, 1, 5, 20]
    base = SAMPLE.read_text(encoding="utf-8")
    print(f"{'kind':<12} {'MB':>6} {'seconds':>8} {'s/MB':>6}")
    for kind, make in KINDS.items():
        for mb in sizes:
            chars = int(mb * 1e6 / 3)  # Chinese text is about 3 bytes a character in UTF-8
            text = make((base * (chars // len(base) + 1))[:chars])
            t0 = time.perf_counter()
            normalize_text(text)
            dt = time.perf_counter() - t0
            size = len(text.encode("utf-8")) / 1e6
            print(f"{kind:<12} {size:>6.1f} {dt:>8.2f} {dt / size:>6.3f}")


if __name__ == "__main__":
    main()
