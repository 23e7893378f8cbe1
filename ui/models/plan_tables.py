"""Qt models for the plan page: the editable rows of one plan table, and the list of plan versions.

Cells hold the text the manager typed. Turning that text into TOML values (Decimal, never
float) happens in :func:`cell_value`; whether a value is acceptable is decided only by the
real plan validator (:func:`app.plan.toml_io.plan_from_dict`), whose problems come back here
as ``(row, column key) → message`` so the offending cell is shaded and explains itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont

from app.i18n import tr
from app.money import D, fmt_num
from app.services.plans import PlanVersionView

Index = QModelIndex | QPersistentModelIndex

PROBLEM_BACKGROUND = QColor("#ffcdd2")


@dataclass(frozen=True)
class Choice:
    value: str
    zh: str
    en: str

    @property
    def label(self) -> str:
        return tr(self.zh, self.en)


@dataclass(frozen=True)
class Column:
    """One column of a plan table; ``key`` is the TOML key the cell is written to.

    ``kind`` is ``"number"`` (parsed with Decimal), ``"text"`` or ``"choice"``. An empty
    ``optional`` cell leaves the key out of the document (TOML's way of saying "no limit").
    """

    key: str
    zh: str
    en: str
    kind: str = "number"
    optional: bool = False
    default: str = ""
    choices: tuple[Choice, ...] = ()
    tip_zh: str = ""
    tip_en: str = ""
    percent: bool = False  # a rate: shown as 4.5%, and 4.5% or 0.045 is accepted
    empty: tuple[str, str] = ("不限", "no limit")  # what an empty optional cell means

    @property
    def title(self) -> str:
        return tr(self.zh, self.en)

    def label_of(self, value: str) -> str:
        for choice in self.choices:
            if choice.value == value:
                return choice.label
        return value


def value_text(value: Any) -> str:
    """A document value as the manager writes it: ``0.045`` stays ``0.045``, ``1.0`` becomes ``1``."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return fmt_num(value)
    return str(value)


def percent_text(value: Any) -> str:
    """A rate as a percentage: ``Decimal("0.045")`` → ``"4.5%"`` (exact: the validator turns it back
    into 0.045). Anything that is not a number is shown as it is, for the validator to name."""
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        return value_text(value)
    return f"{fmt_num(Decimal(value) * 100)}%"


def cell_value(text: str, kind: str = "number") -> Any:
    """The TOML value for typed text.

    Numbers become ``int`` when written without a point and ``Decimal`` otherwise. Text that
    is not a number (``"abc"``, ``"5%"``, ``""``) is passed on as text, so the validator decides:
    a rate accepts ``"5%"``, an amount reports "must be a number" with the key path.
    """
    text = text.strip()
    if kind != "number":
        return text
    if not text or text.endswith(("%", "％")):
        return text
    try:
        number = D(text)
    except (InvalidOperation, ValueError, TypeError):
        return text
    if number == number.to_integral_value() and not any(ch in text for ch in ".eE"):
        return int(number)
    return number


class PlanRowsModel(QAbstractTableModel):
    """The rows of one table of the plan (tiers, products, indicators …), edited in place.

    ``edited`` is emitted for the user's changes only (a cell, a row added or removed), not
    when the page loads a plan or shades problem cells, so re-validation cannot loop.
    """

    edited = Signal()

    def __init__(self, columns: Sequence[Column], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.columns: tuple[Column, ...] = tuple(columns)
        self._keys = tuple(c.key for c in self.columns)
        self._rows: list[list[str]] = []
        self._problems: dict[tuple[int, str], str] = {}
        self._read_only = False

    # --- content ------------------------------------------------------------------

    def set_items(self, items: Sequence[dict[str, Any]]) -> None:
        """Fill from document rows (``[{"from": 0, "rate": Decimal("0.02")}, …]``)."""
        self.beginResetModel()
        self._rows = [
            [
                (percent_text if c.percent else value_text)(item.get(c.key, c.default if c.optional else None))
                for c in self.columns
            ]
            for item in items
        ]
        self._problems = {}
        self.endResetModel()

    def items(self) -> list[dict[str, Any]]:
        """The rows as document rows; empty optional cells are left out."""
        out: list[dict[str, Any]] = []
        for row in self._rows:
            item: dict[str, Any] = {}
            for col, text in zip(self.columns, row, strict=True):
                if col.optional and not text.strip():
                    continue
                item[col.key] = cell_value(text, col.kind)
            out.append(item)
        return out

    def cell(self, row: int, key: str) -> str:
        return self._rows[row][self._keys.index(key)]

    def column_of(self, key: str) -> int:
        return self._keys.index(key) if key in self._keys else -1

    def add_row(self, values: dict[str, str] | None = None) -> int:
        row = len(self._rows)
        self.insertRows(row, 1)
        for key, text in (values or {}).items():
            self._rows[row][self._keys.index(key)] = text
        return row

    def set_read_only(self, read_only: bool) -> None:
        self._read_only = read_only

    @property
    def read_only(self) -> bool:
        return self._read_only

    def set_problems(self, problems: dict[tuple[int, str], str]) -> None:
        """Shade the cells the validator complained about (``(row, key) → message``)."""
        if problems == self._problems:
            return
        self._problems = dict(problems)
        if self._rows:
            self.dataChanged.emit(
                self.index(0, 0),
                self.index(len(self._rows) - 1, len(self.columns) - 1),
                [Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.ToolTipRole],
            )

    def problem(self, row: int, key: str) -> str:
        return self._problems.get((row, key), "")

    # --- Qt overrides -------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.columns):
            column = self.columns[section]
            if role == Qt.ItemDataRole.DisplayRole:
                return column.title
            if role == Qt.ItemDataRole.ToolTipRole:
                tip = tr(column.tip_zh, column.tip_en) if column.tip_zh else ""
                return f"{column.key}" + (f" — {tip}" if tip else "")
        if orientation == Qt.Orientation.Vertical and role == Qt.ItemDataRole.DisplayRole:
            return str(section + 1) if 0 <= section < len(self._rows) else None
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren
        if not self._read_only:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._rows)):
            return None
        column = self.columns[index.column()]
        text = self._rows[index.row()][index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            if column.kind == "choice":
                return column.label_of(text)
            if column.optional and not text:
                return tr(*column.empty)
            return text
        if role == Qt.ItemDataRole.EditRole:
            return text
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if column.kind == "number":
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        problem = self._problems.get((index.row(), column.key))
        if role == Qt.ItemDataRole.BackgroundRole and problem:
            return QBrush(PROBLEM_BACKGROUND)
        if role == Qt.ItemDataRole.ToolTipRole and problem:
            return problem
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if (
            self._read_only
            or role != Qt.ItemDataRole.EditRole
            or not index.isValid()
            or not (0 <= index.row() < len(self._rows))
        ):
            return False
        text = "" if value is None else str(value).strip()
        if self._rows[index.row()][index.column()] == text:
            return False
        self._rows[index.row()][index.column()] = text
        self.dataChanged.emit(index, index, [Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole])
        self.edited.emit()
        return True

    def insertRows(self, row: int, count: int, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        if parent.isValid() or count < 1 or not (0 <= row <= len(self._rows)):
            return False
        self.beginInsertRows(QModelIndex(), row, row + count - 1)
        for offset in range(count):
            self._rows.insert(row + offset, [c.default for c in self.columns])
        self._problems = {}
        self.endInsertRows()
        self.edited.emit()
        return True

    def removeRows(self, row: int, count: int, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        if parent.isValid() or count < 1 or row < 0 or row + count > len(self._rows):
            return False
        self.beginRemoveRows(QModelIndex(), row, row + count - 1)
        del self._rows[row : row + count]
        self._problems = {}
        self.endRemoveRows()
        self.edited.emit()
        return True


VERSION_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("effective_from", "生效月份", "From"),
    ("name", "方案名称", "Name"),
    ("frozen", "状态", "State"),
    ("used_by", "锁定月份", "Locked"),  # short: the versions table sits in a narrow column
)


def used_by_text(months: Sequence[str]) -> str:
    """Short enough for a narrow column: ``2026-03`` or ``2026-03 至 2026-05`` (the tooltip lists all)."""
    if not months:
        return ""
    if len(months) == 1:
        return months[0]
    return tr(f"{months[0]} 至 {months[-1]}", f"{months[0]} to {months[-1]}")


class PlanVersionsModel(QAbstractTableModel):
    """One row per stored plan version, oldest first (the order the service gives)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._versions: list[PlanVersionView] = []
        self._in_force = ""

    def set_versions(self, versions: Sequence[PlanVersionView], in_force: str = "") -> None:
        self.beginResetModel()
        self._versions = list(versions)
        self._in_force = in_force
        self.endResetModel()

    def version(self, row: int) -> PlanVersionView:
        return self._versions[row]

    def versions(self) -> list[PlanVersionView]:
        return list(self._versions)

    def row_of(self, effective_from: str) -> int:
        for row, version in enumerate(self._versions):
            if version.effective_from == effective_from:
                return row
        return -1

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._versions)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(VERSION_COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(VERSION_COLUMNS)
        ):
            _, zh, en = VERSION_COLUMNS[section]
            return tr(zh, en)
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._versions)):
            return None
        version = self._versions[index.row()]
        key = VERSION_COLUMNS[index.column()][0]
        if role == Qt.ItemDataRole.DisplayRole:
            if key == "effective_from":
                return version.effective_from
            if key == "name":
                return version.name
            if key == "frozen":
                return tr("已冻结", "Frozen") if version.frozen else tr("可修改", "Editable")
            return used_by_text(version.used_by)
        if role == Qt.ItemDataRole.ToolTipRole:
            if key == "effective_from" and version.effective_from == self._in_force:
                return tr("所选月份适用此版本", "In force for the selected month")
            if key == "name":
                return version.name
            if key == "used_by" and version.used_by:
                return tr(
                    f"{len(version.used_by)} 个锁定月份：", f"{len(version.used_by)} locked month(s): "
                ) + tr("、", ", ").join(version.used_by)
        if role == Qt.ItemDataRole.FontRole and version.effective_from == self._in_force:
            font = QFont()
            font.setBold(True)
            return font
        return None
