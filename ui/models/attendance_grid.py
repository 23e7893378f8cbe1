"""The attendance month grid as a Qt table model: agents × days, then the per-agent totals.

The model is filled once per month from :func:`app.services.attendance.month_grid` and
keeps every cell's display text precomputed, so ``data()`` is a list lookup — 300 agents
× 31 days scroll without touching the database. Writes go through a ``writer`` callable
the page supplies (the page owns the session and the messages); the model only applies
the cells the service says it stored, so what is shown is what was saved.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QBrush, QColor

from app.engine.facts import LEAVE_KINDS
from app.i18n import language, tr
from app.services.appeal_marks import AppealMark
from app.services.attendance import (
    DAY_HOLIDAY,
    DAY_MAKEUP,
    DAY_WEEKEND,
    DAY_WORKDAY,
    AttendanceGrid,
    AttendanceTotals,
    CalendarDay,
    GridAgent,
    totals_of,
)
from app.services.attendance_cells import Entry, describe_cell, format_cell
from ui.models.appeal_marks import mark_brush, mark_tooltip

Index = QModelIndex | QPersistentModelIndex
CellKey = tuple[str, date]
Writer = Callable[[str, date, str], "tuple[Entry, ...] | None"]

DayKindRole = Qt.ItemDataRole.UserRole + 1  # "workday" | "weekend" | "holiday" | "makeup" (day columns)
EmployedRole = Qt.ItemDataRole.UserRole + 2  # bool: the agent is employed on the cell's day
EntriesRole = Qt.ItemDataRole.UserRole + 3  # tuple[Entry, ...] of the cell

WEEKDAYS_ZH = ("一", "二", "三", "四", "五", "六", "日")
WEEKDAYS_EN = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")

# Soft tints that stay readable under black text and differ for colour-blind eyes by
# lightness as well as hue; the legend on the page uses the same colours.
DAY_COLOURS: dict[str, QColor] = {
    DAY_WEEKEND: QColor("#DCE6F2"),  # blue-grey: an ordinary weekend
    DAY_HOLIDAY: QColor("#F8CFCB"),  # rose: a statutory holiday or branch day off
    DAY_MAKEUP: QColor("#FFE9A8"),  # amber: a weekend day worked in lieu (调休上班)
}
OUTSIDE_COLOUR = QColor("#C9C9C9")  # not employed that day
OUTSIDE_TEXT = QColor("#6E6E6E")
TOTALS_COLOUR = QColor("#EEF3EA")
PENALTY_TEXT = QColor("#A3121B")  # 迟 早 空 调 旷 cost money
LEAVE_TEXT = QColor("#1B4F93")  # leave days
HOLIDAY_HEADER_TEXT = QColor("#B0231B")

_PENALTY_KINDS = {"late", "early_leave", "away", "swap", "absence"}

# data() runs for every role of every visible cell on each paint (about 9 000 calls for a
# full screen), so the hot path compares plain ints and returns prebuilt objects: looking up
# PySide enum members and building brushes there made a repaint of the grid visibly slow.
_DISPLAY = int(Qt.ItemDataRole.DisplayRole.value)
_EDIT = int(Qt.ItemDataRole.EditRole.value)
_BACKGROUND = int(Qt.ItemDataRole.BackgroundRole.value)
_FOREGROUND = int(Qt.ItemDataRole.ForegroundRole.value)
_ALIGNMENT = int(Qt.ItemDataRole.TextAlignmentRole.value)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole.value)
_DAY_KIND = int(DayKindRole)
_EMPLOYED = int(EmployedRole)
_ENTRIES = int(EntriesRole)
_CENTER = Qt.AlignmentFlag.AlignCenter
_READ_FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
_EDIT_FLAGS = _READ_FLAGS | Qt.ItemFlag.ItemIsEditable

# (key, header zh, header en, tooltip zh, tooltip en)
TOTAL_COLUMNS: tuple[tuple[str, str, str, str, str], ...] = (
    ("late_count", "迟到\n次", "Late\ntimes", "迟到次数", "Late arrivals"),
    ("late_minutes", "迟到\n分", "Late\nmin", "迟到分钟合计", "Late minutes in total"),
    ("early_count", "早退\n次", "Early\ntimes", "早退次数", "Early leaves"),
    ("early_minutes", "早退\n分", "Early\nmin", "早退分钟合计", "Early-leave minutes in total"),
    ("away", "空岗\n次", "Away\ntimes", "空岗次数", "Times away from the seat"),
    ("swap", "调班\n次", "Swap\ntimes", "私自调班次数", "Unauthorised shift swaps"),
    ("absence_days", "旷工\n天", "Absent\ndays", "旷工天数", "Days of absence"),
    ("personal", "事假\n天", "Personal\ndays", "事假天数", "Personal leave days"),
    ("sick", "病假\n天", "Sick\ndays", "病假天数", "Sick leave days"),
    ("annual", "年假\n天", "Annual\ndays", "年假天数", "Annual leave days"),
    ("other", "其他假\n天", "Other\ndays", "其他假天数", "Other leave days"),
    ("employed_workdays", "应出勤\n天", "Work\ndays", "本月在职的工作日天数", "Workdays employed this month"),
)


def _num(value: Decimal | int) -> str:
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return str(value)


def total_value(totals: AttendanceTotals, key: str) -> Decimal | int:
    if key in totals.leave_days:
        return totals.leave_days[key]
    value: Decimal | int = getattr(totals, key)
    return value


def day_header(day: CalendarDay, lang: str) -> str:
    """The day over its weekday and, like a desk calendar, a 休/班 mark on its own line so the
    column stays as narrow as a cell (31 days must fit beside the totals)."""
    weekday = (WEEKDAYS_EN if lang == "en" else WEEKDAYS_ZH)[day.date.weekday()]
    mark = ""
    if day.kind == DAY_HOLIDAY:
        mark = "\noff" if lang == "en" else "\n休"
    elif day.kind == DAY_MAKEUP:
        mark = "\nwork" if lang == "en" else "\n班"
    return f"{day.date.day}\n{weekday}{mark}"


def day_tooltip(day: CalendarDay) -> str:
    kind = {
        DAY_WORKDAY: tr("工作日", "workday"),
        DAY_WEEKEND: tr("周末", "weekend"),
        DAY_HOLIDAY: tr("节假日/休息日", "holiday / day off"),
        DAY_MAKEUP: tr("调休上班", "make-up workday"),
    }[day.kind]
    parts = [day.date.isoformat(), kind]
    if day.name:
        parts.append(tr(day.name, day.name_en or day.name))
    if day.override is not None:
        parts.append(
            tr("网点设置", "branch setting") + (f"：{day.override_note}" if day.override_note else "")
        )
    return " · ".join(parts)


class AttendanceGridModel(QAbstractTableModel):
    """Rows are the month's agents (by code); columns the days, then :data:`TOTAL_COLUMNS`."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._month = ""
        self._days: tuple[CalendarDay, ...] = ()
        self._agents: tuple[GridAgent, ...] = ()
        self._row_of: dict[str, int] = {}
        self._cells: dict[CellKey, tuple[Entry, ...]] = {}
        self._text: list[list[str]] = []
        self._employed: list[list[bool]] = []
        self._totals: list[AttendanceTotals] = []
        self._locked = False
        self._lang = language()
        self._n_days = 0
        self._n_cols = len(TOTAL_COLUMNS)
        self._n_rows = 0
        self._day_brush: list[QBrush | None] = []
        self._fg: list[list[QBrush | None]] = []
        self._outside_brush = QBrush(OUTSIDE_COLOUR)
        self._brushes = {
            "outside": QBrush(OUTSIDE_TEXT),
            "penalty": QBrush(PENALTY_TEXT),
            "leave": QBrush(LEAVE_TEXT),
        }
        self._totals_brush = QBrush(TOTALS_COLOUR)
        self.writer: Writer | None = None
        # live appeals against a cell's records (app/services/appeal_marks.py), and by (row, column)
        self._appeals: dict[CellKey, tuple[AppealMark, ...]] = {}
        self._appeal_at: dict[tuple[int, int], tuple[AppealMark, ...]] = {}

    # --- filling ---------------------------------------------------------------------

    def set_grid(self, grid: AttendanceGrid) -> None:
        self.beginResetModel()
        self._lang = language()
        self._month = grid.month
        self._days = grid.days
        self._agents = grid.agents
        self._row_of = {a.code: i for i, a in enumerate(grid.agents)}
        self._cells = dict(grid.cells)
        self._locked = grid.locked
        self._text = [
            [format_cell(self._cells.get((a.code, d.date), ()), self._lang) for d in self._days]
            for a in self._agents
        ]
        self._employed = [[a.employed_on(d.date) for d in self._days] for a in self._agents]
        self._totals = [totals_of(a, self._days, self._cells) for a in self._agents]
        self._n_days = len(self._days)
        self._n_cols = self._n_days + len(TOTAL_COLUMNS)
        self._n_rows = len(self._agents)
        self._day_brush = [QBrush(DAY_COLOURS[d.kind]) if d.kind in DAY_COLOURS else None for d in self._days]
        self._fg = [[self._foreground(r, c) for c in range(self._n_days)] for r in range(self._n_rows)]
        self._place_appeals()
        self.endResetModel()

    def set_appeals(self, marks: Mapping[CellKey, tuple[AppealMark, ...]]) -> None:
        """Mark the cells whose records have a pending or upheld appeal (colour and tooltip)."""
        self._appeals = dict(marks)
        self._place_appeals()
        if self._n_rows and self._n_days:
            self.dataChanged.emit(self.index(0, 0), self.index(self._n_rows - 1, self._n_days - 1))

    def _place_appeals(self) -> None:
        self._appeal_at = {}
        for (code, day), marks in self._appeals.items():
            row, col = self._row_of.get(code, -1), self.column_of(day)
            if row >= 0 and col >= 0 and marks:
                self._appeal_at[(row, col)] = marks

    def appeal_marks(self, row: int, column: int) -> tuple[AppealMark, ...]:
        return self._appeal_at.get((row, column), ())

    def _foreground(self, row: int, col: int) -> QBrush | None:
        if not self._employed[row][col]:
            return self._brushes["outside"]
        entries = self._cells.get((self._agents[row].code, self._days[col].date), ())
        if any(e.kind in _PENALTY_KINDS for e in entries):
            return self._brushes["penalty"]
        return self._brushes["leave"] if entries else None

    def apply_cells(self, changes: Mapping[CellKey, tuple[Entry, ...]]) -> None:
        """Show cells the service stored, refreshing only them and their rows' totals."""
        rows: dict[int, list[int]] = {}
        for (code, day), entries in changes.items():
            row = self._row_of.get(code)
            col = self.column_of(day)
            if row is None or col < 0:
                continue
            if entries:
                self._cells[(code, day)] = tuple(entries)
            else:
                self._cells.pop((code, day), None)
            self._text[row][col] = format_cell(entries, self._lang)
            self._fg[row][col] = self._foreground(row, col)
            rows.setdefault(row, []).append(col)
        last = self.columnCount() - 1
        for row, cols in rows.items():
            self._totals[row] = totals_of(self._agents[row], self._days, self._cells)
            self.dataChanged.emit(self.index(row, min(cols)), self.index(row, max(cols)))
            self.dataChanged.emit(self.index(row, len(self._days)), self.index(row, last))

    # --- lookups for the page ----------------------------------------------------------

    @property
    def month(self) -> str:
        return self._month

    @property
    def locked(self) -> bool:
        return self._locked

    @property
    def day_count(self) -> int:
        return len(self._days)

    def day(self, column: int) -> CalendarDay | None:
        return self._days[column] if 0 <= column < len(self._days) else None

    def days(self) -> tuple[CalendarDay, ...]:
        return self._days

    def column_of(self, day: date) -> int:
        if not self._days:
            return -1
        col = (day - self._days[0].date).days
        return col if 0 <= col < len(self._days) else -1

    def agent(self, row: int) -> GridAgent:
        return self._agents[row]

    def row_of(self, code: str) -> int:
        return self._row_of.get(code, -1)

    def key(self, index: Index) -> CellKey | None:
        """The (agent code, date) of a day cell; ``None`` for a totals cell."""
        day = self.day(index.column())
        if not index.isValid() or day is None:
            return None
        return self._agents[index.row()].code, day.date

    def cell_text(self, row: int, column: int) -> str:
        return self._text[row][column]

    def totals(self, row: int) -> AttendanceTotals:
        return self._totals[row]

    def is_editable(self, index: Index) -> bool:
        return (
            index.isValid()
            and not self._locked
            and index.column() < len(self._days)
            and self._employed[index.row()][index.column()]
        )

    def text_widths(self) -> list[str]:
        """The longest text of each day column, for sizing columns without measuring every cell."""
        longest = [""] * len(self._days)
        for row in self._text:
            for col, text in enumerate(row):
                if len(text) > len(longest[col]):
                    longest[col] = text
        return longest

    # --- Qt overrides ----------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._n_rows

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._n_cols

    def flags(self, index: Index) -> Qt.ItemFlag:
        row, col = index.row(), index.column()
        if row < 0 or col < 0:
            return Qt.ItemFlag.NoItemFlags
        if not self._locked and col < self._n_days and self._employed[row][col]:
            return _EDIT_FLAGS
        return _READ_FLAGS

    def data(self, index: Index, role: int = _DISPLAY) -> Any:
        row, col = index.row(), index.column()
        if row < 0 or col < 0:  # an invalid index
            return None
        if col >= self._n_days:
            return self._total_data(row, col - self._n_days, role)
        if role in (_DISPLAY, _EDIT):
            return self._text[row][col]
        if role == _BACKGROUND:
            if self._appeal_at and (row, col) in self._appeal_at:
                return mark_brush(self._appeal_at[(row, col)])
            return self._day_brush[col] if self._employed[row][col] else self._outside_brush
        if role == _FOREGROUND:
            return self._fg[row][col]
        if role == _ALIGNMENT:
            return _CENTER
        if role == _TOOLTIP:
            return self._cell_tooltip(row, col)
        if role == _DAY_KIND:
            return self._days[col].kind
        if role == _EMPLOYED:
            return self._employed[row][col]
        if role == _ENTRIES:
            return self._cells.get((self._agents[row].code, self._days[col].date), ())
        return None

    def _cell_tooltip(self, row: int, col: int) -> str:
        agent, day = self._agents[row], self._days[col]
        lines = [f"{agent.code} {agent.name} · {day_tooltip(day)}"]
        if not self._employed[row][col]:
            span = (
                f"{agent.hire_date.isoformat()} ~ {agent.leave_date.isoformat() if agent.leave_date else ''}"
            )
            lines.append(tr(f"该日不在职（在职 {span}）", f"not employed that day (employed {span})"))
        entries = self._cells.get((agent.code, day.date), ())
        if entries:
            lines.append(describe_cell(entries, self._lang))
        marks = self._appeal_at.get((row, col))
        if marks:
            lines.append(mark_tooltip(marks))
        return "\n".join(lines)

    def _total_data(self, row: int, i: int, role: int) -> Any:
        key = TOTAL_COLUMNS[i][0]
        if role == _DISPLAY:
            value = total_value(self._totals[row], key)
            # Zeros are left blank, as on the paper sheet, so the few non-zero totals stand out.
            return _num(value) if value or key == "employed_workdays" else ""
        if role == _EDIT:
            return total_value(self._totals[row], key)
        if role == _ALIGNMENT:
            return _CENTER
        if role == _BACKGROUND:
            return self._totals_brush
        if role == _FOREGROUND:
            if key == "employed_workdays" or not total_value(self._totals[row], key):
                return None
            return self._brushes["leave" if key in LEAVE_KINDS else "penalty"]
        if role == _TOOLTIP:
            return tr(TOTAL_COLUMNS[i][3], TOTAL_COLUMNS[i][4])
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Vertical:
            if not 0 <= section < len(self._agents):
                return None
            agent = self._agents[section]
            if role == Qt.ItemDataRole.DisplayRole:
                return f"{agent.code}  {agent.name}"
            if role == Qt.ItemDataRole.ToolTipRole:
                span = f"{agent.hire_date.isoformat()} ~ {agent.leave_date.isoformat() if agent.leave_date else ''}"
                team = f" · {agent.team}" if agent.team else ""
                return f"{agent.code} {agent.name}{team}\n" + tr(f"在职 {span}", f"employed {span}")
            return None
        if not 0 <= section < self.columnCount():
            return None
        if section >= len(self._days):
            spec = TOTAL_COLUMNS[section - len(self._days)]
            if role == Qt.ItemDataRole.DisplayRole:
                return tr(spec[1], spec[2])
            if role == Qt.ItemDataRole.ToolTipRole:
                return tr(spec[3], spec[4])
            if role == Qt.ItemDataRole.BackgroundRole:
                return QBrush(TOTALS_COLOUR)
            return None
        day = self._days[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return day_header(day, self._lang)
        if role == Qt.ItemDataRole.ToolTipRole:
            return day_tooltip(day)
        if role == Qt.ItemDataRole.BackgroundRole:
            colour = DAY_COLOURS.get(day.kind)
            return QBrush(colour) if colour is not None else None
        if role == Qt.ItemDataRole.ForegroundRole and day.kind == DAY_HOLIDAY:
            return QBrush(HOLIDAY_HEADER_TEXT)
        if role == DayKindRole:
            return day.kind
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        """Write a typed cell through the page's writer; ``False`` (and nothing shown) when refused."""
        if role != Qt.ItemDataRole.EditRole or not self.is_editable(index) or self.writer is None:
            return False
        text = "" if value is None else str(value).strip()
        if text == self._text[index.row()][index.column()]:
            return True  # unchanged: no write, no audit row
        key = self.key(index)
        assert key is not None
        stored = self.writer(key[0], key[1], text)
        if stored is None:
            return False
        self.apply_cells({key: stored})
        return True


class AttendanceProxy(QSortFilterProxyModel):
    """Filters the grid's agents by a search text over code, name and team; keeps the code order."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._needle = ""

    def set_search(self, text: str) -> None:
        needle = text.strip().lower()
        if needle == self._needle:
            return
        # beginFilterChange/endFilterChange arrived in Qt 6.10; older Qt only has invalidateRowsFilter.
        if hasattr(self, "beginFilterChange") and hasattr(self, "endFilterChange"):
            self.beginFilterChange()
            self._needle = needle
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:  # pragma: no cover - Qt < 6.10
            self._needle = needle
            self.invalidateRowsFilter()

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        if not self._needle:
            return True
        model = self.sourceModel()
        if not isinstance(model, AttendanceGridModel):
            return True
        agent = model.agent(source_row)
        return any(self._needle in text.lower() for text in (agent.code, agent.name, agent.team))
