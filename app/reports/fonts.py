"""Finding a font that can print Chinese on a payslip.

A PDF made with reportlab's default Helvetica shows every Chinese character as a box, so the
payslip needs a CJK font. Preference order (DESIGN.md):

1. the TTF/TTC file configured in the settings (``payslip_font``) — the branch's own choice;
2. a Windows system font (Microsoft YaHei, SimHei, SimSun) — present on every office PC;
3. a Linux CJK font (WenQuanYi, Noto/Source Han, AR PL) — for tests and Linux desktops;
4. reportlab's built-in CID font ``STSong-Light`` — always available, not embedded (the reader
   supplies the glyphs), still extractable text.

A candidate is used only when reportlab can load it *and* it has glyphs for the payslip's
Chinese words: a configured Latin-only TTF or a CFF-flavoured Noto ``.ttc`` (which reportlab
cannot read) is skipped rather than producing boxes or a crash. Registration is done once per
process and cached, because parsing a 15 MB TTC for every payslip would ruin the speed target.
"""

from __future__ import annotations

import logging
import os
import sys
import zlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from reportlab.pdfbase import pdfdoc, pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import FF_NONSYMBOLIC, FF_SYMBOLIC, TTFont, TTFontFace

log = logging.getLogger(__name__)

BUILTIN_CID_FONT = "STSong-Light"
# Characters every payslip prints; a font without them is no use.
_PROBE = "工资条实发合计张王李赵壹贰叁元角分"

# (path, subfont index) — a .ttc holds several faces; index 0 is the regular one for these.
WINDOWS_FONTS: tuple[tuple[str, int], ...] = (
    ("msyh.ttc", 0),
    ("msyh.ttf", 0),
    ("simhei.ttf", 0),
    ("simsun.ttc", 0),
    ("simsun.ttf", 0),
)
LINUX_FONTS: tuple[tuple[str, int], ...] = (
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
    ("/usr/share/fonts/wenquanyi/wqy-microhei/wqy-microhei.ttc", 0),
    ("/usr/share/fonts/wqy-microhei/wqy-microhei.ttc", 0),
    ("/usr/share/fonts/truetype/arphic/uming.ttc", 0),
    ("/usr/share/fonts/truetype/arphic/ukai.ttc", 0),
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2),
    ("/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc", 2),
    ("/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc", 2),
    ("/usr/share/fonts/truetype/noto/NotoSansSC-Regular.ttf", 0),
    ("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf", 0),
)
MAC_FONTS: tuple[tuple[str, int], ...] = (
    ("/System/Library/Fonts/PingFang.ttc", 0),
    ("/System/Library/Fonts/STHeiti Light.ttc", 0),
    ("/Library/Fonts/Arial Unicode.ttf", 0),
)


# Characters the built-in CID font's Unicode map (UniGB-UCS2-H) lacks, with look-alikes it has;
# the pay-line details use "−" (U+2212) for negative amounts.
CID_SUBSTITUTES = str.maketrans({"\u2212": "-", "\u00b7": "\u30fb", "\u2022": "\u30fb", "\u00a0": " "})


@dataclass(frozen=True)
class FontChoice:
    """The font registered for payslips: its reportlab name and where it came from."""

    name: str
    source: str  # a file path, or BUILTIN_CID_FONT
    embedded: bool  # True for a TTF (subset embedded in the PDF); False for the CID font


def candidate_files(configured: str = "") -> list[tuple[Path, int]]:
    """Font files to try, best first; only those that exist."""
    out: list[tuple[Path, int]] = []
    if configured.strip():
        path = Path(configured.strip()).expanduser()
        if not path.is_file():
            log.warning("configured payslip font %s not found; using a system font", path)
        out.append((path, 0))
    windir = os.environ.get("WINDIR") or os.environ.get("SYSTEMROOT") or r"C:\Windows"
    if sys.platform == "win32" or Path(windir).exists():
        out.extend((Path(windir) / "Fonts" / name, index) for name, index in WINDOWS_FONTS)
        local = os.environ.get("LOCALAPPDATA")
        if local:  # fonts installed "for this user only" on Windows 10+
            out.extend(
                (Path(local) / "Microsoft" / "Windows" / "Fonts" / name, index)
                for name, index in WINDOWS_FONTS
            )
    out.extend((Path(p), index) for p, index in LINUX_FONTS)
    out.extend((Path(p), index) for p, index in MAC_FONTS)
    return [(p, i) for p, i in out if p.is_file()]


SUBSET_CACHE_SIZE = 32
"""Font subsets a process keeps (compressed, ~20–30 KiB each) for the next documents that embed the same one."""


class _CachedSubsetFace(TTFontFace):
    """The face of a :class:`PayslipTTFont`: a subset (the same characters in the same order) that an
    earlier document of this process embedded is embedded again from its compressed bytes instead of
    being cut out of the font file and compressed again. A batch of payslips seeds every document with
    the same characters (:meth:`PayslipTTFont.seed`), so their first subset is the same; cutting and
    compressing it was a third of each payslip's rendering time.

    :meth:`addSubsetObjects` writes what reportlab's own does (tests/reports/test_payslip_fonts.py
    compares the bytes), with the font file's bytes taken from the cache."""

    _subsets: dict[tuple[tuple[int, ...], bool], tuple[int, bytes]]

    def _font_file(self, subset: list[int], compressed: bool) -> tuple[int, bytes]:
        key = (tuple(subset), compressed)
        found = self._subsets.get(key)
        if found is None:
            data = self.makeSubset(subset)
            found = (len(data), pdfdoc.PDFZCompress.encode(data) if compressed else data)
            if len(self._subsets) >= SUBSET_CACHE_SIZE:
                self._subsets.clear()
            self._subsets[key] = found
        return found

    def addSubsetObjects(self, doc: Any, fontname: str, subset: list[int]) -> Any:  # noqa: N802 - reportlab's name
        length, content = self._font_file(subset, bool(doc.compression))
        fontFile = pdfdoc.PDFStream()  # noqa: N806 - as in reportlab's method
        fontFile.content = content
        fontFile.dictionary["Length1"] = length
        if doc.compression:  # already applied: the stream is written as it is, its filter named
            fontFile.dictionary["Filter"] = pdfdoc.PDFArray([pdfdoc.PDFName(pdfdoc.PDFZCompress.pdfname)])
        fontFileRef = doc.Reference(fontFile, f"fontFile:{self.filename}({fontname})")  # noqa: N806

        flags = self.flags & ~FF_NONSYMBOLIC
        flags = flags | FF_SYMBOLIC
        fontDescriptor = pdfdoc.PDFDictionary({  # noqa: N806
            "Type": "/FontDescriptor",
            "Ascent": self.ascent,
            "CapHeight": self.capHeight,
            "Descent": self.descent,
            "Flags": flags,
            "FontBBox": pdfdoc.PDFArray(self.bbox),
            "FontName": pdfdoc.PDFName(fontname),
            "ItalicAngle": self.italicAngle,
            "StemV": self.stemV,
            "FontFile2": fontFileRef,
            "MissingWidth": self.defaultWidth,
        })
        return doc.Reference(fontDescriptor, "fontDescriptor:" + fontname)


class PayslipTTFont(TTFont):
    """reportlab's TrueType font with a quicker ``stringWidth``: the same sum of the same widths, in the
    same order (so the same floats), read from a dictionary keyed by character instead of converting
    every character with ``ord`` in a generator. Wrapping a Chinese paragraph measures it one character
    at a time (hundreds of calls a payslip), which without reportlab's C accelerator was a quarter of
    the rendering time."""

    def __init__(self, name: str, filename: str, subfontIndex: int = 0) -> None:  # noqa: N803 - reportlab's name
        super().__init__(name, filename, subfontIndex=subfontIndex)
        self._widths: dict[str, float] = {}
        self.face.__class__ = _CachedSubsetFace  # the same face, with the subset cache (reportlab builds it)
        self.face._subsets = {}

    last_characters: frozenset[int] = frozenset()
    """The characters (code points) the last document finished with this font printed."""

    def addObjects(self, doc: Any) -> None:  # noqa: N802 - reportlab's name
        state = self.state.get(doc)
        if state is not None:
            self.last_characters = frozenset(state.assignments)
        super().addObjects(doc)

    def seed(self, doc: Any, text: str) -> None:
        """Give ``text``'s characters their codes in ``doc`` before anything is drawn, in this order: every
        document seeded with the same text starts with the same subset, which :class:`_CachedSubsetFace`
        embeds from its cache. Characters the document then draws get the next codes as usual."""
        if text:
            self.splitString(text, doc)

    def stringWidth(self, text: str | bytes, size: float, encoding: str = "utf8") -> float:  # noqa: N802
        if not isinstance(text, str):  # (reportlab passes str subclasses too: its split words)
            text = text.decode(encoding or "utf8")
        widths = self._widths
        try:
            total = sum(map(widths.__getitem__, text))  # type: ignore[arg-type]
        except KeyError:
            known, default = self.face.charWidths, self.face.defaultWidth
            for ch in text:
                if ch not in widths:
                    widths[ch] = known.get(ord(ch), default)
            total = sum(map(widths.__getitem__, text))  # type: ignore[arg-type]
        return 0.001 * size * total


def _load_ttf(name: str, path: Path, index: int) -> TTFont | None:
    """The font, or ``None`` when reportlab cannot read it or it lacks Chinese glyphs."""
    try:
        font = PayslipTTFont(name, str(path), subfontIndex=index)
    except Exception as exc:  # noqa: BLE001 - reportlab raises several kinds (TTFError, struct.error, …)
        log.info("font %s not usable: %s", path, exc)
        return None
    glyphs = font.face.charToGlyph
    if not all(ord(ch) in glyphs for ch in _PROBE):
        log.info("font %s lacks Chinese glyphs; skipped", path)
        return None
    return font


@lru_cache(maxsize=8)
def cjk_font(configured: str = "", *, allow_system: bool = True) -> FontChoice:
    """Register and return the best available CJK font (cached: registered once per process).

    ``allow_system=False`` skips every file and gives the built-in CID font; the tests use it
    to prove that fallback works on a machine that has system fonts.
    """
    if allow_system:
        for path, index in candidate_files(configured):
            name = f"BranchPayCJK-{path.stem}-{index}-{zlib.crc32(str(path).encode()):08x}"
            font = _load_ttf(name, path, index)
            if font is not None:
                pdfmetrics.registerFont(font)
                return FontChoice(name=name, source=str(path), embedded=True)
    if BUILTIN_CID_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(BUILTIN_CID_FONT))
    return FontChoice(name=BUILTIN_CID_FONT, source=BUILTIN_CID_FONT, embedded=False)
