"""概览 service: the month's counts, who lacks QA or KPI data, the stored totals and the steps' marks."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from sqlalchemy import delete, select

from app.services.months import month_statuses
from app.services.overview import ATTENTION, DONE, TODO, MonthOverview, month_overview
from app.services.payroll import calculate_month, lock_month, show_month
from app.services.payroll_view import WARNING, month_warnings
from app.services.reports import export_summary, write_payslips
from db.models import Adjustment, Agent, KpiMetric, QAEvaluation
from db.session import Database

MONTH = "2026-10"


def overview(db: Database, month: str = MONTH) -> MonthOverview:
    with db.session_scope() as session:
        return month_overview(session, month)


def marks(ov: MonthOverview) -> dict[str, str]:
    return {step.key: step.mark for step in ov.steps}


def agent_id(db: Database, code: str) -> int:
    with db.session_scope() as session:
        found = session.scalar(select(Agent.id).where(Agent.code == code))
    assert found is not None
    return found


def test_counts_every_kind_of_record_of_the_month(example: Database) -> None:
    ov = overview(example)
    assert ov.status == "open" and ov.totals is None and ov.calculated_at is None
    assert ov.plan_name  # the plan that will be used
    a = ov.agents
    assert (a.employed, a.joined, a.leaving, a.active, a.left, a.total) == (3, 1, 0, 3, 0, 3)
    r = ov.records
    assert (r.attendance, r.qa, r.policies, r.complaints, r.praise, r.metrics, r.adjustments) == (
        8,
        6,
        6,
        2,
        1,
        7,
        0,
    )
    # A002 (hired mid-month) has no QA evaluation; everyone has KPI metrics.
    assert (r.without_qa, r.without_metrics) == (1, 0)


def test_counts_belong_to_the_month(example: Database) -> None:
    ov = overview(example, "2026-09")  # before A002 was hired; every record is in October
    assert (ov.agents.employed, ov.agents.joined, ov.agents.total) == (2, 0, 3)
    r = ov.records
    assert (r.attendance, r.qa, r.policies, r.complaints, r.praise, r.metrics) == (0, 0, 0, 0, 0, 0)
    assert (r.without_qa, r.without_metrics) == (2, 2)
    assert marks(ov)["quality"] == TODO and marks(ov)["sales"] == TODO


def test_agents_without_valid_qa_or_metrics_are_counted(example: Database) -> None:
    with example.session_scope() as session:
        # An overturned evaluation is no valid QA: A002 still counts as without.
        session.add(
            QAEvaluation(
                agent_id=agent_id(example, "A002"),
                date=date(2026, 10, 20),
                score=Decimal(80),
                status="overturned",
            )
        )
        session.execute(delete(KpiMetric).where(KpiMetric.agent_id == agent_id(example, "A003")))
        session.add(Adjustment(agent_id=agent_id(example, "A001"), month=MONTH, amount=Decimal("150.00")))
    ov = overview(example)
    assert (ov.records.qa, ov.records.without_qa) == (7, 1)
    assert (ov.records.metrics, ov.records.without_metrics, ov.records.adjustments) == (4, 1, 1)
    steps = {step.key: step for step in ov.steps}
    assert steps["quality"].mark == ATTENTION
    assert steps["quality"].summary_zh == "7 条质检记录；1 人没有有效质检评分"
    assert steps["rewards"].mark == ATTENTION
    assert "1 人没有绩效指标" in steps["rewards"].summary_zh
    assert "调整 1 条" in steps["rewards"].summary_zh


def test_open_month_steps(example: Database) -> None:
    ov = overview(example)
    assert marks(ov) == {
        "agents": DONE,
        "attendance": DONE,
        "quality": ATTENTION,
        "sales": DONE,
        "rewards": DONE,
        "calculate": TODO,
        "lock": TODO,
        "reports": TODO,
    }
    assert [step.area for step in ov.steps] == [
        "agents",
        "attendance",
        "quality",
        "sales",
        "rewards",
        "payroll",
        "payroll",
        "reports",
    ]
    assert ov.next_step == "calculate"
    agents = ov.steps[0]
    assert agents.summary_zh == "本月计薪 3 人（本月入职 1 人）；名册在职 3 人、已离职 0 人"
    assert (
        agents.summary_en
        == "3 agents on this month's payroll (1 joined this month); on file: 3 active, 0 left"
    )


def test_totals_are_the_stored_result_after_calculation(example: Database) -> None:
    with example.session_scope() as session:
        calculate_month(session, MONTH)
    with example.session_scope() as session:
        data = show_month(session, MONTH)
        warnings = month_warnings(session, MONTH, data)
    ov = overview(example)
    assert ov.status == "calculated" and ov.calculated_at is not None
    t = ov.totals
    assert t is not None
    assert (t.gross, t.deductions, t.net) == (data.gross, data.deductions, data.net)
    assert all(isinstance(v, Decimal) for v in (t.gross, t.deductions, t.net))
    assert t.net == Decimal("14591.91")  # docs/pay-rules.md §6
    assert t.headcount == len(data.agents) == 3
    assert t.warnings == sum(1 for w in warnings if w.severity == WARNING) == 1  # A002: no QA
    assert t.all_warnings == len(warnings)
    assert marks(ov)["calculate"] == ATTENTION  # a warning to check before locking
    assert marks(ov)["lock"] == TODO and ov.next_step == "lock"
    calculate = ov.steps[5]
    assert "3 人，实发合计 14591.91 元" in calculate.summary_zh
    assert "1 条提醒需在锁定前核对" in calculate.summary_zh


def test_locked_month_and_what_was_handed_out(example: Database, tmp_path: Path) -> None:
    with example.session_scope() as session:
        calculate_month(session, MONTH)
    with example.session_scope() as session:
        lock_month(session, MONTH)
    ov = overview(example)
    assert ov.status == "locked" and ov.state.locked_at is not None
    assert ov.totals is not None and ov.totals.net == Decimal("14591.91")
    assert marks(ov)["calculate"] == DONE and marks(ov)["lock"] == DONE
    assert marks(ov)["reports"] == TODO and ov.next_step == "reports"
    assert ov.handout.payslips_at is None and ov.handout.summary_at is None

    with example.session_scope() as session:
        write_payslips(session, MONTH, tmp_path / "one", agent="A001")  # a preview is not handing out
    assert overview(example).handout.payslips_at is None

    with example.session_scope() as session:
        write_payslips(session, MONTH, tmp_path / "all")
        export_summary(session, MONTH, tmp_path / "summary.xlsx")
    ov = overview(example)
    assert ov.handout.payslips_at is not None and ov.handout.summary_at is not None
    assert marks(ov)["reports"] == DONE
    assert ov.next_step is None


def test_empty_database(tmp_path: Path) -> None:
    db = Database(tmp_path / "empty.sqlite3")
    try:
        ov = overview(db)
        assert ov.agents.total == 0 and ov.plan_name == ""
        assert set(marks(ov).values()) == {TODO, ATTENTION}
        steps = {step.key: step for step in ov.steps}
        assert steps["agents"].mark == TODO and ov.next_step == "agents"
        assert steps["quality"].summary_zh == "请先添加人员"
        # No plan in force: the calculate step sends the manager to the Plan page.
        assert (steps["calculate"].mark, steps["calculate"].area) == (ATTENTION, "plan")
    finally:
        db.dispose()


def test_month_statuses_name_every_calculated_and_locked_month(example: Database) -> None:
    with example.session_scope() as session:
        assert month_statuses(session) == {}
        calculate_month(session, "2026-09")
        lock_month(session, "2026-09")
        calculate_month(session, MONTH)
    with example.session_scope() as session:
        assert month_statuses(session) == {"2026-09": "locked", MONTH: "calculated"}
