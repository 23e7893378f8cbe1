"""投诉扣款 and 客户表扬奖 (docs/pay-rules.md §3.7, first two rules)."""

from __future__ import annotations

from dataclasses import dataclass

from app.engine.facts import AgentMonth, PayLine
from app.engine.lines import make_line, money
from app.engine.period import Period
from app.money import ZERO
from app.plan.model import AwardsConfig, ComplaintsConfig

LEVEL_NAMES = {
    "hotline": ("热线投诉", "hotline"),
    "city": ("市级投诉", "city"),
    "province": ("省级投诉", "province"),
}


@dataclass(frozen=True)
class ComplaintResult:
    upheld: int
    by_level: dict[str, int]
    line: PayLine | None


def compute_complaints(cfg: ComplaintsConfig, agent: AgentMonth, period: Period) -> ComplaintResult:
    """Only upheld complaints dated in the month count; pending ones wait for a decision."""
    by_level: dict[str, int] = {}
    for c in agent.complaints:
        if c.status == "upheld" and period.contains(c.date):
            by_level[c.level] = by_level.get(c.level, 0) + 1
    upheld = sum(by_level.values())
    total = sum((cfg.amounts.get(level, ZERO) * n for level, n in by_level.items()), ZERO)
    if total == 0:
        return ComplaintResult(upheld=upheld, by_level=by_level, line=None)
    zh = " + ".join(
        f"{LEVEL_NAMES.get(lv, (lv, lv))[0]} {n} × {money(cfg.amounts.get(lv, ZERO))}"
        for lv, n in by_level.items()
    )
    en = " + ".join(
        f"{LEVEL_NAMES.get(lv, (lv, lv))[1]} {n} × {money(cfg.amounts.get(lv, ZERO))}"
        for lv, n in by_level.items()
    )
    amount = total
    if cfg.cap is not None and total > cfg.cap:
        amount = cfg.cap
        zh += f" = {money(total)}，超过上限按 {money(cfg.cap)}"
        en += f" = {money(total)}, capped at {money(cfg.cap)}"
    return ComplaintResult(
        upheld=upheld, by_level=by_level, line=make_line("complaint_penalty", -amount, zh, en)
    )


def praise_line(cfg: AwardsConfig, agent: AgentMonth) -> PayLine | None:
    """Praises arrive already counted for the month (the services layer filters their dates)."""
    if agent.praise_count <= 0 or cfg.praise_amount == 0:
        return None
    return make_line(
        "praise",
        cfg.praise_amount * agent.praise_count,
        f"表扬 {agent.praise_count} × {money(cfg.praise_amount)}",
        f"praises {agent.praise_count} × {money(cfg.praise_amount)}",
    )
