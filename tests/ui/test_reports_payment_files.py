"""报表 page: the bank and tax file buttons work only for a locked month; the bank file names a paid agent
without an account; a good export writes the file the command line writes."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from pytestqt.qtbot import QtBot

from app.services.payroll import lock_month
from db.session import Database
from tests.statutory.helpers import ID_A, add, make_db, run
from tests.ui.test_reports_page import Recorder, make_page

pytestmark = pytest.mark.gui


@pytest.fixture
def statutory_db(tmp_path: Path):  # type: ignore[no-untyped-def]
    db = make_db(tmp_path)
    add(db, "A", "20000", id_number=ID_A, si_base="10000", account="6222020200012345678", bank="工商银行")
    add(db, "B", "4000", id_number=None, statutory=False)
    run(db, "2026-01", lock=False)
    yield db
    db.dispose()


def test_buttons_wait_for_the_lock_then_export(qtbot: QtBot, statutory_db: Database, tmp_path: Path) -> None:
    recorder = Recorder(save_as=tmp_path / "bank.xlsx")
    page = make_page(qtbot, statutory_db, recorder)
    page.set_month("2026-01")
    assert not page.bank_button.isEnabled() and not page.tax_button.isEnabled()
    with statutory_db.session_scope() as s:
        lock_month(s, "2026-01")
    page.refresh()
    assert page.bank_button.isEnabled() and page.tax_button.isEnabled()
    assert page.export_bank_file() is None  # B is paid and has no account
    assert "B" in page.payment_result.text() and not (tmp_path / "bank.xlsx").exists()
    page.message = None
    recorder.save_as = tmp_path / "tax.xlsx"
    assert page.export_tax_file() == tmp_path / "tax.xlsx"
    rows = list(openpyxl.load_workbook(tmp_path / "tax.xlsx").active.iter_rows(values_only=True))  # type: ignore[union-attr]
    assert rows[1][:4] == ("A", "员工A", "居民身份证", ID_A)
    assert Decimal(str(rows[1][4])) == Decimal("20000")
    assert recorder.suggested[-2:] == ["银行代发-2026-01.xlsx", "个税扣缴申报-2026-01.xlsx"]


def test_payroll_page_shows_the_selected_agents_tax_year(qtbot: QtBot, statutory_db: Database) -> None:
    from ui.pages.payroll_page import PayrollPage

    page = PayrollPage(statutory_db)
    qtbot.addWidget(page)
    page.set_month("2026-01")
    page.show()
    index = page.tabs.indexOf(page.tax_year_panel)
    assert page.tabs.isTabVisible(index)
    assert page.select_code("A")
    table = page.tax_year_panel.table
    assert table.rowCount() == 1
    texts = [table.item(0, j).text() for j in range(table.columnCount())]  # type: ignore[union-attr]
    assert texts[0] == "2026-01" and texts[-1] == "397.41" and "13247.00" in texts
    assert page.select_code("B")  # statutory no: no tax figures
    assert page.tax_year_panel.table.rowCount() == 0
