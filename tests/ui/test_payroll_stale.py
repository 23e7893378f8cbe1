"""月度核算 page: a calculated month whose records changed afterwards says so, checked off the GUI thread.

The worked example is calculated for 2026-10 through the services; the changes are made
through the services too, and every wait is on a signal of the page or of its check.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtCore import QThreadPool
from pytestqt.qtbot import QtBot

from app.i18n import set_language
from app.services.overview import ATTENTION
from app.services.payroll import calculate_month
from app.services.rewards import AdjustmentInput, add_adjustment
from db.session import Database
from tests.reports.conftest import MONTH, build_example
from ui.main_window import MainWindow
from ui.ops import Op
from ui.pages.overview_page import OverviewPage
from ui.pages.payroll_page import PayrollPage

pytestmark = pytest.mark.gui

OTHER = "2026-11"


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    """The worked example, calculated for 2026-10 (and 2026-11, so there is another calculated month)."""
    database = build_example(tmp_path / "example")
    with database.session_scope() as session:
        calculate_month(session, OTHER)
    yield database
    QThreadPool.globalInstance().waitForDone(10000)  # no check may outlive the database
    database.dispose()


def change_a002(db: Database) -> None:
    """A 100.00 back payment for A002 (net 2997.97), entered after the month was calculated."""
    with db.session_scope() as session:
        add_adjustment(session, AdjustmentInput("A002", MONTH, Decimal("100"), "补发", "补发交通费"))


def new_page(qtbot: QtBot, db: Database) -> PayrollPage:
    page = PayrollPage(db)
    qtbot.addWidget(page)
    page.resize(1400, 860)
    page.show()
    return page


def show_checked(qtbot: QtBot, page: PayrollPage, month: str) -> None:
    """Show ``month`` and wait until the page has the answer of its check."""
    with qtbot.waitSignal(page.pending_checked, timeout=30000) as blocker:
        page.set_month(month)
    assert blocker.args == [month]


def recheck(qtbot: QtBot, page: PayrollPage) -> None:
    """What the main window does when the page is shown after another page changed data."""
    with qtbot.waitSignal(page.pending_checked, timeout=30000):
        page.refresh()


def pending_tab_visible(page: PayrollPage) -> bool:
    return page.tabs.isTabVisible(page.tabs.indexOf(page.pending_panel))


def recalculate(qtbot: QtBot, page: PayrollPage) -> None:
    op = page.calculate()
    assert op is not None
    with qtbot.waitSignal(op.finished, timeout=30000):
        pass


def test_a_change_after_calculating_warns_until_recalculated(qtbot: QtBot, db: Database) -> None:
    page = new_page(qtbot, db)
    show_checked(qtbot, page, MONTH)
    assert not page.banner.stale and page.pending == []
    assert "与当前记录一致" in page.banner.text()
    assert not pending_tab_visible(page)
    assert page.lock_button.isEnabled()

    change_a002(db)
    recheck(qtbot, page)

    banner = page.banner.text()
    assert page.banner.stale and page.banner.status == "calculated"
    assert "计算后数据有变动，请重新计算" in banner
    assert "1 人的结果将改变（实发合计 +100.00）" in banner
    assert "#fff3e0" in page.banner.styleSheet()  # the amber look, not the calm blue of a current result
    first = page.warnings_model.texts()[0]
    assert first.startswith("计算后数据有变动")
    assert "A002 李四 实发 2997.97 → 3097.97（+100.00）" in first
    assert pending_tab_visible(page)
    assert page.tabs.tabText(page.tabs.indexOf(page.pending_panel)) == "重新计算后将改变（1）"
    rows = [page.pending_panel.model.row_texts(r) for r in range(page.pending_panel.model.rowCount())]
    assert rows == [
        ("A002", "李四", "实发", "2997.97", "3097.97", "+100.00"),
        ("", "", "其他调整", "0.00", "100.00", "+100.00"),
    ]
    assert "点击“计算”后才生效" in page.pending_panel.summary.text()
    assert not page.lock_button.isEnabled() and "重新计算" in page.lock_button.toolTip()
    asked: list[str] = []
    page.confirm = lambda title, _text: asked.append(title) or False  # type: ignore[method-assign]
    assert page.lock() is None and asked == []  # not even asked: it would be refused
    assert page.payslips_button.isEnabled()  # drafts may still be printed; the banner says they are old

    page.warnings_view.selectRow(0)
    page._on_warning_double_click()
    assert page.tabs.currentWidget() is page.pending_panel

    recalculate(qtbot, page)
    assert not page.banner.stale and page.pending == []
    assert "计算后数据有变动" not in page.banner.text()
    assert not any("计算后数据有变动" in t for t in page.warnings_model.texts())
    assert not pending_tab_visible(page)
    assert page.lock_button.isEnabled()
    assert page.tabs.currentWidget() is page.changes  # what the recalculation did: the same +100.00
    assert "1 人的工资有变化" in page.changes.summary.text()


def test_the_warning_is_in_english_too(qtbot: QtBot, db: Database) -> None:
    set_language("en")
    change_a002(db)
    page = new_page(qtbot, db)
    show_checked(qtbot, page, MONTH)
    assert "please recalculate" in page.banner.text()
    assert "changes the pay of 1 agent (total net +100.00)" in page.banner.text()
    assert "A002 李四 net 2997.97 → 3097.97 (+100.00)" in page.warnings_model.texts()[0]
    assert page.tabs.tabText(page.tabs.indexOf(page.pending_panel)) == "Will change on recalculation (1)"


def test_the_main_window_rechecks_when_the_page_is_shown_after_a_change(qtbot: QtBot, db: Database) -> None:
    window = MainWindow(db, month=MONTH)
    qtbot.addWidget(window)
    window.show()
    page = window.pages["payroll"]
    assert isinstance(page, PayrollPage)
    assert window.current_key() == "overview" and page.check_op is None  # a hidden page is not checked
    with qtbot.waitSignal(page.pending_checked, timeout=30000) as blocker:
        window.show_area("payroll")
    assert blocker.args == [MONTH] and not page.banner.stale
    assert window.month_status_label.text() == f"{MONTH}：已核算（未锁定）"

    window.show_area("rewards")
    change_a002(db)
    window.pages["rewards"].data_changed.emit("rewards")  # what the rewards page says after saving
    assert page.check_op is None and not page.banner.stale
    with qtbot.waitSignal(page.pending_checked, timeout=30000):
        window.show_area("payroll")
    assert page.banner.stale and "1 人的结果将改变" in page.banner.text()
    assert page.warnings_model.texts()[0].startswith("计算后数据有变动")
    assert "需重新计算" in window.month_status_label.text()  # the status bar says so on every page
    window.set_month(OTHER)
    assert "需重新计算" not in window.month_status_label.text()


def test_changing_month_while_a_check_runs_drops_its_answer(qtbot: QtBot, db: Database) -> None:
    change_a002(db)  # 2026-10 is stale, 2026-11 is current
    page = new_page(qtbot, db)
    page.set_month(MONTH)
    october = page.check_op
    assert october is not None
    seen: list[tuple[str, bool, bool]] = []
    october.finished.connect(lambda: seen.append((page.month, page.stale, page.banner.stale)))
    with qtbot.waitSignal(page.pending_checked, timeout=30000) as blocker:
        page.set_month(OTHER)
        assert page.check_op is not october
    assert blocker.args == [OTHER]
    if not seen:
        with qtbot.waitSignal(october.finished, timeout=30000):
            pass
    assert seen == [(OTHER, False, False)]  # October's answer came while November was shown: dropped
    assert not page.banner.stale and OTHER in page.banner.title.text()
    assert not any("计算后数据有变动" in t for t in page.warnings_model.texts())
    assert not pending_tab_visible(page)


def test_a_check_running_when_the_user_calculates_is_dropped(qtbot: QtBot, db: Database) -> None:
    change_a002(db)
    page = new_page(qtbot, db)
    page.set_month(MONTH)
    check = page.check_op
    assert check is not None
    seen: list[bool] = []
    check.finished.connect(lambda: seen.append(page.stale))
    op: Op | None = page.calculate()  # while the check still runs: its answer will be out of date
    assert op is not None
    with qtbot.waitSignal(op.finished, timeout=30000):
        pass
    if not seen:
        with qtbot.waitSignal(check.finished, timeout=30000):
            pass
    assert seen == [False]  # the answer about the old result never showed
    assert not page.banner.stale and page.pending == []
    assert page.check_op is None  # the recalculated result needs no second check


def test_the_overview_marks_the_calculate_step_of_a_stale_month(qtbot: QtBot, db: Database) -> None:
    change_a002(db)
    page = OverviewPage(db)
    qtbot.addWidget(page)
    page.show()
    with qtbot.waitSignal(page.pending_checked, timeout=30000) as blocker:
        page.set_month(MONTH)
        assert (
            "计算后数据有变动" not in page.steps["calculate"].summary.text()
        )  # the refresh itself stays quick
    assert blocker.args == [MONTH]
    assert page.steps["calculate"].mark == ATTENTION
    assert "计算后数据有变动，重新计算后 1 人的结果将改变" in page.steps["calculate"].summary.text()
    assert "先重新计算" in page.steps["lock"].summary.text()
    assert page.steps["calculate"].next_tag.isVisible() and not page.steps["lock"].next_tag.isVisible()
    assert page.progress.text() == "已完成 5 / 8 步"  # the stale calculation is not counted as done

    with qtbot.waitSignal(page.pending_checked, timeout=30000):
        page.set_month(OTHER)  # calculated, and nothing changed since
    assert "计算后数据有变动" not in page.steps["calculate"].summary.text()
    assert "先重新计算" not in page.steps["lock"].summary.text()


def test_an_answer_read_before_a_recalculation_is_dropped(
    qtbot: QtBot, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A check that read the records before the user recalculated must not call the new result stale.

    The real check runs, then waits for a signal before answering (as a slow check on a big branch
    would still be running), while the user recalculates on the payroll page.
    """
    import threading

    import ui.pending_check as pending_check_module

    change_a002(db)  # 2026-10 is stale
    real = pending_check_module.pending_changes
    release = threading.Event()
    answered_stale: list[bool] = []

    def held(session: object, month: str, *, lang: str = "zh") -> object:
        changes = real(session, month, lang=lang)  # type: ignore[arg-type]
        answered_stale.append(bool(changes))
        release.wait(20)
        return changes

    monkeypatch.setattr(pending_check_module, "pending_changes", held)
    window = MainWindow(db, month=MONTH)
    qtbot.addWidget(window)
    window.show()
    overview = window.pages["overview"]
    page = window.pages["payroll"]
    assert isinstance(overview, OverviewPage) and isinstance(page, PayrollPage)
    qtbot.waitUntil(lambda: answered_stale == [True], timeout=10000)  # the overview's check has read
    old_check = overview.check_op
    assert old_check is not None
    window.show_area("payroll")
    op = page.calculate()
    assert op is not None
    with qtbot.waitSignal(op.finished, timeout=30000):
        pass
    release.set()  # now the old checks answer "stale"
    with qtbot.waitSignal(old_check.finished, timeout=30000):
        pass
    QThreadPool.globalInstance().waitForDone(10000)
    qtbot.wait(50)  # let the queued answers arrive
    assert not page.banner.stale
    assert "需重新计算" not in window.month_status_label.text()
    assert window.month_status_label.text() == f"{MONTH}：已核算（未锁定）"
