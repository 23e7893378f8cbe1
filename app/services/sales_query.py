"""The sales table of a busy month read in pieces: the order of its rows, its totals and the rows
on screen, each by one SQL query.

A month of 350,000 policies cannot be read into views every time the page is shown, sorted or
filtered (seconds each). Here the database filters (product, counted/cancelled, search), sorts
(by any column of the table, stably: the sorts before break ties, as a stable ``list.sort``
would) and adds up; Python only sees the ordered row ids and the few rows the table paints.

The product's name and 折标系数 come from the plan of the month (one plan: every policy here is
signed in the month), so sorting by product, factor or standard premium uses a ``CASE`` over the
plan's few products.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Float, Integer, String, case, cast, func, literal, or_, select, type_coerce
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from app.calendar import month_bounds
from app.i18n import tr
from app.money import ZERO
from app.services.driver_rows import driver_column
from app.services.months import locked_months
from app.services.sales import (
    STATUS_CANCELLED,
    STATUS_COUNTED,
    STATUSES,
    PolicyView,
    ProductView,
    _view_select,
    plan_products,
)
from db.models import Agent, Policy

#: Every (column key, descending) the table can be sorted by; the newest sort comes first.
SortSpec = tuple[tuple[str, bool], ...]


@dataclass(frozen=True)
class PolicyQuery:
    """Which policies of ``month`` the table shows and in which order.

    ``sort`` holds the sorts applied, newest first (each later one breaks the ties of the one
    before it); after them come the sign date and the policy number, the page's first order.
    """

    month: str
    product_code: str | None = None
    status: str | None = None
    search: str = ""
    sort: SortSpec = ()

    def filtered(self) -> bool:
        return bool(self.product_code or self.status or self.search.strip())


@dataclass(frozen=True)
class SalesTotals:
    """What the totals line under the table says about the policies shown."""

    count: int
    counted: int
    premium: Decimal
    std_premium: Decimal
    counted_std_premium: Decimal


def month_products(session: Session, month: str) -> dict[str, ProductView]:
    """The products of the month's plan by code (empty without a plan)."""
    return {p.code: p for p in plan_products(session, month)}


def _where(query: PolicyQuery, *, scan: bool = False, sqlite: bool = True) -> list[ColumnElement[bool]]:
    """``scan``: read the table through rather than through the sign-date index (SQLite): faster
    when the month holds most of the policies, every row being needed anyway. ``sqlite``: its
    ``LIKE`` ignores the case of A-Z itself (no ``lower()`` of every row)."""
    if query.status is not None and query.status not in STATUSES:
        raise ValueError(f"unknown status {query.status!r}; expected one of {', '.join(STATUSES)}")
    first, last = month_bounds(query.month)
    sign: Any = type_coerce(Policy.sign_date, String) + "" if scan else Policy.sign_date
    if scan:
        first, last = first.isoformat(), last.isoformat()  # type: ignore[assignment]
    where: list[ColumnElement[bool]] = [sign >= first, sign <= last]
    if query.product_code:
        where.append(Policy.product_code == query.product_code)
    if query.status == STATUS_COUNTED:
        where.append(Policy.cancel_date.is_(None))
    elif query.status == STATUS_CANCELLED:
        where.append(Policy.cancel_date.is_not(None))
    needle = query.search.strip().casefold()
    if needle:
        pattern = "%" + needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"

        # The agents matching are found once (a few thousand), not joined to every policy.
        def like(column: Any) -> ColumnElement[bool]:
            return column.like(pattern, escape="\\") if sqlite else column.ilike(pattern, escape="\\")

        agents = select(Agent.id).where(or_(like(Agent.code), like(Agent.name)))
        where.append(or_(like(Policy.policy_no), Policy.agent_id.in_(agents)))
    return where


def _premium() -> ColumnElement[Any]:
    return cast(type_coerce(Policy.premium, String), Float)


def _factor(products: Mapping[str, ProductView]) -> ColumnElement[Any]:
    if not products:
        return literal(None, Float)
    return case(
        {code: cast(literal(str(p.factor)), Float) for code, p in products.items()},
        value=Policy.product_code,
        else_=None,
    )


#: Columns never empty (NOT NULL, never ""): their sort needs no "empty last" term, so SQLite can
#: take the sign date's order from its index and sort only the ties.
_NEVER_EMPTY = frozenset({"policy_no", "premium", "sign_date"})


def _sort_expression(key: str, products: Mapping[str, ProductView]) -> tuple[Any, bool]:
    """The SQL value a column sorts by and whether it is text (compared case-insensitively)."""
    if key == "policy_no":
        return Policy.policy_no, True
    if key == "agent_code":
        return Agent.code, True
    if key == "agent_name":
        return Agent.name, True
    if key == "product":
        if not products:
            return Policy.product_code, True
        texts = {code: f"{code} {p.name}" if p.name else code for code, p in products.items()}
        return case(texts, value=Policy.product_code, else_=Policy.product_code), True
    if key == "factor":
        return _factor(products), False
    if key == "premium":
        return _premium(), False
    if key == "std_premium":
        return _premium() * _factor(products), False
    if key == "customer_level":
        return Policy.customer_level, True
    if key == "new_customer":
        return case((Policy.new_customer.is_(True), 0), else_=None), False
    if key == "sign_date":
        return Policy.sign_date, False
    if key == "cancel_date":
        return Policy.cancel_date, False
    if key == "status":
        clawed_zh, clawed_en = "已撤单（{}已追回）", "Cancelled (clawed back {})"
        before, after = tr(clawed_zh, clawed_en).split("{}")
        return (
            case(
                (Policy.cancel_date.is_(None), tr("计入", "Counted")),
                (Policy.clawed_month.is_not(None), literal(before) + Policy.clawed_month + literal(after)),
                (Policy.paid_amount.is_not(None), tr("已撤单（待追回）", "Cancelled (clawback due)")),
                else_=tr("已撤单", "Cancelled"),
            ),
            True,
        )
    if key == "paid_amount":
        return cast(type_coerce(Policy.paid_amount, String), Float), False
    raise KeyError(key)


def _order_by(query: PolicyQuery, products: Mapping[str, ProductView]) -> list[Any]:
    """Empty values last (first when descending, as a reversed stable sort puts them), then the
    value; ties go to the sorts before, then to the sign date and number."""
    order: list[Any] = []
    for key, descending in query.sort:
        if key == "sign_date" and not descending and len(query.sort) == 1:
            break  # the first order: by the index
        value, text = _sort_expression(key, products)
        compared = func.lower(value) if text and key != "policy_no" else value
        if key not in _NEVER_EMPTY:
            empty = case((or_(value.is_(None), value == "") if text else value.is_(None), 1), else_=0)
            order.append(empty.desc() if descending else empty)
        order.append(compared.desc() if descending else compared)
    return [*order, Policy.sign_date, Policy.policy_no]


def _needs_agents(query: PolicyQuery) -> bool:
    return any(key in ("agent_code", "agent_name") for key, _ in query.sort)


def _joined(stmt: Any, query: PolicyQuery) -> Any:
    stmt = stmt.select_from(Policy)
    return stmt.join(Agent, Agent.id == Policy.agent_id, isouter=True) if _needs_agents(query) else stmt


def policy_ids(session: Session, query: PolicyQuery, products: Mapping[str, ProductView]) -> list[int]:
    """The ids of the policies ``query`` shows, in its order. Hundreds of thousands of plain
    integers: read with the driver's cursor, without a result object per row."""
    connection = session.connection()
    sqlite = connection.dialect.name == "sqlite"
    # The first order, unfiltered, comes from the sign-date index; any other reads every row of
    # the month anyway: straight through the table when the month is most of it.
    first_order = not query.filtered() and query.sort in ((), (("sign_date", False),))
    scan = not first_order and _mostly_this_month(session, query.month)
    where = _where(query, scan=scan, sqlite=sqlite)
    stmt = _joined(select(Policy.id), query).where(*where).order_by(*_order_by(query, products))
    return driver_column(connection, stmt)


def policy_totals(session: Session, query: PolicyQuery, products: Mapping[str, ProductView]) -> SalesTotals:
    """Count and sums of the policies ``query`` shows, added up by the database per product and
    counted/cancelled (in whole cents, exact), then multiplied by each product's factor."""
    return policy_totals_and_codes(session, query, products)[0]


def _mostly_this_month(session: Session, month: str) -> bool:
    """Whether ``month`` holds more than a quarter of all policies (SQLite, index-only counts)."""
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        return False
    everything = connection.execute(select(func.count()).select_from(Policy)).scalar_one()
    return month_policy_count(session, month) * 4 > everything


def policy_totals_and_codes(
    session: Session, query: PolicyQuery, products: Mapping[str, ProductView]
) -> tuple[SalesTotals, list[str]]:
    """:func:`policy_totals` and the product codes the policies shown name (sorted)."""
    scan = _mostly_this_month(session, query.month)
    counted_col = case((Policy.cancel_date.is_(None), 1), else_=0)
    cents = cast(func.round(_premium() * 100), Integer)
    stmt = (
        _joined(select(Policy.product_code, counted_col, func.count(), func.sum(cents)), query)
        .where(*_where(query, scan=scan, sqlite=session.connection().dialect.name == "sqlite"))
        .group_by(Policy.product_code, counted_col)
    )
    count = counted = 0
    premium = std_premium = counted_std = ZERO
    codes: set[str] = set()
    for code, is_counted, n, cents_sum in session.connection().execute(stmt):
        codes.add(code)
        amount = Decimal(int(cents_sum or 0)).scaleb(-2)
        count += n
        premium += amount
        product = products.get(code)
        std = amount * product.factor if product is not None else None
        if std is not None:
            std_premium += std
        if is_counted:
            counted += n
            if std is not None:
                counted_std += std
    return SalesTotals(count, counted, premium, std_premium, counted_std), sorted(codes)


def month_policy_count(session: Session, month: str) -> int:
    """How many policies are signed in ``month``, filtered out or not."""
    first, last = month_bounds(month)
    stmt = select(func.count()).select_from(Policy).where(Policy.sign_date >= first, Policy.sign_date <= last)
    return int(session.connection().execute(stmt).scalar_one())


def month_product_codes(session: Session, month: str) -> list[str]:
    """The product codes the month's policies name, sorted."""
    stmt = (
        select(Policy.product_code)
        .where(*_where(PolicyQuery(month), scan=_mostly_this_month(session, month)))
        .distinct()
        .order_by(Policy.product_code)
    )
    return list(session.connection().execute(stmt).scalars())


def policy_id(session: Session, policy_no: str) -> int | None:
    return session.connection().execute(select(Policy.id).where(Policy.policy_no == policy_no)).scalar()


def month_locked(session: Session, month: str) -> bool:
    return month in locked_months(session)


def policy_views(
    session: Session, ids: Iterable[int], products: Mapping[str, ProductView], locked: bool
) -> dict[int, PolicyView]:
    """The views of the policies ``ids`` (all signed in one month, whose plan's products and lock
    are given), by id. Read in chunks well under any driver's variable limit."""
    wanted = list(ids)
    out: dict[int, PolicyView] = {}
    days: dict[str, date] = {}

    def day(text: str) -> date:
        known = days.get(text)
        if known is None:
            known = days[text] = date.fromisoformat(text)
        return known

    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        stmt = _view_select().where(Policy.id.in_(chunk))
        for (
            pid,
            policy_no,
            code,
            name,
            product_code,
            premium_text,
            level,
            new,
            sign_text,
            cancel_text,
            paid_text,
            paid_month,
            clawed,
            version,
        ) in session.connection().execute(stmt):
            premium = Decimal(premium_text)
            product = products.get(product_code)
            out[pid] = PolicyView(
                pid,
                policy_no,
                code or "",
                name or "",
                product_code,
                product.name if product else "",
                product.factor if product else None,
                premium,
                premium * product.factor if product else None,
                level,
                new,
                day(sign_text),
                None if cancel_text is None else day(cancel_text),
                None if paid_text is None else Decimal(paid_text),
                paid_month,
                clawed,
                locked,
                version,
            )
    return out


def sample_ids(ids: Sequence[int], size: int) -> list[int]:
    """Up to ``size`` ids spread over ``ids``: what column widths are measured on."""
    return list(ids[:: max(1, len(ids) // size)]) if ids else []
