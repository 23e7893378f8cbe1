"""The visible sign that a month is read-only (DESIGN: locked months are visibly read-only)."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QWidget

#: Red, as on the sales and rewards pages.
RED_STYLE = (
    "QLabel { background: #fdecea; color: #8a1c1c; border: 1px solid #f5c2c0; border-radius: 4px; "
    "padding: 6px 10px; }"
)
#: Amber, as on the quality page.
AMBER_STYLE = (
    "QLabel { background: #fff4ce; border: 1px solid #e0c060; border-radius: 4px; padding: 6px 10px; }"
)
#: Amber and bold, as on the attendance page.
BOLD_AMBER_STYLE = (
    "QLabel#lockedBanner { background-color: #FFF1C9; color: #6B4A00; border: 1px solid #E0B84D;"
    " padding: 6px; font-weight: bold; }"
)


class LockedBanner(QLabel):
    """A hidden label named ``lockedBanner`` that :meth:`show_locked` shows while the month is locked."""

    def __init__(
        self,
        parent: QWidget | None = None,
        text: str = "",
        *,
        style: str = RED_STYLE,
        word_wrap: bool = True,
    ) -> None:
        super().__init__(text, parent)
        self.setObjectName("lockedBanner")
        self.setStyleSheet(style)
        self.setWordWrap(word_wrap)
        self.setVisible(False)

    def show_locked(self, locked: bool, text: str | None = None) -> None:
        """Show the banner when ``locked`` (with ``text`` when given), hide it otherwise."""
        if text is not None:
            self.setText(text)
        self.setVisible(locked)
