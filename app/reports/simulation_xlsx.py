"""试算 workbook (docs/pay-rules.md §12): the drafts side by side, per month and line by line.

Sheets: 试算汇总 (each month and draft: totals, who gains and loses; then all months together),
one sheet per month (an agent a row, the baseline net then each draft's net and change), and
明细 (every agent, draft and line code whose amount differs). Written through the project's
streaming writer (:mod:`app.reports.xlsx_writer`) and a staged file, like the head-office summary.
"""

from __future__ import annotations

from pathlib import Path

from app.i18n import tr
from app.reports.files import write_output_file
from app.reports.xlsx_writer import Column, SummaryBook, new_sheet, save_workbook
from app.simulation import PlanOutcome, Simulation


def _overview(book: SummaryBook, sim: Simulation, header: str) -> None:
    sheet = new_sheet(book, tr("试算汇总", "What-if"), [
        Column(tr("月份", "Month"), 10), Column(tr("方案", "Plan"), 28), Column(tr("对比", "Against"), 16),
        Column(tr("原实发合计", "Was (net)"), 16, "money"), Column(tr("试算实发合计", "Net"), 16, "money"),
        Column(tr("变化", "Change"), 14, "money"), Column(tr("增加人数", "Gain"), 10, "int"),
        Column(tr("减少人数", "Lose"), 10, "int"), Column(tr("不变人数", "Unchanged"), 10, "int"),
    ], header)

    def row(month: str, against: str, o: PlanOutcome, variant: str = "plain") -> None:
        sheet.row([month, o.name, against, o.baseline_net, o.net, o.delta, o.gainers, o.losers, o.unchanged], variant)

    for month in sim.months:
        against = tr("已存结果", "stored result") if month.baseline == "stored" else tr("现行方案", "plan in force")
        for outcome in month.plans:
            row(month.month, against, outcome)
    if len(sim.months) > 1:
        span = f"{sim.months[0].month}~{sim.months[-1].month}"
        for outcome in sim.totals():
            row(span, "", outcome, "total")


def _month_sheet(book: SummaryBook, sim: Simulation, index: int, header: str) -> None:
    month = sim.months[index]
    columns = [Column(tr("工号", "Code"), 10), Column(tr("姓名", "Name"), 12),
               Column(tr("原实发", "Was"), 14, "money")]
    for outcome in month.plans:
        columns += [Column(f"{outcome.name} {tr('实发', 'net')}", 16, "money"),
                    Column(f"{outcome.name} {tr('变化', 'change')}", 14, "money")]
    sheet = new_sheet(book, month.month, columns, f"{header} {month.month}", freeze=(1, 2))
    first = month.plans[0]
    by_code = [{a.code: a for a in outcome.agents} for outcome in month.plans]
    for agent in first.agents:
        cells: list[object] = [agent.code, agent.name, agent.baseline_net]
        for agents in by_code:
            other = agents.get(agent.code)
            cells += [other.net, other.delta] if other else [None, None]
        sheet.row(cells)
    totals: list[object] = [tr("合计", "Total"), "", first.baseline_net]
    for outcome in month.plans:
        totals += [outcome.net, outcome.delta]
    sheet.row(totals, "total")


def _lines(book: SummaryBook, sim: Simulation, header: str) -> None:
    sheet = new_sheet(book, tr("明细", "Lines"), [
        Column(tr("月份", "Month"), 10), Column(tr("方案", "Plan"), 24), Column(tr("工号", "Code"), 10),
        Column(tr("姓名", "Name"), 12), Column(tr("项目", "Line"), 18), Column(tr("原金额", "Was"), 14, "money"),
        Column(tr("试算金额", "Amount"), 14, "money"), Column(tr("变化", "Change"), 14, "money"),
    ], header)
    for month in sim.months:
        for outcome in month.plans:
            for agent in outcome.agents:
                for line in agent.lines:
                    if line.delta != 0:
                        sheet.row([month.month, outcome.name, agent.code, agent.name,
                                   tr(line.label.zh, line.label.en), line.baseline, line.amount, line.delta])


def write_simulation(sim: Simulation, out_path: Path, branch_name: str = "") -> Path:
    """The workbook, written to ``out_path`` through a staged file (all or nothing)."""
    header = f"{branch_name} {tr('试算', 'What-if')}".strip()

    def write(target: Path) -> None:
        book = SummaryBook(title=header, footer_text=tr("第 &P 页，共 &N 页", "Page &P of &N"))
        try:
            _overview(book, sim, header)
            for i in range(len(sim.months)):
                _month_sheet(book, sim, i, header)
            _lines(book, sim, header)
            save_workbook(book.finish(), target)
        except BaseException:
            book.discard()
            raise

    return write_output_file(Path(out_path), write)
