"""Policies (保单): list a month's sales, add, edit, cancel (撤单) and delete them. One function per user action.

The rules mirror the sales import (:mod:`app.services.imports`) so that typing a policy by hand
and importing it can never disagree:

* a policy belongs to the month of its ``sign_date``; once that month is locked its record is
  frozen (docs/pay-rules.md §4) — except its ``cancel_date``, because setting it is how a clawback
  arrives (§3.3);
* a policy whose commission was already clawed back has a final cancel date;
* the product must be in the plan in force for the sign month (its factor gives the standard
  premium), the premium is positive, the policy number is unique and the agent was employed on
  the sign date.

Every change is written to the audit log with the record before and after.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from typing import Any, NamedTuple

from sqlalchemy import Select, String, select, type_coerce
from sqlalchemy.orm import Session

from app.calendar import month_bounds
from app.fields import LEVEL_MAX, POLICY_NO_MAX, match_code
from app.money import ZERO, D, MoneyError, check_money, parse_money
from app.plan.model import Plan
from app.services.agents import agent_employment, find_agent
from app.services.audit import audit
from app.services.errors import MonthLocked, ServiceError, ValidationFailed
from app.services.months import ensure_open, locked_months, month_of, month_status
from app.services.plans import plan_for_month
from app.services.record_changes import records_changing
from app.services.record_versions import check_version
from app.text import Text
from db.models import Agent, Policy
from db.session import claim_write_lock

STATUS_COUNTED = "counted"
STATUS_CANCELLED = "cancelled"
STATUSES = (STATUS_COUNTED, STATUS_CANCELLED)
PREMIUM = ("保费", "the premium")  # how a money message names the field

# POLICY_NO_MAX and LEVEL_MAX (from app.fields) are the limits of the sales import too.

# (hire date, leave date) of each agent code: what employment checks need, without a session.
Employment = Mapping[str, tuple[date, date | None]]


@dataclass(frozen=True)
class PolicyInput:
    """What the user typed for one policy. ``premium`` is ``None`` while the field is not a number."""

    policy_no: str
    agent_code: str
    product_code: str
    premium: Decimal | None
    sign_date: date
    customer_level: str = ""
    new_customer: bool = False
    cancel_date: date | None = None


@dataclass(frozen=True)
class ProductView:
    """A product of the plan in force for a month; ``factor`` is its 折标系数."""

    code: str
    name: str
    factor: Decimal


class PolicyView(NamedTuple):
    """One policy as the sales table shows it.

    ``product_name``/``factor``/``std_premium`` come from the plan of the sign month; they are
    empty (``""``/``None``) when that plan does not know the product (an old import, a plan
    changed afterwards), so the table can show the gap instead of hiding the policy.

    A named tuple, not a dataclass: a busy month lists 35,000 of them (350,000 at ten times the
    size), and a tuple is made several times faster.
    """

    id: int
    policy_no: str
    agent_code: str
    agent_name: str
    product_code: str
    product_name: str
    factor: Decimal | None
    premium: Decimal
    std_premium: Decimal | None
    customer_level: str
    new_customer: bool
    sign_date: date
    cancel_date: date | None
    paid_amount: Decimal | None
    paid_month: str | None
    clawed_month: str | None
    locked: bool  # the sign month is locked: only the cancel date may change
    version: int = 1  # what the form sends back to save (app.services.record_versions)

    @property
    def counted(self) -> bool:
        """docs/pay-rules.md §3.2: a policy counts for its sign month when it has no cancel date."""
        return self.cancel_date is None

    @property
    def status(self) -> str:
        return STATUS_COUNTED if self.counted else STATUS_CANCELLED

    @property
    def month(self) -> str:
        return month_of(self.sign_date)


@dataclass(frozen=True)
class AgentSalesTotal:
    """The month's counted policies of one agent: what the commission tiers are applied to."""

    agent_code: str
    agent_name: str
    policies: int
    premium: Decimal
    std_premium: Decimal


@dataclass(frozen=True)
class FieldProblem:
    """A problem with one field of the form (``field`` is a PolicyInput attribute or ``"form"``)."""

    field: str
    zh: str
    en: str


# --- validation -------------------------------------------------------------------------


def check_policy(
    data: PolicyInput,
    *,
    products: Collection[str] | None = None,
    agents: Employment | None = None,
) -> list[FieldProblem]:
    """Every field problem of ``data``; empty when the input is fine.

    Kept free of the session so the dialog can run it on every keystroke: the caller passes the
    product codes of the sign month's plan and the agents' employment dates when it knows them.
    Uniqueness and locked months need the database and are checked by the actions themselves.
    """
    found: list[FieldProblem] = []
    no = data.policy_no.strip()
    if not no:
        found.append(FieldProblem("policy_no", "保单号不能为空", "policy number is required"))
    elif len(no) > POLICY_NO_MAX:
        found.append(
            FieldProblem(
                "policy_no",
                f"保单号最长 {POLICY_NO_MAX} 个字符",
                f"policy number is at most {POLICY_NO_MAX} characters",
            )
        )
    code = data.agent_code.strip()
    if not code:
        found.append(FieldProblem("agent_code", "请选择业务员（工号）", "choose the agent"))
    elif agents is not None:
        stored = match_code(agents, code)
        employment = agents.get(stored) if stored is not None else None
        if employment is None:
            found.append(FieldProblem("agent_code", f"工号 {code} 不存在", f"unknown agent code {code}"))
        else:
            hire, leave = employment
            if data.sign_date < hire or (leave is not None and data.sign_date > leave):
                found.append(
                    FieldProblem(
                        "agent_code",
                        f"工号 {code} 在签单日期 {data.sign_date.isoformat()} 不在职",
                        f"agent {code} was not employed on the sign date {data.sign_date.isoformat()}",
                    )
                )
    product = data.product_code.strip()
    if not product:
        found.append(FieldProblem("product_code", "请选择产品", "choose the product"))
    elif products is not None and product not in products:
        month = month_of(data.sign_date)
        found.append(
            FieldProblem(
                "product_code",
                f"产品 {product} 不在 {month} 适用的方案中",
                f"product {product} is not in the plan in force for {month}",
            )
        )
    if data.premium is None:
        found.append(FieldProblem("premium", "请填写保费（数字）", "enter the premium (a number)"))
    elif not data.premium.is_finite() or data.premium <= 0:
        found.append(FieldProblem("premium", "保费必须大于 0", "the premium must be greater than 0"))
    else:
        try:
            check_money(data.premium, what=PREMIUM)
        except MoneyError as exc:  # more than two decimals: refused, never rounded
            found.append(FieldProblem("premium", exc.message, exc.message_en))
    if len(data.customer_level.strip()) > LEVEL_MAX:
        found.append(
            FieldProblem(
                "customer_level",
                f"客户等级最长 {LEVEL_MAX} 个字符",
                f"customer level is at most {LEVEL_MAX} characters",
            )
        )
    if data.cancel_date is not None and data.cancel_date < data.sign_date:
        found.append(
            FieldProblem(
                "cancel_date",
                f"撤单日期 {data.cancel_date.isoformat()} 早于签单日期 {data.sign_date.isoformat()}",
                f"the cancel date {data.cancel_date.isoformat()} is before the sign date {data.sign_date.isoformat()}",
            )
        )
    return found


def _refuse(problems: list[FieldProblem]) -> None:
    if problems:
        raise ValidationFailed([p.zh for p in problems], [p.en for p in problems])


# --- reading ------------------------------------------------------------------------------


def _plan_or_none(session: Session, month: str) -> Plan | None:
    """The month's plan, or ``None`` when no plan is in force: listing must still work then."""
    try:
        return plan_for_month(session, month)[1]
    except ServiceError:
        return None


def plan_products(session: Session, month: str) -> list[ProductView]:
    """Products of the plan in force for ``month`` (empty when there is no plan)."""
    plan = _plan_or_none(session, month)
    return [ProductView(p.code, p.name, p.factor) for p in plan.products] if plan else []


def customer_levels(session: Session, month: str) -> list[str]:
    """The customer levels that earn a level bonus in ``month`` (keys of ``level_bonus_rate``)."""
    plan = _plan_or_none(session, month)
    if plan is None:
        return []
    levels = dict.fromkeys(plan.commission.level_bonus_rate)
    for scope in plan.scopes:  # schema 2: a scope's own commission table may name other levels
        if scope.commission is not None:
            levels.update(dict.fromkeys(scope.commission.level_bonus_rate))
    return list(levels)


#: The columns a PolicyView is made of, read as plain rows (a Core select: no ORM objects to build).
#: Money and dates come as the text they are stored as (no per-value type processing): the 31
#: dates of a month are parsed once each, the amounts by ``Decimal`` itself.
_VIEW_COLUMNS = (
    Policy.id,
    Policy.policy_no,
    Agent.code,
    Agent.name,
    Policy.product_code,
    type_coerce(Policy.premium, String),
    Policy.customer_level,
    Policy.new_customer,
    type_coerce(Policy.sign_date, String),
    type_coerce(Policy.cancel_date, String),
    type_coerce(Policy.paid_amount, String),
    Policy.paid_month,
    Policy.clawed_month,
    Policy.version,
)


def _view_select() -> Select[*tuple[Any, ...]]:
    return select(*_VIEW_COLUMNS).select_from(Policy).join(Agent, Agent.id == Policy.agent_id, isouter=True)


def _views(session: Session, stmt: Select[*tuple[Any, ...]]) -> list[PolicyView]:
    """The policies ``stmt`` (a :func:`_view_select`) selects, as views, in its order."""
    plans: dict[str, Plan | None] = {}
    products: dict[tuple[str, str], tuple[str, Decimal] | None] = {}
    locked = locked_months(session)
    days: dict[str, tuple[date, str]] = {}  # stored date text -> (date, its month)

    def day(text: str) -> date:
        known = days.get(text)
        if known is None:
            # SQLite hands the stored text back; PostgreSQL's driver a date already (a server database).
            parsed = text if isinstance(text, date) else date.fromisoformat(text)
            known = days[text] = (parsed, month_of(parsed))
        return known[0]

    out = []
    view = PolicyView
    for (pid, policy_no, code, name, product_code, premium_text, level, new, sign_text, cancel_text, paid_text,
         paid_month, clawed, version) in session.connection().execute(stmt).all():
        sign = day(sign_text)
        month = days[sign_text][1]
        premium = Decimal(premium_text)
        if (month, product_code) in products:
            found = products[(month, product_code)]
        else:
            if month not in plans:
                plans[month] = _plan_or_none(session, month)
            plan = plans[month]
            product = plan.product(product_code) if plan is not None else None
            found = products[(month, product_code)] = (product.name, product.factor) if product else None
        out.append(
            view(
                pid,
                policy_no,
                code or "",
                name or "",
                product_code,
                found[0] if found else "",
                found[1] if found else None,
                premium,
                premium * found[1] if found else None,
                level,
                new,
                sign,
                None if cancel_text is None else day(cancel_text),
                None if paid_text is None else Decimal(paid_text),
                paid_month,
                clawed,
                month in locked,
                version,
            )
        )
    return out


def list_policies(
    session: Session,
    month: str,
    *,
    agent_code: str | None = None,
    product_code: str | None = None,
    status: str | None = None,
    search: str = "",
) -> list[PolicyView]:
    """Policies signed in ``month``, by sign date then number; the filters narrow the list.

    ``status`` is ``"counted"`` (no cancel date) or ``"cancelled"``; ``search`` matches the policy
    number, the agent's code or name, case-insensitively.
    """
    if status is not None and status not in STATUSES:
        raise ValueError(f"unknown status {status!r}; expected one of {', '.join(STATUSES)}")
    first, last = month_bounds(month)
    stmt = (
        _view_select()
        .where(Policy.sign_date >= first, Policy.sign_date <= last)
        .order_by(Policy.sign_date, Policy.policy_no)
    )
    if product_code:
        stmt = stmt.where(Policy.product_code == product_code)
    if status == STATUS_COUNTED:
        stmt = stmt.where(Policy.cancel_date.is_(None))
    elif status == STATUS_CANCELLED:
        stmt = stmt.where(Policy.cancel_date.is_not(None))
    if agent_code:
        agent = find_agent(session, agent_code)
        stmt = stmt.where(Policy.agent_id == (agent.id if agent is not None else -1))
    views = _views(session, stmt)
    needle = search.strip().casefold()
    if needle:
        views = [
            v
            for v in views
            if needle in v.policy_no.casefold()
            or needle in v.agent_code.casefold()
            or needle in v.agent_name.casefold()
        ]
    return views


def month_totals(session: Session, month: str) -> list[AgentSalesTotal]:
    """Per agent, the month's counted policies: count, Σ premium, Σ standard premium (docs/pay-rules.md §3.2).

    Cancelled policies are left out because they do not count for the month; a product unknown
    to the plan adds its premium but no standard premium, exactly as the engine would see it.
    """
    totals: dict[str, AgentSalesTotal] = {}
    for v in list_policies(session, month, status=STATUS_COUNTED):
        old = totals.get(v.agent_code) or AgentSalesTotal(v.agent_code, v.agent_name, 0, ZERO, ZERO)
        totals[v.agent_code] = replace(
            old,
            policies=old.policies + 1,
            premium=old.premium + v.premium,
            std_premium=old.std_premium + (v.std_premium if v.std_premium is not None else ZERO),
        )
    return [totals[code] for code in sorted(totals)]


def get_policy(session: Session, policy_no: str) -> Policy:
    policy = session.scalar(select(Policy).where(Policy.policy_no == policy_no))
    if policy is None:
        raise ServiceError(f"没有保单号为 {policy_no} 的保单", f"no policy with number {policy_no}")
    return policy


def get_policy_view(session: Session, policy_no: str) -> PolicyView:
    return _views(session, _view_select().where(Policy.id == get_policy(session, policy_no).id))[0]


# --- changing -------------------------------------------------------------------------------


def _snapshot(session: Session, policy: Policy) -> dict[str, object]:
    agent = session.get(Agent, policy.agent_id)
    return {
        "policy_no": policy.policy_no,
        "agent": agent.code if agent else "",
        "product": policy.product_code,
        "premium": str(policy.premium),
        "customer_level": policy.customer_level,
        "new_customer": policy.new_customer,
        "sign_date": policy.sign_date.isoformat(),
        "cancel_date": policy.cancel_date.isoformat() if policy.cancel_date else None,
    }


def _clean(session: Session, data: PolicyInput) -> tuple[PolicyInput, Agent]:
    """Validate against the sign month's plan and the agents; the cleaned input and its agent."""
    month = month_of(data.sign_date)
    plan = _plan_or_none(session, month)
    if plan is None:
        raise ServiceError(
            f"{month} 没有适用的提成方案，无法确认产品：请先导入方案。",
            f"no plan is in force for {month}, so the product cannot be checked: import a plan first.",
        )
    _refuse(check_policy(data, products={p.code for p in plan.products}, agents=agent_employment(session)))
    assert data.premium is not None
    clean = PolicyInput(
        policy_no=data.policy_no.strip(),
        agent_code=data.agent_code.strip(),
        product_code=data.product_code.strip(),
        premium=D(data.premium),
        sign_date=data.sign_date,
        customer_level=data.customer_level.strip(),
        new_customer=data.new_customer,
        cancel_date=data.cancel_date,
    )
    agent = find_agent(session, clean.agent_code)
    assert agent is not None  # check_policy saw it among the agents
    return clean, agent


def _ensure_unique(session: Session, policy_no: str, *, except_id: int | None = None) -> None:
    found = session.scalar(select(Policy.id).where(Policy.policy_no == policy_no))
    if found is not None and found != except_id:
        raise ValidationFailed([f"保单号 {policy_no} 已存在"], [f"policy number {policy_no} already exists"])


def add_policy(session: Session, data: PolicyInput) -> PolicyView:
    """Record a new policy; refused when its sign month is locked (that month's pay is final)."""
    clean, agent = _clean(session, data)
    ensure_open(session, month_of(clean.sign_date))
    _ensure_unique(session, clean.policy_no)
    assert clean.premium is not None
    policy = Policy(
        policy_no=clean.policy_no,
        agent_id=agent.id,
        product_code=clean.product_code,
        premium=clean.premium,
        customer_level=clean.customer_level,
        new_customer=clean.new_customer,
        sign_date=clean.sign_date,
        cancel_date=clean.cancel_date,
    )
    session.add(policy)
    session.flush()
    audit(session, "policy.add", entity="policy", key=policy.policy_no, after=_snapshot(session, policy))
    return get_policy_view(session, policy.policy_no)


def _check_cancel_allowed(policy: Policy, cancel_date: date | None) -> None:
    if policy.clawed_month is not None and cancel_date != policy.cancel_date:
        raise ServiceError(
            f"保单 {policy.policy_no} 已在 {policy.clawed_month} 追回提成，撤单日期不能再改；如需更正请录入调整项。",
            f"policy {policy.policy_no} was already clawed back in {policy.clawed_month}; its cancel date is final. "
            "Enter an adjustment to correct it.",
        )
    if cancel_date is not None and cancel_date < policy.sign_date:
        raise ValidationFailed(
            [f"撤单日期 {cancel_date.isoformat()} 早于签单日期 {policy.sign_date.isoformat()}"],
            [
                f"the cancel date {cancel_date.isoformat()} is before the sign date {policy.sign_date.isoformat()}"
            ],
        )


def edit_policy(
    session: Session, policy_no: str, data: PolicyInput, *, expected_version: int | None = None
) -> PolicyView:
    """Change a policy. In a locked sign month only the cancel date may change (as in the import);
    a policy may not be moved into a locked month either. ``expected_version``: the version the form
    showed; a policy changed since is refused (app.services.record_versions)."""
    claim_write_lock(session)  # the month's status is read where the change is written
    policy = get_policy(session, policy_no)
    check_version(policy, expected_version, Text(f"保单 {policy.policy_no} ", f"policy {policy.policy_no}"))
    before = _snapshot(session, policy)
    old_month = month_of(policy.sign_date)
    records_changing(session, [old_month] + ([month_of(data.sign_date)] if data.sign_date else []))
    if month_status(session, old_month) == "locked":
        wanted = PolicyInput(
            policy_no=data.policy_no.strip(),
            agent_code=data.agent_code.strip(),
            product_code=data.product_code.strip(),
            premium=data.premium,
            sign_date=data.sign_date,
            customer_level=data.customer_level.strip(),
            new_customer=data.new_customer,
            cancel_date=data.cancel_date,
        )
        current = PolicyInput(
            policy_no=policy.policy_no,
            agent_code=str(before["agent"]),
            product_code=policy.product_code,
            premium=policy.premium,
            sign_date=policy.sign_date,
            customer_level=policy.customer_level,
            new_customer=policy.new_customer,
            cancel_date=data.cancel_date,
        )
        if wanted != current:
            raise ServiceError(
                f"保单 {policy.policy_no} 的签单月份 {old_month} 已锁定，只能修改撤单日期；其他更正请在未锁定月份录入调整项。",
                f"policy {policy.policy_no} belongs to locked month {old_month}: only its cancel date may change; "
                "enter other corrections as adjustments of an open month.",
            )
        return cancel_policy(session, policy_no, data.cancel_date)
    clean, agent = _clean(session, data)
    ensure_open(session, month_of(clean.sign_date))
    _check_cancel_allowed(policy, clean.cancel_date)
    if clean.policy_no != policy.policy_no:
        _ensure_unique(session, clean.policy_no, except_id=policy.id)
    assert clean.premium is not None
    policy.policy_no = clean.policy_no
    policy.agent_id = agent.id
    policy.product_code = clean.product_code
    policy.premium = clean.premium
    policy.customer_level = clean.customer_level
    policy.new_customer = clean.new_customer
    policy.sign_date = clean.sign_date
    policy.cancel_date = clean.cancel_date
    session.flush()
    after = _snapshot(session, policy)
    if after != before:
        audit(session, "policy.edit", entity="policy", key=policy.policy_no, before=before, after=after)
    return get_policy_view(session, policy.policy_no)


def cancel_policy(session: Session, policy_no: str, cancel_date: date | None) -> PolicyView:
    """Set (or, with ``None``, withdraw) a policy's cancel date (撤单).

    Allowed even when the sign month is locked — that is how a clawback arrives (docs/pay-rules.md §3.3,
    §4) — but refused once the clawback happened, since a locked month already took it back.
    """
    claim_write_lock(session)  # no month can lock (and claw it back) between the check and the write
    records_changing(session, None)  # a clawback lands in the open months after the cancel date
    policy = get_policy(session, policy_no)
    _check_cancel_allowed(policy, cancel_date)
    if cancel_date == policy.cancel_date:
        return get_policy_view(session, policy_no)
    before = _snapshot(session, policy)
    policy.cancel_date = cancel_date
    session.flush()
    audit(
        session,
        "policy.cancel" if cancel_date is not None else "policy.uncancel",
        entity="policy",
        key=policy.policy_no,
        before=before,
        after=_snapshot(session, policy),
    )
    return get_policy_view(session, policy_no)


def delete_policy(session: Session, policy_no: str) -> None:
    """Remove a policy typed in error; refused in a locked month or once its commission was paid,
    because the payslips already handed out must stay explainable."""
    claim_write_lock(session)  # the month's status is read where the deletion is written
    policy = get_policy(session, policy_no)
    month = month_of(policy.sign_date)
    if month_status(session, month) == "locked":
        raise MonthLocked(month)
    records_changing(session, [month])
    if policy.paid_amount is not None:
        raise ServiceError(
            f"保单 {policy.policy_no} 已在 {policy.paid_month} 发放提成，不能删除；请改为撤单。",
            f"commission for policy {policy.policy_no} was paid in {policy.paid_month}; it cannot be deleted. "
            "Cancel it instead.",
        )
    before = _snapshot(session, policy)
    session.delete(policy)
    session.flush()
    audit(session, "policy.delete", entity="policy", key=policy_no, before=before)


def parse_premium(text: str) -> Decimal | None:
    """The premium typed in a form (app.money.parse_money), or ``None`` when it is not money;
    the form shows :class:`~app.money.MoneyError`'s words for it."""
    try:
        return parse_money(text, PREMIUM)
    except MoneyError:
        return None
