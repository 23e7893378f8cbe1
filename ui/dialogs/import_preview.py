"""Preview of an import file before anything is written: counts, then every problem and warning, and
for a valid file the rows it will add and, for updates, the fields that change (from what to what).

Generic for every import kind. The Import button is enabled only when the file has no
problems, because an import is all or nothing (docs/formats.md).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.i18n import language, tr
from app.importers.problems import LIST_LIMIT, more_text, one_line
from ui.dialogs.common import ERROR_STYLE, button_box
from ui.screen import fit_to_screen

if TYPE_CHECKING:
    from app.services.import_rows import ImportRows

#: How each row is marked in the rows table: text (中文, English) and colour.
ACTIONS: dict[str, tuple[str, str, str]] = {
    "add": ("新增", "Add", "#2e7d32"),
    "update": ("更新", "Update", "#1565c0"),
    "same": ("无变化", "Unchanged", "#757575"),
}
CHANGED_BACKGROUND = "#fff3e0"

KIND_NAMES: dict[str, tuple[str, str]] = {
    "agents": ("人员", "agents"),
    "attendance": ("考勤", "attendance"),
    "qa": ("质检", "QA evaluations"),
    "sales": ("保单", "policies"),
    "complaints": ("投诉", "complaints"),
    "praise": ("表扬", "praise"),
    "metrics": ("指标", "metrics"),
    "adjustments": ("奖惩调整", "adjustments"),
    "targets": ("目标值", "target values"),
}


def kind_name(kind: str) -> str:
    zh, en = KIND_NAMES.get(kind, (kind, kind))
    return tr(zh, en)


class ResultLike(Protocol):
    kind: str
    file: Any
    adds: int
    updates: int
    problems: list[Any]
    warnings: list[Any]


def problem_column(problem: Any) -> str:
    column = getattr(problem, "column", None) or ""
    alt = getattr(problem, "column_alt", None)
    if column and alt and alt.casefold() != column.casefold():
        return f"{column}（{alt}）" if language() != "en" else f"{column} ({alt})"
    return column


def problem_text(problem: Any) -> str:
    """The reason and what to do, without the file/row/column the table already shows."""
    en = language() == "en"
    reason = getattr(problem, "reason", None)
    if reason is None:
        return str(problem.message(language()))
    if en:
        reason = getattr(problem, "reason_en", "") or reason
        action = getattr(problem, "action_en", "") or getattr(problem, "action", "")
    else:
        action = getattr(problem, "action", "")
    return f"{reason} — {action}" if action else str(reason)


class ImportPreviewDialog(QDialog):
    HEADERS = (("类型", "Type"), ("行", "Row"), ("列", "Column"), ("说明", "Explanation"))

    def __init__(
        self, result: ResultLike, parent: QWidget | None = None, *, rows: ImportRows | None = None
    ) -> None:
        super().__init__(parent)
        self.import_result = result
        self.rows = rows if rows is not None and rows.rows and not result.problems else None
        self.setWindowTitle(
            tr(f"导入{kind_name(result.kind)} — 预览", f"Import {kind_name(result.kind)} — preview")
        )
        fit_to_screen(self, 760 if self.rows is None else 980, 460 if self.rows is None else 620)

        file_label = QLabel(
            tr(f"文件：{Path(str(result.file)).name}", f"File: {Path(str(result.file)).name}"), self
        )
        file_label.setToolTip(str(result.file))

        counts = QGridLayout()
        self.count_labels: dict[str, QLabel] = {}
        for col, (key, zh, en, value) in enumerate(
            (
                ("adds", "新增", "To add", result.adds),
                ("updates", "更新", "To update", result.updates),
                ("problems", "问题", "Problems", len(result.problems)),
                ("warnings", "提示", "Warnings", len(result.warnings)),
            )
        ):
            title = QLabel(tr(zh, en), self)
            title.setAlignment(Qt.AlignmentFlag.AlignCenter)
            number = QLabel(str(value), self)
            number.setAlignment(Qt.AlignmentFlag.AlignCenter)
            font = number.font()
            font.setPointSizeF(font.pointSizeF() * 1.6)
            font.setBold(True)
            number.setFont(font)
            if key == "problems" and value:
                number.setStyleSheet(ERROR_STYLE)
            self.count_labels[key] = number
            counts.addWidget(number, 0, col)
            counts.addWidget(title, 1, col)

        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        if result.problems:
            self.summary.setStyleSheet(ERROR_STYLE)
            self.summary.setText(
                tr(
                    f"文件中有 {len(result.problems)} 个问题，什么都不会导入。请在 Excel 中改正下列问题后再导入。",
                    f"The file has {len(result.problems)} problem(s); nothing will be imported. "
                    "Correct them in Excel and import again.",
                )
            )
        elif result.adds == 0 and result.updates == 0:
            self.summary.setText(tr("文件中没有要导入的行。", "The file has no rows to import."))
        else:
            self.summary.setText(
                tr(
                    f"检查通过：将新增 {result.adds} 条、更新 {result.updates} 条。点击「导入」写入。",
                    f"Checked: {result.adds} to add, {result.updates} to update. Press Import to save them.",
                )
            )

        self.table = QTableWidget(0, len(self.HEADERS), self)
        self.table.setHorizontalHeaderLabels([tr(zh, en) for zh, en in self.HEADERS])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setWordWrap(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        # Wrapped explanations need their row heights recomputed whenever the width changes.
        header.sectionResized.connect(lambda *_: self.table.resizeRowsToContents())
        self._fill()
        self.table.setVisible(self.table.rowCount() > 0)

        # A valid file: the rows it will import, with each update's changes (the first few hundred).
        self.rows_table: QTableWidget | None = None
        self.rows_note = QLabel(self)
        self.rows_note.setWordWrap(True)
        self.rows_note.setVisible(False)
        self.tabs: QTabWidget | None = None
        if self.rows is not None:
            self.rows_table = self._rows_table(self.rows)
            self.rows_note.setText(self._rows_note(self.rows))
            self.rows_note.setVisible(True)
            self.tabs = QTabWidget(self)
            self.tabs.addTab(self.rows_table, tr("将导入的行", "Rows to import"))
            if self.table.rowCount():
                self.tabs.addTab(self.table, tr(f"提示（{self.table.rowCount()}）", f"Warnings ({self.table.rowCount()})"))

        self.buttons = button_box(self, tr("导入", "Import"))
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(self.can_commit)

        layout = QVBoxLayout(self)
        layout.addWidget(file_label)
        layout.addLayout(counts)
        layout.addWidget(self.summary)
        if self.tabs is not None:
            layout.addWidget(self.rows_note)
            layout.addWidget(self.tabs, 1)
        else:
            layout.addWidget(self.table, 1)
        layout.addWidget(self.buttons)

    @property
    def can_commit(self) -> bool:
        result = self.import_result
        return not result.problems and (result.adds > 0 or result.updates > 0)

    @property
    def commit_button(self) -> QPushButton:
        return self.buttons.button(QDialogButtonBox.StandardButton.Ok)

    def _fill(self) -> None:
        error_brush = QBrush(QColor("#c62828"))
        # At most LIST_LIMIT problems and LIST_LIMIT warnings are listed (a file of 350,000 bad rows
        # would otherwise build a table of 350,000 rows); a last row says how many more there are.
        problems, warnings = self.import_result.problems, self.import_result.warnings
        entries: list[tuple[bool, Any]] = [(True, p) for p in problems[:LIST_LIMIT]] + [
            (False, w) for w in warnings[:LIST_LIMIT]
        ]
        hidden = max(0, len(problems) - LIST_LIMIT) + max(0, len(warnings) - LIST_LIMIT)
        self.hidden_count = hidden
        self.table.setRowCount(len(entries) + (1 if hidden else 0))
        if hidden:
            more = QTableWidgetItem(tr(*more_text(hidden)))
            more.setForeground(error_brush)
            self.table.setItem(len(entries), 3, more)
        for row, (is_problem, problem) in enumerate(entries):
            row_no = getattr(problem, "row", None)
            cells = (
                tr("问题", "Problem") if is_problem else tr("提示", "Warning"),
                "" if row_no is None else str(row_no),
                problem_column(problem),
                one_line(problem_text(problem)),
            )
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if col == 1:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if is_problem and col == 0:
                    item.setForeground(error_brush)
                if col == 3:
                    item.setToolTip(text)
                self.table.setItem(row, col, item)
        self.table.resizeRowsToContents()

    @staticmethod
    def _rows_note(rows: ImportRows) -> str:
        counts = {action: sum(1 for r in rows.rows if r.action == action) for action in ACTIONS}
        shown = len(rows.rows)
        text = tr(
            f"下表是文件中的前 {shown} 行：新增 {counts['add']} 行，更新 {counts['update']} 行"
            f"（改动的字段以“原值 → 新值”标出）" + (f"，{counts['same']} 行与现有数据相同" if counts["same"] else "")
            + "。",
            f"The first {shown} rows of the file: {counts['add']} to add, {counts['update']} to update "
            "(changed fields show “old → new”)" + (f", {counts['same']} the same as stored" if counts["same"] else "")
            + ".",
        )
        if rows.more:
            text += tr(f"另有 {rows.more} 行未列出，导入时一并写入。", f" {rows.more} more rows are not listed; they are imported too.")
        return text

    def _rows_table(self, rows: ImportRows) -> QTableWidget:
        en = language() == "en"
        headers = [tr("行", "Row"), tr("操作", "Action")] + [en_name if en else zh for _key, zh, en_name in rows.columns]
        table = QTableWidget(len(rows.rows), len(headers), self)
        table.setObjectName("importRows")
        table.setHorizontalHeaderLabels(headers)
        table.verticalHeader().setVisible(False)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setWordWrap(False)
        changed = QBrush(QColor(CHANGED_BACKGROUND))
        for i, row in enumerate(rows.rows):
            number = QTableWidgetItem(str(row.row))
            number.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            table.setItem(i, 0, number)
            zh, en_word, colour = ACTIONS.get(row.action, (row.action, row.action, "#000000"))
            action = QTableWidgetItem(tr(zh, en_word))
            action.setForeground(QBrush(QColor(colour)))
            table.setItem(i, 1, action)
            for j, ((key, col_zh, col_en), text) in enumerate(zip(rows.columns, row.cells, strict=True)):
                change = row.change(key)
                item = QTableWidgetItem(text)
                if change is not None:
                    if change.before or key != "payslip_password":
                        item.setText(f"{change.before or tr('（空）', '(empty)')} → {change.after or tr('（空）', '(empty)')}")
                    else:
                        item.setText(change.after)
                    item.setBackground(changed)
                    font = item.font()
                    font.setBold(True)
                    item.setFont(font)
                    item.setToolTip(
                        tr(f"{col_zh}：原值 {change.before or '（空）'}，新值 {change.after or '（空）'}",
                           f"{col_en}: was {change.before or '(empty)'}, becomes {change.after or '(empty)'}")
                    )
                table.setItem(i, j + 2, item)
        table.resizeColumnsToContents()
        table.horizontalHeader().setStretchLastSection(True)
        return table

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.table.resizeRowsToContents()

    def accept(self) -> None:
        if not self.can_commit:
            return
        super().accept()
