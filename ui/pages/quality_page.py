"""质检 Quality: the month's evaluations, the monthly QA summary and the scorecards.

The summary comes from the same engine function the payroll uses, so the average, grade and
coefficient shown here are the ones on the payslip. A locked month is read-only: its QA is
already part of frozen pay, so every button that would change it is disabled and a banner says why.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, Slot
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListView,
    QMessageBox,
    QPushButton,
    QSplitter,
    QStyle,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.bulk import collector_paused
from app.calendar import month_bounds
from app.i18n import tr
from app.money import fmt_num
from app.plan.model import QualityConfig
from app.services.agents import AgentView, list_agents
from app.services.appeals import AppealInput
from app.services.months import month_status
from app.services.quality import (
    AgentQASummary,
    EvaluationView,
    ScorecardItemInput,
    ScorecardSaved,
    ScorecardView,
    add_evaluation,
    delete_evaluation,
    edit_evaluation,
    edit_scorecard,
    evaluators,
    get_scorecard,
    list_evaluations,
    list_scorecards,
    month_summary,
    overturn_evaluation,
    quality_config,
    reinstate_evaluation,
)
from db.session import Database
from ui.dialogs.evaluation_dialog import EvaluationDialog, EvaluationForm, OverturnDialog, SaveEvaluation
from ui.dialogs.scorecard_dialog import ScorecardDialog
from ui.errors import show_error, show_message
from ui.importing import ImportFlow
from ui.loader import Loader
from ui.models.quality_models import (
    EvaluationsModel,
    EvaluationsProxy,
    ScorecardItemsModel,
    ScorecardsModel,
    SummaryModel,
    TypedSortProxy,
)
from ui.pages.base import Page
from ui.widgets.filters import (
    filter_combo,
    filtered_prefix,
    on_rows_changed,
    push_button,
    refill_combo,
    search_box,
    totals_label,
)
from ui.widgets.locked_banner import AMBER_STYLE, LockedBanner
from ui.widgets.table_view import TableView

TAB_EVALUATIONS, TAB_SUMMARY, TAB_SCORECARDS = range(3)


def rules_text(cfg: QualityConfig | None) -> str:
    """The month's plan in one line, so the grade and coefficient columns explain themselves."""
    if cfg is None:
        return tr(
            "本月没有适用的提成方案，无法评定等级与系数。",
            "No plan is in force for this month: no grades or coefficients.",
        )
    grades = "，".join(f"{g.grade} ≥ {fmt_num(g.min)}" for g in cfg.grades if g.min > 0)
    grades_en = ", ".join(f"{g.grade} ≥ {fmt_num(g.min)}" for g in cfg.grades if g.min > 0)
    last = cfg.grades[-1].grade
    bands = "，".join(f"≥ {fmt_num(b.min)} 分 × {fmt_num(b.coefficient)}" for b in cfg.bands)
    bands_en = ", ".join(f"≥ {fmt_num(b.min)} × {fmt_num(b.coefficient)}" for b in cfg.bands)
    return tr(
        f"等级：{grades}，其余 {last}。提成系数：{bands}。每月有效质检少于 {cfg.min_evaluations} 次按无数据处理"
        f"（系数 {fmt_num(cfg.no_data_coefficient)}）。致命差错按 0 分计入均分，改判撤销的不计入。",
        f"Grades: {grades_en}, otherwise {last}. Coefficients: {bands_en}. Fewer than {cfg.min_evaluations} counted "
        f"evaluation(s) means no data (coefficient {fmt_num(cfg.no_data_coefficient)}). Fatal errors count as 0; "
        "overturned evaluations are not counted.",
    )


#: What the page reads off the GUI thread: locked?, the evaluations, the summary, the QA settings
#: and the scorecards.
Loaded = tuple[bool, list[EvaluationView], list[AgentQASummary], QualityConfig | None, list[ScorecardView]]


class QualityPage(Page):
    reads = frozenset({"agents", "quality", "plan", "payroll"})

    import_dialog_title = ("选择要导入的质检文件", "Choose the QA file to import")

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(db, parent)
        self.read_only = False
        self.config: QualityConfig | None = None
        self.cards: list[ScorecardView] = []
        self.dialog: EvaluationDialog | OverturnDialog | ScorecardDialog | None = None
        self.loader = Loader(self, tr("正在读取质检记录…", "Reading the evaluations…"))
        self.loader.ended.connect(self._load_ended)
        self._select_after: int | None = None
        self._card_after: str | None = None

        self.banner = LockedBanner(self, style=AMBER_STYLE)

        self.tabs = QTabWidget(self)
        self.tabs.addTab(self._build_evaluations_tab(), tr("评估记录", "Evaluations"))
        self.tabs.addTab(self._build_summary_tab(), tr("月度汇总", "Monthly summary"))
        self.tabs.addTab(self._build_scorecards_tab(), tr("评分表", "Scorecards"))

        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addWidget(self.tabs, 1)

    # --- building -------------------------------------------------------------------------

    def _button(self, text: str, icon: QStyle.StandardPixmap, tip: str, parent: QWidget) -> QPushButton:
        return push_button(parent, text, icon, tip)

    def _build_evaluations_tab(self) -> QWidget:
        tab = QWidget(self)
        SP = QStyle.StandardPixmap
        self.model = EvaluationsModel(self)
        self.proxy = EvaluationsProxy(self)
        self.proxy.setSourceModel(self.model)

        self.new_button = self._button(
            tr("新增评估…", "New evaluation…"),
            SP.SP_FileIcon,
            tr("录入一次质检评估", "Enter one QA evaluation"),
            tab,
        )
        self.edit_button = self._button(
            tr("编辑", "Edit"),
            SP.SP_FileDialogDetailedView,
            tr("修改选中的质检记录（或双击）", "Edit the selected evaluation (or double-click)"),
            tab,
        )
        self.delete_button = self._button(
            tr("删除", "Delete"),
            SP.SP_TrashIcon,
            tr("删除选中的质检记录", "Delete the selected evaluation"),
            tab,
        )
        self.overturn_button = self._button(
            tr("申诉改判…", "Overturn…"),
            SP.SP_DialogCancelButton,
            tr(
                "申诉成立：撤销这条质检，不计入均分（需填写原因）",
                "Appeal upheld: the evaluation stops counting (a reason is required)",
            ),
            tab,
        )
        self.reinstate_button = self._button(
            tr("恢复有效", "Reinstate"),
            SP.SP_DialogApplyButton,
            tr("撤销改判，重新计入均分", "Undo the overturn; the evaluation counts again"),
            tab,
        )
        self.appeal_button = self._button(
            tr("申诉…", "Appeal…"),
            SP.SP_MessageBoxQuestion,
            tr("为选中的质检记录登记申诉（锁定月份也可申诉）",
               "File an appeal against the selected evaluation (a locked month's too)"),
            tab,
        )
        self.appeal_button.clicked.connect(self.appeal_selected)
        self.import_button, self.template_button = self.file_buttons(
            tr("从 Excel 或 CSV 文件导入质检记录", "Import evaluations from Excel or CSV"),
            tr("保存质检导入模板（Excel）", "Save the QA import template (Excel)"),
            tab,
        )
        self._new_tip, self._import_tip = self.new_button.toolTip(), self.import_button.toolTip()
        self.new_button.clicked.connect(self.new_evaluation)
        self.edit_button.clicked.connect(self.edit_selected)
        self.delete_button.clicked.connect(self.delete_selected)
        self.overturn_button.clicked.connect(self.overturn_selected)
        self.reinstate_button.clicked.connect(self.reinstate_selected)
        self.import_button.clicked.connect(self.import_file)
        self.template_button.clicked.connect(self.export_template)

        self.search = search_box(
            tab,
            tr("搜索工号、姓名、质检员、备注…", "Search code, name, evaluator, note…"),
            self.proxy.set_search,
        )
        self.scorecard_filter = filter_combo(
            tab,
            tr("按评分表筛选", "Filter by scorecard"),
            on_change=lambda _i: self.proxy.set_scorecard(self.scorecard_filter.currentData()),
        )
        self.status_filter = filter_combo(
            tab,
            tr("按状态筛选", "Filter by status"),
            (
                (tr("全部状态", "All statuses"), None),
                (tr("有效", "Valid"), "valid"),
                (tr("已撤销", "Overturned"), "overturned"),
            ),
            lambda _i: self.proxy.set_status(self.status_filter.currentData()),
        )

        self.table = TableView(tab)
        self.table.setModel(self.proxy)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.doubleClicked.connect(self._on_double_click)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        QShortcut(QKeySequence(Qt.Key.Key_Return), self.table, self.edit_selected)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), self.table, self.delete_selected)

        self.totals = totals_label(tab, selectable=False)
        on_rows_changed(self.proxy, self._update_totals)

        actions = QHBoxLayout()
        for b in (
            self.new_button,
            self.edit_button,
            self.delete_button,
            self.overturn_button,
            self.reinstate_button,
            self.appeal_button,
        ):
            actions.addWidget(b)
        actions.addStretch(1)
        actions.addWidget(self.import_button)
        actions.addWidget(self.template_button)
        filters = QHBoxLayout()
        filters.addWidget(self.search, 2)
        filters.addWidget(self.scorecard_filter)
        filters.addWidget(self.status_filter)
        filters.addStretch(1)

        layout = QVBoxLayout(tab)
        layout.addLayout(actions)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.totals)
        return tab

    def _build_summary_tab(self) -> QWidget:
        tab = QWidget(self)
        self.summary_model = SummaryModel(self)
        self.summary_proxy = TypedSortProxy(self)
        self.summary_proxy.setSourceModel(self.summary_model)
        self.rules = QLabel(tab)
        self.rules.setWordWrap(True)
        self.rules.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.summary_table = TableView(tab)
        self.summary_table.setModel(self.summary_proxy)
        self.summary_table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.summary_table.horizontalHeader().setStretchLastSection(False)  # numbers stay by their header
        self.summary_table.setToolTip(
            tr("双击查看此人的质检记录", "Double-click to see this agent's evaluations")
        )
        self.summary_table.doubleClicked.connect(self._on_summary_double_click)
        self.summary_totals = totals_label(tab, selectable=False)
        layout = QVBoxLayout(tab)
        layout.addWidget(self.rules)
        layout.addWidget(self.summary_table, 1)
        layout.addWidget(self.summary_totals)
        return tab

    def _build_scorecards_tab(self) -> QWidget:
        tab = QWidget(self)
        self.cards_model = ScorecardsModel(self)
        self.items_model = ScorecardItemsModel(self)
        self.cards_view = QListView(tab)
        self.cards_view.setModel(self.cards_model)
        self.cards_view.selectionModel().currentChanged.connect(self._on_card)
        self.items_table = TableView(tab)
        self.items_table.setSortingEnabled(False)  # items are shown in the card's own order
        self.items_table.setModel(self.items_model)
        items_header = self.items_table.horizontalHeader()
        items_header.setStretchLastSection(False)
        items_header.setSectionResizeMode(
            ScorecardItemsModel.keys().index("name"), QHeaderView.ResizeMode.Stretch
        )
        self.card_info = QLabel(tab)
        self.card_info.setWordWrap(True)
        self.edit_card_button = self._button(
            tr("编辑…", "Edit…"),
            QStyle.StandardPixmap.SP_FileDialogDetailedView,
            tr("修改评分项与满分（合计须为 100）", "Change the items and their maximums (must total 100)"),
            tab,
        )
        self.edit_card_button.clicked.connect(self.edit_scorecard)

        left = QWidget(tab)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(QLabel(tr("评分表", "Scorecards"), left))
        left_layout.addWidget(self.cards_view, 1)
        right = QWidget(tab)
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        header = QHBoxLayout()
        header.addWidget(self.card_info, 1)
        header.addWidget(self.edit_card_button)
        right_layout.addLayout(header)
        right_layout.addWidget(self.items_table, 1)
        splitter = QSplitter(Qt.Orientation.Horizontal, tab)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([300, 900])
        layout = QVBoxLayout(tab)
        layout.addWidget(splitter)
        return tab

    # --- replaceable for tests (Dangerzone style) -----------------------------------------

    def ask_confirm(self, text: str) -> bool:
        answer = QMessageBox.question(
            self,
            tr("请确认", "Please confirm"),
            text,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes

    # --- data -----------------------------------------------------------------------------

    @property
    def loading(self) -> bool:
        """The month's evaluations are being read (off the GUI thread); the page says 加载中."""
        return self.loader.loading

    def month_changed(self, month: str) -> None:
        # Never show, or act on, another month's evaluations while this month's are read.
        self.model.set_evaluations([])
        self.summary_model.set_rows([])
        self.refresh()

    def refresh(self) -> None:
        """Read the month's evaluations, summary and scorecards again, off the GUI thread; what is
        shown stays until the new data arrives, the selected evaluation is kept."""
        if not self.month:
            return
        selected = self.selected_evaluation()
        if selected is not None and self._select_after is None:
            self._select_after = selected.id
        month, db = self.month, self.db

        def read() -> Loaded:
            with collector_paused(), db.session_scope() as session:
                return (
                    month_status(session, month) == "locked",
                    list_evaluations(session, month),
                    month_summary(session, month),
                    quality_config(session, month),
                    list_scorecards(session),
                )

        self.loader.start(read, lambda result: self._loaded(month, result))
        self._update_totals()
        self._update_buttons()

    def _loaded(self, month: str, result: Loaded) -> None:
        if month != self.month:
            return
        self.read_only, evaluations, summary, self.config, self.cards = result
        first_fill = self.model.rowCount() == 0
        self.model.set_evaluations(evaluations)
        if first_fill and evaluations:
            self.table.fit_columns_to_texts()
        self.summary_model.set_rows(summary)
        if summary:
            self.summary_table.fit_columns_to_texts()
        self.rules.setText(rules_text(self.config))
        self._update_summary_totals()
        self._fill_scorecards()
        if self._card_after is not None:
            self.select_card(self._card_after)
            self._card_after = None
        self._update_banner()
        if self._select_after is not None:
            self.select_evaluation(self._select_after)
            self._select_after = None

    @Slot()
    def _load_ended(self) -> None:
        self._update_banner()
        self._update_totals()
        self._update_buttons()

    def _fill_scorecards(self) -> None:
        cards = ((card.name, card.code) for card in self.cards)
        self.proxy.set_scorecard(
            refill_combo(self.scorecard_filter, tr("全部评分表", "All scorecards"), cards)
        )

        chosen = self.current_card()
        self.cards_model.set_cards(self.cards)
        row = self.cards_model.row_of(chosen.code) if chosen else 0
        if self.cards:
            self.cards_view.selectionModel().setCurrentIndex(
                self.cards_model.index(max(row, 0), 0), QItemSelectionModel.SelectionFlag.ClearAndSelect
            )
        else:
            self._show_card(None)

    def _update_banner(self) -> None:
        self.banner.show_locked(
            self.read_only,
            tr(
                f"{self.month} 已锁定：质检记录只读。锁定月份的工资已经定稿；如需更正，请在未锁定月份录入调整项，"
                "或先在月度核算中解锁（需填写原因）。",
                f"{self.month} is locked: evaluations are read-only. Its pay is final; enter corrections as "
                "adjustments of an open month, or unlock the month on the Payroll page (a reason is required).",
            ),
        )
        for b, tip in ((self.new_button, self._new_tip), (self.import_button, self._import_tip)):
            b.setEnabled(not self.read_only)
            b.setToolTip(
                tr(f"{self.month} 已锁定，不能修改", f"{self.month} is locked") if self.read_only else tip
            )

    @Slot()
    def _update_totals(self) -> None:
        if self.loading:
            self.totals.setText(tr("加载中…", "Loading…"))
            return
        shown = self.proxy.visible()
        valid = [e for e in shown if e.valid]
        fatal = sum(1 for e in valid if e.fatal)
        prefix = filtered_prefix(len(shown), self.model.rowCount(), "条")
        self.totals.setText(
            prefix
            + tr(
                f"共 {len(shown)} 条：有效 {len(valid)}，已撤销 {len(shown) - len(valid)}，致命差错 {fatal}",
                f"{len(shown)} evaluations: {len(valid)} valid, {len(shown) - len(valid)} overturned, {fatal} fatal",
            )
        )

    def _update_summary_totals(self) -> None:
        rows = [self.summary_model.summary(r) for r in range(self.summary_model.rowCount())]
        rated = [r for r in rows if r.average is not None]
        grades: dict[str, int] = {}
        for r in rated:
            if r.grade:
                grades[r.grade] = grades.get(r.grade, 0) + 1
        spread = "，".join(f"{g} {n} 人" for g, n in sorted(grades.items()))
        spread_en = ", ".join(f"{g}: {n}" for g, n in sorted(grades.items()))
        self.summary_totals.setText(
            tr(
                f"{len(rows)} 人，其中 {len(rated)} 人有质检成绩" + (f"（{spread}）" if spread else ""),
                f"{len(rows)} agents, {len(rated)} with a QA result"
                + (f" ({spread_en})" if spread_en else ""),
            )
        )

    def selected_evaluation(self) -> EvaluationView | None:
        row = self.table.selected_source_row()
        return None if row is None else self.model.evaluation(row)

    def select_evaluation(self, eval_id: int) -> bool:
        return self.table.select_source_row(self.model.row_of(eval_id))

    @Slot()
    def _update_buttons(self) -> None:
        ev = self.selected_evaluation()
        editable = ev is not None and not self.read_only
        self.edit_button.setEnabled(editable)
        self.delete_button.setEnabled(editable)
        self.overturn_button.setEnabled(editable and ev is not None and ev.valid)
        self.reinstate_button.setEnabled(editable and ev is not None and not ev.valid)
        self.appeal_button.setEnabled(ev is not None and ev.valid)
        from ui.pages.appeals_page import show_appeal_state

        show_appeal_state(self, self.appeal_button, "qa", ev.id if ev is not None else None)
        if self.loading:  # the month's state is being read: nothing new until it is known
            self.new_button.setEnabled(False)
            self.import_button.setEnabled(False)

    def _changed(self, eval_id: int | None = None) -> None:
        if eval_id is not None:
            self._select_after = eval_id  # once the evaluations are read again
        self.refresh()
        self.data_changed.emit("quality")

    # --- evaluations ------------------------------------------------------------------------

    def _agents_for_month(self, extra: str | None = None) -> list[AgentView]:
        first, last = month_bounds(self.month)
        with self.db.session_scope() as session:
            agents = list_agents(session)
        return [a for a in agents if a.employed_in(first, last) or a.code == extra]

    def _open(self, dialog: EvaluationDialog | OverturnDialog | ScorecardDialog) -> None:
        dialog.finished.connect(dialog.deleteLater)
        self.dialog = dialog
        dialog.open()

    @Slot()
    def new_evaluation(self) -> EvaluationDialog | None:
        if self.read_only or not self.month:
            return None

        def save(form: EvaluationForm) -> EvaluationView:
            with self.db.session_scope(write=True) as session:
                return add_evaluation(
                    session,
                    form.agent_code,
                    form.date,
                    form.scorecard_id,
                    form.item_points,
                    form.score,
                    form.fatal,
                    form.evaluator,
                    form.note,
                )

        return self._evaluation_dialog(save, None)

    @Slot()
    def edit_selected(self) -> EvaluationDialog | None:
        ev = self.selected_evaluation()
        if ev is None or self.read_only:
            return None
        return self.edit_evaluation(ev)

    def edit_evaluation(self, ev: EvaluationView) -> EvaluationDialog:
        def save(form: EvaluationForm) -> EvaluationView:
            with self.db.session_scope(write=True) as session:
                return edit_evaluation(
                    session,
                    ev.id,
                    form.agent_code,
                    form.date,
                    form.scorecard_id,
                    form.item_points,
                    form.score,
                    form.fatal,
                    form.evaluator,
                    form.note,
                    expected_version=ev.version,
                )

        return self._evaluation_dialog(save, ev)

    def _evaluation_dialog(self, save: SaveEvaluation, ev: EvaluationView | None) -> EvaluationDialog:
        cards = list(self.cards)
        with self.db.session_scope() as session:
            if ev is not None and ev.scorecard_id is not None and all(c.id != ev.scorecard_id for c in cards):
                cards.append(get_scorecard(session, ev.scorecard_id))  # a retired version it was scored on
            names = evaluators(session)
        dialog = EvaluationDialog(
            save,
            month=self.month,
            agents=self._agents_for_month(ev.agent_code if ev else None),
            scorecards=cards,
            evaluation=ev,
            evaluators=names,
            fatal_penalty=self.config.fatal_penalty if self.config else None,
            parent=self,
        )
        dialog.saved.connect(lambda view: self._changed(view.id))
        self._open(dialog)
        return dialog

    @Slot(QModelIndex)
    def _on_double_click(self, index: QModelIndex) -> None:
        if index.isValid() and not self.read_only:
            self.edit_evaluation(self.model.evaluation(self.proxy.mapToSource(index).row()))

    @Slot()
    def delete_selected(self) -> bool:
        ev = self.selected_evaluation()
        if ev is None or self.read_only:
            return False
        if not self.ask_confirm(
            tr(
                f"删除 {ev.date.isoformat()} {ev.agent_code} {ev.agent_name} 的质检记录（{fmt_num(ev.score)} 分）？"
                "\n如果是申诉成立，请改用“申诉改判”，以保留记录和原因。",
                f"Delete the evaluation of {ev.agent_code} {ev.agent_name} on {ev.date.isoformat()} "
                f"({fmt_num(ev.score)})?\nIf an appeal was upheld, use Overturn instead to keep the record and reason.",
            )
        ):
            return False
        try:
            with self.db.session_scope(write=True) as session:
                delete_evaluation(session, ev.id)
        except Exception as exc:  # noqa: BLE001 - a short message; unexpected ones are logged
            self.message = show_error(self, exc)
            return False
        self._changed()
        return True

    @Slot()
    def overturn_selected(self) -> OverturnDialog | None:
        ev = self.selected_evaluation()
        if ev is None or self.read_only or not ev.valid:
            return None

        def overturn(reason: str) -> EvaluationView:
            with self.db.session_scope(write=True) as session:
                return overturn_evaluation(session, ev.id, reason)

        dialog = OverturnDialog(ev, overturn, parent=self)
        dialog.saved.connect(lambda view: self._changed(view.id))
        self._open(dialog)
        return dialog

    @Slot()
    def appeal_selected(self) -> QDialog | None:
        """申诉: the appeal form, prefilled with the selected evaluation."""
        ev = self.selected_evaluation()
        if ev is None or not ev.valid:
            return None
        from ui.pages.appeals_page import open_appeal_form

        text = f"{ev.date.isoformat()} {ev.agent_code} {ev.agent_name} {fmt_num(ev.score)}"
        return open_appeal_form(self, AppealInput("qa", ev.agent_code, ev.date, date.today(), "", record_id=ev.id),
                                text)

    @Slot()
    def reinstate_selected(self) -> bool:
        ev = self.selected_evaluation()
        if ev is None or self.read_only or ev.valid:
            return False
        try:
            with self.db.session_scope(write=True) as session:
                reinstate_evaluation(session, ev.id)
        except Exception as exc:  # noqa: BLE001 - a short message; unexpected ones are logged
            self.message = show_error(self, exc)
            return False
        self._changed(ev.id)
        return True

    @Slot()
    def import_file(self) -> ImportFlow | None:
        if self.read_only:
            return None
        return self.start_import(
            "qa",
            self.import_button,
            lambda _result: self._changed(),
            enable_after=lambda: not self.read_only,
        )

    @Slot()
    def export_template(self) -> Path | None:
        return self.save_template("qa", "质检导入模板.xlsx", "qa-template.xlsx")

    # --- summary ------------------------------------------------------------------------------

    @Slot(QModelIndex)
    def _on_summary_double_click(self, index: QModelIndex) -> None:
        if not index.isValid():
            return
        row = self.summary_proxy.mapToSource(index).row()
        self.show_agent_evaluations(self.summary_model.summary(row).agent_code)

    def show_agent_evaluations(self, code: str) -> None:
        self.status_filter.setCurrentIndex(0)
        self.scorecard_filter.setCurrentIndex(0)
        self.search.setText(code)
        self.tabs.setCurrentIndex(TAB_EVALUATIONS)

    # --- scorecards -----------------------------------------------------------------------------

    def current_card(self) -> ScorecardView | None:
        index = self.cards_view.currentIndex()
        if not index.isValid() or index.row() >= self.cards_model.rowCount():
            return None
        return self.cards_model.card(index.row())

    @Slot(QModelIndex, QModelIndex)
    def _on_card(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self._show_card(self.cards_model.card(current.row()) if current.isValid() else None)

    def _show_card(self, card: ScorecardView | None) -> None:
        self.items_model.set_items(card.items if card else ())
        self.edit_card_button.setEnabled(card is not None)
        if card is None:
            self.card_info.setText("")
            return
        self.items_table.fit_columns()
        self.card_info.setText(
            tr(
                f"<b>{card.name}</b>（{card.code}，第 {card.version} 版）：{len(card.items)} 项，满分合计 "
                f"{fmt_num(card.total)}；已用于 {card.used} 条质检记录。",
                f"<b>{card.name}</b> ({card.code}, version {card.version}): {len(card.items)} items totalling "
                f"{fmt_num(card.total)}; used by {card.used} evaluation(s).",
            )
        )

    def select_card(self, code: str) -> bool:
        row = self.cards_model.row_of(code)
        if row < 0:
            return False
        self.cards_view.setCurrentIndex(self.cards_model.index(row, 0))
        return True

    @Slot()
    def edit_scorecard(self) -> ScorecardDialog | None:
        card = self.current_card()
        if card is None:
            return None

        def save(name: str, items: list[ScorecardItemInput]) -> ScorecardSaved:
            with self.db.session_scope(write=True) as session:
                return edit_scorecard(session, card.code, name, items)

        dialog = ScorecardDialog(card, save, parent=self)
        dialog.saved.connect(self._on_scorecard_saved)
        self._open(dialog)
        return dialog

    @Slot(object)
    def _on_scorecard_saved(self, result: ScorecardSaved) -> None:
        self._card_after = result.card.code  # once the cards are read again
        self.refresh()
        self.data_changed.emit("quality")
        if result.new_version:
            text = tr(
                f"已生成「{result.card.name}」第 {result.card.version} 版。此前的质检记录仍按第 "
                f"{result.previous_version} 版保存；今后新增的评估使用新版本。",
                f"Version {result.card.version} of “{result.card.name}” was created. Earlier evaluations keep "
                f"version {result.previous_version}; new evaluations use the new version.",
            )
        else:
            text = tr(f"评分表「{result.card.name}」已保存。", f"Scorecard “{result.card.name}” saved.")
        self.message = show_message(self, text, icon=QMessageBox.Icon.Information)
