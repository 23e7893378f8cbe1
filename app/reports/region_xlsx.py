"""The region workbook (区域汇总): several branches' locked month side by side, for head office.

``branchpay region consolidate`` reads each branch's month (a database or an export package,
app/services/region.py) and writes

- an overview sheet (区域概览): one row per branch — head count, the summary columns of
  :mod:`app.summary_columns` (the same columns as the branch's own 汇总 sheet), 应发合计, 扣款合计,
  实发金额, average net, average QA score, average KPI score — and the region's total row;
- one sheet per branch: its agents' rows exactly as the branch's head-office summary has them
  (:func:`app.reports.summary_xlsx.write_summary_rows`: by team, subtotals, total).

Money cells are numbers (exact decimals, ``#,##0.00``); totals are exact sums of the cents, never
formulas. The averages are rounded half up to two decimals (:func:`app.money.round2`): average
net = 实发 ÷ head count; average QA = the mean of the agents' QA averages over the agents who had a
valid evaluation; average KPI = the mean KPI score of the agents whose KPI was measured. The region
row's averages are over all the region's agents (not an average of the branches' averages).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path

from app.i18n import language, tr
from app.money import ZERO, round2
from app.reports.branch_package import BranchMonth
from app.reports.summary_xlsx import money_columns, summary_sheet_columns, write_summary_rows
from app.reports.xlsx_writer import Column, SummaryBook, new_sheet, write_book
from app.summary_columns import has_statutory, shown_keys, summary_amounts

SOURCE_KINDS = {
    "sqlite": ("数据库文件", "database file"),
    "server": ("服务器数据库", "server database"),
    "package": ("导出数据包", "export package"),
}


@dataclass(frozen=True)
class Figures:
    """One overview row: a branch's (or the region's) month in numbers."""

    heads: int
    amounts: dict[str, Decimal]  # every summary column key, and gross, deductions, net
    qa_sum: Decimal
    qa_count: int  # agents with a QA average
    kpi_sum: Decimal
    kpi_count: int  # agents whose KPI was measured

    @property
    def average_net(self) -> Decimal | None:
        return round2(self.amounts["net"] / self.heads) if self.heads else None

    @property
    def average_qa(self) -> Decimal | None:
        return round2(self.qa_sum / self.qa_count) if self.qa_count else None

    @property
    def average_kpi(self) -> Decimal | None:
        return round2(self.kpi_sum / self.kpi_count) if self.kpi_count else None


def _keys() -> tuple[str, ...]:
    from app.summary_columns import SUMMARY_KEYS

    return (*SUMMARY_KEYS, "gross", "deductions", "net")


def branch_figures(month: BranchMonth) -> Figures:
    amounts = dict.fromkeys(_keys(), ZERO)
    qa_sum, qa_count, kpi_sum, kpi_count = ZERO, 0, ZERO, 0
    for a in month.result.agents:
        for key, value in summary_amounts(a.lines).items():
            amounts[key] += value
        amounts["gross"] += a.gross
        amounts["deductions"] += a.deductions
        amounts["net"] += a.net
        if a.facts.qa_avg is not None:
            qa_sum, qa_count = qa_sum + a.facts.qa_avg, qa_count + 1
        if a.facts.kpi_measured:
            kpi_sum, kpi_count = kpi_sum + a.facts.kpi_score, kpi_count + 1
    return Figures(len(month.result.agents), amounts, qa_sum, qa_count, kpi_sum, kpi_count)


def region_figures(rows: Sequence[Figures]) -> Figures:
    return Figures(
        heads=sum(r.heads for r in rows),
        amounts={k: sum((r.amounts[k] for r in rows), ZERO) for k in _keys()},
        qa_sum=sum((r.qa_sum for r in rows), ZERO),
        qa_count=sum(r.qa_count for r in rows),
        kpi_sum=sum((r.kpi_sum for r in rows), ZERO),
        kpi_count=sum(r.kpi_count for r in rows),
    )


def overview_keys(months: Sequence[BranchMonth]) -> tuple[str, ...]:
    """The overview's money columns: as a branch's 汇总 sheet, 社保/公积金/个税 when any branch has them."""
    return shown_keys(any(has_statutory(a.lines) for m in months for a in m.result.agents))


def _overview(book: SummaryBook, month: str, months: Sequence[BranchMonth], figures: Sequence[Figures],
              generated: datetime) -> None:
    lang = language()
    keys = overview_keys(months)
    statutory = len(keys) > len(shown_keys(False))
    columns = [
        Column(tr("网点代码", "Branch code"), 10),
        Column(tr("网点名称", "Branch"), 16),
        Column(tr("来源", "Source"), 24),
        Column(tr("人数", "Agents"), 7, "int"),
        *money_columns(statutory, lang),
        Column(tr("人均实发", "Average net"), 12, "money"),
        Column(tr("平均质检分", "Average QA"), 10, "score"),
        Column(tr("平均绩效分", "Average KPI"), 10, "score"),
    ]
    name = tr("区域概览", "Region overview")
    sheet = new_sheet(book, name, columns, f"{month} {name}", freeze=(1, 2), autofilter=False, generated=generated)
    for m, f in zip(months, figures, strict=True):
        kind = tr(*SOURCE_KINDS[m.kind])
        sheet.row([m.branch.code, m.branch.name, f"{kind}：{m.source}" if lang == "zh" else f"{kind}: {m.source}",
                   f.heads, *(f.amounts[k] for k in keys), f.average_net, f.average_qa, f.average_kpi])
    total = region_figures(figures)
    sheet.row([tr("区域合计", "Region total"), tr(f"{len(months)} 个网点", f"{len(months)} branches"), "",
               total.heads, *(total.amounts[k] for k in keys), total.average_net, total.average_qa,
               total.average_kpi], "total")


def _branch_sheet(book: SummaryBook, month: BranchMonth, generated: datetime) -> None:
    agents = month.result.agents
    statutory = any(has_statutory(a.lines) for a in agents)
    title = month.branch.code or month.branch.name
    header = f"{month.branch.label} {month.result.month} {tr('汇总', 'Summary')}"
    sheet = new_sheet(book, title, summary_sheet_columns(statutory, language()), header, freeze=(1, 3),
                      autofilter=False, generated=generated)
    write_summary_rows(sheet, agents, shown_keys(statutory))


def write_region(month: str, months: Sequence[BranchMonth], out_path: Path,
                 generated: datetime | None = None) -> list[Figures]:
    """Write the region workbook to ``out_path`` (staged: never half-written); the overview's figures."""
    generated = generated or datetime.now().replace(microsecond=0)
    figures = [branch_figures(m) for m in months]

    def fill(book: SummaryBook) -> None:
        _overview(book, month, months, figures, generated)
        for m in months:
            _branch_sheet(book, m, generated)

    write_book(out_path, tr(f"{month} 区域工资汇总", f"Region payroll {month}"), fill)
    return figures
