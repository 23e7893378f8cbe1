from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

import main
from app import APP_NAME, __version__
from app.calendar import shift_month
from app.i18n import set_language
from app.services.backups import list_backups
from db.session import Database
from ui.main_window import MainWindow
from ui.pages import AREAS, PAGE_FACTORIES, Page, PlaceholderPage
from ui.pages.agents_page import AgentsPage
from ui.pages.base import DATA_KINDS
from ui.pages.overview_page import OverviewPage
from ui.pages.sales_page import SalesPage
from ui.widgets.month_selector import default_month

from .loading import loaded

pytestmark = pytest.mark.gui


@pytest.fixture
def window(qtbot: QtBot, db: Database) -> MainWindow:
    win = MainWindow(db, month="2025-03")
    qtbot.addWidget(win)
    win.show()
    return win


def test_window_opens_with_every_area(window: MainWindow) -> None:
    assert window.sidebar.count() == len(AREAS) == 12
    titles = [window.sidebar.item(i).text() for i in range(window.sidebar.count())]
    assert titles == ["概览", "人员", "考勤", "质检", "保单", "奖惩", "申诉", "月度核算", "方案", "报表", "趋势", "设置"]
    assert window.current_key() == "overview"
    assert window.title_label.text() == "概览"
    assert str(window.db.path) in window.db_label.text()
    assert "2025-03" in window.month_status_label.text()
    assert "未核算" in window.month_status_label.text()


def test_sidebar_switches_pages(qtbot: QtBot, window: MainWindow) -> None:
    window.sidebar.setCurrentRow(1)
    assert window.stack.currentWidget() is window.pages["agents"]
    assert isinstance(window.pages["agents"], AgentsPage)
    assert window.title_label.text() == "人员"
    qtbot.keyClick(window.sidebar, Qt.Key.Key_Down)
    assert window.current_key() == "attendance"


def test_unbuilt_areas_say_so_and_show_nothing_fake(window: MainWindow) -> None:
    for area in AREAS:
        page = window.pages[area.key]
        if area.key in PAGE_FACTORIES:
            assert not isinstance(page, PlaceholderPage)
            continue
        assert isinstance(page, PlaceholderPage)
        texts = [label.text() for label in page.findChildren(QLabel)]
        assert area.zh in texts
        assert "此功能尚未提供" in texts


def test_month_selector_reaches_every_page(qtbot: QtBot, window: MainWindow) -> None:
    assert {page.month for page in window.pages.values()} == {"2025-03"}
    with qtbot.waitSignal(window.month_changed) as blocker:
        window.month_selector._next.click()
    assert blocker.args == ["2025-04"]
    assert {page.month for page in window.pages.values()} == {"2025-04"}
    assert "2025-04" in window.month_status_label.text()
    window.month_selector.set_month("2019-01")  # older than the list: inserted, still followed
    assert window.month() == "2019-01"
    assert {page.month for page in window.pages.values()} == {"2019-01"}


def test_default_month_is_the_month_before_today(qtbot: QtBot, db: Database) -> None:
    win = MainWindow(db)
    qtbot.addWidget(win)
    assert win.month() == default_month()
    assert default_month(date(2026, 1, 15)) == "2025-12" and default_month(date(2026, 10, 31)) == "2026-09"
    assert shift_month("2026-01", -1) == "2025-12"


def test_overview_shows_real_counts_and_follows_agent_changes(qtbot: QtBot, window: MainWindow) -> None:
    overview = window.pages["overview"]
    assert isinstance(overview, OverviewPage)
    loaded(overview)  # read off the GUI thread
    agents_step = overview.steps["agents"].summary
    # B002 leaves on 2025-03-31, so all four are paid for March; three are still active.
    assert agents_step.text() == "本月计薪 4 人（本月离职 1 人）；名册在职 3 人、已离职 1 人"
    assert overview.banner.title.text() == "2025-03 未核算"

    agents = window.show_area("agents")
    assert isinstance(agents, AgentsPage)
    agents.select_code("A001")
    dialog = agents.deactivate_selected()
    assert dialog is not None
    dialog.accept()
    window.show_area("overview")
    loaded(overview)
    assert "名册在职 2 人、已离职 2 人" in agents_step.text()


def test_overview_guides_an_empty_database(qtbot: QtBot, empty_db: Database) -> None:
    win = MainWindow(empty_db, month="2025-03")
    qtbot.addWidget(win)
    overview = win.pages["overview"]
    assert isinstance(overview, OverviewPage)
    assert "还没有任何人员" in loaded(overview).hint.text()


def test_bare_window_backs_up_but_does_not_restore_and_about_shows_version(
    qtbot: QtBot, window: MainWindow
) -> None:
    # Without the app shell the window cannot swap its database, so there is no 恢复…; backing up works.
    assert window.restore_action is None
    assert window.backup_action.isEnabled()
    assert list_backups(window.db.path) == []
    op = window.backup_now()
    with qtbot.waitSignal(op.finished, timeout=30000):
        pass
    (backup,) = list_backups(window.db.path)
    assert backup.path.is_file() and backup.path.stat().st_size > 0
    assert window.message is not None and "备份完成" in window.message.text()
    window.message.close()  # left open it would sit over the next test's window as a modal box
    box = window.show_about()
    assert APP_NAME in box.text() and __version__ in box.text()
    box.close()


def test_english_window(qtbot: QtBot, db: Database) -> None:
    set_language("en")
    win = MainWindow(db, month="2025-03")
    qtbot.addWidget(win)
    assert win.sidebar.item(1).text() == "Agents"
    assert "not calculated" in win.month_status_label.text()


def test_build_window_opens_and_migrates(qtbot: QtBot, tmp_path: Path) -> None:
    path = tmp_path / "sub" / "new.sqlite3"
    win = main.build_window(path, month="2025-01")
    qtbot.addWidget(win)
    assert path.exists()
    assert win.month() == "2025-01"
    win.db.dispose()


def test_main_version_and_arguments(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main.main(["--version"]) == 0
    assert __version__ in capsys.readouterr().out
    args = main.parse_args(["--db", str(tmp_path / "x.sqlite3"), "--lang", "en"])
    assert args.db == tmp_path / "x.sqlite3" and args.lang == "en"
    from db.session import default_db_path
    from ui.preferences import LAST_DATABASE, set_preference

    set_preference(LAST_DATABASE, str(tmp_path / "gone.sqlite3"))  # remembered, but the file is gone
    assert main.parse_args([]).db == default_db_path()


@pytest.fixture
def loads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The pages that loaded data, in order: every page class's ``refresh`` is spied on (and still runs)."""
    calls: list[str] = []
    for factory in set(PAGE_FACTORIES.values()):
        assert isinstance(factory, type) and issubclass(factory, Page)
        real = factory.refresh

        def spy(self: Page, _real: Any = real) -> None:
            calls.append(self.objectName())
            _real(self)

        monkeypatch.setattr(factory, "refresh", spy)
    return calls


def test_only_the_page_shown_loads_at_start(qtbot: QtBot, db: Database, loads: list[str]) -> None:
    win = MainWindow(db, month="2025-03")
    qtbot.addWidget(win)
    win.show()
    month_loads = [name for name in loads if name]  # pages built without a month load nothing month-related
    assert month_loads == ["page_overview"]
    sales = win.pages["sales"]
    assert isinstance(sales, SalesPage) and sales.model.rowCount() == 0 and sales.month_due

    loads.clear()
    win.show_area("sales")
    assert loads == ["page_sales"] and not sales.month_due
    loads.clear()
    win.show_area("overview")
    win.show_area("sales")  # shown again, nothing changed: not loaded again
    assert loads == []


def test_a_month_change_reloads_only_the_page_in_view(qtbot: QtBot, window: MainWindow, loads: list[str]) -> None:
    window.show_area("sales")
    window.show_area("quality")
    loads.clear()
    window.set_month("2025-04")
    assert loads == ["page_quality"]
    assert {page.month for page in window.pages.values()} == {"2025-04"}  # every page knows the month
    assert window.pages["sales"].month_due and not window.pages["quality"].month_due

    loads.clear()
    window.show_area("sales")  # loads April when shown, once
    assert loads == ["page_sales"]
    window.set_month("2025-05")
    window.set_month("2025-04")  # back and forth while the overview is hidden: it loads once, when shown
    loads.clear()
    window.show_area("overview")
    assert loads == ["page_overview"]


def _stale_after(window: MainWindow, page_key: str, what: str) -> set[str]:
    window._stale.clear()
    window.pages[page_key].data_changed.emit(what)
    return set(window._stale)


def test_a_change_marks_stale_only_the_pages_that_show_that_data(qtbot: QtBot, window: MainWindow) -> None:
    everything = {"overview", "payroll", "reports"}
    agents = window.show_area("agents")
    assert isinstance(agents, AgentsPage)
    agents.select_code("A001")
    dialog = agents.deactivate_selected()
    assert dialog is not None
    window._stale.clear()
    dialog.accept()  # a real change: the agents page says "agents"
    assert window._stale == everything | {"attendance", "quality", "sales", "rewards", "appeals"}  # not plan, settings
    window.show_area("settings")
    assert _stale_after(window, "settings", "calendar") == everything | {"attendance"}
    assert _stale_after(window, "settings", "settings") == everything
    assert _stale_after(window, "plan", "plan") == everything | {"attendance", "quality", "sales", "rewards"}
    assert _stale_after(window, "payroll", "payroll") == {"overview", "reports", "attendance", "quality", "sales",
                                                          "rewards", "plan", "history"}  # 趋势 shows the results
    assert _stale_after(window, "quality", "quality") == everything | {"appeals"}
    # Payslips written / the summary exported: the overview's last step; the pay result is unchanged.
    assert _stale_after(window, "reports", "handout") == {"overview"}
    # A word nobody declared is taken to change everything (never a page left showing old data).
    assert _stale_after(window, "quality", "something new") == {key for key in window.pages} - {"quality", "settings"}


def test_every_word_a_page_says_or_reads_is_a_known_kind_of_data() -> None:
    import ast

    root = Path(__file__).resolve().parents[2] / "ui"
    said: set[str] = set()
    for path in root.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "emit"
                and isinstance(node.func.value, ast.Attribute)
                and node.func.value.attr == "data_changed"
            ):
                word = node.args[0] if len(node.args) == 1 else None
                assert isinstance(word, ast.Constant) and isinstance(word.value, str), f"{path}:{node.lineno}"
                said.add(word.value)
    assert said == DATA_KINDS  # every kind is said by some page, and no other word
    for key, factory in PAGE_FACTORIES.items():
        reads = getattr(factory, "reads", None)
        assert reads is None or reads <= DATA_KINDS, key


def test_main_opens_on_a_given_month(capsys: pytest.CaptureFixture[str]) -> None:
    assert main.parse_args(["--month", "2026-10"]).month == "2026-10"
    assert main.parse_args([]).month is None
    with pytest.raises(SystemExit):
        main.parse_args(["--month", "2026-13"])
    assert "not a month (YYYY-MM): '2026-13'" in capsys.readouterr().err


def test_ready_exit_reports_once_the_window_is_shown_and_quits(db: Database) -> None:
    """What ``benchmarks/bench_window.py`` times a cold start with."""
    import os
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", main.READY_ENV: "1", "PYTHONIOENCODING": "utf-8"}
    db.dispose()
    proc = subprocess.run(
        [sys.executable, "main.py", "--db", str(db.path), "--month", "2025-03"],
        cwd=root, env=env, capture_output=True, text=True, encoding="utf-8", timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    (line,) = proc.stdout.splitlines()
    assert line.startswith("ready ") and float(line.split()[1]) > 0


def test_window_title_names_the_branch_and_follows_the_settings(qtbot: QtBot, window: MainWindow) -> None:
    from ui.pages.settings_page import SettingsPage

    assert window.windowTitle() == f"客户服务中心 — {APP_NAME}"
    assert not window.demo_label.isVisibleTo(window)
    settings = window.show_area("settings")
    assert isinstance(settings, SettingsPage)
    settings.branch_name.setText("南山客服中心")
    with qtbot.waitSignal(settings.data_changed):
        assert settings.save()
    assert window.windowTitle() == f"南山客服中心 — {APP_NAME}"


def test_a_demo_branch_is_marked_as_demo_data(qtbot: QtBot, empty_db: Database) -> None:
    from app.services.demo import fill_demo

    with empty_db.session_scope(write=True) as session:
        fill_demo(session)
    win = MainWindow(empty_db, month="2025-03")
    qtbot.addWidget(win)
    win.show()
    assert win.windowTitle() == f"客户服务中心 — 演示数据 — {APP_NAME}"
    assert win.demo_label.isVisible() and win.demo_label.text() == "演示数据"
