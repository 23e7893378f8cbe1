"""综合考核: indicator scores, the composite K and the KPI bonus or deduction (docs/pay-rules.md §3.5)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal

from app.engine.facts import AgentMonth, PayLine
from app.engine.lines import make_line, money, num
from app.money import HUNDRED, ZERO, round2
from app.plan.model import Indicator, KpiConfig


@dataclass(frozen=True)
class KpiResult:
    score: Decimal  # K, rounded to 2 places
    indicator_scores: dict[str, Decimal]  # present indicators only
    indicator_values: dict[str, Decimal]
    line: PayLine | None

    @property
    def amount(self) -> Decimal:
        return self.line.amount if self.line is not None else ZERO


def indicator_score(ind: Indicator, value: Decimal) -> Decimal:
    """100 plus or minus whole steps of ``up``/``down``, each side limited by its maximum."""
    delta = value - ind.target if ind.better == "higher" else ind.target - value
    if delta >= 0:
        steps = (delta / ind.step).to_integral_value(rounding=ROUND_FLOOR)
        gain = steps * ind.up
        if ind.max_up is not None:
            gain = min(ind.max_up, gain)
        return HUNDRED + gain
    steps = (-delta / ind.step).to_integral_value(rounding=ROUND_FLOOR)
    loss = steps * ind.down
    if ind.max_down is not None:
        loss = min(ind.max_down, loss)
    return HUNDRED - loss


def compute_kpi(cfg: KpiConfig, agent: AgentMonth, qa_avg: Decimal | None) -> KpiResult:
    scores: dict[str, Decimal] = {}
    values: dict[str, Decimal] = {}
    weighted = ZERO
    weights = ZERO
    for ind in cfg.indicators:
        value = qa_avg if ind.source == "qa" else agent.metrics.get(ind.code)
        if value is None:
            continue  # missing: left out of K, as if the indicator did not exist this month
        score = indicator_score(ind, value)
        scores[ind.code] = score
        values[ind.code] = value
        weighted += ind.weight * score
        weights += ind.weight
    k = round2(weighted / weights) if weights else round2(cfg.standard)

    if weights:
        k_zh = f"综合得分 {money(k)}"
        k_en = f"score K {money(k)}"
    else:
        k_zh = f"无考核数据，按合格线 {money(k)}"
        k_en = f"no KPI data, K = standard {money(k)}"
    line: PayLine | None = None
    if k >= cfg.bonus_from and k != cfg.standard:
        line = make_line(
            "kpi",
            (k - cfg.standard) * cfg.bonus_per_point,
            f"{k_zh} ≥ {num(cfg.bonus_from)}: ({money(k)} − {num(cfg.standard)}) × {money(cfg.bonus_per_point)}",
            f"{k_en} ≥ {num(cfg.bonus_from)}: ({money(k)} − {num(cfg.standard)}) × {money(cfg.bonus_per_point)}",
        )
    elif k < cfg.standard:
        line = make_line(
            "kpi",
            -(cfg.standard - k) * cfg.deduction_per_point,
            f"{k_zh} < {num(cfg.standard)}: −({num(cfg.standard)} − {money(k)}) × {money(cfg.deduction_per_point)}",
            f"{k_en} < {num(cfg.standard)}: −({num(cfg.standard)} − {money(k)}) × {money(cfg.deduction_per_point)}",
        )
    if line is not None and line.amount == 0:
        line = None
    return KpiResult(score=k, indicator_scores=scores, indicator_values=values, line=line)
