"""GUI test fixtures: Qt runs offscreen; a small database with four agents."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Iterator  # noqa: E402
from datetime import date  # noqa: E402
from decimal import Decimal  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402
from pytestqt.qtbot import QtBot  # noqa: E402

from app.i18n import set_language  # noqa: E402
from app.services.agents import ROLES, AgentInput, add_agent  # noqa: E402
from db.session import Database  # noqa: E402
from ui.pages.agents_page import AgentsPage  # noqa: E402

AGENTS = (
    AgentInput("A001", "张三", Decimal("4000.00"), date(2024, 1, 1), role=ROLES[0], team="一组"),
    AgentInput("A002", "李四", Decimal("3500.50"), date(2024, 6, 1), role=ROLES[1], team="一组"),
    AgentInput("B001", "王五", Decimal("12000.00"), date(2023, 3, 15), role=ROLES[2], team="二组"),
    AgentInput(
        "B002",
        "赵六",
        Decimal("900.00"),
        date(2023, 5, 1),
        role=ROLES[0],
        team="二组",
        leave_date=date(2025, 3, 31),
    ),
)


@pytest.fixture(autouse=True, scope="session")
def private_qsettings(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Per-user preferences (the file dialogs' last folders) go to a scratch folder, not the real profile."""
    from PySide6.QtCore import QSettings

    folder = str(tmp_path_factory.mktemp("qsettings"))
    for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(fmt, QSettings.Scope.UserScope, folder)
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)


@pytest.fixture(autouse=True)
def no_box_left_open() -> Iterator[None]:
    """What one test leaves behind must not change the next: a message box left open would be its active
    modal widget (the window then waits for it before reloading others' changes), a modifier key left
    held would turn its clicks into Ctrl+clicks. Close the one, let go of the other."""
    yield
    from PySide6.QtWidgets import QApplication, QMessageBox

    if QApplication.instance() is None:
        return
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, QMessageBox) and widget.isVisible():
            widget.close()
    # A simulated Ctrl+V leaves Ctrl "held" (offscreen): a later selectRow would add to the selection.
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QWidget

    if QGuiApplication.keyboardModifiers() != Qt.KeyboardModifier.NoModifier:
        probe = QWidget()
        for key in (Qt.Key.Key_Control, Qt.Key.Key_Shift, Qt.Key.Key_Alt, Qt.Key.Key_Meta):
            QTest.keyRelease(probe, key)
        probe.deleteLater()


@pytest.fixture(autouse=True)
def chinese() -> Iterator[None]:
    set_language("zh")
    yield
    set_language("zh")


@pytest.fixture
def empty_db(tmp_path: Path) -> Iterator[Database]:
    database = Database(tmp_path / "t.sqlite3")
    yield database
    from PySide6.QtCore import QThreadPool

    QThreadPool.globalInstance().waitForDone(5000)
    database.dispose()


@pytest.fixture
def db(empty_db: Database) -> Database:
    with empty_db.session_scope() as session:
        for data in AGENTS:
            add_agent(session, data)
    return empty_db


@pytest.fixture
def agents_page(qtbot: QtBot, db: Database) -> AgentsPage:
    """The agents page on ``db``'s three agents, shown, in March 2025."""
    widget = AgentsPage(db)
    widget.set_month("2025-03")
    qtbot.addWidget(widget)
    widget.show()
    return widget


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # The offscreen platform plugin warns once per shown top-level window that it cannot
    # propagate size hints; that is a limitation of the test platform, not of our code.
    # Every other Qt warning still fails the test (qt_log_level_fail = WARNING).
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints\(\)"))
