"""A month's payroll result as the rest of the app reads it: typed records, not JSON-shaped dicts.

:func:`~app.services.payroll.show_month` returns a :class:`MonthResult` built from the stored
snapshot; a fresh computation is turned into the same type, so the payroll page, the payslip,
the workbook and the command line all read one shape that mypy checks. Only the command line
turns it into JSON (``docs/formats.md``); the stored facts use the same JSON form.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from decimal import Decimal, InvalidOperation
from typing import Protocol

from app.engine.facts import AgentFacts, AgentPay, PayLine
from app.money import ZERO
from app.text import Text

JsonScalar = str | int | bool | None
JsonValue = JsonScalar | dict[str, "JsonValue"] | list["JsonValue"]


class _Pay(Protocol):
    @property
    def gross(self) -> Decimal: ...

    @property
    def deductions(self) -> Decimal: ...

    @property
    def net(self) -> Decimal: ...


class PayTotals:
    """应发, 扣款 and 实发 added up over ``agents``: mixed into the records that hold a list of agents
    (a month's result here, a what-if's outcome in :mod:`app.simulation`)."""

    agents: Sequence[_Pay]

    @property
    def gross(self) -> Decimal:
        return sum((a.gross for a in self.agents), ZERO)

    @property
    def deductions(self) -> Decimal:
        return sum((a.deductions for a in self.agents), ZERO)

    @property
    def net(self) -> Decimal:
        return sum((a.net for a in self.agents), ZERO)


@dataclass(frozen=True)
class AgentResult:
    """One agent of a month's result: the pay lines in order, the totals, the facts and the warnings."""

    code: str
    name: str
    team: str
    lines: tuple[PayLine, ...]
    gross: Decimal
    deductions: Decimal
    net: Decimal
    facts: AgentFacts
    warnings: tuple[Text, ...] = ()

    def amount_of(self, code: str) -> Decimal:
        """The sum of the agent's lines with ``code`` (several adjustment lines add up); 0 when none."""
        return sum((line.amount for line in self.lines if line.code == code), ZERO)


@dataclass(frozen=True)
class MonthResult(PayTotals):
    """A month's stored (or freshly computed) result, agents ordered by code; its totals from
    :class:`PayTotals`."""

    month: str
    status: str  # calculated | locked
    plan_name: str
    plan_effective_from: str
    agents: tuple[AgentResult, ...]
    warnings: tuple[Text, ...] = ()  # month-wide

    def agent(self, code: str) -> AgentResult | None:
        return next((a for a in self.agents if a.code == code), None)


def agent_result(pay: AgentPay, team: str) -> AgentResult:
    """A freshly computed agent in the shape of a stored one."""
    return AgentResult(
        code=pay.code,
        name=pay.name,
        team=team,
        lines=pay.lines,
        gross=pay.gross,
        deductions=pay.deductions,
        net=pay.net,
        facts=pay.facts,
        warnings=pay.warnings,
    )


# --- the facts as JSON (stored with each result, and printed by `payroll show --json`) ---------


def _json(value: object) -> JsonValue:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {str(k): _json(v) for k, v in value.items()}
    if isinstance(value, str | int | bool) or value is None:
        return value
    raise TypeError(f"a fact of type {type(value).__name__} has no JSON form")


# Schema-2 facts (docs/pay-rules.md §7) written only when set, so a schema-1 month's JSON is as before.
_OPTIONAL_FACTS = frozenset({"scope", "scope_name", "indicator_details", "indicator_details_en", "target_details",
                             "target_details_en"})


def facts_to_json(facts: AgentFacts) -> dict[str, JsonValue]:
    """Field by field in declaration order; Decimals as their exact text (``"91.50"``)."""
    return {
        f.name: _json(getattr(facts, f.name))
        for f in fields(AgentFacts)
        if f.name not in _OPTIONAL_FACTS or getattr(facts, f.name)
    }


def _texts(value: object) -> dict[str, str]:
    return {str(k): str(v) for k, v in value.items()} if isinstance(value, Mapping) else {}


def _dec(value: object, default: Decimal | None = ZERO) -> Decimal | None:
    if value is None or value == "":
        return default
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return default


def _decimals(value: object) -> dict[str, Decimal]:
    if not isinstance(value, Mapping):
        return {}
    out: dict[str, Decimal] = {}
    for key, item in value.items():
        parsed = _dec(item, None)
        if parsed is not None:
            out[str(key)] = parsed
    return out


def _int(value: object) -> int:
    try:
        return int(str(value)) if value not in (None, "") else 0
    except ValueError:
        return 0


def facts_from_json(data: Mapping[str, object]) -> AgentFacts:
    """The facts stored with a result; a figure missing from an older snapshot reads as 0 / none
    (``kpi_measured``: whether any indicator was scored)."""
    workdays = _int(data.get("workdays"))
    grade = data.get("qa_grade")
    indicator_scores = _decimals(data.get("indicator_scores"))
    measured = data.get("kpi_measured")
    return AgentFacts(
        workdays=workdays,
        employed_workdays=_int(data.get("employed_workdays", workdays)),
        daily_rate=_dec(data.get("daily_rate")) or ZERO,
        standard_premium=_dec(data.get("standard_premium")) or ZERO,
        tier_commission=_dec(data.get("tier_commission")) or ZERO,
        level_bonus=_dec(data.get("level_bonus")) or ZERO,
        policies_counted=_int(data.get("policies_counted")),
        new_customers=_int(data.get("new_customers")),
        qa_count=_int(data.get("qa_count")),
        qa_avg=_dec(data.get("qa_avg"), None),
        qa_grade=str(grade) if grade not in (None, "") else None,
        qa_coefficient=_dec(data.get("qa_coefficient")) or ZERO,
        qa_fatal_count=_int(data.get("qa_fatal_count")),
        kpi_score=_dec(data.get("kpi_score")) or ZERO,
        indicator_scores=indicator_scores,
        indicator_values=_decimals(data.get("indicator_values")),
        leave_days=_decimals(data.get("leave_days")),
        leave_text=str(data.get("leave_text") or ""),
        leave_text_en=str(data.get("leave_text_en") or ""),
        absence_days=_dec(data.get("absence_days")) or ZERO,
        late_count=_int(data.get("late_count")),
        early_leave_count=_int(data.get("early_leave_count")),
        away_count=_int(data.get("away_count")),
        swap_count=_int(data.get("swap_count")),
        complaints_upheld=_int(data.get("complaints_upheld")),
        praise_count=_int(data.get("praise_count")),
        top_award=bool(data.get("top_award")),
        penalty_total=_dec(data.get("penalty_total")) or ZERO,
        penalty_allowance=_dec(data.get("penalty_allowance"), None),
        # an older snapshot has no kpi_measured: K was measured exactly when an indicator had a score
        kpi_measured=measured if isinstance(measured, bool) else bool(indicator_scores),
        scope=str(data["scope"]) if data.get("scope") not in (None, "") else None,
        scope_name=str(data.get("scope_name") or ""),
        indicator_details=_texts(data.get("indicator_details")),
        indicator_details_en=_texts(data.get("indicator_details_en")),
        target_details=_texts(data.get("target_details")),
        target_details_en=_texts(data.get("target_details_en")),
    )
