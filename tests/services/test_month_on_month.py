"""环比 on the overview: this month's headline figures against the month before's stored result."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from app.calendar import shift_month
from app.services.demo import demo_months, fill_demo
from app.services.overview import month_overview
from app.services.payroll import show_month
from app.trends import change_text
from db.session import Database

TODAY = date(2026, 11, 15)
MONTHS = demo_months(TODAY)


def test_the_overview_carries_the_month_before(tmp_path: Path) -> None:
    db = Database(tmp_path / "demo.sqlite3")
    try:
        with db.session_scope(write=True) as s:
            fill_demo(s, today=TODAY)
        with db.session_scope() as s:  # the demo has calculated every month
            assert month_overview(s, MONTHS[0]).previous is None  # the month before has no result
            overview = month_overview(s, MONTHS[1])
            before = show_month(s, MONTHS[0])
            assert month_overview(s, shift_month(MONTHS[2], 1)).previous is None  # not calculated itself
        previous = overview.previous
        assert previous is not None and previous.month == MONTHS[0]
        assert (previous.headcount, previous.gross, previous.deductions, previous.net) == (
            len(before.agents), before.gross, before.deductions, before.net)
    finally:
        db.dispose()


def test_change_text() -> None:
    assert change_text(Decimal("110"), Decimal("100")) == ("环比 +10.0%", "vs last month +10.0%")
    assert change_text(Decimal("90"), Decimal("100"))[0] == "环比 -10.0%"
    assert change_text(Decimal("-120"), Decimal("-100"))[0] == "环比 +20.0%"  # more taken
    assert change_text(Decimal("5"), Decimal("0"))[0] == "环比 +5.00"
    assert change_text(24, 24, money=False)[0] == "环比 0.0%"
