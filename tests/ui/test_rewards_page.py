from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QApplication
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from app.services.rewards import (
    AdjustmentInput,
    ComplaintInput,
    PraiseInput,
    add_adjustment,
    add_complaint,
    add_praise,
    list_adjustments,
    list_complaints,
    list_praise,
    metrics_grid,
    set_metric,
)
from app.services.setup import initialise
from db.models import KpiMetric, MonthStatus
from db.session import Database
from ui.dialogs.record_dialogs import AdjustmentDialog, ComplaintDialog, PraiseDialog
from ui.models.rewards_metrics import FIXED_COLUMNS, MetricsGridModel
from ui.models.rewards_models import AdjustmentsModel, ComplaintsModel, PraiseModel, records_proxy
from ui.pages.rewards_page import RewardsPage

from .typing_helpers import type_text

pytestmark = pytest.mark.gui

MONTH = "2026-03"


@pytest.fixture
def rewards_db(db: Database) -> Database:
    with db.session_scope() as session:
        initialise(session)
        add_complaint(session, ComplaintInput("A001", date(2026, 3, 4), "city", "pending", "态度生硬"))
        add_praise(session, PraiseInput("A002", date(2026, 3, 9), "客户来电表扬"))
        add_adjustment(session, AdjustmentInput("B001", MONTH, Decimal("150"), "补发", "2 月少发交通补贴"))
        set_metric(session, MONTH, "A001", "answer_rate", "96%")
    return db


@pytest.fixture
def page(qtbot: QtBot, rewards_db: Database) -> RewardsPage:
    widget = RewardsPage(rewards_db)
    widget.set_month(MONTH)
    widget.ask_confirm = lambda _text: True  # type: ignore[method-assign, assignment]
    qtbot.addWidget(widget)
    widget.show()
    return widget


def stored_metrics(db: Database) -> dict[tuple[int, str], Decimal]:
    with db.session_scope() as session:
        return {(m.agent_id, m.indicator): m.value for m in session.scalars(select(KpiMetric))}


def cell(page: RewardsPage, agent: str, indicator: str) -> str:
    model = page.metrics.model
    index = page.select_metric_cell(agent, indicator)
    return str(model.data(index))


def test_models_pass_the_model_tester(qtmodeltester: ModelTester, rewards_db: Database) -> None:
    with rewards_db.session_scope() as session:
        complaints = list_complaints(session, MONTH)
        praise = list_praise(session, MONTH)
        adjustments = list_adjustments(session, MONTH)
        grid = metrics_grid(session, MONTH)
    for model, records in (
        (ComplaintsModel(), complaints),
        (PraiseModel(), praise),
        (AdjustmentsModel(), adjustments),
    ):
        model.set_records(records)
        qtmodeltester.check(model, force_py=True)
        proxy = records_proxy()
        proxy.setSourceModel(model)
        proxy.sort(0, Qt.SortOrder.DescendingOrder)
        qtmodeltester.check(proxy, force_py=True)
    grid_model = MetricsGridModel()
    grid_model.set_grid(grid, editable=True)
    qtmodeltester.check(grid_model, force_py=True)


def test_tabs_show_the_month(page: RewardsPage) -> None:
    assert [page.tabs.tabText(i) for i in range(page.tabs.count())] == ["投诉", "表扬", "调整", "绩效指标", "目标"]
    complaints = page.complaints.model
    assert complaints.data(complaints.index(0, complaints.column("status"))) == "待定"
    assert complaints.data(complaints.index(0, complaints.column("level"))) == "市级投诉"
    assert page.complaints.totals.text() == "共 1 条投诉：成立 0 条，待定 1 条，不成立 0 条"
    assert page.praise.totals.text() == "共 1 条表扬"
    assert "补发 150.00 元" in page.adjustments.totals.text()
    model = page.metrics.model
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert headers[:2] == ["工号", "姓名"]
    assert headers[2] == "电话人工接通率\n目标 95% ↑"
    assert headers[4] == "来电响应时间\n目标 8 ↓"
    assert len(headers) == 5  # the qa indicator comes from 质检, not from this grid
    assert [model.data(model.index(r, 0)) for r in range(model.rowCount())] == ["A001", "A002", "B001"]
    assert cell(page, "A001", "answer_rate") == "96%"
    assert "已填 1 / 9 个单元格" in page.metrics.status.text()


def test_complaint_add_status_and_delete(qtbot: QtBot, page: RewardsPage) -> None:
    dialog = page.add_complaint()
    assert isinstance(dialog, ComplaintDialog)
    assert not dialog.ok_button.isEnabled()  # no agent, no level yet
    dialog.agent.setCurrentIndex(dialog.agent.findData("B001"))
    assert "投诉级别" in dialog.problem.text()
    dialog.level.setCurrentIndex(dialog.level.findData("hotline"))
    dialog.date.setDate(QDate(2026, 3, 20))
    assert dialog.ok_button.isEnabled()
    with qtbot.waitSignal(page.data_changed):
        dialog.ok_button.click()
    assert page.complaints.model.rowCount() == 2
    assert "成立 1 条" in page.complaints.totals.text()

    page.complaints.select_key(page.complaints.model.record(0).id)
    assert page.complaint_status.isEnabled()
    assert page.set_complaint_status("upheld")
    assert page.complaints.totals.text() == "共 2 条投诉：成立 2 条，待定 0 条，不成立 0 条"
    assert page.delete_complaint()
    assert page.complaints.model.rowCount() == 1


def test_praise_add_and_delete(qtbot: QtBot, page: RewardsPage) -> None:
    dialog = page.add_praise()
    assert isinstance(dialog, PraiseDialog) and not dialog.ok_button.isEnabled()
    dialog.agent.setCurrentIndex(dialog.agent.findData("A001"))
    type_text(qtbot, dialog.description, "锦旗")
    dialog.ok_button.click()
    assert page.praise.model.rowCount() == 2
    page.praise.select_key(page.praise.model.record(0).id)
    assert page.delete_praise()
    assert page.praise.model.rowCount() == 1


def test_adjustment_dialog_requires_reason_and_non_zero(qtbot: QtBot, page: RewardsPage) -> None:
    dialog = page.add_adjustment()
    assert isinstance(dialog, AdjustmentDialog)
    assert dialog.month.text() == MONTH
    dialog.agent.setCurrentIndex(dialog.agent.findData("A002"))
    qtbot.keyClicks(dialog.amount, "0")
    assert "金额不能为 0" in dialog.problem.text()
    dialog.amount.clear()
    qtbot.keyClicks(dialog.amount, "-80.5")
    assert dialog.sign_hint.text() == "实发减少 80.50 元"
    assert "原因不能为空" in dialog.problem.text() and not dialog.ok_button.isEnabled()
    dialog.category.setCurrentText("追回")
    type_text(qtbot, dialog.reason, "多发餐补")
    assert dialog.ok_button.isEnabled()
    dialog.ok_button.click()
    assert page.adjustments.model.rowCount() == 2
    assert "净额 69.50 元" in page.adjustments.totals.text()


def test_metrics_cell_edit_writes_a_kpi_metric(qtbot: QtBot, page: RewardsPage, rewards_db: Database) -> None:
    page.tabs.setCurrentWidget(page.metrics)
    table = page.metrics.table
    index = page.select_metric_cell("A002", "satisfaction")
    table.setFocus()
    qtbot.keyClicks(table, "9")  # any key starts editing, like a spreadsheet
    editor = QApplication.focusWidget()
    assert editor is not table and editor is not None
    editor.clear()  # type: ignore[attr-defined]
    qtbot.keyClicks(editor, "97.5%")
    with qtbot.waitSignal(page.data_changed):
        qtbot.keyClick(editor, Qt.Key.Key_Return)
    assert page.metrics.model.data(index) == "97.5%"
    assert Decimal("0.975") in stored_metrics(rewards_db).values()

    # Clearing the cell deletes the value rather than storing 0.
    assert page.metrics.model.setData(index, "")
    assert Decimal("0.975") not in stored_metrics(rewards_db).values()
    # A bad value is refused with a message; nothing changes.
    assert not page.metrics.model.setData(index, "很高")
    assert page.message is not None and "不是数字或百分比" in page.message.text()


def test_paste_block_is_all_or_nothing(qtbot: QtBot, page: RewardsPage, rewards_db: Database) -> None:
    page.tabs.setCurrentWidget(page.metrics)
    table = page.metrics.table
    page.select_metric_cell("A001", "answer_rate")
    table.setFocus()
    QApplication.clipboard().setText("95.2%\t0.99\t7\r\n93%\tbad\t9\r\n")
    qtbot.keySequence(table, "Ctrl+V")
    assert page.message is not None and "bad" in page.message.text()
    assert len(stored_metrics(rewards_db)) == 1  # only the fixture's value: nothing of the block

    QApplication.clipboard().setText("95.2%\t0.99\t7\r\n93%\t98%\t9\r\n")
    with qtbot.waitSignal(page.data_changed):
        qtbot.keySequence(table, "Ctrl+V")
    assert cell(page, "A001", "answer_rate") == "95.2%"
    assert cell(page, "A002", "satisfaction") == "98%"
    assert cell(page, "A002", "response_s") == "9"
    assert len(stored_metrics(rewards_db)) == 6

    # A block that does not fit the indicator cells is refused as a whole.
    page.select_metric_cell("B001", "satisfaction")
    QApplication.clipboard().setText("1\t2\t3\n4\t5\t6")
    qtbot.keySequence(table, "Ctrl+V")
    assert "超出了指标区域" in page.message.text()
    assert len(stored_metrics(rewards_db)) == 6

    # Delete clears the selected cells.
    page.select_metric_cell("A002", "response_s")
    qtbot.keyClick(table, Qt.Key.Key_Delete)
    assert cell(page, "A002", "response_s") == ""
    assert len(stored_metrics(rewards_db)) == 5


def test_locked_month_is_read_only(qtbot: QtBot, rewards_db: Database) -> None:
    with rewards_db.session_scope() as session:
        session.add(MonthStatus(month=MONTH, status="locked"))
    page = RewardsPage(rewards_db)
    qtbot.addWidget(page)
    page.set_month(MONTH)
    page.show()
    assert page.banner.isVisible() and "已锁定" in page.banner.text()
    for button in (page.complaint_add, page.praise_add, page.adjustment_add):
        assert not button.isEnabled()
    page.complaints.select_key(page.complaints.model.record(0).id)
    assert not page.complaint_edit.isEnabled() and not page.complaint_status.isEnabled()
    assert not page.set_complaint_status("upheld")
    assert page.add_complaint() is None and page.add_adjustment() is None

    model = page.metrics.model
    index = page.select_metric_cell("A002", "answer_rate")
    assert not (model.flags(index) & Qt.ItemFlag.ItemIsEditable)
    assert not model.setData(index, "90%")
    QApplication.clipboard().setText("90%")
    page.metrics.table.setFocus()
    qtbot.keySequence(page.metrics.table, "Ctrl+V")
    assert len(stored_metrics(rewards_db)) == 1
    assert page.metrics.hint.text() == ""

    page.set_month("2026-04")
    assert not page.banner.isVisible()
    assert page.complaint_add.isEnabled()
    assert model.flags(model.index(0, FIXED_COLUMNS)) & Qt.ItemFlag.ItemIsEditable
