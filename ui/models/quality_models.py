"""Table models of the 质检 Quality page: evaluations, the monthly summary, scorecards and their items.

Each model keeps the service's frozen views and shows them, and sorts them itself: a header click
reaches the model through :class:`TypedSortProxy`, and the model orders its rows with one
``list.sort`` over typed keys worked out once per sort (scores as numbers, "no data" last, whatever
the display text says). The proxy only filters: a sorting :class:`QSortFilterProxyModel` would call
a Python ``lessThan`` for every comparison, and Python ``rowCount``/``columnCount`` for every index
it makes, tens of thousands of calls on the GUI thread each time a busy month is shown (a 3,000-agent
summary froze the window for 0.15–0.3 s).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QObject,
    Qt,
)
from PySide6.QtGui import QBrush, QColor

from app.i18n import tr
from app.money import fmt_num, fmt_score
from app.services.quality import AgentQASummary, EvaluationView, ScorecardItemView, ScorecardView
from ui.models.common import (
    CENTER,
    LEFT,
    READ_ONLY_FLAGS,
    RIGHT,
    FilterProxy,
    Index,
    ReadOnlyTableModel,
    disabled_brush,
)

SortKey = tuple[int, Any]

FATAL_COLOR = QColor("#c62828")


def _text_key(value: str) -> SortKey:
    """Empty text goes last; the rest case-insensitively."""
    return (0 if value else 1, value.casefold())


def _number_key(value: Decimal | int | None) -> SortKey:
    return (1, Decimal(0)) if value is None else (0, value)


def status_label(status: str) -> str:
    return tr("有效", "Valid") if status == "valid" else tr("已撤销", "Overturned")


class _KeyedTable(ReadOnlyTableModel):
    """Shared plumbing: a fixed column list of (key, zh, en), right-aligned numeric columns, and the
    rows (``_rows``) in the order of the last :meth:`sort` — kept when new rows are set."""

    COLUMNS: tuple[tuple[str, str, str], ...] = ()
    NUMERIC: frozenset[str] = frozenset()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[Any] = []
        self._sort: tuple[int, Qt.SortOrder] | None = None

    def _count(self) -> int:
        return len(self._rows)

    def _set_rows(self, rows: Sequence[Any]) -> None:
        """Show ``rows``, in the order of the last sort (as given before any)."""
        self.beginResetModel()
        self._rows = list(rows)
        if self._sort is not None:
            rows_now = self._rows
            self._rows = [rows_now[i] for i in self._order(*self._sort)]
        self.endResetModel()

    def _order(self, column: int, order: Qt.SortOrder) -> list[int]:
        """The row positions in ``column``'s order: each row's typed key worked out once, one stable
        ``list.sort``; empty values ("—", no data) last in both directions, as in a spreadsheet."""
        keys = [self.sort_key(row, column) for row in range(len(self._rows))]
        descending = order == Qt.SortOrder.DescendingOrder
        filled = [row for row, key in enumerate(keys) if key[0] == 0]
        empty = [row for row, key in enumerate(keys) if key[0] != 0]
        filled.sort(key=lambda row: keys[row][1], reverse=descending)
        empty.sort(key=lambda row: keys[row][1], reverse=descending)
        return filled + empty

    @property
    def sort_column(self) -> int | None:
        return None if self._sort is None else self._sort[0]

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Qt's sort (a header click, through the proxy): the rows reordered in Python at once,
        stable, so equal keys keep the order before; selections follow their rows."""
        if not (0 <= column < len(self.COLUMNS)):
            self._sort = None
            return
        self._sort = (column, order)
        self.layoutAboutToBeChanged.emit()
        positions = self._order(column, order)
        new_row = [0] * len(positions)
        for row, position in enumerate(positions):
            new_row[position] = row
        rows = self._rows
        self._rows = [rows[position] for position in positions]
        held = [index for index in self.persistentIndexList() if 0 <= index.row() < len(new_row)]
        if held:
            self.changePersistentIndexList(
                held, [self.index(new_row[index.row()], index.column()) for index in held]
            )
        self.layoutChanged.emit()

    @classmethod
    def keys(cls) -> tuple[str, ...]:
        return tuple(key for key, _, _ in cls.COLUMNS)

    def _column_count(self) -> int:
        return len(self.COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not (0 <= section < len(self.COLUMNS)):
            return None
        key, zh, en = self.COLUMNS[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return tr(zh, en)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return RIGHT if key in self.NUMERIC else LEFT
        return None

    def _valid(self, index: Index) -> bool:
        return (
            index.isValid() and 0 <= index.row() < self._count() and 0 <= index.column() < len(self.COLUMNS)
        )

    def sort_key(self, row: int, column: int) -> SortKey:
        raise NotImplementedError

    def display_text(self, row: int, column: int) -> str:
        """The text cell (``row``, ``column``) shows; the tables' column sizing reads it straight,
        without making a Qt index per cell."""
        return str(self.data(self.index(row, column)) or "")


class TypedSortProxy(FilterProxy):
    """Passes a sort (a header click) on to its :class:`_KeyedTable`, which orders its own rows by
    typed keys; the proxy itself never sorts (no Python ``lessThan``) and shows the rows in the
    model's order. Subclasses add filters through :meth:`accepts_row`."""

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        model = self.sourceModel()
        if isinstance(model, _KeyedTable):
            model.sort(column, order)

    def source_sort_column(self) -> int | None:
        """The column the rows are sorted by (the model's: the proxy's own ``sortColumn`` stays -1)."""
        model = self.sourceModel()
        return model.sort_column if isinstance(model, _KeyedTable) else None

    def accepts_row(self, source_row: int) -> bool:
        return True

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        if source_parent.isValid():
            return False
        return self.accepts_row(source_row)


# --- evaluations -----------------------------------------------------------------------------


class EvaluationsModel(_KeyedTable):
    """One row per evaluation of the month; overturned rows are greyed, fatal ones marked in red."""

    COLUMNS = (
        ("date", "日期", "Date"),
        ("code", "工号", "Code"),
        ("name", "姓名", "Name"),
        ("scorecard", "评分表", "Scorecard"),
        ("score", "得分", "Score"),
        ("fatal", "致命", "Fatal"),
        ("status", "状态", "Status"),
        ("evaluator", "质检员", "Evaluator"),
        ("note", "备注", "Note"),
    )
    NUMERIC = frozenset({"score"})

    _rows: list[EvaluationView]

    def set_evaluations(self, rows: Sequence[EvaluationView]) -> None:
        self._set_rows(rows)

    def evaluation(self, row: int) -> EvaluationView:
        return self._rows[row]

    def evaluations(self) -> list[EvaluationView]:
        return list(self._rows)

    def row_of(self, eval_id: int) -> int:
        return next((r for r, ev in enumerate(self._rows) if ev.id == eval_id), -1)

    @staticmethod
    def display(ev: EvaluationView, key: str) -> str:
        if key == "date":
            return ev.date.isoformat()
        if key == "code":
            return ev.agent_code
        if key == "name":
            return ev.agent_name
        if key == "scorecard":
            return ev.scorecard_label or tr("（无）", "(none)")
        if key == "score":
            return fmt_num(ev.score)
        if key == "fatal":
            return tr("致命", "Fatal") if ev.fatal else ""
        if key == "status":
            return status_label(ev.status)
        if key == "evaluator":
            return ev.evaluator
        return ev.note

    def display_text(self, row: int, column: int) -> str:
        return self.display(self._rows[row], self.COLUMNS[column][0])

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not self._valid(index):
            return None
        ev = self._rows[index.row()]
        key = self.COLUMNS[index.column()][0]
        if role == Qt.ItemDataRole.DisplayRole:
            return self.display(ev, key)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if key == "score":
                return RIGHT
            return CENTER if key == "fatal" else LEFT
        if role == Qt.ItemDataRole.ForegroundRole:
            if not ev.valid:
                return disabled_brush()
            if ev.fatal and key in ("fatal", "score"):
                return QBrush(FATAL_COLOR)
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.tooltip(ev, key)
        return None

    @staticmethod
    def tooltip(ev: EvaluationView, key: str) -> str | None:
        if not ev.valid and key in ("status", "score", "code", "name"):
            return tr(
                f"申诉改判，不计入质检均分。原因：{ev.overturn_reason or '（未填写）'}",
                f"Overturned on appeal; not counted. Reason: {ev.overturn_reason or '(none)'}",
            )
        if ev.fatal and key in ("fatal", "score"):
            return tr(
                f"致命差错：评分表得分 {fmt_num(ev.score)}，计算工资时按 0 分计入质检均分",
                f"Fatal error: sheet score {fmt_num(ev.score)}, counted as 0 in the QA average for pay",
            )
        if key == "note" and ev.note:
            return ev.note
        return None

    def sort_key(self, row: int, column: int) -> SortKey:
        ev = self._rows[row]
        key = self.COLUMNS[column][0]
        if key == "date":
            return (0, (ev.date, ev.agent_code, ev.id))
        if key == "score":
            return _number_key(ev.score)
        if key == "fatal":
            return (0, 0 if ev.fatal else 1)
        if key == "status":
            return (0, 0 if ev.valid else 1)
        return _text_key(self.display(ev, key))


class EvaluationsProxy(TypedSortProxy):
    """Search (code, name, evaluator, note), a scorecard code and a status filter."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._scorecard: str | None = None
        self._status: str | None = None

    def source(self) -> EvaluationsModel:
        model = self.sourceModel()
        assert isinstance(model, EvaluationsModel)
        return model

    def set_scorecard(self, code: str | None) -> None:
        def change() -> None:
            self._scorecard = code or None

        self._refilter(change)

    def set_status(self, status: str | None) -> None:
        def change() -> None:
            self._status = status or None

        self._refilter(change)

    def accepts_row(self, source_row: int) -> bool:
        return self.accepts(self.source().evaluation(source_row))

    def accepts(self, ev: EvaluationView) -> bool:
        if self._scorecard is not None and ev.scorecard_code != self._scorecard:
            return False
        if self._status is not None and ev.status != self._status:
            return False
        if self._search:
            haystack = (ev.agent_code, ev.agent_name, ev.evaluator, ev.note)
            if not any(self._search in part.casefold() for part in haystack):
                return False
        return True

    def visible(self) -> list[EvaluationView]:
        """The evaluations shown, in display order: the model's own (the proxy never sorts)
        less those filtered out, without mapping every row through the proxy."""
        return [ev for ev in self.source().evaluations() if self.accepts(ev)]


# --- monthly summary ---------------------------------------------------------------------------


class SummaryModel(_KeyedTable):
    """Per agent: counted evaluations, average, grade, fatal, overturned and the commission coefficient."""

    COLUMNS = (
        ("code", "工号", "Code"),
        ("name", "姓名", "Name"),
        ("team", "团队", "Team"),
        ("count", "有效次数", "Counted"),
        ("average", "均分", "Average"),
        ("grade", "等级", "Grade"),
        ("fatal", "致命差错", "Fatal"),
        ("overturned", "改判撤销", "Overturned"),
        ("coefficient", "提成系数", "Coefficient"),
    )
    NUMERIC = frozenset({"count", "average", "fatal", "overturned", "coefficient"})

    _rows: list[AgentQASummary]

    def set_rows(self, rows: Sequence[AgentQASummary]) -> None:
        self._set_rows(rows)

    def summary(self, row: int) -> AgentQASummary:
        return self._rows[row]

    def row_of(self, code: str) -> int:
        return next((r for r, s in enumerate(self._rows) if s.agent_code == code), -1)

    @staticmethod
    def display(s: AgentQASummary, key: str) -> str:
        if key == "code":
            return s.agent_code
        if key == "name":
            return s.agent_name
        if key == "team":
            return s.team
        if key == "count":
            return str(s.count)
        if key == "average":
            return fmt_score(s.average) if s.average is not None else "—"
        if key == "grade":
            return s.grade or "—"
        if key == "fatal":
            return str(s.fatal_count) if s.fatal_count else ""
        if key == "overturned":
            return str(s.overturned_count) if s.overturned_count else ""
        return fmt_num(s.coefficient) if s.coefficient is not None else "—"

    def display_text(self, row: int, column: int) -> str:
        return self.display(self._rows[row], self.COLUMNS[column][0])

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not self._valid(index):
            return None
        s = self._rows[index.row()]
        key = self.COLUMNS[index.column()][0]
        if role == Qt.ItemDataRole.DisplayRole:
            return self.display(s, key)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if key == "grade":
                return CENTER
            return RIGHT if key in self.NUMERIC else LEFT
        if role == Qt.ItemDataRole.ForegroundRole:
            if key == "fatal" and s.fatal_count:
                return QBrush(FATAL_COLOR)
            if key in ("average", "grade", "coefficient") and s.average is None:
                return disabled_brush()
            return None
        if role == Qt.ItemDataRole.ToolTipRole and key in ("average", "grade", "coefficient"):
            if s.coefficient is None:
                return tr("本月没有适用的提成方案", "No plan is in force for this month")
            if s.average is None:
                return tr(
                    f"有效质检 {s.count} 次，少于方案要求的 {s.min_evaluations} 次：按无质检数据处理，"
                    f"提成系数 {fmt_num(s.coefficient)}",
                    f"{s.count} counted evaluation(s), fewer than the plan's {s.min_evaluations}: "
                    f"treated as no QA data, coefficient {fmt_num(s.coefficient)}",
                )
            return tr(
                "致命差错按 0 分计入均分；改判撤销的不计入",
                "Fatal errors count as 0 in the average; overturned ones are not counted",
            )
        return None

    def sort_key(self, row: int, column: int) -> SortKey:
        s = self._rows[row]
        key = self.COLUMNS[column][0]
        if key == "count":
            return (0, s.count)
        if key == "average":
            return _number_key(s.average)
        if key == "grade":
            return _text_key(s.grade or "")
        if key == "fatal":
            return (0, s.fatal_count)
        if key == "overturned":
            return (0, s.overturned_count)
        if key == "coefficient":
            return _number_key(s.coefficient)
        return _text_key(self.display(s, key))


# --- scorecards ---------------------------------------------------------------------------------


class ScorecardsModel(QAbstractListModel):
    """The current version of each scorecard, as the list on the Scorecards tab shows it."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._cards: list[ScorecardView] = []

    def set_cards(self, cards: Sequence[ScorecardView]) -> None:
        self.beginResetModel()
        self._cards = list(cards)
        self.endResetModel()

    def card(self, row: int) -> ScorecardView:
        return self._cards[row]

    def cards(self) -> list[ScorecardView]:
        return list(self._cards)

    def row_of(self, code: str) -> int:
        return next((r for r, c in enumerate(self._cards) if c.code == code), -1)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._cards)

    def flags(self, index: Index) -> Qt.ItemFlag:
        return READ_ONLY_FLAGS if index.isValid() else Qt.ItemFlag.NoItemFlags

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._cards)) or index.column() != 0:
            return None
        card = self._cards[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return tr(
                f"{card.name}（{card.code}，第 {card.version} 版）",
                f"{card.name} ({card.code}, version {card.version})",
            )
        if role == Qt.ItemDataRole.ToolTipRole:
            return tr(
                f"{len(card.items)} 项，满分合计 {fmt_num(card.total)}；已用于 {card.used} 条质检记录",
                f"{len(card.items)} items totalling {fmt_num(card.total)}; used by {card.used} evaluation(s)",
            )
        return None


class ScorecardItemsModel(_KeyedTable):
    """The items of one scorecard version: position, section, name and maximum points."""

    COLUMNS = (
        ("position", "序号", "No."),
        ("section", "分类", "Section"),
        ("name", "评分项", "Item"),
        ("max", "满分", "Max points"),
    )
    NUMERIC = frozenset({"position", "max"})

    _rows: list[ScorecardItemView]

    def set_items(self, items: Sequence[ScorecardItemView]) -> None:
        self._set_rows(items)

    def item(self, row: int) -> ScorecardItemView:
        return self._rows[row]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not self._valid(index):
            return None
        item = self._rows[index.row()]
        key = self.COLUMNS[index.column()][0]
        if role == Qt.ItemDataRole.DisplayRole:
            if key == "position":
                return str(item.position)
            if key == "section":
                return item.section
            if key == "name":
                return item.name
            return fmt_num(item.max_points)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return RIGHT if key in self.NUMERIC else LEFT
        if role == Qt.ItemDataRole.ToolTipRole and key == "name":
            return item.name
        return None

    def sort_key(self, row: int, column: int) -> SortKey:
        item = self._rows[row]
        key = self.COLUMNS[column][0]
        if key == "position":
            return (0, item.position)
        if key == "max":
            return (0, item.max_points)
        return _text_key(item.section if key == "section" else item.name)
