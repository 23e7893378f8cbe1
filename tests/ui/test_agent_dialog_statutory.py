"""§9.1 on the agent form: the ID number and bank account are shown whole (the one screen that does),
a wrong check character is refused under its field before anything is saved, and saving stores them."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from db.models import Agent
from db.session import Database
from ui.pages.agents_page import AgentsPage

from .typing_helpers import type_text

pytestmark = pytest.mark.gui

GOOD_ID = "11010519491231002X"


def test_form_refuses_a_wrong_check_character_and_saves_a_good_id(
    qtbot: QtBot, agents_page: AgentsPage, db: Database
) -> None:
    dialog = agents_page.add_agent()
    for field, text in ((dialog.code, "C001"), (dialog.name, "孙七"), (dialog.base, "4200")):
        type_text(qtbot, field, text)
    type_text(qtbot, dialog.id_number, GOOD_ID[:17] + "3")
    assert not dialog.ok_button.isEnabled()
    assert "校验位" in dialog.errors["id_number"].text() or "check character" in dialog.errors["id_number"].text()
    dialog.id_number.clear()
    type_text(qtbot, dialog.id_number, GOOD_ID)
    type_text(qtbot, dialog.bank_account, "6222 0202 0001 2345")
    dialog.statutory.setChecked(False)
    assert dialog.ok_button.isEnabled()
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    with db.session_scope() as s:
        agent = s.scalar(select(Agent).where(Agent.code == "C001"))
        assert agent is not None
        assert (agent.id_number, agent.bank_account, agent.statutory) == (GOOD_ID, "6222020200012345", False)
    from app.services.agents import list_agents

    with db.session_scope() as s:
        (view,) = [a for a in list_agents(s) if a.code == "C001"]
    edit = agents_page.edit_agent(view)
    assert edit.id_number.text() == GOOD_ID  # whole on the form
    assert edit.bank_account.text() == "6222020200012345"
    assert not edit.statutory.isChecked()
    edit.reject()
