"""The payroll page's sign-off strip (docs/pay-rules.md §10): who signed each step of the month, when,
with what comment; the last rejection's reason; and the buttons for the next step.

Shown only once the branch has users. Each button is enabled only for the step that is next and
for a user holding its role (otherwise the tooltip names the role); the service checks again in
the transaction that writes."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.i18n import language, tr
from app.services.signoff import STATUS_NAMES, STEP_NAMES, STEP_ROLE, ChainState, chain_state, reject, sign
from db.session import Database
from ui.errors import show_error
from ui.roles import Roles, current_roles, needs_role_text

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


class SignoffStrip(QFrame):
    #: The month's chain changed (a sign-off or a rejection was written).
    changed = Signal()

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.month = ""
        self.state: ChainState | None = None
        self.roles = Roles(False, "", ())
        self.busy = False
        self.message: QMessageBox | None = None
        self.setObjectName("signoffStrip")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self.rejection = QLabel(self)
        self.rejection.setWordWrap(True)
        self.rejection.setStyleSheet("color: #a03000;")
        self.buttons: dict[str, QPushButton] = {}
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 3, 6, 3)
        text = QWidget(self)
        text_layout = QVBoxLayout(text)
        text_layout.setContentsMargins(0, 0, 0, 0)
        text_layout.addWidget(self.summary)
        text_layout.addWidget(self.rejection)
        layout.addWidget(text, 1)
        for step in ("review", "check", "approve"):
            b = QPushButton(tr(STEP_NAMES[step].zh, STEP_NAMES[step].en.capitalize()) + "…", self)
            b.clicked.connect(lambda _=False, s=step: self.sign(s))
            self.buttons[step] = b
            layout.addWidget(b)
        self.reject_button = QPushButton(tr("退回…", "Reject…"), self)
        self.reject_button.clicked.connect(self.reject)
        layout.addWidget(self.reject_button)
        self.setVisible(False)

    # --- replaceable for tests ------------------------------------------------------------------

    def ask_comment(self, title: str) -> str | None:
        text, ok = QInputDialog.getText(self, title, tr("备注（可不填）：", "Comment (optional):"),
                                        QLineEdit.EchoMode.Normal)
        return text if ok else None

    def ask_reason(self, title: str) -> str | None:
        text, ok = QInputDialog.getText(self, title, tr("退回原因（必填）：", "Reason (required):"),
                                        QLineEdit.EchoMode.Normal)
        return text if ok else None

    def ask_pending_reason(self, month: str, pending: int) -> str | None:
        text, ok = QInputDialog.getText(
            self,
            tr("有待处理的申诉", "Pending appeals"),
            tr(f"{month} 还有 {pending} 条申诉待处理。如仍要签核，请填写原因（记入操作日志）：",
               f"{month} has {pending} pending appeal(s). To sign it off anyway, give the reason (kept in the "
               "audit log):"),
            QLineEdit.EchoMode.Normal,
        )
        return text.strip() if ok and text.strip() else None

    # --- state ----------------------------------------------------------------------------------

    def set_month(self, month: str) -> None:
        self.month = month
        self.refresh()

    def refresh(self) -> None:
        self.roles = current_roles(self.db)
        if not self.roles.users or not self.month:
            self.state = None
            self.setVisible(False)
            return
        with self.db.session_scope() as session:
            self.state = chain_state(session, self.month)
        self.setVisible(True)
        self._show()

    def _show(self) -> None:
        state = self.state
        assert state is not None
        lang = language()
        given = {s.step: s for s in state.signoffs}
        parts = [tr(f"状态：{STATUS_NAMES[state.status].zh}", f"Status: {STATUS_NAMES[state.status].en}")]
        for step in state.steps:
            name = STEP_NAMES[step].zh if lang != "en" else STEP_NAMES[step].en.capitalize()
            s = given.get(step)
            if s is None:
                parts.append(f"{name}：—" if lang != "en" else f"{name}: —")
            else:
                note = f"「{s.comment}」" if s.comment and lang != "en" else (f" “{s.comment}”" if s.comment else "")
                parts.append(f"{name}：{s.user} {s.at:%Y-%m-%d %H:%M}{note}" if lang != "en"
                             else f"{name}: {s.user} {s.at:%Y-%m-%d %H:%M}{note}")
        self.summary.setText("　·　".join(parts) if lang != "en" else "  ·  ".join(parts))
        r = state.last_rejection
        self.rejection.setVisible(r is not None)
        if r is not None:
            self.rejection.setText(tr(f"上次退回：{r.user} {r.at:%Y-%m-%d %H:%M}，原因：{r.comment}",
                                      f"Last rejected by {r.user} {r.at:%Y-%m-%d %H:%M}: {r.comment}"))
        self.update_buttons()

    def update_buttons(self) -> None:
        state = self.state
        for step, b in self.buttons.items():
            used = state is not None and step in state.steps
            b.setVisible(used)
            if state is None or not used:
                continue
            role = STEP_ROLE[step]
            if not self.roles.allows(role):
                b.setEnabled(False)
                b.setToolTip(needs_role_text(role))
            else:
                b.setEnabled(not self.busy and state.next_step == step)
                b.setToolTip(tr(f"{STEP_NAMES[step].zh}本月（记录签核人、时间和备注）",
                                f"Sign the {STEP_NAMES[step].en} of the month (who, when, comment)"))
        nxt = state.next_step if state is not None else None
        if nxt is None:
            self.reject_button.setEnabled(False)
            self.reject_button.setToolTip(tr("本月没有待签核的步骤", "Nothing of this month waits for a sign-off"))
        elif not self.roles.allows(STEP_ROLE[nxt]):
            self.reject_button.setEnabled(False)
            self.reject_button.setToolTip(needs_role_text(STEP_ROLE[nxt]))
        else:
            self.reject_button.setEnabled(not self.busy)
            self.reject_button.setToolTip(tr("退回重新核算（需填写原因）：已有的签核作废",
                                             "Send back to calculated (a reason is required): sign-offs given are voided"))

    def set_busy(self, busy: bool) -> None:
        self.busy = busy
        if self.state is not None:
            self.update_buttons()

    # --- actions --------------------------------------------------------------------------------

    @Slot()
    def sign(self, step: str) -> bool:
        name = STEP_NAMES[step]
        comment = self.ask_comment(tr(f"{name.zh} {self.month}", f"{name.en.capitalize()} of {self.month}"))
        if comment is None:
            return False
        from app.services.appeal_count import pending_count

        with self.db.session_scope() as session:
            pending = pending_count(session, self.month)
        reason = ""
        if pending:  # docs/pay-rules.md §11: signing off with pending appeals needs a reason
            answer = self.ask_pending_reason(self.month, pending)
            if answer is None:
                return False
            reason = answer
        return self._write(
            lambda session: sign(session, self.month, step, comment, with_pending_appeals=bool(reason), reason=reason)
        )

    @Slot()
    def reject(self) -> bool:
        reason = self.ask_reason(tr(f"退回 {self.month}", f"Reject {self.month}"))
        if reason is None:
            return False
        return self._write(lambda session: reject(session, self.month, reason))

    def _write(self, action: Callable[[Session], object]) -> bool:
        """``action`` in one write transaction; then the strip shows the new state and says it changed
        (a refusal is shown instead, nothing written)."""
        try:
            with self.db.session_scope(write=True) as session:
                action(session)
        except Exception as exc:  # noqa: BLE001 - a short message; unexpected ones are logged
            self.message = show_error(self, exc)
            return False
        self.refresh()
        self.changed.emit()
        return True
