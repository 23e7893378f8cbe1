"""人员 Agents: the roster as a sortable, searchable table with add, edit, leave, import and template export."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import QModelIndex, Qt, Slot
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from app.i18n import language, tr
from app.money import fmt_money
from app.services.agents import AgentInput, AgentView, add_agent, deactivate_agent, edit_agent, list_agents
from db.session import Database
from ui.dialogs.agent_dialog import AgentDialog, LeaveDateDialog
from ui.errors import show_error, show_message
from ui.importing import ImportFlow
from ui.models.agents_model import AgentsModel, AgentsProxy, StatusFilter
from ui.pages.base import Page
from ui.pages.overview_page import month_bounds
from ui.widgets.table_view import TableView

SPREADSHEET_FILTER_ZH = "表格文件 (*.xlsx *.csv);;Excel 文件 (*.xlsx);;CSV 文件 (*.csv)"
SPREADSHEET_FILTER_EN = "Spreadsheets (*.xlsx *.csv);;Excel files (*.xlsx);;CSV files (*.csv)"


class AgentsPage(Page):
    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(db, parent)
        self.model = AgentsModel(self)
        self.proxy = AgentsProxy(self)
        self.proxy.setSourceModel(self.model)
        self.import_flow: ImportFlow | None = None
        self.dialog: AgentDialog | LeaveDateDialog | None = None
        self.message: QMessageBox | None = None

        style = self.style()

        self.search = QLineEdit(self)
        self.search.setPlaceholderText(tr("搜索工号、姓名、团队…", "Search code, name, team…"))
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self.proxy.set_search)

        self.team_filter = QComboBox(self)
        self.team_filter.setToolTip(tr("按团队筛选", "Filter by team"))
        self.team_filter.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.team_filter.currentIndexChanged.connect(self._on_team)

        self.status_filter = QComboBox(self)
        self.status_filter.setToolTip(tr("按在职状态筛选", "Filter by status"))
        for text, value in (
            (tr("全部人员", "All agents"), StatusFilter.ALL),
            (tr("在职", "Active"), StatusFilter.ACTIVE),
            (tr("已离职", "Left"), StatusFilter.LEFT),
            (tr("本月在岗", "Employed this month"), StatusFilter.EMPLOYED_IN_MONTH),
        ):
            self.status_filter.addItem(text, value)
        self.status_filter.currentIndexChanged.connect(self._on_status)

        def button(text: str, icon: QStyle.StandardPixmap, tip: str) -> QPushButton:
            b = QPushButton(style.standardIcon(icon), text, self)
            b.setToolTip(tip)
            return b

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
        self.import_button = button(
            tr("导入…", "Import…"),
            QStyle.StandardPixmap.SP_DialogOpenButton,
            tr("从 Excel 或 CSV 文件导入人员", "Import agents from an Excel or CSV file"),
        )
        self.template_button = button(
            tr("导出模板…", "Export template…"),
            QStyle.StandardPixmap.SP_DialogSaveButton,
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

        self.totals = QLabel(self)
        self.totals.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.totals.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        for signal in (
            self.proxy.modelReset,
            self.proxy.rowsInserted,
            self.proxy.rowsRemoved,
            self.proxy.layoutChanged,
        ):
            signal.connect(self._update_totals)

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

    # --- replaceable for tests (Dangerzone style) -----------------------------------

    def ask_open_file(self) -> Path | None:
        name, _ = QFileDialog.getOpenFileName(
            self,
            tr("选择要导入的人员文件", "Choose the agents file to import"),
            "",
            tr(SPREADSHEET_FILTER_ZH, SPREADSHEET_FILTER_EN),
        )
        return Path(name) if name else None

    def ask_save_file(self, suggested: str) -> Path | None:
        name, _ = QFileDialog.getSaveFileName(
            self,
            tr("保存导入模板", "Save the import template"),
            suggested,
            tr("Excel 文件 (*.xlsx)", "Excel files (*.xlsx)"),
        )
        return Path(name) if name else None

    # --- data -------------------------------------------------------------------------

    def refresh(self) -> None:
        selected = self.selected_agent()
        with self.db.session_scope() as session:
            agents = list_agents(session)
        first_fill = self.model.rowCount() == 0
        self.model.set_agents(agents)
        if first_fill:
            self.table.fit_columns()
        self._fill_teams()
        self._update_totals()
        if selected is not None:
            self.select_code(selected.code)
        self._update_buttons()

    def month_changed(self, month: str) -> None:
        self.proxy.set_month_bounds(*month_bounds(month))

    def _fill_teams(self) -> None:
        current = self.team_filter.currentData()
        self.team_filter.blockSignals(True)
        self.team_filter.clear()
        self.team_filter.addItem(tr("全部团队", "All teams"), None)
        for team in self.model.teams():
            self.team_filter.addItem(team, team)
        index = self.team_filter.findData(current) if current else 0
        self.team_filter.setCurrentIndex(max(index, 0))
        self.team_filter.blockSignals(False)
        self.proxy.set_team(self.team_filter.currentData())

    @Slot(int)
    def _on_team(self, _index: int) -> None:
        self.proxy.set_team(self.team_filter.currentData())

    @Slot(int)
    def _on_status(self, _index: int) -> None:
        self.proxy.set_status(self.status_filter.currentData())

    @Slot()
    def _update_totals(self) -> None:
        count, total = self.proxy.totals()
        shown_all = count == self.model.rowCount()
        prefix = (
            ""
            if shown_all
            else tr(
                f"筛选出 {count} / {self.model.rowCount()} 人；",
                f"{count} of {self.model.rowCount()} shown; ",
            )
        )
        self.totals.setText(
            prefix
            + tr(
                f"共 {count} 人，底薪合计 {fmt_money(total)} 元",
                f"{count} agents, base salary total {fmt_money(total)}",
            )
        )

    def selected_agent(self) -> AgentView | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        if not rows:
            return None
        return self.model.agent(self.proxy.mapToSource(rows[0]).row())

    def select_code(self, code: str) -> bool:
        row = self.model.row_of(code)
        if row < 0:
            return False
        index = self.proxy.mapFromSource(self.model.index(row, 0))
        if not index.isValid():
            return False
        self.table.selectRow(index.row())
        self.table.scrollTo(index)
        return True

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
            with self.db.session_scope() as session:
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
            with self.db.session_scope() as session:
                return edit_agent(session, agent.code, data)

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
            with self.db.session_scope() as session:
                return deactivate_agent(session, agent.code, leave)

        dialog = LeaveDateDialog(agent, deactivate, parent=self)
        dialog.saved.connect(lambda view: self._changed(view.code))
        dialog.finished.connect(dialog.deleteLater)
        self.dialog = dialog
        dialog.open()
        return dialog

    @Slot()
    def import_file(self) -> ImportFlow | None:
        path = self.ask_open_file()
        if path is None:
            return None
        self.import_button.setEnabled(False)
        flow = ImportFlow(self, self.db, "agents", path)
        flow.committed.connect(lambda _result: self._changed())
        flow.finished.connect(lambda: self.import_button.setEnabled(True))
        self.import_flow = flow
        return flow.start()

    @Slot()
    def export_template(self) -> Path | None:
        path = self.ask_save_file(tr("人员导入模板.xlsx", "agents-template.xlsx"))
        if path is None:
            return None
        if path.suffix.lower() != ".xlsx":
            path = path.with_name(path.name + ".xlsx")
        try:
            # Imported when used: openpyxl is not needed to start the app.
            from app.importers.templates import write_template

            write_template("agents", path, language())
        except Exception as exc:  # noqa: BLE001 - a short message; unexpected ones are logged
            self.message = show_error(self, exc)
            return None
        self.message = show_message(
            self, tr(f"模板已保存：{path}", f"Template saved: {path}"), icon=QMessageBox.Icon.Information
        )
        return path
