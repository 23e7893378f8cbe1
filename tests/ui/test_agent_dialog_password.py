"""The agent dialog shows the payslip password rule next to the field and refuses a password that
breaks it, in the user's language, before anything reaches the database."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import select, update

from app.i18n import set_language
from db.models import Agent
from db.session import Database
from ui.dialogs.agent_dialog import AgentDialog
from ui.pages.agents_page import AgentsPage

from .typing_helpers import type_text

pytestmark = pytest.mark.gui


@pytest.fixture
def page(agents_page: AgentsPage) -> AgentsPage:
    return agents_page


def new_agent(qtbot: QtBot, page: AgentsPage) -> AgentDialog:
    dialog = page.add_agent()
    for field, text in ((dialog.code, "C001"), (dialog.name, "孙七"), (dialog.base, "4200")):
        type_text(qtbot, field, text)
    assert dialog.ok_button.isEnabled()
    return dialog


def password_of(db: Database, code: str) -> str | None:
    with db.session_scope() as session:
        return session.scalar(select(Agent.payslip_password).where(Agent.code == code))


def test_rule_is_shown_and_a_chinese_password_is_refused(
    qtbot: QtBot, page: AgentsPage, db: Database
) -> None:
    dialog = new_agent(qtbot, page)
    assert dialog.password_rule.isVisible()
    assert dialog.password_rule.text() == "8–32 位英文字母、数字或英文符号，不能有空格或中文"
    assert dialog.errors["password"].isHidden()

    type_text(qtbot, dialog.password, "密码")
    qtbot.keyClicks(dialog.password, "1234")
    assert dialog.password.text() == "密码1234"
    assert not dialog.ok_button.isEnabled()
    assert dialog.errors["password"].isVisible()
    assert (
        dialog.errors["password"].text() == "工资条密码只能用英文字母、数字和英文符号，不能含有：“密”、“码”"
    )

    dialog.accept()  # Enter while OK is disabled: still refused, nothing saved
    assert dialog.isVisible()
    assert password_of(db, "C001") is None

    dialog.password.clear()
    qtbot.keyClicks(dialog.password, "ab cd")
    assert not dialog.ok_button.isEnabled()
    assert dialog.errors["password"].text() == "工资条密码只能用英文字母、数字和英文符号，不能含有：空格"

    dialog.password.clear()
    qtbot.keyClicks(dialog.password, "abc")
    assert dialog.errors["password"].text() == "工资条密码须为 8–32 位（现为 3 位）"

    qtbot.keyClicks(dialog.password, "d-20")  # 7 characters: still too short
    assert dialog.password.text() == "abcd-20"
    assert not dialog.ok_button.isEnabled()
    assert dialog.errors["password"].text() == "工资条密码须为 8–32 位（现为 7 位）"
    dialog.accept()
    assert dialog.isVisible() and password_of(db, "C001") is None

    qtbot.keyClicks(dialog.password, "25")
    assert dialog.errors["password"].isHidden()
    assert dialog.ok_button.isEnabled()
    with qtbot.waitSignal(page.data_changed):
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    assert password_of(db, "C001") == "abcd-2025"


def test_emptying_the_password_field_is_allowed(qtbot: QtBot, page: AgentsPage, db: Database) -> None:
    dialog = new_agent(qtbot, page)
    qtbot.keyClicks(dialog.password, "a b")
    assert not dialog.ok_button.isEnabled()
    dialog.password.clear()
    assert dialog.ok_button.isEnabled() and dialog.errors["password"].isHidden()
    with qtbot.waitSignal(page.data_changed):
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert password_of(db, "C001") is None


def test_editing_an_agent_keeps_an_old_password_that_breaks_the_rule(
    qtbot: QtBot, page: AgentsPage, db: Database
) -> None:
    with db.session_scope() as session:
        session.execute(update(Agent).where(Agent.code == "A002").values(payslip_password="旧密码"))
    page.select_code("A002")
    dialog = page.edit_selected()
    assert dialog is not None
    assert dialog.ok_button.isEnabled() and dialog.errors["password"].isHidden()
    type_text(qtbot, dialog.password, "新密码")  # a new password must follow the rule …
    assert not dialog.ok_button.isEnabled() and dialog.errors["password"].isVisible()
    dialog.password.clear()  # … an empty field keeps the stored one, whatever it is
    assert dialog.ok_button.isEnabled() and dialog.errors["password"].isHidden()
    dialog.team.setCurrentText("三组")
    with qtbot.waitSignal(page.data_changed):
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert password_of(db, "A002") == "旧密码"


def test_english(qtbot: QtBot, db: Database) -> None:
    set_language("en")
    page = AgentsPage(db)
    qtbot.addWidget(page)
    page.show()
    dialog = new_agent(qtbot, page)
    assert dialog.password_rule.text() == (
        "8–32 English letters, digits or ASCII symbols; no spaces or Chinese characters"
    )
    type_text(qtbot, dialog.password, "пароль12")
    assert not dialog.ok_button.isEnabled()
    assert (
        dialog.errors["password"]
        .text()
        .startswith("payslip password may use only English letters, digits and ASCII symbols, not: ")
    )
    dialog.password.clear()
    qtbot.keyClicks(dialog.password, "abcdefg")
    assert not dialog.ok_button.isEnabled()
    assert dialog.errors["password"].text() == "payslip password must be 8–32 characters (it has 7)"
    qtbot.keyClicks(dialog.password, "h")
    assert dialog.ok_button.isEnabled() and dialog.errors["password"].isHidden()
    dialog.reject()
