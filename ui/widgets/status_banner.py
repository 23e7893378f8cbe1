"""The month's status banner (open / calculated / stale / locked) shown by 月度核算 and 概览."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPen, QPixmap
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QStyle, QVBoxLayout, QWidget

from app.i18n import tr
from app.money import D
from app.services.payroll_view import AgentChange, MonthState, signed
from app.services.signoff import STATUS_NAMES as SIGNOFF_STATUS_NAMES
from app.services.signoff import STEP_NAMES, STEP_ROLE, ChainState
from app.services.users import ROLE_NAMES

# Banner colours by status: neutral (nothing yet), blue (calculated, still editable),
# amber (calculated, but the records changed since: recalculate), green-grey with a lock
# (locked, read-only) — background, border, text.
BANNER_COLOURS: dict[str, tuple[str, str, str]] = {
    "open": ("#f3f3f3", "#c8c8c8", "#424242"),
    "calculated": ("#e3f0fc", "#8fbfea", "#0d47a1"),
    "stale": ("#fff3e0", "#f0a040", "#8a4500"),
    "locked": ("#e3ebe5", "#9fb5a6", "#2f4b39"),
}


def agents_en(count: int) -> str:
    return "1 agent" if count == 1 else f"{count} agents"


def lock_pixmap(size: int, colour: str) -> QPixmap:
    """A padlock drawn with QPainter: no standard Qt icon means "locked", and fonts may lack 🔒."""
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    pen = QPen(QColor(colour), max(2.0, size / 9))
    painter.setPen(pen)
    shackle = QRectF(size * 0.28, size * 0.08, size * 0.44, size * 0.5)
    path = QPainterPath()
    path.moveTo(shackle.left(), size * 0.48)
    path.lineTo(shackle.left(), shackle.center().y())
    path.arcTo(shackle, 180, -180)
    path.lineTo(shackle.right(), size * 0.48)
    painter.drawPath(path)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(colour))
    painter.drawRoundedRect(
        QRectF(size * 0.15, size * 0.44, size * 0.7, size * 0.5), size * 0.08, size * 0.08
    )
    painter.setBrush(QColor("#ffffff"))
    painter.drawEllipse(QPointF(size * 0.5, size * 0.66), size * 0.07, size * 0.07)
    painter.end()
    return pixmap


def _step_text(step: str, lang: str) -> str:
    """A sign-off step and the role that signs it: 审核（需角色 审核） / the review (the reviewer role)."""
    name, role = STEP_NAMES[step], ROLE_NAMES[STEP_ROLE[step]]
    return f"{name.zh}（需角色 {role.zh}）" if lang == "zh" else f"the {name.en} (the {role.en} role)"


def _next_step_text(step: str, *, fresh: bool) -> str:
    """The calculated banner's last words when the sign-off chain is in use: the step to sign next."""
    zh, en = _step_text(step, "zh"), _step_text(step, "en")
    if step == "approve":
        zh, en = zh + "，签批即锁定", en + ", which locks the month"
    if fresh:
        return tr(f"与当前记录一致；核对无误后签核，下一步：{zh}。",
                  f"Matches the current records; once checked, sign off. Next: {en}.")
    return tr(f"数据有变动时请重新计算；核对无误后签核，下一步：{zh}。",
              f"Recalculate after any change to the records; once checked, sign off. Next: {en}.")


def _when(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M") if moment is not None else ""


class StatusBanner(QFrame):
    """The month's status in words and colour, at the top of the page where it cannot be missed."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("payrollBanner")
        self.icon = QLabel(self)
        self.icon.setFixedSize(QSize(36, 36))
        self.icon.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.title = QLabel(self)
        self.title.setObjectName("bannerTitle")
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.35)
        font.setBold(True)
        self.title.setFont(font)
        self.detail = QLabel(self)
        self.detail.setObjectName("bannerDetail")
        self.detail.setWordWrap(True)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        text = QVBoxLayout()
        text.setSpacing(2)
        text.addWidget(self.title)
        text.addWidget(self.detail)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.addWidget(self.icon, 0, Qt.AlignmentFlag.AlignVCenter)
        layout.addLayout(text, 1)
        self.status = "open"
        self.stale = False  # calculated, but recalculating would change the result

    def show_state(
        self,
        state: MonthState,
        total_net: str | None = None,
        agents: int = 0,
        pending: Sequence[AgentChange] | None = None,
        chain: ChainState | None = None,
    ) -> None:
        """``pending`` is what recalculating would change (``None`` while not known); ``chain`` is the
        month's sign-off chain when the branch has users (docs/pay-rules.md §10): the banner then names
        the next sign-off step instead of "lock"."""
        self.status = state.status
        self.stale = state.status == "calculated" and bool(pending)
        look = "stale" if self.stale else state.status
        background, border, foreground = BANNER_COLOURS.get(look, BANNER_COLOURS["open"])
        self.setStyleSheet(
            f"QFrame#payrollBanner {{ background: {background}; border: 1px solid {border}; border-radius: 6px; }}"
            f"QFrame#payrollBanner QLabel {{ color: {foreground}; background: transparent; border: none; }}"
        )
        style = self.style()
        if state.plan_name:
            plan = tr(
                f"方案：{state.plan_name}（{state.plan_effective_from} 版）",
                f"Plan: {state.plan_name} (version {state.plan_effective_from})",
            )
        else:
            plan = tr(
                "没有适用的提成方案，请先在“方案”中导入", "No plan is in force; add one on the Plan page"
            )
        money = (
            tr(f"{agents} 人，实发合计 {total_net} 元", f"{agents} agents, total net {total_net}")
            if total_net is not None
            else ""
        )
        if state.status == "locked":
            self.icon.setPixmap(lock_pixmap(30, foreground))
            self.title.setText(tr(f"{state.month} 已锁定 · 只读", f"{state.month} locked · read-only"))
            parts = [
                tr(f"锁定于 {_when(state.locked_at)}", f"locked {_when(state.locked_at)}"),
                money,
                plan,
                tr(
                    "本月的结果和记录不能再修改；更正请在未锁定的月份录入调整，或解锁（需填写原因）。",
                    "Its result and records can no longer change; enter corrections as adjustments "
                    "of an open month, or unlock it (a reason is required).",
                ),
            ]
        elif self.stale:
            assert pending
            icon = style.standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
            self.icon.setPixmap(icon.pixmap(30, 30))
            count = len(pending)
            delta = sum((c.net_delta for c in pending), D(0))
            self.title.setText(
                tr(
                    f"{state.month} 已核算 · 计算后数据有变动，请重新计算",
                    f"{state.month} calculated · the records changed since; please recalculate",
                )
            )
            parts = [
                tr(
                    f"重新计算后 {count} 人的结果将改变（实发合计 {signed(delta)}），"
                    "明细见下方“重新计算后将改变”",
                    f"recalculating changes the pay of {agents_en(count)} (total net {signed(delta)}); "
                    "see “Will change on recalculation” below",
                ),
                tr(
                    f"下表、工资条和汇总表仍是 {_when(state.calculated_at)} 计算的旧结果",
                    f"the table, payslips and summary still show the result calculated "
                    f"{_when(state.calculated_at)}",
                ),
                money,
                plan,
                tr("请点击“计算”，核对后再锁定。", "Press Calculate, check, then lock.")
                if chain is None
                else tr(
                    f"请点击“计算”，核对后再签核（{_step_text(chain.steps[0], 'zh')}）。",
                    f"Press Calculate, check, then sign off ({_step_text(chain.steps[0], 'en')}).",
                ),
            ]
        elif state.status == "calculated":
            icon = style.standardIcon(QStyle.StandardPixmap.SP_DialogApplyButton)
            self.icon.setPixmap(icon.pixmap(28, 28))
            self.title.setText(tr(f"{state.month} 已核算", f"{state.month} calculated"))
            parts = [
                tr(f"计算于 {_when(state.calculated_at)}", f"calculated {_when(state.calculated_at)}"),
                money,
                plan,
                tr("与当前记录一致；核对无误后锁定。", "Matches the current records; lock once checked.")
                if pending is not None
                else tr(
                    "数据有变动时请重新计算；核对无误后锁定。",
                    "Recalculate after any change to the records; lock once checked.",
                ),
            ]
            if chain is not None and chain.next_step is not None:
                # §10: with users the month is locked by the last sign-off, not by 锁定
                status = SIGNOFF_STATUS_NAMES[chain.status]
                self.title.setText(tr(f"{state.month} {status.zh}", f"{state.month} {status.en}"))
                parts[-1] = _next_step_text(chain.next_step, fresh=pending is not None)
        else:
            icon = style.standardIcon(QStyle.StandardPixmap.SP_MessageBoxInformation)
            self.icon.setPixmap(icon.pixmap(28, 28))
            self.title.setText(tr(f"{state.month} 未核算", f"{state.month} not calculated"))
            parts = [
                plan,
                tr(
                    "导入并核对本月的考勤、质检、保单和绩效数据后，点击“计算”。",
                    "Import and check the month's attendance, QA, sales and KPI data, then press Calculate.",
                ),
            ]
        self.detail.setText(" · ".join(p for p in parts if p))

    def text(self) -> str:
        return f"{self.title.text()} {self.detail.text()}"
