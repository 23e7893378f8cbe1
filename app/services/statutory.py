"""Statutory deductions (docs/pay-rules.md §9): the year so far, gathered for the engine, and the
figures stored with each result for the tax file.

For agent and month M of year Y the engine needs what happened earlier in Y: the opening
balance (import ``tax_opening``) and, for the months after it, the locked months' *recorded*
figures (their stored lines) and the imported deductions. Every earlier month of Y in which the
agent was in the payroll must be locked or covered by the opening balance; otherwise calculating
M is refused, naming the agents and months.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.calendar import month_bounds, month_str, parse_month
from app.engine.statutory_facts import (
    SPECIAL_KINDS,
    MonthDeductions,
    SIItemAmount,
    StatutoryFacts,
    StatutoryOutcome,
    TaxFigures,
    TaxPrior,
)
from app.money import ZERO
from app.plan.model import Plan
from app.reports.tax_year import TaxYearRow
from app.results import JsonValue
from app.services.errors import ServiceError
from db.models import Agent, MonthStatus, PayrollLine, PayrollResult, TaxDeduction, TaxOpening

STATUTORY_CODES = ("social_insurance", "housing_fund", "income_tax")
NOT_INCOME = frozenset((*STATUTORY_CODES, "carry_forward", "carry_to_next"))
SPECIAL_KEYS = tuple(k for k, _zh, _en in SPECIAL_KINDS)


class StatutoryRefusal(ServiceError):
    """The month cannot be computed with statutory deductions yet (docs/pay-rules.md §9.3 refusals)."""


@dataclass(frozen=True)
class _Recorded:
    """One locked month of one agent, as its stored lines say."""

    income: Decimal
    si_hf: Decimal  # positive
    withheld: Decimal  # positive


def _in_payroll(agent: Agent, month: str) -> bool:
    first, last = month_bounds(month)
    return agent.hire_date <= last and (agent.leave_date is None or agent.leave_date >= first)


def _recorded(session: Session, months: list[str], ids: set[int]) -> dict[tuple[int, str], _Recorded]:
    """The recorded figures of ``months`` (locked) per (agent id, month), from the stored lines."""
    if not months or not ids:
        return {}
    income: dict[tuple[int, str], Decimal] = defaultdict(lambda: ZERO)
    si_hf: dict[tuple[int, str], Decimal] = defaultdict(lambda: ZERO)
    withheld: dict[tuple[int, str], Decimal] = defaultdict(lambda: ZERO)
    keys: set[tuple[int, str]] = set()
    results = session.execute(
        select(PayrollResult.id, PayrollResult.agent_id, PayrollResult.month).where(PayrollResult.month.in_(months))
    ).all()
    by_result = {rid: (agent_id, month) for rid, agent_id, month in results if agent_id in ids}
    keys.update(by_result.values())
    if by_result:
        conn = session.connection()
        rows = conn.execute(
            select(PayrollLine.result_id, PayrollLine.code, PayrollLine.amount).where(
                PayrollLine.result_id.in_(select(PayrollResult.id).where(PayrollResult.month.in_(months)))
            )
        ).all()
        for rid, code, amount in rows:
            key = by_result.get(rid)
            if key is None:
                continue
            amount = Decimal(amount)
            if code in ("social_insurance", "housing_fund"):
                si_hf[key] -= amount
            elif code == "income_tax":
                withheld[key] -= amount
            elif code not in NOT_INCOME:
                income[key] += amount
    return {k: _Recorded(income[k], si_hf[k], withheld[k]) for k in keys}


def _deductions(row: TaxDeduction) -> MonthDeductions:
    return MonthDeductions(special={k: getattr(row, k) for k in SPECIAL_KEYS}, other=row.other)


def _refusal(missing: Mapping[str, list[str]], no_id: list[str], late_opening: list[str]) -> StatutoryRefusal | None:
    if missing:
        listed = "；".join(f"{code}（{'、'.join(months)}）" for code, months in sorted(missing.items()))
        listed_en = "; ".join(f"{code} ({', '.join(months)})" for code, months in sorted(missing.items()))
        return StatutoryRefusal(
            f"不能按累计预扣法计算个税：以下人员本年度较早的月份既未锁定，也不在期初累计数据之内：{listed}。"
            "请导入这些人员的期初累计数据（tax_opening），或先计算并锁定这些月份。",
            f"income tax cannot be withheld by the cumulative method: these agents have earlier months of the "
            f"year that are neither locked nor covered by an opening balance: {listed_en}. Import their "
            "opening balances (tax_opening), or calculate and lock those months first.",
        )
    if late_opening:
        listed = "、".join(late_opening)
        return StatutoryRefusal(
            f"期初累计数据的截至月份不早于本月：{listed}。请改正期初数据（截至月份须在本月之前）。",
            f"the opening balance runs through this month or later: {', '.join(late_opening)}. Correct the "
            "opening balance (its through month must come before this month).",
        )
    if no_id:
        listed = "、".join(no_id)
        return StatutoryRefusal(
            f"以下人员需代扣社保个税但没有身份证号：{listed}。请在人员资料中填写身份证号，"
            "或把“代扣社保个税”设为否。",
            f"these agents are covered by statutory deductions but have no ID number: {', '.join(no_id)}. "
            "Enter their ID numbers, or set statutory to no.",
        )
    return None


def gather_statutory(session: Session, month: str, plan: Plan, agents: Iterable[Agent]) -> dict[int, StatutoryFacts]:
    """Each agent's :class:`StatutoryFacts` for ``month`` by agent id; empty without a [statutory] section.

    Raises :class:`ServiceError` when an earlier month of the year is neither locked nor covered,
    when an opening balance runs through ``month`` or later, or when a covered agent has no ID number.
    """
    cfg = plan.statutory
    if cfg is None:
        return {}
    agents = [a for a in agents if _in_payroll(a, month)]
    year, number = parse_month(month)
    earlier = [month_str(year, m) for m in range(1, number)]
    ids = {a.id for a in agents}
    locked = set(session.scalars(select(MonthStatus.month).where(MonthStatus.status == "locked",
                                                                  MonthStatus.month.in_(earlier))))
    openings = {o.agent_id: o for o in session.scalars(select(TaxOpening).where(TaxOpening.year == year))
                if o.agent_id in ids}
    deductions: dict[tuple[int, str], TaxDeduction] = {
        (d.agent_id, d.month): d
        for d in session.scalars(select(TaxDeduction).where(TaxDeduction.month >= f"{year}-01",
                                                             TaxDeduction.month <= month))
        if d.agent_id in ids
    }
    recorded = _recorded(session, sorted(locked), ids)
    missing: dict[str, list[str]] = {}
    no_id: list[str] = []
    late_opening: list[str] = []
    out: dict[int, StatutoryFacts] = {}
    for agent in agents:
        covered = bool(agent.statutory)
        si_base = agent.si_base if agent.si_base is not None else agent.base_salary
        hf_base = agent.hf_base if agent.hf_base is not None else si_base
        if covered and not agent.id_number:
            no_id.append(agent.code)
        opening = openings.get(agent.id)
        through = opening.through_month if opening is not None else 0
        if opening is not None and through >= number and covered and cfg.income_tax:
            late_opening.append(f"{agent.code}（{year}-{through:02d}）")
        months = opening.months if opening is not None else 0
        income = opening.income if opening is not None else ZERO
        si_hf = opening.si_hf if opening is not None else ZERO
        special = opening.special if opening is not None else ZERO
        other = opening.other if opening is not None else ZERO
        withheld = opening.tax_withheld if opening is not None else ZERO
        by_kind: dict[str, Decimal] = {}
        for m in earlier[through:]:
            row = deductions.get((agent.id, m))
            if row is not None:
                special += sum((getattr(row, k) for k in SPECIAL_KEYS), ZERO)
                other += row.other
                for k in SPECIAL_KEYS:
                    by_kind[k] = by_kind.get(k, ZERO) + getattr(row, k)
            if not _in_payroll(agent, m):
                continue
            if m not in locked:
                if covered and cfg.income_tax:
                    missing.setdefault(agent.code, []).append(m)
                continue
            rec = recorded.get((agent.id, m))
            if rec is None:
                continue
            months += 1
            income += rec.income
            si_hf += rec.si_hf
            withheld += rec.withheld
        this = deductions.get((agent.id, month))
        out[agent.id] = StatutoryFacts(
            covered=covered,
            si_base=si_base,
            hf_base=hf_base,
            prior=TaxPrior(months=months, income=income, si_hf=si_hf, special=special, other=other,
                           withheld=withheld, special_by_kind=by_kind),
            deductions=_deductions(this) if this is not None else MonthDeductions(),
        )
    refusal = _refusal(missing, no_id, late_opening)
    if refusal is not None:
        raise refusal
    return out


# --- the figures stored with a result (facts_json["statutory"]) ------------------------------


def outcome_to_json(outcome: StatutoryOutcome) -> dict[str, JsonValue]:
    tax = outcome.tax
    return {
        "income": str(outcome.income),
        "si_items": [[i.code, i.name, str(i.amount)] for i in outcome.si_items],
        "housing_fund": str(outcome.housing_fund),
        "special": {k: str(v) for k, v in outcome.deductions.special.items()},
        "other": str(outcome.deductions.other),
        "tax": None if tax is None else {
            "months": tax.months, "income": str(tax.income), "basic": str(tax.basic), "si_hf": str(tax.si_hf),
            "special": str(tax.special), "other": str(tax.other), "taxable": str(tax.taxable),
            "rate": str(tax.rate), "quick": str(tax.quick), "cum_tax": str(tax.cum_tax),
            "withheld": str(tax.withheld), "tax": str(tax.tax),
            "special_by_kind": {k: str(v) for k, v in tax.special_by_kind.items()},
        },
    }


def _d(value: object) -> Decimal:
    return Decimal(str(value)) if value not in (None, "") else ZERO


def outcome_from_json(data: Mapping[str, object]) -> StatutoryOutcome:
    items_raw = data.get("si_items")
    items = tuple(SIItemAmount(str(c), str(n), _d(a)) for c, n, a in items_raw) if isinstance(items_raw, list) else ()
    special_raw = data.get("special")
    special = {str(k): _d(v) for k, v in special_raw.items()} if isinstance(special_raw, dict) else {}
    tax_raw = data.get("tax")
    tax = None
    if isinstance(tax_raw, dict):
        kinds = tax_raw.get("special_by_kind")
        tax = TaxFigures(
            months=int(str(tax_raw.get("months") or 0)), income=_d(tax_raw.get("income")),
            basic=_d(tax_raw.get("basic")), si_hf=_d(tax_raw.get("si_hf")), special=_d(tax_raw.get("special")),
            other=_d(tax_raw.get("other")), taxable=_d(tax_raw.get("taxable")), rate=_d(tax_raw.get("rate")),
            quick=_d(tax_raw.get("quick")), cum_tax=_d(tax_raw.get("cum_tax")),
            withheld=_d(tax_raw.get("withheld")), tax=_d(tax_raw.get("tax")),
            special_by_kind={str(k): _d(v) for k, v in kinds.items()} if isinstance(kinds, dict) else {},
        )
    return StatutoryOutcome(
        income=_d(data.get("income")), si_items=items, housing_fund=_d(data.get("housing_fund")),
        deductions=MonthDeductions(special=special, other=_d(data.get("other"))), tax=tax,
    )


# --- the year view ---------------------------------------------------------------------------


def tax_year_rows(session: Session, month: str) -> tuple[TaxYearRow, ...]:
    """Per agent (by code) and month of ``month``'s year up to ``month``: the cumulative tax figures
    stored with each calculated or locked month. Empty when no month of the year had statutory lines."""
    year, number = parse_month(month)
    months = [month_str(year, m) for m in range(1, number + 1)]
    rows: list[TaxYearRow] = []
    for result in session.scalars(select(PayrollResult).where(PayrollResult.month.in_(months))
                                  .order_by(PayrollResult.agent_code, PayrollResult.month)):
        if '"statutory"' not in (result.facts_json or ""):
            continue
        stored = json.loads(result.facts_json).get("statutory")
        if not isinstance(stored, dict):
            continue
        outcome = outcome_from_json(stored)
        t = outcome.tax
        if t is None:
            continue
        rows.append(TaxYearRow(
            code=result.agent_code, name=result.agent_name, month=result.month, income=outcome.income,
            si_hf=outcome.social_insurance + outcome.housing_fund, cum_income=t.income, months=t.months,
            basic=t.basic, cum_si_hf=t.si_hf, cum_special=t.special, cum_other=t.other, taxable=t.taxable,
            cum_tax=t.cum_tax, withheld=t.withheld, tax=t.tax,
        ))
    return tuple(rows)
