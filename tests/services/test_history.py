"""趋势: the branch over months, read from the stored results (the demo branch, three months calculated)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from datetime import date
from decimal import Decimal

import pytest

from app.services.demo import demo_months, fill_demo
from app.services.history import history, months_with_results
from app.services.payroll import show_month
from app.summary_columns import summary_amounts
from app.trends import COMPONENTS
from db.session import Database

TODAY = date(2026, 11, 15)
MONTHS = demo_months(TODAY)


@pytest.fixture
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    db = Database(tmp_path_factory.mktemp("history") / "demo.sqlite3")
    with db.session_scope(write=True) as s:
        fill_demo(s, today=TODAY)
    # the demo has calculated every month (the first two locked)
    yield db
    db.dispose()


def test_each_month_adds_up_to_its_stored_result(demo: Database) -> None:
    with demo.session_scope() as s:
        h = history(s)
        stored = {m: show_month(s, m) for m in MONTHS}
        assert months_with_results(s) == MONTHS
    assert h.months == tuple(MONTHS)
    for point in h.points:
        result = stored[point.month]
        assert point.headcount == len(result.agents)
        assert point.net == result.net
        columns = [summary_amounts(a.lines) for a in result.agents]
        for key in COMPONENTS:
            total = sum((c[key] for c in columns), Decimal(0))
            assert point.cost[key] == (-total if key == "penalties" else total), key
        assert point.cost["base"] > 0 and point.cost["commission"] > 0
        assert point.complaints == sum(a.facts.complaints_upheld for a in result.agents)
        assert point.praise == sum(a.facts.praise_count for a in result.agents)
        qa = [a.facts.qa_avg for a in result.agents if a.facts.qa_avg is not None]
        assert point.avg_qa == (sum(qa, Decimal(0)) / len(qa)).quantize(Decimal("0.01"))
    for agent in h.agents:
        assert len(agent.net) == len(agent.kpi) == 3
        for month, net in zip(h.months, agent.net, strict=True):
            stored_agent = stored[month].agent(agent.code)
            assert net == (stored_agent.net if stored_agent else None)


def test_a_range_and_the_default_of_the_last_twelve(demo: Database) -> None:
    with demo.session_scope() as s:
        assert history(s, MONTHS[1], MONTHS[1]).months == (MONTHS[1],)
        assert history(s, first=MONTHS[1]).months == tuple(MONTHS[1:])
        assert history(s, "2020-01", "2020-12").points == ()


def test_three_months_below_the_average_k_raise_the_flag(demo: Database) -> None:
    """Stored K values are set by hand: the flag reads the stored results, not the records."""
    conn = sqlite3.connect(demo.path)
    try:
        def set_k(code: str, month: str, k: str) -> None:
            (facts,) = conn.execute("SELECT facts_json FROM payroll_results WHERE agent_code=? AND month=?",
                                    (code, month)).fetchone()
            data = json.loads(facts)
            data["kpi_score"], data["kpi_measured"] = k, True
            conn.execute("UPDATE payroll_results SET facts_json=? WHERE agent_code=? AND month=?",
                         (json.dumps(data), code, month))

        for month in MONTHS:
            set_k("A003", month, "10.00")
            set_k("A004", month, "10.00" if month != MONTHS[1] else "999.00")
        conn.commit()
    finally:
        conn.close()
    with demo.session_scope() as s:
        h = history(s)
    by_code = {a.code: a for a in h.agents}
    assert by_code["A003"].flagged and by_code["A003"].below_months == tuple(MONTHS)
    assert by_code["A003"].kpi == (Decimal("10.00"),) * 3
    assert not by_code["A004"].flagged and len(by_code["A004"].below_months) == 1
    assert "A003" in {a.code for a in h.flagged}
