"""销售提成 and 新客户奖励 (docs/pay-rules.md §3.2), plus what each policy paid (§3.3, recorded at lock).

This is the hot loop of the engine (tens of thousands of policies a month), so the per-policy
work is kept to a product lookup and a few Decimal multiplications; detail texts are built
from per-level totals, never per policy.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from app.engine.facts import AgentMonth, PayLine
from app.engine.lines import make_line, money, num, pct
from app.engine.period import Period
from app.engine.quality import QAResult
from app.money import ZERO, round_cents
from app.plan.model import CommissionConfig, Plan
from app.text import Text


@dataclass(frozen=True)
class CommissionResult:
    lines: tuple[PayLine, ...]
    standard_premium: Decimal  # S, unrounded
    tier_commission: Decimal  # T, unrounded
    level_bonus: Decimal  # Lv, unrounded
    counted: int
    new_customers: int
    commission: Decimal  # rounded line amounts (0 when the line is omitted)
    new_customer_bonus: Decimal
    policy_paid: dict[str, Decimal]
    warnings: tuple[Text, ...]


def tier_commission(cfg: CommissionConfig, s: Decimal) -> tuple[Decimal, str]:
    """T for standard premium ``s`` and the arithmetic as text (same in both languages)."""
    tiers = cfg.tiers
    if s <= 0 or not tiers:
        return ZERO, "0"
    if cfg.mode == "whole":
        rate = ZERO
        for tier in tiers:
            if tier.from_ <= s:
                rate = tier.rate
        return s * rate, f"{num(s)} × {pct(rate)}"
    total = ZERO
    parts: list[str] = []
    for i, tier in enumerate(tiers):
        upper = tiers[i + 1].from_ if i + 1 < len(tiers) else None
        if s <= tier.from_:
            break
        top = s if upper is None or s < upper else upper
        slice_ = top - tier.from_
        total += slice_ * tier.rate
        parts.append(f"{num(slice_)} × {pct(tier.rate)}")
    return total, " + ".join(parts)


REST_GROUP = ""  # the group key of policies whose product group has no tier table of its own


@dataclass(frozen=True)
class CountedSales:
    """The agent's policies that count this month (§3.2): each ``(policy_no, std, level rate, new,
    group key)``, their standard premium in total and by group key and by customer level, the
    new customers, and the policies whose product the plan lacks (by product code)."""

    counted: list[tuple[str, Decimal, Decimal, bool, str]]
    standard_premium: Decimal
    by_group: dict[str, Decimal]
    by_level: dict[str, Decimal]
    new_count: int
    unknown: dict[str, int]


def count_sales(
    plan: Plan, agent: AgentMonth, period: Period, tables: frozenset[str] = frozenset()
) -> CountedSales:
    """One pass over the agent's policies, shared by the single tier table and product groups
    (``tables``: the groups with a tier table of their own; every other policy is keyed ``""``)."""
    products = plan.products_by_code
    level_rates = plan.commission.level_bonus_rate
    first, last = period.first, period.last
    counted: list[tuple[str, Decimal, Decimal, bool, str]] = []
    s = ZERO
    by_group: dict[str, Decimal] = {}
    by_level: dict[str, Decimal] = {}
    new_count = 0
    unknown: dict[str, int] = {}
    # Unpacked rather than read by attribute (a month holds tens of thousands of policies): the same
    # arithmetic in the same order, so the same figures.
    for policy_no, product_code, premium, level, is_new, sign_date, cancel_date in agent.policies:
        if cancel_date is not None or not (first <= sign_date <= last):
            continue
        product = products.get(product_code)
        if product is None:
            unknown[product_code] = unknown.get(product_code, 0) + 1
            continue
        std = premium * product.factor
        key = product.group if tables and product.group in tables else REST_GROUP
        s += std
        by_group[key] = by_group.get(key, ZERO) + std
        rate = level_rates.get(level, ZERO)
        if rate:
            by_level[level] = by_level.get(level, ZERO) + std
        if is_new:
            new_count += 1
        counted.append((policy_no, std, rate, is_new, key))
    return CountedSales(counted, s, by_group, by_level, new_count, unknown)


def compute_commission(plan: Plan, agent: AgentMonth, period: Period, qa: QAResult) -> CommissionResult:
    cfg = plan.commission
    if cfg.groups:  # schema 2 product groups (§7.1)
        from app.engine.groups import compute_grouped_commission

        return compute_grouped_commission(plan, agent, period, qa)
    level_rates = cfg.level_bonus_rate
    sales = count_sales(plan, agent, period)
    counted, s, by_level, new_count, unknown = (
        sales.counted,
        sales.standard_premium,
        sales.by_level,
        sales.new_count,
        sales.unknown,
    )

    t, t_text = tier_commission(cfg, s)
    lv = sum((total * level_rates[level] for level, total in by_level.items()), ZERO)
    c = qa.coefficient
    c_zh, c_en = qa.coefficient_text()

    commission_line = make_line(
        "commission",
        (t + lv) * c,
        _commission_text("标准保费", "阶梯", "等级加提", s, t, t_text, lv, by_level, level_rates, c, c_zh),
        _commission_text(
            "standard premium", "tiers", "level bonus", s, t, t_text, lv, by_level, level_rates, c, c_en
        ),
    )
    # What each policy paid, so that a later cancellation claws back exactly that (§3.3).
    ratio = t / s if s else ZERO
    paid = [
        (policy_no, round_cents(std * ratio * c + std * rate * c), is_new)
        for policy_no, std, rate, is_new, _key in counted
    ]
    return commission_result(
        cfg, commission_line, s=s, t=t, lv=lv, new_count=new_count, paid=paid, unknown=unknown
    )


def commission_result(
    cfg: CommissionConfig,
    commission_line: PayLine,
    *,
    s: Decimal,
    t: Decimal,
    lv: Decimal,
    new_count: int,
    paid: list[tuple[str, Decimal, bool]],
    unknown: dict[str, int],
) -> CommissionResult:
    """The commission line (when not zero), the new-customer bonus line, what each counted policy
    paid (``(policy_no, commission share, is new)``: a new customer's policy also carries its bonus)
    and a warning per product missing from the plan. Shared by the single tier table and the
    product groups (:mod:`app.engine.groups`)."""
    lines: list[PayLine] = []
    if commission_line.amount != 0:
        lines.append(commission_line)
    ncb = cfg.new_customer_bonus
    ncb_line = make_line(
        "new_customer_bonus",
        ncb * new_count,
        f"新客户 {new_count} × {money(ncb)}",
        f"new customers {new_count} × {money(ncb)}",
    )
    if ncb_line.amount != 0:
        lines.append(ncb_line)
    by_policy: dict[str, Decimal] = {}
    for policy_no, amount, is_new in paid:
        by_policy[policy_no] = by_policy.get(policy_no, ZERO) + (amount + ncb if is_new else amount)
    warnings = tuple(
        Text(
            f"方案中没有产品 {code}，{n} 张保单未计提成",
            f"product {code!r} is not in the plan: {n} policy(ies) not counted",
        )
        for code, n in sorted(unknown.items())
    )
    return CommissionResult(
        lines=tuple(lines),
        standard_premium=s,
        tier_commission=t,
        level_bonus=lv,
        counted=len(paid),
        new_customers=new_count,
        commission=commission_line.amount,
        new_customer_bonus=ncb_line.amount,
        policy_paid=by_policy,
        warnings=warnings,
    )


def _commission_text(
    w_s: str,
    w_t: str,
    w_lv: str,
    s: Decimal,
    t: Decimal,
    t_text: str,
    lv: Decimal,
    by_level: dict[str, Decimal],
    rates: dict[str, Decimal],
    c: Decimal,
    c_text: str,
) -> str:
    parts = [f"{w_s} {num(s)}", f"{w_t} {t_text} = {money(t)}"]
    if by_level:
        lv_text = " + ".join(f"{num(total)} × {pct(rates[level])}" for level, total in by_level.items())
        parts.append(f"{w_lv} {lv_text} = {money(lv)}")
    parts.append(c_text)
    parts.append(f"({money(t)} + {money(lv)}) × {num(c)}")
    return "; ".join(parts)
