"""概览 Overview: where the selected month stands, and what is left to do before payday.

Everything the overview page shows comes from :func:`month_overview`, in a handful of
queries: the month's state and plan (:func:`~app.services.payroll_view.month_state`), the
agents on its payroll, one query counting every kind of record, who has no valid QA
(:func:`~app.services.quality.month_summary`, counted as the engine counts) and who has no
KPI metrics (:func:`~app.services.payroll_view.metric_codes`), and — once calculated — the
stored result's totals (:func:`~app.services.payroll.show_month`) and warnings
(:func:`~app.services.payroll_view.month_warnings`), so the figures are the ones the
payroll page, the payslips and the Excel summary print.

:func:`month_steps` turns that into the month's checklist, each step with a mark and a
one-line summary in both languages; it is pure, so the rules are tested without Qt.

Whether a calculated result is stale (:func:`~app.services.payroll.pending_changes`) is not
gathered here: finding out costs a whole calculation, so the overview page asks in the
background and fills in :attr:`MonthOverview.pending` when the answer comes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, ScalarSelect, func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from app.calendar import month_bounds
from app.money import fmt_money
from app.services.history import previous_totals
from app.services.payroll import show_month
from app.services.payroll_view import (
    INFO,
    WARNING,
    AgentChange,
    MonthState,
    metric_codes,
    month_state,
    month_warnings,
)
from app.services.quality import month_summary
from app.services.signoff import STEP_NAMES, chain_state, step_role_text
from app.services.users import users_exist
from app.trends import MonthTotals
from db.models import (
    Adjustment,
    Agent,
    Appeal,
    AttendanceRecord,
    AuditLog,
    Complaint,
    KpiMetric,
    Policy,
    Praise,
    QAEvaluation,
)

# The marks of a step of the month's checklist.
DONE = "done"
ATTENTION = "attention"  # done, but something needs a look
TODO = "todo"  # not started (or not finished)
MARKS = (DONE, ATTENTION, TODO)


@dataclass(frozen=True)
class AgentCounts:
    """Agents on the month's payroll (employed at least one day of it) and on file."""

    employed: int  # on the month's payroll
    joined: int  # hired during the month
    leaving: int  # leave date in the month
    active: int  # on file without a leave date
    left: int  # on file with a leave date

    @property
    def total(self) -> int:
        return self.active + self.left


@dataclass(frozen=True)
class RecordCounts:
    """The month's records by kind, and how many agents on its payroll lack the ones pay depends on."""

    attendance: int = 0
    qa: int = 0  # every evaluation dated in the month, overturned ones included
    policies: int = 0  # signed in the month
    complaints: int = 0
    praise: int = 0
    metrics: int = 0  # KPI metric rows
    adjustments: int = 0
    without_qa: int = 0  # no valid evaluation: the payroll warns and uses the no-data coefficient
    without_metrics: int = 0  # no KPI metric at all: the payroll warns
    pending_appeals: int = 0  # appeals against the month's records still undecided (§11): lock refuses


@dataclass(frozen=True)
class PayTotals:
    """The stored result's totals and how many warnings it has (as the payroll page lists them)."""

    gross: Decimal
    deductions: Decimal
    net: Decimal
    headcount: int
    warnings: int  # severity "warning": to check before locking
    notes: int  # severity "info": for the record

    @property
    def all_warnings(self) -> int:
        return self.warnings + self.notes


@dataclass(frozen=True)
class Handout:
    """When the payslips (for everyone) and the Excel summary were last made from the current result."""

    payslips_at: datetime | None = None
    summary_at: datetime | None = None


@dataclass(frozen=True)
class Step:
    """One step of the month's checklist; ``area`` is the main window area that does it."""

    key: str
    area: str
    mark: str  # done | attention | todo
    title_zh: str
    title_en: str
    summary_zh: str
    summary_en: str
    redo: bool = False  # needs doing again (a stale calculation): the next step, and not "done"

    @property
    def open(self) -> bool:
        """Still to do: not started, or to be done again."""
        return self.mark == TODO or self.redo


@dataclass(frozen=True)
class MonthOverview:
    month: str
    state: MonthState
    agents: AgentCounts
    records: RecordCounts
    totals: PayTotals | None = None  # None while the month is not calculated
    handout: Handout = Handout()
    # What recalculating a calculated month would change (empty: its result is current);
    # None while not known. month_overview leaves it None: see the module's docstring.
    pending: tuple[AgentChange, ...] | None = None
    # The month before's stored totals (环比), None when it has no result or this month none yet.
    previous: MonthTotals | None = None
    # With users and a sign-off chain (docs/pay-rules.md §10): the step to sign next, e.g. "review";
    # None without users, or when the month is open or locked.
    next_signoff: str | None = None

    @property
    def stale(self) -> bool:
        """Calculated, and the records changed since so that recalculating would change the result."""
        return self.status == "calculated" and bool(self.pending)

    @property
    def status(self) -> str:
        return self.state.status

    @property
    def calculated_at(self) -> datetime | None:
        return self.state.calculated_at

    @property
    def plan_name(self) -> str:
        return self.state.plan_name

    @property
    def steps(self) -> tuple[Step, ...]:
        return month_steps(self)

    @property
    def next_step(self) -> str | None:
        """The first step still to do (a step that only needs a look does not hold the month up)."""
        return next((s.key for s in self.steps if s.open), None)


# --- gathering ------------------------------------------------------------------------------


def _agent_counts(session: Session, month: str) -> tuple[AgentCounts, set[str]]:
    first, last = month_bounds(month)
    employed: set[str] = set()
    joined = leaving = active = left = 0
    for code, hire, leave in session.execute(select(Agent.code, Agent.hire_date, Agent.leave_date)):
        if hire <= last and (leave is None or leave >= first):
            employed.add(code)
        joined += first <= hire <= last
        if leave is None:
            active += 1
        else:
            left += 1
            leaving += first <= leave <= last
    return AgentCounts(len(employed), joined, leaving, active, left), employed


def _record_counts(session: Session, month: str) -> dict[str, int]:
    """Every kind's count for the month in one query (a scalar subquery per kind)."""
    first, last = month_bounds(month)

    def count(column: InstrumentedAttribute[Any], *where: ColumnElement[bool]) -> ScalarSelect[int]:
        return select(func.count(column)).where(*where).scalar_subquery()

    counts = {
        "attendance": count(AttendanceRecord.id, AttendanceRecord.date.between(first, last)),
        "qa": count(QAEvaluation.id, QAEvaluation.date.between(first, last)),
        "policies": count(Policy.id, Policy.sign_date.between(first, last)),
        "complaints": count(Complaint.id, Complaint.date.between(first, last)),
        "praise": count(Praise.id, Praise.date.between(first, last)),
        "metrics": count(KpiMetric.id, KpiMetric.month == month),
        "adjustments": count(Adjustment.id, Adjustment.month == month),
        "pending_appeals": count(Appeal.id, Appeal.month == month, Appeal.status == "pending"),
    }
    row = session.execute(select(*(c.label(key) for key, c in counts.items()))).one()
    return {key: int(value or 0) for key, value in row._mapping.items()}


def _handout(session: Session, month: str, since: datetime | None, headcount: int) -> Handout:
    """Payslips and summary written since ``since`` (the calculation, or the lock), from the audit log.

    A payslip run counts only when it covered the whole payroll: previewing or printing one
    agent's payslip writes a single file and is not handing the month out.
    """
    if since is None:
        return Handout()
    payslips_at: datetime | None = None
    summary_at: datetime | None = None
    rows = session.execute(
        select(AuditLog.action, AuditLog.at, AuditLog.after)
        .where(
            AuditLog.entity == "month",
            AuditLog.entity_key == month,
            AuditLog.action.in_(("payslips.write", "summary.export")),
            AuditLog.at >= since,
        )
        .order_by(AuditLog.at.desc(), AuditLog.id.desc())
    )
    for action, at, after in rows:
        if action == "summary.export":
            summary_at = summary_at or at
            continue
        try:
            agents = int(json.loads(after or "{}").get("agents", 0))
        except (ValueError, TypeError, AttributeError):
            agents = 0
        if agents >= headcount:
            payslips_at = payslips_at or at
    return Handout(payslips_at, summary_at)


def month_overview(session: Session, month: str) -> MonthOverview:
    """Everything the overview shows for ``month``; money stays :class:`~decimal.Decimal`."""
    state = month_state(session, month)
    agents, employed = _agent_counts(session, month)
    counts = _record_counts(session, month)
    with_valid_qa = {s.agent_code for s in month_summary(session, month) if s.count > 0}
    with_metrics = metric_codes(session, month)
    records = RecordCounts(
        **counts,
        without_qa=len(employed - with_valid_qa),
        without_metrics=len(employed - with_metrics),
    )
    totals: PayTotals | None = None
    handout = Handout()
    if state.status in ("calculated", "locked"):
        data = show_month(session, month)
        warnings = month_warnings(session, month, data)
        totals = PayTotals(
            gross=data.gross,
            deductions=data.deductions,
            net=data.net,
            headcount=len(data.agents),
            warnings=sum(1 for w in warnings if w.severity == WARNING),
            notes=sum(1 for w in warnings if w.severity == INFO),
        )
        since = state.locked_at if state.status == "locked" else state.calculated_at
        handout = _handout(session, month, since, totals.headcount)
    previous = previous_totals(session, month) if totals is not None else None
    next_signoff = chain_state(session, month).next_step if users_exist(session) else None
    return MonthOverview(month, state, agents, records, totals, handout, previous=previous, next_signoff=next_signoff)


# --- the checklist ----------------------------------------------------------------------------


def _when(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M") if moment is not None else ""


TITLES: dict[str, tuple[str, str]] = {
    "agents": ("人员", "Agents"),
    "attendance": ("考勤", "Attendance"),
    "quality": ("质检", "Quality"),
    "sales": ("保单", "Sales"),
    "rewards": ("奖惩/指标", "Rewards & KPI"),
    "calculate": ("月度核算", "Calculate"),
    "lock": ("锁定", "Lock"),
    "reports": ("报表", "Reports"),
}


def _n(count: int, noun: str) -> str:
    """English count and noun: ``1 agent``, ``3 agents``."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def _step(key: str, area: str, mark: str, zh: str, en: str, *, redo: bool = False) -> Step:
    return Step(key, area, mark, *TITLES[key], zh, en, redo=redo)


def _no_agents(ov: MonthOverview) -> tuple[str, str] | None:
    """Why a record step cannot start yet, or ``None`` when the month has agents."""
    if ov.agents.total == 0:
        return "请先添加人员", "Add the agents first"
    if ov.agents.employed == 0:
        return "本月没有在岗人员", "No agent is employed this month"
    return None


def _agents_step(ov: MonthOverview) -> Step:
    a = ov.agents
    if a.total == 0:
        return _step(
            "agents",
            "agents",
            TODO,
            "还没有任何人员：添加人员，或从 Excel 导入人员名单",
            "No agents yet: add them, or import the list from Excel",
        )
    roster_zh = f"名册在职 {a.active} 人、已离职 {a.left} 人"
    roster_en = f"on file: {a.active} active, {a.left} left"
    if a.employed == 0:
        return _step(
            "agents",
            "agents",
            ATTENTION,
            f"本月没有在岗人员；{roster_zh}",
            f"No agent is employed this month; {roster_en}",
        )
    moves_zh = "、".join(
        text
        for count, text in ((a.joined, f"入职 {a.joined} 人"), (a.leaving, f"离职 {a.leaving} 人"))
        if count
    )
    moves_en = ", ".join(
        text for count, text in ((a.joined, f"{a.joined} joined"), (a.leaving, f"{a.leaving} left")) if count
    )
    moves_zh = f"（本月{moves_zh}）" if moves_zh else ""
    moves_en = f" ({moves_en} this month)" if moves_en else ""
    return _step(
        "agents",
        "agents",
        DONE,
        f"本月计薪 {a.employed} 人{moves_zh}；{roster_zh}",
        f"{_n(a.employed, 'agent')} on this month's payroll{moves_en}; {roster_en}",
    )


def _attendance_step(ov: MonthOverview) -> Step:
    n = ov.records.attendance
    if n:
        return _step(
            "attendance",
            "attendance",
            DONE,
            f"{n} 条考勤记录（请假、迟到、缺勤等）",
            f"{_n(n, 'attendance record')} (leave, lateness, absence…)",
        )
    blocked = _no_agents(ov)
    if blocked:
        return _step("attendance", "attendance", TODO, *blocked)
    return _step(
        "attendance",
        "attendance",
        TODO,
        "还没有考勤记录；只需录入请假、迟到、缺勤等例外",
        "No attendance records yet; only exceptions (leave, lateness, absence) are entered",
    )


def _quality_step(ov: MonthOverview) -> Step:
    r = ov.records
    blocked = _no_agents(ov)
    if blocked and not r.qa:
        return _step("quality", "quality", TODO, *blocked)
    if not r.qa:
        return _step(
            "quality",
            "quality",
            TODO,
            f"还没有质检记录；{r.without_qa} 人没有质检评分",
            f"No QA evaluations yet; {_n(r.without_qa, 'agent')} without one",
        )
    if r.without_qa:
        return _step(
            "quality",
            "quality",
            ATTENTION,
            f"{r.qa} 条质检记录；{r.without_qa} 人没有有效质检评分",
            f"{_n(r.qa, 'QA evaluation')}; {_n(r.without_qa, 'agent')} without a valid one",
        )
    return _step(
        "quality",
        "quality",
        DONE,
        f"{r.qa} 条质检记录；每人都有有效评分",
        f"{_n(r.qa, 'QA evaluation')}; everyone has a valid one",
    )


def _sales_step(ov: MonthOverview) -> Step:
    n = ov.records.policies
    if n:
        return _step(
            "sales",
            "sales",
            DONE,
            f"本月签单 {n} 张保单",
            f"{n} {'policy' if n == 1 else 'policies'} signed this month",
        )
    blocked = _no_agents(ov)
    if blocked:
        return _step("sales", "sales", TODO, *blocked)
    return _step("sales", "sales", TODO, "本月还没有签单保单", "No policies signed this month yet")


def _rewards_step(ov: MonthOverview) -> Step:
    r = ov.records
    parts_zh = f"投诉 {r.complaints} 条、表扬 {r.praise} 条、绩效指标 {r.metrics} 条、调整 {r.adjustments} 条"
    parts_en = (
        f"{_n(r.complaints, 'complaint')}, {r.praise} praise, {_n(r.metrics, 'KPI metric')}, "
        f"{_n(r.adjustments, 'adjustment')}"
    )
    anything = r.complaints or r.praise or r.metrics or r.adjustments
    blocked = _no_agents(ov)
    if blocked and not anything:
        return _step("rewards", "rewards", TODO, *blocked)
    if not anything:
        return _step(
            "rewards",
            "rewards",
            TODO,
            "还没有投诉、表扬、绩效指标或调整记录；每人都需要绩效指标",
            "No complaints, praise, KPI metrics or adjustments yet; everyone needs KPI metrics",
        )
    if r.without_metrics:
        return _step(
            "rewards",
            "rewards",
            ATTENTION,
            f"{parts_zh}；{r.without_metrics} 人没有绩效指标",
            f"{parts_en}; {_n(r.without_metrics, 'agent')} without KPI metrics",
        )
    return _step("rewards", "rewards", DONE, parts_zh, parts_en)


def _calculate_step(ov: MonthOverview) -> Step:
    t = ov.totals
    if t is None:
        if not ov.plan_name:
            return _step(
                "calculate",
                "plan",
                ATTENTION,
                "没有适用的提成方案，请先在「方案」页导入方案",
                "No plan is in force; add one on the Plan page first",
            )
        return _step(
            "calculate",
            "payroll",
            TODO,
            "尚未核算：录入本月数据后，在「月度核算」页计算",
            "Not calculated yet: once the records are in, calculate on the Payroll page",
        )
    at = _when(ov.calculated_at)
    zh = f"{at} 计算：{t.headcount} 人，实发合计 {fmt_money(t.net)} 元"
    en = f"Calculated {at}: {_n(t.headcount, 'agent')}, total net {fmt_money(t.net)}"
    if ov.stale:
        n = len(ov.pending or ())
        return _step(
            "calculate",
            "payroll",
            ATTENTION,
            f"{zh}；计算后数据有变动，重新计算后 {n} 人的结果将改变，请在「月度核算」页重新计算",
            f"{en}; the records changed since: recalculating changes the pay of {_n(n, 'agent')}, "
            "recalculate on the Payroll page",
            redo=True,
        )
    if t.all_warnings == 0:
        return _step("calculate", "payroll", DONE, f"{zh}；没有提醒", f"{en}; no warnings")
    if ov.status == "locked" or t.warnings == 0:
        # Once locked nothing can change any more: the warnings are history, not a task.
        return _step(
            "calculate",
            "payroll",
            DONE,
            f"{zh}；{t.all_warnings} 条提醒",
            f"{en}; {_n(t.all_warnings, 'warning')}",
        )
    notes_zh = f"，另有 {t.notes} 条说明" if t.notes else ""
    notes_en = f" (and {_n(t.notes, 'note')})" if t.notes else ""
    return _step(
        "calculate",
        "payroll",
        ATTENTION,
        f"{zh}；{t.warnings} 条提醒需在锁定前核对{notes_zh}",
        f"{en}; {_n(t.warnings, 'warning')} to check before locking{notes_en}",
    )


def _lock_step(ov: MonthOverview) -> Step:
    if ov.status == "locked":
        at = _when(ov.state.locked_at)
        return _step(
            "lock",
            "payroll",
            DONE,
            f"{at} 已锁定，本月的结果和记录只读",
            f"Locked {at}; the month's result and records are read-only",
        )
    if ov.records.pending_appeals:
        n = ov.records.pending_appeals
        return _step(
            "lock",
            "payroll",
            ATTENTION,
            f"本月有 {n} 条申诉待处理：请先在「申诉」页处理，或锁定时说明原因",
            f"{_n(n, 'appeal')} of this month still pending: decide them on the Appeals page first, "
            "or give a reason when locking",
        )
    if ov.stale:
        return _step(
            "lock",
            "payroll",
            TODO,
            "计算后数据有变动：先重新计算，核对后再锁定",
            "The records changed after the calculation: recalculate, check, then lock",
        )
    if ov.status == "calculated" and ov.next_signoff is not None:
        # With a sign-off chain the approval locks the month: the step says who signs next.
        step = STEP_NAMES[ov.next_signoff]
        return _step(
            "lock",
            "payroll",
            TODO,
            f"核对结果和提醒后签核：下一步 {step.zh}（需角色 {step_role_text(ov.next_signoff, 'zh')}），签批即锁定",
            f"Sign off once the result and warnings are checked: next the {step.en} "
            f"(role {step_role_text(ov.next_signoff, 'en')}); the approval locks the month",
        )
    if ov.status == "calculated":
        return _step(
            "lock",
            "payroll",
            TODO,
            "核对结果和提醒后锁定本月",
            "Lock the month once its result and warnings are checked",
        )
    return _step("lock", "payroll", TODO, "核算后才能锁定", "Calculate first, then lock")


def _reports_step(ov: MonthOverview) -> Step:
    if ov.totals is None:
        return _step(
            "reports",
            "reports",
            TODO,
            "核算后可生成工资条、导出汇总表",
            "Payslips and the Excel summary come once the month is calculated",
        )
    h = ov.handout
    payslips_zh = f"工资条已生成（{_when(h.payslips_at)}）" if h.payslips_at else "工资条尚未生成"
    payslips_en = f"Payslips written {_when(h.payslips_at)}" if h.payslips_at else "Payslips not written yet"
    summary_zh = f"汇总表已导出（{_when(h.summary_at)}）" if h.summary_at else "汇总表尚未导出"
    summary_en = f"summary exported {_when(h.summary_at)}" if h.summary_at else "summary not exported yet"
    zh, en = f"{payslips_zh}；{summary_zh}", f"{payslips_en}; {summary_en}"
    if ov.status != "locked":
        return _step(
            "reports",
            "reports",
            TODO,
            f"{zh}（未锁定：工资条为草稿）",
            f"{en} (not locked: payslips are drafts)",
        )
    mark = DONE if h.payslips_at and h.summary_at else TODO
    return _step("reports", "reports", mark, zh, en)


def month_steps(overview: MonthOverview) -> tuple[Step, ...]:
    """The month's checklist in the order the work is done."""
    return (
        _agents_step(overview),
        _attendance_step(overview),
        _quality_step(overview),
        _sales_step(overview),
        _rewards_step(overview),
        _calculate_step(overview),
        _lock_step(overview),
        _reports_step(overview),
    )


__all__ = [
    "ATTENTION",
    "DONE",
    "MARKS",
    "TITLES",
    "TODO",
    "AgentCounts",
    "Handout",
    "MonthOverview",
    "PayTotals",
    "RecordCounts",
    "Step",
    "month_overview",
    "month_steps",
]
