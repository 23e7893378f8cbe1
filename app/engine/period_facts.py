"""What the period rewards of docs/pay-rules.md §8 need beyond the month itself.

The services gather these from the database (target values, policies and metric values of the
period's earlier months, the stored K of its earlier, locked months); the engine only reads them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import NamedTuple


@dataclass(frozen=True)
class TargetFact:
    """An agent's imported value for a plan target and period (``2026-Q4``); ``bonus`` None: the plan's."""

    target: str
    period: str
    value: Decimal
    bonus: Decimal | None = None


class PeriodPolicy(NamedTuple):
    """A policy of an earlier month of the period: what a target's measure reads of it (the fields of
    :class:`~app.engine.facts.PolicyFact` of the same names). A named tuple: a year holds many."""

    product_code: str
    premium: Decimal
    sign_date: date
    cancel_date: date | None = None


@dataclass(frozen=True)
class EarlierMonth:
    """A month of the period before this one in which the agent was in the payroll, as stored when locked."""

    month: str
    score: Decimal  # K
    penalized: bool  # an upheld complaint or a fatal QA error that month


@dataclass(frozen=True)
class AgentPeriodFacts:
    """One agent's figures of the period's earlier months (this month's come from ``AgentMonth``)."""

    targets: tuple[TargetFact, ...] = ()
    policies: tuple[PeriodPolicy, ...] = ()  # signed in the earlier months of a period paying now
    metrics: tuple[tuple[str, str, Decimal], ...] = ()  # (month, metric code, value), earlier months
    earlier: tuple[EarlierMonth, ...] = ()


NO_PERIOD_FACTS = AgentPeriodFacts()


@dataclass(frozen=True)
class PeriodFacts:
    """Per agent code; an agent missing here has no target values and no earlier months."""

    agents: Mapping[str, AgentPeriodFacts] = field(default_factory=dict)

    def of(self, code: str) -> AgentPeriodFacts:
        return self.agents.get(code, NO_PERIOD_FACTS)
