"""What the pay engine is given and what it gives back.

Frozen dataclasses (after beancount's ``core/data.py``): the services layer
builds these from the database; the engine never sees a session or a file.
All money and rates are ``Decimal``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import NamedTuple

from app.engine.statutory_facts import StatutoryFacts, StatutoryOutcome
from app.text import Text

# Attendance record kinds (docs/formats.md 类型): penalties and leave.
ATTENDANCE_KINDS = ("late", "early_leave", "away", "swap", "absence", "personal", "sick", "annual", "other")
LEAVE_KINDS = ("personal", "sick", "annual", "other")
COMPLAINT_LEVELS = ("hotline", "city", "province")
COMPLAINT_STATUSES = ("pending", "upheld", "overturned")
QA_STATUSES = ("valid", "overturned")


@dataclass(frozen=True)
class AttendanceFact:
    """One attendance record. ``minutes`` for late/early_leave; ``days`` for absence and leave;
    ``count`` for away/swap (a record counts once unless a count is given)."""

    date: date
    kind: str
    minutes: int | None = None
    days: Decimal | None = None
    count: int = 1


class PolicyFact(NamedTuple):
    """A policy signed by the agent. The engine counts it for the month when signed in the month
    and not cancelled (``cancel_date is None``). A named tuple rather than a dataclass: a month
    can hold tens of thousands of policies and tuples are several times cheaper to build."""

    policy_no: str
    product_code: str
    premium: Decimal
    customer_level: str
    new_customer: bool
    sign_date: date
    cancel_date: date | None = None


@dataclass(frozen=True)
class QAFact:
    """One QA evaluation dated in the month (status ``valid`` or ``overturned``). Score 0..100."""

    date: date
    score: Decimal
    fatal: bool = False
    status: str = "valid"


@dataclass(frozen=True)
class ComplaintFact:
    date: date
    level: str
    status: str = "upheld"


@dataclass(frozen=True)
class AdjustmentFact:
    """A manual adjustment of the month, signed (补发 +, 追回 −)."""

    amount: Decimal
    category: str
    reason: str


@dataclass(frozen=True)
class ClawbackFact:
    """A policy whose sign month is locked and which was cancelled by the end of this month:
    ``paid`` is the amount recorded as paid when its month was locked (positive)."""

    policy_no: str
    sign_month: str
    paid: Decimal


@dataclass(frozen=True)
class AgentMonth:
    """Everything about one agent for one month that the rulebook uses."""

    code: str
    name: str
    base_salary: Decimal
    hire_date: date
    leave_date: date | None = None
    team: str = ""
    role: str = ""
    attendance: tuple[AttendanceFact, ...] = ()
    policies: tuple[PolicyFact, ...] = ()
    qa: tuple[QAFact, ...] = ()
    metrics: dict[str, Decimal] = field(default_factory=dict)
    complaints: tuple[ComplaintFact, ...] = ()
    praise_count: int = 0
    adjustments: tuple[AdjustmentFact, ...] = ()
    clawbacks: tuple[ClawbackFact, ...] = ()
    carry_forward: Decimal = Decimal(0)  # previous month's carry_to_next (>= 0)
    statutory: StatutoryFacts | None = None  # docs/pay-rules.md §9; None: no statutory lines


@dataclass(frozen=True)
class MonthFacts:
    """The month as the engine sees it. ``workdays`` already has the calendar and the branch
    overrides applied; ``calendar_warning`` is set when the statutory calendar did not know the year."""

    month: str  # YYYY-MM
    workdays: tuple[date, ...]
    agents: tuple[AgentMonth, ...]
    calendar_warning: Text | None = None


@dataclass(frozen=True)
class PayLine:
    code: str
    amount: Decimal  # signed, rounded to 0.01
    label: str  # Chinese
    label_en: str
    detail: str  # the arithmetic with the actual numbers (Chinese-neutral: numbers and symbols)
    detail_en: str = ""

    def label_in(self, lang: str) -> str:
        return self.label_en if lang == "en" else self.label

    def detail_in(self, lang: str) -> str:
        return (self.detail_en or self.detail) if lang == "en" else self.detail


@dataclass(frozen=True)
class AgentFacts:
    """The intermediate figures behind an agent's pay, shown on the payroll page and the payslip.

    Money-like figures are rounded to 2 places; ``qa_avg`` and ``qa_grade`` are None when the
    month had no valid QA evaluation; ``kpi_measured`` is False when no KPI indicator had data; ``penalty_allowance`` is None when the penalty cap is off.
    """

    workdays: int
    employed_workdays: int
    daily_rate: Decimal
    standard_premium: Decimal
    tier_commission: Decimal
    level_bonus: Decimal
    policies_counted: int
    new_customers: int
    qa_count: int
    qa_avg: Decimal | None
    qa_grade: str | None
    qa_coefficient: Decimal
    qa_fatal_count: int
    kpi_score: Decimal
    indicator_scores: dict[str, Decimal]
    indicator_values: dict[str, Decimal]
    leave_days: dict[str, Decimal]  # leave type -> days, only the types taken
    leave_text: str
    leave_text_en: str
    absence_days: Decimal
    late_count: int
    early_leave_count: int
    away_count: int
    swap_count: int
    complaints_upheld: int
    praise_count: int
    top_award: bool
    penalty_total: Decimal
    penalty_allowance: Decimal | None
    # False when no KPI indicator had a figure this month: kpi_score is then the plan's standard,
    # applied without a bonus or a deduction (docs/pay-rules.md §3.5), not a measured score.
    kpi_measured: bool = True
    # Schema 2 (docs/pay-rules.md §7): the agent's scope (code and name; None / "" without one) and how
    # each indicator scored, in Chinese and English. Left out of the stored JSON when empty.
    scope: str | None = None
    scope_name: str = ""
    indicator_details: dict[str, str] = field(default_factory=dict)
    indicator_details_en: dict[str, str] = field(default_factory=dict)
    # §8.1: in a target's paying month, each target the agent has a value for ("code period" → its arithmetic
    # ending in the amount, 0.00 for a missed one), Chinese and English. Left out of the stored JSON when empty.
    target_details: dict[str, str] = field(default_factory=dict)
    target_details_en: dict[str, str] = field(default_factory=dict)

    @property
    def leave_total(self) -> Decimal:
        return sum(self.leave_days.values(), Decimal(0))

    @property
    def attended_days(self) -> Decimal:
        """Workdays employed less absence and leave (never below zero): the 出勤 of 出勤/应出勤."""
        return max(Decimal(0), self.employed_workdays - self.absence_days - self.leave_total)


@dataclass(frozen=True)
class AgentPay:
    code: str
    name: str
    lines: tuple[PayLine, ...]
    gross: Decimal
    deductions: Decimal
    net: Decimal
    facts: AgentFacts
    policy_paid: dict[
        str, Decimal
    ]  # policy_no -> amount paid for it (docs/pay-rules.md §3.3), recorded at lock
    carry_to_next: Decimal = Decimal(0)
    warnings: tuple[Text, ...] = ()
    statutory: StatutoryOutcome | None = None  # the figures behind the §9 lines


@dataclass(frozen=True)
class MonthPay:
    month: str
    agents: tuple[AgentPay, ...]
    warnings: tuple[Text, ...] = ()
