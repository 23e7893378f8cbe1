"""社保, 公积金 and 个税 in the payroll table: columns of their own in a month with statutory lines,
adding up with the other deductions to 扣款合计; hidden when nobody of the month has any."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.i18n import set_language
from db.session import Database
from tests.statutory.helpers import ID_A, ID_B, add, import_csv, make_db
from ui.models.payroll_table import COLUMN_KEYS
from ui.pages.payroll_page import PayrollPage

pytestmark = pytest.mark.gui

COL = {key: i for i, key in enumerate(COLUMN_KEYS)}
STATUTORY = ("social_insurance", "housing_fund", "income_tax")
DEDUCTIONS = ("absence", "penalties", "other_deductions", *STATUTORY)


def _page(qtbot: QtBot, db: Database) -> PayrollPage:
    set_language("zh")
    page = PayrollPage(db)
    qtbot.addWidget(page)
    page.set_month("2026-01")
    page.resize(1366, 768)
    page.show()
    with qtbot.waitSignal(page.data_changed, timeout=30000):
        assert page.calculate() is not None
    qtbot.waitUntil(lambda: page.op is None)
    return page


def _cell(page: PayrollPage, code: str, key: str) -> Decimal:
    proxy = page.proxy
    for r in range(proxy.rowCount()):
        if proxy.data(proxy.index(r, COL["code"])) == code:
            return Decimal(str(proxy.data(proxy.index(r, COL[key]))))
    raise KeyError(code)


def test_a_statutory_month_shows_three_columns_that_add_up(qtbot: QtBot, tmp_path: Path) -> None:
    db = make_db(tmp_path)
    try:
        add(db, "A", "20000", id_number=ID_A, si_base="10000")
        add(db, "B", "6000", id_number=ID_B)
        add(db, "X", "3000", id_number=None, statutory=False)
        import_csv(db, "adjustments", tmp_path, "code,month,amount,reason\nA,2026-01,-300,借支\n")
        page = _page(qtbot, db)
        headers = {k: page.model.headerData(COL[k], Qt.Orientation.Horizontal) for k in STATUTORY}
        assert headers == {"social_insurance": "社保", "housing_fund": "公积金", "income_tax": "个税"}
        for key in STATUTORY:
            assert not page.table.isColumnHidden(COL[key]) and not page.totals.isColumnHidden(COL[key]), key
        assert (_cell(page, "A", "social_insurance"), _cell(page, "A", "housing_fund")) == (
            Decimal("-1053.00"), Decimal("-700.00"))
        assert _cell(page, "A", "other_deductions") == Decimal("-300.00")  # the statutory lines are not in it
        for code in ("A", "B", "X"):
            assert sum(_cell(page, code, k) for k in DEDUCTIONS) == _cell(page, code, "deductions"), code
            assert _cell(page, code, "gross") + _cell(page, code, "deductions") == _cell(page, code, "net"), code
        assert all(_cell(page, "X", k) == 0 for k in STATUTORY)
        total = Decimal(str(page.totals_model.data(page.totals_model.index(0, COL["income_tax"]))))
        assert total == sum(_cell(page, c, "income_tax") for c in ("A", "B", "X")) < 0
    finally:
        db.dispose()


def test_a_month_without_statutory_lines_hides_the_three_columns(qtbot: QtBot, tmp_path: Path) -> None:
    db = make_db(tmp_path)
    try:
        add(db, "X", "3000", id_number=None, statutory=False)
        add(db, "Y", "4000", id_number=None, statutory=False)
        page = _page(qtbot, db)
        for key in STATUTORY:
            assert page.table.isColumnHidden(COL[key]) and page.totals.isColumnHidden(COL[key]), key
        assert not page.table.isColumnHidden(COL["deductions"])
    finally:
        db.dispose()
