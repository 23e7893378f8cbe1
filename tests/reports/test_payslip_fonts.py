"""The payslip font's shared work (issue #13): widths read by character, a batch's files seeded with the same
characters so that their first font subset is cut and compressed once. What a file shows and how its
font objects are written stay exactly reportlab's."""

from __future__ import annotations

import io
import re
import zlib
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from pypdf import PdfReader
from reportlab import rl_config
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont, TTFontFace

from app.i18n import language
from app.reports import payslip
from app.reports.fonts import PayslipTTFont, _CachedSubsetFace, candidate_files, cjk_font
from app.reports.payslip import PayslipOptions, common_characters, render_payslips, seed_source, subset_seed
from app.results import AgentResult
from app.services.payroll import show_month
from db.session import Database
from tests.reports.conftest import MONTH

pytestmark = pytest.mark.skipif(not candidate_files(), reason="no system CJK font on this machine")


@pytest.fixture
def invariant() -> Iterator[None]:
    """Documents without a creation date or random ID, so that two renderings can be compared byte for byte."""
    saved = rl_config.invariant
    rl_config.invariant = 1
    try:
        yield
    finally:
        rl_config.invariant = saved


def _agents(db: Database) -> list[AgentResult]:
    with db.session_scope() as s:
        return list(show_month(s, MONTH).agents)


def _font() -> PayslipTTFont:
    font = pdfmetrics.getFont(cjk_font().name)
    assert isinstance(font, PayslipTTFont) and isinstance(font.face, _CachedSubsetFace)
    return font


def _text(pdf: bytes) -> str:
    return "".join(PdfReader(io.BytesIO(pdf)).pages[0].extract_text().split())


def _font_files(pdf: bytes) -> list[bytes]:
    """The embedded font programs' streams (compressed, as written)."""
    return re.findall(rb"/Length1 \d+.*?stream\n(.*?)endstream", pdf, re.S)


def _first_subset_characters(pdf: bytes) -> str:
    """The characters beyond ASCII of the first font subset, in the order of their codes (its ToUnicode map)."""
    for raw in re.findall(rb"stream\n(.*?)endstream", pdf, re.S):
        try:
            text = zlib.decompress(raw).decode("latin-1")
        except zlib.error:
            continue
        if "beginbfchar" in text:
            pairs = re.findall(r"<([0-9A-F]{2})> <([0-9A-F]{4})>", text)
            return "".join(chr(int(u, 16)) for c, u in pairs if int(c, 16) and int(u, 16) > 127)
    raise AssertionError("no ToUnicode map")


def test_widths_are_reportlabs() -> None:
    font = _font()

    def reportlabs(text: str | bytes, size: float) -> float:
        return float(TTFont.stringWidth(font, text, size))  # reportlab's own sum over the same face

    texts = ["工资条 2026年10月", "实发合计 7502.04", "A", "", "\u2212 ·", "\U0001f600 missing", "工" * 50]
    for text in texts:
        for size in (8.5, 10, 12.75):
            assert font.stringWidth(text, size) == reportlabs(text, size), text
    assert font.stringWidth("工资".encode(), 10) == reportlabs("工资".encode(), 10)

    class Word(str):  # reportlab hands over its split words, a str subclass
        pass

    assert font.stringWidth(Word("工资条"), 9) == reportlabs("工资条", 9)


def test_a_cached_subset_is_written_as_reportlab_writes_it(example: Database, invariant: None) -> None:
    agents = _agents(example)
    options = PayslipOptions(branch_name="网点", month=MONTH)
    seed = subset_seed(seed_source(agents, language()), options)
    render_payslips(agents[:1], options, seed=seed)  # the cache holds this slip's subsets now
    cached = render_payslips(agents[:1], options, seed=seed)
    font = _font()
    font.face._subsets.clear()
    fresh = render_payslips(agents[:1], options, seed=seed)
    assert cached == fresh
    reportlabs = _CachedSubsetFace.addSubsetObjects
    try:
        _CachedSubsetFace.addSubsetObjects = TTFontFace.addSubsetObjects  # type: ignore[method-assign]
        own = render_payslips(agents[:1], options, seed=seed)
    finally:
        _CachedSubsetFace.addSubsetObjects = reportlabs  # type: ignore[method-assign]
    assert own == fresh  # byte for byte what reportlab's own method writes


def test_the_files_of_a_batch_share_their_first_subset(example: Database) -> None:
    agents = _agents(example)
    assert len(agents) >= 3
    options = PayslipOptions(branch_name="网点", month=MONTH)
    seed = subset_seed(seed_source(agents, language()), options)
    assert "工资条" not in seed or all(ch in seed for ch in "工资条")
    seeded = [render_payslips([a], options, seed=seed) for a in agents]
    room = 31 + 128  # the first subset's codes for characters beyond ASCII (1–31, 128–255)
    for pdf in seeded:  # the seed's characters come first, in the seed's order
        assert _first_subset_characters(pdf)[: min(room, len(seed))] == seed[:room]
    # A seed that fills the first subset (a real month's labels and common characters do; the three agents
    # of the worked example print fewer): the first subset is the seed alone, the same in every file.
    glyphs = _font().face.charToGlyph
    full = "".join(sorted(set(seed) | {chr(c) for c in range(0x4E00, 0x5000) if c in glyphs}))[: room + 20]
    assert len({_font_files(render_payslips([a], options, seed=full))[0] for a in agents}) == 1
    plain = [render_payslips([a], options) for a in agents]
    for a, with_seed, without in zip(agents, seeded, plain, strict=True):
        assert _text(with_seed) == _text(without)  # the same page
        assert a.name in _text(with_seed)


def test_the_seed_holds_no_agents_own_text(example: Database) -> None:
    agents = _agents(example)
    lang = language()
    special = replace(agents[0], name="龘靐", team="齉齾")
    line = replace(special.lines[0], detail="爨麤 " + special.lines[0].detail)
    special = replace(special, lines=(line, *special.lines[1:]))
    batch = [special, *agents[1:]]
    common = common_characters(batch, lang)
    seed = subset_seed(seed_source(batch, lang), PayslipOptions(branch_name="网点", month=MONTH))
    for ch in "龘靐齉齾爨麤":
        assert ch not in common and ch not in seed
    assert list(seed) == sorted(seed)  # code point order: no order of anyone's text either
    assert all(ord(ch) > 127 for ch in seed)


def test_a_pooled_batch_is_seeded_like_a_serial_one(example: Database, tmp_path: Path) -> None:
    agents = _agents(example)
    options = PayslipOptions(branch_name="网点", month=MONTH)
    serial = payslip.write_payslips(agents, options, tmp_path / "serial", workers=1)
    pooled = payslip.write_payslips(agents, options, tmp_path / "pooled", workers=2)
    for a, b in zip(serial, pooled, strict=True):
        first_a, first_b = _font_files(a.read_bytes())[0], _font_files(b.read_bytes())[0]
        assert first_a == first_b
        assert _text(a.read_bytes()) == _text(b.read_bytes())
