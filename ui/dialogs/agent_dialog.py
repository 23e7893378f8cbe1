"""Add or edit an agent (人员), and the leave-date question asked when an agent leaves.

Problems are shown in red under the field as the user types, using the service's own
:func:`~app.services.agents.validate`, and OK stays disabled while there are any — so the
form never lets through what the service would refuse. A refusal that only the database
can detect (a code already taken) comes back as a ServiceError and is shown under the form.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import date
from decimal import Decimal

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

from app.fields import CODE_MAX, NAME_MAX, PASSWORD_MAX
from app.i18n import language, tr
from app.money import MoneyError, money_for_editing, parse_money
from app.personal import BANK_MAX, BANK_NAME_MAX, ID_LENGTH
from app.services.agents import BASE_SALARY, PAYSLIP_PASSWORD_RULE, ROLES, AgentInput, AgentView, validate
from ui.dialogs.common import (
    OkCancelDialog,
    attempt,
    date_edit,
    error_label,
    set_error,
    show_field_problems,
    to_date,
)

log = logging.getLogger("branchpay.ui.agents")

MONEY_PATTERN = r"^-?\d{0,9}([.]\d{0,2})?$"

SaveAgent = Callable[[AgentInput], AgentView]

# Which field a validate() message belongs to, by the word it starts with (Chinese list).
_FIELD_OF_PREFIX = (
    ("工号", "code"),
    ("姓名", "name"),
    ("底薪", "base"),
    ("离职", "leave"),
    ("工资条密码", "password"),
    ("身份证号", "id_number"),
    ("开户行", "bank_name"),
    ("银行账号", "bank_account"),
    ("社保基数", "si_base"),
    ("公积金基数", "hf_base"),
)
_FIELDS = ("code", "name", "base", "leave", "password", "id_number", "bank_name", "bank_account", "si_base", "hf_base")
SI_BASE = ("社保基数", "the social insurance base")
HF_BASE = ("公积金基数", "the housing fund base")


def _field_of(message_zh: str) -> str:
    for prefix, field in _FIELD_OF_PREFIX:
        if message_zh.startswith(prefix):
            return field
    return "form"


class AgentDialog(OkCancelDialog):
    """``save`` is called with the typed input when OK is pressed; ``saved`` carries its result."""

    saved = Signal(object)

    def __init__(
        self,
        save: SaveAgent,
        *,
        agent: AgentView | None = None,
        teams: Sequence[str] = (),
        parent: QWidget | None = None,
        today: date | None = None,
    ) -> None:
        super().__init__(parent)
        self._save = save
        self._agent = agent
        today = today or date.today()
        self.setWindowTitle(tr("编辑人员", "Edit agent") if agent else tr("添加人员", "Add agent"))
        self.setMinimumWidth(420)

        self.code = QLineEdit(self)
        # The limits of the agents import and the service (app.fields), so the form cannot differ.
        self.code.setMaxLength(CODE_MAX)
        self.code.setPlaceholderText(tr("必填，例如 A001", "required, e.g. A001"))
        self.name = QLineEdit(self)
        self.name.setMaxLength(NAME_MAX)
        self.name.setPlaceholderText(tr("必填", "required"))
        self.role = QComboBox(self)
        self.role.setEditable(True)
        self.role.addItems(list(ROLES))
        self.team = QComboBox(self)
        self.team.setEditable(True)
        self.team.addItems([""] + [t for t in teams if t])
        for combo in (self.role, self.team):
            line = combo.lineEdit()
            if line is not None:
                line.setMaxLength(NAME_MAX)
        self.base = QLineEdit(self)
        self.base.setValidator(QRegularExpressionValidator(QRegularExpression(MONEY_PATTERN), self.base))
        self.base.setPlaceholderText(tr("元，例如 4000.00", "yuan, e.g. 4000.00"))
        self.hire = date_edit(self, today)
        self.no_leave = QCheckBox(tr("在职（没有离职日期）", "Active (no leave date)"), self)
        self.no_leave.setChecked(True)
        self.leave = date_edit(self, today)
        self.leave.setEnabled(False)
        self.password = QLineEdit(self)
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setMaxLength(PASSWORD_MAX)
        if agent is not None and agent.has_payslip_password:
            self.password.setPlaceholderText(tr("已设置；留空则保持不变", "set; leave empty to keep it"))
        else:
            self.password.setPlaceholderText(
                tr("可不填；用于加密工资条 PDF", "optional; encrypts the payslip PDF")
            )
        # The rule next to the field, so nobody has to guess it from a refusal.
        self.password_rule = QLabel(tr(*PAYSLIP_PASSWORD_RULE), self)
        self.password_rule.setWordWrap(True)
        self.password_rule.setEnabled(False)  # greyed, like the other hints

        # docs/pay-rules.md §9.1: shown whole here (the one screen that does), masked everywhere else
        self.id_number = QLineEdit(self)
        self.id_number.setMaxLength(ID_LENGTH + 4)
        self.id_number.setPlaceholderText(tr("18 位居民身份证号", "18-character resident ID number"))
        self.bank_name = QLineEdit(self)
        self.bank_name.setMaxLength(BANK_NAME_MAX)
        self.bank_account = QLineEdit(self)
        self.bank_account.setMaxLength(BANK_MAX + 10)
        self.bank_account.setPlaceholderText(tr("12–30 位数字，可含空格", "12–30 digits, spaces allowed"))
        self.si_base = QLineEdit(self)
        self.si_base.setValidator(QRegularExpressionValidator(QRegularExpression(MONEY_PATTERN), self.si_base))
        self.si_base.setPlaceholderText(tr("留空则为底薪", "empty: the base salary"))
        self.hf_base = QLineEdit(self)
        self.hf_base.setValidator(QRegularExpressionValidator(QRegularExpression(MONEY_PATTERN), self.hf_base))
        self.hf_base.setPlaceholderText(tr("留空则为社保基数", "empty: the social insurance base"))
        self.statutory = QCheckBox(tr("代扣社保、公积金和个税", "Withhold social insurance, housing fund and tax"), self)
        self.statutory.setChecked(True)

        self.errors = {key: error_label(self) for key in (*_FIELDS, "form")}

        form = QFormLayout()
        form.addRow(tr("工号", "Code"), self._with_error(self.code, "code"))
        form.addRow(tr("姓名", "Name"), self._with_error(self.name, "name"))
        form.addRow(tr("岗位", "Role"), self.role)
        form.addRow(tr("团队", "Team"), self.team)
        form.addRow(tr("底薪（元）", "Base salary"), self._with_error(self.base, "base"))
        form.addRow(tr("入职日期", "Hire date"), self.hire)
        leave_row = QWidget(self)
        leave_layout = QHBoxLayout(leave_row)
        leave_layout.setContentsMargins(0, 0, 0, 0)
        leave_layout.addWidget(self.no_leave)
        leave_layout.addWidget(self.leave, 1)
        form.addRow(tr("离职日期", "Leave date"), self._with_error(leave_row, "leave"))
        form.addRow(
            tr("工资条密码", "Payslip password"),
            self._with_error(self.password, "password", self.password_rule),
        )
        form.addRow(tr("身份证号", "ID number"), self._with_error(self.id_number, "id_number"))
        form.addRow(tr("开户行", "Bank"), self._with_error(self.bank_name, "bank_name"))
        form.addRow(tr("银行账号", "Bank account"), self._with_error(self.bank_account, "bank_account"))
        form.addRow(tr("社保基数（元）", "SI base"), self._with_error(self.si_base, "si_base"))
        form.addRow(tr("公积金基数（元）", "Housing fund base"), self._with_error(self.hf_base, "hf_base"))
        form.addRow("", self.statutory)

        self.add_buttons(tr("保存", "Save"))

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.errors["form"])
        layout.addWidget(self.buttons)

        # Only fields the user has touched show their problem; the OK button reflects all of them.
        self._touched: set[str] = set()
        if agent is not None:
            self._fill(agent)
            self._touched = {"code", "name", "base", "leave"}

        self.code.textEdited.connect(lambda: self._touch("code"))
        self.name.textEdited.connect(lambda: self._touch("name"))
        self.base.textEdited.connect(lambda: self._touch("base"))
        self.password.textEdited.connect(lambda: self._touch("password"))
        self.hire.dateChanged.connect(lambda: self._touch("leave"))
        self.leave.dateChanged.connect(lambda: self._touch("leave"))
        self.no_leave.toggled.connect(self._on_no_leave)
        for key in ("id_number", "bank_name", "bank_account", "si_base", "hf_base"):
            getattr(self, key).textEdited.connect(lambda _text, k=key: self._touch(k))
        for line in (self.code, self.name, self.base, self.password, self.id_number, self.bank_name,
                     self.bank_account, self.si_base, self.hf_base):
            line.textChanged.connect(self.revalidate)  # also when text is set programmatically
        self.revalidate()

    def _with_error(self, field: QWidget, key: str, hint: QWidget | None = None) -> QWidget:
        box = QWidget(self)
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(field)
        if hint is not None:
            layout.addWidget(hint)
        layout.addWidget(self.errors[key])
        return box

    def _fill(self, agent: AgentView) -> None:
        # A value stored before the limits existed is shown whole (setText would silently cut it);
        # the field's message then asks for a shorter one.
        lines: list[tuple[QLineEdit | None, str]] = [(self.code, agent.code), (self.name, agent.name)]
        lines += [(c.lineEdit(), v) for c, v in ((self.role, agent.role), (self.team, agent.team))]
        for line, value in lines:
            if line is not None and len(value) > line.maxLength():
                line.setMaxLength(len(value))
        self.code.setText(agent.code)
        self.name.setText(agent.name)
        self.role.setCurrentText(agent.role)
        self.team.setCurrentText(agent.team)
        self.base.setText(money_for_editing(agent.base_salary))
        self.hire.setDate(QDate(agent.hire_date.year, agent.hire_date.month, agent.hire_date.day))
        if agent.leave_date is not None:
            self.no_leave.setChecked(False)
            self.leave.setEnabled(True)
            self.leave.setDate(QDate(agent.leave_date.year, agent.leave_date.month, agent.leave_date.day))
        self.id_number.setText(agent.id_number or "")
        self.bank_name.setText(agent.bank_name)
        self.bank_account.setText(agent.bank_account or "")
        self.si_base.setText(money_for_editing(agent.si_base) if agent.si_base is not None else "")
        self.hf_base.setText(money_for_editing(agent.hf_base) if agent.hf_base is not None else "")
        self.statutory.setChecked(agent.statutory)

    @Slot(bool)
    def _on_no_leave(self, checked: bool) -> None:
        self.leave.setEnabled(not checked)
        self._touch("leave")

    def _touch(self, key: str) -> None:
        self._touched.add(key)
        set_error(self.errors["form"], "")
        self.revalidate()

    def _base_salary(self) -> Decimal | None:
        """The base salary read as every amount is read (app.money.parse_money), or None."""
        try:
            return parse_money(self.base.text(), BASE_SALARY)
        except MoneyError:
            return None

    def current_input(self) -> AgentInput:
        base = self._base_salary()
        return AgentInput(
            code=self.code.text().strip(),
            name=self.name.text().strip(),
            base_salary=base if base is not None else Decimal(0),
            hire_date=to_date(self.hire),
            role=self.role.currentText().strip(),
            team=self.team.currentText().strip(),
            leave_date=None if self.no_leave.isChecked() else to_date(self.leave),
            payslip_password=self.password.text() or None,
            id_number=self.id_number.text().strip() or None,
            bank_name=self.bank_name.text().strip(),
            bank_account=self.bank_account.text().strip() or None,
            si_base=self._optional_money(self.si_base, SI_BASE),
            hf_base=self._optional_money(self.hf_base, HF_BASE),
            statutory=self.statutory.isChecked(),
        )

    @staticmethod
    def _optional_money(line: QLineEdit, what: tuple[str, str]) -> Decimal | None:
        if not line.text().strip():
            return None
        try:
            return parse_money(line.text(), what)
        except MoneyError:
            return None

    def problems(self) -> dict[str, list[str]]:
        """Problems by field key, in the user's language."""
        found: dict[str, list[str]] = {}
        zh, en = validate(self.current_input())
        for message_zh, message_en in zip(zh, en, strict=False):
            found.setdefault(_field_of(message_zh), []).append(
                message_en if language() == "en" else message_zh
            )
        if not self.base.text().strip():
            found["base"] = [tr("请填写底薪", "enter the base salary")]
        else:
            try:  # the text as typed: a third decimal is refused, never rounded on save
                parse_money(self.base.text(), BASE_SALARY)
            except MoneyError as exc:
                found["base"] = [exc.text(language())]
        for key, what in (("si_base", SI_BASE), ("hf_base", HF_BASE)):
            text = getattr(self, key).text()
            if text.strip():
                try:
                    parse_money(text, what)
                except MoneyError as exc:
                    found[key] = [exc.text(language())]
        return found

    def revalidate(self) -> bool:
        return show_field_problems(self.ok_button, self.errors, self.problems(), self._touched, _FIELDS)

    def accept(self) -> None:
        if not self.revalidate():
            return
        ok, view = attempt(self, self.errors["form"], lambda: self._save(self.current_input()))
        if ok:
            self.saved.emit(view)
            super().accept()


class LeaveDateDialog(OkCancelDialog):
    """Asks the leave date (离职日期) before an agent is marked as left."""

    saved = Signal(object)

    def __init__(
        self,
        agent: AgentView,
        deactivate: Callable[[date], AgentView],
        *,
        default: date | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._agent = agent
        self._deactivate = deactivate
        self.setWindowTitle(tr("办理离职", "Mark as left"))
        intro = QLabel(
            tr(
                f"{agent.code} {agent.name} 的最后工作日（离职日期）：",
                f"Last working day (leave date) of {agent.code} {agent.name}:",
            ),
            self,
        )
        intro.setWordWrap(True)
        self.date = date_edit(self, max(default or date.today(), agent.hire_date))
        self.date.setMinimumDate(QDate(agent.hire_date.year, agent.hire_date.month, agent.hire_date.day))
        self.error = error_label(self)
        self.add_buttons(tr("办理离职", "Mark as left"))
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.date)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)

    def accept(self) -> None:
        ok, view = attempt(self, self.error, lambda: self._deactivate(to_date(self.date)))
        if ok:
            self.saved.emit(view)
            super().accept()
