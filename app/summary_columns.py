"""The summary columns of an agent's pay: one definition for the payroll table, the payslip's
summary block, the Excel 汇总 sheet and ``payroll show``.

Each column sums the pay lines of some line codes **on one side**: a 应发 (gross) column takes
only the positive amounts of its codes, a 扣款 (deductions) column only the negative ones. Every
line with a non-zero amount lands in exactly one column (a code no column names falls into the
side's catch-all "other" column), so by construction

    sum(gross columns)      == 应发 (agent.gross: the sum of the positive lines)
    sum(deduction columns)  == 扣款合计 (agent.deductions: the sum of the negative lines)
    应发 + 扣款合计          == 实发

and a manager can check any row with a calculator. 基本工资 is therefore the base line as the
payslip prints it (4200.00), and leave taken off (请假扣款 −77.24) is its own deduction column,
not hidden inside the base.

The module sits directly under ``app/`` (outside the import layers): the reports, the services,
the command line and the window all import it; it imports only the engine's labels.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from app.engine.facts import PayLine
from app.engine.lines import LINE_LABELS
from app.money import ZERO
from app.text import Text

GROSS = "gross"
DEDUCTIONS = "deductions"


@dataclass(frozen=True)
class SummaryColumn:
    """One money column: its key, header, side and the line codes it sums (on that side)."""

    key: str
    label: Text
    side: str  # GROSS | DEDUCTIONS
    codes: tuple[str, ...]
    catch_all: bool = False  # also takes the lines of this side that no other column names

    def tooltip(self) -> Text:
        """The line labels this column sums, e.g. "销售提成 + 新客户奖励"."""
        zh = " + ".join(LINE_LABELS.get(c, (c, c))[0] for c in self.codes)
        en = " + ".join(LINE_LABELS.get(c, (c, c))[1] for c in self.codes)
        sign_zh, sign_en = (
            ("（正数部分）", " (the positive part)")
            if self.side == GROSS
            else ("（负数部分）", " (the negative part)")
        )
        if self.catch_all:
            zh, en = zh + " 等其他项目", en + " and any other line"
        return Text(zh + sign_zh, en + sign_en)


# The order is the order of the table: the gross columns, 应发, the deduction columns, 扣款合计, 实发.
# kpi and adjustment can be either sign: a KPI bonus is 绩效 (gross), a KPI deduction is 考核扣款;
# an adjustment paid out is 其他应发, one taken back is 其他扣减.
SUMMARY_COLUMNS: tuple[SummaryColumn, ...] = (
    SummaryColumn("base", Text("基本工资", "Base pay"), GROSS, ("base",)),
    SummaryColumn("commission", Text("提成", "Commission"), GROSS, ("commission", "new_customer_bonus")),
    SummaryColumn("kpi", Text("绩效", "KPI bonus"), GROSS, ("kpi",)),
    SummaryColumn(
        "awards",
        Text("奖励", "Awards"),
        GROSS,
        # part two's bonuses (docs/pay-rules.md §8) are awards too, rather than "other pay"
        ("full_attendance", "top_award", "praise", "target_bonus", "period_award", "team_award"),
    ),
    SummaryColumn(
        "other_gross",
        Text("其他应发", "Other pay"),
        GROSS,
        ("adjustment", "appeal_correction", "penalty_relief", "carry_to_next"),
        catch_all=True,
    ),
    SummaryColumn("absence", Text("请假旷工", "Leave"), DEDUCTIONS, ("leave", "absence")),
    SummaryColumn(
        "penalties",
        Text("考核扣款", "Penalties"),
        DEDUCTIONS,
        ("attendance_penalty", "complaint_penalty", "qa_fatal_penalty", "kpi"),
    ),
    SummaryColumn(
        "other_deductions",
        Text("其他扣减", "Other ded."),
        DEDUCTIONS,
        ("clawback", "adjustment", "appeal_correction", "carry_forward"),
        catch_all=True,
    ),
    # docs/pay-rules.md §9: what is withheld for social insurance, housing fund and income tax, last
    # (they are computed last, on the month's income); new keys at the end of `payroll show --json`'s
    # `columns`. Only a month with a statutory line shows them (:func:`has_statutory`).
    SummaryColumn("social_insurance", Text("社保", "Social ins."), DEDUCTIONS, ("social_insurance",)),
    SummaryColumn("housing_fund", Text("公积金", "Housing fund"), DEDUCTIONS, ("housing_fund",)),
    SummaryColumn("income_tax", Text("个税", "Income tax"), DEDUCTIONS, ("income_tax",)),
)
SUMMARY_KEYS: tuple[str, ...] = tuple(c.key for c in SUMMARY_COLUMNS)
GROSS_COLUMNS: tuple[SummaryColumn, ...] = tuple(c for c in SUMMARY_COLUMNS if c.side == GROSS)
DEDUCTION_COLUMNS: tuple[SummaryColumn, ...] = tuple(c for c in SUMMARY_COLUMNS if c.side == DEDUCTIONS)

# The statutory columns (docs/pay-rules.md §9): the workbook, the payslip and `payroll show` print
# them only for a month (an agent) with a statutory line; the payroll table hides them when 0.00.
STATUTORY_KEYS: tuple[str, ...] = ("social_insurance", "housing_fund", "income_tax")


def has_statutory(lines: Iterable[PayLine]) -> bool:
    """Whether any of these lines is a statutory one (社保, 公积金 or 个税)."""
    return any(line.code in STATUTORY_KEYS for line in lines)


def shown_columns(side: str, statutory: bool) -> tuple[SummaryColumn, ...]:
    """One side's columns as a printed view shows them: without 社保/公积金/个税 when ``statutory``
    is false (a month without statutory lines, where they would be 0.00 for everyone). The shown
    columns still add up to the side's total: a left-out column is 0.00."""
    return tuple(c for c in SUMMARY_COLUMNS if c.side == side and (statutory or c.key not in STATUTORY_KEYS))


# The three totals, with the words every view uses for them.
TOTAL_LABELS: dict[str, Text] = {
    "gross": Text("应发合计", "Gross"),
    "deductions": Text("扣款合计", "Deductions"),
    "net": Text("实发金额", "Net pay"),
}
TOTAL_TIPS: dict[str, Text] = {
    "gross": Text(
        " + ".join(c.label.zh for c in GROSS_COLUMNS) + "（所有正数项目之和）",
        " + ".join(c.label.en for c in GROSS_COLUMNS) + " (the sum of the positive lines)",
    ),
    "deductions": Text(
        " + ".join(c.label.zh for c in DEDUCTION_COLUMNS) + "（所有负数项目之和）",
        " + ".join(c.label.en for c in DEDUCTION_COLUMNS) + " (the sum of the negative lines)",
    ),
    "net": Text("应发合计 + 扣款合计", "gross + deductions"),
}


def shown_keys(statutory: bool) -> tuple[str, ...]:
    """A printed view's money columns in order: the 应发 columns, 应发合计, the 扣款 columns (社保/公积金/
    个税 only when ``statutory``), 扣款合计, 实发金额 — the 汇总 sheet, the region overview, ``payroll show``."""
    return (
        *(c.key for c in GROSS_COLUMNS),
        "gross",
        *(c.key for c in shown_columns(DEDUCTIONS, statutory)),
        "deductions",
        "net",
    )


def column_label(key: str) -> Text:
    """The header of a summary column or of a total (``gross``, ``deductions``, ``net``)."""
    if key in TOTAL_LABELS:
        return TOTAL_LABELS[key]
    return next(c.label for c in SUMMARY_COLUMNS if c.key == key)


def _column_for(code: str, amount: Decimal) -> str:
    side = GROSS if amount > 0 else DEDUCTIONS
    for col in SUMMARY_COLUMNS:
        if col.side == side and code in col.codes:
            return col.key
    return next(c.key for c in SUMMARY_COLUMNS if c.side == side and c.catch_all)


def summary_amounts(lines: Iterable[PayLine]) -> dict[str, Decimal]:
    """Every summary column's amount for these pay lines (all keys present, 0.00 when none)."""
    out = {key: ZERO for key in SUMMARY_KEYS}
    for line in lines:
        if line.amount:
            out[_column_for(line.code, line.amount)] += line.amount
    return out


def side_total(amounts: dict[str, Decimal], side: str) -> Decimal:
    """The sum of one side's columns: 应发 for ``GROSS``, 扣款合计 for ``DEDUCTIONS``."""
    return sum((amounts[c.key] for c in SUMMARY_COLUMNS if c.side == side), ZERO)
