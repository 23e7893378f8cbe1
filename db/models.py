"""The tables of BranchPay (SQLAlchemy 2.0 typed models).

Money and rates use :class:`db.types.DecimalText`, dates are DATE, months are
``YYYY-MM`` text. Nothing here is SQLite-specific: a shared PostgreSQL comes later.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from db.types import DecimalText

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def _now() -> datetime:
    return datetime.now().replace(microsecond=0)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Versioned:
    """A record a user edits in a form (migration 0009): every change raises ``version`` and notes who
    made it and when (db/versioning.py), so an edit made from a form opened before someone else's
    change is refused with "changed by NAME at TIME, reload" instead of silently undoing it."""

    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    changed_by: Mapped[str] = mapped_column(String(64), default="", server_default="")
    changed_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)


class DataChange(Base):
    """One row counting the committed write transactions (migration 0009): a window polls it to see
    that another program or user changed the data, and reloads what it shows."""

    __tablename__ = "data_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    counter: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class Agent(Versioned, Base):
    __tablename__ = "agents"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(64), default="")
    team: Mapped[str] = mapped_column(String(64), default="")
    base_salary: Mapped[Decimal] = mapped_column(DecimalText())
    hire_date: Mapped[date] = mapped_column(Date)
    leave_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    payslip_password: Mapped[str | None] = mapped_column(String(128), nullable=True)
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=_now)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=_now, onupdate=_now)
    # docs/pay-rules.md §9.1 (migration 0004): personal data, shown whole only on the agent form and
    # in the bank and tax files (app.personal.mask elsewhere).
    id_number: Mapped[str | None] = mapped_column(String(18), nullable=True)
    bank_name: Mapped[str] = mapped_column(String(64), default="", server_default="")
    bank_account: Mapped[str | None] = mapped_column(String(30), nullable=True)
    si_base: Mapped[Decimal | None] = mapped_column(DecimalText(), nullable=True)
    hf_base: Mapped[Decimal | None] = mapped_column(DecimalText(), nullable=True)
    statutory: Mapped[bool] = mapped_column(Boolean, default=True, server_default="1")

    @property
    def active(self) -> bool:
        return self.leave_date is None


# Agent codes ignore case (app.fields.code_key): "A001" and "a001" cannot both exist. The unique
# index on the lower-cased code enforces it in the database (migration 0002).
Index("uq_agents_code_lower", func.lower(Agent.code), unique=True)


class PlanVersion(Base):
    """A plan (提成方案) in force from ``effective_from``; frozen once a locked month used it."""

    __tablename__ = "plan_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    effective_from: Mapped[str] = mapped_column(String(7), unique=True)
    name: Mapped[str] = mapped_column(String(128))
    toml_text: Mapped[str] = mapped_column(Text)
    frozen: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=_now)


class AttendanceRecord(Base):
    __tablename__ = "attendance"

    id: Mapped[int] = mapped_column(primary_key=True)
    agent_id: Mapped[int] = mapped_column(ForeignKey("agents.id", ondelete="CASCADE"), index=True)
    date: Mapped[date] = mapped_column(Date, index=True)
    kind: Mapped[str] = mapped_column(String(16))
    minutes: Mapped[int | None] = mapped_column(Integer, nullable=True)
    days: Mapped[Decimal | None] = mapped_column(DecimalText(), nullable=True)
    note: Mapped[str] = mapped_column(Text, default="")


class Scorecard(Base):
    """A QA scorecard (评分表); a new version is made once one has been used."""

    __tablename__ = "scorecards"
    __table_args__ = (UniqueConstraint("code", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(Integer, default=1)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    items: Mapped[list[ScorecardItem]] = relationship(
        back_populates="scorecard", order_by="ScorecardItem.position", cascade="all, delete-orphan"
    )


class ScorecardItem(Base):
    __tablename__ = "scorecard_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    scorecard_id: Mapped[int] = mapped_column(ForeignKey("scorecards.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    section: Mapped[str] = mapped_column(String(64), default="")
    name: Mapped[str] = mapped_column(Text)
    max_points: Mapped[Decimal] = mapped_column(DecimalText())
    scorecard: Mapped[Scorecard] = relationship(back_populates="items")


class QAEvaluation(Versioned, Base):
    __tablename__ = "qa_evaluations"

    id: Mapped[int] = mapped_column(primary_key=True)
    agent_id: Mapped[int] = mapped_column(ForeignKey("agents.id", ondelete="CASCADE"), index=True)
    date: Mapped[date] = mapped_column(Date, index=True)
    scorecard_id: Mapped[int | None] = mapped_column(ForeignKey("scorecards.id"), nullable=True)
    score: Mapped[Decimal] = mapped_column(DecimalText())
    fatal: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(16), default="valid")
    evaluator: Mapped[str] = mapped_column(String(64), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    overturn_reason: Mapped[str] = mapped_column(Text, default="")


class QAItemScore(Base):
    __tablename__ = "qa_item_scores"

    id: Mapped[int] = mapped_column(primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(ForeignKey("qa_evaluations.id", ondelete="CASCADE"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("scorecard_items.id"))
    points: Mapped[Decimal] = mapped_column(DecimalText())


class Policy(Versioned, Base):
    __tablename__ = "policies"

    id: Mapped[int] = mapped_column(primary_key=True)
    policy_no: Mapped[str] = mapped_column(String(64), unique=True)
    agent_id: Mapped[int] = mapped_column(ForeignKey("agents.id", ondelete="CASCADE"), index=True)
    product_code: Mapped[str] = mapped_column(String(32))
    premium: Mapped[Decimal] = mapped_column(DecimalText())
    customer_level: Mapped[str] = mapped_column(String(16), default="")
    new_customer: Mapped[bool] = mapped_column(Boolean, default=False)
    sign_date: Mapped[date] = mapped_column(Date, index=True)
    cancel_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    # docs/pay-rules.md §3.3: what this policy paid, recorded when its sign month was locked.
    paid_amount: Mapped[Decimal | None] = mapped_column(DecimalText(), nullable=True)
    paid_month: Mapped[str | None] = mapped_column(String(7), nullable=True)
    # The locked month in which the paid amount was clawed back.
    clawed_month: Mapped[str | None] = mapped_column(String(7), nullable=True)

    # Partial indexes (migration 0008): every calculation looks for cancelled policies still to be
    # clawed back, and recalculating looks for the ones a month clawed back. Both are a few
    # hundred among hundreds of thousands: without these, each query reads every policy.
    __table_args__ = (
        Index(
            "ix_policies_cancelled",
            "cancel_date",
            sqlite_where=cancel_date.is_not(None),
            postgresql_where=cancel_date.is_not(None),
        ),
        Index(
            "ix_policies_clawed",
            "clawed_month",
            sqlite_where=clawed_month.is_not(None),
            postgresql_where=clawed_month.is_not(None),
        ),
    )


class Complaint(Versioned, Base):
    __tablename__ = "complaints"

    id: Mapped[int] = mapped_column(primary_key=True)
    agent_id: Mapped[int] = mapped_column(ForeignKey("agents.id", ondelete="CASCADE"), index=True)
    date: Mapped[date] = mapped_column(Date, index=True)
    level: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default="upheld")
    description: Mapped[str] = mapped_column(Text, default="")


class Praise(Base):
    __tablename__ = "praise"

    id: Mapped[int] = mapped_column(primary_key=True)
    agent_id: Mapped[int] = mapped_column(ForeignKey("agents.id", ondelete="CASCADE"), index=True)
    date: Mapped[date] = mapped_column(Date, index=True)
    description: Mapped[str] = mapped_column(Text, default="")


class KpiMetric(Base):
    __tablename__ = "kpi_metrics"
    __table_args__ = (UniqueConstraint("agent_id", "month", "indicator"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agent_id: Mapped[int] = mapped_column(ForeignKey("agents.id", ondelete="CASCADE"), index=True)
    month: Mapped[str] = mapped_column(String(7), index=True)
    indicator: Mapped[str] = mapped_column(String(32))
    value: Mapped[Decimal] = mapped_column(DecimalText())


class Adjustment(Versioned, Base):
    __tablename__ = "adjustments"

    id: Mapped[int] = mapped_column(primary_key=True)
    agent_id: Mapped[int] = mapped_column(ForeignKey("agents.id", ondelete="CASCADE"), index=True)
    month: Mapped[str] = mapped_column(String(7), index=True)
    amount: Mapped[Decimal] = mapped_column(DecimalText())
    category: Mapped[str] = mapped_column(String(32), default="")
    reason: Mapped[str] = mapped_column(Text, default="")


class MonthStatus(Base):
    """``open`` (no row or status open) → ``calculated`` → ``locked``."""

    __tablename__ = "month_status"

    month: Mapped[str] = mapped_column(String(7), primary_key=True)
    status: Mapped[str] = mapped_column(String(16), default="open")
    plan_version_id: Mapped[int | None] = mapped_column(ForeignKey("plan_versions.id"), nullable=True)
    calculated_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    locked_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    warnings: Mapped[str] = mapped_column(Text, default="")  # JSON list
    # The signed-in user who last calculated the month ("" with no users): they may not sign it off.
    calculated_by: Mapped[str] = mapped_column(String(64), default="", server_default="")


class PayrollResult(Base):
    """One agent's pay for a month: a frozen snapshot once the month is locked."""

    __tablename__ = "payroll_results"
    __table_args__ = (UniqueConstraint("month", "agent_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    month: Mapped[str] = mapped_column(String(7), index=True)
    agent_id: Mapped[int] = mapped_column(ForeignKey("agents.id"), index=True)
    agent_code: Mapped[str] = mapped_column(String(32))
    agent_name: Mapped[str] = mapped_column(String(64))
    team: Mapped[str] = mapped_column(String(64), default="")
    gross: Mapped[Decimal] = mapped_column(DecimalText())
    deductions: Mapped[Decimal] = mapped_column(DecimalText())
    net: Mapped[Decimal] = mapped_column(DecimalText())
    carry_to_next: Mapped[Decimal] = mapped_column(DecimalText(), default=Decimal(0))
    facts_json: Mapped[str] = mapped_column(Text, default="{}")
    lines: Mapped[list[PayrollLine]] = relationship(
        back_populates="result", order_by="PayrollLine.position", cascade="all, delete-orphan"
    )


class PayrollLine(Base):
    __tablename__ = "payroll_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    result_id: Mapped[int] = mapped_column(ForeignKey("payroll_results.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    code: Mapped[str] = mapped_column(String(32))
    amount: Mapped[Decimal] = mapped_column(DecimalText())
    label: Mapped[str] = mapped_column(String(64))
    label_en: Mapped[str] = mapped_column(String(64), default="")
    detail: Mapped[str] = mapped_column(Text, default="")
    detail_en: Mapped[str] = mapped_column(Text, default="")
    result: Mapped[PayrollResult] = relationship(back_populates="lines")


class Setting(Base):
    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text, default="")


class CalendarOverride(Base):
    """A branch-level exception to the calendar: a date marked workday (True) or day off (False)."""

    __tablename__ = "calendar_overrides"

    date: Mapped[date] = mapped_column(Date, primary_key=True)
    workday: Mapped[bool] = mapped_column(Boolean)
    note: Mapped[str] = mapped_column(Text, default="")


class AuditLog(Base):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=_now, index=True)
    user: Mapped[str] = mapped_column(String(64), default="")
    action: Mapped[str] = mapped_column(String(64))
    entity: Mapped[str] = mapped_column(String(64), default="")
    entity_key: Mapped[str] = mapped_column(String(128), default="")
    before: Mapped[str] = mapped_column(Text, default="")
    after: Mapped[str] = mapped_column(Text, default="")
    reason: Mapped[str] = mapped_column(Text, default="")


class TargetValue(Base):
    """An agent's target value for one plan target and period (import kind ``targets``, docs/pay-rules.md §8.1).

    ``period`` is written ``2026-10``, ``2026-Q4``, ``2026-H2`` or ``2026``; ``bonus`` (None: the plan's)
    overrides the target's bonus for this agent and period."""

    __tablename__ = "targets"
    __table_args__ = (UniqueConstraint("agent_id", "target", "period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agent_id: Mapped[int] = mapped_column(ForeignKey("agents.id", ondelete="CASCADE"), index=True)
    target: Mapped[str] = mapped_column(String(32))
    period: Mapped[str] = mapped_column(String(7), index=True)
    value: Mapped[Decimal] = mapped_column(DecimalText())
    bonus: Mapped[Decimal | None] = mapped_column(DecimalText(), nullable=True)


class TaxDeduction(Base):
    """专项附加扣除 and other deductions of an agent's month (import kind ``deductions``, §9.3)."""

    __tablename__ = "tax_deductions"
    __table_args__ = (UniqueConstraint("agent_id", "month"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agent_id: Mapped[int] = mapped_column(ForeignKey("agents.id", ondelete="CASCADE"), index=True)
    month: Mapped[str] = mapped_column(String(7), index=True)
    children_education: Mapped[Decimal] = mapped_column(DecimalText(), default=Decimal(0))
    continuing_education: Mapped[Decimal] = mapped_column(DecimalText(), default=Decimal(0))
    housing_loan_interest: Mapped[Decimal] = mapped_column(DecimalText(), default=Decimal(0))
    housing_rent: Mapped[Decimal] = mapped_column(DecimalText(), default=Decimal(0))
    elderly_care: Mapped[Decimal] = mapped_column(DecimalText(), default=Decimal(0))
    infant_care: Mapped[Decimal] = mapped_column(DecimalText(), default=Decimal(0))
    other: Mapped[Decimal] = mapped_column(DecimalText(), default=Decimal(0))


class TaxOpening(Base):
    """An agent's cumulative tax figures of a year before the app saw it (import kind ``tax_opening``)."""

    __tablename__ = "tax_openings"
    __table_args__ = (UniqueConstraint("agent_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agent_id: Mapped[int] = mapped_column(ForeignKey("agents.id", ondelete="CASCADE"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    through_month: Mapped[int] = mapped_column(Integer)
    months: Mapped[int] = mapped_column(Integer)
    income: Mapped[Decimal] = mapped_column(DecimalText())
    si_hf: Mapped[Decimal] = mapped_column(DecimalText())
    special: Mapped[Decimal] = mapped_column(DecimalText())
    other: Mapped[Decimal] = mapped_column(DecimalText())
    tax_withheld: Mapped[Decimal] = mapped_column(DecimalText())


class Appeal(Base):
    """An appeal (申诉) against one record: a QA evaluation, a complaint, an attendance record or a metric.

    ``record_id`` is the appealed row's id (qa_evaluations / complaints / attendance); a metric is
    found by (agent, ``month``, ``indicator``). ``record_text`` keeps what the record said when the
    appeal was filed. ``correction_month`` is set when upholding it corrected a locked month
    (docs/pay-rules.md §11): the open month that received the 申诉更正 adjustments.
    """

    __tablename__ = "appeals"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    record_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    agent_id: Mapped[int] = mapped_column(ForeignKey("agents.id", ondelete="CASCADE"), index=True)
    month: Mapped[str] = mapped_column(String(7), index=True)
    indicator: Mapped[str] = mapped_column(String(32), default="")
    record_date: Mapped[date] = mapped_column(Date)
    record_text: Mapped[str] = mapped_column(Text, default="")
    filed: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text, default="")
    override_reason: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    decided_by: Mapped[str] = mapped_column(String(64), default="")
    decided_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    comment: Mapped[str] = mapped_column(Text, default="")
    decided_value: Mapped[Decimal | None] = mapped_column(DecimalText(), nullable=True)
    correction_month: Mapped[str | None] = mapped_column(String(7), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=_now)


class User(Base):
    """A person who signs in (docs/pay-rules.md §10); none at all means the single-user app of part one."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(256))
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=_now)
    roles: Mapped[list[UserRole]] = relationship(
        back_populates="user", order_by="UserRole.role", cascade="all, delete-orphan"
    )


class UserRole(Base):
    __tablename__ = "user_roles"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[str] = mapped_column(String(16), primary_key=True)
    user: Mapped[User] = relationship(back_populates="roles")


class Signoff(Base):
    """One step of a month's sign-off chain (review / check / approve) or a rejection (reject).

    A step counts while ``voided_at`` is empty; recalculating, a record change, a rejection or an
    unlock voids it and says why in ``void_reason``."""

    __tablename__ = "signoffs"

    id: Mapped[int] = mapped_column(primary_key=True)
    month: Mapped[str] = mapped_column(String(7), index=True)
    step: Mapped[str] = mapped_column(String(16))
    user_name: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(DateTime, default=_now)
    comment: Mapped[str] = mapped_column(Text, default="")
    voided_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    void_reason: Mapped[str] = mapped_column(Text, default="")
