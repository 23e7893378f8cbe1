"""The 目标 tab's grid (issue #14): a period's agents × targets, edited or pasted from Excel, saved at once
through the targets import's checks; undo and discard before saving; a locked period is read-only."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt
from PySide6.QtWidgets import QApplication
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from app.services.imports import commit_import
from app.services.plans import save_plan
from app.services.setup import initialise
from db.models import Agent, MonthStatus, TargetValue
from db.session import Database
from tests.periods.scenario import plan_text, write
from ui.models.targets_grid import FIXED_COLUMNS
from ui.pages.rewards_page import RewardsPage

pytestmark = pytest.mark.gui


@pytest.fixture
def page(qtbot: QtBot, db: Database, tmp_path: Path) -> RewardsPage:
    with db.session_scope() as session:
        initialise(session)
        save_plan(session, plan_text())
        commit_import(session, "targets", write(tmp_path, "t.csv", "工号,目标,期间,目标值,奖金基数\n"
                                                "A001,q_premium,2026-Q1,100000,1500\n"))
    widget = RewardsPage(db)
    widget.set_month("2026-02")
    qtbot.addWidget(widget)
    widget.show()
    widget.tabs.setCurrentWidget(widget.targets)
    return widget


def stored(db: Database) -> list[tuple[str, str, str, Decimal, Decimal | None]]:
    with db.session_scope() as s:
        return [(r[0], r[1], r[2], r[3], r[4]) for r in s.execute(
            select(Agent.code, TargetValue.target, TargetValue.period, TargetValue.value, TargetValue.bonus)
            .join(Agent, Agent.id == TargetValue.agent_id).order_by(Agent.code, TargetValue.target, TargetValue.period))]


def index(page: RewardsPage, code: str, target: str) -> QModelIndex:
    model = page.target_grid.model
    row = next(i for i, a in enumerate(model.grid.agents) if a.agent_code == code)
    column = FIXED_COLUMNS + next(i for i, c in enumerate(model.grid.columns) if c.code == target)
    return model.index(row, column)


def pick(page: RewardsPage, code: str, target: str) -> None:
    table = page.target_grid.table
    i = index(page, code, target)
    table.setCurrentIndex(i)
    table.selectionModel().select(i, QItemSelectionModel.SelectionFlag.ClearAndSelect)
    table.setFocus()


def cell(page: RewardsPage, code: str, target: str) -> str:
    return str(page.target_grid.model.data(index(page, code, target)))


def test_the_grid_shows_the_current_quarter_by_agent_and_target(
    page: RewardsPage, qtmodeltester: ModelTester
) -> None:
    box = page.target_grid
    assert box.selected_period() == "2026-Q1"
    assert [box.period.itemData(i) for i in range(box.period.count())][:5] == [
        "2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4", "2026-01"]
    model = box.model
    headers = [str(model.headerData(c, Qt.Orientation.Horizontal)) for c in range(model.columnCount())]
    assert headers == ["工号", "姓名", "季度保费目标\n标准保费", "季度接通率目标\n电话人工接通率均值"]
    assert [a.agent_code for a in model.grid.agents] == ["A001", "A002", "B001"]  # B002 left in 2025
    assert cell(page, "A001", "q_premium") == "100000" and cell(page, "A002", "q_premium") == ""
    assert "于 2026-03 发放" in box.hint.text()
    assert not box.save_button.isEnabled()
    qtmodeltester.check(model)

    box.choose_period("2026-02")  # a monthly period: the monthly target
    assert [c.code for c in model.grid.columns] == ["m_policies"]


def test_edit_then_save_writes_through_the_import(qtbot: QtBot, page: RewardsPage, db: Database) -> None:
    model = page.target_grid.model
    assert model.setData(index(page, "A002", "q_answer"), "96%")
    assert model.setData(index(page, "A001", "q_premium"), "120000")
    assert cell(page, "A002", "q_answer") == "96%"
    assert model.pending_count() == 2 and page.target_grid.save_button.isEnabled()
    assert stored(db) == [("A001", "q_premium", "2026-Q1", Decimal(100000), Decimal(1500))]  # nothing until Save
    with qtbot.waitSignal(page.data_changed):
        qtbot.mouseClick(page.target_grid.save_button, Qt.MouseButton.LeftButton)
    assert stored(db) == [
        ("A001", "q_premium", "2026-Q1", Decimal(120000), Decimal(1500)),  # the imported bonus is kept
        ("A002", "q_answer", "2026-Q1", Decimal("0.96"), None),
    ]
    assert model.pending_count() == 0 and cell(page, "A001", "q_premium") == "120000"
    # the attainment list below follows
    assert page.targets.model.rowCount() == 2


def test_paste_a_block_from_excel_undo_and_discard(qtbot: QtBot, page: RewardsPage, db: Database) -> None:
    table = page.target_grid.table
    model = page.target_grid.model
    pick(page, "A001", "q_premium")
    QApplication.clipboard().setText("110000\t95%\r\n80,000\t0.9\r\n")
    qtbot.keySequence(table, "Ctrl+V")
    assert (cell(page, "A001", "q_premium"), cell(page, "A001", "q_answer")) == ("110000", "95%")
    assert (cell(page, "A002", "q_premium"), cell(page, "A002", "q_answer")) == ("80000", "90%")
    assert model.pending_count() == 4 and model.is_pending(index(page, "A002", "q_answer").row(),
                                                             index(page, "A002", "q_answer").column())
    # Delete clears a cell (pending too); Ctrl+Z takes the steps back one by one
    pick(page, "B001", "q_premium")
    assert model.setData(index(page, "B001", "q_premium"), "5000")
    qtbot.keyClick(table, Qt.Key.Key_Delete)
    assert cell(page, "B001", "q_premium") == "" and model.pending_count() == 4  # back to stored: not pending
    qtbot.keySequence(table, "Ctrl+Z")
    assert cell(page, "B001", "q_premium") == "5000"
    qtbot.keySequence(table, "Ctrl+Z")
    assert cell(page, "B001", "q_premium") == "" and model.pending_count() == 4
    qtbot.mouseClick(page.target_grid.undo_button, Qt.MouseButton.LeftButton)  # the paste
    assert cell(page, "A001", "q_premium") == "100000" and model.pending_count() == 0
    # paste again, then discard everything
    pick(page, "A001", "q_premium")
    qtbot.keySequence(table, "Ctrl+V")
    assert model.pending_count() == 4
    qtbot.mouseClick(page.target_grid.discard_button, Qt.MouseButton.LeftButton)
    assert model.pending_count() == 0 and cell(page, "A002", "q_premium") == ""
    # paste and save: one write of the whole block
    qtbot.keySequence(table, "Ctrl+V")
    with qtbot.waitSignal(page.data_changed):
        assert page.save_targets()
    assert len(stored(db)) == 4
    assert ("A002", "q_answer", "2026-Q1", Decimal("0.9"), None) in stored(db)


def test_a_pasted_block_with_a_bad_cell_names_it_and_changes_nothing(qtbot: QtBot, page: RewardsPage,
                                                                     db: Database) -> None:
    table = page.target_grid.table
    model = page.target_grid.model
    pick(page, "A001", "q_premium")
    QApplication.clipboard().setText("110000\t95%\r\nabc\t0.9\r\n")
    qtbot.keySequence(table, "Ctrl+V")
    assert page.message is not None
    text = page.message.text()
    assert "第 2 行（A002 李四）第 3 列（季度保费目标）：不是数字 “abc”" in text
    assert "没有改动任何单元格" in text
    assert model.pending_count() == 0 and cell(page, "A001", "q_premium") == "100000"
    page.message.close()
    # a block wider than the target columns is refused as a whole
    pick(page, "A001", "q_answer")
    qtbot.keySequence(table, "Ctrl+V")
    assert "超出了目标区域" in page.message.text()
    assert model.pending_count() == 0
    assert stored(db) == [("A001", "q_premium", "2026-Q1", Decimal(100000), Decimal(1500))]


def test_save_refused_by_the_import_checks_marks_the_cell_and_writes_nothing(
    qtbot: QtBot, page: RewardsPage, db: Database
) -> None:
    model = page.target_grid.model
    assert model.setData(index(page, "A002", "q_premium"), "90000")
    assert model.setData(index(page, "B001", "q_premium"), "70000")
    # the paying month is locked meanwhile (another window): the save is refused as the import would be
    with db.session_scope() as s:
        s.add(MonthStatus(month="2026-03", status="locked"))
    assert not page.save_targets()
    assert page.message is not None and "2026-03 月已锁定" in page.message.text()
    assert model.pending_count() == 2  # the edits stay to be saved elsewhere or discarded
    assert stored(db) == [("A001", "q_premium", "2026-Q1", Decimal(100000), Decimal(1500))]


def test_a_locked_period_is_read_only(qtbot: QtBot, db: Database, tmp_path: Path) -> None:
    with db.session_scope() as session:
        initialise(session)
        save_plan(session, plan_text())
        session.add(MonthStatus(month="2026-03", status="locked"))
    page = RewardsPage(db)
    page.set_month("2026-02")
    qtbot.addWidget(page)
    page.show()
    box = page.target_grid
    assert box.selected_period() == "2026-Q1" and box.model.grid.locked
    assert "已锁定" in box.hint.text()
    i = index(page, "A001", "q_premium")
    assert not (box.model.flags(i) & Qt.ItemFlag.ItemIsEditable)
    assert not box.model.setData(i, "100")
    pick(page, "A001", "q_premium")
    QApplication.clipboard().setText("100")
    qtbot.keySequence(box.table, "Ctrl+V")
    assert box.model.pending_count() == 0 and not box.save_button.isEnabled()
    assert stored(db) == []
    box.choose_period("2026-Q2")  # the next quarter is open
    assert not box.model.grid.locked and box.model.setData(index(page, "A001", "q_premium"), "100")
