"""Complaints, praise, adjustments and the KPI metrics grid (docs/pay-rules.md §3.5, §3.7–3.8, §4).

No Qt here.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.services.agents import AgentInput, add_agent
from app.services.errors import MonthLocked, ValidationFailed
from app.services.rewards import (
    AdjustmentInput,
    ComplaintInput,
    MetricCell,
    PraiseInput,
    add_adjustment,
    add_complaint,
    add_praise,
    delete_adjustment,
    delete_complaint,
    delete_praise,
    edit_adjustment,
    edit_complaint,
    list_adjustments,
    list_complaints,
    list_praise,
    metrics_grid,
    set_complaint_status,
    set_metric,
    set_metrics,
)
from app.services.setup import initialise
from db.models import AuditLog, KpiMetric, MonthStatus
from db.session import Database

MONTH = "2026-03"


@pytest.fixture
def session(tmp_path: Path) -> Iterator[Session]:
    db = Database(tmp_path / "r.sqlite3")
    with db.session_scope() as s:
        initialise(s)
        add_agent(s, AgentInput("A001", "张三", Decimal(4000), date(2024, 1, 1)))
        add_agent(s, AgentInput("A002", "李四", Decimal(3500), date(2026, 3, 10)))
        add_agent(
            s, AgentInput("B001", "王五", Decimal(5000), date(2023, 1, 1), leave_date=date(2026, 2, 28))
        )
        s.flush()
        yield s
    db.dispose()


def lock(session: Session, month: str = MONTH) -> None:
    session.add(MonthStatus(month=month, status="locked"))
    session.flush()


def actions(session: Session) -> list[str]:
    return [
        a.action
        for a in session.scalars(select(AuditLog).order_by(AuditLog.id))
        if not a.action.startswith(("agent.", "plan.", "scorecard"))
    ]


def test_complaints_add_edit_status_delete(session: Session) -> None:
    view = add_complaint(session, ComplaintInput("A001", date(2026, 3, 4), "city", description=" 态度差 "))
    assert (view.status, view.description, view.agent_name) == ("upheld", "态度差", "张三")
    edited = edit_complaint(
        session, view.id, ComplaintInput("A002", date(2026, 3, 12), "province", "pending")
    )
    assert (edited.agent_code, edited.level, edited.status) == ("A002", "province", "pending")
    assert set_complaint_status(session, view.id, "overturned").status == "overturned"
    assert [c.id for c in list_complaints(session, MONTH)] == [view.id]
    assert list_complaints(session, "2026-04") == []
    delete_complaint(session, view.id)
    assert list_complaints(session, MONTH) == []
    assert actions(session) == ["complaint.add", "complaint.edit", "complaint.status", "complaint.delete"]
    status_row = session.scalar(select(AuditLog).where(AuditLog.action == "complaint.status"))
    assert status_row is not None
    assert json.loads(status_row.before)["status"] == "pending"
    assert json.loads(status_row.after)["status"] == "overturned"


def test_complaint_input_is_checked(session: Session) -> None:
    with pytest.raises(ValidationFailed, match="投诉级别"):
        add_complaint(session, ComplaintInput("A001", date(2026, 3, 4), "galactic"))
    with pytest.raises(ValidationFailed, match="没有工号为"):
        add_complaint(session, ComplaintInput("X9", date(2026, 3, 4), "city"))
    with pytest.raises(ValidationFailed, match="投诉状态"):
        add_complaint(session, ComplaintInput("A001", date(2026, 3, 4), "city", "maybe"))


def test_locked_month_refuses_complaints_and_praise(session: Session) -> None:
    complaint = add_complaint(session, ComplaintInput("A001", date(2026, 3, 4), "hotline", "pending"))
    praise = add_praise(session, PraiseInput("A001", date(2026, 3, 5), "客户来信"))
    open_one = add_complaint(session, ComplaintInput("A001", date(2026, 4, 4), "hotline"))
    lock(session)
    with pytest.raises(MonthLocked):
        add_complaint(session, ComplaintInput("A001", date(2026, 3, 6), "city"))
    with pytest.raises(MonthLocked):
        set_complaint_status(session, complaint.id, "upheld")
    with pytest.raises(MonthLocked):
        delete_complaint(session, complaint.id)
    with pytest.raises(MonthLocked):  # moving an open month's complaint into the locked month
        edit_complaint(session, open_one.id, ComplaintInput("A001", date(2026, 3, 30), "hotline"))
    with pytest.raises(MonthLocked):
        add_praise(session, PraiseInput("A001", date(2026, 3, 6)))
    with pytest.raises(MonthLocked):
        delete_praise(session, praise.id)
    assert len(list_praise(session, MONTH)) == 1


def test_praise_add_and_delete_are_audited(session: Session) -> None:
    view = add_praise(session, PraiseInput("A002", date(2026, 3, 15), "锦旗"))
    assert list_praise(session, MONTH)[0].agent_name == "李四"
    delete_praise(session, view.id)
    assert list_praise(session, MONTH) == []
    assert actions(session) == ["praise.add", "praise.delete"]


def test_adjustments_need_a_reason_and_a_non_zero_amount(session: Session) -> None:
    with pytest.raises(ValidationFailed, match="原因不能为空"):
        add_adjustment(session, AdjustmentInput("A001", MONTH, Decimal("100"), "补发", "  "))
    with pytest.raises(ValidationFailed, match="金额不能为 0"):
        add_adjustment(session, AdjustmentInput("A001", MONTH, Decimal("0.00"), "补发", "少发"))
    with pytest.raises(ValidationFailed, match="金额请填写数字"):
        add_adjustment(session, AdjustmentInput("A001", MONTH, None, "补发", "少发"))
    with pytest.raises(ValidationFailed, match="YYYY-MM"):
        add_adjustment(session, AdjustmentInput("A001", "2026-13", Decimal(5), "补发", "少发"))
    view = add_adjustment(session, AdjustmentInput("A001", MONTH, Decimal("-120.50"), "追回", "多发餐补"))
    free = add_adjustment(session, AdjustmentInput("B001", MONTH, Decimal("80"), "交通补贴", "2 月出差"))
    assert [a.amount for a in list_adjustments(session, MONTH)] == [Decimal("-120.50"), Decimal("80")]
    assert free.category == "交通补贴"
    edited = edit_adjustment(
        session, view.id, AdjustmentInput("A001", MONTH, Decimal("-100"), "追回", "多发餐补")
    )
    assert edited.amount == Decimal("-100")
    delete_adjustment(session, free.id)
    assert actions(session) == ["adjustment.add", "adjustment.add", "adjustment.edit", "adjustment.delete"]


def test_locked_month_refuses_adjustments(session: Session) -> None:
    view = add_adjustment(session, AdjustmentInput("A001", MONTH, Decimal("50"), "补发", "少发"))
    lock(session)
    with pytest.raises(MonthLocked):
        add_adjustment(session, AdjustmentInput("A001", MONTH, Decimal("50"), "补发", "少发"))
    with pytest.raises(MonthLocked):
        edit_adjustment(session, view.id, AdjustmentInput("A001", "2026-04", Decimal("50"), "补发", "少发"))
    with pytest.raises(MonthLocked):
        delete_adjustment(session, view.id)
    # Corrections of a locked month go into an open one.
    assert add_adjustment(session, AdjustmentInput("A001", "2026-04", Decimal("50"), "补发", "3 月少发")).id


def test_metrics_grid_lists_payroll_agents_and_metric_indicators(session: Session) -> None:
    grid = metrics_grid(session, MONTH)
    assert [c.code for c in grid.indicators] == ["answer_rate", "satisfaction", "response_s"]  # not qa
    assert [a.agent_code for a in grid.agents] == ["A001", "A002"]  # B001 left in February
    answer, _, response = grid.indicators
    assert answer.is_rate and not response.is_rate
    assert (answer.name, answer.target, response.better) == ("电话人工接通率", Decimal("0.95"), "lower")
    assert grid.values == {}


def test_set_metric_stores_updates_and_deletes(session: Session) -> None:
    assert set_metric(session, MONTH, "A001", "answer_rate", "95.5%") == Decimal("0.955")
    assert set_metric(session, MONTH, "A001", "response_s", Decimal("7")) == Decimal("7")
    assert metrics_grid(session, MONTH).values == {
        ("A001", "answer_rate"): Decimal("0.955"),
        ("A001", "response_s"): Decimal("7"),
    }
    set_metric(session, MONTH, "A001", "answer_rate", "0.97")
    row = session.scalar(select(KpiMetric).where(KpiMetric.indicator == "answer_rate"))
    assert row is not None and row.value == Decimal("0.97")
    assert set_metric(session, MONTH, "A001", "answer_rate", None) is None
    assert set_metric(session, MONTH, "A001", "response_s", "  ") is None
    assert session.scalars(select(KpiMetric)).all() == []
    assert actions(session) == ["metric.set", "metric.set", "metric.set", "metric.delete", "metric.delete"]
    update = session.scalars(select(AuditLog).where(AuditLog.action == "metric.set")).all()[2]
    assert (update.entity_key, update.before, update.after) == ("A001/2026-03/answer_rate", "0.955", "0.97")


def test_set_metric_refuses_bad_values_indicators_and_locked_months(session: Session) -> None:
    with pytest.raises(ValidationFailed, match="不是数字或百分比"):
        set_metric(session, MONTH, "A001", "answer_rate", "九十五")
    with pytest.raises(ValidationFailed, match="不是月度指标"):
        set_metric(session, MONTH, "A001", "qa", "90")  # QA comes from the evaluations
    with pytest.raises(ValidationFailed, match="没有工号为"):
        set_metric(session, MONTH, "Z1", "answer_rate", "90%")
    lock(session)
    with pytest.raises(MonthLocked):
        set_metric(session, MONTH, "A001", "answer_rate", "90%")


def test_set_metrics_block_is_all_or_nothing(session: Session) -> None:
    with pytest.raises(ValidationFailed) as caught:
        set_metrics(
            session,
            MONTH,
            [
                MetricCell("A001", "answer_rate", "96%"),
                MetricCell("A002", "answer_rate", "abc"),
                MetricCell("A002", "satisfaction", "x"),
            ],
        )
    assert len(caught.value.problems) == 2
    assert session.scalars(select(KpiMetric)).all() == []
    stored = set_metrics(
        session,
        MONTH,
        [
            MetricCell("A001", "answer_rate", "96%"),
            MetricCell("A002", "answer_rate", "0.9"),
            MetricCell("A002", "answer_rate", "91%"),
        ],
    )
    assert stored[("A002", "answer_rate")] == Decimal("0.91")
    assert len(session.scalars(select(KpiMetric)).all()) == 2
