"""个人所得税, 累计预扣法 (docs/pay-rules.md §9.3): pure arithmetic on the year's cumulative figures."""

from __future__ import annotations

from decimal import Decimal

from app.engine.statutory_facts import MonthDeductions, TaxFigures, TaxPrior
from app.money import ZERO, round2
from app.plan.statutory import StatutoryConfig


def cumulative_tax(
    cfg: StatutoryConfig, prior: TaxPrior, income: Decimal, si_hf: Decimal, deductions: MonthDeductions
) -> TaxFigures:
    """This month's tax: the table applied to the cumulative taxable income, less what was withheld.

    ``income`` is this month's income_M (may be negative), ``si_hf`` this month's social insurance
    and housing fund (positive). A negative difference is not refunded (tax 0).
    """
    months = prior.months + 1
    cum_income = prior.income + income
    cum_si = prior.si_hf + si_hf
    cum_special = prior.special + deductions.special_total
    cum_other = prior.other + deductions.other
    basic = cfg.basic_deduction * months
    taxable = max(ZERO, cum_income - basic - cum_si - cum_special - cum_other)
    bracket = cfg.bracket_for(taxable)
    cum_tax = round2(taxable * bracket.rate - bracket.quick)
    tax = max(ZERO, cum_tax - prior.withheld)
    by_kind = dict(prior.special_by_kind)
    for kind, amount in deductions.special.items():
        by_kind[kind] = by_kind.get(kind, ZERO) + amount
    return TaxFigures(
        months=months,
        income=cum_income,
        basic=basic,
        si_hf=cum_si,
        special=cum_special,
        other=cum_other,
        taxable=taxable,
        rate=bracket.rate,
        quick=bracket.quick,
        cum_tax=cum_tax,
        withheld=prior.withheld,
        tax=tax,
        special_by_kind=by_kind,
    )
