"""The plan page's 试算 window on the demo branch: the unsaved draft and TOML drafts against chosen months."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import openpyxl
import pytest
from PySide6.QtCharts import QBarSeries
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.services.demo import demo_months
from app.services.plans import export_plan
from db.session import Database
from tests.db_fingerprint import fingerprint
from ui.dialogs.simulation_dialog import SimulationDialog
from ui.pages.plan_page import PlanPage

from .loading import loaded

pytestmark = pytest.mark.gui
MONTHS = demo_months()


def _page(qtbot: QtBot, db: Database) -> PlanPage:
    page = PlanPage(db)
    qtbot.addWidget(page)
    page.set_month(MONTHS[-1])
    page.resize(1200, 800)
    page.show()
    return page


def _changes(dialog: SimulationDialog, column: int) -> list[str]:
    items = [dialog.table.item(r, column) for r in range(dialog.table.rowCount())]
    return [item.text() if item is not None else "" for item in items]


def _tables(db: Path) -> list[str]:
    with sqlite3.connect(db) as conn:
        return [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]


def test_the_plan_in_force_changes_nothing_then_a_toml_draft_side_by_side(
    qtbot: QtBot, demo_db: Database, tmp_path: Path
) -> None:
    tables = _tables(demo_db.path)
    before = fingerprint(demo_db.path, tables)
    page = _page(qtbot, demo_db)
    qtbot.mouseClick(page.simulate_button, Qt.MouseButton.LeftButton)
    dialog = page.simulation
    assert dialog is not None and dialog.isVisible()
    assert dialog.chosen_months() == [MONTHS[-1]]
    dialog.set_months(MONTHS)
    qtbot.mouseClick(dialog.run_button, Qt.MouseButton.LeftButton)
    loaded(dialog)
    assert dialog.view.count() == 4  # all months, then each month
    heads = [getattr(dialog.table.horizontalHeaderItem(c), "text", str)() for c in range(dialog.table.columnCount())]
    assert len(heads) == 5 and heads[:3] == ["工号", "姓名", "原实发"]
    assert set(_changes(dialog, 4)) == {"0.00"}
    assert "增加 0 人，减少 0 人" in dialog.summary.text()

    with demo_db.session_scope() as s:
        text = export_plan(s, MONTHS[0])
    rich = tmp_path / "rich.toml"
    rich.write_text(text.replace("rate = 0.02", "rate = 0.03", 1).replace('name = "', 'name = "草稿 ', 1),
                    encoding="utf-8")
    dialog.ask_open_file = lambda: rich  # type: ignore[method-assign]
    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    assert dialog.draft_list.count() == 2
    qtbot.mouseClick(dialog.run_button, Qt.MouseButton.LeftButton)
    loaded(dialog)
    assert dialog.table.columnCount() == 7  # side by side: each draft's net and change
    rich_changes = _changes(dialog, 6)
    assert set(_changes(dialog, 4)) == {"0.00"}
    assert any(c.startswith("+") for c in rich_changes) and not any(c.startswith("-") for c in rich_changes)
    assert "变化最大：" in dialog.summary.text()  # the rich draft's largest changes, the same draft none
    assert dialog.summary.text().count("变化最大：") == 1
    dialog.view.setCurrentIndex(1)  # one month
    assert dialog.table.rowCount() == len(dialog.simulation.months[0].plans[0].agents) + 1  # type: ignore[union-attr]
    (series,) = dialog.chart.chart().series()
    assert isinstance(series, QBarSeries) and series.count() == 2  # one bar set per draft
    assert sum(series.barSets()[0].at(i) for i in range(series.barSets()[0].count())) == dialog.table.rowCount() - 1

    out = tmp_path / "试算.xlsx"
    dialog.ask_save_file = lambda suggested: out  # type: ignore[method-assign]
    dialog.message = None
    assert dialog.export() == out
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["试算汇总", *MONTHS, "明细"]
    overview = list(book["试算汇总"].iter_rows(min_row=2, values_only=True))
    assert len(overview) == 3 * 2 + 2  # each month and draft, then each draft over all months
    assert all(row[5] == 0 for row in overview if not str(row[1]).startswith("草稿"))
    assert any(row[5] > 0 for row in overview if str(row[1]).startswith("草稿"))
    assert book["明细"].max_row > 1
    assert fingerprint(demo_db.path, tables) == before  # the what-if wrote nothing


def test_the_unsaved_edit_is_the_draft(qtbot: QtBot, demo_db: Database) -> None:
    page = _page(qtbot, demo_db)
    qtbot.mouseClick(page.copy_button, Qt.MouseButton.LeftButton)  # the version is frozen: edit a copy
    model = page.editor.tables["commission.tiers"].model
    assert model.setData(model.index(0, model.column_of("rate")), "1%", Qt.ItemDataRole.EditRole)
    assert page.dirty and not page.problems
    dialog = page.open_simulation()
    assert dialog is not None
    qtbot.mouseClick(dialog.run_button, Qt.MouseButton.LeftButton)
    loaded(dialog)
    changes = _changes(dialog, 4)[:-1]
    assert any(c.startswith("-") for c in changes) and not any(c.startswith("+") for c in changes)
