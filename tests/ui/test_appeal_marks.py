"""A record's appeal shown on the grids (docs/pay-rules.md §11): the attendance grid and the KPI metrics grid
mark a cell whose record has a pending or upheld appeal, with a tooltip saying which; the 申诉 page's buttons
follow the signed-in user's roles (§10) — real widgets."""

from __future__ import annotations

from datetime import date

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from app.services.appeals import AppealInput, decide_appeal, file_appeal
from db.models import Agent, AttendanceRecord
from db.session import Database
from tests.ui.branch_users import add_chain
from ui.main_window import MainWindow
from ui.models.appeal_marks import APPEAL_COLOURS
from ui.pages.appeals_page import AppealsPage
from ui.pages.attendance_page import AttendancePage
from ui.pages.rewards_page import RewardsPage

pytestmark = pytest.mark.gui

MONTH = "2026-10"
BG, TIP = 8, 3  # Qt.ItemDataRole.BackgroundRole, ToolTipRole


def _records(db: Database) -> list[tuple[str, date, int]]:
    """(agent code, day, record id) of two attendance records on different cells."""
    with db.session_scope() as s:
        rows = s.execute(select(Agent.code, AttendanceRecord.date, AttendanceRecord.id)
                         .join(Agent, Agent.id == AttendanceRecord.agent_id)
                         .where(AttendanceRecord.kind.in_(("late", "away", "early_leave")))
                         .order_by(AttendanceRecord.id)).all()
    seen: dict[tuple[str, date], int] = {}
    for code, day, rid in rows:
        seen.setdefault((code, day), rid)
    return [(code, day, rid) for (code, day), rid in list(seen.items())[:2]]


def _file(db: Database, kind: str, code: str, day: date, **extra: object) -> int:
    with db.session_scope(write=True) as s:
        return file_appeal(s, AppealInput(kind, code, day, day, "不认可", **extra)).id  # type: ignore[arg-type]


def _decide(db: Database, appeal_id: int, upheld: bool, value: str | None = None) -> None:
    with db.session_scope(write=True) as s:
        decide_appeal(s, appeal_id, upheld=upheld, comment="核实", value=value)


def test_the_attendance_grid_marks_a_cell_with_a_pending_or_upheld_appeal(qtbot: QtBot, example_db: Database) -> None:
    (code1, day1, rid1), (code2, day2, rid2) = _records(example_db)
    pending = _file(example_db, "attendance", code1, day1, record_id=rid1)
    upheld = _file(example_db, "attendance", code2, day2, record_id=rid2)
    _decide(example_db, upheld, True)
    page = AttendancePage(example_db)
    qtbot.addWidget(page)
    page.set_month(MONTH)
    model = page.model

    def cell(code: str, day: date) -> tuple[object, str]:
        index = model.index(model.row_of(code), model.column_of(day))
        return model.data(index, BG), str(model.data(index, TIP))

    brush, tip = cell(code1, day1)
    assert brush is not None and brush.color() == APPEAL_COLOURS["pending"]  # type: ignore[attr-defined]
    assert f"申诉 #{pending}：待处理" in tip
    brush, tip = cell(code2, day2)
    assert brush is not None and brush.color() == APPEAL_COLOURS["upheld"]  # type: ignore[attr-defined]
    assert f"申诉 #{upheld}：成立" in tip
    # a cell nobody appealed keeps its day colour and says nothing about appeals
    other = next(d for d in (date(2026, 10, 12), date(2026, 10, 13), date(2026, 10, 14)) if d not in (day1, day2))
    brush, tip = cell(code1, other)
    assert brush is None or brush.color() not in APPEAL_COLOURS.values()  # type: ignore[attr-defined]
    assert "申诉" not in tip

    # rejected: the record stood, the mark goes (the page refreshes on the appeals page's signal)
    _decide(example_db, pending, False)
    page.refresh()
    brush, tip = cell(code1, day1)
    assert (brush is None or brush.color() not in APPEAL_COLOURS.values()) and "申诉" not in tip  # type: ignore[attr-defined]
    assert "appeals" in AttendancePage.reads


def test_the_kpi_grid_marks_an_appealed_value(qtbot: QtBot, example_db: Database) -> None:
    appeal = _file(example_db, "metric", "A002", date(2026, 10, 31), indicator="answer_rate")
    page = RewardsPage(example_db)
    qtbot.addWidget(page)
    page.set_month(MONTH)
    model = page.metrics.model
    brush = model.data(model.cell("A002", "answer_rate"), BG)
    assert brush is not None and brush.color() == APPEAL_COLOURS["pending"]
    assert f"申诉 #{appeal}：待处理" in str(model.data(model.cell("A002", "answer_rate"), TIP))
    assert model.data(model.cell("A001", "answer_rate"), TIP) is None  # not appealed
    _decide(example_db, appeal, True, "95%")
    page.refresh()
    assert model.data(model.cell("A002", "answer_rate"), BG).color() == APPEAL_COLOURS["upheld"]
    assert f"申诉 #{appeal}：成立" in str(model.data(model.cell("A002", "answer_rate"), TIP))
    assert "appeals" in RewardsPage.reads


@pytest.fixture
def branch(example_db: Database) -> Database:
    """boss (admin), clara (clerk), rita (reviewer)."""
    return add_chain(example_db, (("clara", "clerk"), ("rita", "reviewer")), ("review", "approve"))


def test_the_appeal_buttons_follow_the_users_roles(qtbot: QtBot, branch: Database) -> None:
    branch.acting_user = "clara"
    appeal = _file(branch, "metric", "A002", date(2026, 10, 31), indicator="answer_rate")
    branch.acting_user = "rita"  # a reviewer: files and decides no appeal
    window = MainWindow(branch, month=MONTH)
    qtbot.addWidget(window)
    appeals = window.show_area("appeals")
    assert isinstance(appeals, AppealsPage)
    assert appeals.select_appeal(appeal)
    for button in (appeals.new_button, appeals.decide_button, appeals.import_button):
        assert not button.isEnabled() and "核算（clerk）" in button.toolTip(), button.text()
    appeals.decide_button.setEnabled(True)  # what the page does when a pending appeal is selected
    assert not appeals.decide_button.isEnabled()
    attendance = window.show_area("attendance")
    assert isinstance(attendance, AttendancePage) and not attendance.appeal_button.isEnabled()
    rewards = window.show_area("rewards")
    assert isinstance(rewards, RewardsPage) and not rewards.metric_appeal.isEnabled()

    branch.acting_user = "clara"  # the clerk signs in
    window.update_user_label()
    window.show_area("appeals")
    assert appeals.new_button.isEnabled() and "clerk" not in appeals.new_button.toolTip()
    assert appeals.select_appeal(appeal) and appeals.decide_button.isEnabled()
