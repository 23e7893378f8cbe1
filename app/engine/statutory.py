"""社保、公积金 and 个税 lines (docs/pay-rules.md §9.2–9.3), placed after penalty_relief and before
the carry-over: a negative net is still carried to the next month (§3.8)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from app.engine.facts import AgentMonth, PayLine
from app.engine.income_tax import cumulative_tax
from app.engine.lines import make_line, money, num, pct
from app.engine.statutory_facts import SIItemAmount, StatutoryOutcome, TaxFigures
from app.money import ZERO, round2
from app.plan.statutory import StatutoryConfig


@dataclass(frozen=True)
class StatutoryResult:
    lines: tuple[PayLine, ...] = ()
    outcome: StatutoryOutcome | None = None


def clamp(value: Decimal, floor: Decimal | None, ceiling: Decimal | None) -> Decimal:
    """A missing floor or ceiling does not clamp."""
    if floor is not None and value < floor:
        value = floor
    if ceiling is not None and value > ceiling:
        value = ceiling
    return value


def _base_text(raw: Decimal, clamped: Decimal) -> str:
    return money(clamped) if raw == clamped else f"{money(clamped)}（{money(raw)}）"


def _base_text_en(raw: Decimal, clamped: Decimal) -> str:
    return money(clamped) if raw == clamped else f"{money(clamped)} (from {money(raw)})"


def social_insurance(cfg: StatutoryConfig, base: Decimal) -> tuple[tuple[SIItemAmount, ...], PayLine | None]:
    b = clamp(base, cfg.si_base_floor, cfg.si_base_ceiling)
    items: list[SIItemAmount] = []
    parts: list[str] = []
    parts_en: list[str] = []
    for item in cfg.social_insurance:
        amount = round2(b * item.rate + item.fixed)
        items.append(SIItemAmount(item.code, item.name, amount))
        fixed = f" + {money(item.fixed)}" if item.fixed else ""
        parts.append(f"{item.name} {money(b)} × {pct(item.rate)}{fixed} = {money(amount)}")
        parts_en.append(f"{item.code} {money(b)} × {pct(item.rate)}{fixed} = {money(amount)}")
    total = sum((i.amount for i in items), ZERO)
    if total == 0:
        return tuple(items), None
    head = f"基数 {_base_text(base, b)}：" if b != base else ""
    head_en = f"base {_base_text_en(base, b)}: " if b != base else ""
    line = make_line(
        "social_insurance",
        -total,
        f"{head}{'；'.join(parts)}；合计 −{money(total)}",
        f"{head_en}{'; '.join(parts_en)}; total −{money(total)}",
    )
    return tuple(items), line


def housing_fund(cfg: StatutoryConfig, base: Decimal) -> tuple[Decimal, PayLine | None]:
    h = clamp(base, cfg.hf_base_floor, cfg.hf_base_ceiling)
    raw = h * cfg.housing_fund_rate
    if cfg.hf_rounding == "yuan":
        amount = raw.quantize(Decimal(1), rounding=ROUND_HALF_UP)
        how, how_en = "（取整到元）", " (to whole yuan)"
    else:
        amount = round2(raw)
        how = how_en = ""
    if amount == 0:
        return ZERO, None
    line = make_line(
        "housing_fund",
        -amount,
        f"{_base_text(base, h)} × {pct(cfg.housing_fund_rate)} = {money(amount)}{how}",
        f"{_base_text_en(base, h)} × {pct(cfg.housing_fund_rate)} = {money(amount)}{how_en}",
    )
    return amount, line


def tax_detail(cfg: StatutoryConfig, t: TaxFigures) -> tuple[str, str]:
    """``累计应税 (I − 5000×m − SI − SP − O) = … × 10% − 2520 = …；已扣 …``."""
    formula = (
        f"({money(t.income)} − {num(cfg.basic_deduction)}×{t.months} − {money(t.si_hf)} − "
        f"{money(t.special)} − {money(t.other)}) = {money(t.taxable)} × {pct(t.rate)} − {num(t.quick)} = "
        f"{money(t.cum_tax)}"
    )
    zh = f"累计应税 {formula}；已扣 {money(t.withheld)}"
    en = f"cumulative taxable {formula}; withheld earlier {money(t.withheld)}"
    if t.cum_tax < t.withheld:
        zh += "；差额为负，不退税"
        en += "; the difference is negative and is not refunded"
    return zh, en


def statutory_lines(cfg: StatutoryConfig | None, agent: AgentMonth, lines: Sequence[PayLine]) -> StatutoryResult:
    """The statutory lines of ``agent`` given the lines before them (all of the month's lines so far)."""
    facts = agent.statutory
    if cfg is None or facts is None or not facts.covered:
        return StatutoryResult()
    income = sum((line.amount for line in lines), ZERO)
    items, si_line = social_insurance(cfg, facts.si_base)
    hf, hf_line = housing_fund(cfg, facts.hf_base)
    out = [line for line in (si_line, hf_line) if line is not None]
    figures = None
    if cfg.income_tax:
        si_total = sum((i.amount for i in items), ZERO)
        figures = cumulative_tax(cfg, facts.prior, income, si_total + hf, facts.deductions)
        if figures.tax != 0:
            zh, en = tax_detail(cfg, figures)
            out.append(make_line("income_tax", -figures.tax, zh, en))
    outcome = StatutoryOutcome(income=income, si_items=items, housing_fund=hf, deductions=facts.deductions,
                               tax=figures)
    return StatutoryResult(tuple(out), outcome)
