"""趋势 (history): the branch over a range of months, from the stored results only.

Nothing is computed again: pay cost by component (the summary columns of app/summary_columns.py,
so the figures match the payroll table and the workbook), headcount, average net, average QA score
and KPI score, complaints and praise come from each month's stored result (its lines and the
facts stored with it). Per agent: net and K month by month, and a flag when the agent's K was
below the branch's average K three months running (连续三个月绩效评分低于平均水平,
docs/pay-rules.md §12).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.calendar import previous_month
from app.engine.facts import PayLine
from app.money import ZERO, round2
from app.summary_columns import summary_amounts
from app.trends import COMPONENTS, AgentSeries, History, MonthPoint, MonthTotals
from db.models import MonthStatus, PayrollLine, PayrollResult

DEFAULT_MONTHS = 12


def months_with_results(session: Session) -> list[str]:
    """Every month with a stored result (calculated or locked), in order."""
    return list(session.scalars(select(MonthStatus.month)
                                .where(MonthStatus.status.in_(("calculated", "locked"))).order_by(MonthStatus.month)))


def _avg(values: Sequence[Decimal]) -> Decimal | None:
    return round2(sum(values, ZERO) / len(values)) if values else None


def _dec(value: object) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def history(session: Session, first: str | None = None, last: str | None = None) -> History:
    """The months with results from ``first`` to ``last`` (both included); without ``first``, the
    last :data:`DEFAULT_MONTHS` of them up to ``last`` (or up to the latest)."""
    months = [m for m in months_with_results(session) if (first is None or m >= first) and (last is None or m <= last)]
    if first is None:
        months = months[-DEFAULT_MONTHS:]
    if not months:
        return History((), (), ())
    conn = session.connection()
    lines: dict[int, list[PayLine]] = defaultdict(list)
    for rid, code, amount in conn.execute(
        select(PayrollLine.result_id, PayrollLine.code, PayrollLine.amount)
        .join(PayrollResult, PayrollResult.id == PayrollLine.result_id)
        .where(PayrollResult.month.in_(months))
    ):
        lines[rid].append(PayLine(code, amount, "", "", ""))
    facts = func.json_extract
    rows = conn.execute(
        select(PayrollResult.id, PayrollResult.month, PayrollResult.agent_code, PayrollResult.agent_name,
               PayrollResult.net, facts(PayrollResult.facts_json, "$.qa_avg"),
               facts(PayrollResult.facts_json, "$.kpi_score"), facts(PayrollResult.facts_json, "$.kpi_measured"),
               facts(PayrollResult.facts_json, "$.complaints_upheld"),
               facts(PayrollResult.facts_json, "$.praise_count"))
        .where(PayrollResult.month.in_(months)).order_by(PayrollResult.month, PayrollResult.agent_code)
    ).all()
    per_month: dict[str, list[Any]] = defaultdict(list)  # Core rows: (id, month, code, name, net, facts…)
    for row in rows:
        per_month[row[1]].append(row)
    names: dict[str, str] = {}
    net_of: dict[tuple[str, str], Decimal] = {}
    kpi_of: dict[tuple[str, str], Decimal] = {}
    points = []
    for month in months:
        cost = {key: ZERO for key in COMPONENTS}
        nets: list[Decimal] = []
        qa: list[Decimal] = []
        kpi: list[Decimal] = []
        complaints = praise = 0
        for rid, _m, code, name, net, qa_avg, k, measured, upheld, praised in per_month[month]:
            amounts = summary_amounts(lines.get(rid, ()))
            for key in COMPONENTS:
                cost[key] += -amounts[key] if key == "penalties" else amounts[key]
            agent_net = Decimal(str(net))
            nets.append(agent_net)
            names[str(code)] = str(name)
            net_of[(str(code), month)] = agent_net
            if qa_avg is not None:
                qa.append(Decimal(str(qa_avg)))
            k_value = _dec(k)
            if k_value is not None and measured in (1, True, "true", None):
                kpi.append(k_value)
                kpi_of[(str(code), month)] = k_value
            complaints += int(str(upheld or 0))
            praise += int(str(praised or 0))
        total = sum(nets, ZERO)
        points.append(MonthPoint(
            month=month, headcount=len(nets), cost=cost, net=total, avg_net=_avg(nets) or ZERO,
            avg_qa=_avg(qa), avg_kpi=_avg(kpi), complaints=complaints, praise=praise,
        ))
    averages = {p.month: p.avg_kpi for p in points}
    agents = []
    for code in sorted(names):
        run: list[str] = []
        longest: list[str] = []
        for month in months:
            k_value, avg = kpi_of.get((code, month)), averages[month]
            if k_value is not None and avg is not None and k_value < avg:
                run.append(month)
                if len(run) > len(longest):
                    longest = list(run)
            else:
                run = []
        agents.append(AgentSeries(
            code=code, name=names[code],
            net=tuple(net_of.get((code, m)) for m in months), kpi=tuple(kpi_of.get((code, m)) for m in months),
            below_months=tuple(longest),
        ))
    return History(tuple(months), tuple(points), tuple(agents))


def previous_totals(session: Session, month: str) -> MonthTotals | None:
    """The stored totals of the month before ``month`` (环比), or None when it has no result."""
    before = previous_month(month)
    rows = session.execute(select(PayrollResult.gross, PayrollResult.deductions, PayrollResult.net)
                           .where(PayrollResult.month == before)).all()
    status = session.scalar(select(MonthStatus.status).where(MonthStatus.month == before))
    if status not in ("calculated", "locked"):
        return None
    return MonthTotals(before, len(rows), sum((r[0] for r in rows), ZERO), sum((r[1] for r in rows), ZERO),
                       sum((r[2] for r in rows), ZERO))
