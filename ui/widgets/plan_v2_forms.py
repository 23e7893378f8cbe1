"""Editable forms for the sections of a ``schema = 2`` plan (docs/pay-rules.md §7–§9): product
groups with their tier tables, KPI indicators by kind, scopes, targets, period awards, the team
award and ``[statutory]``.

Like the rest of the plan editor these widgets only turn what is typed into the plan *document*
(the dict a TOML file would hold); whether it is a valid plan is decided by the real validator
(``plan_from_dict``), whose problems name key paths that :meth:`RecordList.show_problems` maps
back to the row and field. Rates are typed as percentages (``4.5%``) and amounts of money are read
with :func:`app.money.parse_money` (``¥1,200``, ``1200元``; a third decimal is refused).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QModelIndex, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.i18n import language, tr
from app.money import MoneyError, parse_money
from app.plan.model import COMPLAINT_LEVELS
from ui.dialogs.common import ERROR_STYLE
from ui.models.plan_tables import Choice, Column, cell_value, percent_text, value_text
from ui.plan_common import BETTER_CHOICES, GRADE_COLUMNS, MODE_CHOICES, QA_BAND_COLUMNS, doc_get, doc_put

PROBLEM_STYLE = "QLineEdit, QComboBox { background-color: #ffcdd2; }"

KIND_CHOICES = (
    Choice("linear", "线性（按步长加减分）", "Linear (points per step)"),
    Choice("relative", "相对本组最高值", "Relative to the best"),
    Choice("bands", "分档", "Bands"),
    Choice("count", "按次计分", "Count"),
    Choice("score", "直接评分", "Direct score"),
)
METRIC_SOURCES = (
    Choice("metric", "话务指标", "Telephony metric"),
    Choice("qa", "质检均分", "QA average"),
)
COUNT_SOURCES = (
    Choice("complaints", "成立的投诉", "Upheld complaints"),
    Choice("absence", "旷工记录", "Absence records"),
    Choice("metric", "指标数值（次数）", "Metric value (a count)"),
)
LEVEL_LABELS = {"hotline": ("热线投诉", "Hotline"), "city": ("市级投诉", "City"), "province": ("省级投诉", "Province")}
RATE_HINT = ("百分比，例如 4.5%", "a percentage, e.g. 4.5%")
MONEY_HINT = ("元，例如 1,200 或 ¥1200", "yuan, e.g. 1,200 or ¥1200")

TIER_COLUMNS = (
    Column("from", "标准保费起点（元）", "From (std. premium)", tip_zh="第一段从 0 开始，逐段递增",
           tip_en="the first tier starts at 0; each next one is higher"),
    Column("rate", "提成比例", "Rate", tip_zh=RATE_HINT[0], tip_en=RATE_HINT[1], percent=True),
)
SCORE_BAND_COLUMNS = (
    Column("min", "数值不低于", "Value at least", tip_zh="必须有一行为 0", tip_en="one row must be 0"),
    Column("score", "得分", "Score"),
)

_PATH_ROW = re.compile(r"^\[(?P<row>\d+)\](?:\.(?P<rest>.+))?$")


@dataclass(frozen=True)
class Field:
    """One field of a record form: ``key`` may be dotted (``points_by_level.city``).

    ``kind``: ``number`` (plain), ``percent`` (a rate shown as 4.5%), ``money`` (read with
    parse_money), ``int``, ``text``, ``names`` (a comma-separated list), ``choice``, ``bool``.
    ``optional``: left empty, the key is left out (TOML's "no limit").
    """

    key: str
    zh: str
    en: str
    kind: str = "number"
    optional: bool = False
    choices: tuple[Choice, ...] = ()
    hint: tuple[str, str] | None = None
    default: Any = None

    @property
    def label(self) -> str:
        return tr(self.zh, self.en)




def money_value(text: str, path: str, problems: list[str]) -> Any:
    """An amount typed in a money field, read as every amount is (parse_money); a refusal is a
    problem naming ``path``, the value then goes on as typed for the validator."""
    try:
        value = parse_money(text)
    except MoneyError as exc:
        typed = cell_value(text)
        if not isinstance(typed, str):  # a number the validator would take: say what is wrong here
            problems.append(f"{path}: {exc.text(language())}")
        return typed
    return cell_value(format(value, "f"))


def names_text(value: Any) -> str:
    return "，".join(str(v) for v in value) if isinstance(value, list) else value_text(value)


def names_value(text: str) -> list[str]:
    return [part.strip() for part in re.split(r"[,，、;；\n]", text) if part.strip()]


class RecordForm(QWidget):
    """A form for one record (a dict of the document): line edits, combos, check boxes and nested
    widgets (anything with ``load(value)``, ``dump(path, problems)`` and a ``changed`` signal)."""

    changed = Signal()

    def __init__(self, fields: Sequence[Field], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.fields = tuple(fields)
        self.form = QFormLayout(self)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.widgets: dict[str, QWidget] = {}
        self.nested: dict[str, Any] = {}
        self._tips: dict[str, str] = {}
        self._titles: dict[str, QLabel] = {}
        self._loading = False
        for f in self.fields:
            self._add(f)

    def _add(self, f: Field) -> None:
        tip = f.key
        if f.kind == "choice":
            combo = QComboBox(self)
            for choice in f.choices:
                combo.addItem(choice.label, choice.value)
            combo.activated.connect(self._edited)
            widget: QWidget = combo
        elif f.kind == "bool":
            check = QCheckBox(f.label, self)
            check.clicked.connect(self._edited)
            widget = check
        else:
            edit = QLineEdit(self)
            width = 30 if f.kind in ("text", "names") else 20
            edit.setMinimumWidth(edit.fontMetrics().horizontalAdvance("0") * width + 16)
            hint = tr(*f.hint) if f.hint else (tr(*RATE_HINT) if f.kind == "percent" else
                                               tr(*MONEY_HINT) if f.kind == "money" else "")
            if f.optional:
                hint = tr("留空表示不限", "empty: no limit") + (f"；{hint}" if hint else "")
            edit.setPlaceholderText(hint)
            tip = f"{f.key}" + (f" — {hint}" if hint else "")
            edit.textEdited.connect(self._edited)
            widget = edit
        widget.setObjectName(f.key)
        widget.setToolTip(tip)
        self._tips[f.key] = tip
        self.widgets[f.key] = widget
        self.form.addRow("" if f.kind == "bool" else f.label, widget)

    def add_nested(self, key: str, label: str, widget: Any) -> None:
        """A nested editor (a rows table) for ``key``, in the form under ``label``."""
        widget.changed.connect(self._edited)
        self.nested[key] = widget
        self.widgets[key] = widget
        self._tips[key] = key
        if isinstance(widget, LevelPoints):
            self.form.addRow(label, widget)
        else:  # a table gets the form's whole width, under its title
            title = QLabel(label, self)
            self.form.addRow(title)
            self.form.addRow(widget)
            self._titles[key] = title

    def set_choices(self, key: str, choices: Sequence[Choice]) -> None:
        combo = self.widgets[key]
        assert isinstance(combo, QComboBox)
        current = combo.currentData()
        combo.clear()
        for choice in choices:
            combo.addItem(choice.label, choice.value)
        combo.setCurrentIndex(max(combo.findData(current), 0))

    def show_only(self, keys: set[str]) -> None:
        """Show the rows of ``keys`` only (the fields of an indicator's kind)."""
        for key, widget in self.widgets.items():
            self.form.setRowVisible(widget, key in keys)
            if key in self._titles:
                self.form.setRowVisible(self._titles[key], key in keys)

    def load(self, record: dict[str, Any]) -> None:
        self._loading = True
        try:
            for f in self.fields:
                widget = self.widgets[f.key]
                value = doc_get(record, f.key)
                if value is None:
                    value = f.default
                if isinstance(widget, QComboBox):
                    widget.setCurrentIndex(max(widget.findData(value), 0))
                elif isinstance(widget, QCheckBox):
                    widget.setChecked(bool(value))
                elif isinstance(widget, QLineEdit):
                    if f.kind == "percent":
                        widget.setText(percent_text(value))
                    elif f.kind == "names":
                        widget.setText(names_text(value))
                    else:
                        widget.setText(value_text(value))
            for key, nested in self.nested.items():
                nested.load(doc_get(record, key))
        finally:
            self._loading = False
        self.show_problems({})

    def dump(self, path: str, problems: list[str], keys: set[str] | None = None) -> dict[str, Any]:
        """The record as typed (only ``keys`` when given); problems met on the way name ``path``."""
        out: dict[str, Any] = {}
        for f in self.fields:
            if keys is not None and f.key not in keys:
                continue
            widget = self.widgets[f.key]
            if isinstance(widget, QComboBox):
                doc_put(out, f.key, widget.currentData())
                continue
            if isinstance(widget, QCheckBox):
                doc_put(out, f.key, widget.isChecked())
                continue
            assert isinstance(widget, QLineEdit)
            text = widget.text().strip()
            if f.optional and not text:
                continue
            if f.kind == "names":
                doc_put(out, f.key, names_value(text))
            elif f.kind == "text":
                doc_put(out, f.key, text)
            elif f.kind == "money" and text:
                doc_put(out, f.key, money_value(text, f"{path}.{f.key}", problems))
            else:
                doc_put(out, f.key, cell_value(text))
        for key, nested in self.nested.items():
            if keys is None or key in keys:
                value = nested.dump(f"{path}.{key}", problems)
                if value is not None:
                    doc_put(out, key, value)
        return out

    def show_problems(self, problems: dict[str, list[str]]) -> None:
        """``problems``: field key (or a nested key's sub-path) → messages."""
        for key, widget in self.widgets.items():
            if key in self.nested:
                mine: dict[str, list[str]] = {}
                for p, m in problems.items():
                    if p == key or p.startswith(key + "["):
                        mine[p[len(key):]] = m
                    elif p.startswith(key + "."):
                        mine[p[len(key) + 1:]] = m
                self.nested[key].show_problems(mine)
                continue
            messages = problems.get(key, [])
            widget.setStyleSheet(PROBLEM_STYLE if messages else "")
            widget.setToolTip("\n".join(messages) if messages else self._tips[key])

    @Slot()
    def _edited(self) -> None:
        if not self._loading:
            self.changed.emit()


class Rows(QWidget):
    """A rows table as a nested editor of a record form (``tiers``, ``bands``, ``payout`` …)."""

    changed = Signal()

    def __init__(self, path: str, title: str, columns: Sequence[Column], *, visible_rows: int = 4,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        from ui.widgets.plan_editor import RowsTable  # the editor module imports this one

        self.table = RowsTable(path, title, columns, visible_rows=visible_rows, parent=self)
        self.model = self.table.model
        self.model.edited.connect(self.changed)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table)

    def load(self, value: Any) -> None:
        self.model.set_items([v for v in value if isinstance(v, dict)] if isinstance(value, list) else [])

    def dump(self, path: str, problems: list[str]) -> list[dict[str, Any]]:
        return self.model.items()

    def show_problems(self, problems: dict[str, list[str]]) -> None:
        cells: dict[tuple[int, str], str] = {}
        whole: list[str] = []
        for sub, messages in problems.items():
            match = _PATH_ROW.match(sub)
            if match:
                key = (match["rest"] or "").split(".")[0]
                keys = [key] if key in {c.key for c in self.model.columns} else [c.key for c in self.model.columns]
                for k in keys:
                    cells[(int(match["row"]), k)] = "\n".join(messages)
            else:
                whole.extend(messages)
        self.model.set_problems(cells)
        self.table.set_table_problem("\n".join(whole))

    def set_read_only(self, read_only: bool) -> None:
        self.table.set_read_only(read_only)


class LevelPoints(QWidget):
    """``points_by_level = { hotline = -3, city = -5, province = -8 }`` as three fields."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.edits: dict[str, QLineEdit] = {}
        for level in COMPLAINT_LEVELS:
            edit = QLineEdit(self)
            edit.setObjectName(f"points_by_level.{level}")
            edit.setPlaceholderText(tr("不计分", "no points"))
            edit.setMaximumWidth(edit.fontMetrics().horizontalAdvance("0") * 8 + 16)
            edit.textEdited.connect(self.changed)
            layout.addWidget(QLabel(tr(*LEVEL_LABELS[level]), self))
            layout.addWidget(edit)
            self.edits[level] = edit
        layout.addStretch(1)

    def load(self, value: Any) -> None:
        for level, edit in self.edits.items():
            edit.setText(value_text(value.get(level)) if isinstance(value, dict) else "")

    def dump(self, path: str, problems: list[str]) -> dict[str, Any]:
        return {lvl: cell_value(e.text()) for lvl, e in self.edits.items() if e.text().strip()}

    def show_problems(self, problems: dict[str, list[str]]) -> None:
        for level, edit in self.edits.items():
            messages = problems.get(level, [])
            edit.setStyleSheet(PROBLEM_STYLE if messages else "")
            edit.setToolTip("\n".join(messages) or f"points_by_level.{level}")


class RecordList(QWidget):
    """A list of records (``[[commission.groups]]``, indicators, scopes, targets): a table of their
    main columns and, beside it, a form for the selected record's other keys."""

    changed = Signal()

    def __init__(
        self,
        path: str,
        title: str,
        head: Sequence[Column],
        detail: RecordForm,
        *,
        visible_rows: int = 5,
        new_record: Callable[[], dict[str, Any]] | None = None,
        vertical: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        from ui.widgets.plan_editor import RowsTable

        self.path = path
        self.head_keys = tuple(c.key for c in head)
        self.table = RowsTable(path, title, head, stretch=vertical, visible_rows=visible_rows, parent=self)
        self.model = self.table.model
        self.detail = detail
        self._new_record = new_record or dict
        self._records: list[dict[str, Any]] = []  # the detail keys of each row
        self._current = -1
        self._loading = False
        self._problems: dict[int, dict[str, list[str]]] = {}
        self.detail_box = QGroupBox(tr("所选行的设置", "Settings of the selected row"), self)
        box = QVBoxLayout(self.detail_box)
        self.detail_problem = QLabel(self.detail_box)
        self.detail_problem.setStyleSheet(ERROR_STYLE)
        self.detail_problem.setWordWrap(True)
        self.detail_problem.setVisible(False)
        self.placeholder = QLabel(tr("选中一行以编辑它的其余设置。", "Select a row to edit its other settings."),
                                  self.detail_box)
        box.addWidget(self.placeholder)
        box.addWidget(detail)
        box.addWidget(self.detail_problem)
        box.addStretch(1)
        split = QSplitter(Qt.Orientation.Vertical if vertical else Qt.Orientation.Horizontal, self)
        split.addWidget(self.table)
        split.addWidget(self.detail_box)
        split.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(split)

        self.model.edited.connect(self._head_edited)
        self.model.rowsInserted.connect(self._rows_inserted)
        self.model.rowsAboutToBeRemoved.connect(self._rows_removed)
        self.model.rowsRemoved.connect(self._after_removed)
        self.model.modelReset.connect(self._reset)
        self.table.view.selectionModel().currentRowChanged.connect(self._row_changed)
        detail.changed.connect(self._detail_edited)
        self._show_detail(-1)

    # --- records ------------------------------------------------------------------

    def load(self, value: Any) -> None:
        items = [copy.deepcopy(v) for v in value if isinstance(v, dict)] if isinstance(value, list) else []
        self._loading = True
        try:
            self._current = -1
            self.model.set_items(items)
            self._records = [{k: v for k, v in item.items() if k not in self.head_keys} for item in items]
        finally:
            self._loading = False
        self.select(0 if items else -1)

    def dump(self, path: str | None, problems: list[str]) -> list[dict[str, Any]]:
        path = self.path if path is None else path
        self._store()
        out = []
        for row, head in enumerate(self.model.items()):
            record = {**head, **self.detail_values(row, self._records[row], f"{path}[{row}]", problems)}
            if record.get("name") == "":  # an empty name is the code's (as in the TOML file)
                del record["name"]
            out.append(self.finish(row, record))
        return out

    def detail_values(self, row: int, stored: dict[str, Any], path: str, problems: list[str]) -> dict[str, Any]:
        """The detail keys of a row for the document (stored as document values already)."""
        return copy.deepcopy(stored)

    def finish(self, row: int, record: dict[str, Any]) -> dict[str, Any]:
        """Hook: the record with keys only its kind has, in the order the document writes them."""
        return record

    def head_value(self, row: int, key: str) -> str:
        return self.model.cell(row, key)

    def select(self, row: int) -> None:
        if 0 <= row < self.model.rowCount():
            self.table.view.setCurrentIndex(self.model.index(row, 0))
        else:
            self._show_detail(-1)

    @property
    def current_row(self) -> int:
        return self._current

    def _store(self) -> None:
        if 0 <= self._current < len(self._records):
            problems: list[str] = []
            self._records[self._current] = self.detail.dump(f"{self.path}[{self._current}]", problems)

    def _show_detail(self, row: int) -> None:
        self._current = row
        valid = 0 <= row < len(self._records)
        self.detail.setVisible(valid)
        self.placeholder.setVisible(not valid)
        if valid:
            self.prepare_detail(row)
            self.detail.load(self._records[row])
            self.prepare_detail(row)
        self._show_row_problems()

    def prepare_detail(self, row: int) -> None:
        """Hook: adjust the detail form to the row (an indicator's kind shows only its fields)."""

    @Slot(QModelIndex, QModelIndex)
    def _row_changed(self, current: QModelIndex, previous: QModelIndex) -> None:
        if self._loading:
            return
        self._store()
        self._show_detail(current.row() if current.isValid() else -1)

    @Slot()
    def _head_edited(self) -> None:
        if not self._loading:
            if 0 <= self._current < len(self._records):
                self.prepare_detail(self._current)
            self.changed.emit()

    @Slot()
    def _detail_edited(self) -> None:
        self._store()
        self.changed.emit()

    @Slot(QModelIndex, int, int)
    def _rows_inserted(self, _parent: QModelIndex, first: int, last: int) -> None:
        if self._loading:
            return
        for row in range(first, last + 1):
            self._records.insert(row, self._new_record())
        self.select(first)

    @Slot(QModelIndex, int, int)
    def _rows_removed(self, _parent: QModelIndex, first: int, last: int) -> None:
        self._store()
        del self._records[first : last + 1]
        self._current = -1

    @Slot(QModelIndex, int, int)
    def _after_removed(self, _parent: QModelIndex, _first: int, _last: int) -> None:
        # The view may keep its current row number (now another record) without a signal: show that one.
        current = self.table.view.currentIndex()
        self._show_detail(current.row() if current.isValid() else -1)

    @Slot()
    def _reset(self) -> None:
        if not self._loading:
            self._show_detail(-1)

    # --- problems -----------------------------------------------------------------

    def show_problems(self, problems: dict[str, list[str]]) -> None:
        """``problems``: ``[row].key…`` (the sub-path below this list) → messages."""
        cells: dict[tuple[int, str], str] = {}
        whole: list[str] = []
        self._problems = {}
        for sub, messages in problems.items():
            match = _PATH_ROW.match(sub)
            if not match:
                whole.extend(messages)
                continue
            row, rest = int(match["row"]), match["rest"] or ""
            key = rest.split(".")[0].split("[")[0]
            if key in self.head_keys:
                cells[(row, key)] = "\n".join(messages)
            elif not rest:
                for k in self.head_keys:
                    cells[(row, k)] = "\n".join(messages)
            else:
                self._problems.setdefault(row, {})[rest] = messages
                cells[(row, self.head_keys[0])] = tr("此行的设置有问题（见右侧）", "this row's settings have a problem")
        self.model.set_problems(cells)
        self.table.set_table_problem("\n".join(whole))
        self._show_row_problems()

    def _show_row_problems(self) -> None:
        mine = self._problems.get(self._current, {})
        self.detail.show_problems(mine)
        lines = [f"{key}: {m}" for key, messages in mine.items() for m in messages]
        self.detail_problem.setText("\n".join(lines))
        self.detail_problem.setVisible(bool(lines))

    def rows_with_problems(self) -> list[int]:
        return sorted(self._problems)

    def set_read_only(self, read_only: bool) -> None:
        self.table.set_read_only(read_only)
        self.detail.setEnabled(not read_only)


# ---------------------------------------------------------------------------------------------
# product groups
# ---------------------------------------------------------------------------------------------

GROUP_HEAD = (
    Column("code", "组代码", "Group code", kind="text",
           tip_zh="与产品表“产品组”一列一致", tip_en="as in the products' group column"),
    Column("name", "组名称", "Name", kind="text"),
    Column("mode", "计算方式", "Mode", kind="choice", default="marginal", choices=MODE_CHOICES),
)


class GroupsEditor(RecordList):
    """``[[commission.groups]]``: each group's code, name, mode, and its own tier table."""

    def __init__(self, path: str = "commission.groups", parent: QWidget | None = None) -> None:
        detail = RecordForm(())
        self.tiers = Rows(f"{path}.tiers", tr("提成阶梯", "Tiers"), TIER_COLUMNS, visible_rows=4)
        detail.add_nested("tiers", tr("本组提成阶梯", "This group's tiers"), self.tiers)
        super().__init__(path, tr("产品组", "Product groups"), GROUP_HEAD, detail, visible_rows=3, vertical=True,
                         new_record=lambda: {"tiers": [{"from": 0, "rate": 0}]}, parent=parent)


# ---------------------------------------------------------------------------------------------
# KPI indicators by kind
# ---------------------------------------------------------------------------------------------

INDICATOR_HEAD = (
    Column("code", "指标代码", "Code", kind="text"),
    Column("name", "指标名称", "Name", kind="text"),
    Column("weight", "权重", "Weight", tip_zh="大于 0", tip_en="greater than 0"),
    Column("kind", "计分方式", "Kind", kind="choice", default="linear", choices=KIND_CHOICES),
)
INDICATOR_FIELDS = (
    Field("source", "数据来源", "Source", kind="choice", choices=METRIC_SOURCES),
    Field("target", "目标值", "Target", hint=("如 0.95 或 8（秒）", "e.g. 0.95 or 8 (seconds)")),
    Field("step", "每档", "Step", hint=("大于 0", "greater than 0")),
    Field("step_down", "低于目标时每档", "Step below the target", optional=True,
          hint=("如 0.02：每低 2% 扣一次", "e.g. 0.02")),
    Field("step_up", "高于目标时每档", "Step above the target", optional=True,
          hint=("如 0.05：每高 5% 加一次", "e.g. 0.05")),
    Field("down", "每档扣分", "Points down per step", default=1),
    Field("up", "每档加分", "Points up per step", default=1),
    Field("better", "方向", "Better", kind="choice", choices=BETTER_CHOICES),
    Field("points", "每次得分", "Points per occurrence", hint=("扣分写负数，如 -5", "negative to deduct, e.g. -5")),
    Field("max_down", "最多扣分", "At most down", optional=True),
    Field("max_up", "最多加分", "At most up", optional=True),
)
KIND_FIELDS: dict[str, tuple[str, ...]] = {
    "linear": ("source", "target", "step", "step_down", "step_up", "down", "up", "better", "max_down", "max_up"),
    "relative": ("source",),
    "bands": ("source", "bands"),
    "count": ("source", "points", "points_by_level", "max_down", "max_up"),
    "score": ("source", "max_down", "max_up"),
}
KIND_NOTES = {
    "linear": ("得分 = 100 ± 差额 ÷ 每档（取整）× 每档分数", "score = 100 ± whole steps of difference × points"),
    "relative": ("得分 = 本人数值 ÷ 本组最高值 × 100", "score = own value ÷ best in the scope × 100"),
    "bands": ("得分 = 数值所在档的分数（须有一档从 0 起）", "score = the score of the value's band (one band from 0)"),
    "count": ("得分 = 100 + 次数 × 每次得分，在最多扣/加分之内", "score = 100 + count × points, within the caps"),
    "score": ("得分 = 导入的数值本身，在 100 − 最多扣分 与 100 + 最多加分 之间",
              "score = the imported value, within 100 − at most down and 100 + at most up"),
}
_KEY_ORDER = ("code", "name", "weight", "kind", "target", "step", "step_up", "step_down", "down", "up",
              "source", "better", "bands", "points_by_level", "points", "max_down", "max_up")


class IndicatorsEditor(RecordList):
    """KPI indicators of a schema-2 plan: the kind of each, and the fields of that kind only."""

    def __init__(self, path: str = "kpi.indicators", parent: QWidget | None = None) -> None:
        detail = RecordForm(INDICATOR_FIELDS)
        self.note = QLabel(detail)
        self.note.setWordWrap(True)
        detail.form.insertRow(0, self.note)
        self.bands = Rows(f"{path}.bands", tr("分档", "Bands"), SCORE_BAND_COLUMNS, visible_rows=3)
        detail.add_nested("bands", tr("分档", "Bands"), self.bands)
        self.levels = LevelPoints()
        detail.add_nested("points_by_level", tr("每次投诉得分", "Points per complaint"), self.levels)
        super().__init__(path, tr("考核指标", "Indicators"), INDICATOR_HEAD, detail, visible_rows=6, vertical=True,
                         new_record=lambda: {"source": "metric", "target": 0, "step": 1, "down": 1, "up": 1},
                         parent=parent)

    def kind_of(self, row: int) -> str:
        kind = self.head_value(row, "kind")
        return kind if kind in KIND_FIELDS else "linear"

    def _fields_for(self, row: int) -> set[str]:
        kind = self.kind_of(row)
        keys = set(KIND_FIELDS[kind])
        if kind == "count":
            source = self.detail.widgets["source"]
            assert isinstance(source, QComboBox)
            keys.discard("points" if source.currentData() == "complaints" else "points_by_level")
        return keys

    def prepare_detail(self, row: int) -> None:
        kind = self.kind_of(row)
        self.detail.set_choices("source", COUNT_SOURCES if kind == "count" else METRIC_SOURCES)
        self.detail.show_only(self._fields_for(row))
        self.note.setText(tr(*KIND_NOTES[kind]))

    def _detail_edited(self) -> None:
        if 0 <= self._current < len(self._records):
            self.detail.show_only(self._fields_for(self._current))
        super()._detail_edited()

    def _store(self) -> None:
        if 0 <= self._current < len(self._records):
            problems: list[str] = []
            keys = self._fields_for(self._current)
            kept = {k: v for k, v in self._records[self._current].items() if k not in keys}
            self._records[self._current] = {**kept, **self.detail.dump(f"{self.path}[{self._current}]",
                                                                       problems, keys)}

    def finish(self, row: int, record: dict[str, Any]) -> dict[str, Any]:
        kind = record.get("kind", "linear")
        keys = set(KIND_FIELDS.get(kind, ())) | {"code", "name", "weight", "kind"}
        if kind == "count":
            keys.discard("points" if record.get("source") == "complaints" else "points_by_level")
        if kind != "count" and record.get("source") not in ("metric", "qa"):
            record["source"] = "metric"
        return {k: record[k] for k in _KEY_ORDER if k in keys and k in record}


# ---------------------------------------------------------------------------------------------
# commission, quality and KPI tables of a scope
# ---------------------------------------------------------------------------------------------

LEVEL_BONUS_COLUMNS = (
    Column("level", "客户等级", "Customer level", kind="text"),
    Column("rate", "加提比例", "Extra rate", tip_zh=RATE_HINT[0], tip_en=RATE_HINT[1], percent=True),
)


class LevelBonus(Rows):
    """``level_bonus_rate = { VIP = 0.005 }`` as rows of level and rate."""

    def load(self, value: Any) -> None:
        items = [{"level": k, "rate": v} for k, v in value.items()] if isinstance(value, dict) else []
        self.model.set_items(items)

    def dump(self, path: str, problems: list[str]) -> dict[str, Any]:  # type: ignore[override]
        out: dict[str, Any] = {}
        for row, item in enumerate(self.model.items()):
            key = str(item.get("level", "")).strip()
            if not key:
                problems.append(f"{path}[{row}].level: " + tr("不能为空", "must not be empty"))
            elif key in out:
                problems.append(f"{path}[{row}].level: " + tr(f"重复的 {key!r}", f"duplicate {key!r}"))
            else:
                out[key] = item.get("rate", "")
        return out


def commission_form(path: str) -> RecordForm:
    form = RecordForm((
        Field("mode", "计算方式", "Mode", kind="choice", choices=MODE_CHOICES),
        Field("new_customer_bonus", "新客户奖励（元/单）", "New customer bonus", kind="money"),
    ))
    form.add_nested("tiers", tr("提成阶梯（其他产品）", "Tiers (other products)"),
                    Rows(f"{path}.tiers", tr("提成阶梯", "Tiers"), TIER_COLUMNS, visible_rows=3))
    form.add_nested("level_bonus_rate", tr("客户等级加提", "Customer level bonus"),
                    LevelBonus(f"{path}.level_bonus_rate", tr("客户等级加提", "Level bonus"), LEVEL_BONUS_COLUMNS,
                               visible_rows=2))
    form.add_nested("groups", tr("产品组", "Product groups"), GroupsEditor(f"{path}.groups"))
    return form


def quality_form(path: str) -> RecordForm:
    form = RecordForm((
        Field("min_evaluations", "最少质检次数", "Minimum evaluations"),
        Field("no_data_coefficient", "无质检数据时的系数", "Coefficient without QA data"),
        Field("fatal_penalty", "致命差错扣款（元/次）", "Fatal error penalty", kind="money"),
    ))
    form.add_nested("bands", tr("质检分段系数", "QA bands"),
                    Rows(f"{path}.bands", tr("质检分段系数", "QA bands"), QA_BAND_COLUMNS, visible_rows=3))
    form.add_nested("grades", tr("质检等级", "QA grades"),
                    Rows(f"{path}.grades", tr("质检等级", "QA grades"), GRADE_COLUMNS, visible_rows=3))
    return form


def kpi_form(path: str) -> RecordForm:
    form = RecordForm((
        Field("standard", "达标分", "Standard"),
        Field("bonus_from", "奖励起点分", "Bonus from"),
        Field("bonus_per_point", "每分奖励（元）", "Bonus per point", kind="money"),
        Field("deduction_per_point", "每分扣款（元）", "Deduction per point", kind="money"),
    ))
    form.add_nested("indicators", tr("考核指标", "Indicators"), IndicatorsEditor(f"{path}.indicators"))
    return form


# ---------------------------------------------------------------------------------------------
# scopes
# ---------------------------------------------------------------------------------------------

SCOPE_HEAD = (
    Column("code", "范围代码", "Code", kind="text", tip_zh="每个范围不同", tip_en="unique"),
    Column("name", "名称（岗位）", "Name", kind="text"),
    Column("roles", "岗位", "Roles", kind="text", tip_zh="多个用逗号分隔，与人员资料的岗位一致",
           tip_en="comma-separated, as the agents' roles"),
    Column("teams", "班组", "Teams", kind="text", tip_zh="多个用逗号分隔", tip_en="comma-separated"),
    Column("agents", "工号", "Agent codes", kind="text", tip_zh="多个用逗号分隔", tip_en="comma-separated"),
)
SCOPE_TABLES = (
    ("commission", "本岗位单独的提成设置", "Own commission table"),
    ("quality", "本岗位单独的质检设置", "Own quality table"),
    ("kpi", "本岗位单独的考核设置", "Own KPI table"),
)
_NAME_KEYS = ("roles", "teams", "agents")
MAX_NAMES = 12


class ScopeDetail(RecordForm):
    """Whom a scope matches now, and the commission/quality/KPI tables it replaces (each optional:
    ticking one starts from a copy of the top-level table)."""

    def __init__(self, path: str, top_level: Callable[[str], Any]) -> None:
        super().__init__(())
        self.path = path
        self._top_level = top_level
        self.matches = QLabel(self)
        self.matches.setWordWrap(True)
        self.matches.setObjectName("scope-matches")
        self.form.addRow(self.matches)
        self.own: dict[str, QCheckBox] = {}
        self.forms: dict[str, RecordForm] = {
            "commission": commission_form(f"{path}.commission"),
            "quality": quality_form(f"{path}.quality"),
            "kpi": kpi_form(f"{path}.kpi"),
        }
        self.tabs = QTabWidget(self)
        for key, zh, en in SCOPE_TABLES:
            check = QCheckBox(tr(zh, en), self)
            check.setObjectName(f"own-{key}")
            check.setToolTip(tr("勾选时先复制顶层设置，再按本岗位修改；不勾选则用顶层设置",
                                "Ticking copies the top-level table to start from; unticked, the top level applies"))
            check.clicked.connect(lambda checked, k=key: self._toggle(k, checked))
            self.own[key] = check
            self.form.addRow("", check)
            form = self.forms[key]
            form.changed.connect(self._edited)
            self.nested[key] = form
            self.widgets[key] = form
            self._tips[key] = key
            self.tabs.addTab(form, dict(commission=tr("提成", "Commission"), quality=tr("质检", "Quality"),
                                        kpi=tr("考核", "KPI"))[key])
        self.form.addRow(self.tabs)

    def _toggle(self, key: str, checked: bool) -> None:
        form = self.forms[key]
        if checked:
            form.load(copy.deepcopy(self._top_level(key)) or {})
            self.tabs.setCurrentWidget(form)
        self._update_tabs()
        self._edited()

    def _update_tabs(self) -> None:
        for key, form in self.forms.items():
            self.tabs.setTabEnabled(self.tabs.indexOf(form), self.own[key].isChecked())
        self.tabs.setVisible(any(c.isChecked() for c in self.own.values()))

    def load(self, record: dict[str, Any]) -> None:
        self._loading = True
        try:
            for key, form in self.forms.items():
                value = record.get(key)
                self.own[key].setChecked(isinstance(value, dict))
                form.load(value if isinstance(value, dict) else {})
        finally:
            self._loading = False
        self._update_tabs()
        self.show_problems({})

    def dump(self, path: str, problems: list[str], keys: set[str] | None = None) -> dict[str, Any]:
        return {key: form.dump(f"{path}.{key}", problems) for key, form in self.forms.items()
                if self.own[key].isChecked()}


class ScopesEditor(RecordList):
    """``[[scopes]]``: who is in each scope (shown live from the roster) and the tables it replaces."""

    def __init__(self, top_level: Callable[[str], Any], parent: QWidget | None = None) -> None:
        self.roster: Sequence[Any] = ()
        super().__init__("scopes", tr("岗位范围", "Scopes"), SCOPE_HEAD, ScopeDetail("scopes", top_level),
                         visible_rows=4, vertical=True, parent=parent)

    def load(self, value: Any) -> None:
        items = []
        for v in value if isinstance(value, list) else []:
            if isinstance(v, dict):
                items.append({**v, **{k: names_text(v[k]) for k in _NAME_KEYS if k in v}})
        super().load(items)

    def finish(self, row: int, record: dict[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {"code": record.get("code", ""), "name": record.get("name", "")}
        if not out["name"]:
            del out["name"]
        for key in _NAME_KEYS:
            names = names_value(str(record.get(key, "")))
            if names:
                out[key] = names
        for key in ("commission", "quality", "kpi"):
            if key in record:
                out[key] = record[key]
        return out

    def heads(self) -> list[dict[str, Any]]:
        return [self.finish(row, item) for row, item in enumerate(self.model.items())]

    def members(self) -> dict[str, list[Any]]:
        from ui.widgets.plan_schema2_view import scope_members

        return scope_members(self.heads(), self.roster)

    def set_roster(self, roster: Sequence[Any]) -> None:
        self.roster = tuple(roster)
        if self.current_row >= 0:
            self.prepare_detail(self.current_row)

    def prepare_detail(self, row: int) -> None:
        detail = self.detail
        assert isinstance(detail, ScopeDetail)
        matched = self.members().get(self.head_value(row, "code"), [])
        names = "，".join(f"{a.code} {a.name}" for a in matched[:MAX_NAMES])
        if len(matched) > MAX_NAMES:
            names += tr(f" 等 {len(matched)} 人", f" and {len(matched) - MAX_NAMES} more")
        detail.matches.setText(
            tr("当前匹配 ", "Matches now: ") + tr(f"{len(matched)} 人：", f"{len(matched)}: ")
            + (names or tr("（目前无人）", "(nobody now)")))


# ---------------------------------------------------------------------------------------------
# targets, period awards, team award (docs/pay-rules.md §8)
# ---------------------------------------------------------------------------------------------

PERIOD_CHOICES = (
    Choice("month", "每月", "Month"),
    Choice("quarter", "每季度", "Quarter"),
    Choice("half_year", "每半年", "Half year"),
    Choice("year", "每年", "Year"),
)
BOOL_CHOICES = (Choice("true", "是", "Yes"), Choice("false", "否", "No"))
TARGET_HEAD = (
    Column("code", "目标代码", "Code", kind="text"),
    Column("name", "名称", "Name", kind="text"),
    Column("measure", "考核口径", "Measure", kind="text",
           tip_zh="standard_premium 标准保费、policies 保单数，或话务指标代码",
           tip_en="standard_premium, policies, or a metric indicator code"),
    Column("period", "期间", "Period", kind="choice", default="quarter", choices=PERIOD_CHOICES),
    Column("bonus", "奖金基数（元）", "Bonus (yuan)", default="0"),
)
PAYOUT_COLUMNS = (
    Column("from", "完成率不低于", "Attainment from", percent=True, tip_zh="如 80%", tip_en="e.g. 80%"),
    Column("rate", "发放比例", "Pays", percent=True, tip_zh="奖金基数 × 此比例", tip_en="bonus × this"),
)
AWARD_COLUMNS = (
    Column("code", "奖项代码", "Code", kind="text"),
    Column("name", "名称", "Name", kind="text"),
    Column("period", "期间", "Period", kind="choice", default="quarter", choices=PERIOD_CHOICES[1:]),
    Column("top_share", "获奖比例", "Top share", percent=True, tip_zh="如 10%", tip_en="e.g. 10%"),
    Column("amount", "金额（元）", "Amount (yuan)"),
    Column("min_months", "至少在职月数", "Min. months", optional=True, empty=("每个月", "every month"),
           tip_zh="留空：期间每个月", tip_en="empty: every month of the period"),
    Column("exclude_penalized", "受罚者不参评", "Exclude penalized", kind="choice", default="true",
           choices=BOOL_CHOICES, tip_zh="有成立投诉或致命差错的人员不参评",
           tip_en="agents with an upheld complaint or a fatal error are not ranked"),
)


def _money_cells(record: dict[str, Any], keys: Sequence[str], path: str, problems: list[str]) -> None:
    """Money cells of a table row read with parse_money (``¥1,200``); refusals name the cell."""
    for key in keys:
        value = record.get(key)
        if isinstance(value, str) and value.strip():
            record[key] = money_value(value, f"{path}.{key}", problems)


class TargetsEditor(RecordList):
    """``[[targets]]``: measure, period and bonus in the table, the payout bands beside it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        detail = RecordForm(())
        detail.add_nested("payout", tr("按完成率发放", "Payout by attainment"),
                          Rows("targets.payout", tr("发放档", "Payout bands"), PAYOUT_COLUMNS, visible_rows=3))
        super().__init__("targets", tr("目标", "Targets"), TARGET_HEAD, detail, visible_rows=3, vertical=True,
                         new_record=lambda: {"payout": [{"from": 1, "rate": 1}]}, parent=parent)

    def dump(self, path: str | None, problems: list[str]) -> list[dict[str, Any]]:
        out = super().dump(path, problems)
        for row, record in enumerate(out):
            _money_cells(record, ("bonus",), f"targets[{row}]", problems)
        return out


def awards_value(rows: list[dict[str, Any]], problems: list[str]) -> list[dict[str, Any]]:
    out = []
    for row, record in enumerate(rows):
        record = {k: v for k, v in record.items() if not (k == "name" and v == "")}
        _money_cells(record, ("amount",), f"period_awards[{row}]", problems)
        record["exclude_penalized"] = record.get("exclude_penalized") != "false"
        out.append(record)
    return out


def awards_items(value: Any) -> list[dict[str, Any]]:
    return [{**v, "exclude_penalized": "true" if v.get("exclude_penalized", True) is not False else "false"}
            for v in value if isinstance(v, dict)] if isinstance(value, list) else []


# ---------------------------------------------------------------------------------------------
# [statutory] (docs/pay-rules.md §9)
# ---------------------------------------------------------------------------------------------

SI_COLUMNS = (
    Column("code", "险种代码", "Code", kind="text"),
    Column("name", "名称", "Name", kind="text"),
    Column("rate", "个人缴费比例", "Employee rate", percent=True, tip_zh="如 8%", tip_en="e.g. 8%"),
    Column("fixed", "每月固定额（元）", "Fixed (yuan)", default="0"),
)
BRACKET_COLUMNS = (
    Column("up_to", "累计应纳税所得额不超过（元）", "Cumulative taxable up to", optional=True, empty=("以上", "above"),
           tip_zh="最后一档留空", tip_en="empty on the last bracket"),
    Column("rate", "税率", "Rate", percent=True),
    Column("quick", "速算扣除数（元）", "Quick deduction"),
)
HF_ROUNDING_CHOICES = (Choice("cent", "到分", "To the cent"), Choice("yuan", "到元（四舍五入）", "To whole yuan"))
STATUTORY_FIELDS = (
    Field("si_base_floor", "社保基数下限（元）", "SI base floor", kind="money", optional=True),
    Field("si_base_ceiling", "社保基数上限（元）", "SI base ceiling", kind="money", optional=True),
    Field("housing_fund_rate", "公积金个人比例", "Housing fund rate", kind="percent"),
    Field("hf_base_floor", "公积金基数下限（元）", "HF base floor", kind="money", optional=True),
    Field("hf_base_ceiling", "公积金基数上限（元）", "HF base ceiling", kind="money", optional=True),
    Field("hf_rounding", "公积金取整", "HF rounding", kind="choice", choices=HF_ROUNDING_CHOICES),
    Field("income_tax", "代扣个人所得税（累计预扣法）", "Withhold income tax (cumulative method)", kind="bool",
          default=True),
    Field("basic_deduction", "每月基本减除费用（元）", "Basic deduction per month", kind="money", default=5000),
)


class StatutoryEditor(QWidget):
    """``[statutory]``: off (no section), or items, rates, fixed amounts, floors and ceilings,
    rounding and an optional tax table of the branch's own."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        self.enabled = QCheckBox(tr("本方案代扣社保、公积金和个税（实发 = 银行实付）",
                                    "This plan withholds social insurance, housing fund and income tax"), self)
        self.enabled.setObjectName("statutory.enabled")
        self.enabled.clicked.connect(self._toggled)
        layout.addWidget(self.enabled)
        self.body = QWidget(self)
        body = QVBoxLayout(self.body)
        body.setContentsMargins(0, 0, 0, 0)
        self.items = Rows("statutory.social_insurance", tr("社保险种", "Social insurance items"), SI_COLUMNS,
                          visible_rows=4)
        self.items.changed.connect(self.changed)
        box = QGroupBox(tr("社会保险（个人部分）：每项 = 基数 × 比例 + 固定额", "Social insurance: base × rate + fixed"),
                        self.body)
        QVBoxLayout(box).addWidget(self.items)
        body.addWidget(box)
        self.form = RecordForm(STATUTORY_FIELDS, self.body)
        self.form.changed.connect(self.changed)
        body.addWidget(self.form)
        self.own_table = QCheckBox(tr("使用本网点自己的年度税率表（不勾选：法定综合所得税率表）",
                                      "Use the branch's own annual tax table (unticked: the statutory table)"),
                                   self.body)
        self.own_table.setObjectName("statutory.own_tax_table")
        self.own_table.clicked.connect(self._own_table)
        body.addWidget(self.own_table)
        self.brackets = Rows("statutory.tax_brackets", tr("税率表", "Tax table"), BRACKET_COLUMNS, visible_rows=7)
        self.brackets.changed.connect(self.changed)
        body.addWidget(self.brackets)
        layout.addWidget(self.body)
        layout.addStretch(1)

    def _toggled(self, checked: bool) -> None:
        if checked and not self.items.model.rowCount():
            self.load({"social_insurance": [], "housing_fund_rate": 0}, enabled=True)
        self.body.setVisible(checked)
        self.changed.emit()

    def _own_table(self, checked: bool) -> None:
        if checked and not self.brackets.model.rowCount():
            from app.plan.statutory import StatutoryConfig
            from app.plan.statutory_toml import _num

            self.brackets.load([{**({"up_to": _num(b.up_to)} if b.up_to is not None else {}),
                                 "rate": _num(b.rate), "quick": _num(b.quick)} for b in StatutoryConfig().tax_brackets])
        self.brackets.setVisible(checked)
        self.changed.emit()

    def load(self, value: Any, *, enabled: bool | None = None) -> None:
        on = isinstance(value, dict) if enabled is None else enabled
        value = value if isinstance(value, dict) else {}
        self.enabled.setChecked(on)
        self.items.load(value.get("social_insurance"))
        self.form.load(value)
        self.own_table.setChecked("tax_brackets" in value)
        self.brackets.load(value.get("tax_brackets"))
        self.brackets.setVisible("tax_brackets" in value)
        self.body.setVisible(on)

    def dump(self, path: str, problems: list[str]) -> dict[str, Any] | None:
        if not self.enabled.isChecked():
            return None
        out: dict[str, Any] = {"social_insurance": self.items.dump(f"{path}.social_insurance", problems)}
        for row, item in enumerate(out["social_insurance"]):
            _money_cells(item, ("fixed",), f"{path}.social_insurance[{row}]", problems)
            if item.get("name") == "":
                del item["name"]
        out.update(self.form.dump(path, problems))
        if self.own_table.isChecked():
            out["tax_brackets"] = self.brackets.dump(f"{path}.tax_brackets", problems)
        return out

    def show_problems(self, problems: dict[str, list[str]]) -> None:
        self.items.show_problems({p[len("social_insurance"):]: m for p, m in problems.items()
                                  if p.startswith("social_insurance")})
        self.brackets.show_problems({p[len("tax_brackets"):]: m for p, m in problems.items()
                                     if p.startswith("tax_brackets")})
        self.form.show_problems(problems)

    def set_read_only(self, read_only: bool) -> None:
        for widget in (self.enabled, self.form, self.own_table):
            widget.setEnabled(not read_only)
        self.items.set_read_only(read_only)
        self.brackets.set_read_only(read_only)
