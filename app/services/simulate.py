"""试算 (what-if, docs/pay-rules.md §12): months computed under draft plans, nothing written.

Each month is computed exactly as :func:`~app.services.payroll.calculate_month` computes it —
:func:`~app.services.payroll.gather_facts` then :func:`~app.engine.compute.compute_month` — but
with a draft plan, and compared per agent and per line with the month's stored result (or, for a
month with none, with the plan in force computed on the same facts). Nothing is stored: the
session is only read.

A locked month is computed from its records as they stood when it was locked: the policies it
counted (those whose commission it paid, ``paid_month``) count again even if cancelled since, and
the clawbacks it took (``clawed_month``) are taken again. Otherwise what locking recorded would show
as a difference that no plan made.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.engine.compute import compute_month
from app.engine.facts import ClawbackFact, MonthFacts, PayLine
from app.money import ZERO
from app.plan.model import Plan
from app.plan.toml_io import PlanError, load_plan
from app.services.errors import ServiceError
from app.services.months import month_of, month_status
from app.services.payroll import gather_facts, show_month
from app.text import Text
from db.models import Policy

MAX_DRAFTS = 3
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
class PlanOutcome:
    """One draft plan over one month: every agent, the totals, who gains and who loses."""

    name: str
    agents: tuple[AgentDelta, ...]  # ordered by code

    @property
    def net(self) -> Decimal:
        return sum((a.net for a in self.agents), ZERO)

    @property
    def baseline_net(self) -> Decimal:
        return sum((a.baseline_net for a in self.agents), ZERO)

    @property
    def delta(self) -> Decimal:
        return self.net - self.baseline_net

    @property
    def gross(self) -> Decimal:
        return sum((a.gross for a in self.agents), ZERO)

    @property
    def deductions(self) -> Decimal:
        return sum((a.deductions for a in self.agents), ZERO)

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
    or ``"plan"`` (the plan in force computed now: the month has no result). ``stale`` counts the
    agents whose stored result differs from what the plan in force gives on the same records (the
    records changed since the month was calculated): their difference includes that change too."""

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


def load_draft(path: Path) -> Plan:
    """A draft plan from a TOML file, validated as a plan import is; a refusal names the file."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise ServiceError(f"无法读取方案文件 {path}：{reason}", f"cannot read the plan file {path}: {reason}") from exc
    try:
        return load_plan(text, source=path.name)
    except PlanError as exc:
        zh, en = exc.messages("zh"), exc.messages("en")
        more_zh = f"（另有 {len(zh) - 3} 个问题）" if len(zh) > 3 else ""
        more_en = f" (and {len(en) - 3} more)" if len(en) > 3 else ""
        raise ServiceError(
            f"方案文件 {path} 有 {len(zh)} 个问题：{'；'.join(zh[:3])}{more_zh}",
            f"the plan file {path} has {len(en)} problem(s): {'; '.join(en[:3])}{more_en}",
        ) from exc


def _pay_lines(lines: Iterable[PayLine]) -> dict[str, tuple[Text, Decimal]]:
    out: dict[str, tuple[Text, Decimal]] = {}
    for line in lines:
        label, amount = out.get(line.code, (Text(line.label, line.label_en), ZERO))
        out[line.code] = (label, amount + line.amount)
    return out


@dataclass(frozen=True)
class _Pay:
    """What the comparison needs of an agent's pay, stored or computed."""

    name: str
    net: Decimal
    gross: Decimal
    deductions: Decimal
    lines: dict[str, tuple[Text, Decimal]]


def _compare(name: str, draft: dict[str, _Pay], baseline: dict[str, _Pay]) -> PlanOutcome:
    agents = []
    for code in sorted(set(draft) | set(baseline)):
        new, old = draft.get(code), baseline.get(code)
        new_lines = new.lines if new else {}
        old_lines = old.lines if old else {}
        lines = tuple(
            LineDelta(c, (new_lines.get(c) or old_lines[c])[0],
                      new_lines.get(c, (None, ZERO))[1], old_lines.get(c, (None, ZERO))[1])
            for c in [*new_lines, *(c for c in old_lines if c not in new_lines)]
        )
        who = new or old
        assert who is not None
        agents.append(AgentDelta(
            code=code, name=who.name, net=new.net if new else ZERO, baseline_net=old.net if old else ZERO,
            gross=new.gross if new else ZERO, deductions=new.deductions if new else ZERO, lines=lines,
        ))
    return PlanOutcome(name, tuple(agents))


def _as_locked(session: Session, month: str, facts: MonthFacts, ids: dict[str, int]) -> MonthFacts:
    """A locked month's facts as they stood when it was locked (see the module's docstring)."""
    conn = session.connection()
    paid = {no for (no,) in conn.execute(select(Policy.policy_no).where(Policy.paid_month == month))}
    codes = {v: k for k, v in ids.items()}
    clawed: dict[str, list[ClawbackFact]] = defaultdict(list)
    for agent_id, no, signed, amount in conn.execute(
        select(Policy.agent_id, Policy.policy_no, Policy.sign_date, Policy.paid_amount)
        .where(Policy.clawed_month == month).order_by(Policy.sign_date, Policy.policy_no)
    ):
        if agent_id in codes:
            clawed[codes[agent_id]].append(ClawbackFact(no, month_of(signed), amount or ZERO))
    agents = tuple(
        replace(
            a,
            policies=tuple(p._replace(cancel_date=None) if p.cancel_date is not None and p.policy_no in paid else p
                           for p in a.policies),
            clawbacks=tuple(clawed.get(a.code, ())),
        )
        for a in facts.agents
    )
    return replace(facts, agents=agents)


def _month(session: Session, month: str, drafts: Sequence[Plan]) -> MonthSimulation:
    status = month_status(session, month)
    version, in_force, facts, ids = gather_facts(session, month)
    if status == "locked":
        facts = _as_locked(session, month, facts, ids)

    def pays(plan: Plan, month_facts: MonthFacts) -> dict[str, _Pay]:
        return {a.code: _Pay(a.name, a.net, a.gross, a.deductions, _pay_lines(a.lines))
                for a in compute_month(plan, month_facts).agents}

    computed = pays(in_force, facts)
    stale = 0
    if status in ("calculated", "locked"):
        baseline = {a.code: _Pay(a.name, a.net, a.gross, a.deductions, _pay_lines(a.lines))
                    for a in show_month(session, month).agents}
        stale = sum(1 for code in set(computed) | set(baseline) if computed.get(code) != baseline.get(code))
    else:
        baseline = computed
    outcomes = []
    for draft in drafts:
        draft_facts = facts
        if draft.pay.calendar != in_force.pay.calendar:  # the only thing gathering takes from the plan
            _v, _p, draft_facts, _ids = gather_facts(session, month, draft)
            if status == "locked":
                draft_facts = _as_locked(session, month, draft_facts, ids)
        outcomes.append(_compare(draft.name, pays(draft, draft_facts), baseline))
    return MonthSimulation(
        month=month, status=status, baseline="stored" if status in ("calculated", "locked") else "plan",
        plan_in_force=version.name, stale=stale, plans=tuple(outcomes),
    )


def simulate(session: Session, months: Sequence[str], drafts: Sequence[Plan]) -> Simulation:
    """``months`` (each once, in order) under each of ``drafts`` (one to three). Writes nothing."""
    if not 1 <= len(drafts) <= MAX_DRAFTS:
        raise ServiceError(f"试算需要 1 至 {MAX_DRAFTS} 个方案草稿（现有 {len(drafts)} 个）。",
                           f"a what-if takes 1 to {MAX_DRAFTS} draft plans ({len(drafts)} given).")
    chosen = sorted(set(months))
    if not chosen:
        raise ServiceError("请至少选择一个月份。", "choose at least one month.")
    return Simulation(tuple(_month(session, m, drafts) for m in chosen))
