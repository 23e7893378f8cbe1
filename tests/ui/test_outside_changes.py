"""The window and changes made by others (issue #19): what another program or user changed is reloaded; a
form saved after someone else changed its record says who changed it and when, and saves nothing.

"Another program" is a second :class:`Database` on the same file (its own connections), as the command
line or a second window would be.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from decimal import Decimal

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.services.agents import AgentInput, add_agent, edit_agent, list_agents
from db.session import Database
from tests.ui.conftest import AGENTS
from ui.dialogs.agent_dialog import AgentDialog
from ui.main_window import MainWindow
from ui.pages.agents_page import AgentsPage

pytestmark = pytest.mark.gui


@pytest.fixture
def other(db: Database) -> Iterator[Database]:
    """A second program on the same database, signed in as rita."""
    second = Database(db.path)
    second.acting_user = "rita"
    yield second
    second.dispose()


@pytest.fixture
def window(qtbot: QtBot, db: Database) -> MainWindow:
    win = MainWindow(db, month="2025-03")
    qtbot.addWidget(win)
    win.show()
    win.change_poll.stop()  # the tests look themselves, when they choose
    win.show_area("agents")
    return win


def _codes(page: AgentsPage) -> list[str]:
    return [page.model.agent(r).code for r in range(page.model.rowCount())]


def test_a_change_made_by_another_program_is_reloaded(window: MainWindow, other: Database) -> None:
    page = window.pages["agents"]
    assert isinstance(page, AgentsPage)
    assert "C001" not in _codes(page)
    assert not window.check_outside_changes()  # nothing changed yet
    with other.session_scope(write=True) as s:
        add_agent(s, AgentInput("C001", "孙七", Decimal("4200"), AGENTS[0].hire_date))
    assert window.check_outside_changes()
    assert "C001" in _codes(page)
    assert "其他用户或程序修改了数据" in window.statusBar().currentMessage()
    assert not window.check_outside_changes()  # seen once, reloaded once


def test_the_window_own_change_reloads_nothing_twice(window: MainWindow, db: Database, qtbot: QtBot) -> None:
    page = window.pages["agents"]
    assert isinstance(page, AgentsPage)
    page.select_code("A002")
    dialog = page.edit_selected()
    assert isinstance(dialog, AgentDialog)
    dialog.name.setText("李四四")
    with qtbot.waitSignal(page.data_changed):
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert not window.check_outside_changes()
    assert window.statusBar().currentMessage() == ""


def test_the_page_waits_while_a_form_is_open(window: MainWindow, other: Database, qtbot: QtBot) -> None:
    page = window.pages["agents"]
    assert isinstance(page, AgentsPage)
    page.select_code("A001")
    dialog = page.edit_selected()
    assert isinstance(dialog, AgentDialog)
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is dialog)
    with other.session_scope(write=True) as s:
        add_agent(s, AgentInput("C001", "孙七", Decimal("4200"), AGENTS[0].hire_date))
    assert not window.check_outside_changes()  # the user may be typing: not now
    assert "C001" not in _codes(page)
    dialog.reject()
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is None)
    assert window.check_outside_changes()  # the first look after the form closed
    assert "C001" in _codes(page)


def test_a_stale_form_says_who_changed_the_record_and_saves_nothing(
    window: MainWindow, other: Database, qtbot: QtBot
) -> None:
    page = window.pages["agents"]
    assert isinstance(page, AgentsPage)
    page.select_code("A001")
    dialog = page.edit_selected()
    assert isinstance(dialog, AgentDialog)
    with other.session_scope(write=True) as s:  # rita changes A001 while the form is open
        edit_agent(s, "A001", replace(AGENTS[0], base_salary=Decimal("4800.00")))
    dialog.name.setText("张三丰")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible()  # refused: the form stays, with what the user typed
    message = dialog.errors["form"].text()
    assert "人员 A001" in message and "rita" in message and "重新载入" in message
    with other.session() as s:
        stored = next(a for a in list_agents(s) if a.code == "A001")
    assert (stored.name, stored.base_salary) == ("张三", Decimal("4800.00"))
    dialog.reject()
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is None)
    assert window.check_outside_changes()  # the page now shows rita's change
    assert page.model.agent(page.model.row_of("A001")).base_salary == Decimal("4800.00")
