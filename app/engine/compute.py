"""Put the components together: facts of a month in, every agent's pay lines out.

The computation has two passes because of the monthly award: pass one computes each
agent's own figures (including K), the award is then decided across all of them, and
pass two finishes the lines that depend on the award (penalty cap, carry-over, totals).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_EVEN, Context, Decimal, localcontext

from app.engine import attendance as att_mod
from app.engine.adjustments import adjustment_lines
from app.engine.award import AwardDecision, Candidate, decide_award
from app.engine.base import BaseResult, compute_base
from app.engine.carry import carry_forward_line, carry_to_next_line
from app.engine.clawback import clawback_line
from app.engine.commission import CommissionResult, compute_commission
from app.engine.complaints import ComplaintResult, compute_complaints, praise_line
from app.engine.facts import AgentFacts, AgentMonth, AgentPay, MonthFacts, MonthPay, PayLine
from app.engine.kpi import KpiResult, compute_kpi
from app.engine.limits import ReliefResult, penalty_relief
from app.engine.period import Period, employed_workdays, in_payroll
from app.engine.period_award import Member, period_award_lines
from app.engine.period_facts import PeriodFacts
from app.engine.quality import QAResult, evaluate, fatal_penalty_line
from app.engine.scopes import ScopeMap, resolve
from app.engine.statutory import statutory_lines
from app.engine.targets import target_details, target_lines
from app.money import ZERO, round2
from app.plan.model import Plan, Scope
from app.text import Text

# A fixed arithmetic context, so a caller who changed the thread's decimal context cannot
# change anybody's pay. Rounding to the cent is always explicit (ROUND_HALF_UP in make_line).
_CONTEXT = Context(prec=28, rounding=ROUND_HALF_EVEN)
ZERO_CENTS = Decimal("0.00")  # totals start here so even an empty payslip reads 0.00


@dataclass(frozen=True)
class AgentDraft:
    """Pass one: everything about an agent that does not depend on the other agents."""

    agent: AgentMonth
    period: Period
    employed_days: int
    attendance: att_mod.AttendanceSummary
    base: BaseResult
    qa: QAResult
    commission: CommissionResult
    kpi: KpiResult
    complaints: ComplaintResult
    praise: PayLine | None
    warnings: tuple[Text, ...]
    scope: Scope | None = None  # schema 2 (§7.3)

    @property
    def candidate(self) -> Candidate:
        penalized = self.complaints.upheld > 0 or self.qa.fatal_count > 0
        return Candidate(code=self.agent.code, score=self.kpi.score, penalized=penalized)


def prepare_agent(
    plan: Plan,
    period: Period,
    agent: AgentMonth,
    *,
    scope: Scope | None = None,
    peaks: Mapping[str, Decimal] | None = None,
) -> AgentDraft:
    """``plan`` is the plan as the agent's ``scope`` sees it; ``peaks`` the N1 of relative indicators."""
    employed_days = len(employed_workdays(agent, period))
    workdays = len(period.workdays)
    summary = att_mod.summarize(agent, period)
    base = compute_base(plan, agent.base_salary, employed_days, workdays, summary)
    qa = evaluate(plan.quality, agent, period)
    commission = compute_commission(plan, agent, period, qa)
    kpi = compute_kpi(plan.kpi, agent, qa.avg, period=period, peaks=peaks, explain=plan.schema >= 2)
    complaints = compute_complaints(plan.complaints, agent, period)
    warnings = list(commission.warnings)
    if workdays == 0:
        warnings.append(Text("本月没有工作日，基本工资为 0", "the month has no workdays: base pay is 0"))
    return AgentDraft(
        agent=agent,
        period=period,
        employed_days=employed_days,
        attendance=summary,
        base=base,
        qa=qa,
        commission=commission,
        kpi=kpi,
        complaints=complaints,
        praise=praise_line(plan.awards, agent),
        warnings=tuple(warnings),
        scope=scope,
    )


def finish_agent(
    plan: Plan,
    draft: AgentDraft,
    top_award: PayLine | None,
    targets: tuple[PayLine, ...] = (),
    period_awards: tuple[PayLine, ...] = (),
    target_texts: dict[str, tuple[str, str]] | None = None,
) -> AgentPay:
    agent = draft.agent
    workdays = len(draft.period.workdays)
    summary = draft.attendance
    candidates: list[PayLine | None] = [
        *draft.base.lines,
        *draft.commission.lines,
        draft.kpi.line,
        *targets,
        att_mod.full_attendance_line(plan.attendance, summary, draft.employed_days, workdays),
        top_award,
        *period_awards,
        draft.praise,
        att_mod.penalty_line(plan.attendance, summary),
        draft.complaints.line,
        fatal_penalty_line(plan.quality, draft.qa),
        clawback_line(agent),
        *adjustment_lines(agent),
    ]
    lines: list[PayLine] = [line for line in candidates if line is not None]
    relief = penalty_relief(plan.limits, lines)
    if relief.line is not None:
        lines.append(relief.line)
    statutory = statutory_lines(plan.statutory, agent, lines)  # §9: before the carry-over
    lines.extend(statutory.lines)
    carried = carry_forward_line(agent.carry_forward)
    if carried is not None:
        lines.append(carried)
    to_next = carry_to_next_line(lines)
    if to_next is not None:
        lines.append(to_next)

    gross = sum((line.amount for line in lines if line.amount > 0), ZERO_CENTS)
    deductions = sum((line.amount for line in lines if line.amount < 0), ZERO_CENTS)
    return AgentPay(
        code=agent.code,
        name=agent.name,
        lines=tuple(lines),
        gross=gross,
        deductions=deductions,
        net=gross + deductions,
        facts=_facts(draft, relief, top_award is not None, target_texts),
        policy_paid=draft.commission.policy_paid,
        carry_to_next=to_next.amount if to_next is not None else ZERO,
        warnings=draft.warnings,
        statutory=statutory.outcome,
    )


def _facts(draft: AgentDraft, relief: ReliefResult, won: bool,
           target_texts: dict[str, tuple[str, str]] | None = None) -> AgentFacts:
    """The intermediate figures the payroll page and payslip show; money-like ones to 2 places."""
    s = draft.attendance
    qa = draft.qa
    com = draft.commission
    leave_zh, leave_en = att_mod.leave_text(s.leave_days)
    return AgentFacts(
        workdays=len(draft.period.workdays),
        employed_workdays=draft.employed_days,
        daily_rate=round2(draft.base.daily_rate),
        standard_premium=round2(com.standard_premium),
        tier_commission=round2(com.tier_commission),
        level_bonus=round2(com.level_bonus),
        policies_counted=com.counted,
        new_customers=com.new_customers,
        qa_count=qa.count,
        qa_avg=qa.avg,
        qa_grade=qa.grade,
        qa_coefficient=qa.coefficient,
        qa_fatal_count=qa.fatal_count,
        kpi_score=draft.kpi.score,
        indicator_scores=dict(draft.kpi.indicator_scores),
        indicator_values=dict(draft.kpi.indicator_values),
        leave_days={k: v for k, v in s.leave_days.items() if v},
        leave_text=leave_zh,
        leave_text_en=leave_en,
        absence_days=s.absence_days,
        late_count=len(s.late),
        early_leave_count=len(s.early_leave),
        away_count=s.away,
        swap_count=s.swap,
        complaints_upheld=draft.complaints.upheld,
        praise_count=draft.agent.praise_count,
        top_award=won,
        penalty_total=relief.penalties,
        penalty_allowance=relief.allowance,
        kpi_measured=bool(draft.kpi.indicator_scores),
        scope=draft.scope.code if draft.scope is not None else None,
        scope_name=draft.scope.name if draft.scope is not None else "",
        indicator_details={code: zh for code, (zh, _en) in draft.kpi.details.items()},
        indicator_details_en={code: en for code, (_zh, en) in draft.kpi.details.items()},
        target_details={key: zh for key, (zh, _en) in (target_texts or {}).items()},
        target_details_en={key: en for key, (_zh, en) in (target_texts or {}).items()},
    )


def compute_agent(plan: Plan, facts: MonthFacts, agent: AgentMonth, *, top_award: bool = False) -> AgentPay:
    """One agent alone (a preview): the award cannot be decided without the peers, so the
    caller says whether the agent won it. ``compute_month`` is the payroll's entry point."""
    with localcontext(_CONTEXT):
        period = Period.of(facts.month, facts.workdays)
        scopes = resolve(plan, [agent], period)
        plan = scopes.plan_for(agent.code)
        draft = prepare_agent(
            plan, period, agent, scope=scopes.scope_of[agent.code], peaks=scopes.peaks_for(agent.code)
        )
        award_line = None
        if top_award:
            decision = AwardDecision(1, 1, draft.kpi.score, frozenset({agent.code}))
            award_line = decision.line_for(plan.awards, agent.code, draft.kpi.score)
        return finish_agent(plan, draft, award_line)


def compute_month(plan: Plan, facts: MonthFacts, periods: PeriodFacts | None = None) -> MonthPay:
    """The month's payroll: agents outside the month (hire/leave dates) are left out.

    ``periods`` holds what the targets and period awards of a schema-2 plan need from the
    period's earlier months (docs/pay-rules.md §8); without it they see this month alone."""
    with localcontext(_CONTEXT):
        period = Period.of(facts.month, facts.workdays)
        members = [a for a in facts.agents if in_payroll(a, period)]
        scopes = resolve(plan, members, period)
        drafts = [
            prepare_agent(
                scopes.plan_for(a.code),
                period,
                a,
                scope=scopes.scope_of[a.code],
                peaks=scopes.peaks_for(a.code),
            )
            for a in members
        ]
        award_lines = _award_lines(plan, scopes, drafts)
        periods = periods or PeriodFacts()
        awarded = period_award_lines(
            plan, facts.month, [Member(d.candidate, d.agent.team) for d in drafts], periods
        ) if plan.period_awards or plan.team_award is not None else {}
        agents = tuple(
            finish_agent(
                scopes.plan_for(d.agent.code),
                d,
                award_lines.get(d.agent.code),
                # the agent's scope plan: the plan's targets, its products and the scope's indicator names
                target_lines(scopes.plan_for(d.agent.code), period, d.agent, periods.of(d.agent.code))
                if plan.targets else (),
                awarded.get(d.agent.code, ()),
                target_details(scopes.plan_for(d.agent.code), period, d.agent, periods.of(d.agent.code))
                if plan.targets else None,
            )
            for d in drafts
        )
        warnings: list[Text] = []
        if facts.calendar_warning:
            warnings.append(facts.calendar_warning)
        if not period.workdays:
            warnings.append(Text(f"{facts.month} 没有工作日", f"{facts.month} has no workdays"))
        warnings.extend(scopes.warnings)
        if not agents:
            warnings.append(
                Text(
                    f"{facts.month} 没有在职人员，没有工资可发：请检查人员名单和入职、离职日期",
                    f"nobody was employed in {facts.month}, so there is no pay: check the agents and their "
                    "hire and leave dates",
                )
            )
        return MonthPay(month=facts.month, agents=agents, warnings=tuple(warnings))


def _award_lines(plan: Plan, scopes: ScopeMap, drafts: list[AgentDraft]) -> dict[str, PayLine]:
    """The monthly award over the whole branch, or per scope with ``awards.within_scope`` (§7.3)."""
    groups: dict[str, list[AgentDraft]] = {}
    for d in drafts:
        key = scopes.key(d.agent.code) if plan.awards.within_scope else ""
        groups.setdefault(key, []).append(d)
    out: dict[str, PayLine] = {}
    for group in groups.values():
        decision = decide_award(plan.awards, [d.candidate for d in group])
        for d in group:
            line = decision.line_for(plan.awards, d.agent.code, d.kpi.score)
            if line is None:
                continue
            if plan.awards.within_scope and plan.scopes:
                name_zh = d.scope.name if d.scope is not None else "未分岗位"
                name_en = d.scope.name if d.scope is not None else "agents in no scope"
                line = replace(
                    line,
                    detail=f"{name_zh}内评比：{line.detail}",
                    detail_en=f"within {name_en}: {line.detail_en}",
                )
            out[d.agent.code] = line
    return out
