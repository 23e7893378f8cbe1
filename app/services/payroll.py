"""The month's life (docs/pay-rules.md §4): calculate, show, lock, unlock; clawbacks and carry-over.

Facts are read from the database in a handful of queries (not one per agent), handed
to the pure engine, and the result is stored as a snapshot that locking freezes.
"""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Table, delete, insert, select, update
from sqlalchemy.orm import Session, selectinload

from app.calendar import month_bounds, month_workdays, previous_month
from app.engine.compute import compute_month
from app.engine.facts import (
    AdjustmentFact,
    AgentMonth,
    AttendanceFact,
    ClawbackFact,
    ComplaintFact,
    MonthFacts,
    MonthPay,
    PayLine,
    PolicyFact,
    QAFact,
)
from app.money import ZERO, fmt_money
from app.plan.model import Plan
from app.results import (
    AgentResult,
    JsonValue,
    MonthResult,
    agent_result,
    facts_from_json,
    facts_to_json,
)
from app.services.audit import audit
from app.services.driver_rows import Days, driver_rows
from app.services.errors import ServiceError
from app.services.months import month_of, month_status
from app.services.payroll_view import AgentChange, diff_results
from app.services.periods import ensure_period_months_locked, gather_period_facts
from app.services.plans import plan_for_month
from app.services.record_changes import void_signoffs
from app.services.statutory import gather_statutory, outcome_to_json
from app.services.users import require_role, users_exist
from app.text import Text
from db.bulk_insert import update_rows
from db.models import (
    Adjustment,
    Agent,
    AttendanceRecord,
    CalendarOverride,
    Complaint,
    KpiMetric,
    MonthStatus,
    PayrollLine,
    PayrollResult,
    PlanVersion,
    Policy,
    Praise,
    QAEvaluation,
)
from db.session import claim_write_lock
from db.types import decimal_text
from db.versioning import bump_values, stamp


def gather_facts(
    session: Session, month: str, draft: Plan | None = None
) -> tuple[PlanVersion, Plan, MonthFacts, dict[str, int]]:
    """Everything the engine needs for ``month``: the plan in force, the facts, and the agent code → id map.

    With ``draft`` (试算, app/services/simulate.py) the facts are gathered for that plan instead of
    the plan in force (which is still returned as the version): nothing else differs."""
    version, plan = plan_for_month(session, month)
    if draft is not None:
        plan = draft
    first, last = month_bounds(month)
    overrides = {o.date: o.workday for o in session.scalars(
        select(CalendarOverride).where(CalendarOverride.date >= first, CalendarOverride.date <= last))}
    workdays, warning = month_workdays(month, plan.pay.calendar, overrides)

    agents = list(session.scalars(
        select(Agent).where(Agent.hire_date <= last, (Agent.leave_date.is_(None)) | (Agent.leave_date >= first))
        .order_by(Agent.code)))
    ids = {a.id for a in agents}

    # Core selects on the session's connection (same transaction), not ORM execution: plain typed
    # tuples, no ORM loading machinery. A month can hold tens of thousands of policies.
    conn = session.connection()

    def by_agent(stmt: Any) -> dict[int, list[Any]]:
        out: dict[int, list[Any]] = defaultdict(list)
        for row in conn.execute(stmt).all():
            if row[0] in ids:  # agent_id is each query's first column
                out[row[0]].append(row)
        return out

    attendance = by_agent(select(AttendanceRecord.agent_id, AttendanceRecord.date, AttendanceRecord.kind,
                                 AttendanceRecord.minutes, AttendanceRecord.days)
                          .where(AttendanceRecord.date >= first, AttendanceRecord.date <= last)
                          .order_by(AttendanceRecord.date, AttendanceRecord.id))
    # The policy columns in PolicyFact's order, so that each row becomes the fact as it is.
    # Read by the driver (tens of thousands of rows: no result object per row), converted here as
    # the column types would: money text -> Decimal, 0/1 -> bool, each distinct date parsed once.
    policies: dict[int, list[PolicyFact]] = defaultdict(list)
    make_policy = tuple.__new__
    day = Days()
    for agent_id, policy_no, product, premium, level, new, sign, cancel in driver_rows(conn, (
        select(Policy.agent_id, Policy.policy_no, Policy.product_code, Policy.premium, Policy.customer_level,
               Policy.new_customer, Policy.sign_date, Policy.cancel_date)
        .where(Policy.sign_date >= first, Policy.sign_date <= last)
        .order_by(Policy.sign_date, Policy.policy_no)
    )):
        if agent_id in ids:
            policies[agent_id].append(make_policy(PolicyFact, (
                policy_no, product, Decimal(premium), level, bool(new), day(sign),
                None if cancel is None else day(cancel))))
    qa = by_agent(select(QAEvaluation.agent_id, QAEvaluation.date, QAEvaluation.score, QAEvaluation.fatal,
                         QAEvaluation.status).where(QAEvaluation.date >= first, QAEvaluation.date <= last))
    metrics = by_agent(select(KpiMetric.agent_id, KpiMetric.indicator, KpiMetric.value)
                       .where(KpiMetric.month == month))
    complaints = by_agent(select(Complaint.agent_id, Complaint.date, Complaint.level, Complaint.status)
                          .where(Complaint.date >= first, Complaint.date <= last))
    praise = by_agent(select(Praise.agent_id).where(Praise.date >= first, Praise.date <= last))
    adjustments = by_agent(select(Adjustment.agent_id, Adjustment.amount, Adjustment.category, Adjustment.reason)
                           .where(Adjustment.month == month).order_by(Adjustment.id))
    locked = {m for m in session.scalars(select(MonthStatus.month).where(MonthStatus.status == "locked"))}
    clawbacks = by_agent(
        select(Policy.agent_id, Policy.policy_no, Policy.sign_date, Policy.paid_amount)
        .where(Policy.cancel_date.is_not(None), Policy.cancel_date <= last, Policy.paid_amount.is_not(None),
               Policy.clawed_month.is_(None), Policy.paid_month.in_(sorted(locked)), Policy.paid_month < month)
        .order_by(Policy.sign_date, Policy.policy_no)
    )
    prev = previous_month(month)
    carry = dict(session.execute(select(PayrollResult.agent_id, PayrollResult.carry_to_next)
                                 .where(PayrollResult.month == prev)).all())
    statutory = gather_statutory(session, month, plan, agents)  # docs/pay-rules.md §9 (empty without it)

    facts = tuple(
        AgentMonth(
            code=a.code, name=a.name, base_salary=a.base_salary, hire_date=a.hire_date, leave_date=a.leave_date,
            team=a.team, role=a.role,
            attendance=tuple(AttendanceFact(date=r.date, kind=r.kind, minutes=r.minutes, days=r.days)
                             for r in attendance.get(a.id, [])),
            policies=tuple(policies.get(a.id, ())),
            qa=tuple(QAFact(date=e.date, score=e.score, fatal=e.fatal, status=e.status) for e in qa.get(a.id, [])),
            metrics={m.indicator: m.value for m in metrics.get(a.id, [])},
            complaints=tuple(ComplaintFact(date=c.date, level=c.level, status=c.status)
                             for c in complaints.get(a.id, [])),
            praise_count=len(praise.get(a.id, [])),
            adjustments=tuple(AdjustmentFact(amount=j.amount, category=j.category, reason=j.reason)
                              for j in adjustments.get(a.id, [])),
            clawbacks=tuple(ClawbackFact(policy_no=p.policy_no, sign_month=month_of(p.sign_date),
                                         paid=p.paid_amount or ZERO) for p in clawbacks.get(a.id, [])),
            carry_forward=carry.get(a.id, ZERO) or ZERO,
            statutory=statutory.get(a.id),
        )
        for a in agents
    )
    month_facts = MonthFacts(month=month, workdays=tuple(workdays), agents=facts, calendar_warning=warning)
    return version, plan, month_facts, {a.code: a.id for a in agents}


def _store(session: Session, month: str, version: PlanVersion, pay: MonthPay, ids: dict[str, int],
           teams: dict[str, str]) -> None:
    result_ids = list(session.scalars(select(PayrollResult.id).where(PayrollResult.month == month)))
    if result_ids:
        session.execute(delete(PayrollLine).where(PayrollLine.result_id.in_(result_ids)))
        session.execute(delete(PayrollResult).where(PayrollResult.id.in_(result_ids)))
    rows = []
    for agent in pay.agents:
        facts: dict[str, JsonValue] = dict(facts_to_json(agent.facts))
        facts["policy_paid"] = {k: str(v) for k, v in agent.policy_paid.items()}
        facts["warnings"] = [list[JsonValue](w.to_json()) for w in agent.warnings]
        if agent.statutory is not None:
            facts["statutory"] = outcome_to_json(agent.statutory)
        rows.append({
            "month": month, "agent_id": ids[agent.code], "agent_code": agent.code, "agent_name": agent.name,
            "team": teams.get(agent.code, ""), "gross": agent.gross, "deductions": agent.deductions,
            "net": agent.net, "carry_to_next": agent.carry_to_next,
            "facts_json": json.dumps(facts, ensure_ascii=False),
        })
    if rows:
        new_ids = session.scalars(
            insert(PayrollResult).returning(PayrollResult.id, sort_by_parameter_order=True), rows
        ).all()
        lines = [
            {"result_id": rid, "position": i, "code": line.code, "amount": line.amount, "label": line.label,
             "label_en": line.label_en, "detail": line.detail, "detail_en": line.detail_en}
            for rid, agent in zip(new_ids, pay.agents, strict=True)
            for i, line in enumerate(agent.lines)
        ]
        if lines:  # a Core insert on the session's connection: the ORM's bulk insert costs several times more
            session.connection().execute(insert(PayrollLine), lines)
    status = session.get(MonthStatus, month) or MonthStatus(month=month)
    status.status = "calculated"
    status.plan_version_id = version.id
    status.calculated_at = datetime.now().replace(microsecond=0)
    status.warnings = json.dumps([w.to_json() for w in pay.warnings], ensure_ascii=False)
    session.add(status)
    session.expire_all()  # ORM views of the month's results must not outlive the bulk writes


def calculate_month(session: Session, month: str) -> MonthPay:
    """Compute ``month`` from the records and replace its previous (unlocked) result.

    The write lock is taken before the month's status and records are read, so the records
    computed are the records stored, and the month cannot be locked meanwhile."""
    claim_write_lock(session)
    calculated_by = require_role(session, ("clerk",), Text("计算工资", "calculate pay"))  # §10
    if month_status(session, month) == "locked":
        raise ServiceError(f"{month} 已锁定，不能重新计算；如需更正请先解锁（需填写原因）。",
                           f"{month} is locked and cannot be recalculated; unlock it first (a reason is required).")
    version, plan, facts, ids = gather_facts(session, month)
    ensure_period_months_locked(session, plan, month)
    pay = compute_month(plan, facts, gather_period_facts(session, plan, facts, ids))
    _store(session, month, version, pay, ids, {a.code: a.team for a in facts.agents})
    _signed_off_again(session, month, calculated_by)
    audit(session, "payroll.calculate", entity="month", key=month,
          after={"agents": len(pay.agents), "net": fmt_money(sum((a.net for a in pay.agents), ZERO))})
    session.flush()
    return pay


def _signed_off_again(session: Session, month: str, calculated_by: str) -> None:
    """§10: a recalculated month needs its sign-offs again, and remembers who calculated it."""
    row = session.get(MonthStatus, month)
    if row is not None:
        row.calculated_by = calculated_by
    void_signoffs(session, month, Text("重新计算", "recalculated"))


def _recompute(session: Session, month: str) -> tuple[PlanVersion, MonthFacts, MonthPay]:
    """The month as :func:`calculate_month` would compute it now, from the current records (nothing stored)."""
    version, plan, facts, ids = gather_facts(session, month)
    return version, facts, compute_month(plan, facts, gather_period_facts(session, plan, facts, ids))


def compute_unstored(session: Session, month: str) -> MonthPay:
    """``month`` computed from the records as they are in this transaction, through the same path as
    :func:`calculate_month`, storing nothing (an upheld appeal of a locked month, docs/pay-rules.md §11)."""
    return _recompute(session, month)[2]


def _payslip_content(agent: AgentResult) -> tuple[object, ...]:
    """What an agent's payslip shows of the result: each line with its explanations, and the facts."""
    return tuple((line.code, line.amount, line.detail, line.detail_en) for line in agent.lines), agent.facts


def _changes_against_stored(
    session: Session, month: str, version: PlanVersion, facts: MonthFacts, fresh: MonthPay, *, lang: str = "zh"
) -> list[AgentChange]:
    """What storing ``fresh`` would change in the stored result of ``month``: the one definition of "stale".

    Per agent and per line code as :func:`~app.services.payroll_view.diff_results` words it. An
    agent whose amounts are the same but whose payslip would still read differently — lines split
    or ordered differently (two adjustments of +100 and -100 added, say), an explanation that
    changed ("2 人参评" becoming "3 人参评"), or the facts behind the pay (workdays, QA average) —
    is listed too, with no line changes and an unchanged net: the stored result would still not
    be what a recalculation stores, nor what the payslip should say.
    """
    stored = show_month(session, month)
    current = _fresh_result(month, "calculated", version, fresh, {a.code: a.team for a in facts.agents})
    changes = diff_results(stored, current, lang=lang)
    listed = {c.code for c in changes}
    before = {a.code: a for a in stored.agents}
    for agent in current.agents:
        old = before.get(agent.code)
        if agent.code in listed or old is None:
            continue
        if _payslip_content(old) != _payslip_content(agent):
            changes.append(AgentChange(agent.code, agent.name, "changed", old.net, agent.net))
    return sorted(changes, key=lambda c: c.code)


def pending_changes(session: Session, month: str, *, lang: str = "zh") -> list[AgentChange]:
    """What recalculating ``month`` now would change in its stored result; empty when it is current.

    The month is computed from the current records exactly as :func:`calculate_month` (and
    :func:`lock_month`'s check) does and compared with the stored result, per agent and per
    line, in the shape of :func:`~app.services.payroll_view.diff_results`. Nothing is written.

    Only a calculated month can be stale: an open month has no result to compare with, and a
    locked month's result is final (its records are frozen, and what locking recorded — paid
    and clawed-back policies — would make a recomputation differ for no real change). Both
    raise :class:`ServiceError`.
    """
    status = month_status(session, month)
    if status == "locked":
        raise ServiceError(
            f"{month} 已锁定：结果不再随记录重新计算。",
            f"{month} is locked: its result is final and is not compared with the records.",
        )
    if status != "calculated":
        raise ServiceError(
            f"{month} 尚未计算，没有可比较的结果。",
            f"{month} has not been calculated; there is no result to compare with.",
        )
    version, facts, fresh = _recompute(session, month)
    return _changes_against_stored(session, month, version, facts, fresh, lang=lang)


def lock_month(
    session: Session, month: str, *, with_pending_appeals: bool = False, reason: str = "", approved: bool = False
) -> None:
    """Freeze the month: its result, the plan version it used, its records, and what each policy paid.

    The write lock is taken first: the check that the stored result still matches the records
    and the lock itself are one step, so no import or edit can slip in between.
    A month with pending appeals is refused unless ``with_pending_appeals`` and a ``reason`` are given
    (docs/pay-rules.md §11; the reason goes to the audit log). Once the branch has users, a month is
    locked only by its approval (签批, app.services.signoff, ``approved``; docs/pay-rules.md §10)."""
    claim_write_lock(session)
    if not approved and users_exist(session):
        raise ServiceError(
            f"本网点已设置用户：{month} 由签批锁定（payroll approve --month {month}）。",
            f"this branch has users: {month} is locked by its approval (payroll approve --month {month}).",
        )
    status = month_status(session, month)
    if status == "locked":
        raise ServiceError(f"{month} 已经锁定。", f"{month} is already locked.")
    if status != "calculated":
        raise ServiceError(f"{month} 尚未计算，请先计算再锁定。", f"{month} has not been calculated; calculate it first.")
    pending_appeals = check_pending_appeals(session, month, with_pending_appeals, reason, "锁定", "locking")
    ensure_period_months_locked(session, plan_for_month(session, month)[1], month)
    version, facts, fresh = _recompute(session, month)
    if _changes_against_stored(session, month, version, facts, fresh):
        raise ServiceError(f"{month} 的数据在上次计算后已变化，请重新计算并核对后再锁定。",
                           f"the records of {month} changed since it was calculated; recalculate and check before locking.")
    if not fresh.agents:
        raise ServiceError(
            f"{month} 没有任何人员的工资，不能锁定：锁定一个空月份会让以后补录的人员无法在本月发薪。"
            "请先导入人员（或检查入职、离职日期）并重新计算。",
            f"{month} pays nobody and cannot be locked: a locked empty month could not pay agents entered "
            "later. Import the agents (or check their hire and leave dates) and calculate again.",
        )
    # One UPDATE per policy by its number, sent as one executemany by the driver: no ORM object per
    # policy and no IN list (a busy month pays more policies than SQLite takes variables). Each
    # counts as a change of the policy (its version), as the ORM edit it replaces did.
    conn, who = session.connection(), stamp(session)
    table: Table = Policy.__table__  # type: ignore[assignment]  # a mapped class's table is a Table
    paid = [(decimal_text(amount), no) for a in fresh.agents for no, amount in a.policy_paid.items()]
    update_rows(conn, table, "policy_no", ["paid_amount"], paid, same={"paid_month": month, **who}, versioned=True)
    clawed = [(c.policy_no,) for a in facts.agents for c in a.clawbacks]
    update_rows(conn, table, "policy_no", [], clawed, same={"clawed_month": month, **who}, versioned=True)
    row = session.get(MonthStatus, month)
    assert row is not None
    row.status = "locked"
    row.locked_at = datetime.now().replace(microsecond=0)
    version.frozen = True
    audit(session, "payroll.lock", entity="month", key=month, before="calculated", after="locked")
    if pending_appeals:
        audit(session, "payroll.lock_with_pending_appeals", entity="month", key=month,
              after={"pending_appeals": pending_appeals}, reason=reason.strip())
    session.flush()


def check_pending_appeals(
    session: Session, month: str, override: bool, reason: str, step_zh: str, step_en: str
) -> int:
    """Refuse a lock or sign-off of ``month`` while appeals against its records are pending, unless
    overridden with a reason (docs/pay-rules.md §11). Returns how many are pending; a caller that goes
    on with some pending writes its reason to the audit log."""
    from app.services.appeal_count import pending_count

    n = pending_count(session, month)
    if not n:
        return 0
    if not override:
        raise ServiceError(
            f"{month} 还有 {n} 条申诉待处理，不能{step_zh}：请先处理申诉，或确认继续并说明原因"
            "（命令行：--with-pending-appeals --reason 原因）。",
            f"{step_en.capitalize()} {month} is refused: {n} appeal(s) against its records are pending. Decide "
            "them first, or go on with a reason (command line: --with-pending-appeals --reason TEXT).",
        )
    if not reason.strip():
        raise ServiceError(f"{month} 有待处理的申诉：继续{step_zh}须填写原因。",
                           f"{month} has pending appeals: a reason is required to go on {step_en}.")
    return n


def unlock_month(session: Session, month: str, reason: str) -> None:
    """Reopen the latest locked month; the reason goes to the audit log."""
    if not reason.strip():
        raise ServiceError("解锁必须填写原因。", "a reason is required to unlock a month.")
    claim_write_lock(session)
    require_role(session, ("approver",), Text("解锁月份", "unlock a month"))  # §10: undoes an approval
    row = session.get(MonthStatus, month, populate_existing=True)
    if row is None or row.status != "locked":
        raise ServiceError(f"{month} 没有锁定。", f"{month} is not locked.")
    later = session.scalar(select(MonthStatus.month).where(MonthStatus.status == "locked", MonthStatus.month > month)
                           .order_by(MonthStatus.month.desc()))
    if later is not None:
        raise ServiceError(f"只能解锁最近锁定的月份（{later}）。", f"only the latest locked month ({later}) can be unlocked.")
    # Two statements, no ORM object per policy (a busy month pays tens of thousands); each policy
    # counts as changed (its version), as the lock's own write did.
    conn, bump = session.connection(), bump_values(session, Policy)
    conn.execute(update(Policy).where(Policy.paid_month == month).values(paid_amount=None, paid_month=None, **bump))
    conn.execute(update(Policy).where(Policy.clawed_month == month).values(clawed_month=None, **bump))
    row.status = "calculated"
    row.locked_at = None
    if row.plan_version_id is not None:
        still_used = session.scalar(select(MonthStatus.month).where(
            MonthStatus.plan_version_id == row.plan_version_id, MonthStatus.status == "locked",
            MonthStatus.month != month))
        if still_used is None:
            version = session.get(PlanVersion, row.plan_version_id)
            if version is not None:
                version.frozen = False
    audit(session, "payroll.unlock", entity="month", key=month, before="locked", after="calculated", reason=reason)
    void_signoffs(session, month, Text(f"解锁：{reason}", f"unlocked: {reason}"))
    session.flush()


def _fresh_result(month: str, status: str, version: PlanVersion, pay: MonthPay, teams: dict[str, str]) -> MonthResult:
    """A computed (not stored) month as :func:`show_month` gives it once :func:`_store` has stored it."""
    return MonthResult(
        month=month,
        status=status,
        plan_name=version.name,
        plan_effective_from=version.effective_from,
        agents=tuple(agent_result(a, teams.get(a.code, "")) for a in sorted(pay.agents, key=lambda a: a.code)),
        warnings=pay.warnings,
    )


def _stored_line(line: PayrollLine) -> PayLine:
    return PayLine(line.code, line.amount, line.label, line.label_en, line.detail, line.detail_en)


def show_month(session: Session, month: str) -> MonthResult:
    """The month's stored result (``payroll show``; the CLI prints it as docs/formats.md's JSON)."""
    row = session.get(MonthStatus, month)
    if row is None or row.status not in ("calculated", "locked"):
        raise ServiceError(f"{month} 尚未计算：请先运行 payroll run --month {month}。",
                           f"{month} has not been calculated: run payroll run --month {month} first.")
    version = session.get(PlanVersion, row.plan_version_id) if row.plan_version_id else None
    agents = []
    for r in session.scalars(select(PayrollResult).where(PayrollResult.month == month)
                             .options(selectinload(PayrollResult.lines)).order_by(PayrollResult.agent_code)):
        stored = json.loads(r.facts_json or "{}")
        stored.pop("policy_paid", None)
        warnings = stored.pop("warnings", [])
        stored.pop("statutory", None)
        agents.append(AgentResult(
            code=r.agent_code, name=r.agent_name, team=r.team, lines=tuple(_stored_line(x) for x in r.lines),
            gross=r.gross, deductions=r.deductions, net=r.net, facts=facts_from_json(stored),
            warnings=tuple(Text.from_json(w) for w in warnings),
        ))
    return MonthResult(
        month=month,
        status=row.status,
        plan_name=version.name if version else "",
        plan_effective_from=version.effective_from if version else "",
        agents=tuple(agents),
        warnings=tuple(Text.from_json(w) for w in json.loads(row.warnings or "[]")),
    )
