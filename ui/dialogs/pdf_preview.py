"""工资条预览: a payslip PDF shown inside the app, with Print… and Open in PDF viewer.

The page is rendered by Qt's PDF module from the very file that would be printed or handed
out, so what the manager checks here is what the agent gets.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, QUrl, Slot
from PySide6.QtGui import QDesktopServices
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.i18n import tr
from ui.errors import show_message
from ui.printing import PrintError, load_pdf, print_pdf
from ui.screen import fit_to_screen


class PdfPreviewDialog(QDialog):
    """A PDF, fitted to the window width, one page under the other."""

    def __init__(
        self,
        path: Path,
        parent: QWidget | None = None,
        *,
        title: str = "",
        printer: Callable[[QWidget, Path], bool] = print_pdf,
        open_url: Callable[[QUrl], bool] = QDesktopServices.openUrl,
    ) -> None:
        super().__init__(parent)
        self.path = path
        self._print = printer
        self._open_url = open_url
        self.setWindowTitle(title or tr(f"预览 — {path.name}", f"Preview — {path.name}"))
        fit_to_screen(self, 760, 900)
        self.document = QPdfDocument(self)
        load_pdf(path, self.document)  # PrintError when the file cannot be read
        self.view = QPdfView(self)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.view.setDocument(self.document)

        pages = self.document.pageCount()
        self.info = QLabel(tr(f"{path.name}，共 {pages} 页", f"{path.name}, {pages} page(s)"), self)
        self.print_button = QPushButton(tr("打印…", "Print…"), self)
        self.print_button.setToolTip(tr("在系统的打印对话框中选择打印机并打印", "Choose a printer and print"))
        self.open_button = QPushButton(tr("用 PDF 阅读器打开", "Open in PDF viewer"), self)
        self.close_button = QPushButton(tr("关闭", "Close"), self)
        self.print_button.clicked.connect(self.print_document)
        self.open_button.clicked.connect(self.open_externally)
        self.close_button.clicked.connect(self.accept)

        buttons = QHBoxLayout()
        buttons.addWidget(self.info, 1)
        buttons.addWidget(self.print_button)
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view, 1)
        layout.addLayout(buttons)
        self.print_button.setDefault(True)

    @Slot()
    def print_document(self) -> bool:
        """The system print dialog for this file; True when it was printed."""
        try:
            return self._print(self, self.path)
        except PrintError as exc:
            show_message(self, str(exc))
            return False

    @Slot()
    def open_externally(self) -> bool:
        if self._open_url(QUrl.fromLocalFile(str(self.path))):
            return True
        show_message(
            self,
            tr(
                f"无法打开 PDF 阅读器。文件在：{self.path}",
                f"Could not open a PDF viewer. The file is at: {self.path}",
            ),
        )
        return False


class PreviewSlot:
    """At most one open preview window for a page: showing a new file closes the previous one."""

    def __init__(self, owner: QWidget) -> None:
        self.owner = owner
        self.dialog: PdfPreviewDialog | None = None

    def show(
        self, path: Path, *, printer: Callable[[QWidget, Path], bool], open_url: Callable[[QUrl], bool]
    ) -> PdfPreviewDialog:
        """A non-modal preview of ``path`` (the manager can keep working); PrintError if unreadable."""
        dialog = PdfPreviewDialog(path, self.owner, printer=printer, open_url=open_url)
        self.close()
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.destroyed.connect(lambda *_: self._forget(dialog))
        self.dialog = dialog
        dialog.show()
        return dialog

    def close(self) -> None:
        """Close the open preview, if any (it is deleted once closed)."""
        dialog, self.dialog = self.dialog, None
        if dialog is not None:
            dialog.close()

    def _forget(self, dialog: PdfPreviewDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None
