"""``branchpay simulate`` (docs/formats.md): draft plans over stored months, as JSON or a readable table.

Kept beside app/cli.py (which only adds the parser and calls :func:`run_simulate`), so the command's
output lives in one place. Nothing is written: the command reads in one transaction.
"""

from __future__ import annotations

import argparse
import json
import sys
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from app.i18n import language, tr
from app.money import fmt_money

if TYPE_CHECKING:
    from app.simulation import MonthSimulation, PlanOutcome, Simulation
    from db.session import Database


def add_parser(sub: Any, month_type: Any) -> None:
    """The ``simulate`` subcommand on the command line's subparsers."""

    def months(text: str) -> list[str]:
        return [month_type(part) for part in text.split(",") if part.strip()] or [month_type(text)]

    p = sub.add_parser("simulate", help="试算: compute months under draft plans, writing nothing")
    p.add_argument("--month", type=months, action="append", required=True, metavar="YYYY-MM[,YYYY-MM…]",
                   help="the months to compute (comma-separated; locked ones included)")
    p.add_argument("--plan", action="append", required=True, metavar="DRAFT.toml",
                   help="a draft plan file (one to three --plan)")
    p.add_argument("--json", action="store_true", help="print the differences as JSON")


def run_simulate(db: Database, args: argparse.Namespace) -> int:
    """Load the drafts (a bad file is refused naming it), simulate, print. ServiceError goes up."""
    from pathlib import Path

    from app.services.simulate import load_draft, simulate

    drafts = [load_draft(Path(p)) for p in args.plan]
    months = [m for group in args.month for m in group]
    with db.session_scope() as s:
        sim = simulate(s, months, drafts)
    lang = language()
    if args.json:
        print(json.dumps(simulation_json(sim), ensure_ascii=False, indent=2))
        for month in sim.months:
            if month.stale:
                print(_stale_text(month), file=sys.stderr)
    else:
        print(simulation_table(sim, lang))
    return 0


def _money(value: Decimal) -> str:
    return fmt_money(value)


def _signed(value: Decimal) -> str:
    text = fmt_money(value)
    return text if text.startswith("-") or text == "0.00" else "+" + text


def _totals_json(outcome: PlanOutcome) -> dict[str, Any]:
    return {
        "gross": _money(outcome.gross),
        "deductions": _money(outcome.deductions),
        "net": _money(outcome.net),
        "baseline_net": _money(outcome.baseline_net),
        "delta": _money(outcome.delta),
        "gainers": outcome.gainers,
        "losers": outcome.losers,
        "unchanged": outcome.unchanged,
    }


def simulation_json(sim: Simulation) -> dict[str, Any]:
    """docs/formats.md ``simulate --json``: amounts as 2-decimal strings, counts as numbers."""
    return {
        "months": {
            month.month: {
                "plans": [
                    {
                        "name": outcome.name,
                        "totals": _totals_json(outcome),
                        "agents": [
                            {
                                "code": agent.code,
                                "net": _money(agent.net),
                                "delta": _money(agent.delta),
                                "lines": [
                                    {"code": line.code, "amount": _money(line.amount), "delta": _money(line.delta)}
                                    for line in agent.lines
                                ],
                            }
                            for agent in outcome.agents
                        ],
                    }
                    for outcome in month.plans
                ]
            }
            for month in sim.months
        }
    }


def _stale_text(month: MonthSimulation) -> str:
    return tr(
        f"注意：{month.month} 有 {month.stale} 人的已存结果与按当前记录、现行方案算出的不同（计算后记录有变动），"
        "这部分变化也计入了差额。",
        f"note: in {month.month}, {month.stale} agent(s)' stored result differs from the plan in force on the "
        "current records (they changed since it was calculated); the difference includes that change.",
    )


def _month_heading(month: MonthSimulation) -> str:
    status = {"locked": tr("已锁定", "locked"), "calculated": tr("已核算", "calculated")}.get(
        month.status, tr("未核算", "not calculated"))
    against = (tr(f"对比已存结果（方案“{month.plan_in_force}”）", f"against the stored result (plan '{month.plan_in_force}')")
               if month.baseline == "stored" else
               tr(f"对比现行方案“{month.plan_in_force}”", f"against the plan in force '{month.plan_in_force}'"))
    return f"{month.month}  {status} · {against}"


def _outcome_table(outcome: PlanOutcome, lang: str) -> list[str]:
    from app.cli import _pad, _width

    out = [tr(
        f"方案“{outcome.name}”：实发合计 {_money(outcome.net)}（原 {_money(outcome.baseline_net)}，"
        f"{_signed(outcome.delta)}）；增加 {outcome.gainers} 人，减少 {outcome.losers} 人，不变 {outcome.unchanged} 人",
        f"plan '{outcome.name}': net total {_money(outcome.net)} (was {_money(outcome.baseline_net)}, "
        f"{_signed(outcome.delta)}); {outcome.gainers} gain, {outcome.losers} lose, {outcome.unchanged} unchanged",
    )]
    moved = [line for line in outcome.line_totals() if any(
        x.code == line.code and x.delta != 0 for a in outcome.agents for x in a.lines)]
    heads = [tr("工号", "Code"), tr("姓名", "Name"), tr("原实发", "Was"), tr("试算实发", "Net"), tr("变化", "Change"),
             *(f"Δ{line.label.in_(lang)}" for line in moved)]
    rows = []
    for a in outcome.agents:
        deltas = {x.code: x.delta for x in a.lines}
        rows.append([a.code, a.name, _money(a.baseline_net), _money(a.net), _signed(a.delta),
                     *(_signed(deltas.get(line.code, Decimal(0))) for line in moved)])
    rows.append([tr("合计", "Total"), "", _money(outcome.baseline_net), _money(outcome.net), _signed(outcome.delta),
                 *(_signed(line.delta) for line in moved)])
    widths = [max(_width(r[i]) for r in [heads, *rows]) for i in range(len(heads))]
    for row in [heads, *rows]:
        out.append("  ".join(_pad(cell, widths[i], right=i >= 2) for i, cell in enumerate(row)).rstrip())
    top = outcome.largest(5)
    if top:
        out.append(tr("变化最大：", "largest changes: ") + tr("；", "; ").join(
            f"{a.code} {a.name} {_signed(a.delta)}" for a in top))
    return out


def simulation_table(sim: Simulation, lang: str = "zh") -> str:
    """The readable form: per month, per draft, one row per agent with the net and each changed line."""
    out: list[str] = []
    for month in sim.months:
        out.append(_month_heading(month))
        if month.stale:
            out.append(_stale_text(month))
        for outcome in month.plans:
            out.extend(_outcome_table(outcome, lang))
        out.append("")
    if len(sim.months) > 1:
        out.append(tr(f"{sim.months[0].month} 至 {sim.months[-1].month} 合计", f"{sim.months[0].month} to "
                      f"{sim.months[-1].month} in all"))
        for outcome in sim.totals():
            out.append(tr(
                f"方案“{outcome.name}”：实发合计 {_money(outcome.net)}（原 {_money(outcome.baseline_net)}，"
                f"{_signed(outcome.delta)}）",
                f"plan '{outcome.name}': net total {_money(outcome.net)} (was {_money(outcome.baseline_net)}, "
                f"{_signed(outcome.delta)})"))
    return "\n".join(out).rstrip()
