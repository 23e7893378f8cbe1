"""Product groups (提成比例按产品类型, docs/pay-rules.md §7.1): commission tiers per product group.

Used instead of the single tier table when the commission table in force (the plan's, or the
agent's scope's) has ``groups``. Each group with a table has its own standard premium ``S_g`` and
``T_g``; the policies of every other group are summed together and use ``commission.tiers``.
``T = Σ T_g``; the level bonus, the QA coefficient and the new-customer bonus are as in §3.2.
A policy's recorded paid amount uses its own group's ``T_g / S_g``.
"""

from __future__ import annotations

from decimal import Decimal

from app.engine.commission import (
    REST_GROUP,
    CommissionResult,
    _commission_text,
    commission_result,
    count_sales,
    tier_commission,
)
from app.engine.facts import AgentMonth
from app.engine.lines import make_line, num
from app.engine.period import Period
from app.engine.quality import QAResult
from app.money import ZERO, round_cents
from app.plan.model import CommissionConfig, Plan

_REST = REST_GROUP  # the key of the policies whose group has no table of its own
_REST_NAME = ("其他产品", "other products")


def group_tiers(
    s_by_group: dict[str, Decimal], cfg: CommissionConfig
) -> list[tuple[str, str, Decimal, Decimal, str]]:
    """``(key, name, S_g, T_g, tier text)`` for each group with counted premium: the plan's groups
    in file order, then the rest (key ``""``) on ``commission.tiers``."""
    out: list[tuple[str, str, Decimal, Decimal, str]] = []
    for group in cfg.groups:
        if group.code in s_by_group:
            s_g = s_by_group[group.code]
            t_g, text = tier_commission(CommissionConfig(tiers=group.tiers, mode=group.mode), s_g)
            out.append((group.code, group.name, s_g, t_g, text))
    if _REST in s_by_group:
        s_r = s_by_group[_REST]
        t_r, text = tier_commission(cfg, s_r)
        out.append((_REST, "", s_r, t_r, text))
    return out


def compute_grouped_commission(
    plan: Plan, agent: AgentMonth, period: Period, qa: QAResult
) -> CommissionResult:
    cfg = plan.commission
    level_rates = cfg.level_bonus_rate
    sales = count_sales(plan, agent, period, frozenset(g.code for g in cfg.groups))
    counted, s, s_by_group, by_level, new_count, unknown = (
        sales.counted,
        sales.standard_premium,
        sales.by_group,
        sales.by_level,
        sales.new_count,
        sales.unknown,
    )

    parts = group_tiers(s_by_group, cfg)
    t = sum((t_g for _k, _n, _s, t_g, _x in parts), ZERO)
    ratio = {key: (t_g / s_g if s_g else ZERO) for key, _n, s_g, t_g, _x in parts}
    lv = sum((total * level_rates[level] for level, total in by_level.items()), ZERO)
    c = qa.coefficient
    c_zh, c_en = qa.coefficient_text()

    def breakdown(lang: int) -> str:
        if not parts:
            return "0"
        return " + ".join(
            f"{name or _REST_NAME[lang]} {num(s_g)}［{text}］" for _k, name, s_g, _t, text in parts
        )

    commission_line = make_line(
        "commission",
        (t + lv) * c,
        _commission_text(
            "标准保费", "分组阶梯", "等级加提", s, t, breakdown(0), lv, by_level, level_rates, c, c_zh
        ),
        _commission_text(
            "standard premium",
            "tiers by group",
            "level bonus",
            s,
            t,
            breakdown(1),
            lv,
            by_level,
            level_rates,
            c,
            c_en,
        ),
    )
    paid = [
        (policy_no, round_cents(std * ratio[key] * c + std * rate * c), is_new)
        for policy_no, std, rate, is_new, key in counted
    ]
    return commission_result(
        cfg, commission_line, s=s, t=t, lv=lv, new_count=new_count, paid=paid, unknown=unknown
    )
