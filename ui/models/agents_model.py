"""Table model over :func:`app.services.agents.list_agents`, and the proxy that sorts, searches and filters it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from enum import Enum
from typing import Any

from PySide6.QtCore import (
    QObject,
    Qt,
)

from app.i18n import tr
from app.money import ZERO, fmt_money
from app.services.agents import AgentView
from ui.models.common import RIGHT, FilterProxy, Index, ReadOnlyTableModel, alignment, disabled_brush

COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("code", "工号", "Code"),
    ("name", "姓名", "Name"),
    ("role", "岗位", "Role"),
    ("team", "团队", "Team"),
    ("base_salary", "底薪", "Base salary"),
    ("hire_date", "入职日期", "Hire date"),
    ("leave_date", "离职日期", "Leave date"),
    ("status", "状态", "Status"),
)
COLUMN_KEYS = tuple(key for key, _, _ in COLUMNS)
COL_BASE = COLUMN_KEYS.index("base_salary")


def status_label(agent: AgentView) -> str:
    return tr("在职", "Active") if agent.active else tr("离职", "Left")


class AgentsModel(ReadOnlyTableModel):
    """One row per agent, in the order the service gives (by code)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._agents: list[AgentView] = []

    def set_agents(self, agents: Sequence[AgentView]) -> None:
        self.beginResetModel()
        self._agents = list(agents)
        self.endResetModel()

    def agent(self, row: int) -> AgentView:
        return self._agents[row]

    def agents(self) -> list[AgentView]:
        return list(self._agents)

    def teams(self) -> list[str]:
        return sorted({a.team for a in self._agents if a.team})

    def row_of(self, code: str) -> int:
        for row, agent in enumerate(self._agents):
            if agent.code == code:
                return row
        return -1

    # --- Qt overrides -------------------------------------------------------------

    def _count(self) -> int:
        return len(self._agents)

    def _column_count(self) -> int:
        return len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(COLUMNS):
            if role == Qt.ItemDataRole.DisplayRole:
                _, zh, en = COLUMNS[section]
                return tr(zh, en)
            if role == Qt.ItemDataRole.TextAlignmentRole and section == COL_BASE:
                return RIGHT
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._agents)):
            return None
        agent = self._agents[index.row()]
        key = COLUMN_KEYS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self.display(agent, key)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return alignment(key == "base_salary")
        if role == Qt.ItemDataRole.ForegroundRole and not agent.active:
            return disabled_brush()
        if role == Qt.ItemDataRole.ToolTipRole and key == "code" and agent.has_payslip_password:
            return tr("已设置工资条密码", "Payslip password set")
        return None

    @staticmethod
    def display(agent: AgentView, key: str) -> str:
        if key == "base_salary":
            return fmt_money(agent.base_salary)
        if key == "hire_date":
            return agent.hire_date.isoformat()
        if key == "leave_date":
            return agent.leave_date.isoformat() if agent.leave_date else ""
        if key == "status":
            return status_label(agent)
        return str(getattr(agent, key))

    @staticmethod
    def sort_key(agent: AgentView, key: str) -> tuple[int, Any]:
        """Numbers sort as numbers and dates as dates; empty values go last."""
        value: Any
        if key == "status":
            value = 0 if agent.active else 1
        elif key == "leave_date":
            return (1, date.max) if agent.leave_date is None else (0, agent.leave_date)
        else:
            value = getattr(agent, key)
        if isinstance(value, str):
            return (0 if value else 1, value.casefold())
        return (0, value)


class StatusFilter(Enum):
    ALL = "all"
    ACTIVE = "active"
    LEFT = "left"
    EMPLOYED_IN_MONTH = "month"


class AgentsProxy(FilterProxy):
    """Search (code, name, team, role), team and status filters; typed sorting."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._team: str | None = None
        self._status = StatusFilter.ALL
        self._month_bounds: tuple[date, date] | None = None
        self.setSortCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)

    def source(self) -> AgentsModel:
        model = self.sourceModel()
        assert isinstance(model, AgentsModel)
        return model

    def set_team(self, team: str | None) -> None:
        def change() -> None:
            self._team = team or None

        self._refilter(change)

    def set_status(self, status: StatusFilter) -> None:
        def change() -> None:
            self._status = status

        self._refilter(change)

    def set_month_bounds(self, first: date, last: date) -> None:
        def change() -> None:
            self._month_bounds = (first, last)

        if self._status is StatusFilter.EMPLOYED_IN_MONTH:
            self._refilter(change)
        else:
            change()

    def accepts(self, agent: AgentView) -> bool:
        if self._team is not None and agent.team != self._team:
            return False
        if self._status is StatusFilter.ACTIVE and not agent.active:
            return False
        if self._status is StatusFilter.LEFT and agent.active:
            return False
        if (
            self._status is StatusFilter.EMPLOYED_IN_MONTH
            and self._month_bounds is not None
            and not agent.employed_in(*self._month_bounds)
        ):
            return False
        if self._search:
            haystack = (agent.code, agent.name, agent.team, agent.role)
            if not any(self._search in part.casefold() for part in haystack):
                return False
        return True

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        if source_parent.isValid():
            return False
        return self.accepts(self.source().agent(source_row))

    def lessThan(self, left: Index, right: Index) -> bool:
        key = COLUMN_KEYS[left.column()]
        model = self.source()
        return model.sort_key(model.agent(left.row()), key) < model.sort_key(model.agent(right.row()), key)

    def visible_agents(self) -> list[AgentView]:
        model = self.source()
        return [model.agent(self.mapToSource(self.index(row, 0)).row()) for row in range(self.rowCount())]

    def totals(self) -> tuple[int, Decimal]:
        shown = self.visible_agents()
        return len(shown), sum((a.base_salary for a in shown), ZERO)
