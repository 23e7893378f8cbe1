"""考勤: attendance penalty and full-attendance bonus (docs/pay-rules.md §3.6).

Also the one place attendance records are filtered, because base pay (leave, absence)
reads the same records: a record counts only when dated in the month *and* within the
agent's employment — a late mark after the leave date is a data-entry slip, not a fine.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from app.engine.facts import LEAVE_KINDS, AgentMonth, PayLine
from app.engine.lines import make_line, money, num
from app.engine.period import Period, employed
from app.money import ZERO
from app.plan.model import AttendanceConfig, MinuteTier

ONE = Decimal(1)
LEAVE_NAMES = {
    "personal": ("事假", "personal"),
    "sick": ("病假", "sick"),
    "annual": ("年假", "annual"),
    "other": ("其他假", "other"),
}


@dataclass(frozen=True)
class AttendanceSummary:
    """The month's counted attendance of one agent, already filtered."""

    late: tuple[tuple[date, int], ...] = ()  # (date, minutes), in the rulebook's order
    early_leave: tuple[tuple[date, int], ...] = ()
    away: int = 0
    swap: int = 0
    absence_days: Decimal = ZERO
    leave_days: dict[str, Decimal] = field(default_factory=dict)  # every leave type, 0 when none


def summarize(agent: AgentMonth, period: Period) -> AttendanceSummary:
    """Filter and total the agent's attendance records for the month.

    Days missing on an absence or leave record mean one day, and minutes missing on a late
    or early-leave record mean 0 minutes (the first tier), as the import templates say.
    """
    late: list[tuple[date, int]] = []
    early: list[tuple[date, int]] = []
    away = swap = 0
    absence = ZERO
    leave = {kind: ZERO for kind in LEAVE_KINDS}
    for rec in agent.attendance:
        if not period.contains(rec.date) or not employed(agent, rec.date):
            continue
        if rec.kind == "late":
            late.append((rec.date, rec.minutes or 0))
        elif rec.kind == "early_leave":
            early.append((rec.date, rec.minutes or 0))
        elif rec.kind == "away":
            away += rec.count
        elif rec.kind == "swap":
            swap += rec.count
        elif rec.kind == "absence":
            absence += rec.days if rec.days is not None else ONE
        elif rec.kind in leave:
            leave[rec.kind] += rec.days if rec.days is not None else ONE
    late.sort()
    early.sort()
    return AttendanceSummary(
        late=tuple(late),
        early_leave=tuple(early),
        away=away,
        swap=swap,
        absence_days=absence,
        leave_days=leave,
    )


def tier_amount(tiers: tuple[MinuteTier, ...], minutes: int) -> Decimal:
    """The first tier with ``minutes <= up_to_minutes``; beyond the last tier, the last tier."""
    for tier in tiers:
        if minutes <= tier.up_to_minutes:
            return tier.amount
    return tiers[-1].amount if tiers else ZERO


def penalty_line(cfg: AttendanceConfig, s: AttendanceSummary) -> PayLine | None:
    """考勤扣款 = −min(cap, Σ late + Σ early leave + away × amount + swap × amount)."""
    total = ZERO
    zh: list[str] = []
    en: list[str] = []
    if s.late:
        parts_zh, parts_en = [], []
        for i, (_day, minutes) in enumerate(s.late):
            if i < cfg.late_free:
                parts_zh.append(f"{minutes}分钟 免扣")
                parts_en.append(f"{minutes} min free")
                continue
            cost = tier_amount(cfg.late, minutes)
            total += cost
            parts_zh.append(f"{minutes}分钟 {money(cost)}")
            parts_en.append(f"{minutes} min {money(cost)}")
        zh.append("迟到 " + ", ".join(parts_zh))
        en.append("late " + ", ".join(parts_en))
    if s.early_leave:
        costs = [(m, tier_amount(cfg.early_leave, m)) for _d, m in s.early_leave]
        total += sum((c for _m, c in costs), ZERO)
        zh.append("早退 " + ", ".join(f"{m}分钟 {money(c)}" for m, c in costs))
        en.append("early leave " + ", ".join(f"{m} min {money(c)}" for m, c in costs))
    for count, amount, word_zh, word_en in (
        (s.away, cfg.away, "空岗", "away"),
        (s.swap, cfg.swap, "私自调班", "shift swap"),
    ):
        if count:
            total += count * amount
            zh.append(f"{word_zh} {count}次 × {money(amount)}")
            en.append(f"{word_en} {count} × {money(amount)}")
    if total == 0:
        return None
    amount = total
    sum_zh, sum_en = f"合计 {money(total)}", f"total {money(total)}"
    if cfg.cap is not None and total > cfg.cap:
        amount = cfg.cap
        sum_zh += f"，超过上限按 {money(cfg.cap)}"
        sum_en += f", capped at {money(cfg.cap)}"
    return make_line(
        "attendance_penalty", -amount, "; ".join(zh) + "; " + sum_zh, "; ".join(en) + "; " + sum_en
    )


def full_attendance_line(
    cfg: AttendanceConfig, s: AttendanceSummary, employed_days: int, workdays: int
) -> PayLine | None:
    """全勤奖: employed every workday (at least one) with no incident and no breaking leave."""
    if cfg.full_attendance_bonus == 0 or employed_days == 0 or employed_days != workdays:
        return None
    if s.late or s.early_leave or s.away or s.swap or s.absence_days > 0:
        return None
    if any(s.leave_days.get(kind, ZERO) > 0 for kind in cfg.full_attendance_breakers):
        return None
    return make_line(
        "full_attendance",
        cfg.full_attendance_bonus,
        f"{employed_days}/{workdays} 天出勤，无迟到早退旷工 → {money(cfg.full_attendance_bonus)}",
        f"{employed_days}/{workdays} days, no incident → {money(cfg.full_attendance_bonus)}",
    )


def leave_text(days: dict[str, Decimal]) -> tuple[str, str]:
    """ "事假 1 天, 病假 0.5 天" for the facts and the payslip."""
    zh = ", ".join(f"{LEAVE_NAMES[k][0]} {num(v)}天" for k, v in days.items() if v)
    en = ", ".join(f"{LEAVE_NAMES[k][1]} {num(v)} d" for k, v in days.items() if v)
    return zh, en
