"""Add or edit a policy (保单), and the cancel (撤单) question.

Like the agent dialog, problems are shown in red under the field as the user types, using the
service's own :func:`~app.services.sales.check_policy` with the products of the plan in force
for the *sign month* (they change when the sign date moves to a month with another plan), and
OK stays disabled while there are any. What only the database can tell (a policy number
already taken, a locked month) comes back as a ServiceError and is shown under the form.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import QDate, QRegularExpression, Signal, Slot
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from app.fields import LEVEL_MAX, POLICY_NO_MAX
from app.i18n import language, tr
from app.money import MoneyError, fmt_money, fmt_num, money_for_editing, parse_money
from app.services.months import month_of
from app.services.sales import (
    PREMIUM,
    PolicyInput,
    PolicyView,
    ProductView,
    check_policy,
    parse_premium,
)
from ui.dialogs.common import (
    OkCancelDialog,
    attempt,
    date_edit,
    error_label,
    set_error,
    show_field_problems,
    to_date,
)

# Positive money with at most two decimals; the service still checks > 0.
PREMIUM_PATTERN = r"^\d{0,12}([.]\d{0,2})?$"
FIELDS = ("policy_no", "agent_code", "product_code", "premium", "customer_level", "cancel_date")


@dataclass(frozen=True)
class AgentChoice:
    """An agent the combo offers, with the dates the employment check needs."""

    code: str
    name: str
    hire_date: date
    leave_date: date | None

    @property
    def label(self) -> str:
        left = tr("（离职）", " (left)") if self.leave_date is not None else ""
        return f"{self.code} {self.name}{left}"


def qdate(value: date) -> QDate:
    return QDate(value.year, value.month, value.day)


class PolicyDialog(OkCancelDialog):
    """``save`` receives the typed :class:`PolicyInput`; ``saved`` carries the stored PolicyView."""

    saved = Signal(object)

    def __init__(
        self,
        save: Callable[[PolicyInput], PolicyView],
        *,
        agents: Sequence[AgentChoice],
        products_for: Callable[[str], Sequence[ProductView]],
        levels_for: Callable[[str], Sequence[str]],
        policy: PolicyView | None = None,
        default_sign: date | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._save = save
        self._agents = {a.code: a for a in agents}
        self._products_for = products_for
        self._levels_for = levels_for
        self._products: dict[str, ProductView] = {}
        self._plan_month = ""
        self.setWindowTitle(tr("编辑保单", "Edit policy") if policy else tr("添加保单", "Add policy"))
        self.setMinimumWidth(460)

        self.policy_no = QLineEdit(self)
        self.policy_no.setMaxLength(POLICY_NO_MAX)
        self.policy_no.setPlaceholderText(tr("必填，例如 P2026030001", "required, e.g. P2026030001"))
        self.agent = QComboBox(self)
        self.agent.addItem(tr("— 请选择 —", "— choose —"), "")
        for choice in agents:
            self.agent.addItem(choice.label, choice.code)
        self.product = QComboBox(self)
        self.factor = QLabel(self)
        self.factor.setObjectName("factorLabel")
        self.premium = QLineEdit(self)
        self.premium.setValidator(
            QRegularExpressionValidator(QRegularExpression(PREMIUM_PATTERN), self.premium)
        )
        self.premium.setPlaceholderText(tr("元，例如 12000.00", "yuan, e.g. 12000.00"))
        self.level = QComboBox(self)
        self.level.setEditable(True)
        level_line = self.level.lineEdit()
        if level_line is not None:
            level_line.setMaxLength(LEVEL_MAX)
        self.level.setToolTip(
            tr(
                "方案中列出的等级有额外提成；也可留空或自行填写",
                "levels listed in the plan earn a level bonus; leave empty or type another",
            )
        )
        self.new_customer = QCheckBox(tr("新开发客户", "New customer"), self)
        self.sign = date_edit(self, default_sign or date.today())
        self.cancelled = QCheckBox(tr("已撤单", "Cancelled"), self)
        self.cancel = date_edit(self, default_sign or date.today())
        self.cancel.setEnabled(False)

        self.errors = {key: error_label(self) for key in (*FIELDS, "form")}

        product_row = QWidget(self)
        product_layout = QHBoxLayout(product_row)
        product_layout.setContentsMargins(0, 0, 0, 0)
        product_layout.addWidget(self.product, 1)
        product_layout.addWidget(self.factor)
        cancel_row = QWidget(self)
        cancel_layout = QHBoxLayout(cancel_row)
        cancel_layout.setContentsMargins(0, 0, 0, 0)
        cancel_layout.addWidget(self.cancelled)
        cancel_layout.addWidget(self.cancel, 1)

        form = QFormLayout()
        form.addRow(tr("保单号", "Policy no."), self._with_error(self.policy_no, "policy_no"))
        form.addRow(tr("业务员", "Agent"), self._with_error(self.agent, "agent_code"))
        form.addRow(tr("签单日期", "Sign date"), self.sign)
        form.addRow(tr("产品", "Product"), self._with_error(product_row, "product_code"))
        form.addRow(tr("保费（元）", "Premium"), self._with_error(self.premium, "premium"))
        form.addRow(tr("客户等级", "Customer level"), self._with_error(self.level, "customer_level"))
        form.addRow("", self.new_customer)
        form.addRow(tr("撤单日期", "Cancel date"), self._with_error(cancel_row, "cancel_date"))

        self.add_buttons(tr("保存", "Save"))

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.errors["form"])
        layout.addWidget(self.buttons)

        self._reload_plan()
        # Only fields the user has touched show their problem; the OK button reflects all of them.
        self._touched: set[str] = set()
        if policy is not None:
            self._fill(policy)
            self._touched = set(FIELDS)

        self.policy_no.textEdited.connect(lambda: self._touch("policy_no"))
        self.agent.activated.connect(lambda: self._touch("agent_code"))
        self.product.activated.connect(lambda: self._touch("product_code"))
        self.premium.textEdited.connect(lambda: self._touch("premium"))
        self.level.editTextChanged.connect(lambda: self._touch("customer_level"))
        self.sign.dateChanged.connect(self._on_sign)
        self.cancel.dateChanged.connect(lambda: self._touch("cancel_date"))
        self.cancelled.toggled.connect(self._on_cancelled)
        self.new_customer.toggled.connect(lambda: self.revalidate())
        self.policy_no.textChanged.connect(self.revalidate)  # also when text is set programmatically
        self.premium.textChanged.connect(self._on_product)  # the standard premium follows the premium
        self.agent.currentIndexChanged.connect(self.revalidate)
        self.product.currentIndexChanged.connect(self._on_product)
        self._on_product()

    def _with_error(self, field: QWidget, key: str) -> QWidget:
        box = QWidget(self)
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(field)
        layout.addWidget(self.errors[key])
        return box

    def _fill(self, policy: PolicyView) -> None:
        self.policy_no.setText(policy.policy_no)
        index = self.agent.findData(policy.agent_code)
        if index < 0:  # not offered (should not happen): keep it visible rather than lose it
            self.agent.addItem(f"{policy.agent_code} {policy.agent_name}", policy.agent_code)
            index = self.agent.count() - 1
        self.agent.setCurrentIndex(index)
        self.sign.setDate(qdate(policy.sign_date))
        self._reload_plan()
        self.select_product(policy.product_code)
        self.premium.setText(money_for_editing(policy.premium))
        self.level.setCurrentText(policy.customer_level)
        self.new_customer.setChecked(policy.new_customer)
        if policy.cancel_date is not None:
            self.cancelled.setChecked(True)
            self.cancel.setEnabled(True)
            self.cancel.setDate(qdate(policy.cancel_date))

    # --- plan of the sign month -------------------------------------------------------

    def _reload_plan(self) -> None:
        """Offer the products and levels of the plan in force for the sign month."""
        month = month_of(to_date(self.sign))
        if month == self._plan_month:
            return
        self._plan_month = month
        current = self.product.currentData()
        self._products = {p.code: p for p in self._products_for(month)}
        self.product.blockSignals(True)
        self.product.clear()
        self.product.addItem(tr("— 请选择 —", "— choose —"), "")
        for p in self._products.values():
            self.product.addItem(f"{p.code} {p.name}", p.code)
        if current and current not in self._products:
            # Keep the chosen code visible so the user sees why it is refused.
            self.product.addItem(current, current)
        self.product.setCurrentIndex(max(self.product.findData(current), 0) if current else 0)
        self.product.blockSignals(False)
        level = self.level.currentText()
        self.level.blockSignals(True)
        self.level.clear()
        self.level.addItems(["", *self._levels_for(month)])
        self.level.setCurrentText(level)
        self.level.blockSignals(False)

    def select_product(self, code: str) -> None:
        index = self.product.findData(code)
        if index < 0:
            self.product.addItem(code, code)
            index = self.product.count() - 1
        self.product.setCurrentIndex(index)

    def select_agent(self, code: str) -> None:
        self.agent.setCurrentIndex(max(self.agent.findData(code), 0))

    @Slot()
    def _on_sign(self) -> None:
        self._reload_plan()
        self._on_product()
        self._touch("cancel_date")

    @Slot()
    def _on_product(self) -> None:
        """Show the product's factor and, once the premium is known, the standard premium."""
        product = self._products.get(self.product.currentData() or "")
        if product is None:
            self.factor.setText("")
        else:
            premium = parse_premium(self.premium.text()) if self.premium.text().strip() else None
            std = (
                tr(
                    f" → 标准保费 {fmt_money(premium * product.factor)}",
                    f" → std premium {fmt_money(premium * product.factor)}",
                )
                if premium
                else ""
            )
            self.factor.setText(
                tr(f"折标系数 {fmt_num(product.factor)}", f"factor {fmt_num(product.factor)}") + std
            )
        self.revalidate()

    @Slot(bool)
    def _on_cancelled(self, checked: bool) -> None:
        self.cancel.setEnabled(checked)
        if checked and self.cancel.date() < self.sign.date():
            self.cancel.setDate(self.sign.date())
        self._touch("cancel_date")

    # --- validation -------------------------------------------------------------------

    def _touch(self, key: str) -> None:
        self._touched.add(key)
        set_error(self.errors["form"], "")
        self.revalidate()

    def current_input(self) -> PolicyInput:
        return PolicyInput(
            policy_no=self.policy_no.text().strip(),
            agent_code=str(self.agent.currentData() or ""),
            product_code=str(self.product.currentData() or ""),
            premium=parse_premium(self.premium.text()) if self.premium.text().strip() else None,
            sign_date=to_date(self.sign),
            customer_level=self.level.currentText().strip(),
            new_customer=self.new_customer.isChecked(),
            cancel_date=to_date(self.cancel) if self.cancelled.isChecked() else None,
        )

    def problems(self) -> dict[str, list[str]]:
        """Problems by field, in the user's language."""
        employment = {code: (a.hire_date, a.leave_date) for code, a in self._agents.items()}
        found: dict[str, list[str]] = {}
        for p in check_policy(self.current_input(), products=set(self._products), agents=employment):
            found.setdefault(p.field, []).append(p.en if language() == "en" else p.zh)
        if self.premium.text().strip():
            try:  # say why the text is not money (a third decimal, say), not just "enter a number"
                parse_money(self.premium.text(), PREMIUM)
            except MoneyError as exc:
                found["premium"] = [exc.text(language())]
        return found

    def revalidate(self) -> bool:
        if not hasattr(self, "_touched"):
            return False  # still building the form
        return show_field_problems(self.ok_button, self.errors, self.problems(), self._touched, FIELDS)

    def accept(self) -> None:
        if not self.revalidate():
            return
        ok, view = attempt(self, self.errors["form"], lambda: self._save(self.current_input()))
        if ok:
            self.saved.emit(view)
            super().accept()


class CancelPolicyDialog(OkCancelDialog):
    """Asks the cancel date (撤单日期); for a policy already cancelled it can also withdraw it."""

    saved = Signal(object)

    def __init__(
        self,
        policy: PolicyView,
        cancel: Callable[[date | None], PolicyView],
        *,
        default: date | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._cancel = cancel
        self.setWindowTitle(tr("撤单", "Cancel policy"))
        self.setMinimumWidth(420)
        intro = QLabel(
            tr(
                f"保单 {policy.policy_no}（{policy.agent_code} {policy.agent_name}，签单 {policy.sign_date.isoformat()}）"
                "的撤单日期：",
                f"Cancel date of policy {policy.policy_no} ({policy.agent_code} {policy.agent_name}, signed "
                f"{policy.sign_date.isoformat()}):",
            ),
            self,
        )
        intro.setWordWrap(True)
        start = policy.cancel_date or max(default or date.today(), policy.sign_date)
        self.date = date_edit(self, start)
        self.date.setMinimumDate(qdate(policy.sign_date))
        self.withdraw = QCheckBox(
            tr("撤销撤单（恢复为有效保单）", "Withdraw the cancellation (count it again)"), self
        )
        self.withdraw.setVisible(policy.cancel_date is not None)
        self.withdraw.toggled.connect(lambda checked: self.date.setEnabled(not checked))
        note = QLabel(self)
        note.setWordWrap(True)
        if policy.paid_amount is not None:
            note.setText(
                tr(
                    f"该保单在 {policy.paid_month} 已发提成 {fmt_money(policy.paid_amount)} 元；撤单后将在下一个计算的月份追回。",
                    f"{fmt_money(policy.paid_amount)} commission was paid for it in {policy.paid_month}; it is clawed "
                    "back in the next month calculated.",
                )
            )
        elif policy.locked:
            note.setText(
                tr(
                    "该保单所在月份已锁定，只能修改撤单日期。",
                    "The policy's month is locked; only its cancel date can change.",
                )
            )
        note.setVisible(bool(note.text()))
        self.error = error_label(self)
        self.add_buttons(tr("保存", "Save"))
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.date)
        layout.addWidget(self.withdraw)
        layout.addWidget(note)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)

    def accept(self) -> None:
        ok, view = attempt(
            self, self.error, lambda: self._cancel(None if self.withdraw.isChecked() else to_date(self.date))
        )
        if ok:
            self.saved.emit(view)
            super().accept()
