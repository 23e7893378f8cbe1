"""The plan editor: every key of the plan TOML as a form field or a table, grouped in tabs.

The editor only turns what is typed into a plan *document* (the dict the TOML file would
hold, numbers as ``int``/``Decimal``) and shows the problems it is given. Whether the
document is a valid plan is decided by the real validator (``plan_from_dict``), called by
the page after each edit; each of its problems names a key path, which the editor maps back
to the field or table cell to shade it and, on request, to show it.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.i18n import tr
from app.plan.model import LEAVE_TYPES
from app.plan.targets_io import SECTION_KEYS
from ui.dialogs.common import ERROR_STYLE
from ui.models.plan_tables import Choice, Column, PlanRowsModel, cell_value, percent_text, value_text
from ui.plan_common import BETTER_CHOICES, GRADE_COLUMNS, MODE_CHOICES, QA_BAND_COLUMNS, doc_get, doc_put
from ui.widgets.plan_schema2_view import RosterAgent, Schema2View, merge_v2
from ui.widgets.plan_v2_sections import V2Sections

PROBLEM_STYLE = "QLineEdit { background-color: #ffcdd2; }"
READ_ONLY_STYLE = "QLineEdit { background-color: palette(window); color: palette(text); }"

_CELL_PATH = re.compile(r"^(?P<table>.+)\[(?P<row>\d+)\]\.(?P<key>[^.\[\]]+)$")
_ROW_PATH = re.compile(r"^(?P<table>.+)\[(?P<row>\d+)\]$")
_PATH = re.compile(r"^[^\s:]+$")

LEAVE_LABELS: dict[str, tuple[str, str]] = {
    "personal": ("事假", "Personal leave"),
    "sick": ("病假", "Sick leave"),
    "annual": ("年假", "Annual leave"),
    "other": ("其他假（婚假、丧假等）", "Other leave"),
}

CALENDAR_CHOICES = (
    Choice("cn", "按国家法定节假日（含调休上班日）", "Chinese public holidays (with swapped workdays)"),
    Choice("mon-fri", "只算周一到周五", "Monday to Friday only"),
)
SOURCE_CHOICES = (
    Choice("metric", "话务指标", "Telephony"),
    Choice("qa", "质检均分", "QA average"),
)

RATE_HINT = ("百分比或小数，例如 60% 或 0.6", "percentage or decimal, e.g. 60% or 0.6")
MONEY_HINT = ("元", "yuan")

TIERS_COLUMNS = (
    Column(
        "from",
        "标准保费起点（元）",
        "From (std. premium)",
        tip_zh="第一段必须从 0 开始，逐段递增",
        tip_en="the first tier starts at 0; each next one is higher",
    ),
    Column("rate", "提成比例", "Rate", tip_zh=RATE_HINT[0], tip_en=RATE_HINT[1], percent=True),
)
LEVEL_BONUS_COLUMNS = (
    Column("level", "客户等级", "Customer level", kind="text"),
    Column("rate", "加提比例", "Extra rate", tip_zh=RATE_HINT[0], tip_en=RATE_HINT[1], percent=True),
)
PRODUCT_COLUMNS = (
    Column("code", "产品代码", "Code", kind="text"),
    Column("name", "产品名称", "Name", kind="text"),
    Column(
        "factor",
        "折标系数",
        "Factor",
        default="1",
        tip_zh="标准保费 = 保费 × 折标系数",
        tip_en="standard premium = premium × factor",
    ),
    # schema 2 only (hidden otherwise): the product group whose tier table pays it (§7.1)
    Column(
        "group",
        "产品组",
        "Group",
        kind="text",
        default="default",
        tip_zh="与“提成”页产品组的组代码一致；其他组按提成阶梯计提",
        tip_en="a group code of the Commission tab; other groups use the tiers",
    ),
)
INDICATOR_COLUMNS = (
    Column("code", "指标代码", "Code", kind="text"),
    Column("name", "指标名称", "Name", kind="text"),
    Column("weight", "权重", "Weight", tip_zh="大于 0", tip_en="greater than 0"),
    Column("target", "目标值", "Target"),
    Column(
        "step",
        "每档",
        "Step",
        tip_zh="每差一档加减分，大于 0",
        tip_en="one step of difference; greater than 0",
    ),
    Column("down", "每档扣分", "Down", default="1"),
    Column("up", "每档加分", "Up", default="1"),
    Column(
        "max_down", "最多扣分", "Max down", optional=True, tip_zh="留空表示不限", tip_en="empty: no limit"
    ),
    Column("max_up", "最多加分", "Max up", optional=True, tip_zh="留空表示不限", tip_en="empty: no limit"),
    Column("better", "方向", "Better", kind="choice", default="higher", choices=BETTER_CHOICES),
    Column("source", "数据来源", "Source", kind="choice", default="metric", choices=SOURCE_CHOICES),
)
MINUTE_COLUMNS = (
    Column("up_to_minutes", "不超过（分钟）", "Up to (minutes)", tip_zh="逐行递增", tip_en="ascending"),
    Column("amount", "每次扣款（元）", "Amount (yuan)"),
)

# Tables whose rows are written as a TOML table ``{key = value}`` rather than a list.
MAPPING_TABLES = {"commission.level_bonus_rate": ("level", "rate")}


def literal(text: str) -> str:
    """``text`` for a tab or group title, where a lone ``&`` would become a keyboard mnemonic."""
    return text.replace("&", "&&")


def split_problem(problem: str) -> tuple[str, str]:
    """``"commission.tiers[1].rate: must not be negative"`` → (path, message); no path → ("", problem)."""
    head, sep, rest = problem.partition(": ")
    if sep and _PATH.match(head):
        return head, rest
    return "", problem


class ChoiceDelegate(QStyledItemDelegate):
    """A drop-down for the cells of a column with fixed values (``better``, ``source``)."""

    def __init__(self, column: Column, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._column = column

    def createEditor(
        self, parent: QWidget, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QWidget:
        combo = QComboBox(parent)
        for choice in self._column.choices:
            combo.addItem(choice.label, choice.value)
        return combo

    def setEditorData(self, editor: QWidget, index: QModelIndex | QPersistentModelIndex) -> None:
        assert isinstance(editor, QComboBox)
        position = editor.findData(index.data(Qt.ItemDataRole.EditRole))
        editor.setCurrentIndex(max(position, 0))

    def setModelData(
        self, editor: QWidget, model: QAbstractItemModel, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        assert isinstance(editor, QComboBox)
        model.setData(index, editor.currentData(), Qt.ItemDataRole.EditRole)


class RowsTable(QWidget):
    """A plan table with 添加行 / 删除行 buttons and a line for problems about the whole table."""

    def __init__(
        self,
        path: str,
        title: str,
        columns: Sequence[Column],
        *,
        stretch: bool = True,
        visible_rows: int = 5,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.path = path
        self.title = title
        self.model = PlanRowsModel(columns, self)
        self.view = QTableView(self)
        self.view.setObjectName(f"table:{path}")
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.view.setAlternatingRowColors(True)
        self.view.setWordWrap(False)
        self.view.verticalHeader().setDefaultSectionSize(self.view.fontMetrics().height() + 12)
        header = self.view.horizontalHeader()
        header.setHighlightSections(False)
        header.setMinimumSectionSize(self.view.fontMetrics().horizontalAdvance("00000") + 16)
        if stretch:
            header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        else:
            header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
            header.setStretchLastSection(True)
        for number, column in enumerate(self.model.columns):
            if column.kind == "choice":
                self.view.setItemDelegateForColumn(number, ChoiceDelegate(column, self.view))
        row_height = self.view.verticalHeader().defaultSectionSize()
        self.view.setMinimumHeight(header.sizeHint().height() + row_height * visible_rows + 4)

        style = self.style()
        self.add_button = QPushButton(
            style.standardIcon(QStyle.StandardPixmap.SP_FileDialogNewFolder), tr("添加行", "Add row"), self
        )
        self.remove_button = QPushButton(
            style.standardIcon(QStyle.StandardPixmap.SP_DialogDiscardButton), tr("删除行", "Remove row"), self
        )
        self.add_button.setToolTip(tr(f"在“{title}”末尾添加一行", f"Add a row to “{title}”"))
        self.remove_button.setToolTip(tr("删除选中的行", "Remove the selected rows"))
        self.add_button.clicked.connect(self.add_row)
        self.remove_button.clicked.connect(self.remove_selected)

        self.error = QLabel(self)
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)
        self.error.setVisible(False)

        buttons = QHBoxLayout()
        buttons.setContentsMargins(0, 0, 0, 0)
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.error)
        layout.addLayout(buttons)

    @Slot()
    def add_row(self) -> int:
        row = self.model.add_row()
        index = self.model.index(row, 0)
        self.view.setCurrentIndex(index)
        self.view.scrollTo(index)
        return row

    @Slot()
    def remove_selected(self) -> None:
        selection = self.view.selectionModel()
        rows = sorted({i.row() for i in selection.selectedIndexes()}, reverse=True)
        if not rows and self.view.currentIndex().isValid():
            rows = [self.view.currentIndex().row()]
        for row in rows:
            self.model.removeRows(row, 1)

    def set_read_only(self, read_only: bool) -> None:
        self.model.set_read_only(read_only)
        self.view.setStyleSheet("QTableView { background-color: palette(window); }" if read_only else "")
        self.add_button.setVisible(not read_only)
        self.remove_button.setVisible(not read_only)

    def set_table_problem(self, text: str) -> None:
        self.error.setText(text)
        self.error.setVisible(bool(text))


class PlanEditor(QTabWidget):
    """Forms and tables for one plan document; ``changed`` fires on every edit by the user."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setDocumentMode(True)
        self.fields: dict[str, QLineEdit] = {}
        self.optional_fields: set[str] = set()
        self.percent_fields: set[str] = set()
        self.combos: dict[str, QComboBox] = {}
        self.checks: dict[str, QCheckBox] = {}
        self.breakers: dict[str, QCheckBox] = {}
        self.tables: dict[str, RowsTable] = {}
        self._labels: dict[str, str] = {}
        self._tab_of: dict[str, int] = {}
        self._tips: dict[str, str] = {}
        self._schema: Any = 1
        self._kept: dict[str, Any] = {}  # sections the editor does not show (§8 targets, awards), kept as loaded
        self._read_only = False
        self._current_tab = 0

        self._build_basic()
        self._build_products()
        self._build_commission()
        self._build_quality()
        self._build_kpi()
        self._build_attendance()
        self._build_rewards()
        self._build_limits()
        self._original: dict[str, Any] | None = None  # the loaded document (schema 2 keys kept on save)
        self._roster: Sequence[RosterAgent] = ()
        # schema 2 (docs/pay-rules.md §7–§9): editable sections, shown once the plan is schema 2
        self.v2 = V2Sections(
            self, self._commission_layout, self._kpi_layout, self._awards_form, self._kpi_table_box
        )
        self.v2.changed.connect(self._on_edited)
        self.schema2 = Schema2View(self)
        self.schema2_tab = self.addTab(
            self.schema2, tr("方案格式 2 总览", "Format 2 overview")
        )
        self.setTabVisible(self.schema2_tab, False)
        self.v2.set_active(False)

    # --- building -----------------------------------------------------------------

    def _tab(self, zh: str, en: str) -> QVBoxLayout:
        content = QWidget()
        layout = QVBoxLayout(content)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(content)
        self._current_tab = self.addTab(scroll, literal(tr(zh, en)))
        return layout

    def new_tab(self, zh: str, en: str) -> QVBoxLayout:
        """A tab of its own for a schema-2 section (ui/widgets/plan_v2_sections.py)."""
        return self._tab(zh, en)

    @property
    def current_tab_index(self) -> int:
        return self._current_tab

    def tab_of(self, path: str) -> int:
        return self._tab_of.get(path, 0)

    def _group(self, layout: QVBoxLayout, zh: str, en: str) -> QFormLayout:
        box = QGroupBox(literal(tr(zh, en)), self)
        form = QFormLayout(box)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        layout.addWidget(box)
        return form

    def _line(
        self,
        form: QFormLayout,
        path: str,
        zh: str,
        en: str,
        *,
        hint: tuple[str, str] | None = None,
        optional: bool = False,
        width: int = 14,
        percent: bool = False,
    ) -> QLineEdit:
        edit = QLineEdit(self)
        edit.setObjectName(path)
        edit.setMinimumWidth(edit.fontMetrics().horizontalAdvance("0") * width + 16)
        placeholder = tr(*hint) if hint else ""
        if optional:
            placeholder = tr("留空表示不限", "empty: no limit") + (f"；{placeholder}" if placeholder else "")
            self.optional_fields.add(path)
        edit.setPlaceholderText(placeholder)
        tip = f"{path}" + (f" — {placeholder}" if placeholder else "")
        edit.setToolTip(tip)
        self._tips[path] = tip
        edit.textEdited.connect(self._on_edited)
        self.fields[path] = edit
        if percent:
            self.percent_fields.add(path)
        self._register(path, tr(zh, en))
        form.addRow(tr(zh, en), edit)
        return edit

    def _combo(self, form: QFormLayout, path: str, zh: str, en: str, choices: Sequence[Choice]) -> QComboBox:
        combo = QComboBox(self)
        combo.setObjectName(path)
        for choice in choices:
            combo.addItem(choice.label, choice.value)
        combo.setToolTip(path)
        combo.activated.connect(self._on_edited)
        self.combos[path] = combo
        self._register(path, tr(zh, en))
        form.addRow(tr(zh, en), combo)
        return combo

    def _check(self, form: QFormLayout, path: str, zh: str, en: str) -> QCheckBox:
        check = QCheckBox(tr(zh, en), self)
        check.setObjectName(path)
        check.setToolTip(path)
        check.clicked.connect(self._on_edited)
        self.checks[path] = check
        self._register(path, tr(zh, en))
        form.addRow("", check)
        return check

    def _table(
        self,
        layout: QVBoxLayout,
        path: str,
        zh: str,
        en: str,
        columns: Sequence[Column],
        *,
        stretch: bool = True,
        visible_rows: int = 5,
        note: tuple[str, str] | None = None,
    ) -> RowsTable:
        box = QGroupBox(literal(tr(zh, en)), self)
        box_layout = QVBoxLayout(box)
        if note:
            label = QLabel(tr(*note), box)
            label.setWordWrap(True)
            box_layout.addWidget(label)
        table = RowsTable(path, tr(zh, en), columns, stretch=stretch, visible_rows=visible_rows, parent=box)
        table.model.edited.connect(self._on_edited)
        box_layout.addWidget(table)
        layout.addWidget(box, 1)
        self.tables[path] = table
        self._register(path, tr(zh, en))
        return table

    def _register(self, path: str, label: str) -> None:
        self._labels[path] = f"{self.tabText(self._current_tab)} › {label}"
        self._tab_of[path] = self._current_tab

    def _build_basic(self) -> None:
        layout = self._tab("基本", "Basics")
        form = self._group(layout, "方案", "Plan")
        self._line(form, "name", "方案名称", "Name", width=30)
        self._line(
            form,
            "effective_from",
            "生效月份",
            "Effective from",
            hint=("格式 YYYY-MM，例如 2026-01", "YYYY-MM"),
        )
        form = self._group(layout, "底薪", "Base pay")
        self._combo(form, "pay.calendar", "工作日历", "Calendar", CALENDAR_CHOICES)
        self._line(
            form,
            "pay.days_per_month",
            "月计薪天数",
            "Pay days per month",
            hint=("日工资 = 底薪 ÷ 此数，通常 21.75", "day pay = base ÷ this; usually 21.75"),
        )
        form = self._group(
            layout, "假期工资比例（0% = 全扣，100% = 照发）", "Leave pay ratio (0% = unpaid, 100% = fully paid)"
        )
        for kind in LEAVE_TYPES:
            self._line(form, f"leave_pay_ratio.{kind}", *LEAVE_LABELS[kind], hint=RATE_HINT, percent=True)
        layout.addStretch(1)

    def _build_products(self) -> None:
        layout = self._tab("产品", "Products")
        self._table(
            layout,
            "products",
            "产品与折标系数",
            "Products and factors",
            PRODUCT_COLUMNS,
            visible_rows=8,
            note=(
                "标准保费 = 保费 × 折标系数；保单的产品代码必须在此表中。",
                "Standard premium = premium × factor; every policy's product code must be listed here.",
            ),
        )

    def _build_commission(self) -> None:
        layout = self._tab("提成", "Commission")
        form = self._group(layout, "阶梯提成", "Tiered commission")
        self._combo(form, "commission.mode", "计算方式", "Mode", MODE_CHOICES)
        self._line(
            form,
            "commission.new_customer_bonus",
            "新客户奖励（元/单）",
            "New customer bonus (per policy)",
            hint=MONEY_HINT,
        )
        self._commission_layout = layout
        self._table(layout, "commission.tiers", "提成阶梯", "Tiers", TIERS_COLUMNS, visible_rows=4)
        self._table(
            layout,
            "commission.level_bonus_rate",
            "客户等级加提",
            "Customer level bonus",
            LEVEL_BONUS_COLUMNS,
            visible_rows=3,
        )

    def _build_quality(self) -> None:
        layout = self._tab("质检", "Quality")
        form = self._group(layout, "质检系数", "QA coefficient")
        self._line(
            form,
            "quality.min_evaluations",
            "最少质检次数",
            "Minimum evaluations",
            hint=("不足则按无数据处理", "fewer counts as no data"),
        )
        self._line(form, "quality.no_data_coefficient", "无质检数据时的系数", "Coefficient without QA data")
        self._line(
            form,
            "quality.fatal_penalty",
            "致命差错扣款（元/次）",
            "Fatal error penalty (per case)",
            hint=MONEY_HINT,
        )
        row = QHBoxLayout()
        layout.addLayout(row, 1)
        left, right = QVBoxLayout(), QVBoxLayout()
        row.addLayout(left, 1)
        row.addLayout(right, 1)
        self._table(left, "quality.bands", "质检分段系数", "QA bands", QA_BAND_COLUMNS, visible_rows=5)
        self._table(right, "quality.grades", "质检等级", "QA grades", GRADE_COLUMNS, visible_rows=5)

    def _build_kpi(self) -> None:
        layout = self._tab("绩效", "KPI")
        form = self._group(layout, "综合考核得分", "Composite score")
        self._line(form, "kpi.standard", "达标分", "Standard")
        self._line(form, "kpi.bonus_from", "奖励起点分", "Bonus from")
        self._line(form, "kpi.bonus_per_point", "每分奖励（元）", "Bonus per point", hint=MONEY_HINT)
        self._line(form, "kpi.deduction_per_point", "每分扣款（元）", "Deduction per point", hint=MONEY_HINT)
        table = self._table(
            layout,
            "kpi.indicators",
            "考核指标",
            "Indicators",
            INDICATOR_COLUMNS,
            stretch=False,
            visible_rows=5,
        )
        table.view.resizeColumnsToContents()
        self._kpi_layout = layout
        box = table.parentWidget()
        assert box is not None
        self._kpi_table_box = box

    def _build_attendance(self) -> None:
        layout = self._tab("考勤", "Attendance")
        form = self._group(layout, "扣款与全勤奖", "Penalties and full-attendance bonus")
        self._line(form, "attendance.late_free", "每月免罚迟到次数", "Free late arrivals per month")
        self._line(
            form, "attendance.away", "空岗/擅自离岗（元/次）", "Away from post (per case)", hint=MONEY_HINT
        )
        self._line(
            form, "attendance.swap", "私自调班（元/次）", "Unapproved shift swap (per case)", hint=MONEY_HINT
        )
        self._line(
            form,
            "attendance.absence_multiplier",
            "旷工扣款倍数（× 日工资）",
            "Absence multiplier (× day pay)",
        )
        self._line(
            form, "attendance.cap", "考勤扣款上限（元/月）", "Monthly cap", optional=True, hint=MONEY_HINT
        )
        self._line(
            form, "attendance.full_attendance_bonus", "全勤奖（元）", "Full-attendance bonus", hint=MONEY_HINT
        )
        breakers = QWidget(self)
        breakers_layout = QHBoxLayout(breakers)
        breakers_layout.setContentsMargins(0, 0, 0, 0)
        for kind in LEAVE_TYPES:
            check = QCheckBox(tr(*LEAVE_LABELS[kind]), breakers)
            check.setObjectName(f"attendance.full_attendance_breakers.{kind}")
            check.clicked.connect(self._on_edited)
            breakers_layout.addWidget(check)
            self.breakers[kind] = check
        breakers_layout.addStretch(1)
        breakers.setToolTip("attendance.full_attendance_breakers")
        form.addRow(tr("请以下假期则无全勤奖", "No bonus after leave of type"), breakers)
        self._register(
            "attendance.full_attendance_breakers", tr("请假取消全勤奖", "Full-attendance breakers")
        )
        row = QHBoxLayout()
        layout.addLayout(row, 1)
        left, right = QVBoxLayout(), QVBoxLayout()
        row.addLayout(left, 1)
        row.addLayout(right, 1)
        self._table(
            left, "attendance.late", "迟到扣款阶梯", "Late arrival tiers", MINUTE_COLUMNS, visible_rows=4
        )
        self._table(
            right,
            "attendance.early_leave",
            "早退扣款阶梯",
            "Early leave tiers",
            MINUTE_COLUMNS,
            visible_rows=4,
        )

    def _build_rewards(self) -> None:
        layout = self._tab("投诉与奖励", "Complaints & awards")
        form = self._group(layout, "投诉扣款（成立的投诉）", "Complaint penalties (upheld complaints)")
        self._line(
            form,
            "complaints.amounts.hotline",
            "热线投诉（元/次）",
            "Hotline (per complaint)",
            hint=MONEY_HINT,
        )
        self._line(
            form,
            "complaints.amounts.city",
            "市级投诉（元/次）",
            "City level (per complaint)",
            hint=MONEY_HINT,
        )
        self._line(
            form,
            "complaints.amounts.province",
            "省级及以上投诉（元/次）",
            "Province level and above",
            hint=MONEY_HINT,
        )
        self._line(
            form, "complaints.cap", "投诉扣款上限（元/月）", "Monthly cap", optional=True, hint=MONEY_HINT
        )
        form = self._group(layout, "月度优秀奖与表扬奖", "Monthly award and praise")
        self._line(
            form,
            "awards.top_share",
            "获奖比例（前多少）",
            "Top share",
            hint=("例如 10% 或 0.1；0 表示不评", "e.g. 10% or 0.1; 0 switches it off"),
            percent=True,
        )
        self._line(form, "awards.top_amount", "优秀奖金额（元）", "Award amount", hint=MONEY_HINT)
        self._line(form, "awards.min_score", "参评最低综合分", "Minimum composite score")
        self._check(
            form,
            "awards.exclude_penalized",
            "有成立投诉或致命差错者不参评",
            "Exclude agents with an upheld complaint or a fatal error",
        )
        self._line(
            form, "awards.praise_amount", "客户表扬奖（元/次）", "Praise bonus (per praise)", hint=MONEY_HINT
        )
        self._awards_form = form
        layout.addStretch(1)

    def _build_limits(self) -> None:
        layout = self._tab("限额", "Limits")
        form = self._group(layout, "扣款上限", "Penalty cap")
        self._line(
            form,
            "limits.penalty_share",
            "扣款最多占应发比例",
            "Penalties at most this share of pay",
            optional=True,
            hint=("例如 20% 或 0.2", "e.g. 20% or 0.2"),
            percent=True,
        )
        note = QLabel(
            tr(
                "考勤、投诉、致命差错和绩效扣款合计超过应发（正项）的此比例时，超出部分返还。",
                "Attendance, complaint, fatal-error and KPI penalties above this share of the positive pay "
                "are given back.",
            ),
            self,
        )
        note.setWordWrap(True)
        layout.addWidget(note)
        layout.addStretch(1)

    # --- document in and out ------------------------------------------------------

    def load(self, doc: dict[str, Any]) -> None:
        """Show a plan document (``plan_to_dict`` of a plan); emits nothing."""
        self._schema = doc.get("schema", 1)
        self._original = copy.deepcopy(doc)
        self._kept = {key: doc[key] for key in SECTION_KEYS if key in doc}
        v2 = isinstance(self._schema, int) and self._schema >= 2
        self.setTabVisible(self.schema2_tab, v2)
        self.v2.set_active(v2)
        if v2:
            self.schema2.show_document(doc, self._roster)
            self.v2.load(doc)
        # [statutory] (docs/pay-rules.md §9) has no form yet: kept as loaded, so saving keeps it
        self._statutory = doc.get("statutory")
        for path, edit in self.fields.items():
            edit.setText((percent_text if path in self.percent_fields else value_text)(doc_get(doc, path)))
        for path, combo in self.combos.items():
            position = combo.findData(doc_get(doc, path))
            combo.setCurrentIndex(max(position, 0))
        for path, check in self.checks.items():
            check.setChecked(bool(doc_get(doc, path)))
        chosen = doc_get(doc, "attendance.full_attendance_breakers") or []
        for kind, check in self.breakers.items():
            check.setChecked(kind in chosen)
        for path, table in self.tables.items():
            value = doc_get(doc, path)
            if path in MAPPING_TABLES:
                key_col, value_col = MAPPING_TABLES[path]
                items = [{key_col: k, value_col: v} for k, v in (value or {}).items()]
            else:
                items = list(value or [])
            table.model.set_items(items)
            if table.view.horizontalHeader().sectionResizeMode(0) == QHeaderView.ResizeMode.Interactive:
                table.view.resizeColumnsToContents()
        self.show_problems([])

    def document(self) -> tuple[dict[str, Any], list[str]]:
        """The plan document as typed, and problems met while building it (duplicate level names).

        Everything else is left to the validator: text that is not a number goes in as text.
        """
        doc: dict[str, Any] = {"schema": self._schema}
        if getattr(self, "_statutory", None) is not None:
            doc["statutory"] = self._statutory
        for path, edit in self.fields.items():
            text = edit.text()
            if path in self.optional_fields and not text.strip():
                continue
            kind = "text" if path in ("name", "effective_from") else "number"
            doc_put(doc, path, cell_value(text, kind))
        for path, combo in self.combos.items():
            doc_put(doc, path, combo.currentData())
        for path, check in self.checks.items():
            doc_put(doc, path, check.isChecked())
        doc_put(
            doc, "attendance.full_attendance_breakers", [k for k, c in self.breakers.items() if c.isChecked()]
        )
        problems: list[str] = []
        for path, table in self.tables.items():
            items = table.model.items()
            if path == "products":
                items = [{k: v for k, v in item.items() if k != "group" or self.v2.active} for item in items]
            if path in MAPPING_TABLES:
                key_col, value_col = MAPPING_TABLES[path]
                mapping: dict[str, Any] = {}
                for row, item in enumerate(items):
                    key = str(item.get(key_col, "")).strip()
                    if not key:
                        problems.append(f"{path}[{row}].{key_col}: " + tr("不能为空", "must not be empty"))
                    elif key in mapping:
                        problems.append(
                            f"{path}[{row}].{key_col}: " + tr(f"重复的 {key!r}", f"duplicate {key!r}")
                        )
                    else:
                        mapping[key] = item.get(value_col, "")
                doc_put(doc, path, mapping)
            else:
                doc_put(doc, path, items)
        if self.v2.active:  # every schema-2 key comes from the forms
            doc.pop("statutory", None)
            self.v2.dump_into(doc, problems)
            return doc, problems
        return {**merge_v2(doc, self._original), **self._kept}, problems

    def convert_to_schema2(self) -> None:
        """方案格式 2: the same plan written as ``schema = 2`` (it computes the same; its indicators are
        ``linear``), with the schema-2 sections shown for editing. Emits ``changed``."""
        doc, _problems = self.document()
        doc["schema"] = 2
        kpi = doc.get("kpi")
        if isinstance(kpi, dict):
            kpi["indicators"] = [
                {**i, "kind": "linear"} if isinstance(i, dict) else i for i in kpi.get("indicators") or []
            ]
        for product in doc.get("products") or []:
            if isinstance(product, dict):
                product.setdefault("group", "default")
        if isinstance(doc.get("awards"), dict):
            doc["awards"].setdefault("within_scope", False)
        original = self._original
        self.load(doc)
        self._original = original
        self.changed.emit()

    @property
    def schema(self) -> Any:
        return self._schema

    def set_roster(self, roster: Sequence[RosterAgent]) -> None:
        """The active agents, so the schema-2 tab can show whom each scope matches now."""
        self._roster = tuple(roster)
        self.v2.set_roster(self._roster)
        if self._original is not None and self.isTabVisible(self.schema2_tab):
            self.schema2.show_document(self._original, self._roster)

    def refresh_overview(self, doc: dict[str, Any]) -> None:
        """The 总览 tab of a schema-2 plan, after an edit (it summarises what the forms hold)."""
        if self.v2.active:
            self.schema2.show_document(doc, self._roster)

    # --- problems -----------------------------------------------------------------

    def locate(self, path: str) -> tuple[str, int, int, str]:
        """(table or field path, row, column, readable place) of a problem's key path; row -1: a field."""
        if self.v2.active:
            found = self.v2.locate(path)
            if found is not None:
                return path, found[2], -1, found[1]
        match = _CELL_PATH.match(path)
        if match and match["table"] in self.tables:
            table = self.tables[match["table"]]
            row = int(match["row"])
            column = table.model.column_of(match["key"])
            place = tr(f"第 {row + 1} 行", f"row {row + 1}")
            if column >= 0:
                place += f" › {table.model.columns[column].title}"
            return match["table"], row, max(column, 0), f"{self._labels[match['table']]} › {place}"
        match = _ROW_PATH.match(path)
        if match and match["table"] in self.tables:
            row = int(match["row"])
            place = f"{self._labels[match['table']]} › " + tr(f"第 {row + 1} 行", f"row {row + 1}")
            return match["table"], row, 0, place
        if match and match["table"] in self._labels:
            return match["table"], -1, -1, self._labels[match["table"]]
        for table_path, (key_col, value_col) in MAPPING_TABLES.items():
            prefix = f"{table_path}."
            if path.startswith(prefix):
                table = self.tables[table_path]
                key = path[len(prefix) :]
                for row in range(table.model.rowCount()):
                    if table.model.cell(row, key_col) == key:
                        column = table.model.column_of(value_col)
                        place = tr(f"第 {row + 1} 行", f"row {row + 1}")
                        return table_path, row, column, f"{self._labels[table_path]} › {place}"
        if path in self._labels:
            return path, -1, -1, self._labels[path]
        return "", -1, -1, ""

    def show_problems(self, problems: Sequence[str]) -> None:
        """Shade the fields and cells named by ``problems`` and put the message in their tooltip."""
        fields: dict[str, list[str]] = {}
        cells: dict[str, dict[tuple[int, str], str]] = {path: {} for path in self.tables}
        whole: dict[str, list[str]] = {path: [] for path in self.tables}
        v2_problems: list[tuple[str, str]] = []
        for problem in problems:
            path, message = split_problem(problem)
            if not path:
                continue
            if self.v2.active and self.v2.locate(path) is not None:
                v2_problems.append((path, message))
                continue
            target, row, column, _ = self.locate(path)
            if target in self.tables and row >= 0:
                model = self.tables[target].model
                keys = [model.columns[column].key] if column >= 0 else [c.key for c in model.columns]
                if _ROW_PATH.match(path):
                    keys = [c.key for c in model.columns]
                for key in keys:
                    cells[target][(row, key)] = message
            elif target in self.tables:
                whole[target].append(message)
            elif target:
                fields.setdefault(target, []).append(message)
        for path, edit in self.fields.items():
            messages = fields.get(path)
            edit.setStyleSheet(PROBLEM_STYLE if messages else READ_ONLY_STYLE if edit.isReadOnly() else "")
            edit.setToolTip("\n".join(messages) if messages else self._tips[path])
        for path, table in self.tables.items():
            table.model.set_problems(cells[path])
            table.set_table_problem("\n".join(whole[path]))
        self.v2.show_problems(v2_problems)

    def focus_path(self, path: str) -> bool:
        """Show the tab of ``path`` and put the cursor on its field or cell."""
        if self.v2.active and self.v2.focus(path):
            return True
        target, row, column, _ = self.locate(path)
        if not target:
            return False
        self.setCurrentIndex(self._tab_of.get(target, 0))
        if target in self.tables:
            view = self.tables[target].view
            if row >= 0:
                index = view.model().index(row, max(column, 0))
                view.setCurrentIndex(index)
                view.scrollTo(index)
            view.setFocus(Qt.FocusReason.OtherFocusReason)
            return True
        widget: QWidget | None = self.fields.get(target) or self.combos.get(target) or self.checks.get(target)
        if widget is not None:
            widget.setFocus(Qt.FocusReason.OtherFocusReason)
        return True

    def place_of(self, path: str) -> str:
        return self.locate(path)[3]

    # --- read-only ----------------------------------------------------------------

    def set_read_only(self, read_only: bool) -> None:
        self._read_only = read_only
        for edit in self.fields.values():
            edit.setReadOnly(read_only)
            edit.setStyleSheet(READ_ONLY_STYLE if read_only else "")
        for widget in (*self.combos.values(), *self.checks.values(), *self.breakers.values()):
            widget.setEnabled(not read_only)
        for table in self.tables.values():
            table.set_read_only(read_only)
        self.v2.set_read_only(read_only)

    @property
    def read_only(self) -> bool:
        return self._read_only

    def set_text(self, path: str, text: str) -> None:
        """Change a field as the program (not the user) does; no ``changed``."""
        self.fields[path].setText(text)

    def text(self, path: str) -> str:
        return self.fields[path].text().strip()

    @Slot()
    def _on_edited(self) -> None:
        self.changed.emit()
