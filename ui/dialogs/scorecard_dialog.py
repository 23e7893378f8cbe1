"""Edit a scorecard's items (评分表): section, name and maximum points, which must total exactly 100.

The card's total is shown live and OK stays disabled until the service's own
:func:`~app.services.quality.validate_scorecard` is satisfied. When the card has already been
used the dialog says up front that saving makes a new version, so the manager is not surprised
that old evaluations keep the old items.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from PySide6.QtCore import QSignalBlocker, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QStyle,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.i18n import language, tr
from app.money import ZERO, fmt_num
from app.services.quality import ScorecardItemInput, ScorecardSaved, ScorecardView, validate_scorecard
from ui.dialogs.common import ERROR_STYLE, OkCancelDialog, attempt, error_label, set_error
from ui.dialogs.evaluation_dialog import parse_points

SaveScorecard = Callable[[str, list[ScorecardItemInput]], ScorecardSaved]

COL_SECTION, COL_NAME, COL_MAX = range(3)


class ScorecardDialog(OkCancelDialog):
    """``save(name, items)`` is called on OK; ``saved`` carries the :class:`ScorecardSaved`."""

    saved = Signal(object)

    def __init__(self, card: ScorecardView, save: SaveScorecard, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._card = card
        self._save = save
        self.setWindowTitle(tr(f"编辑评分表：{card.name}", f"Edit scorecard: {card.name}"))
        self.setMinimumSize(760, 600)

        self.name = QLineEdit(card.name, self)
        self.name.setMaxLength(64)
        code = QLabel(f"{card.code}　" + tr(f"第 {card.version} 版", f"version {card.version}"), self)

        if card.used:
            text = tr(
                f"此评分表已用于 {card.used} 条质检记录。保存后将生成第 {card.version + 1} 版；"
                f"已有记录仍按第 {card.version} 版的评分项保存，不受影响。",
                f"This card was used by {card.used} evaluation(s). Saving creates version {card.version + 1}; "
                f"existing evaluations keep the items of version {card.version}.",
            )
        else:
            text = tr(
                "此评分表尚未使用，保存时直接修改。",
                "This card has not been used yet; saving changes it in place.",
            )
        self.version_note = QLabel(text, self)
        self.version_note.setWordWrap(True)

        self.table = QTableWidget(0, 3, self)
        self.table.setHorizontalHeaderLabels(
            [tr("分类", "Section"), tr("评分项", "Item"), tr("满分", "Max points")]
        )
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(COL_SECTION, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(COL_NAME, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(COL_MAX, QHeaderView.ResizeMode.Interactive)
        self.table.setColumnWidth(COL_SECTION, 150)
        self.table.setColumnWidth(COL_MAX, 80)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        for item in card.items:
            self._append(item.section, item.name, item.max_points)

        style = self.style()
        self.add_button = QPushButton(
            style.standardIcon(QStyle.StandardPixmap.SP_FileIcon), tr("添加项", "Add item"), self
        )
        self.remove_button = QPushButton(
            style.standardIcon(QStyle.StandardPixmap.SP_TrashIcon), tr("删除项", "Remove item"), self
        )
        self.up_button = QPushButton(
            style.standardIcon(QStyle.StandardPixmap.SP_ArrowUp), tr("上移", "Up"), self
        )
        self.down_button = QPushButton(
            style.standardIcon(QStyle.StandardPixmap.SP_ArrowDown), tr("下移", "Down"), self
        )
        self.add_button.clicked.connect(self.add_item)
        self.remove_button.clicked.connect(self.remove_item)
        self.up_button.clicked.connect(lambda: self.move_item(-1))
        self.down_button.clicked.connect(lambda: self.move_item(1))

        self.total = QLabel(self)
        bold = self.total.font()
        bold.setBold(True)
        self.total.setFont(bold)
        self.error = error_label(self)
        self.add_buttons(tr("保存", "Save"))

        form = QFormLayout()
        form.addRow(tr("名称", "Name"), self.name)
        form.addRow(tr("代码", "Code"), code)
        row_buttons = QHBoxLayout()
        for b in (self.add_button, self.remove_button, self.up_button, self.down_button):
            row_buttons.addWidget(b)
        row_buttons.addStretch(1)
        row_buttons.addWidget(self.total)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.version_note)
        layout.addWidget(self.table, 1)
        layout.addLayout(row_buttons)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)

        self.name.textChanged.connect(self.revalidate)
        self.table.itemChanged.connect(self.revalidate)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self._update_buttons()
        self.revalidate()

    def _append(self, section: str, name: str, max_points: Decimal | None) -> int:
        row = self.table.rowCount()
        with QSignalBlocker(self.table):
            self.table.insertRow(row)
            self.table.setItem(row, COL_SECTION, QTableWidgetItem(section))
            self.table.setItem(row, COL_NAME, QTableWidgetItem(name))
            points = QTableWidgetItem(fmt_num(max_points) if max_points is not None else "")
            points.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.table.setItem(row, COL_MAX, points)
        return row

    def _text(self, row: int, col: int) -> str:
        item = self.table.item(row, col)
        return item.text().strip() if item is not None else ""

    def items(self) -> list[ScorecardItemInput]:
        """The rows as typed; a maximum that is not a number becomes -1 so validation names it."""
        out = []
        for row in range(self.table.rowCount()):
            points = parse_points(self._text(row, COL_MAX))
            out.append(
                ScorecardItemInput(
                    self._text(row, COL_SECTION),
                    self._text(row, COL_NAME),
                    points if points is not None else Decimal(-1),
                )
            )
        return out

    def total_points(self) -> Decimal:
        return sum((i.max_points for i in self.items() if i.max_points > 0), ZERO)

    @Slot()
    def revalidate(self) -> bool:
        zh, en = validate_scorecard(self.name.text(), self.items())
        problems = en if language() == "en" else zh
        total = self.total_points()
        self.total.setText(
            tr(
                f"满分合计：{fmt_num(total)} / 100（必须正好 100）",
                f"Total: {fmt_num(total)} / 100 (must be exactly 100)",
            )
        )
        self.total.setStyleSheet("" if total == 100 else ERROR_STYLE)
        set_error(self.error, "\n".join(problems))
        self.ok_button.setEnabled(not problems)
        return not problems

    @Slot()
    def _update_buttons(self) -> None:
        row = self.table.currentRow()
        selected = bool(self.table.selectedItems())
        self.remove_button.setEnabled(selected)
        self.up_button.setEnabled(selected and row > 0)
        self.down_button.setEnabled(selected and 0 <= row < self.table.rowCount() - 1)

    @Slot()
    def add_item(self) -> None:
        """A new row after the selected one, in its section, ready to type the name."""
        current = self.table.currentRow()
        section = self._text(current, COL_SECTION) if current >= 0 else ""
        row = self._append(section, "", None)
        self.table.setCurrentCell(row, COL_NAME)
        cell = self.table.item(row, COL_NAME)
        if cell is not None:
            self.table.editItem(cell)
        self.revalidate()

    @Slot()
    def remove_item(self) -> None:
        row = self.table.currentRow()
        if row >= 0:
            self.table.removeRow(row)
            self.revalidate()
            self._update_buttons()

    def move_item(self, step: int) -> None:
        row = self.table.currentRow()
        target = row + step
        if row < 0 or not (0 <= target < self.table.rowCount()):
            return
        with QSignalBlocker(self.table):
            for col in range(self.table.columnCount()):
                a = self.table.takeItem(row, col)
                b = self.table.takeItem(target, col)
                self.table.setItem(row, col, b)
                self.table.setItem(target, col, a)
        self.table.setCurrentCell(target, self.table.currentColumn())
        self.revalidate()

    def accept(self) -> None:
        if not self.revalidate():
            return
        ok, result = attempt(self, self.error, lambda: self._save(self.name.text().strip(), self.items()))
        if ok:
            self.saved.emit(result)
            super().accept()
