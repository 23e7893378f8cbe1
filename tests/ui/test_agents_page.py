from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QApplication
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from app.i18n import set_language
from app.services.agents import list_agents
from db.session import Database
from ui.dialogs.agent_dialog import AgentDialog, LeaveDateDialog
from ui.models.agents_model import COLUMN_KEYS, AgentsModel, AgentsProxy, StatusFilter
from ui.pages.agents_page import AgentsPage

from .typing_helpers import type_text

pytestmark = pytest.mark.gui

COL = {key: i for i, key in enumerate(COLUMN_KEYS)}


@pytest.fixture
def page(agents_page: AgentsPage) -> AgentsPage:
    return agents_page


def shown(page: AgentsPage, column: str = "code") -> list[str]:
    proxy = page.proxy
    return [proxy.data(proxy.index(r, COL[column])) for r in range(proxy.rowCount())]


def test_model_and_proxy_pass_the_model_tester(qtmodeltester: ModelTester, db: Database) -> None:
    model = AgentsModel()
    with db.session_scope() as session:
        model.set_agents(list_agents(session))
    qtmodeltester.check(model, force_py=True)
    proxy = AgentsProxy()
    proxy.setSourceModel(model)
    proxy.set_search("a")
    proxy.sort(COL["base_salary"], Qt.SortOrder.DescendingOrder)
    qtmodeltester.check(proxy, force_py=True)


def test_columns_and_formats(page: AgentsPage) -> None:
    model = page.model
    headers = [
        model.headerData(c, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole)
        for c in range(model.columnCount())
    ]
    assert headers == ["工号", "姓名", "岗位", "团队", "底薪", "入职日期", "离职日期", "状态"]
    row = model.row_of("A002")
    assert model.data(model.index(row, COL["base_salary"])) == "3500.50"
    alignment = model.data(model.index(row, COL["base_salary"]), Qt.ItemDataRole.TextAlignmentRole)
    assert alignment & Qt.AlignmentFlag.AlignRight.value
    assert model.data(model.index(row, COL["hire_date"])) == "2024-06-01"
    assert model.data(model.index(row, COL["leave_date"])) == ""
    assert model.data(model.index(row, COL["status"])) == "在职"
    left = model.row_of("B002")
    assert model.data(model.index(left, COL["status"])) == "离职"
    assert model.data(model.index(left, COL["leave_date"])) == "2025-03-31"
    assert model.data(model.index(left, 0), Qt.ItemDataRole.ForegroundRole) is not None


def test_sort_by_money_is_numeric_not_text(page: AgentsPage) -> None:
    page.table.sortByColumn(COL["base_salary"], Qt.SortOrder.AscendingOrder)
    assert shown(page, "base_salary") == ["900.00", "3500.50", "4000.00", "12000.00"]
    page.table.sortByColumn(COL["leave_date"], Qt.SortOrder.AscendingOrder)
    assert shown(page)[0] == "B002"  # the only leave date first, empty ones last
    page.table.sortByColumn(COL["name"], Qt.SortOrder.DescendingOrder)
    assert len(shown(page)) == 4


def test_search_filters_and_totals(qtbot: QtBot, page: AgentsPage) -> None:
    assert shown(page) == ["A001", "A002", "B001", "B002"]
    assert page.totals.text() == "共 4 人，底薪合计 20400.50 元"

    type_text(qtbot, page.search, "王")
    assert shown(page) == ["B001"]
    assert "共 1 人，底薪合计 12000.00 元" in page.totals.text()
    assert "筛选出 1 / 4 人" in page.totals.text()
    page.search.clear()
    qtbot.keyClicks(page.search, "a00")  # case-insensitive code search
    assert shown(page) == ["A001", "A002"]
    page.search.clear()

    page.team_filter.setCurrentIndex(page.team_filter.findData("二组"))
    assert shown(page) == ["B001", "B002"]
    assert "共 2 人，底薪合计 12900.00 元" in page.totals.text()

    page.status_filter.setCurrentIndex(page.status_filter.findData(StatusFilter.ACTIVE))
    assert shown(page) == ["B001"]
    page.status_filter.setCurrentIndex(page.status_filter.findData(StatusFilter.LEFT))
    assert shown(page) == ["B002"]

    page.team_filter.setCurrentIndex(0)
    page.status_filter.setCurrentIndex(page.status_filter.findData(StatusFilter.EMPLOYED_IN_MONTH))
    assert shown(page) == ["A001", "A002", "B001", "B002"]  # B002 left on 2025-03-31
    page.set_month("2025-04")
    assert shown(page) == ["A001", "A002", "B001"]


def test_copy_selection_as_tab_separated_text(qtbot: QtBot, page: AgentsPage) -> None:
    page.select_code("A001")
    page.table.setFocus()
    qtbot.keySequence(page.table, "Ctrl+C")
    text = QApplication.clipboard().text()
    assert text.split("\t")[:2] == ["A001", "张三"]
    assert "4000.00" in text


def fill(qtbot: QtBot, dialog: AgentDialog, *, code: str, name: str, base: str) -> None:
    for field, text in ((dialog.code, code), (dialog.name, name), (dialog.base, base)):
        field.clear()
        type_text(qtbot, field, text)


def test_add_dialog_refuses_bad_input(qtbot: QtBot, page: AgentsPage, db: Database) -> None:
    dialog = page.add_agent()
    assert isinstance(dialog, AgentDialog) and dialog.isVisible()
    assert not dialog.ok_button.isEnabled()  # nothing typed yet
    assert dialog.errors["code"].isHidden()  # untouched fields are not scolded

    fill(qtbot, dialog, code="", name="新人", base="3000")
    qtbot.keyClicks(dialog.code, "X")
    dialog.code.clear()
    qtbot.keyClicks(dialog.code, " ")
    assert not dialog.ok_button.isEnabled()
    assert dialog.errors["code"].text() == "工号不能为空"
    assert not dialog.errors["code"].isHidden()

    fill(qtbot, dialog, code="C001", name="新人", base="-5")
    assert not dialog.ok_button.isEnabled()
    assert dialog.errors["base"].text() == "底薪不能为负数"
    assert dialog.errors["code"].isHidden()

    dialog.base.clear()
    qtbot.keyClicks(dialog.base, "12.345")  # the validator stops the third decimal
    assert dialog.base.text() == "12.34"
    assert dialog.ok_button.isEnabled()

    dialog.no_leave.setChecked(False)
    dialog.leave.setDate(dialog.hire.date().addDays(-1))
    assert not dialog.ok_button.isEnabled()
    assert dialog.errors["leave"].text() == "离职日期早于入职日期"

    dialog.reject()
    with db.session_scope() as session:
        assert len(list_agents(session)) == 4


def test_add_a_good_agent(qtbot: QtBot, page: AgentsPage, db: Database) -> None:
    dialog = page.add_agent()
    fill(qtbot, dialog, code="C001", name="孙七", base="4200.5")
    dialog.team.setCurrentText("三组")
    dialog.hire.setDate(dialog.hire.date().fromString("2025-02-10", "yyyy-MM-dd"))
    qtbot.keyClicks(dialog.password, "secret-26")
    with qtbot.waitSignal(page.data_changed):
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    assert "C001" in shown(page)
    selected = page.selected_agent()
    assert selected is not None and selected.code == "C001"
    assert page.team_filter.findData("三组") >= 0
    with db.session_scope() as session:
        agent = next(a for a in list_agents(session) if a.code == "C001")
    assert agent.name == "孙七" and agent.base_salary == Decimal("4200.5")
    assert agent.hire_date == date(2025, 2, 10) and agent.leave_date is None
    assert agent.team == "三组" and agent.has_payslip_password


def test_duplicate_code_is_refused_by_the_service_and_shown(qtbot: QtBot, page: AgentsPage) -> None:
    dialog = page.add_agent()
    fill(qtbot, dialog, code="A001", name="重复", base="1")
    assert dialog.ok_button.isEnabled()
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible()
    assert "A001 已存在" in dialog.errors["form"].text()
    dialog.reject()


def test_edit_an_agent(qtbot: QtBot, page: AgentsPage, db: Database) -> None:
    page.select_code("A002")
    dialog = page.edit_selected()
    assert dialog is not None
    assert dialog.code.text() == "A002" and dialog.base.text() == "3500.50"
    assert dialog.ok_button.isEnabled()
    dialog.name.clear()
    assert not dialog.ok_button.isEnabled()
    type_text(qtbot, dialog.name, "李四四")
    with qtbot.waitSignal(page.data_changed):
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    row = page.model.row_of("A002")
    assert page.model.agent(row).name == "李四四"
    with db.session_scope() as session:
        assert {a.code: a.name for a in list_agents(session)}["A002"] == "李四四"


def test_double_click_opens_the_editor(qtbot: QtBot, page: AgentsPage) -> None:
    index = page.proxy.index(2, 0)
    page.table.doubleClicked.emit(index)
    assert isinstance(page.dialog, AgentDialog)
    assert page.dialog.code.text() == "B001"
    page.dialog.reject()
    page.table.doubleClicked.emit(QModelIndex())


def test_deactivate_asks_leave_date(qtbot: QtBot, page: AgentsPage, db: Database) -> None:
    assert not page.leave_button.isEnabled()
    page.select_code("A001")
    assert page.leave_button.isEnabled()
    dialog = page.deactivate_selected()
    assert isinstance(dialog, LeaveDateDialog)
    dialog.date.setDate(dialog.date.date().fromString("2025-03-20", "yyyy-MM-dd"))
    with qtbot.waitSignal(page.data_changed):
        dialog.accept()
    with db.session_scope() as session:
        agent = next(a for a in list_agents(session) if a.code == "A001")
    assert agent.leave_date == date(2025, 3, 20)
    row = page.model.row_of("A001")
    assert page.model.data(page.model.index(row, COL["status"])) == "离职"
    assert not page.leave_button.isEnabled()  # already left


def test_english_dialog(qtbot: QtBot, db: Database) -> None:
    set_language("en")
    page = AgentsPage(db)
    qtbot.addWidget(page)
    dialog = page.add_agent()
    fill(qtbot, dialog, code="Z1", name="Z", base="-1")
    assert dialog.errors["base"].text() == "base salary cannot be negative"
    assert page.model.headerData(0, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole) == "Code"
    dialog.reject()
