"""综合考核: indicator scores, the composite K and the KPI bonus or deduction (docs/pay-rules.md §3.5)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, Decimal

from app.engine.facts import AgentMonth, PayLine
from app.engine.kpi_kinds import measure
from app.engine.lines import make_line, money, num
from app.engine.period import Period
from app.money import HUNDRED, ZERO, round2
from app.plan.model import Indicator, KpiConfig


@dataclass(frozen=True)
class KpiResult:
    score: Decimal  # K, rounded to 2 places
    indicator_scores: dict[str, Decimal]  # present indicators only
    indicator_values: dict[str, Decimal]
    line: PayLine | None
    # schema 2: how each present indicator scored, (中文, English), in the plan's order
    details: dict[str, tuple[str, str]] = field(default_factory=dict)

    @property
    def amount(self) -> Decimal:
        return self.line.amount if self.line is not None else ZERO


def indicator_score(ind: Indicator, value: Decimal) -> Decimal:
    """100 plus or minus whole steps of ``up``/``down``, each side limited by its maximum."""
    delta = value - ind.target if ind.better == "higher" else ind.target - value
    if delta >= 0:
        step = ind.step_up if ind.step_up is not None else ind.step  # schema 2 (§7.2)
        steps = (delta / step).to_integral_value(rounding=ROUND_FLOOR)
        gain = steps * ind.up
        if ind.max_up is not None:
            gain = min(ind.max_up, gain)
        return HUNDRED + gain
    step = ind.step_down if ind.step_down is not None else ind.step
    steps = (-delta / step).to_integral_value(rounding=ROUND_FLOOR)
    loss = steps * ind.down
    if ind.max_down is not None:
        loss = min(ind.max_down, loss)
    return HUNDRED - loss


def compute_kpi(
    cfg: KpiConfig,
    agent: AgentMonth,
    qa_avg: Decimal | None,
    *,
    period: Period | None = None,
    peaks: Mapping[str, Decimal] | None = None,
    explain: bool = False,
) -> KpiResult:
    """``explain`` (schema 2): every indicator kind of §7.2, and each score's arithmetic in the line."""
    scores: dict[str, Decimal] = {}
    values: dict[str, Decimal] = {}
    details: dict[str, tuple[str, str]] = {}
    weighted = ZERO
    weights = ZERO
    for ind in cfg.indicators:
        if explain or ind.kind != "linear":
            measured = measure(ind, agent, qa_avg, period, peaks or {})
            if measured is None:
                continue
            scores[ind.code] = measured.score
            values[ind.code] = measured.value
            details[ind.code] = (measured.detail, measured.detail_en)
            weighted += ind.weight * measured.score
            weights += ind.weight
            continue
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
    if details:
        k_zh = "；".join(zh for zh, _en in details.values()) + f"；{k_zh}"
        k_en = "; ".join(en for _zh, en in details.values()) + f"; {k_en}"
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
    return KpiResult(score=k, indicator_scores=scores, indicator_values=values, line=line, details=details)
