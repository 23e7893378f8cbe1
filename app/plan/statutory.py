"""The plan's optional ``[statutory]`` section (docs/pay-rules.md §9): social insurance items,
housing fund, and the income tax table. A plan without the section has ``Plan.statutory = None``
and computes exactly as in part one. Immutable values; the loader is :mod:`app.plan.statutory_toml`.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

HF_ROUNDINGS = ("cent", "yuan")


@dataclass(frozen=True)
class SIItem:
    """One employee social insurance item: ``round(B × rate + fixed)`` to the cent."""

    code: str
    name: str
    rate: Decimal
    fixed: Decimal = Decimal(0)


@dataclass(frozen=True)
class TaxBracket:
    """A row of the annual table: taxable income up to ``up_to`` (``None``: above the last) is taxed
    ``taxable × rate − quick``."""

    up_to: Decimal | None
    rate: Decimal
    quick: Decimal


ANNUAL_TAX_TABLE: tuple[TaxBracket, ...] = (
    TaxBracket(Decimal(36000), Decimal("0.03"), Decimal(0)),
    TaxBracket(Decimal(144000), Decimal("0.10"), Decimal(2520)),
    TaxBracket(Decimal(300000), Decimal("0.20"), Decimal(16920)),
    TaxBracket(Decimal(420000), Decimal("0.25"), Decimal(31920)),
    TaxBracket(Decimal(660000), Decimal("0.30"), Decimal(52920)),
    TaxBracket(Decimal(960000), Decimal("0.35"), Decimal(85920)),
    TaxBracket(None, Decimal("0.45"), Decimal(181920)),
)


@dataclass(frozen=True)
class StatutoryConfig:
    """代扣代缴. A floor or ceiling of ``None`` does not clamp."""

    social_insurance: tuple[SIItem, ...] = ()
    si_base_floor: Decimal | None = None
    si_base_ceiling: Decimal | None = None
    housing_fund_rate: Decimal = Decimal(0)
    hf_base_floor: Decimal | None = None
    hf_base_ceiling: Decimal | None = None
    hf_rounding: str = "cent"
    income_tax: bool = True
    basic_deduction: Decimal = Decimal(5000)
    tax_brackets: tuple[TaxBracket, ...] = ANNUAL_TAX_TABLE

    def bracket_for(self, taxable: Decimal) -> TaxBracket:
        """The first bracket whose ``up_to`` is at least ``taxable`` (the last one above all)."""
        for bracket in self.tax_brackets:
            if bracket.up_to is None or taxable <= bracket.up_to:
                return bracket
        return self.tax_brackets[-1]
