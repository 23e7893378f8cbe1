"""What a month's targets and period awards need from the period's other months (docs/pay-rules.md §8).

The engine is pure: this module reads the database — target values, the policies and metric values
of the period's earlier months, and the stored results (K, penalties) of its earlier, locked months —
into :class:`~app.engine.period_facts.PeriodFacts`, and refuses to calculate a period's last month
while an earlier month of a period award is not locked yet.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_EVEN, Context, Decimal, localcontext

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.calendar import month_bounds, previous_month
from app.engine.facts import AgentMonth, MonthFacts
from app.engine.period import Period
from app.engine.period_facts import AgentPeriodFacts, EarlierMonth, PeriodFacts, PeriodPolicy, TargetFact
from app.engine.targets import target_standing
from app.money import ZERO
from app.periods import PayPeriod, ends_in, period_of
from app.plan.model import Plan
from app.results import facts_from_json
from app.services.errors import ServiceError
from app.services.months import month_statuses
from app.services.plans import plan_for_month
from db.models import Agent, KpiMetric, PayrollResult, PlanVersion, Policy, TargetValue


def _paying(plan: Plan, month: str) -> tuple[list[PayPeriod], list[PayPeriod]]:
    """The periods of the plan's targets, and of its period awards, that end in ``month``."""
    targets = [p for t in plan.targets if (p := ends_in(t.period, month)) is not None]
    awards = [p for a in plan.period_awards if (p := ends_in(a.period, month)) is not None]
    return targets, awards


def months_to_lock_first(session: Session, plan: Plan, month: str) -> list[tuple[str, str, str]]:
    """The earlier months of a period award paying in ``month`` that are not locked, as (month, period, award
    name), earliest first. Months before the first plan version, and months in which nobody was employed, take
    no part: the app kept no payroll then."""
    first_plan = session.scalar(select(PlanVersion.effective_from).order_by(PlanVersion.effective_from))
    statuses = month_statuses(session)
    found: dict[str, tuple[str, str, str]] = {}
    for award in plan.period_awards:
        span = ends_in(award.period, month)
        if span is None:
            continue
        for m in span.months():
            if m < month and (first_plan is None or m >= first_plan) and statuses.get(m) != "locked":
                found.setdefault(m, (m, span.text, award.name))
    return [found[m] for m in sorted(found) if _anyone_employed(session, m)]


def _anyone_employed(session: Session, month: str) -> bool:
    """Whether any agent was employed in ``month``: a month that paid nobody cannot be locked (and has
    no K to read), so it never holds up the period's last month."""
    first, last = month_bounds(month)
    return session.scalar(
        select(Agent.id).where(Agent.hire_date <= last, Agent.leave_date.is_(None) | (Agent.leave_date >= first))
        .limit(1)
    ) is not None


def ensure_period_months_locked(session: Session, plan: Plan, month: str) -> None:
    """Refuse, naming the month to lock first, when a period award pays in ``month`` and an earlier
    month of its period is not locked (its K could still change)."""
    missing = months_to_lock_first(session, plan, month)
    if missing:
        m, period, name = missing[0]
        rest = [x[0] for x in missing[1:]]
        also_zh = f"（之后还有 {'、'.join(rest)}）" if rest else ""
        also_en = f" (then {', '.join(rest)})" if rest else ""
        raise ServiceError(
            f"{month} 是 {period} 的末月，要计算其中的{name}，请先锁定 {m}{also_zh}：期间内较早的月份都必须已锁定。",
            f"{month} is the last month of {period} and pays the {name}: lock {m} first{also_en}; every earlier "
            f"month of the period must be locked.",
        )


def gather_period_facts(session: Session, plan: Plan, facts: MonthFacts, ids: dict[str, int]) -> PeriodFacts | None:
    """The figures of the period's earlier months for each agent of ``facts``; None when nothing pays now."""
    month = facts.month
    target_spans, award_spans = _paying(plan, month)
    if not target_spans and not award_spans:
        return None
    by_id = {agent_id: code for code, agent_id in ids.items()}
    conn = session.connection()
    targets: dict[str, list[TargetFact]] = defaultdict(list)
    policies: dict[str, list[PeriodPolicy]] = defaultdict(list)
    metrics: dict[str, list[tuple[str, str, Decimal]]] = defaultdict(list)
    earlier: dict[str, list[EarlierMonth]] = defaultdict(list)

    if target_spans:
        texts = sorted({p.text for p in target_spans})
        for agent_id, target, period, value, bonus in conn.execute(
            select(TargetValue.agent_id, TargetValue.target, TargetValue.period, TargetValue.value, TargetValue.bonus)
            .where(TargetValue.period.in_(texts))
        ):
            if agent_id in by_id:
                targets[by_id[agent_id]].append(TargetFact(target, period, value, bonus))
        first = min(p.first_month for p in target_spans)
        if first < month:
            measures = {t.measure for t in plan.targets if ends_in(t.period, month) is not None}
            if measures & {"standard_premium", "policies"}:
                start = date(int(first[:4]), int(first[5:]), 1)
                end = date(int(month[:4]), int(month[5:]), 1)
                make_policy = tuple.__new__
                for row in conn.execute(
                    select(Policy.agent_id, Policy.product_code, Policy.premium, Policy.sign_date, Policy.cancel_date)
                    .where(Policy.sign_date >= start, Policy.sign_date < end)
                ).all():  # fetched at once, no order needed (sums): several times faster than row by row
                    if row[0] in by_id:
                        policies[by_id[row[0]]].append(make_policy(PeriodPolicy, row[1:]))
            codes = sorted(measures - {"standard_premium", "policies"})
            if codes:
                for agent_id, m, code, value in conn.execute(
                    select(KpiMetric.agent_id, KpiMetric.month, KpiMetric.indicator, KpiMetric.value)
                    .where(KpiMetric.month >= first, KpiMetric.month < month, KpiMetric.indicator.in_(codes))
                ):
                    if agent_id in by_id:
                        metrics[by_id[agent_id]].append((m, code, value))

    if award_spans:
        first = min(p.first_month for p in award_spans)
        if first < month:
            for agent_id, m, facts_json in conn.execute(
                select(PayrollResult.agent_id, PayrollResult.month, PayrollResult.facts_json)
                .where(PayrollResult.month >= first, PayrollResult.month <= previous_month(month))
            ):
                if agent_id not in by_id:
                    continue
                stored = facts_from_json(json.loads(facts_json or "{}"))
                penalized = stored.complaints_upheld > 0 or stored.qa_fatal_count > 0
                earlier[by_id[agent_id]].append(EarlierMonth(m, stored.kpi_score or ZERO, penalized))

    everyone = set(targets) | set(policies) | set(metrics) | set(earlier)
    return PeriodFacts({
        code: AgentPeriodFacts(
            targets=tuple(targets.get(code, ())),
            policies=tuple(policies.get(code, ())),
            metrics=tuple(metrics.get(code, ())),
            earlier=tuple(sorted(earlier.get(code, ()), key=lambda e: e.month)),
        )
        for code in everyone
    })


@dataclass(frozen=True)
class TargetProgress:
    """An agent's standing against one target of the period that ``month`` falls in, as of ``month``:
    shown during the period, before it pays (docs/pay-rules.md §8.1)."""

    agent_code: str
    agent_name: str
    target: str
    target_name: str
    measure: str
    period: str
    pays_in: str  # the period's last month
    value: Decimal
    actual: Decimal | None  # None: a metric without any value so far
    attainment: Decimal | None
    rate: Decimal
    bonus: Decimal
    amount: Decimal  # what it would pay if the period ended now


def target_progress(session: Session, month: str) -> list[TargetProgress]:
    """Each imported target value of the periods ``month`` falls in, measured up to the end of ``month``
    by the same arithmetic as the payout, with the plan in force for ``month``."""
    try:
        _version, plan = plan_for_month(session, month)
    except ServiceError:
        return []
    spans = {t.code: period_of(t.period, month) for t in plan.targets}
    if not spans:
        return []
    conn = session.connection()
    rows = conn.execute(
        select(Agent.id, Agent.code, Agent.name, Agent.hire_date, TargetValue.target, TargetValue.period,
               TargetValue.value, TargetValue.bonus)
        .join(Agent, Agent.id == TargetValue.agent_id)
        .where(TargetValue.target.in_(list(spans)), TargetValue.period.in_(sorted({p.text for p in spans.values()})))
        .order_by(Agent.code, TargetValue.target)
    ).all()
    rows = [r for r in rows if spans[r.target].text == r.period]
    if not rows:
        return []
    ids = {r.id for r in rows}
    first_month = min(spans[r.target].first_month for r in rows)
    start = date(int(first_month[:4]), int(first_month[5:]), 1)
    month_last = month_bounds(month)[1]
    policies: dict[int, list[PeriodPolicy]] = defaultdict(list)
    make_policy = tuple.__new__
    for row in conn.execute(
        select(Policy.agent_id, Policy.product_code, Policy.premium, Policy.sign_date, Policy.cancel_date)
        .where(Policy.sign_date >= start, Policy.sign_date <= month_last)
    ).all():
        if row[0] in ids:
            policies[row[0]].append(make_policy(PeriodPolicy, row[1:]))
    codes = sorted({t.measure for t in plan.targets} - {"standard_premium", "policies"})
    earlier: dict[int, list[tuple[str, str, Decimal]]] = defaultdict(list)
    current: dict[int, dict[str, Decimal]] = defaultdict(dict)
    if codes:
        for agent_id, m, code, value in conn.execute(
            select(KpiMetric.agent_id, KpiMetric.month, KpiMetric.indicator, KpiMetric.value)
            .where(KpiMetric.month >= first_month, KpiMetric.month <= month, KpiMetric.indicator.in_(codes))
        ):
            if agent_id in ids:
                if m == month:
                    current[agent_id][code] = value
                else:
                    earlier[agent_id].append((m, code, value))
    targets = {t.code: t for t in plan.targets}
    this_month = Period.of(month, ())
    out: list[TargetProgress] = []
    with localcontext(Context(prec=28, rounding=ROUND_HALF_EVEN)):
        for r in rows:
            target, span = targets[r.target], spans[r.target]
            agent = AgentMonth(code=r.code, name=r.name, base_salary=ZERO, hire_date=r.hire_date,
                               metrics=current.get(r.id, {}))
            facts = AgentPeriodFacts(policies=tuple(policies.get(r.id, ())), metrics=tuple(earlier.get(r.id, ())))
            standing = target_standing(plan, target, span, this_month, agent, facts,
                                       TargetFact(r.target, r.period, r.value, r.bonus))
            out.append(TargetProgress(
                agent_code=r.code, agent_name=r.name, target=target.code, target_name=target.name,
                measure=target.measure, period=span.text, pays_in=span.last_month, value=r.value,
                actual=standing.actual, attainment=standing.attainment, rate=standing.rate, bonus=standing.bonus,
                amount=standing.amount,
            ))
    return out
