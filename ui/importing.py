"""The import flow every page reuses: preview off the GUI thread → preview dialog → commit off the GUI thread.

Nothing is written until the user presses Import in the preview, and the commit is one
transaction: a refusal, an error or a cancel leaves the database as it was.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtWidgets import QMessageBox, QWidget

from app.i18n import language, tr
from db.session import Database
from ui.dialogs.import_preview import ImportPreviewDialog, kind_name
from ui.errors import show_error, show_message
from ui.ops import CancelToken, Op, run_op


def _preview(db: Database, kind: str, path: Path) -> tuple[Any, Any]:
    """The checked file, and for a valid one the rows it will add or update (``None`` otherwise)."""
    # Imported when used: the import machinery (openpyxl …) is not needed to start the app.
    from app.services.import_rows import preview_rows
    from app.services.imports import preview_import

    with db.session_scope() as session:
        result = preview_import(session, kind, path)
        rows = preview_rows(session, result, lang=language()) if result.ok and result.rows else None
    return result, rows


def _commit(db: Database, kind: str, path: Path, token: CancelToken) -> Any:
    from app.services.imports import commit_import, read_import

    with db.session_scope() as session:  # the slow part, before the write lock is taken
        read = read_import(kind, path, session)
    token.check()
    with db.session_scope(write=True) as session:  # checked against the database and written in one step
        result = commit_import(session, kind, path, read=read)
        token.check()  # a cancel here rolls the whole import back
    return result


class ImportFlow(QObject):
    """One import of one file. ``committed`` carries the ImportResult after a successful commit."""

    committed = Signal(object)
    finished = Signal()

    def __init__(self, parent: QWidget, db: Database, kind: str, path: Path) -> None:
        super().__init__(parent)
        self._parent_widget = parent
        self.db = db
        self.kind = kind
        self.path = path
        self.dialog: ImportPreviewDialog | None = None
        self.op: Op | None = None
        self.message: QMessageBox | None = None

    def start(self) -> ImportFlow:
        self.op = run_op(
            self._parent_widget,
            lambda _token: _preview(self.db, self.kind, self.path),
            label=tr(f"正在检查 {self.path.name} …", f"Checking {self.path.name} …"),
            on_done=lambda answer: self._show_preview(*answer),
            on_failed=lambda _exc: self.finished.emit(),
        )
        self.op.cancelled.connect(self.finished)
        return self

    def _show_preview(self, result: Any, rows: Any = None) -> None:
        self.dialog = ImportPreviewDialog(result, self._parent_widget, rows=rows)
        self.dialog.accepted.connect(self._commit)
        self.dialog.rejected.connect(self.finished)
        self.dialog.open()

    @Slot()
    def _commit(self) -> None:
        self.op = run_op(
            self._parent_widget,
            lambda token: _commit(self.db, self.kind, self.path, token),
            label=tr(f"正在导入{kind_name(self.kind)}…", f"Importing {kind_name(self.kind)}…"),
            on_done=self._on_committed,
            on_failed=self._on_failed,
            show_errors=False,
        )
        self.op.cancelled.connect(self._on_cancelled)

    @Slot(object)
    def _on_committed(self, result: Any) -> None:
        self.committed.emit(result)
        self.message = show_message(
            self._parent_widget,
            tr(
                f"已导入{kind_name(self.kind)}：新增 {result.adds} 条，更新 {result.updates} 条。",
                f"Imported {kind_name(self.kind)}: {result.adds} added, {result.updates} updated.",
            ),
            icon=QMessageBox.Icon.Information,
        )
        self.finished.emit()

    @Slot(object)
    def _on_failed(self, exc: BaseException) -> None:
        refused = getattr(exc, "result", None)
        if refused is not None and getattr(refused, "problems", None):
            # The file changed after the preview: show what is wrong now; nothing was written.
            self._show_preview(refused)
            return
        self.message = show_error(self._parent_widget, exc)
        self.finished.emit()

    @Slot()
    def _on_cancelled(self) -> None:
        self.message = show_message(
            self._parent_widget,
            tr("导入已取消，没有写入任何数据。", "The import was cancelled; nothing was saved."),
            icon=QMessageBox.Icon.Information,
        )
        self.finished.emit()
