"""Properties of the cumulative method (app.engine.income_tax), month after month of one year."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from app.engine.income_tax import cumulative_tax
from app.engine.statutory_facts import MonthDeductions, TaxPrior
from app.money import round2
from app.plan.statutory import StatutoryConfig

CFG = StatutoryConfig()
incomes = st.lists(st.integers(min_value=-20000, max_value=200000).map(Decimal), min_size=1, max_size=12)


def run_year(monthly: list[Decimal]) -> list[Decimal]:
    prior = TaxPrior()
    taxes = []
    for income in monthly:
        t = cumulative_tax(CFG, prior, income, Decimal(1000), MonthDeductions())
        taxes.append(t.tax)
        prior = TaxPrior(months=t.months, income=t.income, si_hf=t.si_hf, special=t.special, other=t.other,
                         withheld=prior.withheld + t.tax)
    return taxes


def table(taxable: Decimal) -> Decimal:
    bracket = CFG.bracket_for(taxable)
    return round2(taxable * bracket.rate - bracket.quick)


@settings(max_examples=200, deadline=None)
@given(incomes)
def test_tax_is_never_negative_and_the_year_adds_up(monthly: list[Decimal]) -> None:
    taxes = run_year(monthly)
    assert all(t >= 0 for t in taxes)
    taxable = max(Decimal(0), sum(monthly, Decimal(0)) - 5000 * len(monthly) - 1000 * len(monthly))
    total = sum(taxes, Decimal(0))
    # The year's tax is the table on the year's taxable income, unless some month's difference was negative
    # (then the tax withheld can only be more, never less).
    assert total >= table(taxable)
    cumulative = []
    for i in range(len(monthly)):
        t = max(Decimal(0), sum(monthly[: i + 1], Decimal(0)) - 6000 * (i + 1))
        cumulative.append(table(t))
    if all(b >= a for a, b in zip([Decimal(0), *cumulative], cumulative, strict=False)):
        assert total == table(taxable)


@settings(max_examples=100, deadline=None)
@given(incomes, st.data())
def test_changing_one_month_changes_only_that_month_and_later(monthly: list[Decimal], data: st.DataObject) -> None:
    i = data.draw(st.integers(min_value=0, max_value=len(monthly) - 1))
    changed = list(monthly)
    changed[i] += Decimal(data.draw(st.integers(min_value=1, max_value=50000)))
    assert run_year(monthly)[:i] == run_year(changed)[:i]


def test_brackets_at_their_edges() -> None:
    assert table(Decimal(36000)) == Decimal("1080.00")
    assert table(Decimal("36000.01")) == Decimal("1080.00")  # 3,600.00 − 2,520 (the table is continuous)
    assert table(Decimal(144000)) == Decimal("11880.00")
    assert table(Decimal(1000000)) == Decimal("268080.00")
