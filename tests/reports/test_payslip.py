"""Payslip PDFs read back with pypdf: content, pages, paper, fonts, encryption, refusals."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from pypdf import PasswordType, PdfReader
from pypdf.constants import UserAccessPermissions
from reportlab.lib.pagesizes import A4, A5
from reportlab.pdfbase.pdfmetrics import getRegisteredFontNames

from app.engine.facts import PayLine
from app.money import fmt_money
from app.reports.fonts import BUILTIN_CID_FONT, candidate_files, cjk_font
from app.reports.payslip import (
    MissingPasswords,
    PayslipOptions,
    payslip_filename,
    render_payslips,
)
from app.reports.payslip import write_payslips as write_files
from app.results import AgentResult
from app.services.errors import ServiceError
from app.services.payroll import show_month
from app.services.reports import write_payslips
from db.session import Database
from tests.reports.conftest import MONTH

HAS_SYSTEM_CJK_FONT = bool(candidate_files())


def _text(path_or_bytes: Path | bytes, password: str | None = None) -> list[str]:
    data = path_or_bytes if isinstance(path_or_bytes, bytes) else path_or_bytes.read_bytes()
    reader = PdfReader(io.BytesIO(data))
    if password is not None:
        reader.decrypt(password)
    return [page.extract_text() for page in reader.pages]


def _flat(text: str) -> str:
    """Extracted text without the spaces and line breaks a PDF puts between glyph runs."""
    return "".join(text.split())


def _agents(db: Database) -> list[AgentResult]:
    with db.session_scope() as s:
        return list(show_month(s, MONTH).agents)


def test_one_file_per_agent_with_name_net_and_words(example: Database, tmp_path: Path) -> None:
    with example.session_scope() as s:
        paths = write_payslips(s, MONTH, tmp_path)
    assert [p.name for p in paths] == [
        "2026-10_A001_张三.pdf",
        "2026-10_A002_李四.pdf",
        "2026-10_A003_王五.pdf",
    ]
    assert sorted(p.name for p in tmp_path.iterdir()) == [p.name for p in paths]  # no temp files left
    for path in paths:
        assert len(PdfReader(path).pages) == 1
    page = _flat(_text(paths[0])[0])
    for expected in (
        "张三",
        "A001",
        "接听二组",
        "工资条",
        "7502.04",
        "7522.04",
        "-20.00",
        "柒仟伍佰零贰元零肆分",
        "基本工资",
        "4000.00",
        "销售提成",
        "1987.04",
        "4000.00×18/18",
        "签收",
        "70200.00",
        "102.30",
        "91.67",
    ):
        assert expected in page, expected
    assert "2997.97" in _flat(_text(paths[1])[0]) and "李四" in _flat(_text(paths[1])[0])
    assert "4091.90" in _flat(_text(paths[2])[0]) and "肆仟零玖拾壹元玖角" in _flat(_text(paths[2])[0])


def test_every_pay_line_and_detail_is_printed(example: Database, tmp_path: Path) -> None:
    agents = _agents(example)
    pdf = render_payslips(agents, PayslipOptions(branch_name="测试网点", month=MONTH))
    pages = [_flat(t) for t in _text(pdf)]
    assert len(pages) == 3
    for agent, page in zip(agents, pages, strict=True):
        assert "测试网点" in page
        for line in agent.lines:
            assert line.label in page
            assert fmt_money(line.amount) in page
            # details wrap over several lines; their first words are on the page
            assert _flat(line.detail)[:8].replace("−", "-") in page.replace("−", "-")


def test_combined_file_has_one_page_per_agent(example: Database, tmp_path: Path) -> None:
    with example.session_scope() as s:
        paths = write_payslips(s, MONTH, tmp_path, combined=True)
    assert [p.name for p in paths] == ["2026-10_工资条.pdf"]
    texts = [_flat(t) for t in _text(paths[0])]
    assert len(texts) == 3
    assert "张三" in texts[0] and "李四" in texts[1] and "王五" in texts[2]


def test_one_agent_only(example: Database, tmp_path: Path) -> None:
    with example.session_scope() as s:
        paths = write_payslips(s, MONTH, tmp_path, agent="A002")
    assert [p.name for p in paths] == ["2026-10_A002_李四.pdf"]


def test_unknown_agent_and_uncalculated_month_are_refused(example: Database, tmp_path: Path) -> None:
    with example.session_scope() as s, pytest.raises(ServiceError) as err:
        write_payslips(s, MONTH, tmp_path, agent="Z999")
    assert "Z999" in err.value.message and "Z999" in err.value.message_en
    with example.session_scope() as s, pytest.raises(ServiceError) as err:
        write_payslips(s, "2026-09", tmp_path)
    assert "2026-09" in err.value.message
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(("size", "expected"), [("A4", A4), ("A5", A5), ("a4", A4)])
def test_paper_size_follows_the_setting(
    make_example: Callable[..., Database], tmp_path: Path, size: str, expected: tuple[float, float]
) -> None:
    db = make_example(settings={"payslip_size": size})
    with db.session_scope() as s:
        path = write_payslips(s, MONTH, tmp_path / "out", agent="A001")[0]
    box = PdfReader(path).pages[0].mediabox
    assert (float(box.width), float(box.height)) == pytest.approx(expected, abs=0.5)


def test_encrypted_files_open_only_with_the_agents_password(example: Database, tmp_path: Path) -> None:
    with example.session_scope() as s:
        paths = write_payslips(s, MONTH, tmp_path, encrypt=True)
    assert len(paths) == 3
    reader = PdfReader(paths[0])
    assert reader.is_encrypted
    assert reader.decrypt("wrong") == PasswordType.NOT_DECRYPTED
    assert reader.decrypt("ls-20002") == PasswordType.NOT_DECRYPTED  # another agent's password
    assert reader.decrypt("zs-10001") == PasswordType.USER_PASSWORD
    page = _flat(reader.pages[0].extract_text())
    assert "张三" in page and "7502.04" in page
    assert "王五" in _flat(_text(paths[2], password="ww-30003")[0])
    # printing (also at full quality), copying and accessibility are allowed; changing is not
    encrypt_dict: Any = PdfReader(paths[1]).trailer["/Encrypt"]
    bits = int(encrypt_dict["/P"])
    allowed = (
        UserAccessPermissions.PRINT
        | UserAccessPermissions.PRINT_TO_REPRESENTATION
        | UserAccessPermissions.EXTRACT
        | UserAccessPermissions.EXTRACT_TEXT_AND_GRAPHICS
    )
    forbidden = (
        UserAccessPermissions.MODIFY
        | UserAccessPermissions.ADD_OR_MODIFY
        | UserAccessPermissions.FILL_FORM_FIELDS
        | UserAccessPermissions.ASSEMBLE_DOC
    )
    assert bits & allowed == allowed and not bits & forbidden


def test_encrypted_payslips_are_aes_256_revision_6(example: Database, tmp_path: Path) -> None:
    """PDF 2.0's standard security handler: AES-256 (AESV3) for strings and streams, keys from R6's hash."""
    with example.session_scope() as s:
        paths = write_payslips(s, MONTH, tmp_path, encrypt=True)
    for path in paths:
        reader = PdfReader(path)
        assert reader.pdf_header == "%PDF-2.0"
        encrypt_dict: Any = reader.trailer["/Encrypt"]
        assert encrypt_dict["/Filter"] == "/Standard"
        assert (encrypt_dict["/V"], encrypt_dict["/R"], encrypt_dict["/Length"]) == (5, 6, 256)
        assert encrypt_dict["/StmF"] == encrypt_dict["/StrF"] == "/StdCF"
        assert encrypt_dict["/CF"]["/StdCF"]["/CFM"] == "/AESV3"
        assert all(len(encrypt_dict[key].original_bytes) == 48 for key in ("/O", "/U"))
        assert all(len(encrypt_dict[key].original_bytes) == 32 for key in ("/OE", "/UE"))
    # the owner password is random per file: the same slip written twice has different keys
    with example.session_scope() as s:
        again = write_payslips(s, MONTH, tmp_path / "again", agent="A001", encrypt=True)
    first: Any = PdfReader(paths[0]).trailer["/Encrypt"]
    second: Any = PdfReader(again[0]).trailer["/Encrypt"]
    assert first["/O"].original_bytes != second["/O"].original_bytes
    # the text of an encrypted file is not readable without the key
    raw = paths[0].read_bytes()
    assert "张三".encode("utf-16-be") not in raw and b"A001" not in raw


def test_render_with_password_is_encrypted_and_without_is_not(example: Database) -> None:
    agents = _agents(example)[:1]
    options = PayslipOptions(branch_name="x", month=MONTH)
    plain = PdfReader(io.BytesIO(render_payslips(agents, options)))
    assert not plain.is_encrypted
    locked = PdfReader(io.BytesIO(render_payslips(agents, options, password="12345678")))
    assert locked.is_encrypted
    assert locked.decrypt("1234567") == PasswordType.NOT_DECRYPTED
    assert locked.decrypt("12345678") == PasswordType.USER_PASSWORD
    assert "7502.04" in _flat(locked.pages[0].extract_text())


def test_reportlab_is_not_patched_by_the_app() -> None:
    """The app encrypts through pypdf; no module of it swaps reportlab's own classes process-wide."""
    import importlib

    import reportlab.lib.arciv as arciv

    for module in ("app.reports.encryption", "app.reports.payslip", "app.services.reports", "app.cli"):
        importlib.import_module(module)
    assert arciv.ArcIV.__module__ == "reportlab.lib.arciv" and arciv.ArcIV.__qualname__ == "ArcIV"
    assert arciv.ArcIV(b"Key").encode(b"Plaintext") == bytes.fromhex("bbf316e8d940af0ad3")  # RC4 test vector


def test_encrypt_refused_naming_agents_without_password_and_nothing_written(
    make_example: Callable[..., Database], tmp_path: Path
) -> None:
    db = make_example(passwords={"A001": "secret-pw"})
    out = tmp_path / "out"
    with db.session_scope() as s, pytest.raises(ServiceError) as err:
        write_payslips(s, MONTH, out, encrypt=True)
    message = err.value.message
    assert "A002 李四" in message and "A003 王五" in message and "A001" not in message
    assert "A002" in err.value.message_en and "A003" in err.value.message_en
    assert not out.exists() or list(out.iterdir()) == []
    with db.session_scope() as s:  # the one with a password can still get hers
        assert len(write_payslips(s, MONTH, out, agent="A001", encrypt=True)) == 1


def test_encrypted_combined_file_is_refused(example: Database, tmp_path: Path) -> None:
    with example.session_scope() as s, pytest.raises(ServiceError):
        write_payslips(s, MONTH, tmp_path, encrypt=True, combined=True)
    assert list(tmp_path.iterdir()) == []


def test_report_layer_refuses_missing_passwords_before_writing(example: Database, tmp_path: Path) -> None:
    agents = _agents(example)
    with pytest.raises(MissingPasswords) as err:
        write_files(agents, PayslipOptions(branch_name="x", month=MONTH), tmp_path, passwords={"A001": "p"})
    assert [code for code, _ in err.value.agents] == ["A002", "A003"]
    assert list(tmp_path.iterdir()) == []


def test_builtin_cid_font_fallback_keeps_text_extractable(example: Database) -> None:
    agents = _agents(example)
    pdf = render_payslips(agents[:1], PayslipOptions(branch_name="网点", month=MONTH, builtin_font_only=True))
    assert b"STSong-Light" in pdf
    page = _flat(_text(pdf)[0])
    assert "张三" in page and "7502.04" in page and "柒仟伍佰零贰元零肆分" in page


@pytest.mark.skipif(not HAS_SYSTEM_CJK_FONT, reason="no system CJK font on this machine")
def test_system_font_is_embedded(example: Database) -> None:
    choice = cjk_font()
    assert choice.embedded and choice.name in getRegisteredFontNames()
    pdf = render_payslips(_agents(example)[:1], PayslipOptions(branch_name="网点", month=MONTH))
    assert b"/FontFile2" in pdf  # an embedded TrueType subset
    assert "张三" in _flat(_text(pdf)[0])


def test_unusable_configured_fonts_fall_through(tmp_path: Path) -> None:
    import reportlab

    latin_only = Path(reportlab.__file__).parent / "fonts" / "Vera.ttf"
    garbage = tmp_path / "broken.ttf"
    garbage.write_bytes(b"not a font at all" * 100)
    for configured in (str(latin_only), str(garbage), str(tmp_path / "missing.ttf")):
        choice = cjk_font(configured)
        assert choice.source != configured
        assert choice.name in getRegisteredFontNames()
        assert choice.embedded == HAS_SYSTEM_CJK_FONT or choice.name == BUILTIN_CID_FONT


def test_logo_is_drawn_when_readable_and_ignored_when_not(example: Database, tmp_path: Path) -> None:
    from PIL import Image

    logo = tmp_path / "logo.png"
    Image.new("RGB", (120, 40), (200, 30, 30)).save(logo)
    agents = _agents(example)[:1]
    with_logo = render_payslips(agents, PayslipOptions(branch_name="网点", month=MONTH, logo_path=str(logo)))
    assert b"/Subtype /Image" in with_logo
    broken = tmp_path / "logo.jpg"
    broken.write_text("not an image")
    pdf = render_payslips(agents, PayslipOptions(branch_name="网点", month=MONTH, logo_path=str(broken)))
    assert b"/Subtype /Image" not in pdf
    assert "张三" in _flat(_text(pdf)[0])


def test_long_slip_still_fits_one_page_and_markup_is_literal(example: Database) -> None:
    first = _agents(example)[0]
    extra = tuple(
        PayLine("adjustment", Decimal("1.00"), "其他调整", "Adjustment", f"补发第{i}项：" + "很长的说明文字，" * 12)
        for i in range(40)
    )
    agent = replace(first, name="<b>张&三</b>", lines=first.lines + extra)
    pdf = render_payslips([agent], PayslipOptions(branch_name="网点", month=MONTH, page_size="A5"))
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    assert "<b>张&三</b>" in _flat(reader.pages[0].extract_text())


def test_draft_marking_follows_the_lock(make_example: Callable[..., Database], tmp_path: Path) -> None:
    from app.services.payroll import lock_month

    db = make_example()
    with db.session_scope() as s:
        draft = write_payslips(s, MONTH, tmp_path / "draft", agent="A001")[0]
        lock_month(s, MONTH)
    with db.session_scope() as s:
        final = write_payslips(s, MONTH, tmp_path / "final", agent="A001")[0]
    assert "试算" in _flat(_text(draft)[0])
    assert "试算" not in _flat(_text(final)[0])


def test_file_names_are_safe_on_windows() -> None:
    assert payslip_filename("2026-10", "A001", "张三") == "2026-10_A001_张三.pdf"
    assert payslip_filename("2026-10", "A/2", 'a:b*c?"d<e>f|g.') == "2026-10_A_2_a_b_c_d_e_f_g.pdf"


def test_amounts_on_the_page_equal_the_json(example: Database) -> None:
    agents = _agents(example)
    pages = [_flat(t) for t in _text(render_payslips(agents, PayslipOptions(branch_name="x", month=MONTH)))]
    for agent, page in zip(agents, pages, strict=True):
        for amount in (agent.gross, agent.deductions, agent.net):
            assert fmt_money(amount) in page


# --- two A5 slips on one A4 sheet (2-up) --------------------------------------------------------

HALF = A4[1] / 2  # the cut line: the middle of an A4 landscape sheet
_CUT = re.compile(rb"\[[\d. ]+\] [\d.]+ d\s+(?:n\s+)?([\d.]+) ([\d.]+) m ([\d.]+) ([\d.]+) l S")


def _fragments(page: Any) -> list[tuple[str, float, float]]:
    """The page's text runs with where they start (x, y in points)."""
    out: list[tuple[str, float, float]] = []

    def visit(text: str, cm: list[float], tm: list[float], _font: Any, _size: Any) -> None:
        if text.strip():
            x = cm[0] * tm[4] + cm[2] * tm[5] + cm[4]
            y = cm[1] * tm[4] + cm[3] * tm[5] + cm[5]
            out.append((text.strip(), x, y))

    page.extract_text(visitor_text=visit)
    return out


def _half(fragments: list[tuple[str, float, float]], side: int) -> str:
    return "".join(text for text, x, _y in fragments if (x >= HALF) == bool(side)).replace(" ", "")


def _cut_lines(page: Any) -> list[tuple[float, float, float, float]]:
    data = page.get_contents().get_data()
    return [tuple(float(v) for v in m) for m in _CUT.findall(data)]  # type: ignore[misc]


def test_two_up_combined_file_has_two_slips_per_a4_sheet_and_a_cut_line(
    example: Database, tmp_path: Path
) -> None:
    agents = _agents(example)
    assert len(agents) == 3  # odd: the last sheet's second half stays empty
    with example.session_scope() as s:
        paths = write_payslips(s, MONTH, tmp_path, combined=True, two_up=True)
    reader = PdfReader(paths[0])
    assert len(reader.pages) == 2  # ceil(3 / 2)
    for page in reader.pages:
        box = page.mediabox
        assert (float(box.width), float(box.height)) == pytest.approx((A4[1], A4[0]), abs=0.5)  # A4 landscape
        # one dashed vertical line down the middle of the sheet
        assert [(x1, x2) for x1, _y1, x2, _y2 in _cut_lines(page)] == [pytest.approx((HALF, HALF), abs=0.5)]
        (_x1, y1, _x2, y2) = _cut_lines(page)[0]
        assert abs(y2 - y1) > A4[0] * 0.9
    first, second = (_fragments(p) for p in reader.pages)
    for side, agent in ((0, agents[0]), (1, agents[1])):
        half = _half(first, side)
        assert agent.name in half and fmt_money(agent.net) in half and agent.code in half
    assert agents[1].name not in _half(first, 0) and agents[0].name not in _half(first, 1)
    assert agents[2].name in _half(second, 0) and fmt_money(agents[2].net) in _half(second, 0)
    assert _half(second, 1) == ""  # no slip, not even a footer


def test_each_half_is_laid_out_exactly_as_the_single_a5_slip(example: Database) -> None:
    """Same text at the same place (shifted into its half), long slips shrunk by the same rule."""
    first, second = _agents(example)[:2]
    extra = tuple(
        PayLine("adjustment", Decimal("1.00"), "其他调整", "Adjustment", f"补发第{i}项：" + "很长的说明文字，" * 12)
        for i in range(40)
    )
    agents = [first, replace(second, lines=second.lines + extra)]  # the second one must shrink
    options = PayslipOptions(branch_name="网点", month=MONTH, page_size="A5")
    single = [_fragments(p) for p in PdfReader(io.BytesIO(render_payslips(agents, options))).pages]
    sheet = PdfReader(io.BytesIO(render_payslips(agents, replace(options, two_up=True)))).pages
    assert len(single) == 2 and len(sheet) == 1
    fragments = _fragments(sheet[0])
    left = (HALF - A5[0]) / 2
    for side, expected in enumerate(single):
        offset = side * HALF + left
        got = sorted((t, round(x - offset, 1), round(y, 1)) for t, x, y in fragments if (x >= HALF) == bool(side))
        assert got == sorted((t, round(x, 1), round(y, 1)) for t, x, y in expected)


def test_two_up_paper_setting_applies_to_the_combined_file_only(
    make_example: Callable[..., Database], tmp_path: Path
) -> None:
    db = make_example(settings={"payslip_size": "A5X2"})
    with db.session_scope() as s:
        combined = write_payslips(s, MONTH, tmp_path / "combined", combined=True)[0]
        single = write_payslips(s, MONTH, tmp_path / "single", combined=True, two_up=False)[0]
        own = write_payslips(s, MONTH, tmp_path / "own")
    assert len(PdfReader(combined).pages) == 2
    assert float(PdfReader(combined).pages[0].mediabox.width) == pytest.approx(A4[1], abs=0.5)
    assert len(PdfReader(single).pages) == 3
    assert len(own) == 3  # per-agent files stay one A5 slip each
    for path in [single, *own]:
        for page in PdfReader(path).pages:
            box = page.mediabox
            assert (float(box.width), float(box.height)) == pytest.approx(A5, abs=0.5)
            assert _cut_lines(page) == []
