"""OCR of scanned reports: item verdicts against the text version, and time per page.

    python bench/bench_ocr.py [--dpi 200 150] [--pdf tests/fixtures/yunxi-county-2024.pdf]

Makes scans from a report PDF with a text layer (tests/scanbuild.py: each page rendered at the
given dpi, turned by 0.6°, noise, a red seal over the signature, saved as JPEG image pages),
checks the text PDF and each scan, and prints how many of the 35 outline items got a different
status, whether the four required parts and the metadata agree, and seconds per OCR'd page.
Needs the OCR extra (`pip install ".[ocr]"`). Not a test: the figures depend on the machine.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

import scanbuild  # noqa: E402

from checker.api import Checker  # noqa: E402
from checker.read import read_bytes  # noqa: E402


def main() -> None:
    """Scan, OCR and compare; print one markdown row per dpi."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--pdf", type=Path, default=ROOT / "tests" / "fixtures" / "yunxi-county-2024.pdf")
    ap.add_argument("--dpi", type=int, nargs="+", default=[200, 150])
    args = ap.parse_args()
    checker = Checker(time_limit=None)
    text_pdf = args.pdf.read_bytes()
    base = checker.check_document(read_bytes(text_pdf, args.pdf.name, suffix=".pdf"))
    base_items = {i.id: i.status for i in base.items}
    print("| scan | pages | items changed (of 35) | required parts same | agency/year same | s per page (wall) "
          "| CPU s per page |")
    print("|---|---|---|---|---|---|---|")
    for dpi in args.dpi:
        scanned = scanbuild.scan(text_pdf, dpi=dpi)
        import pypdfium2 as pdfium

        pages = len(pdfium.PdfDocument(scanned))
        t, cpu = time.perf_counter(), time.process_time()  # process time: all of ONNX Runtime's threads
        doc = read_bytes(scanned, f"scan-{dpi}.pdf", suffix=".pdf")
        elapsed, cpu = time.perf_counter() - t, time.process_time() - cpu
        r = checker.check_document(doc)
        changed = [i.id for i in r.items if base_items[i.id] != i.status]
        parts_same = [p.present for p in r.required_parts] == [p.present for p in base.required_parts]
        meta_same = (r.metadata.agency.value, r.metadata.year.value) == (base.metadata.agency.value,
                                                                         base.metadata.year.value)
        print(f"| {args.pdf.name} at {dpi} dpi, 0.6°, red seal | {pages} | {len(changed)} {changed or ''} | "
              f"{'yes' if parts_same else 'no'} | {'yes' if meta_same else 'no'} | {elapsed / pages:.1f} | "
              f"{cpu / pages:.1f} |",
              flush=True)


if __name__ == "__main__":
    main()
