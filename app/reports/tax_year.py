"""The year view of the cumulative income tax (docs/pay-rules.md §9.3): per agent, month by month,
the figures behind each month's withholding, so head office can reconcile them.

Rows come from the figures stored with each calculated or locked month; the services build them
(:func:`app.services.statutory.tax_year_rows`). The same rows are the 个税累计 sheet of the Excel
summary and the table the app shows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from app.i18n import tr

if TYPE_CHECKING:  # openpyxl (0.3-0.4 s to import) only when a workbook is written: not for `payroll run`
    from app.reports.xlsx_writer import Column, SummaryBook


@dataclass(frozen=True)
class TaxYearRow:
    code: str
    name: str
    month: str
    income: Decimal  # income_M
    si_hf: Decimal  # this month's SI + HF (positive)
    cum_income: Decimal
    months: int
    basic: Decimal
    cum_si_hf: Decimal
    cum_special: Decimal
    cum_other: Decimal
    taxable: Decimal
    cum_tax: Decimal
    withheld: Decimal
    tax: Decimal


SHEET_NAME = ("个税累计", "Tax year")


def columns() -> list[Column]:
    from app.reports.xlsx_writer import Column, agent_columns

    return [
        *agent_columns(team=False),
        Column(tr("月份", "Month"), 9),
        Column(tr("本月收入", "Income"), 12, "money"),
        Column(tr("本月社保公积金", "SI + HF"), 12, "money"),
        Column(tr("累计收入", "Cum. income"), 13, "money"),
        Column(tr("月数", "Months"), 6, "int"),
        Column(tr("累计减除费用", "Basic deduction"), 12, "money"),
        Column(tr("累计专项扣除", "Cum. SI + HF"), 12, "money"),
        Column(tr("累计专项附加扣除", "Cum. special"), 13, "money"),
        Column(tr("累计其他扣除", "Cum. other"), 12, "money"),
        Column(tr("累计应纳税所得额", "Taxable"), 14, "money"),
        Column(tr("累计应纳税额", "Cum. tax"), 12, "money"),
        Column(tr("已预扣税额", "Withheld earlier"), 12, "money"),
        Column(tr("本月预扣税额", "Tax this month"), 12, "money"),
    ]


def cells(row: TaxYearRow) -> list[object]:
    return [row.code, row.name, row.month, row.income, row.si_hf, row.cum_income, row.months, row.basic,
            row.cum_si_hf, row.cum_special, row.cum_other, row.taxable, row.cum_tax, row.withheld, row.tax]


def add_tax_year_sheet(book: SummaryBook, rows: Sequence[TaxYearRow], header: str, generated: datetime) -> None:
    from app.reports.xlsx_writer import new_sheet as _sheet

    sheet = _sheet(book, tr(*SHEET_NAME), columns(), header, freeze=(1, 3), generated=generated)
    for row in rows:
        sheet.row(cells(row))
