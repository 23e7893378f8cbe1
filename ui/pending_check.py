"""Is a calculated month's stored result still what its records give? Checked off the GUI thread.

The check recomputes the whole month, so its answers are remembered: with each answer goes the
database's data-change counter (db/versioning.py) read in the same transaction as the records the
answer was computed from. Every write transaction raises that counter — this window's, another
window's, a ``branchpay`` command's — so while it has not moved the records are the ones the answer
was computed from, and showing the page again answers from memory after one small read.
"""

from __future__ import annotations

import logging
import weakref
from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from app.bulk import collector_paused
from app.i18n import language, tr
from app.services.errors import ServiceError
from app.services.months import month_status
from app.services.payroll import pending_changes
from app.services.payroll_view import AgentChange
from db.session import Database
from db.versioning import read_counter
from ui.ops import CancelToken, Op

log = logging.getLogger("branchpay.ui.payroll")


@dataclass(frozen=True)
class _Answer:
    """A check's answer for a month in a language, and the data-change counter of the records it read."""

    counter: int
    changes: list[AgentChange] | None  # None: the month was not calculated when it was checked


@dataclass(frozen=True)
class _Outcome:
    answer: _Answer
    computed: bool  # False: the counter had not moved, the remembered answer was given


# The remembered answers of each open database, by (month, language): the payroll page and the overview
# check the same months, so one's answer saves the other's recomputation.
_remembered: weakref.WeakKeyDictionary[Database, dict[tuple[str, str], _Answer]] = weakref.WeakKeyDictionary()


class PendingCheck(QObject):
    """Whether a calculated month's stored result is still what its records give, checked off the GUI thread.

    It runs :func:`~app.services.payroll.pending_changes` through :class:`ui.ops.Op`, but
    quietly — no progress window and no error box, because the user did not ask for it — and
    reports only the newest answer: one of a check that was started again or dropped meanwhile
    is never reported. The payroll page and the overview both use it.

    The month is recomputed only when the data changed since the last answer for it (the
    database's data-change counter moved); otherwise the remembered answer is reported, still
    through the worker and the ``answered`` signal. :attr:`recomputations` counts the checks
    that recomputed.
    """

    #: ``(month, changes)``: what recalculating the month would change (empty when current).
    answered = Signal(str, object)

    def __init__(self, parent: QWidget, db: Database) -> None:
        super().__init__(parent)
        self._parent_widget = parent
        self.db = db
        self.op: Op | None = None
        self._serial = 0
        self.recomputations = 0  # checks of this object that computed the month (not answered from memory)

    @property
    def running(self) -> bool:
        return self.op is not None

    def start(self, month: str) -> Op:
        """Check ``month``; the answer of a check still running is dropped."""
        self._serial += 1
        serial, lang, db = self._serial, language(), self.db
        known = _remembered.setdefault(db, {}).get((month, lang))

        def work(_token: CancelToken) -> _Outcome:
            # Without the cyclic collector: a busy month's recomputation keeps hundreds of thousands
            # of objects alive, and each full pass over them held the interpreter lock for up to
            # half a second at 10× (3,000 agents), freezing the window that reads nothing meanwhile.
            with collector_paused(), db.session_scope() as session:
                # First, so it belongs to the snapshot the records below are read from (a change committed
                # after this read moves the counter on and is checked next time).
                counter = read_counter(session)
                # (0: a database without the counter row, whose writes cannot be seen: always computed)
                if known is not None and counter and known.counter == counter:
                    return _Outcome(known, computed=False)
                if month_status(session, month) != "calculated":
                    return _Outcome(_Answer(counter, None), computed=True)  # locked or reopened meanwhile
                return _Outcome(_Answer(counter, pending_changes(session, month, lang=lang)), computed=True)

        op = Op(
            self._parent_widget,
            work,
            label=tr(f"正在检查 {month} 的数据是否有变动…", f"Checking {month} for changed records…"),
            quiet=True,  # not something the user asked for: no progress window, no error box
        )
        op.done.connect(lambda outcome: self._on_done(serial, month, lang, outcome))
        op.failed.connect(self._on_failed)
        op.finished.connect(lambda: self._on_finished(op))
        self.op = op
        return op.start()

    def drop(self) -> None:
        """Never report the answer of the check running now: it may be out of date when it comes."""
        self._serial += 1

    def _on_done(self, serial: int, month: str, lang: str, outcome: _Outcome) -> None:
        answer = outcome.answer
        if outcome.computed:
            self.recomputations += 1
            # Kept even when dropped below: it is true of the records as of its counter value.
            answers = _remembered.setdefault(self.db, {})
            newest = answers.get((month, lang))
            if newest is None or newest.counter <= answer.counter:
                answers[(month, lang)] = answer
        if serial == self._serial and answer.changes is not None:
            self.answered.emit(month, list(answer.changes))  # a copy: the remembered one stays as it was

    def _on_failed(self, exc: BaseException) -> None:
        # Not the user's action, so no message box: the page simply does not know (lock still checks).
        if isinstance(exc, ServiceError):
            log.info("pending-changes check: %s", exc)
        else:
            log.error("pending-changes check failed", exc_info=exc)

    def _on_finished(self, op: Op) -> None:
        if self.op is op:
            self.op = None
