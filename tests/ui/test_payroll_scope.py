"""Schema 2 (docs/pay-rules.md §7.3): the payroll page names the selected agent's scope."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from app.services.plans import save_plan
from db.session import Database
from tests.ui.test_payroll_page import MONTH, calculate, page, recorder  # noqa: F401
from ui.pages.payroll_page import PayrollPage

ROOT = Path(__file__).resolve().parents[2]


def _calculate_with_a_scope(qtbot: QtBot, db: Database, payroll: PayrollPage) -> None:
    """The default plan as schema 2 with a 回访方案 scope for 电话回访岗 (A002), and the month calculated."""
    text = (ROOT / "resources" / "default_plan.toml").read_text(encoding="utf-8")
    scope = '\n[[scopes]]\ncode = "callback"\nname = "回访方案"\nroles = ["电话回访岗"]\n'
    with db.session_scope() as s:
        save_plan(s, text.replace("schema = 1", "schema = 2") + scope, source="v2.toml")
    payroll.set_month(MONTH)
    calculate(qtbot, payroll)


def test_the_heading_names_the_scope(qtbot: QtBot, example_db: Database, page: PayrollPage) -> None:  # noqa: F811
    _calculate_with_a_scope(qtbot, example_db, page)
    assert page.select_code("A002")
    assert page.detail.heading.text().endswith("岗位方案：回访方案（callback）")
    assert page.select_code("A001")
    assert "岗位方案" not in page.detail.heading.text()


def test_the_team_cell_tip_names_the_scope(qtbot: QtBot, example_db: Database, page: PayrollPage) -> None:  # noqa: F811
    from PySide6.QtCore import Qt

    from ui.models.payroll_table import COLUMN_KEYS

    _calculate_with_a_scope(qtbot, example_db, page)
    model = page.proxy.source()
    tips = {
        model.row(r).code: model.data(model.index(r, COLUMN_KEYS.index("team")), Qt.ItemDataRole.ToolTipRole)
        for r in range(model.rowCount())
    }
    assert tips == {
        "A001": "接听二组",
        "A002": "回访一组\n岗位方案：回访方案（callback）",
        "A003": "咨诉三组",
    }
