"""上月结转扣款 and 结转下月 (docs/pay-rules.md §3.8): a negative month is carried, never paid negative."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from app.engine.facts import PayLine
from app.engine.lines import make_line, money
from app.money import ZERO


def carry_forward_line(previous_carry: Decimal) -> PayLine | None:
    """Deduct what last month could not pay (its ``carry_to_next``)."""
    if previous_carry <= 0:
        return None
    line = make_line(
        "carry_forward",
        -previous_carry,
        f"上月结转 −{money(previous_carry)}",
        f"carried from last month −{money(previous_carry)}",
    )
    return line if line.amount != 0 else None


def carry_to_next_line(lines: Iterable[PayLine]) -> PayLine | None:
    """When the lines so far sum below zero, bring the net to 0 and deduct the rest next month."""
    total = sum((line.amount for line in lines), ZERO)
    if total >= 0:
        return None
    return make_line(
        "carry_to_next",
        -total,
        f"本月合计 {money(total)}，{money(-total)} 结转下月扣回",
        f"month total {money(total)}: {money(-total)} deducted next month",
    )
