"""设置 → 用户与签核 (docs/pay-rules.md §10): the branch's users and roles, and which sign-offs it uses.

Everything here is the admin's; for anyone else the buttons are disabled with a tooltip naming
the role. With no users yet, the first one added must be an admin (the dialog ticks it and keeps
it ticked), and the window then works as that user.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.i18n import language, tr
from app.services.errors import ServiceError
from app.services.signoff import enabled_steps, same_person_allowed, set_chain_settings
from app.services.users import (
    MIN_PASSWORD,
    ROLE_NAMES,
    ROLES,
    UserView,
    add_user,
    list_users,
    role_names,
    set_active,
    set_password,
    set_roles,
)
from db.session import Database
from ui.dialogs.common import error_label, set_error
from ui.errors import show_error
from ui.roles import current_roles, guard


class UserDialog(QDialog):
    """A new user (name, password twice, roles) or, with ``name``, new roles and optionally a new password.

    ``save(name, password, roles)`` does the work and returns "" or why it refused; the dialog stays open
    until it is "" or the user cancels."""

    def __init__(
        self, parent: QWidget | None, save: Callable[[str, str, list[str]], str], *, name: str = "",
        roles: tuple[str, ...] = (), first: bool = False,
    ) -> None:
        super().__init__(parent)
        self._save = save
        self._editing = bool(name)
        self.setWindowTitle(tr("修改用户", "Edit user") if name else tr("添加用户", "Add user"))
        self.name = QLineEdit(name, self)
        self.name.setReadOnly(self._editing)
        self.password = QLineEdit(self)
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.repeat = QLineEdit(self)
        self.repeat.setEchoMode(QLineEdit.EchoMode.Password)
        if self._editing:
            self.password.setPlaceholderText(tr("留空则不改密码", "leave empty to keep the password"))
        self.role_boxes: dict[str, QCheckBox] = {}
        role_row = QHBoxLayout()
        lang = language()
        for role in ROLES:
            box = QCheckBox(ROLE_NAMES[role].in_(lang), self)
            box.setChecked(role in roles or (first and role == "admin"))
            if first and role == "admin":
                box.setEnabled(False)
                box.setToolTip(tr("第一个用户必须是管理员", "The first user must be an admin"))
            self.role_boxes[role] = box
            role_row.addWidget(box)
        self.error = error_label(self)
        form = QFormLayout()
        form.addRow(tr("用户名", "Name"), self.name)
        form.addRow(tr("密码", "Password"), self.password)
        form.addRow(tr("再输入一次", "Again"), self.repeat)
        form.addRow(tr("角色", "Roles"), role_row)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.try_save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(QLabel(tr(f"密码至少 {MIN_PASSWORD} 个字符。", f"At least {MIN_PASSWORD} characters."), self))
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def roles(self) -> list[str]:
        return [r for r, box in self.role_boxes.items() if box.isChecked()]

    @Slot()
    def try_save(self) -> None:
        if self.password.text() != self.repeat.text():
            set_error(self.error, tr("两次输入的密码不一致。", "The two passwords differ."))
            return
        problem = self._save(self.name.text().strip(), self.password.text(), self.roles())
        if problem:
            set_error(self.error, problem)
            return
        self.password.clear()
        self.repeat.clear()
        self.accept()


class UsersPanel(QGroupBox):
    #: Users or the chain's settings changed (the window updates the user label and the buttons).
    changed = Signal()

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(tr("用户与签核", "Users and sign-off"), parent)
        self.db = db
        self.dialog: UserDialog | None = None
        self.message: QMessageBox | None = None
        self.users: list[UserView] = []
        self.state = QLabel(self)
        self.state.setWordWrap(True)
        self.table = QTableWidget(0, 3, self)
        self.table.setHorizontalHeaderLabels([tr("用户", "User"), tr("角色", "Roles"), tr("状态", "State")])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.setMaximumHeight(160)
        self.table.verticalHeader().setVisible(False)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.add_button = QPushButton(tr("添加用户…", "Add user…"), self)
        self.edit_button = QPushButton(tr("角色与密码…", "Roles and password…"), self)
        self.active_button = QPushButton(tr("停用", "Disable"), self)
        self.add_button.clicked.connect(self.open_add)
        self.edit_button.clicked.connect(self.open_edit)
        self.active_button.clicked.connect(self.toggle_active)
        self.step_boxes = {
            "review": QCheckBox(tr("审核", "Review"), self),
            "check": QCheckBox(tr("复核", "Check"), self),
            "approve": QCheckBox(tr("签批（必用）", "Approval (always)"), self),
        }
        self.step_boxes["approve"].setChecked(True)
        self.step_boxes["approve"].setEnabled(False)
        self.same_person = QCheckBox(tr("两人网点：允许同一人核算并签核多步", "Two-person branch: one person may "
                                        "calculate and sign several steps"), self)
        self.chain_button = QPushButton(tr("应用签核设置", "Apply sign-off settings"), self)
        self.chain_button.clicked.connect(self.apply_chain)
        buttons = QHBoxLayout()
        for b in (self.add_button, self.edit_button, self.active_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        steps = QHBoxLayout()
        for box in self.step_boxes.values():
            steps.addWidget(box)
        steps.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.state)
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        layout.addWidget(QLabel(tr("使用的签核步骤：", "Sign-off steps used:"), self))
        layout.addLayout(steps)
        layout.addWidget(self.same_person)
        layout.addWidget(self.chain_button)
        self.refresh()

    def refresh(self) -> None:
        with self.db.session_scope() as session:
            self.users = list_users(session)
            steps = enabled_steps(session)
            same = same_person_allowed(session)
        lang = language()
        self.table.setRowCount(len(self.users))
        for row, u in enumerate(self.users):
            state = tr("正常", "active") if u.active else tr("已停用", "disabled")
            for col, text in enumerate((u.name, role_names(u.roles, lang), state)):
                self.table.setItem(row, col, QTableWidgetItem(text))
        for step, box in self.step_boxes.items():
            box.setChecked(step in steps)
        self.same_person.setChecked(same)
        if not self.users:
            self.state.setText(tr("尚未设置用户：程序按单人使用（计算后直接锁定）。添加的第一个用户必须是管理员。",
                                  "No users yet: one person works as before (calculate, then lock). "
                                  "The first user added must be an admin."))
        else:
            who = self.db.acting_user or "—"
            self.state.setText(tr(f"当前用户：{who}", f"Signed in as: {who}"))
        self._update_buttons()

    def selected(self) -> UserView | None:
        rows = {i.row() for i in self.table.selectedIndexes()}
        return self.users[min(rows)] if rows else None

    def _update_buttons(self) -> None:
        roles = current_roles(self.db)
        chosen = self.selected()
        self.add_button.setEnabled(True)
        self.add_button.setToolTip("")
        self.edit_button.setEnabled(chosen is not None)
        self.active_button.setEnabled(chosen is not None)
        self.active_button.setText(tr("启用", "Enable") if chosen is not None and not chosen.active
                                   else tr("停用", "Disable"))
        for w in (self.step_boxes["review"], self.step_boxes["check"], self.same_person, self.chain_button):
            w.setEnabled(True)
            w.setToolTip("")
        for b in (self.add_button, self.edit_button, self.active_button, self.chain_button):
            guard(b, roles, "admin")
        if not roles.allows("admin"):
            for w in (self.step_boxes["review"], self.step_boxes["check"], self.same_person):
                w.setEnabled(False)

    def _run(self, work: Callable[[], object]) -> str:
        try:
            work()
        except ServiceError as exc:
            return exc.text(language())
        self.refresh()
        self.changed.emit()
        return ""

    # --- actions --------------------------------------------------------------------------------

    def add(self, name: str, password: str, roles: list[str]) -> str:
        first = not self.users

        def work() -> None:
            with self.db.session_scope(write=True) as session:
                add_user(session, name, password, roles)
            if first:  # the one who set up users works on as the admin they just created
                self.db.acting_user = name

        return self._run(work)

    def edit(self, name: str, password: str, roles: list[str]) -> str:
        def work() -> None:
            with self.db.session_scope(write=True) as session:
                set_roles(session, name, roles)
                if password:
                    set_password(session, name, password)

        return self._run(work)

    @Slot()
    def open_add(self) -> UserDialog:
        self.dialog = UserDialog(self, self.add, first=not self.users)
        self.dialog.open()
        return self.dialog

    @Slot()
    def open_edit(self) -> UserDialog | None:
        chosen = self.selected()
        if chosen is None:
            return None
        self.dialog = UserDialog(self, self.edit, name=chosen.name, roles=chosen.roles)
        self.dialog.open()
        return self.dialog

    @Slot()
    def toggle_active(self) -> bool:
        chosen = self.selected()
        if chosen is None:
            return False

        def work() -> None:
            with self.db.session_scope(write=True) as session:
                set_active(session, chosen.name, not chosen.active)

        problem = self._run(work)
        if problem:
            self.message = show_error(self, ServiceError(problem))
        return not problem

    @Slot()
    def apply_chain(self) -> bool:
        steps = tuple(s for s, box in self.step_boxes.items() if box.isChecked())

        def work() -> None:
            with self.db.session_scope(write=True) as session:
                set_chain_settings(session, steps, self.same_person.isChecked())

        problem = self._run(work)
        if problem:
            self.message = show_error(self, ServiceError(problem))
        return not problem
