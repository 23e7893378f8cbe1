"""The background staleness check recomputes a month only after the data changed (ui/pending_check.py).

Each answer is remembered with the database's data-change counter; showing the page again while
the counter stands still answers from memory (``PendingCheck.recomputations`` does not move), and a
write — from this window's database object or from another one, as another program's — makes the
next check recompute. Real SQLite, real pages, waits on the pages' own signals.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtCore import QThreadPool
from pytestqt.qtbot import QtBot

from app.i18n import set_language
from app.services.rewards import AdjustmentInput, add_adjustment
from db.session import Database
from tests.reports.conftest import MONTH, build_example
from ui.pages.overview_page import OverviewPage
from ui.pages.payroll_page import PayrollPage

pytestmark = pytest.mark.gui


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    """The worked example, calculated for 2026-10."""
    database = build_example(tmp_path / "example")
    yield database
    QThreadPool.globalInstance().waitForDone(10000)  # no check may outlive the database
    database.dispose()


def adjust(db: Database, amount: str) -> None:
    """A back payment for A002 entered after the month was calculated (a write transaction)."""
    with db.session_scope(write=True) as session:
        add_adjustment(session, AdjustmentInput("A002", MONTH, Decimal(amount), "补发", "补发交通费"))


def payroll_page(qtbot: QtBot, db: Database) -> PayrollPage:
    page = PayrollPage(db)
    qtbot.addWidget(page)
    page.resize(1400, 860)
    page.show()
    return page


def shown_again(qtbot: QtBot, page: PayrollPage | OverviewPage) -> None:
    """What the main window does when the page is shown again: refresh it, and wait for its check's answer."""
    with qtbot.waitSignal(page.pending_checked, timeout=30000) as blocker:
        page.refresh()
    assert blocker.args == [MONTH]


def test_showing_the_page_again_recomputes_only_after_a_change(qtbot: QtBot, db: Database) -> None:
    page = payroll_page(qtbot, db)
    with qtbot.waitSignal(page.pending_checked, timeout=30000):
        page.set_month(MONTH)
    assert page.checker.recomputations == 1 and not page.banner.stale

    shown_again(qtbot, page)
    shown_again(qtbot, page)
    assert page.checker.recomputations == 1  # the data did not change: answered from memory
    assert not page.banner.stale and page.pending == []

    adjust(db, "100")  # this window's own write
    shown_again(qtbot, page)
    assert page.checker.recomputations == 2
    assert page.banner.stale and [c.code for c in page.pending] == ["A002"]
    assert "1 人的结果将改变（实发合计 +100.00）" in page.banner.text()

    shown_again(qtbot, page)
    assert page.checker.recomputations == 2  # the remembered answer is the stale one, still shown
    assert page.banner.stale and [c.code for c in page.pending] == ["A002"]

    other = Database(db.path)  # another program on the same file
    try:
        adjust(other, "50")
    finally:
        other.dispose()
    shown_again(qtbot, page)
    assert page.checker.recomputations == 3
    assert "1 人的结果将改变（实发合计 +150.00）" in page.banner.text()


def test_a_remembered_answer_is_per_language(qtbot: QtBot, db: Database) -> None:
    adjust(db, "100")
    page = payroll_page(qtbot, db)
    with qtbot.waitSignal(page.pending_checked, timeout=30000):
        page.set_month(MONTH)
    assert page.checker.recomputations == 1
    set_language("en")
    shown_again(qtbot, page)
    assert page.checker.recomputations == 2  # the answer's words are the language's
    assert "changes the pay of 1 agent (total net +100.00)" in page.banner.text()
    shown_again(qtbot, page)
    assert page.checker.recomputations == 2


def test_the_overview_and_the_payroll_page_share_the_answers(qtbot: QtBot, db: Database) -> None:
    overview = OverviewPage(db)
    qtbot.addWidget(overview)
    overview.show()
    with qtbot.waitSignal(overview.pending_checked, timeout=30000):
        overview.set_month(MONTH)
    assert overview.checker.recomputations == 1

    page = payroll_page(qtbot, db)
    with qtbot.waitSignal(page.pending_checked, timeout=30000):
        page.set_month(MONTH)
    assert page.checker.recomputations == 0 and not page.banner.stale  # the overview's answer
