"""撤单提成追回: take back what cancelled policies of locked months paid (docs/pay-rules.md §3.3).

The services layer decides which policies are due (sign month locked, cancelled by the end
of this month, not yet clawed back) and passes the amount recorded when their month was
locked; the engine only totals them, so a clawback never depends on today's plan.
"""

from __future__ import annotations

from app.engine.facts import AgentMonth, PayLine
from app.engine.lines import make_line, money
from app.money import ZERO

_SHOWN = 10  # policies listed in the detail; the rest are summarised so a payslip stays readable


def clawback_line(agent: AgentMonth) -> PayLine | None:
    if not agent.clawbacks:
        return None
    total = sum((c.paid for c in agent.clawbacks), ZERO)
    items = [f"{c.policy_no}({c.sign_month}) {money(c.paid)}" for c in agent.clawbacks[:_SHOWN]]
    rest = len(agent.clawbacks) - _SHOWN
    zh = "撤单 " + " + ".join(items) + (f" 等共 {len(agent.clawbacks)} 单" if rest > 0 else "")
    en = "cancelled " + " + ".join(items) + (f" and {rest} more" if rest > 0 else "")
    line = make_line("clawback", -total, f"−({zh}) = −{money(total)}", f"−({en}) = −{money(total)}")
    return line if line.amount != 0 else None
