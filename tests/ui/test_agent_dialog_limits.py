"""The agent dialog's fields stop at the same lengths as the agents import and the service
(app.fields), so a name that the import would refuse cannot be typed either (issue #10)."""

from __future__ import annotations

import pytest
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
