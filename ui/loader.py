"""Read what a page shows off the GUI thread, and apply only the newest read.

A busy month's tables take a moment to read; reading them on the GUI thread would freeze the
window. A page starts a read with :meth:`Loader.start` — a function that runs on a worker thread
(it opens its own session) and one that applies the result on the GUI thread. The page says
"加载中" while :attr:`Loader.loading`; a read started again (the month changed, a record was saved)
makes the older one's result be dropped, so what is shown is always the newest read.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, TypeVar

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from ui.errors import show_error
from ui.ops import CancelToken, Op

log = logging.getLogger("branchpay.ui.loader")

T = TypeVar("T")


class Loader(QObject):
    #: Emitted after the newest read ended (applied or failed): the page updates its "加载中".
    ended = Signal()

    def __init__(self, parent: QWidget, label: str) -> None:
        super().__init__(parent)
        self._parent_widget = parent
        self._label = label
        self._serial = 0
        self.op: Op | None = None
        self.message: Any = None

    @property
    def loading(self) -> bool:
        return self.op is not None

    def start(self, read: Callable[[], T], apply: Callable[[T], None]) -> Op:
        """Run ``read()`` on a worker thread, then ``apply(result)`` on the GUI thread unless
        another read was started meanwhile. A failure is shown to the user (it was their view)."""
        self._serial += 1
        serial = self._serial

        def work(_token: CancelToken) -> T:
            return read()

        op = Op(self._parent_widget, work, label=self._label, quiet=True)
        op.done.connect(lambda result: apply(result) if serial == self._serial else None)
        op.failed.connect(lambda exc: self._failed(serial, exc))
        op.finished.connect(lambda: self._finished(serial))
        self.op = op
        return op.start()

    def _failed(self, serial: int, exc: BaseException) -> None:
        if serial == self._serial:
            self.message = show_error(self._parent_widget, exc)

    def _finished(self, serial: int) -> None:
        if serial == self._serial:
            self.op = None
            self.ended.emit()
