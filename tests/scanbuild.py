"""Make a "scanned" PDF from a PDF with a text layer, as an office scanner would.

Each page is rendered at `dpi`, turned by a small angle (a sheet never lies straight), given a
red seal over the signature on the last page and a little noise, and saved as a JPEG image
page: the result has no text layer at all. Needs Pillow and NumPy (both come with the OCR
extra).
"""

from __future__ import annotations

import io
import math
import random


def seal(draw: object, cx: float, cy: float, radius: float) -> None:
    """A red official seal: a thick ring, an inner ring and a five-pointed star."""
    red = (215, 30, 35)
    d = draw
    d.ellipse([cx - radius, cy - radius, cx + radius, cy + radius], outline=red, width=int(radius * 0.07))  # type: ignore[attr-defined]
    r2 = radius * 0.82
    d.ellipse([cx - r2, cy - r2, cx + r2, cy + r2], outline=red, width=max(2, int(radius * 0.015)))  # type: ignore[attr-defined]
    star = []
    for k in range(10):
        r = radius * (0.32 if k % 2 == 0 else 0.13)
        a = -math.pi / 2 + k * math.pi / 5
        star.append((cx + r * math.cos(a), cy + r * math.sin(a)))
    d.polygon(star, fill=red)  # type: ignore[attr-defined]


def scan(pdf_bytes: bytes, *, dpi: int = 200, angle: float = 0.6, seed: int = 7, pages: int | None = None,
         keep: float = 1.0) -> bytes:
    """The scanned version of `pdf_bytes` (no text layer): its first `pages`, the top `keep` of each."""
    import numpy as np
    import pypdfium2 as pdfium
    from PIL import Image, ImageDraw

    rng = random.Random(seed)
    src = pdfium.PdfDocument(pdf_bytes)
    images = []
    n_pages = min(len(src), pages or len(src))
    for n in range(n_pages):
        page = src[n]
        img = page.render(scale=dpi / 72).to_pil().convert("RGB")
        page.close()
        if keep < 1.0:
            img = img.crop((0, 0, img.size[0], int(img.size[1] * keep)))
        img = img.rotate(angle * (1 if n % 2 == 0 else -1), resample=Image.BICUBIC, expand=False,
                         fillcolor=(255, 255, 255))
        if n == n_pages - 1:  # the seal sits over the signature and date at the end of the report
            dark = np.asarray(img.convert("L")) < 128
            rows = np.nonzero(dark.any(axis=1))[0]
            bottom = int(rows[-1]) if len(rows) else img.size[1] // 2
            cols = np.nonzero(dark[max(0, bottom - dpi // 2):bottom + 1].any(axis=0))[0]
            cx = (int(cols[0]) + int(cols[-1])) / 2 if len(cols) else img.size[0] * 0.7
            seal(ImageDraw.Draw(img), cx, bottom - dpi * 0.15, dpi * 0.8)
        arr = np.asarray(img).astype("int16")
        noise = np.random.default_rng(rng.randrange(1 << 30)).integers(-12, 12, arr.shape[:2])[..., None]
        arr = np.clip(arr + noise, 0, 255).astype("uint8")
        images.append(Image.fromarray(arr))
    src.close()
    out = io.BytesIO()
    images[0].save(out, "PDF", resolution=float(dpi), save_all=True, append_images=images[1:], quality=80)
    return out.getvalue()
