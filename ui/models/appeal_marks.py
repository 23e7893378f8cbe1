"""How a grid cell shows a live appeal against its record (app/services/appeal_marks.py): a background
colour per status, shared by the attendance grid, the KPI metrics grid and the attendance legend."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtGui import QBrush, QColor

from app.i18n import tr
from app.services.appeal_marks import AppealMark

APPEAL_COLOURS: dict[str, QColor] = {
    "pending": QColor("#FFC48A"),  # orange: an appeal waits for a decision
    "upheld": QColor("#BFE3C0"),  # green: the appeal was upheld (the record was corrected)
}
APPEAL_LEGEND: tuple[tuple[str, str, str], ...] = (
    ("pending", "申诉待处理", "Appeal pending"),
    ("upheld", "申诉成立", "Appeal upheld"),
)
_BRUSHES = {status: QBrush(colour) for status, colour in APPEAL_COLOURS.items()}


def mark_brush(marks: Sequence[AppealMark]) -> QBrush | None:
    """The cell's background: pending before upheld (a pending appeal still needs the manager)."""
    statuses = {m.status for m in marks}
    for status in ("pending", "upheld"):
        if status in statuses:
            return _BRUSHES[status]
    return None


def mark_tooltip(marks: Sequence[AppealMark]) -> str:
    return "\n".join(tr(m.text.zh, m.text.en) for m in marks)
