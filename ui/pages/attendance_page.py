"""考勤 Attendance: the month as the branch's paper sheet — agents × days, typed like Excel.

The manager spends most of the month here, so the page is built for the keyboard: type a
code into a cell (``迟15``), Enter moves down, Delete clears, Ctrl+C / Ctrl+V exchange
blocks with Excel. Every write is checked by :mod:`app.services.attendance`; a refused
cell or paste writes nothing and the reason appears under the grid, never as a traceback.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import QItemSelection, QItemSelectionModel, QModelIndex, Qt, Slot
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from app.i18n import language, tr
from app.services.appeal_marks import attendance_marks
from app.services.attendance import (
    AttendanceGrid,
    clear_cells,
    month_grid,
    paste_block,
    set_cell,
    set_cells,
    split_tsv,
)
from app.services.attendance_cells import Entry
from app.services.errors import ServiceError
from db.session import Database
from ui.errors import show_error
from ui.importing import ImportFlow
from ui.models.appeal_marks import APPEAL_COLOURS, APPEAL_LEGEND
from ui.models.attendance_grid import (
    DAY_COLOURS,
    OUTSIDE_COLOUR,
    TOTAL_COLUMNS,
    AttendanceGridModel,
    AttendanceProxy,
)
from ui.pages.base import Page
from ui.widgets.attendance_view import AttendanceGridView
from ui.widgets.filters import on_rows_changed, push_button, search_box, totals_label
from ui.widgets.locked_banner import BOLD_AMBER_STYLE, LockedBanner

CODES_HELP_ZH = (
    "迟15 迟到15分钟 · 早10 早退10分钟 · 空 空岗 · 调 私自调班 · 旷 / 旷0.5 旷工（天）· "
    "事 病 年 其 事假/病假/年假/其他假（天，可 0.5）· 一格多项用空格分隔，如 迟5 空 · 也可输入拼音 chi15、shi0.5"
)
CODES_HELP_EN = (
    "late15 / 迟15 late 15 min · early10 / 早10 early leave · away / 空 · swap / 调 · absence / 旷 (days) · "
    "personal 事, sick 病, annual 年, other 其 (days, 0.5 allowed) · several in one cell: 迟5 空"
)


def _swatch(colour: str, text: str, parent: QWidget) -> QWidget:
    box = QWidget(parent)
    layout = QHBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(4)
    chip = QLabel(box)
    chip.setFixedSize(16, 16)
    chip.setStyleSheet(f"background-color: {colour}; border: 1px solid #8A8A8A;")
    layout.addWidget(chip)
    layout.addWidget(QLabel(text, box))
    return box


class AttendancePage(Page):
    reads = frozenset({"agents", "attendance", "calendar", "plan", "payroll", "appeals"})

    import_dialog_title = ("选择要导入的考勤文件", "Choose the attendance file to import")

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(db, parent)
        self.model = AttendanceGridModel(self)
        self.model.writer = self._write_cell
        self.proxy = AttendanceProxy(self)
        self.proxy.setSourceModel(self.model)
        self._sized_for: tuple[str, int] | None = None

        self.search = search_box(
            self, tr("搜索工号、姓名、团队…", "Search code, name, team…"), self.proxy.set_search
        )

        self.import_button, self.template_button = self.file_buttons(
            tr("从 Excel 或 CSV 文件导入考勤", "Import attendance from an Excel or CSV file"),
            tr("保存考勤导入模板（Excel）", "Save the attendance import template (Excel)"),
        )
        self.import_button.clicked.connect(self.import_file)
        self.template_button.clicked.connect(self.export_template)

        self.banner = LockedBanner(
            self,
            tr(
                "本月已锁定，只读。更正请在未锁定月份录入调整项。",
                "This month is locked: read-only. Enter corrections as adjustments of an open month.",
            ),
            style=BOLD_AMBER_STYLE,
            word_wrap=False,
        )
        self.calendar_note = QLabel(self)
        self.calendar_note.setObjectName("calendarNote")
        self.calendar_note.setStyleSheet("QLabel#calendarNote { color: #8A5A00; }")
        self.calendar_note.setWordWrap(True)
        self.calendar_note.setVisible(False)

        self.table = AttendanceGridView(self)
        self.table.setModel(self.proxy)
        self.table.setAlternatingRowColors(False)
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 10)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setDefaultAlignment(
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
        )
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setDefaultAlignment(Qt.AlignmentFlag.AlignCenter)
        self.table.read_only_key.connect(self._explain_read_only)

        self.copy_action = self._action(
            tr("复制", "Copy"), [QKeySequence(QKeySequence.StandardKey.Copy)], self.copy
        )
        self.paste_action = self._action(
            tr("粘贴", "Paste"), [QKeySequence(QKeySequence.StandardKey.Paste)], self.paste
        )
        self.clear_action = self._action(
            tr("清除", "Clear"),
            [QKeySequence(Qt.Key.Key_Delete), QKeySequence(Qt.Key.Key_Backspace)],
            self.clear_selection,
        )
        self.appeal_action = self._action(tr("申诉…", "Appeal…"), [], self.appeal_cell)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        self.appeal_button = push_button(
            self, tr("申诉…", "Appeal…"), QStyle.StandardPixmap.SP_MessageBoxQuestion,
            tr("为选中单元格的考勤记录登记申诉（锁定月份也可申诉）",
               "File an appeal against an attendance record of the selected cell (a locked month's too)"),
        )
        self.appeal_button.clicked.connect(self.appeal_cell)

        toolbar = QHBoxLayout()
        toolbar.addWidget(self.search, 2)
        toolbar.addStretch(3)
        toolbar.addWidget(self.appeal_button)
        toolbar.addWidget(self.import_button)
        toolbar.addWidget(self.template_button)

        legend = QHBoxLayout()
        legend.setSpacing(14)
        for colour, text in (
            (DAY_COLOURS["weekend"].name(), tr("周末", "Weekend")),
            (DAY_COLOURS["holiday"].name(), tr("节假日（休）", "Holiday (off)")),
            (DAY_COLOURS["makeup"].name(), tr("调休上班（班）", "Make-up workday")),
            (OUTSIDE_COLOUR.name(), tr("非在职日", "Not employed")),
            *((APPEAL_COLOURS[status].name(), tr(zh, en)) for status, zh, en in APPEAL_LEGEND),
        ):
            legend.addWidget(_swatch(colour, text, self))
        legend.addStretch(1)
        self.codes_help = QLabel(tr(CODES_HELP_ZH, CODES_HELP_EN), self)
        self.codes_help.setWordWrap(True)
        self.codes_help.setObjectName("codesHelp")
        self.codes_help.setStyleSheet("QLabel#codesHelp { color: #444444; }")

        self.status = QLabel(self)
        self.status.setObjectName("attendanceStatus")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.count_label = totals_label(self, selectable=False)
        on_rows_changed(self.proxy, self._summary)

        layout = QVBoxLayout(self)
        layout.addLayout(toolbar)
        layout.addWidget(self.banner)
        layout.addWidget(self.calendar_note)
        layout.addWidget(self.table, 1)
        layout.addLayout(legend)
        layout.addWidget(self.codes_help)
        bottom = QHBoxLayout()
        bottom.addWidget(self.status, 1)
        bottom.addWidget(self.count_label)
        layout.addLayout(bottom)

    def _action(self, text: str, keys: list[QKeySequence], slot: object) -> QAction:
        action = QAction(text, self.table)
        action.setShortcuts(keys)
        # Only while the grid has focus: in the search box Ctrl+V must paste text.
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.triggered.connect(slot)
        self.table.addAction(action)
        return action

    # --- data -------------------------------------------------------------------------

    def refresh(self) -> None:
        if not self.month:
            return
        keep = self._current_key()
        try:
            with self.db.session_scope() as session:
                grid = month_grid(session, self.month)
                marks = attendance_marks(session, self.month)
        except Exception as exc:  # noqa: BLE001 - a short message; unexpected ones are logged
            self.message = show_error(self, exc)
            return
        self.show_grid(grid)
        self.model.set_appeals(marks)
        if keep is not None:
            self.select_cell(*keep)

    def show_grid(self, grid: AttendanceGrid) -> None:
        self.model.set_grid(grid)
        self.banner.show_locked(grid.locked)
        self.calendar_note.setText(grid.calendar_warning.in_(language()) if grid.calendar_warning else "")
        self.calendar_note.setVisible(bool(grid.calendar_warning))
        self.paste_action.setEnabled(not grid.locked)
        self.clear_action.setEnabled(not grid.locked)
        if self._sized_for != (grid.month, len(grid.agents)):
            self._fit_columns()
            self._sized_for = (grid.month, len(grid.agents))
        self._say("")

    def _fit_columns(self) -> None:
        """Size columns from the longest texts, not by measuring all 9 000 cells."""
        header = self.table.horizontalHeader()
        cell_fm = self.table.fontMetrics()
        head_fm = header.fontMetrics()
        pad = 10  # enough for the grid line and a little air; 31 days must fit beside the totals

        def head_width(col: int) -> int:
            text = self.model.headerData(col, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole) or ""
            return max((head_fm.horizontalAdvance(line) for line in str(text).split("\n")), default=0) + pad

        minimum = cell_fm.horizontalAdvance("迟15") + pad
        for col, longest in enumerate(self.model.text_widths()):
            width = max(minimum, head_width(col), cell_fm.horizontalAdvance(longest) + pad)
            header.resizeSection(col, min(width, cell_fm.horizontalAdvance("迟15 早10 空") + pad))
        for i in range(len(TOTAL_COLUMNS)):
            col = self.model.day_count + i
            header.resizeSection(col, max(head_width(col), cell_fm.horizontalAdvance("00.5") + pad))

    @Slot()
    def _summary(self) -> None:
        shown = self.proxy.rowCount()
        total = self.model.rowCount()
        count = (
            tr(f"共 {total} 人", f"{total} agents")
            if shown == total
            else tr(f"筛选出 {shown} / {total} 人", f"{shown} of {total} shown")
        )
        self.count_label.setText(count)

    def _say(self, text: str, *, error: bool = False) -> None:
        self.status.setStyleSheet(
            "QLabel#attendanceStatus { color: #B3261E; font-weight: bold; }" if error else ""
        )
        self.status.setText(text)

    def _current_key(self) -> tuple[str, date] | None:
        current = self.table.currentIndex()
        if not current.isValid():
            return None
        return self.model.key(self.proxy.mapToSource(current))

    @Slot()
    def appeal_cell(self) -> QDialog | None:
        """申诉: the appeal form for the current cell's record (a choice when the cell holds several)."""
        key = self._current_key()
        if key is None:
            return None
        code, day = key
        from app.services.agents import get_agent
        from app.services.appeals import AppealInput, find_records
        from ui.pages.appeals_page import open_appeal_form

        with self.db.session_scope() as session:
            found = find_records(session, "attendance", get_agent(session, code), day)
        if not found:
            self._say(tr(f"{code} {day.isoformat()} 没有考勤记录可申诉", f"{code} {day.isoformat()}: no record to appeal"),
                      error=True)
            return None
        choices = [(f.record_id, f.text) for f in found if f.record_id is not None]
        return open_appeal_form(self, AppealInput("attendance", code, day, date.today(), ""),
                                f"{day.isoformat()} {code}", choices)

    def select_cell(self, code: str, day: date) -> bool:
        row, col = self.model.row_of(code), self.model.column_of(day)
        if row < 0 or col < 0:
            return False
        index = self.proxy.mapFromSource(self.model.index(row, col))
        if not index.isValid():
            return False
        self.table.setCurrentIndex(index)
        self.table.scrollTo(index)
        return True

    @Slot(QModelIndex)
    def _explain_read_only(self, index: QModelIndex) -> None:
        source = self.proxy.mapToSource(index)
        if self.model.locked:
            self._say(tr("本月已锁定，只读", "This month is locked: read-only"), error=True)
        elif self.model.day(source.column()) is None:
            self._say(tr("合计列由系统计算，不能输入", "Totals are computed and cannot be typed"), error=True)
        else:
            agent = self.model.agent(source.row())
            span = (
                f"{agent.hire_date.isoformat()} ~ {agent.leave_date.isoformat() if agent.leave_date else ''}"
            )
            self._say(
                tr(
                    f"{agent.code} {agent.name}该日不在职（在职 {span}），不能录入",
                    f"{agent.code} {agent.name} is not employed that day (employed {span})",
                ),
                error=True,
            )

    def _changed(self, count: int) -> None:
        if count:
            self.data_changed.emit("attendance")

    def _refused(self, exc: Exception) -> None:
        if isinstance(exc, ServiceError):
            self._say(exc.text(language()), error=True)
        else:
            self.message = show_error(self, exc)  # logs the traceback

    # --- writes -------------------------------------------------------------------------

    def _write_cell(self, code: str, day: date, text: str) -> tuple[Entry, ...] | None:
        """The model's writer: one cell, one transaction; the reason is shown when refused."""
        try:
            with self.db.session_scope(write=True) as session:
                stored = set_cell(session, self.month, code, day, text)
        except Exception as exc:  # noqa: BLE001 - shown as a message, never a traceback
            self._refused(exc)
            return None
        self._say(
            tr(f"已保存 {code} {day.month}月{day.day}日", f"Saved {code} {day.isoformat()}")
            + (f"：{text}" if text else tr("（已清空）", " (cleared)"))
        )
        self._changed(1)
        return stored

    def _selected_sources(self) -> list[QModelIndex]:
        return [self.proxy.mapToSource(i) for i in self.table.selectionModel().selectedIndexes()]

    @Slot()
    def copy(self) -> str:
        """The selection as Excel pastes it: tabs between columns, newlines between rows."""
        indexes = self.table.selectionModel().selectedIndexes()
        if not indexes:
            current = self.table.currentIndex()
            indexes = [current] if current.isValid() else []
        if not indexes:
            return ""
        rows = range(min(i.row() for i in indexes), max(i.row() for i in indexes) + 1)
        cols = range(min(i.column() for i in indexes), max(i.column() for i in indexes) + 1)
        chosen = {(i.row(), i.column()) for i in indexes}
        lines = []
        for r in rows:
            cells = []
            for c in cols:
                value = self.proxy.data(self.proxy.index(r, c)) if (r, c) in chosen else ""
                cells.append("" if value is None else str(value))
            lines.append("\t".join(cells))
        text = "\n".join(lines)
        QGuiApplication.clipboard().setText(text)
        return text

    @Slot()
    def paste(self) -> bool:
        """Paste Excel's clipboard at the current cell; one bad cell and nothing is written."""
        if self.model.locked:
            self._say(tr("本月已锁定，只读", "This month is locked: read-only"), error=True)
            return False
        rows = split_tsv(QGuiApplication.clipboard().text())
        if not rows:
            self._say(tr("剪贴板中没有可粘贴的内容", "The clipboard holds nothing to paste"), error=True)
            return False
        selected = self.table.selectionModel().selectedIndexes()
        try:
            if len(rows) == 1 and len(rows[0]) == 1 and len(selected) > 1:
                # One value over a larger selection fills it, as in Excel.
                keys = [
                    key
                    for src in self._selected_sources()
                    if self.model.is_editable(src) and (key := self.model.key(src)) is not None
                ]
                if not keys:
                    raise ServiceError("选中的单元格都不能录入", "none of the selected cells can be entered")
                with self.db.session_scope(write=True) as session:
                    stored = set_cells(
                        session, self.month, dict.fromkeys(keys, rows[0][0]), action="attendance.paste"
                    )
                top_left = bottom_right = QModelIndex()
            else:
                anchor = (
                    self.proxy.index(min(i.row() for i in selected), min(i.column() for i in selected))
                    if selected
                    else self.table.currentIndex()
                )
                source = self.proxy.mapToSource(anchor)
                day = self.model.day(source.column()) if source.isValid() else None
                if day is None:
                    raise ServiceError(
                        "请先选中要粘贴到的日期单元格（左上角）",
                        "select the day cell to paste at (top left) first",
                    )
                visible = [
                    self.model.agent(self.proxy.mapToSource(self.proxy.index(r, 0)).row()).code
                    for r in range(self.proxy.rowCount())
                ]
                with self.db.session_scope(write=True) as session:
                    stored = paste_block(
                        session,
                        self.month,
                        self.model.agent(source.row()).code,
                        day.date,
                        rows,
                        agent_codes=visible,
                    )
                width = max(len(r) for r in rows)
                top_left = anchor
                bottom_right = self.proxy.index(anchor.row() + len(rows) - 1, anchor.column() + width - 1)
        except Exception as exc:  # noqa: BLE001 - shown as a message, never a traceback
            self._refused(exc)
            return False
        self.model.apply_cells(stored)
        if top_left.isValid() and bottom_right.isValid():
            self.table.selectionModel().select(
                QItemSelection(top_left, bottom_right), QItemSelectionModel.SelectionFlag.ClearAndSelect
            )
        self._say(tr(f"已粘贴 {len(stored)} 个单元格", f"Pasted {len(stored)} cells"))
        self._changed(len(stored))
        return True

    @Slot()
    def clear_selection(self) -> bool:
        """Delete: empty the selected day cells in one transaction."""
        if self.model.locked:
            self._say(tr("本月已锁定，只读", "This month is locked: read-only"), error=True)
            return False
        keys = []
        for src in self._selected_sources():
            key = self.model.key(src)
            if key is not None and self.model.cell_text(src.row(), src.column()):
                keys.append(key)
        if not keys:
            return False
        try:
            with self.db.session_scope(write=True) as session:
                stored = clear_cells(session, self.month, keys)
        except Exception as exc:  # noqa: BLE001 - shown as a message, never a traceback
            self._refused(exc)
            return False
        self.model.apply_cells(stored)
        self._say(tr(f"已清除 {len(keys)} 个单元格", f"Cleared {len(keys)} cells"))
        self._changed(len(keys))
        return True

    # --- files ------------------------------------------------------------------------

    @Slot()
    def import_file(self) -> ImportFlow | None:
        return self.start_import("attendance", self.import_button, self._imported)

    @Slot(object)
    def _imported(self, _result: object) -> None:
        self.refresh()
        self.data_changed.emit("attendance")

    @Slot()
    def export_template(self) -> Path | None:
        return self.save_template("attendance", "考勤导入模板.xlsx", "attendance-template.xlsx")
