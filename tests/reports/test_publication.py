"""奖惩公示 (docs/pay-rules.md §11): read back from the real PDF (pdftotext) and xlsx (openpyxl)."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from sqlalchemy import update

from app.services.errors import ServiceError
from app.services.payroll import calculate_month, lock_month
from app.services.publication import export_publication
from db.models import PlanVersion
from db.session import Database

MONTH = "2026-10"
NETS = ("7502.04", "2997.97", "4091.90", "14591.91")  # the worked example's nets and their total
SALARIES = ("4000.00", "3500.00", "4200.00", "2138.89")

needs_pdftotext = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) missing")


def _locked(make_example: Callable[..., Database], show_amounts: bool = False) -> Database:
    db = make_example()
    with db.session_scope(write=True) as s:
        if show_amounts:
            for v in s.query(PlanVersion).all():
                s.execute(update(PlanVersion).where(PlanVersion.id == v.id)
                          .values(toml_text=v.toml_text.replace("schema = 1", "schema = 2", 1)
                                  + "\n[publication]\nshow_amounts = true\n"))
            calculate_month(s, MONTH)  # the plan changed since the calculation
        lock_month(s, MONTH)
    return db


def _pdf_text(path: Path) -> str:
    """The PDF's text with all white space removed (layout spacing and line wraps are not content)."""
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return re.sub(r"\s+", "", text)


@needs_pdftotext
def test_pdf_lists_awards_and_penalties_without_pay(make_example: Callable[..., Database], tmp_path: Path) -> None:
    db = _locked(make_example)
    out = tmp_path / "公示.pdf"
    with db.session_scope() as s:
        export_publication(s, MONTH, out)
    text = _pdf_text(out)
    for word in ("奖惩公示", "张三", "A001", "月度优秀奖", "客户表扬奖", "王五", "A003", "投诉", "市级投诉 1 次",
                 "考勤", "迟到 3 次", "空岗 2 次", "旷工 1 天", "质检致命差错", "2026年11月7日", "制表", "审核", "负责人"):
        assert word.replace(" ", "") in text, word
    assert "李四" not in text  # no award, no penalty
    for amount in (*NETS, *SALARIES, "300.00", "100.00", "230.00"):
        assert amount not in text, amount  # no pay, and no amounts unless show_amounts


@needs_pdftotext
def test_amounts_only_when_the_plan_says_so(make_example: Callable[..., Database], tmp_path: Path) -> None:
    db = _locked(make_example, show_amounts=True)
    out = tmp_path / "notice.pdf"
    with db.session_scope() as s:
        export_publication(s, MONTH, out)
    text = _pdf_text(out)
    for amount in ("300.00", "20.00", "100.00", "230.00", "200.00"):
        assert amount in text, amount
    for amount in (*NETS, *SALARIES):
        assert amount not in text, amount


def test_xlsx_has_the_same_content(make_example: Callable[..., Database], tmp_path: Path) -> None:
    db = _locked(make_example)
    out = tmp_path / "notice.xlsx"
    with db.session_scope() as s:
        export_publication(s, MONTH, out)
    ws = openpyxl.load_workbook(out).worksheets[0]
    assert ws.title == "公示"
    cells = [str(c) for row in ws.iter_rows(values_only=True) for c in row if c is not None]
    rows = [tuple(r) for r in ws.iter_rows(values_only=True)]
    assert ("A001", "张三", "月度优秀奖", None) in [r[:4] for r in rows]
    assert ("A003", "王五", "投诉", "市级投诉 1 次") in [r[:4] for r in rows]
    assert any("2026-11-07" in c for c in cells)
    assert not any(n in c for c in cells for n in NETS)


def test_only_a_locked_month(make_example: Callable[..., Database], tmp_path: Path) -> None:
    db = make_example()
    with db.session_scope() as s, pytest.raises(ServiceError) as caught:
        export_publication(s, MONTH, tmp_path / "x.pdf")
    assert "locked month only" in caught.value.text("en")
    assert not (tmp_path / "x.pdf").exists()


def _values(ws: Any) -> list[tuple[Any, ...]]:
    """A sheet's rows as values, "" read as empty and trailing empty cells dropped (the two writers pad
    rows differently; the content is what counts)."""
    out = []
    for row in ws.iter_rows(values_only=True):
        cells = [None if v == "" else v for v in row]
        while cells and cells[-1] is None:
            cells.pop()
        out.append(tuple(cells))
    while out and not out[-1]:
        out.pop()
    return out


def test_the_summary_workbooks_notice_sheet_is_the_publication(
    make_example: Callable[..., Database], tmp_path: Path
) -> None:
    """The Excel summary's 公示 sheet carries the same notice as 报表 → 公示… (awards, upheld penalties, the
    appeal window's closing date, no pay); the KPI ranking stays on its own sheet, 绩效排名."""
    from app.services.reports import export_summary

    db = _locked(make_example, show_amounts=True)
    with db.session_scope() as s:
        export_publication(s, MONTH, tmp_path / "notice.xlsx")
        export_summary(s, MONTH, tmp_path / "summary.xlsx")
    notice = _values(openpyxl.load_workbook(tmp_path / "notice.xlsx")["公示"])
    book = openpyxl.load_workbook(tmp_path / "summary.xlsx")
    sheet = _values(book["公示"])
    assert sheet == notice
    cells = [str(c) for row in sheet for c in row if c is not None]
    assert ("A003", "王五", "投诉", "市级投诉 1 次") in [r[:4] for r in sheet]
    assert ("A001", "张三", "月度优秀奖") in [r[:3] for r in sheet]
    assert any("申诉截止日期：2026-11-07" in c for c in cells) and any("2026年11月7日" in c for c in cells)
    assert not any(n in c for c in cells for n in (*NETS, *SALARIES))
    assert book.sheetnames.index("公示") < book.sheetnames.index("绩效排名")
    assert book["绩效排名"]["E1"].value == "绩效得分"


def test_a_month_not_locked_has_no_notice_in_the_summary_yet(
    make_example: Callable[..., Database], tmp_path: Path
) -> None:
    from app.services.reports import export_summary

    db = make_example()
    with db.session_scope() as s:
        export_summary(s, MONTH, tmp_path / "summary.xlsx")
    sheet = _values(openpyxl.load_workbook(tmp_path / "summary.xlsx")["公示"])
    assert sheet[1][0].startswith("本月尚未锁定") and len(sheet) == 2
    assert not any("A001" in str(c) for row in sheet for c in row)
