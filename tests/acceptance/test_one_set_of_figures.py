"""One set of figures: the payroll table, the payslip, the Excel 汇总 sheet and ``payroll show --json``
show the same summary columns for every agent, and the columns add up to 应发 / 扣款合计 / 实发.

The demo branch (and a 300-agent one) is calculated for its last month; the table is the window's
real model, the payslips a real PDF read back with pypdf, the workbook a real file read with openpyxl.
"""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from pypdf import PdfReader
from pytestqt.qtbot import QtBot
from sqlalchemy import delete, select

from app.calendar import month_bounds, month_workdays
from app.cli import month_json
from app.fact_rows import FACT_LABELS, fact_rows
from app.i18n import set_language
from app.money import fmt_num
from app.results import MonthResult
from app.services.demo import demo_months, fill_demo
from app.services.payroll import calculate_month, show_month
from app.services.reports import export_summary, write_payslips
from app.summary_columns import (
    DEDUCTION_COLUMNS,
    GROSS_COLUMNS,
    STATUTORY_KEYS,
    SUMMARY_KEYS,
    TOTAL_LABELS,
    has_statutory,
)
from db.models import Agent, AttendanceRecord, KpiMetric, QAEvaluation, QAItemScore
from db.session import Database, open_database
from tests.statutory.helpers import ID_A, ID_B, add, import_csv, make_db, run
from ui.models.payroll_table import COLUMN_KEYS, PayrollModel, PayRow
from ui.widgets.payroll_panels import AgentDetail

pytestmark = pytest.mark.gui

TOTALS = ("gross", "deductions", "net")


def _demo(folder: Path, agents: int) -> tuple[Database, str]:
    """The demo branch calculated for its last month, where A001 has no KPI figures and no QA
    evaluation (so no KPI data at all: out of the demo's post scopes, whose counted indicators always
    score, the top level's only indicator is QA) and was once away from post and once swapped a shift."""
    db = open_database(folder / "demo.sqlite3")
    with db.session_scope(write=True) as s:
        fill_demo(s, agents=agents)
    month = demo_months()[-1]
    start, end = month_bounds(month)
    with db.session_scope(write=True) as s:
        a001 = s.scalar(select(Agent).where(Agent.code == "A001"))
        assert a001 is not None
        a001.role = ""
        s.execute(delete(KpiMetric).where(KpiMetric.agent_id == a001.id, KpiMetric.month == month))
        evaluations = select(QAEvaluation.id).where(
            QAEvaluation.agent_id == a001.id, QAEvaluation.date >= start, QAEvaluation.date <= end
        )
        s.execute(delete(QAItemScore).where(QAItemScore.evaluation_id.in_(evaluations)))
        s.execute(delete(QAEvaluation).where(QAEvaluation.id.in_(evaluations)))
        day = month_workdays(month)[0][3]
        s.add_all(
            [
                AttendanceRecord(agent_id=a001.id, date=day, kind="away"),
                AttendanceRecord(agent_id=a001.id, date=day, kind="swap"),
            ]
        )
    with db.session_scope(write=True) as s:
        calculate_month(s, month)
    return db, month


def _table(result: MonthResult) -> dict[str, dict[str, Decimal]]:
    """What the window's payroll table displays, per agent code and column key."""
    model = PayrollModel()
    model.set_result(result)
    out: dict[str, dict[str, Decimal]] = {}
    for r in range(model.rowCount()):
        shown = [str(model.data(model.index(r, c))) for c in range(model.columnCount())]
        row = dict(zip(COLUMN_KEYS, shown, strict=True))
        out[row["code"]] = {k: Decimal(row[k]) for k in (*SUMMARY_KEYS, *TOTALS)}
    return out


def _payslip_summary(text: str) -> dict[str, Decimal]:
    """The payslip's summary block (after its 应发项目 header): label → amount."""
    tokens = [t.strip() for t in text.split("\n") if t.strip()]
    start = tokens.index("应发项目")
    labels = {c.label.zh: c.key for c in (*GROSS_COLUMNS, *DEDUCTION_COLUMNS)}
    labels.update({TOTAL_LABELS[k].zh: k for k in TOTALS})
    out: dict[str, Decimal] = {}
    for i in range(start, len(tokens) - 1):
        key = labels.get(tokens[i])
        if key is not None and key not in out:
            out[key] = Decimal(tokens[i + 1])
    return out


def _figures(db: Database, month: str, tmp_path: Path, *, statutory: bool) -> tuple[MonthResult, list[Any], Path]:
    """The table, the payslips, the workbook's 汇总 sheet and the JSON show the same columns, and the
    columns add up. ``statutory``: the month has 社保/公积金/个税 lines, so the payslip (of an agent
    with such lines) and the workbook print those columns; otherwise they print none of them."""
    set_language("zh")
    with db.session_scope() as s:
        result = show_month(s, month)
        slips = write_payslips(s, month, tmp_path / "slips", combined=True)
        book = export_summary(s, month, tmp_path / "summary.xlsx")
    assert result.agents
    table = _table(result)
    if not statutory:
        assert all(not table[a.code][k] for a in result.agents for k in STATUTORY_KEYS)

    # the table's columns add up
    for a in result.agents:
        row = table[a.code]
        assert sum(row[c.key] for c in GROSS_COLUMNS) == row["gross"] == a.gross, a.code
        assert sum(row[c.key] for c in DEDUCTION_COLUMNS) == row["deductions"] == a.deductions, a.code
        assert row["gross"] + row["deductions"] == row["net"] == a.net, a.code
        assert all(row[c.key] >= 0 for c in GROSS_COLUMNS) and all(row[c.key] <= 0 for c in DEDUCTION_COLUMNS)
        assert row["base"] == a.amount_of("base"), a.code  # the payslip's 基本工资 line, leave apart

    # ... and equal the payslip's summary block (one page per agent, in the table's order)
    pages = PdfReader(io.BytesIO(slips[0].read_bytes())).pages
    assert len(pages) == len(result.agents)
    for a, page in zip(result.agents, pages, strict=True):
        text = page.extract_text()
        assert a.code in text
        printed = _payslip_summary(text)
        # the payslip prints 社保/公积金/个税 exactly when the agent has a statutory line
        assert (STATUTORY_KEYS[0] in printed) == has_statutory(a.lines), a.code
        assert printed == _without_statutory(table[a.code], keep=has_statutory(a.lines)), a.code

    # ... and the workbook's 汇总 sheet
    ws = openpyxl.load_workbook(book, read_only=True)["汇总"]
    rows = list(ws.iter_rows(values_only=True))
    header = [str(h) for h in rows[0]]
    by_label = {c.label.zh: c.key for c in (*GROSS_COLUMNS, *DEDUCTION_COLUMNS)}
    by_label.update({TOTAL_LABELS[k].zh: k for k in TOTALS})
    keys = [by_label.get(h) for h in header]
    expected = {*SUMMARY_KEYS, *TOTALS} - (set() if statutory else set(STATUTORY_KEYS))
    assert set(filter(None, keys)) == expected
    total_at = [str(row[0]) for row in rows].index("合计")
    sheet = {
        str(row[0]): {
            k: Decimal(str(v)).quantize(Decimal("0.01")) for k, v in zip(keys, row, strict=True) if k
        }
        for row in rows[1:total_at]
        if row[0] != "小计"  # the team subtotals (tests/reports/test_summary_xlsx.py checks them)
    }
    assert sheet == {code: _without_statutory(row, keep=statutory) for code, row in table.items()}

    # ... and `payroll show --json` (every column, 社保/公积金/个税 too: 0.00 in a month without them)
    data = month_json(result, "zh")
    for agent in data["agents"]:
        json_row = {k: Decimal(v) for k, v in agent["columns"].items()}
        json_row.update({k: Decimal(agent[k]) for k in TOTALS})
        assert json_row == table[agent["code"]], agent["code"]
    return result, list(pages), book


def _without_statutory(row: dict[str, Decimal], *, keep: bool) -> dict[str, Decimal]:
    return row if keep else {k: v for k, v in row.items() if k not in STATUTORY_KEYS}


def _check(qtbot: QtBot, db: Database, month: str, tmp_path: Path) -> None:
    result, pages, book = _figures(db, month, tmp_path, statutory=True)  # the demo plan has [statutory]

    # one text per fact: the side panel, the payslip and the workbook's 计算依据 sheet say the same
    panel = AgentDetail()
    qtbot.addWidget(panel)
    facts_sheet = openpyxl.load_workbook(book, read_only=True)["计算依据"]
    facts_rows = list(facts_sheet.iter_rows(values_only=True))
    # the demo's agents are in post scopes: the sheet adds a 岗位方案 column after the facts (§7.3)
    assert list(facts_rows[0][3:]) == [*(label.zh for label in FACT_LABELS.values()), "岗位方案"]
    by_code = {str(r[0]): [str(v) for v in r[3:-1]] for r in facts_rows[1:]}
    assert {str(r[0]): r[-1] for r in facts_rows[1:]}["A002"] == "电话接听岗（answer）"
    for a, page in zip(result.agents, pages, strict=True):
        agent_facts = fact_rows(a.facts)
        panel.show_row(PayRow.of(a))
        page_text = "".join(page.extract_text().split())
        assert [panel.fact_labels[r.key].text() for r in agent_facts] == [r.value.zh for r in agent_facts], a.code
        for r in agent_facts:
            assert r.label.zh in page_text and "".join(r.value.zh.split()) in page_text, (a.code, r)
        assert by_code[a.code] == [r.value.zh for r in agent_facts], a.code
        # 出勤 is the days attended (leave and absence taken off), not the days employed
        assert agent_facts[0].value.zh.startswith(f"{fmt_num(a.facts.attended_days)}/{a.facts.workdays} 天"), a.code
    a001 = {r.key: r.value.zh for r in fact_rows(next(a for a in result.agents if a.code == "A001").facts)}
    assert a001["kpi"].startswith("无数据（") and "合格线" in a001["kpi"]
    assert "空岗 1 次" in a001["leave"] and "私自调班 1 次" in a001["leave"]
    assert any(a.facts.leave_total and a.facts.attended_days < a.facts.employed_workdays for a in result.agents)
    notice = list(openpyxl.load_workbook(book, read_only=True)["绩效排名"].iter_rows(values_only=True))
    score = notice[0].index("绩效得分")
    assert {str(r[1]): r[score] for r in notice[1:]}["A001"] == "无数据"  # not 80.00 as if measured


def test_the_demo_shows_one_set_of_figures(qtbot: QtBot, tmp_path: Path) -> None:
    db, month = _demo(tmp_path, 25)
    try:
        _check(qtbot, db, month, tmp_path)
    finally:
        db.dispose()


@pytest.mark.slow
def test_a_300_agent_month_shows_one_set_of_figures(qtbot: QtBot, tmp_path: Path) -> None:
    db, month = _demo(tmp_path, 300)
    try:
        _check(qtbot, db, month, tmp_path)
    finally:
        db.dispose()


def test_a_statutory_month_shows_social_insurance_housing_fund_and_tax_as_columns(
    qtbot: QtBot, tmp_path: Path
) -> None:
    """社保, 公积金 and 个税 are columns of their own (not inside 其他扣减) in the table, on the payslip,
    in the workbook and in the JSON, and with the other deductions they still add up to 扣款合计."""
    db = make_db(tmp_path)
    try:
        add(db, "A", "20000", id_number=ID_A, si_base="10000")  # 社保 1053.00, 公积金 700.00
        add(db, "B", "6000", id_number=ID_B)  # on the floors; tax on a small income
        add(db, "X", "3000", id_number=None, statutory=False)  # not covered: no statutory line at all
        import_csv(db, "adjustments", tmp_path, "code,month,amount,reason\nA,2026-01,-300,借支\nX,2026-01,-50,罚没\n")
        run(db, "2026-01", lock=False)
        result, _pages, _book = _figures(db, "2026-01", tmp_path, statutory=True)
        table = _table(result)
        a = table["A"]
        assert (a["social_insurance"], a["housing_fund"], a["income_tax"]) == (
            Decimal("-1053.00"), Decimal("-700.00"), Decimal("-388.41"))  # 397.41 − 3% of 300
        assert a["other_deductions"] == Decimal("-300.00")  # the adjustment alone, no statutory line inside
        assert table["B"]["social_insurance"] < 0 and table["B"]["housing_fund"] < 0
        assert not any(table["X"][k] for k in STATUTORY_KEYS) and table["X"]["other_deductions"] == Decimal("-50.00")
        assert not has_statutory(next(r for r in result.agents if r.code == "X").lines)
    finally:
        db.dispose()
