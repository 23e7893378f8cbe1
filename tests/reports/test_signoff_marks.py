"""§10 on paper: 草稿 on every page and sheet before approval; the approved payslip and summary name the signers."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import openpyxl
from pypdf import PdfReader

from app.services import payroll, signoff, users
from app.services.reports import export_summary, write_payslips
from db.session import Database
from tests.reports.conftest import MONTH

PW = "long enough pw"


def _pages(path: Path) -> list[str]:
    return ["".join((p.extract_text() or "").split()) for p in PdfReader(io.BytesIO(path.read_bytes())).pages]


def test_every_page_of_a_draft_says_draft_and_the_approved_file_names_the_signers(
    make_example: Callable[..., Database], tmp_path: Path
) -> None:
    db = make_example()
    with db.session_scope(write=True) as s:
        users.add_user(s, "boss", PW, ["admin", "clerk"])
    db.acting_user = "boss"
    with db.session_scope(write=True) as s:
        users.add_user(s, "alan", PW, ["approver"])
        payroll.calculate_month(s, MONTH)
    with db.session_scope() as s:
        (combined,) = write_payslips(s, MONTH, tmp_path / "draft", combined=True, two_up=False)
        sheet_file = export_summary(s, MONTH, tmp_path / "draft.xlsx")
    pages = _pages(combined)
    assert len(pages) >= 3 and all("草稿" in p for p in pages)
    book = openpyxl.load_workbook(sheet_file)
    # the printed header of every sheet (it repeats on every printed page)
    assert all("草稿" in str(ws.oddHeader.center.text) for ws in book.worksheets)

    db.acting_user = "alan"
    with db.session_scope(write=True) as s:
        signoff.sign(s, MONTH, "approve", "ok")
    with db.session_scope() as s:
        (slip,) = write_payslips(s, MONTH, tmp_path / "final", agent="A001")
        final_book = export_summary(s, MONTH, tmp_path / "final.xlsx")
    (page,) = _pages(slip)
    assert "草稿" not in page and "签批：alan" in page
    book = openpyxl.load_workbook(final_book)
    assert not any("草稿" in str(ws.oddHeader.center.text) for ws in book.worksheets)
    cells = {str(c.value) for row in book.worksheets[0].iter_rows() for c in row if c.value is not None}
    assert {"alan", "boss"} <= cells  # 批准 alan, 制表 boss (who calculated)
