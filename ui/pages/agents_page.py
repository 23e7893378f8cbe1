"""人员 Agents: the roster as a sortable, searchable table with add, edit, leave, import and template export."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import QModelIndex, Qt, Slot
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from app.calendar import month_bounds
from app.i18n import tr
from app.money import fmt_money
from app.services.agents import AgentInput, AgentView, add_agent, deactivate_agent, edit_agent, list_agents
from db.session import Database
from ui.dialogs.agent_dialog import AgentDialog, LeaveDateDialog
from ui.importing import ImportFlow
from ui.models.agents_model import AgentsModel, AgentsProxy, StatusFilter
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
from ui.widgets.table_view import TableView


class AgentsPage(Page):
    reads = frozenset({"agents"})

    import_dialog_title = ("选择要导入的人员文件", "Choose the agents file to import")

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(db, parent)
        self.model = AgentsModel(self)
        self.proxy = AgentsProxy(self)
        self.proxy.setSourceModel(self.model)
        self.dialog: AgentDialog | LeaveDateDialog | None = None

        self.search = search_box(
            self, tr("搜索工号、姓名、团队…", "Search code, name, team…"), self.proxy.set_search
        )
        self.team_filter = filter_combo(self, tr("按团队筛选", "Filter by team"), on_change=self._on_team)
        self.status_filter = filter_combo(
            self,
            tr("按在职状态筛选", "Filter by status"),
            (
                (tr("全部人员", "All agents"), StatusFilter.ALL),
                (tr("在职", "Active"), StatusFilter.ACTIVE),
                (tr("已离职", "Left"), StatusFilter.LEFT),
                (tr("本月在岗", "Employed this month"), StatusFilter.EMPLOYED_IN_MONTH),
            ),
            self._on_status,
        )

        def button(text: str, icon: QStyle.StandardPixmap, tip: str) -> QPushButton:
            return push_button(self, text, icon, tip)

        self.add_button = button(
            tr("添加", "Add"), QStyle.StandardPixmap.SP_FileIcon, tr("添加一名人员", "Add an agent")
        )
        self.edit_button = button(
            tr("编辑", "Edit"),
            QStyle.StandardPixmap.SP_FileDialogDetailedView,
            tr("编辑选中的人员（或双击）", "Edit the selected agent (or double-click)"),
        )
        self.leave_button = button(
            tr("办理离职", "Mark as left"),
            QStyle.StandardPixmap.SP_DialogCancelButton,
            tr("为选中的人员填写离职日期", "Enter a leave date for the selected agent"),
        )
        self.import_button, self.template_button = self.file_buttons(
            tr("从 Excel 或 CSV 文件导入人员", "Import agents from an Excel or CSV file"),
            tr("保存人员导入模板（Excel）", "Save the agents import template (Excel)"),
        )
        self.add_button.clicked.connect(self.add_agent)
        self.edit_button.clicked.connect(self.edit_selected)
        self.leave_button.clicked.connect(self.deactivate_selected)
        self.import_button.clicked.connect(self.import_file)
        self.template_button.clicked.connect(self.export_template)

        self.table = TableView(self)
        self.table.setModel(self.proxy)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.doubleClicked.connect(self._on_double_click)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        QShortcut(QKeySequence(Qt.Key.Key_Return), self.table, self.edit_selected)

        self.totals = totals_label(self)
        on_rows_changed(self.proxy, self._update_totals)

        filters = QHBoxLayout()
        filters.addWidget(self.search, 2)
        filters.addWidget(self.team_filter)
        filters.addWidget(self.status_filter)
        filters.addStretch(1)

        actions = QHBoxLayout()
        for b in (self.add_button, self.edit_button, self.leave_button):
            actions.addWidget(b)
        actions.addStretch(1)
        actions.addWidget(self.import_button)
        actions.addWidget(self.template_button)

        layout = QVBoxLayout(self)
        layout.addLayout(actions)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.totals)

        self.refresh()

    # --- data -------------------------------------------------------------------------

    def refresh(self) -> None:
        selected = self.selected_agent()
        with self.db.session_scope() as session:
            agents = list_agents(session)
        first_fill = self.model.rowCount() == 0
        self.model.set_agents(agents)
        if first_fill:
            self.table.fit_columns_to_texts()
        self._fill_teams()
        self._update_totals()
        if selected is not None:
            self.select_code(selected.code)
        self._update_buttons()

    def month_changed(self, month: str) -> None:
        self.proxy.set_month_bounds(*month_bounds(month))

    def _fill_teams(self) -> None:
        teams = ((team, team) for team in self.model.teams())
        self.proxy.set_team(refill_combo(self.team_filter, tr("全部团队", "All teams"), teams))

    @Slot(int)
    def _on_team(self, _index: int) -> None:
        self.proxy.set_team(self.team_filter.currentData())

    @Slot(int)
    def _on_status(self, _index: int) -> None:
        self.proxy.set_status(self.status_filter.currentData())

    @Slot()
    def _update_totals(self) -> None:
        count, total = self.proxy.totals()
        prefix = filtered_prefix(count, self.model.rowCount(), "人")
        self.totals.setText(
            prefix
            + tr(
                f"共 {count} 人，底薪合计 {fmt_money(total)} 元",
                f"{count} agents, base salary total {fmt_money(total)}",
            )
        )

    def selected_agent(self) -> AgentView | None:
        row = self.table.selected_source_row()
        return None if row is None else self.model.agent(row)

    def select_code(self, code: str) -> bool:
        return self.table.select_source_row(self.model.row_of(code))

    @Slot()
    def _update_buttons(self) -> None:
        agent = self.selected_agent()
        self.edit_button.setEnabled(agent is not None)
        self.leave_button.setEnabled(agent is not None and agent.active)

    def _changed(self, code: str | None = None) -> None:
        self.refresh()
        if code:
            self.select_code(code)
        self.data_changed.emit("agents")

    # --- actions ----------------------------------------------------------------------

    @Slot()
    def add_agent(self) -> AgentDialog:
        def save(data: AgentInput) -> AgentView:
            with self.db.session_scope(write=True) as session:
                return add_agent(session, data)

        return self._open_agent_dialog(AgentDialog(save, teams=self.model.teams(), parent=self))

    @Slot()
    def edit_selected(self) -> AgentDialog | None:
        agent = self.selected_agent()
        if agent is None:
            return None
        return self.edit_agent(agent)

    def edit_agent(self, agent: AgentView) -> AgentDialog:
        def save(data: AgentInput) -> AgentView:
            with self.db.session_scope(write=True) as session:
                return edit_agent(session, agent.code, data, expected_version=agent.version)

        return self._open_agent_dialog(AgentDialog(save, agent=agent, teams=self.model.teams(), parent=self))

    def _open_agent_dialog(self, dialog: AgentDialog) -> AgentDialog:
        dialog.saved.connect(lambda view: self._changed(view.code))
        dialog.finished.connect(dialog.deleteLater)
        self.dialog = dialog
        dialog.open()
        return dialog

    @Slot(QModelIndex)
    def _on_double_click(self, index: QModelIndex) -> None:
        if index.isValid():
            self.edit_agent(self.model.agent(self.proxy.mapToSource(index).row()))

    @Slot()
    def deactivate_selected(self) -> LeaveDateDialog | None:
        agent = self.selected_agent()
        if agent is None or not agent.active:
            return None

        def deactivate(leave: date) -> AgentView:
            with self.db.session_scope(write=True) as session:
                return deactivate_agent(session, agent.code, leave)

        dialog = LeaveDateDialog(agent, deactivate, parent=self)
        dialog.saved.connect(lambda view: self._changed(view.code))
        dialog.finished.connect(dialog.deleteLater)
        self.dialog = dialog
        dialog.open()
        return dialog

    @Slot()
    def import_file(self) -> ImportFlow | None:
        return self.start_import("agents", self.import_button, lambda _result: self._changed())

    @Slot()
    def export_template(self) -> Path | None:
        return self.save_template("agents", "人员导入模板.xlsx", "agents-template.xlsx")
