"""Fuzz the HTML, DOCX and OFD readers (and the text reader) for a time budget.

    python bench/fuzz_readers.py --seconds 60

Mutates seed documents (bit flips, deletions, duplications) and reads each mutant; anything
other than a clean document or an InputError is a bug and is printed with its seed. With
`atheris` installed (`pip install atheris`), `--atheris` runs a coverage-guided fuzzer on the
same targets instead.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

import ofdbuild  # noqa: E402
from test_properties import HTML_SEED, _docx_seed, mutate  # noqa: E402

from checker.errors import InputError  # noqa: E402
from checker.read import read_bytes  # noqa: E402

TARGETS = {".html": HTML_SEED, ".docx": _docx_seed(),
           ".txt": (ROOT / "samples" / "yunxi-county-2024.txt").read_bytes()[:6000],
           ".ofd": ofdbuild.build((ROOT / "samples" / "yunxi-county-2024.txt").read_text(encoding="utf-8")[:3000])}


def one(suffix: str, data: bytes) -> None:
    """Read one input; only InputError is an acceptable failure."""
    try:
        read_bytes(data, "fuzz" + suffix, suffix=suffix)
    except InputError:
        pass


def main() -> int:
    """Run the fuzzer from the command line; exit 1 if it found a bug."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--seconds", type=float, default=30)
    ap.add_argument("--atheris", action="store_true")
    args = ap.parse_args()
    if args.atheris:
        import atheris

        def test(data: bytes) -> None:
            fdp = atheris.FuzzedDataProvider(data)
            suffix = fdp.PickValueInList(list(TARGETS))
            one(suffix, fdp.ConsumeBytes(fdp.remaining_bytes()))

        atheris.Setup([sys.argv[0], f"-max_total_time={int(args.seconds)}"], test)
        atheris.Fuzz()
        return 0
    rng = random.Random(1)
    deadline = time.time() + args.seconds
    runs = bugs = 0
    while time.time() < deadline:
        suffix = rng.choice(list(TARGETS))
        seed = rng.randrange(2**32)
        try:
            one(suffix, mutate(TARGETS[suffix], seed))
        except Exception:  # reporting bugs is the point
            bugs += 1
            print(f"BUG {suffix} seed={seed}")
            traceback.print_exc()
        runs += 1
    print(f"{runs} inputs in {args.seconds:.0f} s, {bugs} bugs")
    return 1 if bugs else 0


if __name__ == "__main__":
    sys.exit(main())
