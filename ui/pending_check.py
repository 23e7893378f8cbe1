"""Is a calculated month's stored result still what its records give? Checked off the GUI thread."""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from app.i18n import language, tr
from app.services.errors import ServiceError
from app.services.months import month_status
from app.services.payroll import pending_changes
from app.services.payroll_view import AgentChange
from db.session import Database
from ui.ops import CancelToken, Op

log = logging.getLogger("branchpay.ui.payroll")


class PendingCheck(QObject):
    """Whether a calculated month's stored result is still what its records give, checked off the GUI thread.

    It runs :func:`~app.services.payroll.pending_changes` through :class:`ui.ops.Op`, but
    quietly — no progress window and no error box, because the user did not ask for it — and
    reports only the newest answer: one of a check that was started again or dropped meanwhile
    is never reported. The payroll page and the overview both use it.
    """

    #: ``(month, changes)``: what recalculating the month would change (empty when current).
    answered = Signal(str, object)

    def __init__(self, parent: QWidget, db: Database) -> None:
        super().__init__(parent)
        self._parent_widget = parent
        self.db = db
        self.op: Op | None = None
        self._serial = 0

    @property
    def running(self) -> bool:
        return self.op is not None

    def start(self, month: str) -> Op:
        """Check ``month``; the answer of a check still running is dropped."""
        self._serial += 1
        serial, lang, db = self._serial, language(), self.db

        def work(_token: CancelToken) -> list[AgentChange] | None:
            with db.session_scope() as session:
                if month_status(session, month) != "calculated":
                    return None  # locked or reopened meanwhile: nothing to say
                return pending_changes(session, month, lang=lang)

        op = Op(
            self._parent_widget,
            work,
            label=tr(f"正在检查 {month} 的数据是否有变动…", f"Checking {month} for changed records…"),
            quiet=True,  # not something the user asked for: no progress window, no error box
        )
        op.done.connect(lambda changes: self._on_done(serial, month, changes))
        op.failed.connect(self._on_failed)
        op.finished.connect(lambda: self._on_finished(op))
        self.op = op
        return op.start()

    def drop(self) -> None:
        """Never report the answer of the check running now: it may be out of date when it comes."""
        self._serial += 1

    def _on_done(self, serial: int, month: str, changes: list[AgentChange] | None) -> None:
        if serial == self._serial and changes is not None:
            self.answered.emit(month, changes)

    def _on_failed(self, exc: BaseException) -> None:
        # Not the user's action, so no message box: the page simply does not know (lock still checks).
        if isinstance(exc, ServiceError):
            log.info("pending-changes check: %s", exc)
        else:
            log.error("pending-changes check failed", exc_info=exc)

    def _on_finished(self, op: Op) -> None:
        if self.op is op:
            self.op = None
