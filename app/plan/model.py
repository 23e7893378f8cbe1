"""The plan (提成方案): every number of the pay rules that the branch manager may change.

A plan is an immutable value. It is built by :func:`app.plan.toml_io.load_plan`, which
validates the TOML document and fills the defaults below; the pay engine only reads it.
Money and rates are ``Decimal`` so that a rate written as ``0.045`` stays exactly that.

Defaults for keys a TOML file may omit (docs/pay-rules.md §5 lists the full document):

==============================================  =============================================
key                                             default
==============================================  =============================================
``pay.calendar`` / ``pay.days_per_month``       ``"cn"`` / ``21.75`` (statutory pay days)
``leave_pay_ratio``                             personal 0, sick 0.6, annual 1, other 1
``products``                                    none (every policy then needs a known product)
``commission.mode``                             ``"marginal"``
``commission.level_bonus_rate``                 empty (no level bonus)
``commission.new_customer_bonus``               0
``quality.min_evaluations``                     1
``quality.no_data_coefficient``                 1
``quality.fatal_penalty``                       0
``quality.bands``                               one band ``{min = 0, coefficient = 1}``
``quality.grades``                              A ≥ 90, B ≥ 80, C ≥ 70, D ≥ 60, else E
``kpi.standard`` / ``kpi.bonus_from``           80 / 90
``kpi.bonus_per_point`` / ``deduction_per_..``  0 / 0
``kpi.indicators``                              none (then K = standard for everyone)
indicator ``name``                              its ``code``
indicator ``down`` / ``up``                     1 / 1
indicator ``max_down`` / ``max_up``             no limit
indicator ``better`` / ``source``               ``"higher"`` / ``"metric"``
``attendance.*`` amounts                        0; ``late`` and ``early_leave`` tiers empty
``attendance.absence_multiplier``               1
``attendance.cap``                              no cap
``attendance.full_attendance_breakers``         ``["personal", "sick"]``
``complaints.amounts``                          0 for a level not given; ``cap``: no cap
``awards``                                      top_share 0 (no award), amounts 0,
                                                min_score 0, exclude_penalized true
``limits.penalty_share``                        absent: no penalty cap
schema 2: product ``group``                     ``"default"``
schema 2: ``commission.groups`` / group mode    none / ``commission.mode``
schema 2: indicator ``kind``                    ``"linear"``; ``step_up``/``step_down``: ``step``
schema 2: ``awards.within_scope``, ``scopes``   false (rank the whole branch) / none
==============================================  =============================================
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

from app.plan.statutory import StatutoryConfig
from app.plan.targets import PeriodAward, Target, TeamAward

CALENDARS = ("cn", "mon-fri")
COMMISSION_MODES = ("marginal", "whole")
BETTER_VALUES = ("higher", "lower")
SOURCE_VALUES = ("metric", "qa")
LEAVE_TYPES = ("personal", "sick", "annual", "other")
COMPLAINT_LEVELS = ("hotline", "city", "province")
# Plan schema 2 (docs/pay-rules.md §7): indicator kinds and where a count indicator counts from.
INDICATOR_KINDS = ("linear", "relative", "bands", "count", "score")
COUNT_SOURCES = ("complaints", "absence", "metric")
DEFAULT_GROUP = "default"

DEFAULT_LEAVE_PAY_RATIO: dict[str, Decimal] = {
    "personal": Decimal(0),
    "sick": Decimal("0.6"),
    "annual": Decimal(1),
    "other": Decimal(1),
}


@dataclass(frozen=True)
class PayConfig:
    """Which calendar gives the month's workdays, and the statutory divisor for a day's pay."""

    calendar: str = "cn"
    days_per_month: Decimal = Decimal("21.75")


@dataclass(frozen=True)
class Product:
    """An insurance product; ``factor`` (折标系数) turns premium into standard premium."""

    code: str
    name: str
    factor: Decimal
    group: str = DEFAULT_GROUP  # schema 2: the commission group (§7.1) the product belongs to


@dataclass(frozen=True)
class Tier:
    """A commission tier: standard premium from ``from_`` (TOML key ``from``) is paid at ``rate``."""

    from_: Decimal
    rate: Decimal


@dataclass(frozen=True)
class CommissionGroup:
    """Schema 2 (§7.1): a product group with its own tier table (same rules as ``commission.tiers``)."""

    code: str
    name: str
    tiers: tuple[Tier, ...]
    mode: str = "marginal"


@dataclass(frozen=True)
class CommissionConfig:
    """阶梯提成. ``tiers`` start at 0 and are strictly increasing (the loader guarantees it)."""

    tiers: tuple[Tier, ...]
    mode: str = "marginal"
    level_bonus_rate: dict[str, Decimal] = field(default_factory=dict)
    new_customer_bonus: Decimal = Decimal(0)
    groups: tuple[CommissionGroup, ...] = ()  # schema 2: product groups with their own tiers


@dataclass(frozen=True)
class Band:
    """A QA band: an average of at least ``min`` earns ``coefficient``."""

    min: Decimal
    coefficient: Decimal


@dataclass(frozen=True)
class Grade:
    """A QA grade letter for an average of at least ``min``."""

    min: Decimal
    grade: str


DEFAULT_GRADES: tuple[Grade, ...] = (
    Grade(Decimal(90), "A"),
    Grade(Decimal(80), "B"),
    Grade(Decimal(70), "C"),
    Grade(Decimal(60), "D"),
    Grade(Decimal(0), "E"),
)


@dataclass(frozen=True)
class QualityConfig:
    """质检. ``bands`` and ``grades`` are kept highest ``min`` first, each including ``min = 0``."""

    min_evaluations: int = 1
    no_data_coefficient: Decimal = Decimal(1)
    fatal_penalty: Decimal = Decimal(0)
    bands: tuple[Band, ...] = (Band(Decimal(0), Decimal(1)),)
    grades: tuple[Grade, ...] = DEFAULT_GRADES

    def coefficient_for(self, qa_avg: Decimal) -> Decimal:
        """The coefficient of the band with the greatest ``min <= qa_avg``."""
        for band in self.bands:
            if band.min <= qa_avg:
                return band.coefficient
        # A negative average cannot happen (scores are 0..100) but must not crash the payroll.
        return self.bands[-1].coefficient

    def grade_for(self, qa_avg: Decimal) -> str:
        """The grade letter of the greatest ``min <= qa_avg``."""
        for grade in self.grades:
            if grade.min <= qa_avg:
                return grade.grade
        return self.grades[-1].grade


@dataclass(frozen=True)
class ScoreBand:
    """Schema 2 ``bands`` indicator (§7.2): a value of at least ``min`` scores ``score``."""

    min: Decimal
    score: Decimal


@dataclass(frozen=True)
class Indicator:
    """One KPI indicator (docs/pay-rules.md §3.5). ``max_down``/``max_up`` of ``None`` mean no limit.

    Schema 2 (§7.2) adds ``kind`` and the fields of the other kinds; an indicator of another kind
    keeps ``target = 0`` and ``step = 1`` (unused). ``step_up``/``step_down`` of ``None`` mean ``step``.
    """

    code: str
    name: str
    weight: Decimal
    target: Decimal
    step: Decimal
    down: Decimal = Decimal(1)
    up: Decimal = Decimal(1)
    max_down: Decimal | None = None
    max_up: Decimal | None = None
    better: str = "higher"
    source: str = "metric"
    kind: str = "linear"
    step_up: Decimal | None = None
    step_down: Decimal | None = None
    bands: tuple[ScoreBand, ...] = ()  # highest ``min`` first, one with ``min = 0``
    points: Decimal = Decimal(0)  # count: per absence record or per unit of the metric
    points_by_level: dict[str, Decimal] = field(default_factory=dict)  # count of complaints


@dataclass(frozen=True)
class KpiConfig:
    """综合考核: the composite score K and the money per point above/below the standard."""

    standard: Decimal = Decimal(80)
    bonus_from: Decimal = Decimal(90)
    bonus_per_point: Decimal = Decimal(0)
    deduction_per_point: Decimal = Decimal(0)
    indicators: tuple[Indicator, ...] = ()


@dataclass(frozen=True)
class MinuteTier:
    """An attendance tier: an occurrence of at most ``up_to_minutes`` costs ``amount``."""

    up_to_minutes: int
    amount: Decimal


@dataclass(frozen=True)
class AttendanceConfig:
    """考勤 penalties and the full-attendance bonus. ``cap`` of ``None`` means no cap."""

    late_free: int = 0
    late: tuple[MinuteTier, ...] = ()
    early_leave: tuple[MinuteTier, ...] = ()
    away: Decimal = Decimal(0)
    swap: Decimal = Decimal(0)
    absence_multiplier: Decimal = Decimal(1)
    cap: Decimal | None = None
    full_attendance_bonus: Decimal = Decimal(0)
    full_attendance_breakers: tuple[str, ...] = ("personal", "sick")


@dataclass(frozen=True)
class ComplaintsConfig:
    """投诉扣款 per level; a level missing from the TOML costs 0. ``cap`` ``None``: no cap."""

    amounts: dict[str, Decimal] = field(default_factory=lambda: {lvl: Decimal(0) for lvl in COMPLAINT_LEVELS})
    cap: Decimal | None = None


@dataclass(frozen=True)
class AwardsConfig:
    """月度优秀奖 (top share of K) and 客户表扬奖. ``top_share = 0`` switches the award off."""

    top_share: Decimal = Decimal(0)
    top_amount: Decimal = Decimal(0)
    min_score: Decimal = Decimal(0)
    exclude_penalized: bool = True
    praise_amount: Decimal = Decimal(0)
    within_scope: bool = False  # schema 2: rank each scope (and the agents in none) on its own


@dataclass(frozen=True)
class LimitsConfig:
    """扣款上限: penalties above ``penalty_share`` of the positive pay are given back; ``None``: off."""

    penalty_share: Decimal | None = None


@dataclass(frozen=True)
class Scope:
    """Schema 2 (§7.3) 分岗位方案: the agents it covers and the tables it replaces (``None``: top level)."""

    code: str
    name: str
    agents: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()
    teams: tuple[str, ...] = ()
    commission: CommissionConfig | None = None
    quality: QualityConfig | None = None
    kpi: KpiConfig | None = None

    def matches(self, code: str, role: str, team: str) -> bool:
        """Listed by code (case does not matter, as everywhere for agent codes), role or team."""
        folded = code.casefold()
        return (
            any(a.casefold() == folded for a in self.agents)
            or (bool(role) and role in self.roles)
            or (bool(team) and team in self.teams)
        )


@dataclass(frozen=True)
class Plan:
    """One version of the branch's plan, in force from ``effective_from`` (``YYYY-MM``)."""

    name: str
    effective_from: str
    commission: CommissionConfig
    schema: int = 1
    pay: PayConfig = PayConfig()
    leave_pay_ratio: dict[str, Decimal] = field(default_factory=lambda: dict(DEFAULT_LEAVE_PAY_RATIO))
    products: tuple[Product, ...] = ()
    quality: QualityConfig = QualityConfig()
    kpi: KpiConfig = KpiConfig()
    attendance: AttendanceConfig = AttendanceConfig()
    complaints: ComplaintsConfig = ComplaintsConfig()
    awards: AwardsConfig = AwardsConfig()
    limits: LimitsConfig = LimitsConfig()
    scopes: tuple[Scope, ...] = ()  # schema 2, in file order
    # schema 2, docs/pay-rules.md §8 (targets, period awards, team award); empty: none of them.
    targets: tuple[Target, ...] = ()
    period_awards: tuple[PeriodAward, ...] = ()
    team_award: TeamAward | None = None
    statutory: StatutoryConfig | None = None  # docs/pay-rules.md §9; None: no statutory lines

    # Not a dataclass field: the engine looks products up once per policy, so cache the map.
    @cached_property
    def products_by_code(self) -> dict[str, Product]:
        """Products keyed by code (codes are unique; the loader refuses duplicates)."""
        return {p.code: p for p in self.products}

    def product(self, code: str) -> Product | None:
        """The product with ``code``, or ``None`` when the plan does not know it."""
        return self.products_by_code.get(code)

    def scope_for(self, code: str, role: str = "", team: str = "") -> Scope | None:
        """The first scope, in file order, that lists the agent's code, role or team (§7.3)."""
        return next((s for s in self.scopes if s.matches(code, role, team)), None)

    def all_indicators(self) -> tuple[Indicator, ...]:
        """The top-level indicators, then those only a scope has (schema 2), each code once:
        what metric imports and the metrics grid accept (an indicator may exist in a scope alone)."""
        seen: dict[str, Indicator] = {i.code: i for i in self.kpi.indicators}
        for scope in self.scopes:
            for ind in scope.kpi.indicators if scope.kpi is not None else ():
                seen.setdefault(ind.code, ind)
        return tuple(seen.values())

    def leave_ratio(self, leave_type: str) -> Decimal:
        """The paid share of a leave day of ``leave_type`` (1 = fully paid)."""
        return self.leave_pay_ratio.get(leave_type, DEFAULT_LEAVE_PAY_RATIO.get(leave_type, Decimal(1)))
