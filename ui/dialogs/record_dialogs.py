"""Dialogs of the rewards page (奖惩): a complaint, a praise, an adjustment.

They share one shape (:class:`RecordDialog`): a form whose problems come from the service's own
check function and show as the user types, OK disabled while there are any, and refusals only
the database can make (a locked month, an unknown agent) shown under the form. The record is
saved by the callable the page passes, so the dialog never touches the database itself.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from PySide6.QtCore import QDate, QRegularExpression, Signal
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from app.fields import TEXT_MAX
from app.i18n import language, tr
from app.money import MoneyError, fmt_money, money_for_editing, parse_money
from app.services.rewards import (
    ADJUSTMENT_CATEGORIES,
    CATEGORY_MAX,
    LEVEL_NAMES,
    STATUS_NAMES,
    AdjustmentInput,
    AdjustmentView,
    ComplaintInput,
    ComplaintView,
    PraiseInput,
    check_adjustment,
    check_complaint,
    check_praise,
    parse_amount,
)
from ui.dialogs.common import (
    OkCancelDialog,
    attempt,
    date_edit,
    error_label,
    join_problems,
    set_error,
    to_date,
)
from ui.dialogs.policy_dialog import AgentChoice

SIGNED_MONEY_PATTERN = r"^-?\d{0,9}([.]\d{0,2})?$"
MONTH_PATTERN = r"^\d{0,4}(-\d{0,2})?$"


def agent_combo(parent: QWidget, agents: Sequence[AgentChoice], current: str = "") -> QComboBox:
    """Agents as "code name"; the first entry means "not chosen" so nothing is picked by accident."""
    combo = QComboBox(parent)
    combo.addItem(tr("— 请选择 —", "— choose —"), "")
    for choice in agents:
        combo.addItem(choice.label, choice.code)
    if current:
        index = combo.findData(current)
        if index < 0:
            combo.addItem(current, current)
            index = combo.count() - 1
        combo.setCurrentIndex(index)
    return combo


class RecordDialog(OkCancelDialog):
    """Base of the three dialogs: subclasses build the form and say how to read and check it."""

    saved = Signal(object)

    def __init__(self, title: str, save: Callable[[Any], Any], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._save = save
        self.setWindowTitle(title)
        self.setMinimumWidth(420)
        self.form = QFormLayout()
        self.problem = error_label(self)  # the first problem, shown once the user touched the form
        self.form_error = error_label(self)
        self.add_buttons(tr("保存", "Save"))
        self._touched = False

    def finish_layout(self, touched: bool) -> None:
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.problem)
        layout.addWidget(self.form_error)
        layout.addWidget(self.buttons)
        self._touched = touched
        self.revalidate()

    def touch(self, *_args: object) -> None:
        self._touched = True
        set_error(self.form_error, "")
        self.revalidate()

    def current_input(self) -> Any:
        raise NotImplementedError

    def check(self) -> tuple[list[str], list[str]]:
        raise NotImplementedError

    def problems(self) -> list[str]:
        zh, en = self.check()
        return en if language() == "en" else zh

    def revalidate(self) -> bool:
        found = self.problems()
        set_error(self.problem, join_problems(found) if self._touched else "")
        self.ok_button.setEnabled(not found)
        return not found

    def accept(self) -> None:
        if not self.revalidate():
            return
        ok, view = attempt(self, self.form_error, lambda: self._save(self.current_input()))
        if ok:
            self.saved.emit(view)
            super().accept()


def _qdate(value: date) -> QDate:
    return QDate(value.year, value.month, value.day)


class ComplaintDialog(RecordDialog):
    """A complaint (投诉): agent, date, level, status (the appeal outcome) and what happened."""

    def __init__(
        self,
        save: Callable[[ComplaintInput], ComplaintView],
        *,
        agents: Sequence[AgentChoice],
        default_date: date,
        complaint: ComplaintView | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(
            tr("编辑投诉", "Edit complaint") if complaint else tr("添加投诉", "Add complaint"), save, parent
        )
        self.agent = agent_combo(self, agents, complaint.agent_code if complaint else "")
        self.date = date_edit(self, complaint.date if complaint else default_date)
        self.level = QComboBox(self)
        self.level.addItem(tr("— 请选择 —", "— choose —"), "")
        for code, (zh, en) in LEVEL_NAMES.items():
            self.level.addItem(tr(zh, en), code)
        self.status = QComboBox(self)
        for code, (zh, en) in STATUS_NAMES.items():
            self.status.addItem(tr(zh, en), code)
        self.status.setToolTip(
            tr(
                "只有“成立”的投诉扣款；申诉结果可随时在这里修改",
                "only upheld complaints cost money; change it when the appeal is decided",
            )
        )
        self.status.setCurrentIndex(self.status.findData(complaint.status if complaint else "upheld"))
        if complaint is not None:
            self.level.setCurrentIndex(max(self.level.findData(complaint.level), 0))
        self.description = QPlainTextEdit(self)
        self.description.setPlaceholderText(
            tr("投诉内容、来源等（可不填）", "what happened, where it came from (optional)")
        )
        self.description.setFixedHeight(self.fontMetrics().height() * 5)
        if complaint is not None:
            self.description.setPlainText(complaint.description)
        self.form.addRow(tr("业务员", "Agent"), self.agent)
        self.form.addRow(tr("日期", "Date"), self.date)
        self.form.addRow(tr("级别", "Level"), self.level)
        self.form.addRow(tr("状态", "Status"), self.status)
        self.form.addRow(tr("说明", "Description"), self.description)
        for combo in (self.agent, self.level, self.status):
            combo.currentIndexChanged.connect(self.touch)
        self.date.dateChanged.connect(self.touch)
        self.description.textChanged.connect(self.touch)
        self.finish_layout(touched=complaint is not None)

    def current_input(self) -> ComplaintInput:
        return ComplaintInput(
            agent_code=str(self.agent.currentData() or ""),
            date=to_date(self.date),
            level=str(self.level.currentData() or ""),
            status=str(self.status.currentData() or ""),
            description=self.description.toPlainText().strip(),
        )

    def check(self) -> tuple[list[str], list[str]]:
        return check_complaint(self.current_input())


class PraiseDialog(RecordDialog):
    """A praise (客户表扬): each one earns the plan's praise amount in its month."""

    def __init__(
        self,
        save: Callable[[PraiseInput], object],
        *,
        agents: Sequence[AgentChoice],
        default_date: date,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(tr("添加表扬", "Add praise"), save, parent)
        self.agent = agent_combo(self, agents)
        self.date = date_edit(self, default_date)
        self.description = QLineEdit(self)
        self.description.setMaxLength(TEXT_MAX)
        self.description.setPlaceholderText(
            tr("例如：客户来电表扬（可不填）", "e.g. customer called to thank (optional)")
        )
        self.form.addRow(tr("业务员", "Agent"), self.agent)
        self.form.addRow(tr("日期", "Date"), self.date)
        self.form.addRow(tr("说明", "Description"), self.description)
        self.agent.currentIndexChanged.connect(self.touch)
        self.date.dateChanged.connect(self.touch)
        self.description.textEdited.connect(self.touch)
        self.finish_layout(touched=False)

    def current_input(self) -> PraiseInput:
        return PraiseInput(
            str(self.agent.currentData() or ""), to_date(self.date), self.description.text().strip()
        )

    def check(self) -> tuple[list[str], list[str]]:
        return check_praise(self.current_input())


class AdjustmentDialog(RecordDialog):
    """A manual adjustment (补发/追回/其他): the signed amount and the reason printed on the payslip."""

    def __init__(
        self,
        save: Callable[[AdjustmentInput], AdjustmentView],
        *,
        agents: Sequence[AgentChoice],
        month: str,
        adjustment: AdjustmentView | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(
            tr("编辑调整", "Edit adjustment") if adjustment else tr("添加调整", "Add adjustment"),
            save,
            parent,
        )
        self.agent = agent_combo(self, agents, adjustment.agent_code if adjustment else "")
        self.month = QLineEdit(adjustment.month if adjustment else month, self)
        self.month.setValidator(QRegularExpressionValidator(QRegularExpression(MONTH_PATTERN), self.month))
        self.month.setPlaceholderText("YYYY-MM")
        self.amount = QLineEdit(self)
        self.amount.setValidator(
            QRegularExpressionValidator(QRegularExpression(SIGNED_MONEY_PATTERN), self.amount)
        )
        self.amount.setPlaceholderText(
            tr("补发填正数，追回填负数，例如 -200", "positive to pay, negative to recover")
        )
        if adjustment is not None:
            self.amount.setText(money_for_editing(adjustment.amount))
        self.category = QComboBox(self)
        self.category.setEditable(True)
        self.category.addItems([tr(zh, en) for zh, en in ADJUSTMENT_CATEGORIES])
        line = self.category.lineEdit()
        if line is not None:
            line.setMaxLength(CATEGORY_MAX)
        self.category.setToolTip(
            tr("可选补发/追回/其他，也可自行填写", "choose 补发/追回/其他 or type your own")
        )
        self.category.setCurrentText(adjustment.category if adjustment else tr(*ADJUSTMENT_CATEGORIES[0]))
        self.reason = QLineEdit(self)
        self.reason.setMaxLength(TEXT_MAX)
        self.reason.setPlaceholderText(tr("必填，会打印在工资条上", "required; printed on the payslip"))
        if adjustment is not None:
            self.reason.setText(adjustment.reason)
        self.sign_hint = QLabel(self)
        self.sign_hint.setObjectName("signHint")
        self.form.addRow(tr("业务员", "Agent"), self.agent)
        self.form.addRow(tr("月份", "Month"), self.month)
        self.form.addRow(tr("金额（元）", "Amount"), self.amount)
        self.form.addRow("", self.sign_hint)
        self.form.addRow(tr("类别", "Category"), self.category)
        self.form.addRow(tr("原因", "Reason"), self.reason)
        self.agent.currentIndexChanged.connect(self.touch)
        for line in (self.month, self.amount, self.reason):
            line.textChanged.connect(self.touch)
        self.category.editTextChanged.connect(self.touch)
        self.finish_layout(touched=adjustment is not None)

    def current_input(self) -> AdjustmentInput:
        text = self.amount.text().strip()
        return AdjustmentInput(
            agent_code=str(self.agent.currentData() or ""),
            month=self.month.text().strip(),
            amount=parse_amount(text) if text else None,
            category=self.category.currentText().strip(),
            reason=self.reason.text().strip(),
        )

    def check(self) -> tuple[list[str], list[str]]:
        zh, en = check_adjustment(self.current_input())
        text = self.amount.text().strip()
        if text:
            try:  # say why the text is not money (a third decimal, say), not just "enter a number"
                parse_money(text)
            except MoneyError as exc:  # in place of the service's "enter the amount as a number"
                at = next((i for i, m in enumerate(zh) if m.startswith("金额请填写数字")), len(zh))
                zh, en = [*zh[:at], exc.message, *zh[at + 1 :]], [*en[:at], exc.message_en, *en[at + 1 :]]
        return zh, en

    def revalidate(self) -> bool:
        """Also say in words what the sign means, so 追回 entered as a positive number is noticed."""
        data = self.current_input()
        if data.amount is not None and data.amount > 0:
            self.sign_hint.setText(
                tr(f"实发增加 {fmt_money(data.amount)} 元", f"pays {fmt_money(data.amount)} more")
            )
        elif data.amount is not None and data.amount < 0:
            self.sign_hint.setText(
                tr(f"实发减少 {fmt_money(-data.amount)} 元", f"pays {fmt_money(-data.amount)} less")
            )
        else:
            self.sign_hint.setText("")
        return super().revalidate()
