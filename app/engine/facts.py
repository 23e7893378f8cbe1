"""What the pay engine is given and what it gives back.

Frozen dataclasses (after beancount's ``core/data.py``): the services layer
builds these from the database; the engine never sees a session or a file.
All money and rates are ``Decimal``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, NamedTuple

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


@dataclass(frozen=True)
class MonthFacts:
    """The month as the engine sees it. ``workdays`` already has the calendar and the branch
    overrides applied; ``calendar_warning`` is set when the statutory calendar did not know the year."""

    month: str  # YYYY-MM
    workdays: tuple[date, ...]
    agents: tuple[AgentMonth, ...]
    calendar_warning: str | None = None


@dataclass(frozen=True)
class PayLine:
    code: str
    amount: Decimal  # signed, rounded to 0.01
    label: str  # Chinese
    label_en: str
    detail: str  # the arithmetic with the actual numbers (Chinese-neutral: numbers and symbols)
    detail_en: str = ""


@dataclass(frozen=True)
class AgentPay:
    code: str
    name: str
    lines: tuple[PayLine, ...]
    gross: Decimal
    deductions: Decimal
    net: Decimal
    facts: dict[str, Any]  # workdays, employed_workdays, standard_premium, qa_avg, kpi_score, ...
    policy_paid: dict[str, Decimal]  # policy_no -> amount it paid, recorded at lock (docs/pay-rules.md §3.3)
    carry_to_next: Decimal = Decimal(0)
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class MonthPay:
    month: str
    agents: tuple[AgentPay, ...]
    warnings: tuple[str, ...] = ()
