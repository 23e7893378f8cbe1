"""概览 page in the main window, on the docs/pay-rules.md §6 worked example: the month's steps follow what
the other pages do (import, calculate, lock), a step's button opens its page, a new month reloads."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QStyleOptionViewItem
from pytestqt.qtbot import QtBot

from app.i18n import set_language
from app.money import fmt_money
from app.services.imports import commit_import
from app.services.overview import ATTENTION, DONE, TODO
from app.services.payroll import calculate_month, lock_month, show_month
from app.services.setup import initialise
from db.session import Database
from ui.main_window import MainWindow
from ui.pages.overview_page import OverviewPage
from ui.pages.payroll_page import PayrollPage
from ui.pages.quality_page import QualityPage
from ui.pages.reports_page import ReportsPage

from .loading import loaded

pytestmark = pytest.mark.gui

EXAMPLE = Path(__file__).resolve().parents[1] / "acceptance" / "worked_example"
MONTH = "2026-10"


def imported(db: Database, *kinds: str) -> Database:
    with db.session_scope() as session:
        initialise(session)
        for kind in kinds:
            commit_import(session, kind, EXAMPLE / f"{kind}.csv")
    return db


def open_window(qtbot: QtBot, db: Database) -> tuple[MainWindow, OverviewPage]:
    window = MainWindow(db, month=MONTH)
    qtbot.addWidget(window)
    window.resize(1440, 900)
    window.show()
    page = window.pages["overview"]
    assert isinstance(page, OverviewPage)
    return window, loaded(page)  # the overview reads its month off the GUI thread


def show_overview(window: MainWindow, page: OverviewPage) -> None:
    """Show the overview, and wait for what it reads (when it reads anything)."""
    window.show_area("overview")
    loaded(page)


def marks(page: OverviewPage) -> dict[str, str]:
    return {key: row.mark for key, row in page.steps.items()}


def next_steps(page: OverviewPage) -> list[str]:
    return [key for key, row in page.steps.items() if row.next_tag.isVisibleTo(page)]


def test_quality_step_follows_an_import_on_the_quality_page(
    qtbot: QtBot, empty_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = imported(empty_db, "agents", "sales", "metrics", "attendance", "praise", "complaints")
    window, page = open_window(qtbot, db)
    assert marks(page)["agents"] == DONE and marks(page)["sales"] == DONE
    assert marks(page)["quality"] == TODO
    assert page.steps["quality"].summary.text() == "还没有质检记录；3 人没有质检评分"
    assert next_steps(page) == ["quality"]

    qtbot.mouseClick(page.steps["quality"].button, Qt.MouseButton.LeftButton)
    quality = window.pages["quality"]
    assert isinstance(quality, QualityPage) and window.current_key() == "quality"
    monkeypatch.setattr(quality, "ask_open_file", lambda: EXAMPLE / "qa.csv")
    flow = quality.import_file()
    assert flow is not None
    qtbot.waitUntil(lambda: flow.dialog is not None, timeout=10_000)
    assert flow.dialog is not None
    with qtbot.waitSignal(quality.data_changed, timeout=10_000):
        qtbot.mouseClick(flow.dialog.commit_button, Qt.MouseButton.LeftButton)
    assert flow.message is not None
    flow.message.close()

    show_overview(window, page)
    assert marks(page)["quality"] == ATTENTION
    assert page.steps["quality"].summary.text() == "6 条质检记录；1 人没有有效质检评分"
    assert next_steps(page) == ["calculate"]


def test_calculate_and_lock_on_the_payroll_page_show_on_the_overview(
    qtbot: QtBot, empty_db: Database
) -> None:
    db = imported(empty_db, "agents", "sales", "qa", "metrics", "attendance", "praise", "complaints")
    window, page = open_window(qtbot, db)
    assert page.banner.status == "open"
    assert not page.figures_box.isVisibleTo(page)
    assert (marks(page)["calculate"], marks(page)["lock"], marks(page)["reports"]) == (TODO, TODO, TODO)
    assert page.progress.text() == "已完成 5 / 8 步"

    qtbot.mouseClick(page.steps["calculate"].button, Qt.MouseButton.LeftButton)
    payroll = window.pages["payroll"]
    assert isinstance(payroll, PayrollPage) and window.current_key() == "payroll"
    payroll.confirm = lambda title, text: True  # type: ignore[method-assign]
    with qtbot.waitSignal(payroll.data_changed, timeout=30_000):
        assert payroll.calculate() is not None
    qtbot.waitUntil(lambda: payroll.op is None, timeout=30_000)

    show_overview(window, page)
    with db.session_scope() as session:
        result = show_month(session, MONTH)
    assert page.banner.status == "calculated"
    assert page.figures_box.isVisibleTo(page)
    assert page.figures["net"].text() == fmt_money(result.net) == "14591.91"
    assert page.figures["gross"].text() == fmt_money(result.gross)
    assert page.figures["deductions"].text() == fmt_money(result.deductions)
    assert page.figures["headcount"].text() == "3"
    assert page.figures["warnings"].text() == "1"  # A002 has no QA evaluation
    assert marks(page)["calculate"] == ATTENTION
    assert "实发合计 14591.91 元" in page.steps["calculate"].summary.text()
    assert next_steps(page) == ["lock"]

    qtbot.mouseClick(page.steps["lock"].button, Qt.MouseButton.LeftButton)
    assert window.current_key() == "payroll"
    with qtbot.waitSignal(payroll.data_changed, timeout=30_000):
        assert payroll.lock() is not None
    qtbot.waitUntil(lambda: payroll.op is None, timeout=30_000)

    show_overview(window, page)
    assert page.banner.status == "locked"
    assert marks(page)["lock"] == DONE and marks(page)["calculate"] == DONE
    assert "已锁定" in page.steps["lock"].summary.text()
    assert next_steps(page) == ["reports"]
    assert page.progress.text() == "已完成 7 / 8 步"


def test_payslips_and_summary_written_on_the_reports_page_show_on_the_overview(
    qtbot: QtBot, empty_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = imported(empty_db, "agents", "sales", "qa", "metrics", "attendance", "praise", "complaints")
    with db.session_scope() as session:
        calculate_month(session, MONTH)
        lock_month(session, MONTH)
    window, page = open_window(qtbot, db)
    assert marks(page)["reports"] == TODO
    assert "工资条尚未生成" in page.steps["reports"].summary.text()

    qtbot.mouseClick(page.steps["reports"].button, Qt.MouseButton.LeftButton)
    reports = window.pages["reports"]
    assert isinstance(reports, ReportsPage) and window.current_key() == "reports"
    monkeypatch.setattr(reports, "ask_directory", lambda: tmp_path)
    monkeypatch.setattr(reports, "ask_save_file", lambda suggested, title=None: tmp_path / suggested)
    with qtbot.waitSignal(reports.data_changed, timeout=30_000) as blocker:
        assert reports.write_payslips() is not None
    assert blocker.args == ["handout"]
    qtbot.waitUntil(lambda: reports.op is None, timeout=30_000)
    assert len(list(tmp_path.glob("*.pdf"))) == 3

    show_overview(window, page)  # the month is not changed: the page is current all the same
    assert "工资条已生成" in page.steps["reports"].summary.text()
    assert "汇总表尚未导出" in page.steps["reports"].summary.text()
    assert marks(page)["reports"] == TODO

    window.show_area("reports")
    with qtbot.waitSignal(reports.data_changed, timeout=30_000):
        assert reports.export_summary() is not None
    qtbot.waitUntil(lambda: reports.op is None, timeout=30_000)
    show_overview(window, page)
    assert "汇总表已导出" in page.steps["reports"].summary.text()
    assert marks(page)["reports"] == DONE


def test_every_step_button_opens_its_page(qtbot: QtBot, empty_db: Database) -> None:
    window, page = open_window(qtbot, imported(empty_db, "agents"))
    expected = {
        "agents": "agents",
        "attendance": "attendance",
        "quality": "quality",
        "sales": "sales",
        "rewards": "rewards",
        "calculate": "payroll",
        "lock": "payroll",
        "reports": "reports",
    }
    assert list(page.steps) == list(expected)
    for key, area in expected.items():
        show_overview(window, page)
        with qtbot.waitSignal(page.navigate) as blocker:
            qtbot.mouseClick(page.steps[key].button, Qt.MouseButton.LeftButton)
        assert blocker.args == [area]
        assert window.current_key() == area
        assert window.stack.currentWidget() is window.pages[area]

    show_overview(window, page)
    qtbot.mouseClick(page.result_button, Qt.MouseButton.LeftButton)
    assert window.current_key() == "payroll"


def test_the_next_pill_is_a_button_to_the_next_steps_page(qtbot: QtBot, empty_db: Database) -> None:
    db = imported(empty_db, "agents", "sales", "metrics", "attendance", "praise", "complaints")
    window, page = open_window(qtbot, db)
    assert next_steps(page) == ["quality"]
    pill = page.steps["quality"].next_tag
    assert pill.isEnabled() and "质检" in pill.toolTip()
    with qtbot.waitSignal(page.navigate) as blocker:
        qtbot.mouseClick(pill, Qt.MouseButton.LeftButton)
    assert blocker.args == ["quality"]
    assert window.current_key() == "quality"
    assert window.stack.currentWidget() is window.pages["quality"]


def test_without_a_plan_the_calculate_step_opens_the_plan_page(qtbot: QtBot, empty_db: Database) -> None:
    window, page = open_window(qtbot, empty_db)  # not even initialised: no agents, no plan
    assert page.hint.isVisibleTo(page) and "还没有任何人员" in page.hint.text()
    assert next_steps(page) == ["agents"]
    assert page.steps["calculate"].mark == ATTENTION
    with qtbot.waitSignal(page.navigate) as blocker:
        qtbot.mouseClick(page.steps["calculate"].button, Qt.MouseButton.LeftButton)
    assert blocker.args == ["plan"]
    assert window.current_key() == "plan"


def test_month_change_reloads_the_overview(qtbot: QtBot, empty_db: Database) -> None:
    db = imported(empty_db, "agents", "sales", "qa", "metrics", "attendance", "praise", "complaints")
    window, page = open_window(qtbot, db)
    assert page.heading.text() == "2026-10 概览"
    assert page.steps["sales"].summary.text() == "本月签单 6 张保单"
    assert page.steps["agents"].summary.text().startswith("本月计薪 3 人")

    with qtbot.waitSignal(window.month_changed):
        window.month_selector.set_month("2026-09")
    assert page.heading.text() == "2026-09 概览（加载中…）" and page.progress.text() == "加载中…"  # said at once
    assert not page.banner.isVisibleTo(page)  # not October's status under September's heading
    assert not page.steps_box.isEnabled()  # October's steps, greyed out until September's come
    loaded(page)
    assert page.steps_box.isEnabled() and page.banner.isVisibleTo(page)
    assert page.steps["sales"].summary.text() == "本月还没有签单保单"
    assert page.steps["agents"].summary.text().startswith("本月计薪 2 人")  # A002 joined in October
    assert marks(page)["sales"] == TODO

    window.month_selector.set_month(MONTH)
    assert marks(loaded(page))["sales"] == DONE


def test_english_overview(qtbot: QtBot, empty_db: Database) -> None:
    set_language("en")
    _window, page = open_window(qtbot, imported(empty_db, "agents", "qa"))
    assert page.heading.text() == "Overview of 2026-10"
    assert page.steps["quality"].title.text() == "Quality"
    assert page.steps["quality"].summary.text() == "6 QA evaluations; 1 agent without a valid one"
    assert page.steps["calculate"].button.text() == "Open Payroll"


def popup_text(window: MainWindow, month: str) -> str:
    """What the month selector's drop-down shows for ``month`` (its delegate adds the status)."""
    combo = window.month_selector._combo
    index = combo.findText(month)
    assert index >= 0
    view = combo.view()
    option = QStyleOptionViewItem()
    option.initFrom(view)
    view.itemDelegate().initStyleOption(option, combo.model().index(index, 0))  # type: ignore[attr-defined]
    return str(option.text)  # type: ignore[attr-defined]


def test_month_selector_shows_each_months_status_and_follows_calculate_lock_unlock(
    qtbot: QtBot, empty_db: Database
) -> None:
    db = imported(empty_db, "agents", "sales", "qa", "metrics", "attendance", "praise", "complaints")
    with db.session_scope() as session:
        calculate_month(session, "2026-09")
        lock_month(session, "2026-09")
    window, page = open_window(qtbot, db)
    selector = window.month_selector
    combo = selector._combo
    assert (selector.status("2026-09"), selector.status(MONTH)) == ("locked", "open")
    assert popup_text(window, "2026-09") == "2026-09   已锁定"
    assert popup_text(window, MONTH) == "2026-10   未核算"
    assert combo.currentText() == MONTH  # the item text stays the bare month the pages use
    assert "未核算" in combo.toolTip()
    assert not combo.itemIcon(combo.findText("2026-09")).isNull()
    assert combo.itemData(combo.findText("2026-09"), Qt.ItemDataRole.ToolTipRole) == "2026-09：已锁定"

    payroll = window.show_area("payroll")
    assert isinstance(payroll, PayrollPage)
    payroll.confirm = lambda title, text: True  # type: ignore[method-assign]
    with qtbot.waitSignal(payroll.data_changed, timeout=30_000):
        assert payroll.calculate() is not None
    qtbot.waitUntil(lambda: payroll.op is None, timeout=30_000)
    assert selector.status(MONTH) == "calculated"
    assert popup_text(window, MONTH) == "2026-10   已核算"
    assert "已核算" in combo.toolTip()

    with qtbot.waitSignal(payroll.data_changed, timeout=30_000):
        assert payroll.lock() is not None
    qtbot.waitUntil(lambda: payroll.op is None, timeout=30_000)
    assert popup_text(window, MONTH) == "2026-10   已锁定"

    dialog = payroll.unlock()
    assert dialog is not None
    dialog.reason_edit.setPlainText("补录考勤")
    with qtbot.waitSignal(payroll.data_changed, timeout=30_000):
        dialog.ok_button.click()  # type: ignore[attr-defined]
    assert popup_text(window, MONTH) == "2026-10   已核算"

    with qtbot.waitSignal(window.month_changed):
        combo.setCurrentIndex(combo.findText("2026-09"))
    assert window.month() == "2026-09" and "已锁定" in combo.toolTip()
