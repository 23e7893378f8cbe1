"""其他调整: one line per manual adjustment (docs/pay-rules.md §3.8).

Adjustments arrive already chosen for the month by the services layer (they carry a month,
not a date). A zero adjustment is omitted like every other zero line.

An adjustment whose category is :data:`APPEAL_CORRECTION_CATEGORY` (申诉更正) was written by an
upheld appeal of a locked month (docs/pay-rules.md §11): it becomes an ``appeal_correction``
line, emitted after the ordinary adjustment lines (its place in the line order).
"""

from __future__ import annotations

from app.engine.facts import AgentMonth, PayLine
from app.engine.lines import make_line

APPEAL_CORRECTION_CATEGORY = "申诉更正"


def adjustment_lines(agent: AgentMonth) -> tuple[PayLine, ...]:
    lines = []
    corrections = []
    for adj in agent.adjustments:
        if adj.category == APPEAL_CORRECTION_CATEGORY:
            line = make_line("appeal_correction", adj.amount, adj.reason, adj.reason)
            if line.amount != 0:
                corrections.append(line)
            continue
        text = f"{adj.category}: {adj.reason}" if adj.category else adj.reason
        line = make_line("adjustment", adj.amount, text, text)
        if line.amount != 0:
            lines.append(line)
    return (*lines, *corrections)
