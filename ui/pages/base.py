"""What every page of the main window is: a widget that follows the selected month."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from app.i18n import tr
from db.session import Database


class Page(QWidget):
    """Base of all pages.

    The main window calls :meth:`set_month` whenever the month selector changes and
    :meth:`refresh` when the page is shown after another page changed data. A page
    that changes data emits :attr:`data_changed` with a short word for what changed
    (``"agents"``, ``"attendance"`` …) so the other pages refresh what they show.
    """

    data_changed = Signal(str)

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self._month = ""

    @property
    def month(self) -> str:
        return self._month

    def set_month(self, month: str) -> None:
        if month == self._month:
            return
        self._month = month
        self.month_changed(month)

    def month_changed(self, month: str) -> None:
        """Override to reload month-dependent data; by default the whole page refreshes."""
        self.refresh()

    def refresh(self) -> None:
        """Reload what the page shows from the database."""


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
