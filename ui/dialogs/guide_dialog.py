"""帮助 → 使用指南: the user guide shipped with the app, in the window's language."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

from app.i18n import language, tr
from app.resources import resource_path
from ui.screen import fit_to_screen


def guide_text(lang: str) -> str:
    """The guide's Markdown in ``lang`` (Chinese when there is no English one)."""
    path = resource_path(f"guide/guide_{lang}.md")
    if not path.exists():
        path = resource_path("guide/guide_zh.md")
    return path.read_text(encoding="utf-8")


class GuideDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("使用指南", "User guide"))
        self.browser = QTextBrowser(self)
        self.browser.setOpenExternalLinks(False)
        self.browser.setMarkdown(guide_text(language()))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser)
        layout.addWidget(buttons)
        fit_to_screen(self, 760, 640)
