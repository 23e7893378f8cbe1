"""奖惩公示 (docs/pay-rules.md §11): read back from the real PDF (pdftotext) and xlsx (openpyxl)."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

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
