"""The month's Excel summary for head office (工资汇总表): pay, line detail, sales, attendance, QA, ranking.

Like the payslips, the pay figures come from the stored result in the shape of
``payroll show --json``; the services add the month's records (sales, attendance, QA
evaluations) gathered in a few queries. Nothing here touches the database.

Choices that matter to the people who open the file:

- numbers are numbers (exact decimals written as numerals, format ``#,##0.00``), so head
  office can add them up; dates are real dates;
- the totals row holds values computed here, not formulas, so any reader (openpyxl, a
  viewer without a calculation engine, a script) sees the same figures Excel shows;
- every text that came from a user or a file (names, teams, reasons, descriptions) is
  written as a string cell; text that *looks* like a formula (``=``, ``+``, ``-``, ``@``,
  tab/CR-prefixed) or an error value (``#N/A``) also gets Excel's "quote prefix": a name
  like ``=HYPERLINK(...)`` stays text and never becomes a formula (spreadsheet formula
  injection), even when the cell is edited later;
- header rows are frozen and repeated on every printed page; pages print landscape,
  fitted to the paper width.

The workbook is written with openpyxl (the client's stack) in write-only mode through
:mod:`app.reports.xlsx_writer`, which serialises rows itself for speed and writes decimals and
dates exactly; this module only decides the layout head office reads.

The file is staged (:func:`app.reports.files.staged_output`): openpyxl's spooled sheets and
the workbook itself are written inside a private temporary folder next to the destination and
the finished workbook is then moved into place, so a failure, a full disk or a killed process
never leaves a half-written workbook, nor payroll data in the system's temp folder.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from app.fact_rows import FACT_LABELS, NO_KPI_DATA, SCOPE_LABEL, fact_rows, scope_text
from app.i18n import language, tr
from app.reports.publication import HEAD, HEADING, XLSX_WIDTHS, Publication, notice_rows
from app.reports.tax_year import SHEET_NAME as TAX_YEAR_SHEET
from app.reports.tax_year import TaxYearRow, add_tax_year_sheet
from app.reports.trend_sheet import add_trend_sheet
from app.reports.xlsx_writer import Column, SheetWriter, SummaryBook, agent_columns, write_book
from app.reports.xlsx_writer import new_sheet as _sheet
from app.results import AgentResult, MonthResult
from app.summary_columns import TOTAL_LABELS, column_label, has_statutory, shown_keys, summary_amounts
from app.trends import History

ZERO = Decimal(0)

LEAVE_KINDS = ("personal", "sick", "annual", "other")
LEAVE_NAMES = {
    "personal": ("事假", "Personal leave"),
    "sick": ("病假", "Sick leave"),
    "annual": ("年假", "Annual leave"),
    "other": ("其他假", "Other leave"),
}


@dataclass(frozen=True)
class SalesRow:
    """One policy signed in the month, as the 保单明细 sheet lists it."""

    policy_no: str
    agent_code: str
    agent_name: str
    product_code: str
    product_name: str
    premium: Decimal
    factor: Decimal | None  # 折标系数 from the month's plan; None for a product the plan does not know
    customer_level: str
    new_customer: bool
    sign_date: date
    cancel_date: date | None
    counted: bool  # counted for this month's commission (docs/pay-rules.md §3.2)
    paid_amount: Decimal | None = None  # recorded when the month was locked (docs/pay-rules.md §3.3)

    @property
    def standard_premium(self) -> Decimal | None:
        return None if self.factor is None else self.premium * self.factor


@dataclass(frozen=True)
class AttendanceCounts:
    """An agent's attendance records of the month, counted (not priced: the pay lines do that)."""

    late_count: int = 0
    late_minutes: int = 0
    early_count: int = 0
    early_minutes: int = 0
    away: int = 0
    swap: int = 0
    absence_days: Decimal = ZERO
    leave_days: Mapping[str, Decimal] = field(default_factory=dict)


@dataclass(frozen=True)
class QACounts:
    """An agent's QA evaluations of the month: all of them, and those overturned on appeal."""

    total: int = 0
    overturned: int = 0


@dataclass(frozen=True)
class SignOff:
    """Who signed one step of the month's sign-off (制表 / 审核 / 批准), and when."""

    name: str = ""
    signed_on: date | None = None


# The 汇总 sheet's signature block, in order: role key, Chinese and English label. The sign-off
# feature fills ``SummaryInput.sign_offs`` by these keys; a role nobody signed is a blank line.
SIGN_ROLES: tuple[tuple[str, str, str], ...] = (
    ("prepared", "制表", "Prepared by"),
    ("reviewed", "审核", "Reviewed by"),
    ("approved", "批准", "Approved by"),
)
SIGN_LINE = "_" * 16  # a blank line to sign on
DATE_LINE = ("____年____月____日", "____-____-____")


def signature_block(sign_offs: Mapping[str, SignOff]) -> list[tuple[str, str, str]]:
    """The signature block's cells per role: label, name (or a blank line), date (or a blank line)."""
    out = []
    for role, zh, en in SIGN_ROLES:
        signed = sign_offs.get(role)
        name = signed.name.strip() if signed is not None else ""
        day = signed.signed_on if signed is not None else None
        out.append(
            (
                tr(f"{zh}：", f"{en}:"),
                name or SIGN_LINE,
                day.isoformat() if day is not None else tr(*DATE_LINE),
            )
        )
    return out


@dataclass(frozen=True)
class SummaryInput:
    """Everything the workbook shows; ``result`` is the month's stored result."""

    month: str
    branch_name: str
    result: MonthResult
    sales: Sequence[SalesRow] = ()
    attendance: Mapping[str, AttendanceCounts] = field(default_factory=dict)
    qa: Mapping[str, QACounts] = field(default_factory=dict)
    # role (see SIGN_ROLES) -> who signed it; empty until the month's sign-offs exist: blank lines
    sign_offs: Mapping[str, SignOff] = field(default_factory=dict)
    generated_at: datetime = field(default_factory=lambda: datetime.now().replace(microsecond=0))
    # docs/pay-rules.md §9.3: the year's cumulative tax figures (empty without statutory deductions)
    tax_year: Sequence[TaxYearRow] = ()
    # docs/pay-rules.md §11: the locked month's 奖惩公示 (the 公示 sheet); None for a month not locked
    publication: Publication | None = None
    # The months up to this one (趋势 sheet, app/reports/trend_sheet.py); None or one month: no sheet
    trend: History | None = None


# ---------------------------------------------------------------------------------------------
# Sheets


def _team_groups(agents: Sequence[AgentResult]) -> list[tuple[str, list[AgentResult]]]:
    """The agents grouped by team: teams in name order, agents without a team ("" ) last; the
    agents of a team keep the result's order."""
    teams: dict[str, list[AgentResult]] = defaultdict(list)
    for a in agents:
        teams[(a.team or "").strip()].append(a)
    return sorted(teams.items(), key=lambda item: (item[0] == "", item[0]))


def money_columns(statutory: bool, lang: str) -> list[Column]:
    """The money columns of :func:`~app.summary_columns.shown_keys` (社保/公积金/个税 only when the month
    has a statutory line, docs/pay-rules.md §9); the totals a little wider."""
    return [Column(column_label(k).in_(lang), 12 if k in TOTAL_LABELS else 11, "money") for k in shown_keys(statutory)]


def summary_sheet_columns(statutory: bool, lang: str) -> list[Column]:
    """The 汇总 sheet's columns: code, name, team, then the money columns."""
    return [*agent_columns(), *money_columns(statutory, lang)]


def write_summary_rows(sheet: SheetWriter, agents: Sequence[AgentResult], keys: Sequence[str]) -> None:
    """The 汇总 sheet's rows: the agents grouped by team (:func:`_team_groups`), each team followed
    by its 小计 row, then the 合计 row (the sum of the agents, equal to the sum of the subtotals).
    Also each branch's sheet of the region workbook (app/reports/region_xlsx.py)."""
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for team, members in _team_groups(agents):
        subtotals: dict[str, Decimal] = defaultdict(Decimal)
        for a in members:
            amounts = summary_amounts(a.lines)
            amounts.update(gross=a.gross, deductions=a.deductions, net=a.net)
            sheet.row([a.code, a.name, a.team, *(amounts[k] for k in keys)])
            for k in keys:
                subtotals[k] += amounts[k]
                totals[k] += amounts[k]
        sheet.row(
            [
                tr("小计", "Subtotal"),
                tr(f"{len(members)} 人", f"{len(members)} agents"),
                team or tr("无团队", "No team"),
                *(subtotals[k] for k in keys),
            ],
            "subtotal",
        )
    total_row: list[Any] = [tr("合计", "Total"), tr(f"{len(agents)} 人", f"{len(agents)} agents"), ""]
    total_row += [totals.get(k, ZERO) for k in keys]
    sheet.row(total_row, "total")


def _summary_sheet(wb: SummaryBook, data: SummaryInput, title: str, header: str) -> None:
    """One row per agent in the payroll table's columns (:mod:`app.summary_columns`): the 应发
    columns, 应发合计, the 扣款 columns, 扣款合计, 实发 — each line by code is on the 明细 sheet.

    The rows are :func:`write_summary_rows`'; then the signature block (制表 / 审核 / 批准,
    :func:`signature_block`).
    """
    agents = list(data.result.agents)
    statutory = any(has_statutory(a.lines) for a in agents)
    columns = summary_sheet_columns(statutory, language())
    # no autofilter: sorting would move the subtotal and totals rows into the data
    sheet = _sheet(wb, title, columns, header, freeze=(1, 3), autofilter=False, generated=data.generated_at)
    write_summary_rows(sheet, agents, shown_keys(statutory))
    _signature_rows(sheet, data, len(columns))


def _signature_rows(sheet: SheetWriter, data: SummaryInput, width: int) -> None:
    """The signature block under the totals: per role a label and a line to sign on, and the date."""
    block = signature_block(data.sign_offs)
    step = max(3, width // len(block))  # the roles spread over the sheet's width
    names: list[Any] = [None] * width
    dates: list[Any] = [None] * width
    for i, (label, name, day) in enumerate(block):
        names[i * step], names[i * step + 1] = label, name
        dates[i * step], dates[i * step + 1] = tr("日期：", "Date:"), day
    sheet.blank_row()  # between the figures and the signatures
    sheet.row(names)
    sheet.row(dates)


def _detail_sheet(wb: SummaryBook, data: SummaryInput, title: str, header: str) -> None:
    columns = [
        *agent_columns(team=False),
        Column(tr("项目代码", "Line code"), 18),
        Column(tr("项目", "Line"), 16),
        Column(tr("金额", "Amount"), 12, "money"),
        Column(tr("计算说明", "Explanation"), 90),
    ]
    sheet = _sheet(wb, title, columns, header, freeze=(1, 2), generated=data.generated_at)
    lang = language()
    for a in data.result.agents:
        for line in a.lines:
            sheet.row([a.code, a.name, line.code, line.label_in(lang), line.amount, line.detail_in(lang)])


def _facts_sheet(wb: SummaryBook, data: SummaryInput, title: str, header: str) -> None:
    """计算依据: the facts behind each agent's pay in the words of the payslip and the payroll page
    (:func:`app.fact_rows.fact_rows`): 出勤/应出勤, 标准保费, 质检均分, 绩效得分 (无数据 when there was
    none), 请假/考勤."""
    lang = language()
    columns = agent_columns()
    widths = {"attendance": 18, "premium": 20, "qa": 34, "kpi": 30, "leave": 34}
    columns += [Column(label.in_(lang), widths.get(key, 20)) for key, label in FACT_LABELS.items()]
    # schema 2: a 岗位方案 column when any agent is in a scope (docs/pay-rules.md §7.3)
    scoped = any(a.facts.scope for a in data.result.agents)
    if scoped:
        columns.append(Column(SCOPE_LABEL.in_(lang), 18))
    sheet = _sheet(wb, title, columns, header, freeze=(1, 3), generated=data.generated_at)
    for a in data.result.agents:
        scope = scope_text(a.facts)
        extra = [scope.in_(lang) if scope is not None else "—"] if scoped else []
        sheet.row([a.code, a.name, a.team, *(row.value.in_(lang) for row in fact_rows(a.facts)), *extra])


def _sales_sheet(wb: SummaryBook, data: SummaryInput, title: str, header: str) -> None:
    yes, no = tr("是", "yes"), tr("否", "no")
    columns = [
        Column(tr("保单号", "Policy no"), 16),
        *agent_columns(team=False),
        Column(tr("产品", "Product"), 9),
        Column(tr("产品名称", "Product name"), 16),
        Column(tr("保费", "Premium"), 12, "money"),
        Column(tr("折标系数", "Factor"), 9, "rate"),
        Column(tr("标准保费", "Standard premium"), 12, "money"),
        Column(tr("客户等级", "Level"), 9),
        Column(tr("新客户", "New customer"), 8),
        Column(tr("签单日期", "Signed"), 12, "date"),
        Column(tr("撤单日期", "Cancelled"), 12, "date"),
        Column(tr("计入本月", "Counted"), 9),
        Column(tr("已记提成", "Paid commission"), 12, "money"),
    ]
    sheet = _sheet(wb, title, columns, header, freeze=(1, 1), generated=data.generated_at)
    for s in data.sales:
        sheet.row(
            [
                s.policy_no,
                s.agent_code,
                s.agent_name,
                s.product_code,
                s.product_name,
                s.premium,
                s.factor,
                s.standard_premium,
                s.customer_level,
                yes if s.new_customer else no,
                s.sign_date,
                s.cancel_date,
                yes if s.counted else no,
                s.paid_amount,
            ]
        )


def _attendance_sheet(wb: SummaryBook, data: SummaryInput, title: str, header: str) -> None:
    columns = [
        *agent_columns(),
        Column(tr("应出勤天数", "Workdays"), 10, "days"),
        Column(tr("在职天数", "Employed days"), 10, "days"),
        Column(tr("出勤天数", "Attended days"), 10, "days"),
        Column(tr("迟到次数", "Late"), 9, "int"),
        Column(tr("迟到分钟", "Late minutes"), 9, "int"),
        Column(tr("早退次数", "Early leave"), 9, "int"),
        Column(tr("早退分钟", "Early minutes"), 9, "int"),
        Column(tr("空岗次数", "Away"), 9, "int"),
        Column(tr("私自调班", "Shift swaps"), 9, "int"),
        Column(tr("旷工天数", "Absence days"), 9, "days"),
    ]
    columns += [Column(tr(f"{LEAVE_NAMES[k][0]}天数", LEAVE_NAMES[k][1]), 9, "days") for k in LEAVE_KINDS]
    columns += [
        Column(tr("考勤扣款", "Attendance penalty"), 11, "money"),
        Column(tr("全勤奖", "Full attendance"), 10, "money"),
    ]
    sheet = _sheet(wb, title, columns, header, freeze=(1, 3), generated=data.generated_at)
    for a in data.result.agents:
        code = a.code
        c = data.attendance.get(code, AttendanceCounts())
        lines = _line_sums(a)
        sheet.row(
            [
                code,
                a.name,
                a.team,
                Decimal(a.facts.workdays),
                Decimal(a.facts.employed_workdays),
                a.facts.attended_days,  # the 出勤 of the payslip's 出勤/应出勤
                c.late_count,
                c.late_minutes,
                c.early_count,
                c.early_minutes,
                c.away,
                c.swap,
                c.absence_days,
                *[c.leave_days.get(k, ZERO) for k in LEAVE_KINDS],
                lines.get("attendance_penalty", ZERO),
                lines.get("full_attendance", ZERO),
            ]
        )


def _qa_sheet(wb: SummaryBook, data: SummaryInput, title: str, header: str) -> None:
    columns = [
        *agent_columns(),
        Column(tr("质检次数（有效）", "Evaluations (valid)"), 11, "int"),
        Column(tr("平均分", "Average"), 9, "score"),
        Column(tr("等级", "Grade"), 7),
        Column(tr("提成系数", "Coefficient"), 9, "rate"),
        Column(tr("致命差错", "Fatal errors"), 9, "int"),
        Column(tr("申诉撤销", "Overturned"), 9, "int"),
        Column(tr("质检总次数", "All evaluations"), 10, "int"),
        Column(tr("致命差错扣款", "Fatal error penalty"), 12, "money"),
    ]
    sheet = _sheet(wb, title, columns, header, freeze=(1, 3), generated=data.generated_at)
    for a in data.result.agents:
        code = a.code
        facts = a.facts
        counts = data.qa.get(code, QACounts())
        sheet.row(
            [
                code,
                a.name,
                a.team,
                facts.qa_count,
                facts.qa_avg,
                facts.qa_grade or "",
                facts.qa_coefficient,
                facts.qa_fatal_count,
                counts.overturned,
                counts.total,
                _line_sums(a).get("qa_fatal_penalty", ZERO),
            ]
        )


def _ranking_sheet(wb: SummaryBook, data: SummaryInput, title: str, header: str) -> None:
    """Ranking by KPI score for posting on the notice board: scores and the award, never pay."""
    columns = [
        Column(tr("名次", "Rank"), 7, "int"),
        *agent_columns(),
        Column(tr("绩效得分", "KPI score"), 10, "score"),
        Column(tr("质检均分", "QA average"), 10, "score"),
        Column(tr("标准保费", "Standard premium"), 12, "money"),
        Column(tr("月度优秀", "Top award"), 12),
    ]
    sheet = _sheet(wb, title, columns, header, freeze=(1, 0), autofilter=False, generated=data.generated_at)
    ranked = ranking(data.result.agents)
    lang = language()
    award = tr("★ 月度优秀", "★ Top award")
    for rank, a in ranked:
        facts = a.facts
        won = facts.top_award or "top_award" in _line_sums(a)
        sheet.row(
            [
                rank,
                a.code,
                a.name,
                a.team,
                facts.kpi_score if facts.kpi_measured else NO_KPI_DATA.in_(lang),
                facts.qa_avg,
                facts.standard_premium,
                award if won else "",
            ],
            "highlight" if won else "plain",
        )


def _notice_sheet(wb: SummaryBook, data: SummaryInput, title: str, header: str) -> None:
    """The 公示 sheet: the locked month's 奖惩公示, the same rows as the publication xlsx (报表 → 公示…):
    awards and upheld penalties, the date the appeal window closes, never pay. A month not locked
    has no notice yet (its results may still change): the sheet says so."""
    pub = data.publication
    if pub is None:
        columns = [Column(title, 12), *(Column("", w) for w in XLSX_WIDTHS[1:])]
        sheet = _sheet(wb, title, columns, header, freeze=(1, 0), autofilter=False, generated=data.generated_at)
        sheet.row([tr("本月尚未锁定：奖惩公示在锁定后生成（报表 → 公示…）。",
                      "The month is not locked: the rewards and penalties notice is made once it is locked "
                      "(Reports → Notice…).")])
        return
    rows = notice_rows(pub)
    first = rows[0][1]  # the notice's title is the sheet's first (header) row
    columns = [Column(first[0], XLSX_WIDTHS[0]), *(Column("", w) for w in XLSX_WIDTHS[1:])]
    sheet = _sheet(wb, title, columns, header, freeze=(1, 0), autofilter=False, generated=data.generated_at)
    for kind, row in rows[1:]:
        if not row:
            sheet.blank_row()
        else:
            sheet.row(row, "subtotal" if kind in (HEAD, HEADING) else "plain")


def ranking(agents: Iterable[AgentResult]) -> list[tuple[int | None, AgentResult]]:
    """Agents whose KPI was measured by KPI score, highest first; equal scores share a rank (1, 2, 2, 4).
    Agents whose KPI was not measured (no indicator had data) follow in code order with no rank:
    their standard score is not a result to post."""
    agents = list(agents)

    def score(a: AgentResult) -> Decimal:
        return a.facts.kpi_score

    measured = sorted((a for a in agents if a.facts.kpi_measured), key=lambda a: (-score(a), a.code))
    unmeasured = sorted((a for a in agents if not a.facts.kpi_measured), key=lambda a: a.code)
    out: list[tuple[int | None, AgentResult]] = []
    previous: Decimal | None = None
    rank = 0
    for i, a in enumerate(measured, start=1):
        s = score(a)
        if s != previous:
            rank, previous = i, s
        out.append((rank, a))
    out.extend((None, a) for a in unmeasured)
    return out


def _line_sums(agent: AgentResult) -> dict[str, Decimal]:
    sums: dict[str, Decimal] = defaultdict(Decimal)
    for line in agent.lines:
        sums[line.code] += line.amount
    return dict(sums)


SHEETS: tuple[tuple[str, str, Callable[[SummaryBook, SummaryInput, str, str], None]], ...] = (
    ("汇总", "Summary", _summary_sheet),
    ("明细", "Lines", _detail_sheet),
    ("计算依据", "Facts", _facts_sheet),
    ("保单明细", "Sales", _sales_sheet),
    ("考勤汇总", "Attendance", _attendance_sheet),
    ("质检汇总", "QA", _qa_sheet),
    ("公示", "Notice", _notice_sheet),
    # the KPI ranking (scores and the top award, no pay), once the 公示 sheet
    ("绩效排名", "Ranking", _ranking_sheet),
)


def _fill(data: SummaryInput, book: SummaryBook) -> None:
    status = data.result.status
    draft = "" if status == "locked" else tr("（草稿：试算，未锁定）", " (DRAFT: not locked)")
    for zh, en, build in SHEETS:
        name = tr(zh, en)
        build(book, data, name, f"{data.branch_name} {data.month} {name}{draft}")
    if data.tax_year:
        name = tr(*TAX_YEAR_SHEET)
        add_tax_year_sheet(book, data.tax_year, f"{data.branch_name} {data.month} {name}{draft}", data.generated_at)
    if data.trend is not None and len(data.trend.months) > 1:
        name = tr("趋势", "Trends")
        add_trend_sheet(book, data.trend, name, f"{data.branch_name} {data.trend.months[0]}~{data.month} {name}")


def write_summary(data: SummaryInput, out_path: Path) -> Path:
    """Build the workbook and write it to ``out_path`` through a staged folder; returns the path."""
    title = tr(f"{data.branch_name} {data.month} 工资汇总", f"{data.branch_name} payroll {data.month}")
    return write_book(out_path, title, lambda book: _fill(data, book))
