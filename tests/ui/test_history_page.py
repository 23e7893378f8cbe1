"""The 趋势 page on the demo branch: charts of stored results, read off the GUI thread; agents flagged."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from PySide6.QtCharts import QBarSeries, QLineSeries
from pytestqt.qtbot import QtBot

from app.calendar import shift_month
from app.services.demo import demo_months
from app.services.payroll import calculate_month, lock_month, show_month
from db.session import Database
from ui.pages import AREA_BY_KEY, make_page
from ui.pages.history_page import HistoryPage

from .loading import loaded

pytestmark = pytest.mark.gui
MONTHS = demo_months()
NEXT = shift_month(MONTHS[-1], 1)


def _page(qtbot: QtBot, db: Database) -> HistoryPage:
    page = make_page("history", db)
    assert isinstance(page, HistoryPage) and AREA_BY_KEY["history"].zh == "趋势"
    qtbot.addWidget(page)
    page.resize(1300, 900)
    page.show()
    page.set_month(MONTHS[-1])
    return page


def _points(series: QLineSeries) -> list[float]:
    return [series.at(i).y() for i in range(series.count())]


def test_charts_show_the_stored_months(qtbot: QtBot, demo_db: Database) -> None:
    page = _page(qtbot, demo_db)
    assert page.loading and page.status.text() == "加载中…"  # read off the GUI thread
    loaded(page)
    assert [page.first.itemText(i) for i in range(page.first.count())] == MONTHS
    assert (page.first.currentText(), page.last.currentText()) == (MONTHS[0], MONTHS[-1])
    with demo_db.session_scope() as s:
        results = [show_month(s, m) for m in MONTHS]
    (cost,) = page.cost_chart.chart().series()
    assert isinstance(cost, QBarSeries)
    assert [b.label() for b in cost.barSets()] == ["基本工资", "提成", "绩效", "奖励", "考核扣款"]
    (headcount,) = page.headcount_chart.chart().series()
    assert isinstance(headcount, QLineSeries) and _points(headcount) == [len(r.agents) for r in results]
    (avg,) = page.net_chart.chart().series()
    assert isinstance(avg, QLineSeries)
    assert _points(avg) == pytest.approx([float(r.net / len(r.agents)) for r in results], abs=0.01)
    assert len(page.score_chart.chart().series()) == 2 and len(page.voice_chart.chart().series()) == 2
    assert page.agents.rowCount() == len({a.code for r in results for a in r.agents})

    page.agents.selectRow(2)
    code = page.agents.item(2, 0).text()  # type: ignore[union-attr]
    (net,) = page.agent_net_chart.chart().series()
    assert isinstance(net, QLineSeries)
    expected = [float(a.net) for r in results for a in r.agents if a.code == code]
    assert _points(net) == pytest.approx(expected)
    assert code in page.agent_net_chart.chart().title()

    with demo_db.session_scope(write=True) as s:  # a month calculated meanwhile joins the default range
        lock_month(s, MONTHS[-1])  # income tax (cumulative) needs the year's earlier months locked
        calculate_month(s, NEXT)
    page.refresh()
    loaded(page)
    assert page.result is not None and page.result.months == (*MONTHS, NEXT)

    page.set_range(MONTHS[1], MONTHS[2])
    loaded(page)
    assert page.result is not None and page.result.months == tuple(MONTHS[1:])
    (headcount,) = page.headcount_chart.chart().series()
    assert isinstance(headcount, QLineSeries) and headcount.count() == 2


def test_an_agent_below_the_average_k_three_months_is_flagged(qtbot: QtBot, demo_db: Database) -> None:
    conn = sqlite3.connect(demo_db.path)
    try:
        # A007 far below, everyone else level: the demo's own K values would flag others too
        for (rid, code, facts) in conn.execute("SELECT id, agent_code, facts_json FROM payroll_results").fetchall():
            data = json.loads(facts)
            data["kpi_score"], data["kpi_measured"] = ("20.00" if code == "A007" else "95.00"), True
            conn.execute("UPDATE payroll_results SET facts_json=? WHERE id=?", (json.dumps(data), rid))
        conn.commit()
    finally:
        conn.close()
    page = loaded(_page(qtbot, demo_db))
    rows = {page.agents.item(r, 0).text(): r for r in range(page.agents.rowCount())}  # type: ignore[union-attr]
    flag = page.agents.item(rows["A007"], 4)
    assert flag is not None and flag.text().startswith("⚠ 连续 3 个月")
    assert page.agents.currentRow() == rows["A007"]  # the first flagged agent is shown
    assert "1 人连续 3 个月" in page.status.text()


def test_no_calculated_month_says_so(qtbot: QtBot, tmp_path: Path) -> None:
    db = Database(tmp_path / "empty.sqlite3")
    try:
        page = loaded(_page(qtbot, db))
        assert "还没有已核算的月份" in page.status.text()
        assert page.agents.rowCount() == 0 and page.cost_chart.chart().series() == []
    finally:
        from PySide6.QtCore import QThreadPool

        QThreadPool.globalInstance().waitForDone(5000)
        db.dispose()
