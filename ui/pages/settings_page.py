"""设置 Settings: branch, language, payslip, warning level, calendar exceptions, data and backups, password.

Ordinary fields are edited freely and written together by 保存 (each change audited by
:func:`app.services.settings.set_setting`); nothing is written while a field is invalid.
Calendar exceptions and the password are separate actions that take effect at once,
because each is a deliberate, confirmed step of its own.
"""

from __future__ import annotations

import logging
import shutil
from datetime import date
from decimal import Decimal
from pathlib import Path

from PySide6.QtCore import Qt, QUrl, Signal, Slot
from PySide6.QtGui import QAction, QDesktopServices, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.i18n import language, tr
from app.money import CENT, MoneyError, fmt_money, parse_money
from app.services.backups import backup_folder, last_backup_time
from app.services.calendar_overrides import OverrideView, list_overrides, remove_override, set_override
from app.services.errors import MonthLocked, ServiceError
from app.services.security import hash_password, password_is_set, verify_password
from app.services.settings import all_settings, set_setting
from app.services.users import users_exist
from db.session import Database
from ui import file_dialogs
from ui.dialogs.common import ERROR_STYLE, date_edit, error_label, set_error, to_date
from ui.dialogs.password_dialog import PasswordPrompt, SetPasswordDialog
from ui.dialogs.welcome_dialog import LANGUAGE_NAMES
from ui.errors import show_error, show_message
from ui.pages.base import Page
from ui.translations import command_line_language
from ui.widgets.users_panel import UsersPanel

log = logging.getLogger("branchpay.ui.settings")

LOGO_PREVIEW = 96
BRANDING_DIRNAME = "branding"
# The keys the Save button writes; the password, calendar and bookkeeping keys have their own paths.
FORM_KEYS = (
    "branch_name",
    "branch_code",
    "branch_logo",
    "language",
    "payslip_size",
    "payslip_font",
    "minimum_wage",
    "backup_every_days",
    "backup_keep",
    "idle_lock_minutes",
)


MINIMUM_WAGE = ("最低工资提醒线", "the minimum wage level")  # how a money message names the field


def parse_minimum_wage(text: str) -> tuple[Decimal | None, str]:
    """The amount (read like every amount, app.money.parse_money), or None and why it is refused
    (in the user's language)."""
    try:
        value = parse_money(text, MINIMUM_WAGE)
    except MoneyError as exc:
        return None, exc.text(language())
    if value < 0:
        return None, tr("不能小于 0。", "Cannot be below 0.")
    return value.quantize(CENT), ""


def _heading(text: str, parent: QWidget) -> QGroupBox:
    return QGroupBox(text, parent)


class SettingsPage(Page):
    reads = frozenset({"settings", "calendar"})
    reload_on_outside_change = False  # its editors may hold unsaved text

    language_changed = Signal(str)

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(db, parent)
        self.dialog: SetPasswordDialog | PasswordPrompt | None = None
        self._loaded: dict[str, str] = {}
        self._password_hash = ""
        self._override_days: list[date] = []

        content = QWidget(self)
        grid = QGridLayout(content)
        grid.setContentsMargins(0, 0, 8, 0)
        grid.setHorizontalSpacing(12)
        grid.setVerticalSpacing(12)
        # Two columns so everything fits a laptop screen without scrolling: the short
        # forms on the left, data and the growing calendar table on the right.
        left = QVBoxLayout()
        left.setSpacing(12)
        left.addWidget(self._build_branch(content))
        left.addWidget(self._build_payslip(content))
        left.addWidget(self._build_password(content))
        left.addStretch(1)
        right = QVBoxLayout()
        right.setSpacing(12)
        right.addWidget(self._build_data(content))
        self.users_panel = UsersPanel(db, content)  # §10: users, roles and the sign-off steps
        self.users_panel.changed.connect(lambda: self.data_changed.emit("settings"))
        right.addWidget(self.users_panel)
        right.addWidget(self._build_calendar(content), 1)
        grid.addLayout(left, 0, 0)
        grid.addLayout(right, 0, 1)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)

        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(content)

        self.save_button = QPushButton(tr("保存", "Save"), self)
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        self.revert_button = QPushButton(tr("撤销更改", "Undo changes"), self)
        self.revert_button.clicked.connect(self.load)
        self.status = QLabel(self)
        bar = QHBoxLayout()
        bar.addWidget(self.status, 1)
        bar.addWidget(self.revert_button)
        bar.addWidget(self.save_button)

        layout = QVBoxLayout(self)
        layout.addWidget(scroll, 1)
        layout.addLayout(bar)

        for edit in (self.branch_name, self.branch_code, self.minimum_wage):
            edit.textChanged.connect(self._on_edit)
        for combo in (self.language, self.payslip_size):
            combo.currentIndexChanged.connect(self._on_edit)
        for spin in (self.backup_every_days, self.backup_keep, self.idle_minutes):
            spin.valueChanged.connect(self._on_edit)
        self.refresh()

    # --- building ---------------------------------------------------------------------

    def _build_branch(self, parent: QWidget) -> QGroupBox:
        box = _heading(tr("网点与界面", "Branch and language"), parent)
        self.branch_name = QLineEdit(box)
        self.branch_name_error = error_label(box)
        self.branch_code = QLineEdit(box)
        self.branch_code.setMaxLength(32)
        self.branch_code.setPlaceholderText(tr("如 SZ01；区域汇总用它区分网点", "e.g. SZ01; tells branches apart in the region workbook"))

        self.logo_path = ""
        self.logo_preview = QLabel(box)
        self.logo_preview.setObjectName("logoPreview")
        self.logo_preview.setFixedSize(LOGO_PREVIEW, LOGO_PREVIEW)
        self.logo_preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.logo_preview.setStyleSheet("QLabel#logoPreview { border: 1px dashed palette(mid); }")
        self.logo_choose = QPushButton(tr("选择图片…", "Choose image…"), box)
        self.logo_choose.clicked.connect(self.choose_logo)
        self.logo_clear = QPushButton(tr("不用标志", "No logo"), box)
        self.logo_clear.clicked.connect(lambda: self.set_logo(""))
        logo_buttons = QVBoxLayout()
        logo_buttons.addWidget(self.logo_choose)
        logo_buttons.addWidget(self.logo_clear)
        logo_buttons.addStretch(1)
        logo_row = QHBoxLayout()
        logo_row.addWidget(self.logo_preview)
        logo_row.addLayout(logo_buttons)
        logo_row.addStretch(1)

        self.language = QComboBox(box)
        for code, name in LANGUAGE_NAMES:
            self.language.addItem(name, code)
        self.language_note = QLabel(box)
        self.language_note.setWordWrap(True)
        self.language_note.setEnabled(False)
        # Started with --lang: the window's language is not the saved one the combo shows; say so beside it.
        self.language_override_note = QLabel(box)
        self.language_override_note.setWordWrap(True)
        self.language_override_note.setVisible(False)
        language_row = QHBoxLayout()
        language_row.addWidget(self.language)
        language_row.addWidget(self.language_override_note, 1)

        form = QFormLayout(box)
        form.addRow(tr("网点名称：", "Branch name:"), self.branch_name)
        form.addRow("", self.branch_name_error)
        form.addRow(tr("网点代码：", "Branch code:"), self.branch_code)
        form.addRow(tr("网点标志：", "Branch logo:"), logo_row)
        form.addRow("界面语言 / Language:", language_row)
        form.addRow("", self.language_note)
        return box

    def _build_payslip(self, parent: QWidget) -> QGroupBox:
        box = _heading(tr("工资条与提醒", "Payslips and warnings"), parent)
        self.payslip_size = QComboBox(box)
        self.payslip_size.setMaximumWidth(220)
        for size in ("A4", "A5"):
            self.payslip_size.addItem(size, size)
        # branches print on A4 paper and cut: two A5 slips on each sheet of the combined file
        self.payslip_size.addItem(tr("A4 纸印两张 A5", "Two A5 per A4 sheet"), "A5X2")
        self.payslip_size.setToolTip(
            tr(
                "“A4 纸印两张 A5”：合并文件和打印时每张 A4 纸横向印两份 A5 工资条，中间有裁切虚线；"
                "每人单独的文件仍为 A5。",
                "“Two A5 per A4 sheet”: the combined file (and printing it) puts two A5 payslips on each "
                "A4 sheet, side by side with a dashed cut line; each agent's own file stays A5.",
            )
        )
        self.font_path = ""
        self.font_label = QLineEdit(box)
        self.font_label.setReadOnly(True)
        self.font_label.setPlaceholderText(
            tr("自动（系统字体或内置字体）", "Automatic (system or built-in font)")
        )
        self.font_choose = QPushButton(tr("选择…", "Choose…"), box)
        self.font_choose.clicked.connect(self.choose_font)
        self.font_auto = QPushButton(tr("自动", "Automatic"), box)
        self.font_auto.setToolTip(
            tr(
                "使用系统中的微软雅黑/宋体，没有时用内置中文字体",
                "Use Microsoft YaHei/SimSun if present, else the built-in CJK font",
            )
        )
        self.font_auto.clicked.connect(lambda: self.set_font_file(""))
        font_buttons = QHBoxLayout()
        font_buttons.addWidget(self.font_choose)
        font_buttons.addWidget(self.font_auto)
        font_buttons.addStretch(1)
        font_row = QVBoxLayout()
        font_row.addWidget(self.font_label)
        font_row.addLayout(font_buttons)

        self.minimum_wage = QLineEdit(box)
        self.minimum_wage.setMaximumWidth(160)
        self.minimum_wage.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.minimum_wage_error = error_label(box)
        wage_note = QLabel(
            tr(
                "实发工资低于此金额的人员会在月度核算中提示。",
                "Payroll warns about anyone whose net pay is below this.",
            ),
            box,
        )
        wage_note.setWordWrap(True)
        wage_note.setEnabled(False)

        form = QFormLayout(box)
        form.addRow(tr("工资条纸张：", "Payslip paper:"), self.payslip_size)
        form.addRow(tr("工资条字体：", "Payslip font:"), font_row)
        form.addRow(tr("最低工资提醒线：", "Minimum wage warning:"), self.minimum_wage)
        form.addRow("", self.minimum_wage_error)
        form.addRow("", wage_note)
        return box

    def _build_data(self, parent: QWidget) -> QGroupBox:
        box = _heading(tr("数据与备份", "Data and backups"), parent)
        self.db_path_label = QLabel(self.db.location, box)
        self.db_path_label.setWordWrap(True)
        self.db_path_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.open_data_button = QPushButton(tr("打开数据文件夹", "Open data folder"), box)
        self.open_data_button.clicked.connect(self.open_data_folder)
        self.open_backups_button = QPushButton(tr("打开备份文件夹", "Open backup folder"), box)
        self.open_backups_button.clicked.connect(self.open_backup_folder)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.open_data_button)
        folder_row.addWidget(self.open_backups_button)
        folder_row.addStretch(1)
        # Shown once the window offers switching (offer_database_switch): the 文件 menu's actions.
        self.open_other_button = QPushButton(tr("打开其他数据库…", "Open another database…"), box)
        self.connect_server_button = QPushButton(tr("连接服务器数据库…", "Connect to a server database…"), box)
        self.connect_server_button.setToolTip(
            tr("几位同事共用一个网点的数据时，换到 PostgreSQL 服务器上的 BranchPay 数据库",
               "When colleagues share the branch's data: switch to a BranchPay database on a PostgreSQL server")
        )
        switch_row = QHBoxLayout()
        for button in (self.open_other_button, self.connect_server_button):
            button.setVisible(False)
            switch_row.addWidget(button)
        switch_row.addStretch(1)

        self.backup_every_days = QSpinBox(box)
        self.backup_every_days.setRange(1, 365)
        self.backup_every_days.setSuffix(tr(" 天", " days"))
        self.backup_keep = QSpinBox(box)
        self.backup_keep.setRange(1, 999)
        self.backup_keep.setSuffix(tr(" 份", " copies"))
        for spin in (self.backup_every_days, self.backup_keep):
            spin.setMaximumWidth(140)
        self.last_backup_label = QLabel(box)

        form = QFormLayout(box)
        form.addRow(
            tr("服务器数据库：", "Server database:") if self.db.is_server else tr("数据库文件：", "Database file:"),
            self.db_path_label,
        )
        form.addRow("", folder_row)
        form.addRow("", switch_row)
        form.addRow(tr("自动备份间隔：", "Back up every:"), self.backup_every_days)
        form.addRow(tr("保留备份：", "Keep:"), self.backup_keep)
        form.addRow(tr("上次备份：", "Last backup:"), self.last_backup_label)
        return box

    def _build_password(self, parent: QWidget) -> QGroupBox:
        box = _heading(tr("程序密码", "App password"), parent)
        self.password_status = QLabel(box)
        self.password_button = QPushButton(box)
        self.password_button.clicked.connect(self.open_password_dialog)
        self.password_remove = QPushButton(tr("取消密码…", "Remove password…"), box)
        self.password_remove.clicked.connect(self.open_remove_password)
        row = QHBoxLayout()
        row.addWidget(self.password_status, 1)
        row.addWidget(self.password_button)
        row.addWidget(self.password_remove)
        self.idle_minutes = QSpinBox(box)
        self.idle_minutes.setRange(0, 480)
        self.idle_minutes.setSuffix(tr(" 分钟", " min"))
        self.idle_minutes.setSpecialValueText(tr("不自动锁定", "Never"))
        self.idle_minutes.setMaximumWidth(140)
        note = QLabel(
            tr(
                "设置密码后，启动程序时需要输入；窗口无人操作超过设定时间会锁定。",
                "With a password set it is asked at start-up, and the window locks after the idle time.",
            ),
            box,
        )
        note.setWordWrap(True)
        note.setEnabled(False)
        form = QFormLayout(box)
        form.addRow(tr("状态：", "Status:"), row)
        form.addRow(tr("无操作锁定：", "Lock when idle:"), self.idle_minutes)
        form.addRow("", note)
        return box

    def _build_calendar(self, parent: QWidget) -> QGroupBox:
        box = _heading(
            tr("日历例外（调休上班、网点放假）", "Calendar exceptions (extra workdays, branch days off)"),
            parent,
        )
        note = QLabel(
            tr(
                "国家法定节假日和调休已内置，无需录入。这里只录入网点自己的安排，对全体人员有效。",
                "Public holidays and official swapped workdays are built in. Enter only the branch's own "
                "arrangements here; they apply to everyone.",
            ),
            box,
        )
        note.setWordWrap(True)
        note.setEnabled(False)
        self.calendar_table = QTableWidget(0, 3, box)
        self.calendar_table.setHorizontalHeaderLabels(
            [tr("日期", "Date"), tr("类型", "Kind"), tr("备注", "Note")]
        )
        self.calendar_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.calendar_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.calendar_table.verticalHeader().setVisible(False)
        self.calendar_table.setMinimumHeight(140)
        header = self.calendar_table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        metrics = self.calendar_table.fontMetrics()
        header.resizeSection(0, metrics.horizontalAdvance("2026-12-31") + 24)
        header.resizeSection(1, metrics.horizontalAdvance(tr("休息日", "Day off")) + 24)
        self.calendar_table.itemSelectionChanged.connect(self._update_calendar_buttons)

        self.override_date = date_edit(box, date.today())
        self.override_kind = QComboBox(box)
        self.override_kind.addItem(tr("上班", "Workday"), True)
        self.override_kind.addItem(tr("休息", "Day off"), False)
        self.override_note = QLineEdit(box)
        self.override_note.setPlaceholderText(tr("备注，例如：网点年会放假", "Note, e.g. branch outing"))
        self.override_add = QPushButton(tr("添加", "Add"), box)
        self.override_add.clicked.connect(self._on_add_override)
        self.override_remove = QPushButton(tr("删除所选", "Remove selected"), box)
        self.override_remove.clicked.connect(self._on_remove_override)
        add_row = QHBoxLayout()
        add_row.addWidget(self.override_date)
        add_row.addWidget(self.override_kind)
        add_row.addWidget(self.override_note, 1)
        add_row.addWidget(self.override_add)
        remove_row = QHBoxLayout()
        remove_row.addStretch(1)
        remove_row.addWidget(self.override_remove)

        layout = QVBoxLayout(box)
        layout.addWidget(note)
        layout.addLayout(add_row)
        layout.addWidget(self.calendar_table, 1)
        layout.addLayout(remove_row)
        return box

    # --- replaceable for tests (file dialogs, the file manager) -------------------------

    def ask_image_file(self) -> Path | None:
        return file_dialogs.open_file(
            self,
            file_dialogs.IMAGES,
            tr("选择网点标志图片", "Choose the branch logo"),
            tr("图片 (*.png *.jpg *.jpeg *.bmp)", "Images (*.png *.jpg *.jpeg *.bmp)"),
        )

    def ask_font_file(self) -> Path | None:
        name, _ = QFileDialog.getOpenFileName(
            self,
            tr("选择工资条字体文件", "Choose the payslip font file"),
            "C:/Windows/Fonts" if Path("C:/Windows/Fonts").is_dir() else "",
            tr("TrueType 字体 (*.ttf *.ttc)", "TrueType fonts (*.ttf *.ttc)"),
        )
        return Path(name) if name else None

    def open_url(self, url: QUrl) -> bool:
        return QDesktopServices.openUrl(url)

    # --- loading and saving -------------------------------------------------------------

    def month_changed(self, month: str) -> None:
        """Settings do not depend on the month."""

    def refresh(self) -> None:
        """Reload from the database, but never throw away edits the user has not saved yet."""
        if not self.is_dirty():
            self.load()
        self.load_overrides()
        self._update_password()
        self._update_last_backup()
        self.users_panel.refresh()

    def _show_language_override(self, saved: str) -> None:
        """A note beside the combo when this window was started in another language (``--lang``)."""
        shown = language()
        if command_line_language() != shown or saved == shown:
            self.language_override_note.clear()
            self.language_override_note.setVisible(False)
            return
        zh_name = {"zh": "中文", "en": "英文"}.get(shown, shown)
        en_name = {"zh": "Chinese", "en": "English"}.get(shown, shown)
        self.language_override_note.setText(
            f"本窗口以{zh_name}显示（启动参数 --lang {shown}）/ This window is in {en_name} (started with --lang {shown})"
        )
        self.language_override_note.setVisible(True)

    @Slot()
    def load(self) -> None:
        with self.db.session_scope() as session:
            values = all_settings(session)
        self._password_hash = values["app_password_hash"]
        self._loaded = {key: values[key] for key in FORM_KEYS}
        widgets = (self.branch_name, self.branch_code, self.minimum_wage, self.language, self.payslip_size)
        for widget in widgets:
            widget.blockSignals(True)
        try:
            self.branch_name.setText(values["branch_name"])
            self.branch_code.setText(values["branch_code"])
            self.minimum_wage.setText(values["minimum_wage"])
            self._set_combo(self.language, values["language"])
            self._set_combo(self.payslip_size, values["payslip_size"].strip().upper() or "A5")
            self.backup_every_days.setValue(self._int(values["backup_every_days"], 7))
            self.backup_keep.setValue(self._int(values["backup_keep"], 10))
            self.idle_minutes.setValue(self._int(values["idle_lock_minutes"], 10))
        finally:
            for widget in widgets:
                widget.blockSignals(False)
        self.set_logo(values["branch_logo"])
        self.set_font_file(values["payslip_font"])
        self.language_note.setText(
            tr("更改语言后需重新打开窗口才生效。", "A new language takes effect when the window reopens.")
        )
        self._show_language_override(values["language"])
        self.status.clear()
        self._on_edit()

    @staticmethod
    def _int(text: str, default: int) -> int:
        try:
            return int(text.strip())
        except ValueError:
            return default

    @staticmethod
    def _set_combo(combo: QComboBox, value: str) -> None:
        index = combo.findData(value)
        combo.setCurrentIndex(max(index, 0))

    def values(self) -> dict[str, str]:
        """The form as setting strings (the minimum wage as typed; :meth:`save` normalises it)."""
        return {
            "branch_name": self.branch_name.text().strip(),
            "branch_code": self.branch_code.text().strip(),
            "branch_logo": self.logo_path,
            "language": str(self.language.currentData()),
            "payslip_size": str(self.payslip_size.currentData()),
            "payslip_font": self.font_path,
            "minimum_wage": self.minimum_wage.text().strip(),
            "backup_every_days": str(self.backup_every_days.value()),
            "backup_keep": str(self.backup_keep.value()),
            "idle_lock_minutes": str(self.idle_minutes.value()),
        }

    def problems(self) -> dict[str, str]:
        out: dict[str, str] = {}
        if not self.branch_name.text().strip():
            out["branch_name"] = tr("请填写网点名称。", "Please enter the branch name.")
        _amount, wage_problem = parse_minimum_wage(self.minimum_wage.text())
        if wage_problem:
            out["minimum_wage"] = wage_problem
        # The spin boxes cannot go below 1 day / 1 copy, so those two are valid by construction.
        return out

    def is_dirty(self) -> bool:
        return bool(self._loaded) and self.values() != self._loaded

    @Slot()
    def _on_edit(self) -> None:
        problems = self.problems()
        set_error(self.branch_name_error, problems.get("branch_name", ""))
        set_error(self.minimum_wage_error, problems.get("minimum_wage", ""))
        self.minimum_wage.setStyleSheet(
            "QLineEdit { border: 1px solid #c62828; }" if "minimum_wage" in problems else ""
        )
        dirty = self.is_dirty()
        self.save_button.setEnabled(dirty and not problems)
        self.revert_button.setEnabled(dirty)
        if problems:
            self.status.setStyleSheet(ERROR_STYLE)
            self.status.setText(
                tr("有需要更正的内容，改好后才能保存。", "Correct the marked fields to save.")
            )
        elif dirty:
            self.status.setStyleSheet("")
            self.status.setText(tr("有未保存的更改。", "There are unsaved changes."))
        elif self.status.text() and self.status.styleSheet():
            self.status.setStyleSheet("")
            self.status.clear()

    @Slot()
    def save(self) -> bool:
        """Write every changed field in one unit of work; refused (False) while anything is invalid."""
        if self.problems():
            self._on_edit()
            return False
        values = self.values()
        amount, _ = parse_minimum_wage(values["minimum_wage"])
        assert amount is not None
        values["minimum_wage"] = fmt_money(amount)
        try:
            values["branch_logo"] = self._store_logo(values["branch_logo"])
            with self.db.session_scope(write=True) as session:
                for key, value in values.items():
                    if value != self._loaded.get(key):
                        set_setting(session, key, value)
        except ServiceError as exc:  # §10: settings are the admin's
            self.message = show_error(self, exc)
            return False
        except OSError as exc:
            log.warning("could not copy the logo: %s", exc)
            self.message = show_error(
                self,
                ServiceError(
                    f"无法复制标志图片：{exc}。其他设置没有保存，请换一个图片文件再试。",
                    f"Could not copy the logo image: {exc}. Nothing was saved; try another image file.",
                ),
            )
            return False
        language_before = self._loaded.get("language")
        self.load()
        self.status.setStyleSheet("")
        self.status.setText(tr("设置已保存。", "Settings saved."))
        self.data_changed.emit("settings")
        if values["language"] != language_before:
            self.language_changed.emit(values["language"])
        return True

    def _store_logo(self, chosen: str) -> str:
        """Keep a copy of the logo in the data folder, so a logo on a USB stick is not lost when it is removed."""
        if not chosen:
            return ""
        source = Path(chosen)
        folder = self.db.data_folder / BRANDING_DIRNAME
        if source.parent == folder:
            return chosen
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / f"logo{source.suffix.lower()}"
        shutil.copyfile(source, target)
        return str(target)

    # --- logo and font -------------------------------------------------------------------

    @Slot()
    def choose_logo(self) -> None:
        path = self.ask_image_file()
        if path is None:
            return
        if QPixmap(str(path)).isNull():
            self.message = show_message(
                self, tr(f"无法读取图片 {path.name}。", f"Cannot read the image {path.name}.")
            )
            return
        self.set_logo(str(path))

    def set_logo(self, path: str) -> None:
        self.logo_path = path
        pixmap = QPixmap(path) if path else QPixmap()
        if pixmap.isNull():
            self.logo_preview.setPixmap(QPixmap())
            self.logo_preview.setText(tr("找不到图片", "Image missing") if path else tr("无标志", "No logo"))
        else:
            self.logo_preview.setPixmap(
                pixmap.scaled(
                    LOGO_PREVIEW - 4,
                    LOGO_PREVIEW - 4,
                    Qt.AspectRatioMode.KeepAspectRatio,
                    Qt.TransformationMode.SmoothTransformation,
                )
            )
        self.logo_preview.setToolTip(path)
        self.logo_clear.setEnabled(bool(path))
        self._on_edit()

    @Slot()
    def choose_font(self) -> None:
        path = self.ask_font_file()
        if path is not None:
            self.set_font_file(str(path))

    def set_font_file(self, path: str) -> None:
        self.font_path = path
        self.font_label.setText(path)
        self.font_label.setToolTip(path)
        self.font_auto.setEnabled(bool(path))
        self._on_edit()

    def offer_database_switch(self, open_other: QAction | None, connect_server: QAction | None) -> None:
        """Buttons for the window's 文件 → 打开数据库… and 连接服务器数据库… (only a window that can switch has them)."""
        for button, action in ((self.open_other_button, open_other), (self.connect_server_button, connect_server)):
            button.setVisible(action is not None)
            if action is not None:
                button.clicked.connect(action.trigger)

    # --- folders -------------------------------------------------------------------------

    @Slot()
    def open_data_folder(self) -> bool:
        return self.open_url(QUrl.fromLocalFile(str(self.db.data_folder)))

    @Slot()
    def open_backup_folder(self) -> bool:
        folder = backup_folder(self.db)
        folder.mkdir(parents=True, exist_ok=True)
        return self.open_url(QUrl.fromLocalFile(str(folder)))

    def _update_last_backup(self) -> None:
        if self.db.is_server:  # app/services/server_backups.py
            self.open_backups_button.setEnabled(False)
            self.last_backup_label.setText(tr("服务器数据库：由服务器自己的备份负责", "Server database: the server's own backups apply"))
            return
        when = last_backup_time(self.db)
        self.last_backup_label.setText(
            when.strftime("%Y-%m-%d %H:%M") if when else tr("还没有备份", "No backup yet")
        )

    # --- calendar exceptions --------------------------------------------------------------

    def overrides(self) -> list[OverrideView]:
        with self.db.session_scope() as session:
            return list_overrides(session)

    def load_overrides(self) -> None:
        rows = self.overrides()
        self._override_days = [row.day for row in rows]
        self.calendar_table.setRowCount(len(rows))
        for i, row in enumerate(rows):
            kind = QTableWidgetItem(tr("上班", "Workday") if row.workday else tr("休息", "Day off"))
            self.calendar_table.setItem(i, 0, QTableWidgetItem(row.day.isoformat()))
            self.calendar_table.setItem(i, 1, kind)
            self.calendar_table.setItem(i, 2, QTableWidgetItem(row.note))
        self._update_calendar_buttons()

    @Slot()
    def _update_calendar_buttons(self) -> None:
        self.override_remove.setEnabled(bool(self.calendar_table.selectionModel().selectedRows()))

    def _write_override(self, day: date, workday: bool | None, note: str) -> bool:
        try:
            with self.db.session_scope(write=True) as session:
                if workday is None:
                    remove_override(session, day)
                else:
                    set_override(session, day, workday, note)
        except MonthLocked as exc:
            self.message = show_error(
                self,
                ServiceError(
                    f"{day.isoformat()} 所在的 {exc.month} 已锁定：锁定月份的工作日已用于核算，不能再改。",
                    f"{exc.month}, the month of {day.isoformat()}, is locked: its workdays were used for "
                    "the pay and cannot change.",
                ),
            )
            return False
        except ServiceError as exc:
            self.message = show_error(self, exc)
            return False
        self.load_overrides()
        self.data_changed.emit("calendar")
        return True

    def add_override(self, day: date, workday: bool, note: str = "") -> bool:
        """Mark ``day`` (replacing an earlier mark of the same day); audited by the service."""
        return self._write_override(day, workday, note)

    def remove_override(self, day: date) -> bool:
        return self._write_override(day, None, "")

    @Slot()
    def _on_add_override(self) -> None:
        if self.add_override(
            to_date(self.override_date), bool(self.override_kind.currentData()), self.override_note.text()
        ):
            self.override_note.clear()

    @Slot()
    def _on_remove_override(self) -> None:
        rows = sorted({index.row() for index in self.calendar_table.selectionModel().selectedRows()})
        for day in [self._override_days[row] for row in rows]:
            if not self.remove_override(day):
                break

    # --- password --------------------------------------------------------------------------

    def has_password(self) -> bool:
        return password_is_set(self._password_hash)

    def _update_password(self) -> None:
        with self.db.session_scope() as session:
            self._password_hash = all_settings(session)["app_password_hash"]
        on = self.has_password()
        self.password_status.setText(tr("已设置", "Set") if on else tr("未设置", "Not set"))
        self.password_button.setText(tr("更改密码…", "Change…") if on else tr("设置密码…", "Set password…"))
        self.password_remove.setEnabled(on)
        self.idle_minutes.setEnabled(on)
        with self.db.session_scope() as session:
            users = users_exist(session)
        self.password_button.setEnabled(on or not users)
        if users:  # §10: each user signs in with their own password; the idle lock asks for it
            self.idle_minutes.setEnabled(True)
            if not on:
                self.password_status.setText(tr("已设置用户：每人用自己的密码登录", "Users sign in with their own password"))

    def change_password(self, current: str, new: str) -> str:
        """Set or change the password; "" when done, else why not. The current one is required to change it."""
        if self.has_password() and not verify_password(current, self._password_hash):
            return tr("当前密码不正确。", "The current password is wrong.")
        with self.db.session_scope(write=True) as session:
            set_setting(session, "app_password_hash", hash_password(new))
        self._update_password()
        self.data_changed.emit("settings")
        return ""

    def remove_password(self, current: str) -> str:
        if self.has_password() and not verify_password(current, self._password_hash):
            return tr("密码不正确。", "The password is wrong.")
        with self.db.session_scope(write=True) as session:
            set_setting(session, "app_password_hash", "")
        self._update_password()
        self.data_changed.emit("settings")
        return ""

    @Slot()
    def open_password_dialog(self) -> SetPasswordDialog:
        def saved(current: str, new: str) -> str:
            return self.change_password(current, new)

        dialog = SetPasswordDialog(self, has_password=self.has_password(), save=saved)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(
            lambda: self.status.setText(tr("程序密码已保存。", "The app password was saved."))
        )
        self.dialog = dialog
        dialog.open()
        return dialog

    @Slot()
    def open_remove_password(self) -> PasswordPrompt:
        dialog = PasswordPrompt(
            self,
            tr("输入当前密码以取消程序密码：", "Enter the current password to remove it:"),
            verify=lambda typed: not self.remove_password(typed),
            quit_text=tr("取消", "Cancel"),
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(
            lambda: self.status.setText(tr("程序密码已取消。", "The app password was removed."))
        )
        self.dialog = dialog
        dialog.open()
        return dialog
