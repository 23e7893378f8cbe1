"""目标制激励: target bonuses by attainment (docs/pay-rules.md §8.1).

Paid in the last month of the target's period to agents in that month's payroll; the QA
coefficient does not apply, and each target that pays is its own ``target_bonus`` line.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from app.engine.facts import AgentMonth, PayLine, PolicyFact
from app.engine.lines import make_line, money, num
from app.engine.period import Period
from app.engine.period_facts import AgentPeriodFacts, PeriodPolicy, TargetFact
from app.money import HUNDRED, ZERO, round_cents
from app.periods import KIND_WORDS, PayPeriod, ends_in
from app.plan.model import Plan
from app.plan.targets import Target

_FOUR_PLACES = Decimal("0.0001")


def attainment(actual: Decimal, target_value: Decimal) -> Decimal:
    """``actual / target_value`` kept to 4 decimals, half up (1.2346 is 123.46%)."""
    return (actual / target_value).quantize(_FOUR_PLACES, rounding=ROUND_HALF_UP)


def _policy_measure(plan: Plan, target: Target, span: PayPeriod, month: Period, agent: AgentMonth,
                    facts: AgentPeriodFacts) -> Decimal:
    """Σ std (or the count) of the policies signed in the period's months and not cancelled by the paying
    month's last day; a policy of a product the plan does not know is left out (the commission warns)."""
    first = date(span.year, span.first_month_number, 1)
    last = month.last
    products = plan.products_by_code
    total = ZERO
    count = 0
    policies: list[PeriodPolicy | PolicyFact] = [*facts.policies, *agent.policies]
    for p in policies:
        if not first <= p.sign_date <= last or (p.cancel_date is not None and p.cancel_date <= last):
            continue
        product = products.get(p.product_code)
        if product is None:
            continue
        total += p.premium * product.factor
        count += 1
    return Decimal(count) if target.measure == "policies" else total


def _metric_measure(target: Target, span: PayPeriod, month: Period, agent: AgentMonth,
                    facts: AgentPeriodFacts) -> Decimal | None:
    """The mean of the agent's monthly values of the metric in the period's months; None without any."""
    months = set(span.months())
    values = [v for m, code, v in facts.metrics if code == target.measure and m in months and m != month.month]
    current = agent.metrics.get(target.measure)
    if current is not None:
        values.append(current)
    if not values:
        return None
    return sum(values, ZERO) / len(values)


def _measure_words(plan: Plan, target: Target, kind: str) -> tuple[str, str, bool]:
    """What the measure is called in the explanation, and whether it is an amount (two decimals)."""
    word_zh, word_en = KIND_WORDS[kind]
    if target.measure == "standard_premium":
        return f"{word_zh}标准保费", f"{word_en} standard premium", True
    if target.measure == "policies":
        return f"{word_zh}保单数", f"{word_en} policies", False
    name = next((i.name for i in plan.kpi.indicators if i.code == target.measure), target.measure)
    return f"{word_zh}{name}均值", f"{word_en} mean {name}", True


@dataclass(frozen=True)
class TargetStanding:
    """Where an agent stands against a target of a period, as of a month of it (the last month: the payout)."""

    actual: Decimal | None  # None: a metric without any value in the period so far
    attainment: Decimal | None  # 4 decimals
    rate: Decimal
    bonus: Decimal  # the imported bonus, else the plan's
    amount: Decimal  # bonus × rate, rounded to the cent


def target_standing(plan: Plan, target: Target, span: PayPeriod, month: Period, agent: AgentMonth,
                    facts: AgentPeriodFacts, fact: TargetFact) -> TargetStanding:
    """``target`` for ``span`` measured over its months up to ``month`` (policies not cancelled by its last day)."""
    if target.measure in ("standard_premium", "policies"):
        actual: Decimal | None = _policy_measure(plan, target, span, month, agent, facts)
    else:
        actual = _metric_measure(target, span, month, agent, facts)
    bonus = fact.bonus if fact.bonus is not None else target.bonus
    if actual is None or fact.value <= 0:
        return TargetStanding(actual, None, ZERO, bonus, ZERO)
    a = attainment(actual, fact.value)
    rate = target.rate_for(a)
    return TargetStanding(actual, a, rate, bonus, round_cents(bonus * rate))


def _paying(plan: Plan, month: Period, facts: AgentPeriodFacts) -> list[tuple[Target, PayPeriod, TargetFact]]:
    """The plan's targets whose period ends this month, each with the agent's imported value (above 0)."""
    out: list[tuple[Target, PayPeriod, TargetFact]] = []
    for target in plan.targets:
        span = ends_in(target.period, month.month)
        if span is None:
            continue
        fact = next((f for f in facts.targets if f.target == target.code and f.period == span.text), None)
        if fact is None or fact.value <= 0:
            continue  # no target value imported: no line
        out.append((target, span, fact))
    return out


def _arithmetic(plan: Plan, target: Target, span: PayPeriod, fact: TargetFact, standing: TargetStanding) -> tuple[str, str]:
    """``季度保费目标 2026-Q4：季度标准保费 123456.00 / 目标 100000.00 = 123.46% → 1.2 × 1000.00`` and its English."""
    assert standing.actual is not None and standing.attainment is not None
    what_zh, what_en, is_amount = _measure_words(plan, target, span.kind)
    shown = money if is_amount else num
    arithmetic = (f"{shown(standing.actual)} / {{}} {shown(fact.value)} = {money(standing.attainment * HUNDRED)}% → "
                  f"{num(standing.rate)} × {money(standing.bonus)}")
    return (f"{target.name} {span.text}：{what_zh} " + arithmetic.format("目标"),
            f"{target.name} {span.text}: {what_en} " + arithmetic.format("target"))


def target_lines(plan: Plan, month: Period, agent: AgentMonth, facts: AgentPeriodFacts) -> tuple[PayLine, ...]:
    """One ``target_bonus`` line per plan target whose period ends this month and that pays the agent."""
    lines: list[PayLine] = []
    for target, span, fact in _paying(plan, month, facts):
        standing = target_standing(plan, target, span, month, agent, facts, fact)
        if standing.actual is None or standing.attainment is None:
            continue  # a metric without any value in the period: no payout
        if standing.rate * standing.bonus == 0:
            continue
        zh, en = _arithmetic(plan, target, span, fact, standing)
        lines.append(make_line("target_bonus", standing.bonus * standing.rate, zh, en))
    return tuple(lines)


def target_details(plan: Plan, month: Period, agent: AgentMonth, facts: AgentPeriodFacts) -> dict[str, tuple[str, str]]:
    """Every target paying this month that the agent has a value for, keyed ``code period``, as (Chinese,
    English): the line's arithmetic ending in the amount — ``= 0.00`` when the attainment pays nothing —
    so the payslip of the paying month shows a missed target too (docs/pay-rules.md §8.1)."""
    details: dict[str, tuple[str, str]] = {}
    for target, span, fact in _paying(plan, month, facts):
        standing = target_standing(plan, target, span, month, agent, facts, fact)
        key = f"{target.code} {span.text}"
        if standing.actual is None or standing.attainment is None:
            what_zh, what_en, _ = _measure_words(plan, target, span.kind)
            details[key] = (f"{target.name} {span.text}：本期没有{what_zh}的数值，不发放",
                            f"{target.name} {span.text}: no {what_en} in the period, nothing paid")
            continue
        zh, en = _arithmetic(plan, target, span, fact, standing)
        amount = money(standing.amount)
        details[key] = (f"{zh} = {amount}", f"{en} = {amount}")
    return details
