"""基本工资, 请假扣款, 旷工扣款 (docs/pay-rules.md §3.1), including the floor at zero.

The three lines are produced together because the floor links them: when leave and
absence would take more than the base, absence gives way first, then leave, so the
three lines sum to exactly 0.00.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from app.engine.attendance import LEAVE_NAMES, AttendanceSummary
from app.engine.facts import PayLine
from app.engine.lines import make_line, money, num, pct
from app.money import ZERO
from app.plan.model import Plan


@dataclass(frozen=True)
class BaseResult:
    lines: tuple[PayLine, ...]
    daily_rate: Decimal  # D, unrounded
    base: Decimal  # rounded amounts as on the lines (0 when omitted)
    leave: Decimal
    absence: Decimal


def compute_base(
    plan: Plan, base_salary: Decimal, employed_days: int, workdays: int, att: AttendanceSummary
) -> BaseResult:
    daily = base_salary / plan.pay.days_per_month
    if employed_days == 0 or workdays == 0:
        base_raw = ZERO
    elif employed_days == workdays:
        base_raw = base_salary
    else:
        base_raw = base_salary * employed_days / workdays
    base_detail = f"{money(base_salary)} × {employed_days}/{workdays}"
    base_line = make_line("base", base_raw, base_detail)

    # Leave: D × Σ days × (1 − paid ratio); types fully paid add nothing and are not shown.
    unpaid_days = ZERO
    zh_parts: list[str] = []
    en_parts: list[str] = []
    for kind, days in att.leave_days.items():
        share = 1 - plan.leave_ratio(kind)
        if days and share:
            unpaid_days += days * share
            zh_parts.append(f"{LEAVE_NAMES[kind][0]} {num(days)}天 × {pct(share)}")
            en_parts.append(f"{LEAVE_NAMES[kind][1]} {num(days)} d × {pct(share)}")
    daily_text = f"{money(base_salary)} ÷ {num(plan.pay.days_per_month)}"
    leave_line = make_line(
        "leave",
        -daily * unpaid_days,
        f"−{daily_text} × ({' + '.join(zh_parts)})",
        f"−{daily_text} × ({' + '.join(en_parts)})",
    )

    mult = plan.attendance.absence_multiplier
    absence_line = make_line(
        "absence",
        -daily * att.absence_days * mult,
        f"−{daily_text} × 旷工 {num(att.absence_days)}天 × {num(mult)}",
        f"−{daily_text} × absence {num(att.absence_days)} d × {num(mult)}",
    )

    b, lv, ab = base_line.amount, leave_line.amount, absence_line.amount
    if b + lv + ab < 0:
        shortfall = -(b + lv + ab)
        raise_abs = min(shortfall, -ab)
        new_ab = ab + raise_abs
        new_lv = lv + (shortfall - raise_abs)
        note_zh, note_en = "（基本工资不低于 0，扣至 {})", " (base pay cannot go below 0: limited to {})"
        if new_ab != ab:
            absence_line = make_line(
                "absence",
                new_ab,
                absence_line.detail + f" = {money(ab)}" + note_zh.format(money(new_ab)),
                absence_line.detail_en + f" = {money(ab)}" + note_en.format(money(new_ab)),
            )
        if new_lv != lv:
            leave_line = make_line(
                "leave",
                new_lv,
                leave_line.detail + f" = {money(lv)}" + note_zh.format(money(new_lv)),
                leave_line.detail_en + f" = {money(lv)}" + note_en.format(money(new_lv)),
            )
        ab, lv = new_ab, new_lv

    lines = tuple(line for line in (base_line, leave_line, absence_line) if line.amount != 0)
    return BaseResult(lines=lines, daily_rate=daily, base=b, leave=lv, absence=ab)
