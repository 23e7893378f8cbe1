"""方案 Plan: the plan in force for the selected month, edited in forms and saved as a new version.

After every edit the page builds the plan document from the forms and runs the real plan
validator on it; the problems (each naming its key path) are listed beside the editor, the
offending fields are shaded, and 另存为新版本 stays disabled until there are none. Saving goes
through :func:`app.services.plans.save_plan`, which decides what may be replaced: a version a
locked month used is frozen, shown read-only, and can only be copied to a later month.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from decimal import Decimal
from functools import partial
from html import escape
from pathlib import Path
from typing import Any

from PySide6.QtCore import QItemSelection, Qt, QUrl, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QMessageBox,
    QPushButton,
    QSplitter,
    QStyle,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from app import APP_NAME
from app.calendar import is_month, shift_month
from app.i18n import language, tr
from app.plan.examples import EXAMPLE_PLANS, ExamplePlan, example_plan
from app.plan.toml_io import PlanError, default_plan, dump_plan, load_plan, plan_from_dict, plan_to_dict
from app.services.agents import list_agents
from app.services.errors import ServiceError, ValidationFailed
from app.services.months import locked_months
from app.services.plans import (
    PlanVersionView,
    export_plan,
    list_versions,
    plan_version_for_month,
    save_plan,
)
from db.session import Database
from ui import file_dialogs
from ui.dialogs.simulation_dialog import SimulationDialog
from ui.errors import show_error, show_message
from ui.models.plan_tables import PlanVersionsModel
from ui.pages.base import Page
from ui.widgets.plan_editor import PlanEditor, split_problem
from ui.widgets.plan_save_dialog import PlanSaveDialog
from ui.widgets.table_view import TableView

TOML_FILTER_ZH = "方案文件 (*.toml);;所有文件 (*)"
TOML_FILTER_EN = "Plan files (*.toml);;All files (*)"
FROZEN_STYLE = (
    "QLabel { background-color: #fff3e0; color: #8d4e00; border: 1px solid #ffb74d; padding: 4px 8px; }"
)
OK_STYLE = "color: #2e7d32;"
BAD_STYLE = "color: #c62828;"
MAX_PROBLEMS_SHOWN = 30


class PlanPage(Page):
    reads = frozenset({"plan", "payroll"})
    reload_on_outside_change = False  # its editors may hold unsaved text

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(db, parent)
        self.versions: list[PlanVersionView] = []
        self.in_force = ""  # effective_from of the version the selected month uses ("" if none)
        self.shown: PlanVersionView | None = None  # the stored version in the editor (None: the default plan)
        self.latest_locked: str | None = None
        self.problems: list[str] = []
        self.dirty = False
        self.copying = False
        self.dialog: PlanSaveDialog | None = None
        self.message: QMessageBox | None = None
        self.example: ExamplePlan | None = None  # the shipped example in the editor, unsaved (None: none)
        self._selecting = False

        style = self.style()

        # --- header -----------------------------------------------------------------
        self.title = QLabel(self)
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.title.setFont(font)
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.subtitle = QLabel(self)
        self.subtitle.setWordWrap(True)
        self.badge = QLabel(self)
        self.badge.setStyleSheet(FROZEN_STYLE)
        self.badge.setWordWrap(True)
        self.badge.setVisible(False)
        self.status = QLabel(self)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        def button(text: str, icon: QStyle.StandardPixmap, tip: str) -> QPushButton:
            b = QPushButton(style.standardIcon(icon), text, self)
            b.setToolTip(tip)
            return b

        self.save_button = button(
            tr("另存为新版本…", "Save as new version…"),
            QStyle.StandardPixmap.SP_DialogSaveButton,
            tr(
                "把编辑后的方案保存为从某月起生效的版本",
                "Save the edited plan as a version in force from a month",
            ),
        )
        self.copy_button = button(
            tr("从更晚月份另存副本…", "Save a copy from a later month…"),
            QStyle.StandardPixmap.SP_FileDialogNewFolder,
            tr(
                "此版本已冻结：编辑它的副本，并从最近锁定月份之后生效",
                "This version is frozen: edit a copy that takes effect after the latest locked month",
            ),
        )
        self.revert_button = button(
            tr("放弃修改", "Discard changes"),
            QStyle.StandardPixmap.SP_DialogResetButton,
            tr("恢复为已保存的方案", "Go back to the saved plan"),
        )
        self.import_button = button(
            tr("导入 TOML…", "Import TOML…"),
            QStyle.StandardPixmap.SP_DialogOpenButton,
            tr("从 TOML 文件导入一个方案版本", "Import a plan version from a TOML file"),
        )
        self.example_button = button(
            tr("从示例开始…", "Start from an example…"),
            QStyle.StandardPixmap.SP_FileDialogContentsView,
            tr(
                "把随软件提供的示例方案载入编辑区，改好后另存为新版本（保存前不影响已有版本）",
                "Load an example plan shipped with the app into the editor, then save it as a new version "
                "(nothing is stored until you save)",
            ),
        )
        self.example_menu = QMenu(self.example_button)
        self.example_menu.setToolTipsVisible(True)
        for example in EXAMPLE_PLANS:
            action = self.example_menu.addAction(tr(example.title.zh, example.title.en))
            action.setToolTip(tr(example.summary.zh, example.summary.en))
            action.setData(example.file)
            action.triggered.connect(partial(self.start_from_example, example.file))
        self.example_button.setMenu(self.example_menu)
        self.export_button = button(
            tr("导出 TOML…", "Export TOML…"),
            QStyle.StandardPixmap.SP_DriveFDIcon,
            tr("把显示的已保存版本写入 TOML 文件", "Write the shown saved version to a TOML file"),
        )
        self.simulate_button = button(
            tr("试算…", "What-if…"),
            QStyle.StandardPixmap.SP_MediaPlay,
            tr(
                "不保存：用编辑中的方案（或 TOML 草稿）重算所选月份，与已存结果逐人逐项对比",
                "Without saving: compute chosen months under the plan being edited (or TOML drafts) "
                "and compare with the stored results, agent by agent and line by line",
            ),
        )
        self.simulate_button.clicked.connect(self.open_simulation)
        self.convert_button = button(
            tr("改用方案格式 2…", "Use plan format 2…"),
            QStyle.StandardPixmap.SP_ArrowUp,
            tr(
                "可分岗位设置、按产品组提成、选择指标计分方式、设目标与期间奖、代扣代缴",
                "Allows scopes per post, product groups, indicator kinds, targets and period awards, statutory",
            ),
        )
        self.convert_button.clicked.connect(self.ask_convert)
        self.simulation: SimulationDialog | None = None
        self.save_button.clicked.connect(self.save_as_new_version)
        self.copy_button.clicked.connect(self.start_copy)
        self.revert_button.clicked.connect(self.revert)
        self.import_button.clicked.connect(self.import_file)
        self.export_button.clicked.connect(self.export_file)

        # --- editor -----------------------------------------------------------------
        self.editor = PlanEditor(self)
        self.editor.changed.connect(self._on_edited)

        # --- versions -----------------------------------------------------------------
        self.versions_model = PlanVersionsModel(self)
        self.versions_table = TableView(self)
        self.versions_table.setSortingEnabled(False)
        self.versions_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.versions_table.setModel(self.versions_model)
        header = self.versions_table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        header.resizeSection(1, self.fontMetrics().horizontalAdvance("客服提成方案 2026") + 16)
        self.versions_table.setWordWrap(True)  # "2026-03 至 2026-04" wraps instead of being cut
        self.versions_table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.versions_table.selectionModel().selectionChanged.connect(self._on_version_selected)
        versions_box = QGroupBox(tr("方案版本", "Plan versions"), self)
        versions_layout = QVBoxLayout(versions_box)
        versions_hint = QLabel(
            tr(
                "选中一个版本即可查看；已冻结的版本只能查看。",
                "Select a version to view it; frozen ones are read-only.",
            ),
            versions_box,
        )
        versions_hint.setWordWrap(True)
        versions_layout.addWidget(versions_hint)
        versions_layout.addWidget(self.versions_table)

        # --- problems -----------------------------------------------------------------
        self.problems_summary = QLabel(self)
        self.problems_summary.setWordWrap(True)
        self.problems_list = QTextBrowser(self)
        self.problems_list.setOpenLinks(False)
        self.problems_list.setToolTip(tr("点击一条问题可跳到对应位置", "Click a problem to go to its field"))
        self.problems_list.anchorClicked.connect(self._on_problem_clicked)
        problems_box = QGroupBox(tr("检查结果", "Check"), self)
        problems_layout = QVBoxLayout(problems_box)
        problems_layout.addWidget(self.problems_summary)
        problems_layout.addWidget(self.problems_list, 1)
        problems_layout.addStretch(0)
        self.problems_summary.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)

        side = QSplitter(Qt.Orientation.Vertical, self)
        side.addWidget(versions_box)
        side.addWidget(problems_box)
        side.setChildrenCollapsible(False)
        side.setStretchFactor(0, 1)
        side.setStretchFactor(1, 1)
        side.setSizes([300, 400])

        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.addWidget(self.editor)
        self.splitter.addWidget(side)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        side.setMinimumWidth(self.fontMetrics().horizontalAdvance("0") * 40)
        self.splitter.setSizes([820, 380])

        actions = QHBoxLayout()
        actions.addWidget(self.save_button)
        actions.addWidget(self.copy_button)
        actions.addWidget(self.revert_button)
        actions.addWidget(self.simulate_button)
        actions.addWidget(self.convert_button)
        actions.addWidget(self.status, 1)
        actions.addWidget(self.example_button)
        actions.addWidget(self.import_button)
        actions.addWidget(self.export_button)

        headline = QVBoxLayout()
        headline.setSpacing(2)
        headline.addWidget(self.title)
        headline.addWidget(self.subtitle)

        layout = QVBoxLayout(self)
        layout.addLayout(headline)
        layout.addWidget(self.badge)
        layout.addLayout(actions)
        layout.addWidget(self.splitter, 1)

        self.refresh()

    # --- replaceable for tests (Dangerzone style) -----------------------------------

    def ask_open_file(self) -> Path | None:
        return file_dialogs.open_file(
            self,
            file_dialogs.PLANS,
            tr("选择要导入的方案文件", "Choose the plan file to import"),
            tr(TOML_FILTER_ZH, TOML_FILTER_EN),
        )

    def ask_save_file(self, suggested: str) -> Path | None:
        return file_dialogs.save_file(
            self, file_dialogs.PLANS, tr("导出方案", "Export the plan"), suggested, tr(TOML_FILTER_ZH, TOML_FILTER_EN)
        )

    # --- loading --------------------------------------------------------------------

    def refresh(self) -> None:
        """Reload the versions; the editor follows the selected month unless it holds unsaved edits."""
        with self.db.session_scope() as session:
            self.versions = list_versions(session)
            locked = locked_months(session)
            month = self.month or (self.versions[-1].effective_from if self.versions else "")
            try:
                self.in_force = plan_version_for_month(session, month).effective_from if month else ""
            except ServiceError:
                self.in_force = ""
        self.latest_locked = max(locked) if locked else None
        self.versions_model.set_versions(self.versions, self.in_force)
        if self.shown is not None:
            self.shown = self._version(self.shown.effective_from)
        if not self.dirty:
            self._load(self.in_force)
        else:
            self._update_header()
            self._select_shown()

    def month_changed(self, month: str) -> None:
        self.refresh()

    def _version(self, effective_from: str) -> PlanVersionView | None:
        return next((v for v in self.versions if v.effective_from == effective_from), None)

    def _load(self, effective_from: str) -> None:
        """Put a stored version (or, with ``""``, the default plan) in the editor, unmodified."""
        version = self._version(effective_from) if effective_from else None
        if version is None:
            doc = plan_to_dict(default_plan())
            if is_month(self.month):
                doc["effective_from"] = self.month
        else:
            with self.db.session_scope() as session:
                text = plan_version_for_month(session, version.effective_from).toml_text
            doc = _document_of(text)
        self.shown = version
        self.example = None
        self.dirty = False
        self.copying = False
        if isinstance(doc.get("schema"), int) and doc["schema"] >= 2:  # scopes: whom each matches now
            with self.db.session_scope() as session:
                self.editor.set_roster(list_agents(session, include_inactive=False))
        self.editor.load(doc)
        self.editor.set_read_only(version is not None and version.frozen)
        self._revalidate()
        self._update_header()
        self._select_shown()

    def show_version(self, effective_from: str) -> None:
        """Show a stored version (read-only when frozen), dropping unsaved edits."""
        self.status.clear()
        self._load(effective_from)

    def _select_shown(self) -> None:
        row = self.versions_model.row_of(self.shown.effective_from) if self.shown else -1
        self._selecting = True
        try:
            if row >= 0:
                self.versions_table.selectRow(row)
                self.versions_table.scrollTo(self.versions_model.index(row, 0))
            else:
                self.versions_table.clearSelection()
        finally:
            self._selecting = False

    # --- header and buttons -----------------------------------------------------------

    def _update_header(self) -> None:
        version = self.shown
        name = self.editor.text("name") or (version.name if version else "")
        self.title.setText(name or tr("（未命名方案）", "(unnamed plan)"))
        month = self.month
        if self.example is not None:
            self.subtitle.setText(
                tr(
                    f"示例方案“{self.example.title.zh}”（尚未保存）：按本网点修改后点“另存为新版本…”。",
                    f"Example plan “{self.example.title.en}” (not saved): adapt it to the branch, then "
                    "“Save as new version…”.",
                )
            )
        elif version is None:
            self.subtitle.setText(
                tr(
                    f"{month} 没有适用的方案版本。下面是默认方案，可另存为从 {month} 起生效的版本。",
                    f"No plan version is in force for {month}. Shown: the default plan; save it as a version "
                    f"in force from {month}.",
                )
                if month
                else tr(
                    "还没有方案版本。下面是默认方案。",
                    "There is no plan version yet. Shown: the default plan.",
                )
            )
        elif version.effective_from == self.in_force:
            self.subtitle.setText(
                tr(
                    f"自 {version.effective_from} 起生效 · {month} 按此版本计算",
                    f"In force from {version.effective_from} · {month} is computed with this version",
                )
            )
        else:
            other = (
                tr(f"{month} 适用的是 {self.in_force} 版本", f"{month} uses the {self.in_force} version")
                if self.in_force
                else tr(f"{month} 没有适用的版本", f"no version is in force for {month}")
            )
            self.subtitle.setText(
                tr(
                    f"正在查看自 {version.effective_from} 起生效的版本（{other}）",
                    f"Viewing the version in force from {version.effective_from} ({other})",
                )
            )
        frozen = version is not None and version.frozen
        if frozen and version is not None:
            used = tr("、", ", ").join(version.used_by)
            text = tr(
                f"已冻结 — 已被锁定月份 {used} 使用，不能修改。",
                f"Frozen — used by locked month(s) {used}; it cannot be changed.",
            )
            if self.copying:
                text += tr(
                    f" 正在编辑副本：保存时生效月份须晚于 {self.latest_locked or version.effective_from}。",
                    f" Editing a copy: save it with an effective month after "
                    f"{self.latest_locked or version.effective_from}.",
                )
            else:
                text += tr(
                    " 如需调整，请点“从更晚月份另存副本…”。",
                    " To change it, use “Save a copy from a later month…”.",
                )
            self.badge.setText(text)
        self.badge.setVisible(frozen)
        self._update_buttons()

    def _update_buttons(self) -> None:
        read_only = self.editor.read_only
        frozen = self.shown is not None and self.shown.frozen
        self.save_button.setEnabled(not read_only and not self.problems)
        self.save_button.setVisible(not read_only)
        self.copy_button.setVisible(frozen and read_only)
        self.revert_button.setEnabled(self.dirty)
        self.export_button.setEnabled(self.shown is not None)
        self.convert_button.setVisible(not read_only and self.editor.schema == 1)
        unsaved = tr("● 有未保存的修改", "● Unsaved changes")
        if self.dirty:
            self.status.setText(unsaved)
            self.status.setStyleSheet("")
        elif self.status.text() == unsaved:
            self.status.clear()

    # --- validation -----------------------------------------------------------------

    @Slot()
    def _on_edited(self) -> None:
        self.dirty = True
        self._revalidate()
        self._update_header()

    def _revalidate(self) -> None:
        doc, problems = self.editor.document()
        self.editor.refresh_overview(doc)
        try:
            plan_from_dict(doc, source="plan")
        except PlanError as exc:
            problems = problems + exc.messages(language())
        self.problems = problems
        self.editor.show_problems(problems)
        self._show_problem_list()
        self._update_buttons()

    def _show_problem_list(self) -> None:
        self.problems_list.clear()
        if not self.problems:
            self.problems_summary.setText(tr("方案检查通过，没有问题。", "The plan is valid."))
            self.problems_summary.setStyleSheet(OK_STYLE)
            self.problems_list.setVisible(False)
            return
        self.problems_summary.setText(
            tr(
                f"发现 {len(self.problems)} 处问题，修正后才能保存：",
                f"{len(self.problems)} problem(s); fix them before saving:",
            )
        )
        self.problems_summary.setStyleSheet(BAD_STYLE)
        self.problems_list.setVisible(True)
        parts = []
        for number, problem in enumerate(self.problems):
            path, message = split_problem(problem)
            place = self.editor.place_of(path) if path else ""
            if place:
                parts.append(
                    f'<p><a href="problem:{number}">{escape(place)}</a><br>'
                    f"<code>{escape(path)}</code>: {escape(message)}</p>"
                )
            else:
                parts.append(f"<p>{escape(problem)}</p>")
        self.problems_list.setHtml("".join(parts))

    def problem_texts(self) -> list[str]:
        """The problems as the panel shows them, one per entry (for tests and support)."""
        return [p for p in self.problems_list.toPlainText().split("\n\n") if p]

    @Slot(QUrl)
    def _on_problem_clicked(self, url: QUrl) -> None:
        text = url.toString()
        if text.startswith("problem:") and text[8:].isdigit() and int(text[8:]) < len(self.problems):
            path, _ = split_problem(self.problems[int(text[8:])])
            self.editor.focus_path(path)

    # --- plan format 2 -------------------------------------------------------------------

    @Slot()
    def ask_convert(self) -> QMessageBox:
        """Say what changes before turning the edited plan into ``schema = 2``."""
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle(APP_NAME)
        box.setText(tr("把编辑中的方案改为方案格式 2？", "Turn the plan being edited into plan format 2?"))
        box.setInformativeText(
            tr(
                "• 方案文件写成 schema = 2；现有设置全部保留，算出的工资不变（绩效说明会列出各指标的得分）。\n"
                "• 之后可以编辑：产品组及各组提成阶梯、每个指标的计分方式（线性、相对最高值、分档、按次计分、直接评分）、"
                "岗位范围、目标、期间奖、团队奖和代扣代缴。\n"
                "• 另存为新版本后才生效；已保存的版本不变。",
                "• The plan file says schema = 2; every setting is kept and pay comes out the same (the KPI "
                "explanation lists each indicator's score).\n"
                "• You can then edit product groups and their tiers, each indicator's kind (linear, relative, bands, "
                "count, direct score), scopes, targets, period awards, the team award and statutory deductions.\n"
                "• It takes effect when saved as a new version; saved versions do not change.",
            )
        )
        convert = box.addButton(tr("改为格式 2", "Convert"), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(tr("取消", "Cancel"), QMessageBox.ButtonRole.RejectRole)

        def done(_result: int) -> None:
            if box.clickedButton() is convert:
                self.convert_to_schema2()

        box.finished.connect(done)
        box.open()
        self.message = box
        return box

    def convert_to_schema2(self) -> None:
        if self.editor.read_only or self.editor.schema != 1:
            return
        with self.db.session_scope() as session:  # scopes show whom they match now
            self.editor.set_roster(list_agents(session, include_inactive=False))
        self.editor.convert_to_schema2()
        self.status.setText(tr("已改为方案格式 2（尚未保存）", "Now plan format 2 (not saved yet)"))

    # --- versions list ------------------------------------------------------------------

    @Slot(QItemSelection, QItemSelection)
    def _on_version_selected(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        if self._selecting:
            return
        rows = self.versions_table.selectionModel().selectedRows()
        if not rows:
            return
        version = self.versions_model.version(rows[0].row())
        if self.shown is not None and version.effective_from == self.shown.effective_from:
            return
        if self.dirty:
            self._confirm_discard(lambda: self.show_version(version.effective_from))
        else:
            self.show_version(version.effective_from)

    def select_version(self, effective_from: str) -> None:
        """Select a row of the versions list as the user would."""
        row = self.versions_model.row_of(effective_from)
        if row >= 0:
            self.versions_table.selectRow(row)

    def _confirm_discard(self, then: Callable[[], None]) -> QMessageBox:
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle(APP_NAME)
        box.setText(tr("有未保存的修改。放弃这些修改吗？", "There are unsaved changes. Discard them?"))
        discard = box.addButton(tr("放弃修改", "Discard"), QMessageBox.ButtonRole.DestructiveRole)
        keep = box.addButton(tr("继续编辑", "Keep editing"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(keep)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def done(_result: int) -> None:
            if box.clickedButton() is discard:
                then()
            else:
                self._select_shown()

        box.finished.connect(done)
        box.open()
        self.message = box
        return box

    # --- actions ----------------------------------------------------------------------

    def start_from_example(self, file: str, _checked: bool = False) -> QMessageBox | None:
        """Put a shipped example plan in the editor as an unsaved plan (after confirming unsaved edits away)."""
        if self.dirty:
            return self._confirm_discard(lambda: self._load_example(file))
        self._load_example(file)
        return None

    def _load_example(self, file: str) -> None:
        example = example_plan(file)
        doc = plan_to_dict(example.plan())
        self.shown = None
        self.copying = False
        doc["effective_from"] = self._first_open_month(self.month)
        with self.db.session_scope() as session:  # scopes show whom they match now
            self.editor.set_roster(list_agents(session, include_inactive=False))
        self.editor.load(doc)
        self.editor.set_read_only(False)
        self.example = example
        self.dirty = True
        self._revalidate()
        self._update_header()
        self._select_shown()
        self.status.setText(tr(f"已载入示例方案：{example.title.zh}（尚未保存）",
                               f"Example plan loaded: {example.title.en} (not saved yet)"))

    @Slot()
    def start_copy(self) -> None:
        """Make the frozen version's forms editable as a copy that takes effect after the locked months."""
        if self.shown is None or not self.shown.frozen:
            return
        self.copying = True
        self.editor.set_read_only(False)
        self.editor.set_text("effective_from", self._first_open_month(self.month))
        self.dirty = True
        self._revalidate()
        self._update_header()

    def _first_open_month(self, month: str) -> str:
        """``month``, or the month after the latest locked month when that is later (docs/pay-rules.md §4)."""
        candidates = [m for m in (month, self.shown.effective_from if self.shown else "") if is_month(m)]
        month = max(candidates) if candidates else ""
        if self.latest_locked and (not month or month <= self.latest_locked):
            month = shift_month(self.latest_locked, 1)
        frozen = {v.effective_from for v in self.versions if v.frozen}
        while month in frozen:
            month = shift_month(month, 1)
        return month

    def default_effective_from(self) -> str:
        """The month typed on the 基本 tab when the user changed it, else the selected month."""
        typed = self.editor.text("effective_from")
        loaded = self.shown.effective_from if self.shown else ""
        if is_month(typed) and (typed != loaded or not is_month(self.month)):
            return typed if not self.copying else self._first_open_month(typed)
        return self._first_open_month(self.month)

    @Slot()
    def save_as_new_version(self) -> PlanSaveDialog | None:
        if self.editor.read_only or self.problems:
            return None
        dialog = PlanSaveDialog(
            self._save,
            effective_from=self.default_effective_from(),
            name=self.editor.text("name"),
            versions=self.versions,
            latest_locked=self.latest_locked,
            parent=self,
        )
        dialog.saved.connect(self._after_save)
        dialog.finished.connect(dialog.deleteLater)
        self.dialog = dialog
        dialog.open()
        return dialog

    def _save(self, effective_from: str, name: str) -> str:
        doc, problems = self.editor.document()
        doc["effective_from"] = effective_from
        doc["name"] = name
        try:
            plan = plan_from_dict(doc, source="plan")
        except PlanError as exc:
            raise ValidationFailed(problems + exc.messages("zh"), problems + exc.messages("en")) from exc
        if problems:
            raise ValidationFailed(problems)
        with self.db.session_scope(write=True) as session:
            version = save_plan(session, dump_plan(plan), source=tr("方案编辑", "plan editor"))
            return version.effective_from

    @Slot(str)
    def _after_save(self, effective_from: str) -> None:
        self.dirty = False
        self.copying = False
        self.shown = None
        self.refresh()
        self.show_version(effective_from)
        self.status.setText(
            tr(
                f"已保存：自 {effective_from} 起生效的版本。",
                f"Saved: the version in force from {effective_from}.",
            )
        )
        self.status.setStyleSheet(OK_STYLE)
        self.data_changed.emit("plan")

    @Slot()
    def revert(self) -> None:
        self.status.clear()
        self._load(self.shown.effective_from if self.shown else self.in_force)

    @Slot()
    def import_file(self) -> str | None:
        """Import a TOML file as a version; the problems of a bad file are listed, nothing is saved."""
        path = self.ask_open_file()
        if path is None:
            return None
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            self.message = show_message(
                self,
                tr(f"无法读取文件 {path.name}：{exc}", f"Cannot read {path.name}: {exc}"),
                icon=QMessageBox.Icon.Critical,
            )
            return None
        try:
            with self.db.session_scope(write=True) as session:
                effective_from = save_plan(session, text, source=path.name).effective_from
        except ValidationFailed as exc:
            self.message = self._show_import_problems(
                path, exc.problems_en if language() == "en" else exc.problems
            )
            return None
        except Exception as exc:  # noqa: BLE001 - a service refusal explains itself; others are logged
            self.message = show_error(self, exc)
            return None
        self.dirty = False
        self.shown = None
        self.refresh()
        self.show_version(effective_from)
        self.status.setText(
            tr(
                f"已导入 {path.name}：自 {effective_from} 起生效的版本。",
                f"Imported {path.name}: the version in force from {effective_from}.",
            )
        )
        self.status.setStyleSheet(OK_STYLE)
        self.data_changed.emit("plan")
        return effective_from

    def _show_import_problems(self, path: Path, problems: list[str]) -> QMessageBox:
        box = show_message(
            self,
            tr(
                f"{path.name} 有 {len(problems)} 处问题，没有导入。请修改文件后重新导入：",
                f"{path.name} has {len(problems)} problem(s) and was not imported. Fix the file and import it again:",
            ),
            icon=QMessageBox.Icon.Warning,
        )
        shown = problems[:MAX_PROBLEMS_SHOWN]
        more = len(problems) - len(shown)
        lines = [f"• {p}" for p in shown]
        if more > 0:
            lines.append(tr(f"……另有 {more} 处", f"… and {more} more"))
        box.setInformativeText("\n".join(lines))
        return box

    @Slot()
    def open_simulation(self) -> SimulationDialog | None:
        """试算: the plan in the editor, unsaved, as the first draft (docs/pay-rules.md §12)."""
        doc, _problems = self.editor.document()
        if self.problems:
            self.message = show_message(self, tr("方案还有问题，请先修正再试算。",
                                                 "The plan has problems; correct them before a what-if."))
            return None
        try:
            draft = plan_from_dict(doc, source="plan")
        except PlanError:
            return None
        self.simulation = SimulationDialog(self.db, [draft], self.month, self)
        self.simulation.show()
        return self.simulation

    def export_file(self) -> Path | None:
        if self.shown is None:
            return None
        effective_from = self.shown.effective_from
        path = self.ask_save_file(tr(f"提成方案_{effective_from}.toml", f"plan_{effective_from}.toml"))
        if path is None:
            return None
        if path.suffix.lower() != ".toml":
            path = path.with_name(path.name + ".toml")
        try:
            with self.db.session_scope() as session:
                text = export_plan(session, effective_from)
            from app.reports.files import write_output_file

            write_output_file(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))
        except Exception as exc:  # noqa: BLE001 - a short message; unexpected ones are logged
            self.message = show_error(self, exc)
            return None
        self.status.setText(tr(f"已导出到 {path}", f"Exported to {path}"))
        self.status.setStyleSheet(OK_STYLE)
        return path


def _document_of(text: str) -> dict[str, Any]:
    """The document of a stored version; one that no longer validates is still shown, with its problems."""
    try:
        return plan_to_dict(load_plan(text))
    except PlanError:
        try:
            return tomllib.loads(text, parse_float=Decimal)
        except tomllib.TOMLDecodeError:
            return {}
