"""Line codes, their labels and order (docs/pay-rules.md §3 table), and the single place lines are rounded.

Every component hands its *unrounded* amount to :func:`make_line`; rounding happens there
and nowhere else, which is what "every pay line is rounded once" means in code.
"""

from __future__ import annotations

from decimal import Decimal

from app.engine.facts import PayLine
from app.money import ZERO, fmt_money, fmt_num, round_cents

# code -> (中文, English), in the order of the rulebook table — also the order of lines on a payslip.
LINE_LABELS: dict[str, tuple[str, str]] = {
    "base": ("基本工资", "Base pay"),
    "leave": ("请假扣款", "Leave deduction"),
    "absence": ("旷工扣款", "Absence deduction"),
    "commission": ("销售提成", "Sales commission"),
    "new_customer_bonus": ("新客户奖励", "New customer bonus"),
    "kpi": ("绩效考核奖惩", "KPI bonus / deduction"),
    "target_bonus": ("目标奖金", "Target bonus"),
    "full_attendance": ("全勤奖", "Full attendance bonus"),
    "top_award": ("月度优秀奖", "Monthly top award"),
    "period_award": ("期间优胜奖", "Period award"),
    "team_award": ("团队奖", "Team award"),
    "praise": ("客户表扬奖", "Customer praise bonus"),
    "attendance_penalty": ("考勤扣款", "Attendance penalty"),
    "complaint_penalty": ("投诉扣款", "Complaint penalty"),
    "qa_fatal_penalty": ("质检致命差错扣款", "QA fatal error penalty"),
    "clawback": ("撤单提成追回", "Cancelled policy clawback"),
    "adjustment": ("其他调整", "Adjustment"),
    "appeal_correction": ("申诉更正", "Appeal correction"),
    "penalty_relief": ("扣款上限返还", "Penalty cap relief"),
    "social_insurance": ("社会保险（个人）", "Social insurance (employee)"),
    "housing_fund": ("住房公积金（个人）", "Housing fund (employee)"),
    "income_tax": ("个人所得税", "Individual income tax"),
    "carry_forward": ("上月结转扣款", "Carried from last month"),
    "carry_to_next": ("结转下月", "Carried to next month"),
}
LINE_CODES: tuple[str, ...] = tuple(LINE_LABELS)
LINE_ORDER: dict[str, int] = {code: i for i, code in enumerate(LINE_CODES)}


def make_line(code: str, amount: Decimal, detail: str, detail_en: str | None = None) -> PayLine:
    """Build a line, rounding ``amount`` to the cent (ROUND_HALF_UP) — the one rounding it gets."""
    label, label_en = LINE_LABELS[code]
    return PayLine(
        code=code,
        amount=round_cents(amount) + ZERO,  # "+ ZERO" turns a -0.00 into 0.00
        label=label,
        label_en=label_en,
        detail=detail,
        detail_en=detail if detail_en is None else detail_en,
    )


def money(value: Decimal) -> str:
    """An amount in a detail text: two decimals."""
    return fmt_money(value)


def num(value: Decimal) -> str:
    """A count, premium or score in a detail text, written as a person would (no trailing zeros)."""
    return fmt_num(value)


def pct(rate: Decimal) -> str:
    """A rate as a percentage: 0.005 → ``0.5%``."""
    return f"{fmt_num(rate * 100)}%"
