"""其他调整: one line per manual adjustment (docs/pay-rules.md §3.8).

Adjustments arrive already chosen for the month by the services layer (they carry a month,
not a date). A zero adjustment is omitted like every other zero line.
"""

from __future__ import annotations

from app.engine.facts import AgentMonth, PayLine
from app.engine.lines import make_line


def adjustment_lines(agent: AgentMonth) -> tuple[PayLine, ...]:
    lines = []
    for adj in agent.adjustments:
        text = f"{adj.category}: {adj.reason}" if adj.category else adj.reason
        line = make_line("adjustment", adj.amount, text, text)
        if line.amount != 0:
            lines.append(line)
    return tuple(lines)
