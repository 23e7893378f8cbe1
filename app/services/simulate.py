"""试算 (what-if, docs/pay-rules.md §12): months computed under draft plans, nothing written.

Each month is computed exactly as :func:`~app.services.payroll.calculate_month` computes it —
:func:`~app.services.payroll.gather_facts`, the period check and the period's figures
(:mod:`app.services.periods`), then :func:`~app.engine.compute.compute_month` — but with a draft plan, and compared per agent and per line with the month's stored result (or, for a
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

from app.calendar import month_bounds
from app.engine.compute import compute_month
from app.engine.facts import AgentMonth, ClawbackFact, MonthFacts, PayLine
from app.money import ZERO
from app.plan.model import Plan
from app.plan.toml_io import PlanError, load_plan
from app.services.errors import ServiceError
from app.services.months import month_of, month_status
from app.services.payroll import gather_facts
from app.services.periods import ensure_period_months_locked, gather_period_facts
from app.simulation import AgentDelta, LineDelta, MonthSimulation, PlanOutcome, Simulation
from app.text import Text
from db.models import PayrollLine, PayrollResult, Policy

MAX_DRAFTS = 3


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


Clawed = dict[str, list[tuple[int, ClawbackFact]]]  # month -> (agent id, clawback) in the order taken


def _clawed(session: Session, months: Sequence[str]) -> Clawed:
    """The clawbacks each of the locked ``months`` took: one pass over the policies for all of them."""
    out: Clawed = defaultdict(list)
    if months:
        for agent_id, no, signed, amount, month in session.connection().execute(
            select(Policy.agent_id, Policy.policy_no, Policy.sign_date, Policy.paid_amount, Policy.clawed_month)
            .where(Policy.clawed_month.in_(list(months))).order_by(Policy.sign_date, Policy.policy_no)
        ):
            out[str(month)].append((agent_id, ClawbackFact(no, month_of(signed), amount or ZERO)))
    return out


def _as_locked(session: Session, month: str, facts: MonthFacts, ids: dict[str, int], clawed_all: Clawed) -> MonthFacts:
    """A locked month's facts as they stood when it was locked (see the module's docstring)."""
    codes = {v: k for k, v in ids.items()}
    first, last = month_bounds(month)
    # Only the few policies paid by the month and cancelled since need changing. A month pays
    # policies signed in it: the sign date (indexed) keeps this from reading every policy.
    paid_then: dict[str, set[str]] = defaultdict(set)
    for agent_id, no in session.connection().execute(
        select(Policy.agent_id, Policy.policy_no).where(
            Policy.sign_date >= first, Policy.sign_date <= last, Policy.paid_month == month,
            Policy.cancel_date.is_not(None))
    ):
        if agent_id in codes:
            paid_then[codes[agent_id]].add(no)
    clawed: dict[str, list[ClawbackFact]] = defaultdict(list)
    for agent_id, fact in clawed_all.get(month, ()):
        if agent_id in codes:
            clawed[codes[agent_id]].append(fact)

    def as_locked(a: AgentMonth) -> AgentMonth:
        paid, taken = paid_then.get(a.code), tuple(clawed.get(a.code, ()))
        if not paid and taken == a.clawbacks:
            return a
        policies = a.policies if not paid else tuple(
            p._replace(cancel_date=None) if p.policy_no in paid else p for p in a.policies)
        return replace(a, policies=policies, clawbacks=taken)

    return replace(facts, agents=tuple(as_locked(a) for a in facts.agents))


def _stored(session: Session, month: str) -> dict[str, _Pay]:
    """The month's stored result as the comparison needs it (what ``show_month`` reads, less the facts)."""
    conn = session.connection()
    lines: dict[int, list[PayLine]] = defaultdict(list)
    for rid, code, amount, label, label_en in conn.execute(
        select(PayrollLine.result_id, PayrollLine.code, PayrollLine.amount, PayrollLine.label, PayrollLine.label_en)
        .join(PayrollResult, PayrollResult.id == PayrollLine.result_id)
        .where(PayrollResult.month == month).order_by(PayrollLine.result_id, PayrollLine.position)
    ):
        lines[rid].append(PayLine(code, amount, label, label_en, ""))
    return {
        code: _Pay(name, net, gross, deductions, _pay_lines(lines.get(rid, ())))
        for rid, code, name, net, gross, deductions in conn.execute(
            select(PayrollResult.id, PayrollResult.agent_code, PayrollResult.agent_name, PayrollResult.net,
                   PayrollResult.gross, PayrollResult.deductions).where(PayrollResult.month == month))
    }


def _month(session: Session, month: str, drafts: Sequence[Plan], clawed: Clawed) -> MonthSimulation:
    status = month_status(session, month)
    version, in_force, facts, ids = gather_facts(session, month)
    if status == "locked":
        facts = _as_locked(session, month, facts, ids, clawed)

    def pays(plan: Plan, month_facts: MonthFacts) -> dict[str, _Pay]:
        # calculate_month's steps after gathering: the period check, the period's figures, the engine
        ensure_period_months_locked(session, plan, month)
        periods = gather_period_facts(session, plan, month_facts, ids)
        return {a.code: _Pay(a.name, a.net, a.gross, a.deductions, _pay_lines(a.lines))
                for a in compute_month(plan, month_facts, periods).agents}

    stale = 0
    if status == "locked":  # final: compared with what it paid, no recomputation under the plan in force
        baseline = _stored(session, month)
    elif status == "calculated":
        baseline = _stored(session, month)
        computed = pays(in_force, facts)
        stale = sum(1 for code in set(computed) | set(baseline) if computed.get(code) != baseline.get(code))
    else:
        baseline = pays(in_force, facts)
    outcomes = []
    for draft in drafts:
        draft_facts = facts
        if draft.pay.calendar != in_force.pay.calendar:  # the only thing gathering takes from the plan
            _v, _p, draft_facts, _ids = gather_facts(session, month, draft)
            if status == "locked":
                draft_facts = _as_locked(session, month, draft_facts, ids, clawed)
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
    locked = [m for m in chosen if month_status(session, m) == "locked"]
    clawed = _clawed(session, locked)
    return Simulation(tuple(_month(session, m, drafts, clawed) for m in chosen))
