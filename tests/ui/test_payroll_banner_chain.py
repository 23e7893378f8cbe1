"""The payroll page's banner with the sign-off chain (docs/pay-rules.md §10): once users exist, a calculated
month is locked by its last sign-off, so the banner names the next step instead of "核对无误后锁定"."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.i18n import set_language
from db.session import Database
from tests.ui.branch_users import add_chain
from ui.pages.payroll_page import PayrollPage

pytestmark = pytest.mark.gui

MONTH = "2026-10"


def _page(qtbot: QtBot, db: Database) -> PayrollPage:
    page = PayrollPage(db)
    page.confirm = lambda _t, _x: True  # type: ignore[method-assign,assignment]
    page.signoffs.ask_comment = lambda _title: ""  # type: ignore[method-assign,assignment]
    qtbot.addWidget(page)
    page.set_month(MONTH)
    page.resize(1366, 768)
    page.show()
    return page


def _calculate(qtbot: QtBot, page: PayrollPage) -> None:
    with qtbot.waitSignal(page.data_changed, timeout=30000):
        assert page.calculate() is not None
    qtbot.waitUntil(lambda: page.op is None)


def _banner(page: PayrollPage) -> str:
    return page.banner.text()


def test_without_users_the_banner_still_says_lock(qtbot: QtBot, example_db: Database) -> None:
    page = _page(qtbot, example_db)
    _calculate(qtbot, page)
    assert "核对无误后锁定" in _banner(page) and "签核" not in _banner(page)


def test_with_the_chain_the_banner_names_the_next_sign_off(qtbot: QtBot, example_db: Database) -> None:
    db = add_chain(example_db, (("clara", "clerk"), ("rita", "reviewer"), ("carl", "checker"), ("alan", "approver")), ("review", "check", "approve"))
    db.acting_user = "clara"
    page = _page(qtbot, db)
    _calculate(qtbot, page)
    text = _banner(page)
    assert "锁定。" not in text and "核对无误后锁定" not in text
    assert "下一步：审核（需角色 审核）" in text and text.startswith(f"{MONTH} 已核算")
    set_language("en")
    try:
        page.refresh()
        assert "once checked, sign off. Next: the review (the reviewer role)." in _banner(page)
    finally:
        set_language("zh")
        page.refresh()

    for who, step, after, title in (("rita", "review", "下一步：复核（需角色 复核）", "已审核"),
                                    ("carl", "check", "下一步：签批（需角色 签批），签批即锁定", "已复核")):
        db.acting_user = who
        page.refresh()
        qtbot.mouseClick(page.signoffs.buttons[step], Qt.MouseButton.LeftButton)
        text = _banner(page)
        assert after in text and text.startswith(f"{MONTH} {title}"), text
    db.acting_user = "alan"
    page.refresh()
    qtbot.mouseClick(page.signoffs.buttons["approve"], Qt.MouseButton.LeftButton)
    assert _banner(page).startswith(f"{MONTH} 已锁定") and "下一步" not in _banner(page)
