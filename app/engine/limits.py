"""扣款上限返还: penalties above a share of the positive pay are given back (docs/pay-rules.md §3.8)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from app.engine.facts import PayLine
from app.engine.lines import make_line, money, pct
from app.money import ZERO, round_cents
from app.plan.model import LimitsConfig

PENALTY_CODES = ("attendance_penalty", "complaint_penalty", "qa_fatal_penalty")
GROSS_CODES = (
    "base",
    "leave",
    "absence",
    "commission",
    "new_customer_bonus",
    "full_attendance",
    "top_award",
    "praise",
    "target_bonus",  # part two (docs/pay-rules.md §8)
    "period_award",
    "team_award",
)


@dataclass(frozen=True)
class ReliefResult:
    penalties: Decimal  # P
    pay: Decimal  # G
    allowance: Decimal | None  # A (None when the cap is off)
    line: PayLine | None


def penalty_relief(cfg: LimitsConfig, lines: Iterable[PayLine]) -> ReliefResult:
    """P and G are sums of the already-rounded lines, so the relief is exact to the cent."""
    amounts: dict[str, Decimal] = {}
    for line in lines:
        amounts[line.code] = amounts.get(line.code, ZERO) + line.amount
    kpi = amounts.get("kpi", ZERO)
    p = -(sum((amounts.get(c, ZERO) for c in PENALTY_CODES), ZERO) + min(kpi, ZERO))
    g = sum((amounts.get(c, ZERO) for c in GROSS_CODES), ZERO) + max(kpi, ZERO)
    share = cfg.penalty_share
    if share is None:
        return ReliefResult(p, g, None, None)
    allowance = max(ZERO, round_cents(share * g))
    if p <= allowance:
        return ReliefResult(p, g, allowance, None)
    line = make_line(
        "penalty_relief",
        p - allowance,
        f"扣款 {money(p)} 超过上限 {pct(share)} × {money(g)} = {money(allowance)}，返还 {money(p)} − {money(allowance)}",
        f"penalties {money(p)} exceed the cap {pct(share)} × {money(g)} = {money(allowance)}; "
        f"given back {money(p)} − {money(allowance)}",
    )
    return ReliefResult(p, g, allowance, line)
