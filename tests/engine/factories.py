"""Small builders for engine tests: the worked example's plan and October 2026's workdays."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any

from app.engine.facts import AgentMonth, AgentPay, MonthFacts, MonthPay, PolicyFact
from app.plan.model import Plan
from app.text import Text

from .example_data import example_plan, load_example

_DOC = load_example("worked_example_2026_10.toml")
PLAN: Plan = example_plan(_DOC)
MONTH = "2026-10"
WORKDAYS: tuple[date, ...] = tuple(_DOC["workdays"])


def agent(code: str = "X1", **kw: Any) -> AgentMonth:
    fields: dict[str, Any] = {
        "code": code,
        "name": code,
        "base_salary": Decimal("4000"),
        "hire_date": date(2024, 1, 1),
    }
    fields.update(kw)
    return AgentMonth(**fields)


def policy(
    no: str,
    premium: str,
    *,
    product: str = "L10",
    level: str = "",
    new: bool = False,
    sign: date = date(2026, 10, 12),
    cancel: date | None = None,
) -> PolicyFact:
    return PolicyFact(no, product, Decimal(premium), level, new, sign, cancel)


def month(
    *agents: AgentMonth, workdays: tuple[date, ...] = WORKDAYS, warning: Text | None = None
) -> MonthFacts:
    return MonthFacts(month=MONTH, workdays=workdays, agents=tuple(agents), calendar_warning=warning)


def plan(**sections: Any) -> Plan:
    """The example plan with whole sections replaced, e.g. ``plan(awards=replace(PLAN.awards, ...))``."""
    return replace(PLAN, **sections)


# With a single agent the monthly award always goes to them (n = max(1, …)); tests that compare
# all of one agent's lines use this plan so the award does not get in the way.
SOLO: Plan = replace(PLAN, awards=replace(PLAN.awards, top_share=Decimal(0)))


def lines(pay: AgentPay) -> dict[str, Decimal]:
    """The agent's pay by line code (several lines of one code add up)."""
    out: dict[str, Decimal] = {}
    for line in pay.lines:
        out[line.code] = out.get(line.code, Decimal(0)) + line.amount
    return out


def only(result: MonthPay) -> AgentPay:
    """The one agent of a one-agent month."""
    assert len(result.agents) == 1
    return result.agents[0]
