"""Scopes (分岗位方案, docs/pay-rules.md §7.3): which tables apply to which agent.

An agent belongs to the first scope, in file order, that lists its code, role or team; a
scope's ``commission``, ``quality`` and ``kpi`` tables replace the top-level ones, whole, for
its agents. ``relative`` indicators compare within a scope (the agents in no scope together
form one more group), and so does the monthly award when ``awards.within_scope`` is set.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal

from app.engine.facts import AgentMonth
from app.engine.kpi_kinds import relative_peaks, source_value
from app.engine.period import Period
from app.engine.quality import evaluate
from app.plan.model import Plan, Scope
from app.text import Text


def scoped_plan(plan: Plan, scope: Scope | None) -> Plan:
    """The plan as an agent of ``scope`` sees it: the scope's tables in place of the top-level ones."""
    if scope is None or (scope.commission is None and scope.quality is None and scope.kpi is None):
        return plan
    return replace(
        plan,
        commission=scope.commission if scope.commission is not None else plan.commission,
        quality=scope.quality if scope.quality is not None else plan.quality,
        kpi=scope.kpi if scope.kpi is not None else plan.kpi,
    )


@dataclass(frozen=True)
class ScopeMap:
    """The month's agents resolved to their scopes, the plan each one uses, and ``N1`` per group."""

    scope_of: dict[str, Scope | None]
    plans: dict[str, Plan]  # scope code ("" for none) -> plan as that scope sees it
    peaks: dict[str, dict[str, Decimal]]  # scope code ("" for none) -> indicator code -> N1
    warnings: tuple[Text, ...] = field(default_factory=tuple)

    def key(self, code: str) -> str:
        return _key(self.scope_of.get(code))

    def plan_for(self, code: str) -> Plan:
        return self.plans[self.key(code)]

    def peaks_for(self, code: str) -> dict[str, Decimal]:
        return self.peaks.get(self.key(code), {})


def _key(scope: Scope | None) -> str:
    return scope.code if scope is not None else ""


def resolve(plan: Plan, agents: Iterable[AgentMonth], period: Period) -> ScopeMap:
    """Resolve ``agents`` (the month's payroll) once; cheap when the plan has no scopes."""
    members = list(agents)
    scope_of = {a.code: plan.scope_for(a.code, a.role, a.team) for a in members}
    plans: dict[str, Plan] = {"": plan}
    for scope in plan.scopes:
        plans[scope.code] = scoped_plan(plan, scope)
    peaks: dict[str, dict[str, Decimal]] = {}
    for key, sub in plans.items():
        if not any(ind.kind == "relative" for ind in sub.kpi.indicators):
            continue
        group = [a for a in members if _key(scope_of[a.code]) == key]
        values: list[Mapping[str, Decimal | None]] = []
        for a in group:
            qa_avg = evaluate(sub.quality, a, period).avg
            values.append({ind.code: source_value(ind, a, qa_avg) for ind in sub.kpi.indicators})
        peaks[key] = relative_peaks(sub.kpi.indicators, values)
    used = {s.code for s in scope_of.values() if s is not None}
    warnings = tuple(
        Text(
            f"方案范围 {s.code}（{s.name}）本月没有匹配的人员：请检查其工号、岗位或班组",
            f"scope {s.code} ({s.name}) matches nobody in the month: check its agents, roles and teams",
        )
        for s in plan.scopes
        if s.code not in used
    )
    return ScopeMap(scope_of=scope_of, plans=plans, peaks=peaks, warnings=warnings)
