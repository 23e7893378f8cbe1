"""What the statutory deductions (docs/pay-rules.md §9) are given and give back: typed, frozen.

The services layer fills :class:`StatutoryFacts` from the database (the agent's bases, this
month's special deductions, and the year so far: the opening balance and the locked months'
recorded figures); :mod:`app.engine.statutory` and :mod:`app.engine.income_tax` return a
:class:`StatutoryOutcome` with every figure behind the three lines.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

_ZERO = Decimal(0)

# The six special additional deductions (专项附加扣除) in the tax file's order, with their names.
SPECIAL_KINDS: tuple[tuple[str, str, str], ...] = (
    ("children_education", "子女教育", "children's education"),
    ("continuing_education", "继续教育", "continuing education"),
    ("housing_loan_interest", "住房贷款利息", "housing loan interest"),
    ("housing_rent", "住房租金", "housing rent"),
    ("elderly_care", "赡养老人", "elderly care"),
    ("infant_care", "3岁以下婴幼儿照护", "infant care"),
)


@dataclass(frozen=True)
class MonthDeductions:
    """One month's special additional deductions (by kind) and other deductions (import ``deductions``)."""

    special: dict[str, Decimal] = field(default_factory=dict)  # kind -> amount, SPECIAL_KINDS keys
    other: Decimal = _ZERO

    @property
    def special_total(self) -> Decimal:
        return sum(self.special.values(), _ZERO)


@dataclass(frozen=True)
class TaxPrior:
    """The year before this month: the opening balance plus the locked months after it.

    ``si_hf`` and ``withheld`` are positive amounts (what was deducted)."""

    months: int = 0
    income: Decimal = _ZERO
    si_hf: Decimal = _ZERO
    special: Decimal = _ZERO
    other: Decimal = _ZERO
    withheld: Decimal = _ZERO
    special_by_kind: dict[str, Decimal] = field(default_factory=dict)  # cumulative, for the tax file


@dataclass(frozen=True)
class StatutoryFacts:
    """An agent's statutory data for the month. ``si_base``/``hf_base`` have their defaults applied
    (base salary; the SI base as entered) but no floor or ceiling yet."""

    covered: bool
    si_base: Decimal
    hf_base: Decimal
    prior: TaxPrior = TaxPrior()
    deductions: MonthDeductions = MonthDeductions()


@dataclass(frozen=True)
class SIItemAmount:
    code: str
    name: str
    amount: Decimal  # positive: what the item deducts


@dataclass(frozen=True)
class TaxFigures:
    """The cumulative arithmetic of §9.3 through this month."""

    months: int
    income: Decimal  # I
    basic: Decimal  # basic_deduction × months
    si_hf: Decimal  # SI
    special: Decimal  # SP
    other: Decimal  # O
    taxable: Decimal
    rate: Decimal
    quick: Decimal
    cum_tax: Decimal
    withheld: Decimal  # W
    tax: Decimal  # this month's, >= 0
    special_by_kind: dict[str, Decimal] = field(default_factory=dict)  # cumulative


@dataclass(frozen=True)
class StatutoryOutcome:
    """Every figure behind social_insurance, housing_fund and income_tax for one agent and month."""

    income: Decimal  # income_M: the month's lines before social_insurance
    si_items: tuple[SIItemAmount, ...] = ()
    housing_fund: Decimal = _ZERO  # positive
    deductions: MonthDeductions = MonthDeductions()
    tax: TaxFigures | None = None

    @property
    def social_insurance(self) -> Decimal:
        return sum((i.amount for i in self.si_items), _ZERO)
