"""The filter bar and totals line the list pages share: a search box, filter combos and a totals label."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from PySide6.QtCore import QAbstractItemModel, Qt
from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QPushButton, QStyle, QWidget

from app.i18n import tr


def push_button(parent: QWidget, text: str, icon: QStyle.StandardPixmap, tip: str) -> QPushButton:
    """A push button with a standard icon and a tooltip."""
    button = QPushButton(parent.style().standardIcon(icon), text, parent)
    button.setToolTip(tip)
    return button


def search_box(parent: QWidget, placeholder: str, on_text: Callable[[str], Any] | None = None) -> QLineEdit:
    """A search field with a clear button; ``on_text`` gets every change of its text."""
    box = QLineEdit(parent)
    box.setPlaceholderText(placeholder)
    box.setClearButtonEnabled(True)
    if on_text is not None:
        box.textChanged.connect(on_text)
    return box


def filter_combo(
    parent: QWidget,
    tip: str,
    items: Iterable[tuple[str, Any]] | None = None,
    on_change: Callable[[int], Any] | None = None,
) -> QComboBox:
    """A filter drop-down with fixed ``items`` (text, data); without them it is filled later by
    :func:`refill_combo` and so grows with its contents."""
    combo = QComboBox(parent)
    combo.setToolTip(tip)
    if items is None:
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
    else:
        for text, value in items:
            combo.addItem(text, value)
    if on_change is not None:
        combo.currentIndexChanged.connect(on_change)
    return combo


def refill_combo(combo: QComboBox, all_text: str, items: Iterable[tuple[str, Any]]) -> Any:
    """Replace the choices with "all" (data ``None``) and ``items`` (text, data), keeping the current
    choice when it is still there, without emitting signals. Returns the data now chosen."""
    current = combo.currentData()
    combo.blockSignals(True)
    combo.clear()
    combo.addItem(all_text, None)
    for text, value in items:
        combo.addItem(text, value)
    index = combo.findData(current) if current else 0
    combo.setCurrentIndex(max(index, 0))
    combo.blockSignals(False)
    return combo.currentData()


def totals_label(parent: QWidget, *, selectable: bool = True) -> QLabel:
    """The right-aligned line under a table that sums up what it shows."""
    label = QLabel(parent)
    label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    if selectable:
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def on_rows_changed(model: QAbstractItemModel, slot: Callable[[], Any]) -> None:
    """Call ``slot`` whenever the rows ``model`` shows change (reset, insert, remove, re-sort)."""
    for signal in (model.modelReset, model.rowsInserted, model.rowsRemoved, model.layoutChanged):
        signal.connect(slot)


def filtered_prefix(shown: int, total: int, unit_zh: str) -> str:
    """The start of a totals line while a filter hides rows ("筛选出 3 / 10 人；"), else nothing."""
    if shown == total:
        return ""
    return tr(f"筛选出 {shown} / {total} {unit_zh}；", f"{shown} of {total} shown; ")
