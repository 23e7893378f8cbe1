"""A what-if's result (试算, docs/pay-rules.md §12) as typed records: drafts against the stored pay.

Built by :func:`app.services.simulate.simulate`; read by the command line, the workbook
(:mod:`app.reports.simulation_xlsx`) and the plan page's 试算 window.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal

from app.money import ZERO
from app.results import PayTotals
from app.text import Text

LARGEST = 10  # how many of the largest changes a plan's outcome lists


@dataclass(frozen=True)
class LineDelta:
    """One line code of an agent's pay: the draft's amount, the baseline's, and the label."""

    code: str
    label: Text
    amount: Decimal
    baseline: Decimal

    @property
    def delta(self) -> Decimal:
        return self.amount - self.baseline


@dataclass(frozen=True)
class AgentDelta:
    """An agent's pay under the draft against the baseline, line by line (lines summed per code)."""

    code: str
    name: str
    net: Decimal
    baseline_net: Decimal
    gross: Decimal
    deductions: Decimal
    lines: tuple[LineDelta, ...]

    @property
    def delta(self) -> Decimal:
        return self.net - self.baseline_net


@dataclass(frozen=True)
class PlanOutcome(PayTotals):
    """One draft plan over one month: every agent, the totals (gross, deductions and net from
    :class:`~app.results.PayTotals`), who gains and who loses."""

    name: str
    agents: tuple[AgentDelta, ...]  # ordered by code

    @property
    def baseline_net(self) -> Decimal:
        return sum((a.baseline_net for a in self.agents), ZERO)

    @property
    def delta(self) -> Decimal:
        return self.net - self.baseline_net

    @property
    def gainers(self) -> int:
        return sum(1 for a in self.agents if a.delta > 0)

    @property
    def losers(self) -> int:
        return sum(1 for a in self.agents if a.delta < 0)

    @property
    def unchanged(self) -> int:
        return sum(1 for a in self.agents if a.delta == 0)

    def line_totals(self) -> tuple[LineDelta, ...]:
        """Each line code summed over the agents, in the order the codes first appear."""
        return _sum_lines(line for a in self.agents for line in a.lines)

    def largest(self, n: int = LARGEST) -> tuple[AgentDelta, ...]:
        """The ``n`` agents whose net changes most (either way), largest first; unchanged ones left out."""
        moved = [a for a in self.agents if a.delta != 0]
        return tuple(sorted(moved, key=lambda a: (-abs(a.delta), a.code))[:n])


@dataclass(frozen=True)
class MonthSimulation:
    """One month under each draft.

    ``baseline`` says what the drafts are compared with: ``"stored"`` (the month's stored result)
    or ``"plan"`` (the plan in force computed now: the month has no result). ``stale`` counts, in a
    calculated (not locked) month, the agents whose stored result differs from what the plan in
    force gives on the same records (the records changed since the month was calculated): their
    difference includes that change too. A locked month is final and is not recomputed for this."""

    month: str
    status: str  # open | calculated | locked
    baseline: str  # stored | plan
    plan_in_force: str
    stale: int
    plans: tuple[PlanOutcome, ...]


@dataclass(frozen=True)
class Simulation:
    months: tuple[MonthSimulation, ...]

    @property
    def plan_names(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.months[0].plans) if self.months else ()

    def totals(self) -> tuple[PlanOutcome, ...]:
        """Each draft over all the months: per agent, the months' figures added up."""
        if not self.months:
            return ()
        out = []
        for i, name in enumerate(self.plan_names):
            per_agent: dict[str, list[AgentDelta]] = defaultdict(list)
            for month in self.months:
                for agent in month.plans[i].agents:
                    per_agent[agent.code].append(agent)
            out.append(PlanOutcome(name, tuple(_add_agents(v) for _, v in sorted(per_agent.items()))))
        return tuple(out)


def _add_agents(agents: Sequence[AgentDelta]) -> AgentDelta:
    last = agents[-1]
    return AgentDelta(
        code=last.code, name=last.name,
        net=sum((a.net for a in agents), ZERO), baseline_net=sum((a.baseline_net for a in agents), ZERO),
        gross=sum((a.gross for a in agents), ZERO), deductions=sum((a.deductions for a in agents), ZERO),
        lines=_sum_lines(line for a in agents for line in a.lines),
    )


def _sum_lines(lines: Iterable[LineDelta]) -> tuple[LineDelta, ...]:
    out: dict[str, LineDelta] = {}
    for line in lines:
        old = out.get(line.code)
        out[line.code] = line if old is None else replace(
            old, amount=old.amount + line.amount, baseline=old.baseline + line.baseline)
    return tuple(out.values())


@dataclass(frozen=True)
class Histogram:
    """Per-agent changes counted in equal bins: ``edges`` has one more entry than each count row."""

    edges: tuple[Decimal, ...]
    counts: tuple[tuple[int, ...], ...]  # one row per plan, one count per bin


def histogram(changes: Sequence[Sequence[Decimal]], bins: int = 10) -> Histogram:
    """Bins shared by every plan's changes (so the bars stand side by side); a change equal to an
    inner edge falls in the bin above it, the largest in the last bin."""
    values = [v for row in changes for v in row]
    if not values:
        return Histogram((), tuple(() for _ in changes))
    low, high = min(values), max(values)
    if low == high:
        low, high = low - 1, high + 1
    width = (high - low) / bins
    edges = tuple(low + width * i for i in range(bins)) + (high,)
    counts = []
    for row in changes:
        bucket = [0] * bins
        for v in row:
            bucket[min(bins - 1, int((v - low) / width))] += 1
        counts.append(tuple(bucket))
    return Histogram(edges, tuple(counts))
