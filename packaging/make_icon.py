"""Draw the BranchPay icon (``packaging/icons/branchpay.ico`` and ``.png``) with Pillow.

Run once when the artwork changes; the generated files are committed so that a build
machine needs no Pillow:  ``.venv/bin/python packaging/make_icon.py``.

A placeholder until a designer supplies real artwork: a teal rounded square with a
white "¥" coin, readable from 16 px (taskbar) to 256 px (installer, Explorer "large icons").
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ICON_DIR = HERE / "icons"
SIZES = (16, 20, 24, 32, 40, 48, 64, 128, 256)
TEAL = (0, 121, 107, 255)
WHITE = (255, 255, 255, 255)


def draw(size: int = 256):  # -> PIL.Image.Image (Pillow is imported lazily: optional at build time)
    from PIL import Image, ImageDraw

    scale = 4  # draw large, then downsample: smooth edges without anti-aliasing support
    big = size * scale
    img = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    pad = big // 16
    d.rounded_rectangle((pad, pad, big - pad, big - pad), radius=big // 5, fill=TEAL)
    ring = big // 5
    d.ellipse((ring, ring, big - ring, big - ring), outline=WHITE, width=max(big // 22, 1))
    # The yen sign drawn as strokes: Pillow's built-in font has no "¥" glyph.
    w = max(big // 16, 1)
    c = big / 2
    top, mid, bottom, arm = big * 0.33, big * 0.52, big * 0.70, big * 0.13
    d.line((c - arm, top, c, mid), fill=WHITE, width=w)
    d.line((c + arm, top, c, mid), fill=WHITE, width=w)
    d.line((c, mid, c, bottom), fill=WHITE, width=w)
    for y in (mid + w * 0.2, mid + w * 1.6):
        d.line((c - arm * 0.8, y, c + arm * 0.8, y), fill=WHITE, width=max(w * 2 // 3, 1))
    return img.resize((size, size), Image.Resampling.LANCZOS)


def main() -> int:
    ICON_DIR.mkdir(parents=True, exist_ok=True)
    master = draw(256)
    master.save(ICON_DIR / "branchpay.png")
    master.save(ICON_DIR / "branchpay.ico", sizes=[(s, s) for s in SIZES])
    print(f"wrote {ICON_DIR / 'branchpay.ico'} and {ICON_DIR / 'branchpay.png'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
