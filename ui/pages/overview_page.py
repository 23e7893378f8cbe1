"""概览 Overview: real counts for the selected month, and where to start when the database is empty."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout, QFrame, QLabel, QVBoxLayout, QWidget
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from app.i18n import tr
from app.services.months import month_status
from db.models import Adjustment, Agent, AttendanceRecord, Policy, QAEvaluation
from db.session import Database
from ui.pages.base import Page


def status_text(status: str) -> str:
    return {
        "open": tr("未核算", "not calculated"),
        "calculated": tr("已核算（未锁定）", "calculated (not locked)"),
        "locked": tr("已锁定（只读）", "locked (read-only)"),
    }.get(status, status)


def month_bounds(month: str) -> tuple[date, date]:
    year, mon = (int(part) for part in month.split("-"))
    return date(year, mon, 1), date(year, mon, calendar.monthrange(year, mon)[1])


@dataclass(frozen=True)
class Counts:
    active_agents: int
    left_agents: int
    status: str
    attendance: int
    qa: int
    policies: int
    adjustments: int


def read_counts(session: Session, month: str) -> Counts:
    first, last = month_bounds(month)

    def count(stmt: Select[Any]) -> int:
        return int(session.scalar(stmt) or 0)

    return Counts(
        active_agents=count(select(func.count(Agent.id)).where(Agent.leave_date.is_(None))),
        left_agents=count(select(func.count(Agent.id)).where(Agent.leave_date.is_not(None))),
        status=month_status(session, month),
        attendance=count(
            select(func.count(AttendanceRecord.id)).where(AttendanceRecord.date.between(first, last))
        ),
        qa=count(select(func.count(QAEvaluation.id)).where(QAEvaluation.date.between(first, last))),
        policies=count(select(func.count(Policy.id)).where(Policy.sign_date.between(first, last))),
        adjustments=count(select(func.count(Adjustment.id)).where(Adjustment.month == month)),
    )


class OverviewPage(Page):
    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(db, parent)
        self.heading = QLabel(self)
        font = self.heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.heading.setFont(font)

        self.values: dict[str, QLabel] = {}
        box = QFrame(self)
        box.setFrameShape(QFrame.Shape.StyledPanel)
        box.setMaximumWidth(560)
        form = QFormLayout(box)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        for key, label in (
            ("status", tr("本月状态", "Month status")),
            ("active_agents", tr("在职人员", "Active agents")),
            ("left_agents", tr("已离职人员", "Agents who left")),
            ("attendance", tr("本月考勤记录", "Attendance records this month")),
            ("qa", tr("本月质检记录", "QA evaluations this month")),
            ("policies", tr("本月签单保单", "Policies signed this month")),
            ("adjustments", tr("本月奖惩调整", "Adjustments this month")),
        ):
            value = QLabel(self)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.values[key] = value
            form.addRow(label + tr("：", ":"), value)

        self.hint = QLabel(self)
        self.hint.setWordWrap(True)

        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(box)
        layout.addWidget(self.hint)
        layout.addStretch(1)

    def refresh(self) -> None:
        if not self.month:
            return
        with self.db.session_scope() as session:
            counts = read_counts(session, self.month)
        self.heading.setText(tr(f"{self.month} 概览", f"Overview of {self.month}"))
        self.values["status"].setText(status_text(counts.status))
        for key in ("active_agents", "left_agents", "attendance", "qa", "policies", "adjustments"):
            self.values[key].setText(str(getattr(counts, key)))
        if counts.active_agents == 0 and counts.left_agents == 0:
            self.hint.setText(
                tr(
                    "还没有任何人员。请先到左侧「人员」页添加人员，或用「导入…」从 Excel 导入。",
                    "There are no agents yet. Start on the Agents page: add agents, or import them from Excel.",
                )
            )
        else:
            self.hint.setText("")
