"""The first-run welcome: name the branch, pick the language, start empty, with the demo, by importing,
or by connecting to the branch's server database (docs/server-database.md) instead of this PC's file.

The dialog only collects a :class:`WelcomeChoice`; :func:`ui.startup.apply_welcome` acts on
it, so tests pass a choice straight to the logic.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from app import APP_NAME
from app.i18n import language
from db.server import is_server_url
from ui.dialogs.common import error_label, set_error


class StartWith(Enum):
    EMPTY = "empty"
    DEMO = "demo"
    IMPORT = "import"
    SERVER = "server"


@dataclass(frozen=True)
class WelcomeChoice:
    branch_name: str
    language: str
    start: StartWith
    server_url: str = ""  # StartWith.SERVER: the database to open instead of this PC's file


LANGUAGE_NAMES = (("zh", "中文"), ("en", "English"))


class WelcomeDialog(QDialog):
    """Choosing a language here retranslates the dialog at once (:meth:`retranslate`)."""

    def __init__(self, default_branch: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMinimumWidth(460)
        self.intro = QLabel(self)
        self.intro.setWordWrap(True)
        self.branch = QLineEdit(default_branch, self)
        self.branch.setMinimumWidth(260)
        self.language_box = QComboBox(self)
        for code, name in LANGUAGE_NAMES:
            self.language_box.addItem(name, code)
        self.language_box.setCurrentIndex(0 if language() == "zh" else 1)
        self.branch_label = QLabel(self)
        form = QFormLayout()
        form.addRow(self.branch_label, self.branch)
        # Both languages: whoever reads the other one must still find this row.
        form.addRow("界面语言 / Language:", self.language_box)

        self.start_box = QGroupBox(self)
        group = self.start_box
        self.empty_radio = QRadioButton(group)
        self.demo_radio = QRadioButton(group)
        self.import_radio = QRadioButton(group)
        self.server_radio = QRadioButton(group)
        self.server_url = QLineEdit(group)
        self.server_url.setPlaceholderText("postgresql+psycopg://user@host/branchpay")
        self.server_url.setEnabled(False)
        self.server_note = QLabel(group)
        self.server_note.setWordWrap(True)
        self.server_note.setVisible(False)
        self.start_group = QButtonGroup(self)
        for button, choice in (
            (self.empty_radio, StartWith.EMPTY),
            (self.demo_radio, StartWith.DEMO),
            (self.import_radio, StartWith.IMPORT),
            (self.server_radio, StartWith.SERVER),
        ):
            self.start_group.addButton(button, list(StartWith).index(choice))
        self.empty_radio.setChecked(True)
        group_layout = QVBoxLayout(group)
        for button in (self.empty_radio, self.demo_radio, self.import_radio, self.server_radio):
            group_layout.addWidget(button)
        group_layout.addWidget(self.server_url)
        group_layout.addWidget(self.server_note)

        self.error = error_label(self)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok, self)
        self.buttons.accepted.connect(self._on_ok)
        self.branch.textChanged.connect(self._validate)
        self.server_url.textChanged.connect(self._validate)
        self.start_group.idToggled.connect(self._on_start_toggled)
        self.language_box.currentIndexChanged.connect(self.retranslate)

        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(form)
        layout.addWidget(group)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.retranslate()

    def chosen_language(self) -> str:
        return str(self.language_box.currentData())

    def _t(self, zh: str, en: str) -> str:
        """The text in the language chosen in the dialog (the app's own switches after the welcome)."""
        return en if self.chosen_language() == "en" else zh

    def retranslate(self) -> None:
        t = self._t
        self.setWindowTitle(t(f"欢迎使用 {APP_NAME}", f"Welcome to {APP_NAME}"))
        self.intro.setText(
            t(
                "这是第一次打开本程序。请填写网点名称并选择如何开始；以后都可以在“设置”中修改。",
                "This is the first start. Name your branch and choose how to begin; "
                "you can change all of this later under Settings.",
            )
        )
        self.branch_label.setText(t("网点名称：", "Branch name:"))
        self.branch.setToolTip(t("显示在窗口标题、工资条和汇总表上", "Shown in the window title, payslips and summary"))
        self.start_box.setTitle(t("如何开始", "How to begin"))
        self.empty_radio.setText(t("从空白开始，稍后录入人员", "Start empty and add agents later"))
        self.demo_radio.setText(
            t(
                "先看演示网点（25 名虚构人员和三个月数据）",
                "Look at a demo branch first (25 made-up agents, three months)",
            )
        )
        self.import_radio.setText(t("现在从 Excel/CSV 导入人员", "Import agents from Excel/CSV now"))
        self.server_radio.setText(
            t("连接服务器数据库（几位同事共用一个网点的数据）", "Connect to a server database (colleagues share the branch's data)")
        )
        self.server_url.setToolTip(t("服务器数据库的地址，由管理服务器的同事提供", "The server database's address, from whoever runs the server"))
        self.server_note.setText(
            t(
                "密码请放在 PGPASSWORD 或 ~/.pgpass 中，不要写进地址。网点名称和语言以服务器上的设置为准。",
                "Keep the password in PGPASSWORD or ~/.pgpass, not in the address. "
                "The branch name and language are the server database's own.",
            )
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(t("开始", "Start"))
        if self.error.text():
            self._validate()
        if self.isVisible():
            self.adjustSize()  # the other language's texts may wrap differently

    def start_with(self) -> StartWith:
        return list(StartWith)[max(self.start_group.checkedId(), 0)]

    def choice(self) -> WelcomeChoice:
        start = self.start_with()
        url = self.server_url.text().strip() if start is StartWith.SERVER else ""
        return WelcomeChoice(self.branch.text().strip(), str(self.language_box.currentData()), start, url)

    def _on_start_toggled(self, _id: int, _checked: bool) -> None:
        server = self.start_with() is StartWith.SERVER
        self.server_url.setEnabled(server)
        self.server_note.setVisible(server)
        self.branch.setEnabled(not server)  # the server database has its own name
        if server:
            self.server_url.setFocus()
        self._validate()

    def _validate(self) -> bool:
        if self.start_with() is StartWith.SERVER:
            url = self.server_url.text().strip()
            if not url:
                problem = self._t("请填写服务器数据库的地址。", "Please enter the server database's address.")
            elif not is_server_url(url):
                problem = self._t(
                    "地址应以 postgresql+psycopg:// 开头，例如 postgresql+psycopg://user@host/branchpay",
                    "The address starts with postgresql+psycopg://, e.g. postgresql+psycopg://user@host/branchpay",
                )
            else:
                problem = ""
        else:
            problem = "" if self.branch.text().strip() else self._t("请填写网点名称。", "Please enter the branch name.")
        set_error(self.error, problem)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(not problem)
        return not problem

    def _on_ok(self) -> None:
        if self._validate():
            self.accept()
