"""Run a service call off the GUI thread (after Anki's ``aqt/operations``).

A user action that may take more than about half a second goes through :func:`run_op`:
the work runs in a worker thread, a cancellable progress dialog appears if it takes
longer than ``PROGRESS_DELAY_MS``, and the result comes back on the GUI thread through
the ``done`` / ``failed`` / ``cancelled`` signals. The window never freezes.

Cancelling cannot interrupt SQLite mid-statement, so the work function receives a
:class:`CancelToken` and calls :meth:`CancelToken.check` at safe points — typically
right before its ``session_scope()`` commits, which turns a cancel into a rollback:
nothing is half-saved.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot
from PySide6.QtWidgets import QProgressDialog, QWidget

from app import APP_NAME
from app.i18n import tr
from ui.errors import show_error

log = logging.getLogger("branchpay.ui.ops")

PROGRESS_DELAY_MS = 500


class Cancelled(Exception):
    """Raised by :meth:`CancelToken.check` after the user pressed Cancel."""


class CancelToken:
    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def check(self) -> None:
        if self._event.is_set():
            raise Cancelled


class _Relay(QObject):
    """Lives on the GUI thread; the worker emits through it so delivery is queued to the GUI thread."""

    finished = Signal(object, object)  # (result, exception or None)


class _Runnable(QRunnable):
    def __init__(self, fn: Callable[[CancelToken], Any], token: CancelToken, relay: _Relay) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._fn = fn
        self._token = token
        self._relay = relay

    def run(self) -> None:
        try:
            result = self._fn(self._token)
        except BaseException as exc:  # noqa: BLE001 - every failure is reported on the GUI thread
            self._report(None, exc)
        else:
            self._report(result, None)

    def _report(self, result: Any, exc: BaseException | None) -> None:
        try:
            self._relay.finished.emit(result, exc)
        except RuntimeError:
            # "Signal source has been deleted": the window that asked (a page loading in the background)
            # was closed while this ran. The work itself ended as usual (its unit of work committed or
            # rolled back); only its answer has nobody left to go to.
            log.debug("an operation ended after its window closed")


class Op(QObject):
    """One running operation. Connect to its signals; it is kept alive until it ends."""

    done = Signal(object)
    failed = Signal(object)
    cancelled = Signal()
    finished = Signal()  # after any of the three above

    _running: set[Op] = set()

    def __init__(
        self,
        parent: QWidget,
        fn: Callable[[CancelToken], Any],
        *,
        label: str,
        show_errors: bool = True,
        quiet: bool = False,
    ) -> None:
        """``quiet``: work the user did not ask for (a background check) — no progress dialog and
        no error box; failures still arrive through :attr:`failed`."""
        super().__init__(parent)
        self._parent_widget = parent
        self._fn = fn
        self._show_errors = show_errors and not quiet
        self.token = CancelToken()
        self._relay = _Relay(self)
        self._relay.finished.connect(self._on_finished)
        self.progress: QProgressDialog | None = None
        if not quiet:
            self.progress = QProgressDialog(label, tr("取消", "Cancel"), 0, 0, parent)
            self.progress.setWindowTitle(APP_NAME)
            self.progress.setMinimumDuration(PROGRESS_DELAY_MS)
            self.progress.setAutoClose(False)
            self.progress.setAutoReset(False)
            self.progress.canceled.connect(self._on_cancel)

    def start(self) -> Op:
        Op._running.add(self)
        if self.progress is not None:
            self.progress.setValue(0)
        QThreadPool.globalInstance().start(_Runnable(self._fn, self.token, self._relay))
        return self

    @Slot()
    def _on_cancel(self) -> None:
        self.token.cancel()
        if self.progress is not None:
            self.progress.setLabelText(tr("正在取消…", "Cancelling…"))

    @Slot(object, object)
    def _on_finished(self, result: object, exc: BaseException | None) -> None:
        Op._running.discard(self)
        if self.progress is not None:
            self.progress.canceled.disconnect(self._on_cancel)
            self.progress.close()
            self.progress.deleteLater()
        if exc is None:
            self.done.emit(result)
        elif isinstance(exc, Cancelled):
            self.cancelled.emit()
        else:
            if self._show_errors:
                show_error(self._parent_widget, exc)  # logs the traceback of unexpected errors
            self.failed.emit(exc)
        self.finished.emit()
        self.deleteLater()


def run_op(
    parent: QWidget,
    fn: Callable[[CancelToken], Any],
    *,
    label: str,
    on_done: Callable[[Any], None] | None = None,
    on_failed: Callable[[BaseException], None] | None = None,
    show_errors: bool = True,
) -> Op:
    """Start ``fn(token)`` on a worker thread; returns the :class:`Op` whose signals report the end."""
    op = Op(parent, fn, label=label, show_errors=show_errors)
    if on_done is not None:
        op.done.connect(on_done)
    if on_failed is not None:
        op.failed.connect(on_failed)
    return op.start()
