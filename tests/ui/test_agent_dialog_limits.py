"""The agent dialog's fields stop at the same lengths as the agents import and the service
(app.fields), so a name that the import would refuse cannot be typed either (issue #10)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.fields import CODE_MAX, NAME_MAX
from ui.dialogs.agent_dialog import AgentDialog
from ui.pages.agents_page import AgentsPage

pytestmark = pytest.mark.gui


def test_the_agent_dialog_fields_have_the_import_limits(qtbot: QtBot, agents_page: AgentsPage) -> None:
    dialog = agents_page.add_agent()
    assert isinstance(dialog, AgentDialog)
    assert dialog.code.maxLength() == CODE_MAX
    assert dialog.name.maxLength() == NAME_MAX
    for combo in (dialog.role, dialog.team):
        line = combo.lineEdit()
        assert line is not None and line.maxLength() == NAME_MAX

    qtbot.keyClicks(dialog.name, "x" * (NAME_MAX + 20))
    assert dialog.name.text() == "x" * NAME_MAX  # typing stops at the limit
    qtbot.keyClicks(dialog.code, "C" * (CODE_MAX + 5))
    assert len(dialog.code.text()) == CODE_MAX
    dialog.reject()


def test_a_longer_name_stored_before_the_limit_is_shown_whole_and_must_be_shortened(
    qtbot: QtBot, agents_page: AgentsPage
) -> None:
    from dataclasses import replace

    from app.services.agents import list_agents

    with agents_page.db.session_scope() as session:
        agent = next(a for a in list_agents(session) if a.code == "A001")
    old = replace(agent, name="长" * (NAME_MAX + 10))  # as a database from before the limit may hold it
    dialog = agents_page.edit_agent(old)
    assert dialog.name.text() == old.name  # not silently cut to the limit
    dialog.name.end(False)
    qtbot.keyClick(dialog.name, Qt.Key.Key_Backspace)  # one character less is still too long
    assert not dialog.ok_button.isEnabled()
    assert f"最长 {NAME_MAX} 个字符" in dialog.errors["name"].text()
    dialog.name.setText("张三")
    assert dialog.ok_button.isEnabled()
    dialog.reject()
