"""What every page of the main window is: a widget that follows the selected month."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QMessageBox, QPushButton, QStyle, QVBoxLayout, QWidget

from app.i18n import language, tr
from db.session import Database
from ui import file_dialogs
from ui.errors import show_error, show_message
from ui.importing import ImportFlow
from ui.widgets.filters import push_button

SPREADSHEET_FILTER_ZH = "表格文件 (*.xlsx *.csv);;Excel 文件 (*.xlsx);;CSV 文件 (*.csv)"
SPREADSHEET_FILTER_EN = "Spreadsheets (*.xlsx *.csv);;Excel files (*.xlsx);;CSV files (*.csv)"

#: The words a page's :attr:`Page.data_changed` may say: each names the data one area edits
#: (``"calendar"``: the settings page's workday overrides; ``"payroll"``: a calculation, lock or unlock;
#: ``"handout"``: payslips written or the Excel summary exported, which the overview's last step shows).
DATA_KINDS = frozenset(
    {"agents", "attendance", "calendar", "quality", "sales", "rewards", "plan", "payroll", "settings", "handout",
     "appeals"}
)


class Page(QWidget):
    """Base of all pages.

    The main window calls :meth:`set_month` whenever the month selector changes — for a page not
    in view without loading, which :meth:`catch_up` does when it is shown — and :meth:`refresh`
    when the page is shown after another page changed data. A page
    that changes data emits :attr:`data_changed` with a short word for what changed
    (one of :data:`DATA_KINDS`) so the pages that show that data refresh; :attr:`reads` says
    which kinds a page shows.
    """

    data_changed = Signal(str)

    #: The kinds of data (:data:`DATA_KINDS`) the page shows; ``None``: all of them.
    reads: frozenset[str] | None = None

    #: Reload at once when another program or user changed the data while the page is in view
    #: (MainWindow.check_outside_changes); ``False`` for a page holding text the user has not saved.
    reload_on_outside_change: bool = True

    def shows(self, what: str) -> bool:
        """Whether a change to ``what`` can change what the page shows (an unknown word: assume it can)."""
        return self.reads is None or what in self.reads or what not in DATA_KINDS

    #: The title of the "choose a file to import" dialog, as (中文, English).
    import_dialog_title: tuple[str, str] = ("选择要导入的文件", "Choose the file to import")

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self._month = ""
        self._month_due = False
        self.import_flow: ImportFlow | None = None
        self.message: QMessageBox | None = None

    @property
    def month(self) -> str:
        return self._month

    def set_month(self, month: str, *, load: bool = True) -> None:
        """Follow the month selector. ``load=False`` (a page not in view) only remembers the month:
        the page loads it in :meth:`catch_up`, when it is shown."""
        if month == self._month:
            return
        self._month = month
        self._month_due = not load
        if load:
            self.month_changed(month)

    @property
    def month_due(self) -> bool:
        """The month changed while the page was not in view and it has not loaded it yet."""
        return self._month_due

    def catch_up(self) -> bool:
        """Load the month a deferred :meth:`set_month` left out; ``True`` when it did."""
        if not self._month_due:
            return False
        self._month_due = False
        self.month_changed(self._month)
        return True

    def month_changed(self, month: str) -> None:
        """Override to reload month-dependent data; by default the whole page refreshes."""
        self.refresh()

    def refresh(self) -> None:
        """Reload what the page shows from the database."""

    # --- replaceable for tests (Dangerzone style) -----------------------------------

    def ask_open_file(self) -> Path | None:
        """The spreadsheet (Excel or CSV) to import, or ``None`` when the user cancels."""
        return file_dialogs.open_file(
            self, file_dialogs.IMPORTS, tr(*self.import_dialog_title), tr(SPREADSHEET_FILTER_ZH, SPREADSHEET_FILTER_EN)
        )

    def ask_save_file(self, suggested: str) -> Path | None:
        """Where to save an import template, or ``None`` when the user cancels."""
        return file_dialogs.save_file(
            self,
            file_dialogs.TEMPLATES,
            tr("保存导入模板", "Save the import template"),
            suggested,
            tr("Excel 文件 (*.xlsx)", "Excel files (*.xlsx)"),
        )

    def ask_confirm(self, text: str) -> bool:
        """A yes/no question; ``True`` for yes."""
        answer = QMessageBox.question(self, tr("请确认", "Please confirm"), text)
        return answer == QMessageBox.StandardButton.Yes

    # --- import and template export, the same on every page -------------------------

    def file_buttons(
        self, import_tip: str, template_tip: str, parent: QWidget | None = None
    ) -> tuple[QPushButton, QPushButton]:
        """The "Import…" and "Export template…" buttons, with their tooltips (not yet connected)."""
        parent = parent or self
        return (
            push_button(
                parent, tr("导入…", "Import…"), QStyle.StandardPixmap.SP_DialogOpenButton, import_tip
            ),
            push_button(
                parent,
                tr("导出模板…", "Export template…"),
                QStyle.StandardPixmap.SP_DialogSaveButton,
                template_tip,
            ),
        )

    def start_import(
        self,
        kind: str,
        button: QPushButton,
        on_committed: Callable[[Any], None],
        *,
        enable_after: Callable[[], bool] | None = None,
    ) -> ImportFlow | None:
        """The "Import…" button: ask for a file, then preview and commit it with :class:`ImportFlow`.

        ``button`` is disabled while the import runs and enabled again when it ends (to
        ``enable_after()`` when given); ``on_committed`` gets the ImportResult.
        """
        path = self.ask_open_file()
        if path is None:
            return None
        button.setEnabled(False)
        flow = ImportFlow(self, self.db, kind, path)
        flow.committed.connect(on_committed)
        flow.finished.connect(lambda: button.setEnabled(enable_after() if enable_after else True))
        self.import_flow = flow
        return flow.start()

    def save_template(self, kind: str, default_name_zh: str, default_name_en: str) -> Path | None:
        """The "Export template…" button: ask where, then write the import template of ``kind`` there.

        ``.xlsx`` is added when missing. Returns the saved path, ``None`` when cancelled or
        failed; the message box telling the user is kept in :attr:`message`.
        """
        path = self.ask_save_file(tr(default_name_zh, default_name_en))
        if path is None:
            return None
        if path.suffix.lower() != ".xlsx":
            path = path.with_name(path.name + ".xlsx")
        try:
            # Imported when used: openpyxl is not needed to start the app.
            from app.importers.templates import write_template
            from app.reports.files import write_output_file

            lang = language()
            write_output_file(path, lambda tmp: write_template(kind, tmp, lang))
        except Exception as exc:  # noqa: BLE001 - a short message; unexpected ones are logged
            self.message = show_error(self, exc)
            return None
        self.message = show_message(
            self, tr(f"模板已保存：{path}", f"Template saved: {path}"), icon=QMessageBox.Icon.Information
        )
        return path


class PlaceholderPage(Page):
    """An area whose feature has not landed yet: says so plainly, shows nothing fake."""

    def __init__(self, db: Database, title: str, parent: QWidget | None = None) -> None:
        super().__init__(db, parent)
        heading = QLabel(title, self)
        font = heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        heading.setFont(font)
        heading.setAlignment(Qt.AlignmentFlag.AlignCenter)
        note = QLabel(tr("此功能尚未提供", "Not available yet"), self)
        note.setObjectName("placeholderNote")
        note.setAlignment(Qt.AlignmentFlag.AlignCenter)
        note.setEnabled(False)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(heading)
        layout.addWidget(note)
        layout.addStretch(2)
