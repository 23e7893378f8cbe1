from __future__ import annotations

import logging
import threading

import pytest
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from app.services.errors import ServiceError
from ui.ops import CancelToken, Op, run_op

pytestmark = pytest.mark.gui


@pytest.fixture
def parent(qtbot: QtBot) -> QWidget:
    widget = QWidget()
    qtbot.addWidget(widget)
    return widget


def boxes() -> list[QMessageBox]:
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()]


def test_work_runs_off_the_gui_thread_and_reports_done(qtbot: QtBot, parent: QWidget) -> None:
    main_thread = threading.get_ident()
    seen: list[int] = []

    def work(_token: CancelToken) -> int:
        seen.append(threading.get_ident())
        return 42

    op = run_op(parent, work, label="…")
    with qtbot.waitSignal(op.done, timeout=5000) as blocker:
        pass
    assert blocker.args == [42]
    assert seen and seen[0] != main_thread


def test_service_error_is_shown_in_plain_words(qtbot: QtBot, parent: QWidget) -> None:
    def work(_token: CancelToken) -> None:
        raise ServiceError("2025-03 已锁定", "2025-03 is locked")

    op = run_op(parent, work, label="…")
    with qtbot.waitSignal(op.failed, timeout=5000):
        pass
    shown = boxes()
    assert [b.text() for b in shown] == ["2025-03 已锁定"]
    for box in shown:
        box.close()


def test_unexpected_error_is_logged_and_shown_short(
    qtbot: QtBot, parent: QWidget, caplog: pytest.LogCaptureFixture
) -> None:
    def work(_token: CancelToken) -> None:
        raise ZeroDivisionError("boom")

    with caplog.at_level(logging.ERROR):
        op = run_op(parent, work, label="…")
        with qtbot.waitSignal(op.failed, timeout=5000):
            pass
    assert "ZeroDivisionError" in caplog.text  # the traceback is in the log …
    shown = boxes()
    assert len(shown) == 1 and "意外错误" in shown[0].text()
    assert "Traceback" not in shown[0].text() and "boom" not in shown[0].text()  # … not on screen
    shown[0].close()


def test_cancel_is_reported_without_an_error(qtbot: QtBot, parent: QWidget) -> None:
    started = threading.Event()
    release = threading.Event()

    def work(token: CancelToken) -> None:
        started.set()
        release.wait(5)
        token.check()

    op = run_op(parent, work, label="…")
    assert started.wait(5)
    assert op.progress is not None
    cancel = op.progress.findChild(QPushButton)
    assert cancel is not None and cancel.text() == "取消"
    cancel.click()
    assert op.token.cancelled
    release.set()
    with qtbot.waitSignal(op.cancelled, timeout=5000):
        pass
    assert boxes() == []


def test_quiet_work_shows_no_progress_window_and_no_error_box(qtbot: QtBot, parent: QWidget) -> None:
    def work(_token: CancelToken) -> None:
        raise RuntimeError("background check failed")

    op = Op(parent, work, label="…", quiet=True)
    assert op.progress is None
    failures: list[BaseException] = []
    op.failed.connect(failures.append)
    with qtbot.waitSignal(op.finished, timeout=5000):
        op.start()
    assert [str(e) for e in failures] == ["background check failed"]  # still reported to the caller
    assert boxes() == []  # but nobody is interrupted by a message box


def test_work_that_ends_after_its_window_closed_reports_to_nobody_quietly(qtbot: QtBot) -> None:
    """A page loading in the background is closed (the window quits): the worker ends later and must not
    raise "Signal source has been deleted" in its thread (pytest-qt fails the test on such an error)."""
    import shiboken6
    from PySide6.QtCore import QThreadPool

    widget = QWidget()
    release, ran = threading.Event(), threading.Event()

    def work(_token: CancelToken) -> int:
        release.wait(5)
        ran.set()
        return 1

    op = Op(widget, work, label="…", quiet=True).start()
    shiboken6.delete(widget)  # the Op and its relay go with it
    release.set()
    assert QThreadPool.globalInstance().waitForDone(5000)
    assert ran.is_set()
    QApplication.processEvents()
    Op._running.discard(op)  # never finished on the GUI thread: its window is gone
