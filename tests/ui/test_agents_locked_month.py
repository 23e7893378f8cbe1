"""The agent form refuses an employment that would change a locked month's pay, and says how to pay
those days instead (issue #10)."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.services.agents import list_agents
from db.models import MonthStatus
from db.session import Database
from ui.pages.agents_page import AgentsPage

from .typing_helpers import type_text

pytestmark = pytest.mark.gui


@pytest.fixture
def locked_page(agents_page: AgentsPage, db: Database) -> AgentsPage:
    with db.session_scope(write=True) as session:
        session.add(MonthStatus(month="2025-02", status="locked"))
        session.add(MonthStatus(month="2025-03", status="locked"))
    return agents_page


def test_a_new_agent_hired_in_a_locked_month_is_refused_in_the_form(
    qtbot: QtBot, locked_page: AgentsPage, db: Database
) -> None:
    dialog = locked_page.add_agent()
    for field, text in ((dialog.code, "C001"), (dialog.name, "孙七"), (dialog.base, "4200")):
        type_text(qtbot, field, text)
    dialog.hire.setDate(dialog.hire.date().fromString("2025-03-03", "yyyy-MM-dd"))
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    assert dialog.isVisible()
    text = dialog.errors["form"].text()
    assert "C001" in text and "2025-03" in text and "2025-04 录入调整项" in text and "解锁最近锁定的月份 2025-03" in text
    with db.session_scope() as session:
        assert "C001" not in {a.code for a in list_agents(session)}

    # Hired after the locked months, the same agent is fine.
    dialog.hire.setDate(dialog.hire.date().fromString("2025-04-01", "yyyy-MM-dd"))
    with qtbot.waitSignal(locked_page.data_changed):
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    with db.session_scope() as session:
        assert {a.code: a.hire_date for a in list_agents(session)}["C001"] == date(2025, 4, 1)
